"""Print a working portal link for each kind of party in the demo (sending new ones as needed).

Portal links work once and expire; run this again for fresh ones. mediation.demo.links says how.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mediation.demo.links import DemoNotLoaded, demo_links


class Command(BaseCommand):
    help = "Print a working portal link for each kind of party in the demo."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            links = demo_links()
        except DemoNotLoaded as missing:
            raise CommandError(str(missing)) from None
        self.stdout.write(
            "Portal links, one for each kind of party (each works once; "
            "`manage.py demo_links` prints new ones):"
        )
        for link in links:
            journey = link.journey
            self.stdout.write(
                f"  {journey.label}, {link.party_name} on {journey.child}'s case "
                f"{link.case_reference}: {journey.try_this}\n    {link.url}"
            )
