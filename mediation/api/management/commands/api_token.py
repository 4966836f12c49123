"""Make, list and revoke the API tokens of an LA's system, for scripts and deployments.

    manage.py api_token create --la NFD --name "Capita ONE" --scope read [--scope write] [--days 365]
    manage.py api_token list [--la NFD]
    manage.py api_token revoke ID

`create` prints the token once, on the last line; only its hash is kept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mediation.api.models import ApiToken, Scope
from mediation.api.services import token_create, token_revoke
from mediation.authorities.models import LocalAuthority
from mediation.common.errors import ServiceError


class Command(BaseCommand):
    help = "Make, list or revoke API tokens of a local authority's system."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token; it is printed once.")
        create.add_argument("--la", required=True, help="The local authority's code, e.g. NFD.")
        create.add_argument("--name", required=True, help="The system that will use it.")
        create.add_argument(
            "--scope", action="append", choices=Scope.values, required=True, dest="scopes"
        )
        create.add_argument("--days", type=int, default=365, help="Days until it expires.")
        listing = actions.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("--la", help="Only this local authority's.")
        revoke = actions.add_parser("revoke", help="Stop a token working at once.")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        match options["action"]:
            case "create":
                self._create(options)
            case "list":
                self._list(options.get("la"))
            case "revoke":
                self._revoke(options["id"])

    def _authority(self, code: str) -> LocalAuthority:
        authority = LocalAuthority.objects.filter(code__iexact=code.strip()).first()
        if authority is None:
            raise CommandError(f"There is no local authority with the code {code}.")
        return authority

    def _create(self, options: dict[str, Any]) -> None:
        authority = self._authority(options["la"])
        try:
            made = token_create(
                authority=authority,
                name=options["name"],
                scopes=options["scopes"],
                expires_on=timezone.localdate() + timedelta(days=options["days"]),
                by=None,
            )
        except ServiceError as refusal:
            raise CommandError(str(refusal)) from None
        token = made.token
        self.stdout.write(
            f"Token {token.pk} for {authority.name}: {', '.join(token.scope_labels()).lower()}, "
            f"until {timezone.localtime(token.expires_at):%d %B %Y}. It is shown only now:"
        )
        self.stdout.write(made.secret)

    def _list(self, code: str | None) -> None:
        tokens = ApiToken.objects.select_related("local_authority").order_by(
            "local_authority", "id"
        )
        if code:
            tokens = tokens.filter(local_authority=self._authority(code))
        for token in tokens:
            state = "revoked" if token.is_revoked else "expired" if token.is_expired else "in use"
            self.stdout.write(
                f"{token.pk}\t{token.local_authority.code}\t{token.prefix}…\t{token.name}\t"
                f"{','.join(token.scopes)}\t{timezone.localtime(token.expires_at):%Y-%m-%d}\t{state}"
            )

    def _revoke(self, token_id: int) -> None:
        token = ApiToken.objects.filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"There is no token {token_id}.")
        token_revoke(token=token, by=None)
        self.stdout.write(f"Token {token.pk} ({token.name}) revoked.")
