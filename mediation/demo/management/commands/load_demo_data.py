"""Load the demo: staff of every role, the local authorities, and cases at every stage of every
route, made by the services a person uses, on the days they happened (mediation.demo.loader).

All names are invented. Running it again does nothing: the demo is loaded once per database.
Never run it on a server (its users have published passwords); it needs the development
requirements, which a server does not have.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mediation.accounts.models import Role
from mediation.api.demo import DEMO_TOKEN
from mediation.demo.cast import (
    AUTHORITIES,
    DEMO_PASSWORD,
    SIGN_IN_ORDER,
    STAFF,
    demo_authenticator_key,
)
from mediation.demo.loader import StoryFailed, demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the demo data once: staff, local authorities and cases at every stage."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_is_loaded():
            self.stdout.write("Demo data already loaded.")
        else:
            try:
                report = demo_load()
            except StoryFailed as failed:
                raise CommandError(
                    f"{failed} Nothing after that step was loaded: delete the database and "
                    "run it again once the demo is fixed."
                ) from failed
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the demo: {report.cases} cases in {report.seconds} s.")
            )
        roles = {username: role for username, _first, _last, role in STAFF}
        for username in SIGN_IN_ORDER:
            self.stdout.write(
                f"demo sign-in: {username} / {DEMO_PASSWORD} / authenticator key "
                f"{demo_authenticator_key(username)} ({Role(roles[username]).label})"
            )
        self.stdout.write(
            f"demo API token ({AUTHORITIES[0][0]}, read and write): {DEMO_TOKEN} (see docs/api.md)"
        )
        self.stdout.write("Portal links for each kind of party: manage.py demo_links")
