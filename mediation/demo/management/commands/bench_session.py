"""Signed-in, second-factor-verified sessions for the load tool (benchmark settings only).

    MEDIATION_BENCH=1 DJANGO_SETTINGS_MODULE=config.settings.bench manage.py bench_session \
        --username syn.officer01 --sessions 16

Prints JSON: the session cookie's name and one value per session, each with the signed "seen"
stamp a browser would hold (mediation.accounts.sessions), and some values the benchmark's URLs
need (a recent case's reference and child's name, a local authority id).
Gives the user a confirmed authenticator device if they have none, and marks each session as
verified with it, exactly as a sign-in with a code does (django_otp.login). Refuses to run
unless the benchmark settings are loaded (settings.BENCH).
"""

from __future__ import annotations

import json
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django_otp import DEVICE_ID_SESSION_KEY

from mediation.accounts import security
from mediation.accounts.middleware import seen_cookie_name
from mediation.accounts.models import EncryptedTOTPDevice, User
from mediation.accounts.sessions import seen_stamp
from mediation.cases.models import Case
from mediation.demo.synthetic import reference_prefix


class Command(BaseCommand):
    help = "Benchmark only: make verified staff sessions and print them as JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--sessions", type=int, default=16)
        parser.add_argument(
            "--seed",
            type=int,
            help="use synthetic case number 100 of this generate_cases seed as the sample case "
            "(a recent case, the same one at every size); default: the newest case",
        )

    def handle(
        self, *args: Any, username: str, sessions: int, seed: int | None, **options: Any
    ) -> None:
        if not getattr(settings, "BENCH", False):
            raise CommandError("bench_session runs only under config.settings.bench.")
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as error:
            raise CommandError(f"No active user {username!r}.") from error
        device = EncryptedTOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = EncryptedTOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        store = import_module(settings.SESSION_ENGINE).SessionStore
        keys = []
        for _ in range(sessions):
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[security.SIGNED_IN_AT] = security.now_seconds()
            session.create()
            keys.append(session.session_key)
        seen = [seen_stamp(key, security.now_seconds()) for key in keys]
        if seed is not None:
            case = Case.objects.filter(
                reference__startswith=reference_prefix(seed), reference__endswith="-0000100"
            ).first()
        else:
            case = Case.objects.order_by("-opened_at").first()
        self.stdout.write(
            json.dumps(
                {
                    "cookie_name": settings.SESSION_COOKIE_NAME,
                    "sessions": keys,
                    "seen_cookie_name": seen_cookie_name(),
                    "seen": seen,
                    "user_id": user.pk,
                    "case_reference": case.reference if case else "",
                    "child_name": case.child_name if case else "",
                    "child_last_name": case.child_last_name if case else "",
                    "local_authority_id": case.local_authority_id if case else "",
                }
            )
        )
