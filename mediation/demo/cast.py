"""The demo's people and places: staff of every role, the commissioning local authorities and
their contract prices. All invented; every email address is at an example domain."""

from __future__ import annotations

import base64
import hashlib
from datetime import date

from mediation.accounts.models import Role, User
from mediation.accounts.services import staff_user_save
from mediation.accounts.two_factor import device_with_key
from mediation.authorities.models import LocalAuthority
from mediation.authorities.services import local_authority_save
from mediation.invoicing.models import Activity, Tariff
from mediation.invoicing.services import tariff_save

DEMO_PASSWORD = "demo-mediation-2026"

# username, first name, last name, role. The administrator comes first: they set up the others.
STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("alex.admin", "Alex", "Reid", Role.ADMINISTRATOR),
    ("morgan.manager", "Morgan", "Ellis", Role.MANAGER),
    ("casey.officer", "Casey", "Morgan", Role.CASE_OFFICER),
    ("priya.officer", "Priya", "Nair", Role.CASE_OFFICER),
    ("maya.mediator", "Maya", "Okafor", Role.MEDIATOR),
    ("tom.mediator", "Tom", "Lindqvist", Role.MEDIATOR),
)
# The order the README lists them in (who most newcomers want to be first).
SIGN_IN_ORDER = (
    "casey.officer",
    "priya.officer",
    "maya.mediator",
    "tom.mediator",
    "morgan.manager",
    "alex.admin",
)

# name, code, contact email. Tom Lindqvist also works for Westdale, so he may not mediate its
# cases (CFA 2014 s56): the demo shows the refusal when he is chosen for one.
AUTHORITIES: tuple[tuple[str, str, str], ...] = (
    ("Northfield Borough Council", "NFD", "send.disputes@northfield.example.gov.uk"),
    ("Eastmoor County Council", "EMC", "sen.team@eastmoor.example.gov.uk"),
    ("Riverside City Council", "RCC", "ehc.mediation@riverside.example.gov.uk"),
    ("Westdale District Council", "WDC", "send@westdale.example.gov.uk"),
)
EMPLOYED_BY = {"tom.mediator": ("WDC",)}

# The contract prices, the same for every local authority (pence, before VAT at 20%).
PRICES_PENCE: dict[str, int] = {
    Activity.INFORMATION_CALL: 4_500,
    Activity.CERTIFICATE_ONLY: 9_500,
    Activity.MEDIATION: 65_000,
    Activity.DISAGREEMENT_RESOLUTION: 55_000,
    Activity.CANCELLED_MEETING: 20_000,
}


def demo_authenticator_key(username: str) -> str:
    """A fixed authenticator key per demo user, so the printed key stays valid between runs."""
    digest = hashlib.sha256(f"demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def staff_create() -> dict[str, User]:
    """Every demo staff account, set up by the administrator (who set up their own first), each
    with its authenticator."""
    staff: dict[str, User] = {}
    for username, first, last, role in STAFF:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            email=f"{username}@mediation.example.org",
        )
        admin = staff.get("alex.admin", user)
        staff[username] = staff_user_save(user=user, password=DEMO_PASSWORD, by=admin)
        device_with_key(user, demo_authenticator_key(username))
    return staff


def authorities_create(manager: User, staff: dict[str, User]) -> dict[str, LocalAuthority]:
    """The commissioning local authorities, added by the manager, and who works for which."""
    authorities = {
        code: local_authority_save(
            authority=LocalAuthority(name=name, code=code, contact_email=email), by=manager
        )
        for name, code, email in AUTHORITIES
    }
    for username, codes in EMPLOYED_BY.items():
        user = staff[username]
        staff_user_save(
            user=user,
            password="",
            by=manager,
            employed_by=[authorities[code] for code in codes],
        )
    return authorities


def tariffs_create(
    authorities: dict[str, LocalAuthority], manager: User, effective_from: date
) -> None:
    """Each LA's contract prices from the start of the contract year, so Manage → Invoices can
    preview and issue invoices."""
    for authority in authorities.values():
        for activity, pence in PRICES_PENCE.items():
            tariff_save(
                tariff=Tariff(
                    local_authority=authority,
                    activity=activity,
                    unit_price_pence=pence,
                    vat_rate_bp=2_000,
                    notice_working_days=2 if activity == Activity.CANCELLED_MEETING else None,
                    effective_from=effective_from,
                    created_by=manager,
                ),
                by=manager,
            )
