"""Run by the webhook fault test in its own process: `python -m
mediation.webhooks.tests.fault_driver seed URL N` makes an LA with an endpoint at URL and opens
N of its cases, each recording a "case opened" event whose delivery task waits in the database
queue for the worker."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mediation.webhooks.tests.fault_settings")


def seed(url: str, count: int) -> None:
    from mediation.accounts.models import Role, User
    from mediation.authorities.models import LocalAuthority
    from mediation.cases import services
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route
    from mediation.webhooks.services import endpoint_register
    from mediation.workflow.services import case_open_from_enquiry

    authority = LocalAuthority.objects.create(name="Northfield Borough Council", code="NFD")
    manager = User.objects.create(username="manager", role=Role.MANAGER)
    officer = User.objects.create(username="officer", role=Role.CASE_OFFICER)
    endpoint_register(
        authority=authority, url=url, events=["case.opened"], description="", by=manager
    )
    for number in range(count):
        enquiry = services.enquiry_record(
            by=officer, data=enquiry_data(authority, child_first_name=f"Child{number}")
        )
        case_open_from_enquiry(enquiry=enquiry, route=Route.MEDIATION, owner=officer, by=officer)


def main() -> None:
    import django

    django.setup()
    if sys.argv[1] != "seed":
        raise SystemExit(f"unknown command {sys.argv[1]}")
    seed(sys.argv[2], int(sys.argv[3]))


if __name__ == "__main__":
    main()
