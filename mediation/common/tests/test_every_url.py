"""Every URL × every kind of visitor: zero unexpected allows (security design §C, issue 8).

The URL list comes from the resolver, so a new URL without a row in ACCESS fails this test.
Objects in URLs (parties, meetings, letters, actions ...) are real rows of a case assigned to
one mediator; the other mediator is the "unrelated" visitor who must get 403 or 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import login

pytestmark = pytest.mark.django_db

# Who may use each URL. "own_med" is the case's mediator, "other_med" a mediator of other cases.
STAFF_KINDS = ("officer", "own_med", "other_med", "manager", "admin")
ALL_STAFF = frozenset(STAFF_KINDS)
PUBLIC = ALL_STAFF | {"anon"}
CASE_STAFF = frozenset({"officer", "own_med", "manager", "admin"})
OFFICE = frozenset({"officer", "manager", "admin"})
MEDIATOR_OR_MANAGER = frozenset({"own_med", "manager", "admin"})
MANAGERS = frozenset({"manager", "admin"})
OWN_MEDIATOR = frozenset({"own_med"})

ACCESS: dict[str, frozenset[str]] = {
    # signing in
    "accounts:sign-in": PUBLIC,
    "accounts:sign-out": PUBLIC,
    "accounts:two-factor": ALL_STAFF,
    "accounts:step-up": ALL_STAFF,
    "accounts:two-factor-setup": ALL_STAFF,
    "documents:verify": PUBLIC,
    "csp-report": PUBLIC,
    # lists every staff member has (scoped to what each may see)
    "cases:my-work": ALL_STAFF,
    "cases:list": ALL_STAFF,
    "meetings:calendar": ALL_STAFF,
    "notifications:outbox": ALL_STAFF,
    "cases:team": OFFICE,
    # enquiries are for the office
    "enquiries:list": OFFICE,
    "enquiries:new": OFFICE,
    "enquiries:detail": OFFICE,
    "enquiries:open-case": OFFICE,
    "enquiries:close": OFFICE,
    # a case: everyone who may see it
    "cases:detail": CASE_STAFF,
    "cases:contact-add": CASE_STAFF,
    "cases:note-add": CASE_STAFF,
    "cases:key-dates": CASE_STAFF,
    "parties:list": CASE_STAFF,
    "parties:detail": CASE_STAFF,
    "parties:expenses": CASE_STAFF,
    "parties:claim": CASE_STAFF,
    "meetings:detail": CASE_STAFF,
    "meetings:slots": CASE_STAFF,
    "meetings:call": CASE_STAFF,
    "meetings:letter": CASE_STAFF,
    "meetings:letter-posted": CASE_STAFF,
    "documents:download": CASE_STAFF,
    "outcomes:statement": CASE_STAFF,
    "outcomes:pdf": CASE_STAFF,
    "outcomes:edit": CASE_STAFF,
    "outcomes:action-add": CASE_STAFF,
    "outcomes:action-edit": CASE_STAFF,
    "outcomes:action-remove": CASE_STAFF,
    "outcomes:agreement": CASE_STAFF,
    "outcomes:finalise": CASE_STAFF,
    "outcomes:addendum": CASE_STAFF,
    "outcomes:circulate": CASE_STAFF,
    "outcomes:resend": CASE_STAFF,
    "outcomes:letter": CASE_STAFF,
    "outcomes:posted": CASE_STAFF,
    # a case: the office, not the mediator
    "cases:link-add": OFFICE,
    # the first step offered on this case is an office step (mediators' own steps: cases tests)
    "cases:step": OFFICE,
    "parties:add": OFFICE,
    "parties:edit": OFFICE,
    "parties:attendance": OFFICE,
    "parties:response": OFFICE,
    "parties:authority": OFFICE,
    "parties:claim-new": OFFICE,
    "parties:line-add": OFFICE,
    "meetings:answers": OFFICE,
    "meetings:book": OFFICE,
    "meetings:reschedule": OFFICE,
    "meetings:cancel": OFFICE,
    "outcomes:action-done": OFFICE,
    "outcomes:action-vary": OFFICE,
    "outcomes:action-escalate": OFFICE,
    "outcomes:action-letter": OFFICE,
    "outcomes:action-letter-send": OFFICE,
    # a case: the mediator decides who attends (managers may too)
    "parties:decision": MEDIATOR_OR_MANAGER,
    "cases:mediator-notes": OWN_MEDIATOR,
    # a case: managers
    "cases:assign-mediator": MANAGERS,
    "documents:certificate-revoke": MANAGERS,
    "privacy:case": MANAGERS,
    # managing the service
    "manage:home": MANAGERS,
    "manage:authorities": MANAGERS,
    "manage:authority-new": MANAGERS,
    "manage:authority-edit": MANAGERS,
    "manage:closure-days": MANAGERS,
    "manage:closure-day-remove": MANAGERS,
    "manage:calendar-change": MANAGERS,
    "manage:users": MANAGERS,
    "manage:user-new": MANAGERS,
    "manage:user-edit": MANAGERS,
    "manage:mediator-conflicts": MANAGERS,
    "documents:letter-templates": MANAGERS,
    "documents:letter-template-edit": MANAGERS,
    "outcomes:report": MANAGERS,
    "privacy:overview": MANAGERS,
    "privacy:erasure-decide": MANAGERS,
    "privacy:subject-access": MANAGERS,
    "privacy:subject-access-download": MANAGERS,
    "audit:log": MANAGERS,
    "audit:check": MANAGERS,
}

# Pages open to visitors who are not signed in (everything else sends them to sign in).
OPEN_TO_ANONYMOUS = {"accounts:sign-in", "accounts:sign-out", "documents:verify", "csp-report"}
# The only view that takes a POST without a CSRF token (browsers send CSP reports without one).
CSRF_EXEMPT = {"csp-report"}
# Pages an allowed visitor still finds "not found" in this world's state, and why.
NOT_FOUND_IN_THIS_STATE = {
    "documents:certificate-revoke": "the case has no certificate to revoke",
    "outcomes:edit": "the statement is final, so it cannot be edited",
    "outcomes:action-add": "the statement is final",
    "outcomes:action-edit": "the statement is final",
    "outcomes:agreement": "agreements are recorded on a draft",
}


def url_patterns(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


# kwarg name -> (model, lookup from the model to its case or None when not case-scoped)
ID_SOURCES = {
    "party_id": ("cases.Party", "case"),
    "claim_id": ("parties.ExpenseClaim", "case"),
    "slot_id": ("meetings.SlotOffer", "case"),
    "meeting_id": ("meetings.Meeting", "case"),
    "call_id": ("meetings.MediatorCall", "meeting__case"),
    "letter_id": ("meetings.MeetingLetter", "meeting__case"),
    "document_id": ("documents.GeneratedDocument", "case"),
    "action_id": ("outcomes.AgreedAction", "case"),
    "delivery_id": ("outcomes.Delivery", "statement__case"),
    "request_id": ("privacy.ErasureRequest", "case"),
    "authority_id": ("authorities.LocalAuthority", None),
    "closure_id": ("deadlines.ClosureDay", None),
    "change_id": ("deadlines.CalendarChange", None),
    "user_id": ("accounts.User", None),
}


@dataclass
class Target:
    name: str
    url: str
    case: object | None


def _rich_case():
    """The case _fill_gaps completed: a meeting, letters, an outcome statement and actions."""
    from mediation.cases.models import Case
    from mediation.outcomes.models import AgreedAction

    return Case.objects.get(
        pk=AgreedAction.objects.order_by("pk").values_list("case", flat=True)[0]
    )


def _target(name, pattern):
    from mediation.accounts.models import User
    from mediation.cases.models import Enquiry, PartyRole
    from mediation.cases.workflow import case_steps
    from mediation.documents.models import LetterTemplate

    case = _rich_case()
    kwargs = {}
    for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern)):
        if kwarg == "reference":
            kwargs[kwarg] = (
                Enquiry.objects.order_by("pk").first().reference
                if name.startswith("enquiries:")
                else case.reference
            )
        elif kwarg == "step":
            kwargs[kwarg] = case_steps(case)[0].step
        elif kwarg == "code":
            kwargs[kwarg] = LetterTemplate.objects.order_by("pk").first().code
        elif kwarg == "user_id":
            kwargs[kwarg] = User.objects.filter(role="mediator").order_by("pk").first().pk
        elif kwarg == "party_id" and name == "parties:authority":
            kwargs[kwarg] = case.parties.filter(role=PartyRole.LA_REPRESENTATIVE).first().pk
        else:
            label, to_case = ID_SOURCES[kwarg]
            rows = apps.get_model(label).objects.order_by("pk")
            if to_case:
                rows = rows.filter(**{to_case: case})
            row = rows.first()
            assert row is not None, f"no {label} on the test case for {name}"
            kwargs[kwarg] = row.pk
    if not name.startswith("enquiries:") and "reference" not in kwargs:
        case = None
    return Target(name=name, url=reverse(name, kwargs=kwargs), case=case)


def _first_choice(model, field):
    return model._meta.get_field(field).choices[0][0]


def _fill_gaps():
    """Rows the demo data does not make, so that every URL has a real object to point at."""
    from datetime import date

    from mediation.accounts.models import User
    from mediation.cases.models import Case
    from mediation.deadlines.models import CalendarChange, ClosureDay
    from mediation.documents.models import GeneratedDocument
    from mediation.meetings.models import Meeting, MeetingLetter
    from mediation.outcomes.models import AgreedAction, Delivery, OutcomeStatement
    from mediation.parties.models import ExpenseClaim
    from mediation.privacy.services import erasure_request

    officer = User.objects.get(username="casey.officer")
    meeting = (
        Meeting.objects.filter(
            case__mediator__isnull=False, case__parties__role="la_representative"
        )
        .order_by("pk")
        .first()
    )
    case = meeting.case
    party = case.parties.order_by("pk").first()

    def document(kind):
        return GeneratedDocument.objects.create(
            case=case,
            kind=kind,
            title="Test",
            version=GeneratedDocument.objects.filter(case=case, kind=kind).count() + 1,
            html="<p>x</p>",
            pdf=b"%PDF-1.4",
            sha256="0" * 64,
        )

    if not ExpenseClaim.objects.filter(case=case).exists():
        ExpenseClaim.objects.create(
            case=case, claimant=party, received_on=date(2026, 11, 2), created_by=officer
        )
    if not MeetingLetter.objects.filter(meeting__case=case).exists():
        MeetingLetter.objects.create(
            meeting=meeting,
            party=party,
            sequence=0,
            kind=_first_choice(MeetingLetter, "kind"),
            document=document("meeting_letter"),
        )
    if not AgreedAction.objects.filter(case=case).exists():
        statement = OutcomeStatement.objects.filter(
            case=case
        ).first() or OutcomeStatement.objects.create(
            case=case,
            outcome=_first_choice(OutcomeStatement, "outcome"),
            content_hash="0" * 64,
            created_by=case.mediator,
            status=OutcomeStatement.Status.FINAL,
        )
        AgreedAction.objects.create(
            statement=statement,
            case=case,
            what="Amend section F",
            who=_first_choice(AgreedAction, "who"),
            kind=_first_choice(AgreedAction, "kind"),
            section=_first_choice(AgreedAction, "section"),
            agreed_due=date(2026, 12, 1),
        )
        Delivery.objects.create(
            statement=statement,
            party=party,
            recipient_name=party.name,
            message_id=0,
            channel="letter",
            document=document("outcome_statement"),
            by=officer,
        )
    if not ClosureDay.objects.exists():
        ClosureDay.objects.create(
            day=date(2026, 12, 24),
            name="Office closed",
            kind=_first_choice(ClosureDay, "kind"),
            created_by=officer,
        )
    if not CalendarChange.objects.exists():
        CalendarChange.objects.create(
            description="Office closed", day=date(2026, 12, 24), by=officer
        )
    erasure_request(
        case=Case.objects.get(pk=case.pk),
        by=User.objects.get(username="morgan.manager"),
        scope="case",
        reason="Test",
    )


@pytest.fixture
def world(db):
    with open("/dev/null", "w") as quiet:
        call_command("load_demo_data", cases=30, stdout=quiet)
    _fill_gaps()


def _visitors():
    from mediation.accounts.models import User

    users = {user.username: user for user in User.objects.all()}
    return users


def _targets():
    return [_target(name, pattern) for name, pattern in url_patterns()]


def _client(user=None, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        login(client, user)
    return client


def _is_sign_in_redirect(response):
    return response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


def test_every_url_has_an_access_rule():
    names = {name for name, _ in url_patterns()}
    assert sorted(names - ACCESS.keys()) == [], "add each new URL to ACCESS"
    assert sorted(ACCESS.keys() - names) == [], "remove URLs that no longer exist from ACCESS"


def test_every_url_by_every_kind_of_visitor(world):
    users = _visitors()
    unexpected = []
    clients: dict[str, Client] = {}
    for target in _targets():
        allowed = ACCESS[target.name]
        mediator = target.case.mediator if target.case else users["maya.mediator"]
        other = next(u for u in users.values() if u.role == "mediator" and u != mediator)
        visitors = {
            "anon": None,
            "officer": users["casey.officer"],
            "own_med": mediator,
            "other_med": other,
            "manager": users["morgan.manager"],
            "admin": users["alex.admin"],
        }
        for kind, user in visitors.items():
            key = user.username if user else ""
            client = clients.get(key) or clients.setdefault(key, _client(user))
            got = client.get(target.url)
            if kind == "anon" and target.name not in OPEN_TO_ANONYMOUS:
                if not _is_sign_in_redirect(got):
                    unexpected.append((target.name, kind, "GET", got.status_code))
                posted = client.post(target.url)
                if not _is_sign_in_redirect(posted):
                    unexpected.append((target.name, kind, "POST", posted.status_code))
            elif kind not in allowed:
                if got.status_code not in (403, 404, 405):
                    unexpected.append((target.name, kind, "GET", got.status_code))
                posted = client.post(target.url)
                # 405: a read-only page refuses a POST before anything else happens.
                if posted.status_code not in (403, 404, 405):
                    unexpected.append((target.name, kind, "POST", posted.status_code))
            elif got.status_code in (403, 404) and target.name not in NOT_FOUND_IN_THIS_STATE:
                # An allowed visitor refused means the world did not reach the page: the
                # denials above would then prove nothing.
                unexpected.append((target.name, kind, "GET allowed", got.status_code))
            if got.status_code == 200 and user is not None:
                assert "no-store" in got.get("Cache-Control", ""), target.name
            assert got.status_code < 500, (target.name, kind)
    assert unexpected == [], "\n".join(map(str, unexpected))


def test_a_password_without_the_code_reaches_only_the_code_page(world):
    users = _visitors()
    client = Client()
    client.force_login(users["morgan.manager"])  # password only: no verified device
    code_page = reverse("accounts:two-factor")
    leaks = []
    for target in _targets():
        if target.name.startswith("accounts:") or target.name in OPEN_TO_ANONYMOUS:
            continue
        response = client.get(target.url)
        if not (response.status_code == 302 and response.url.startswith(code_page)):
            leaks.append((target.name, response.status_code))
    assert leaks == [], "\n".join(map(str, leaks))


def test_every_post_needs_a_csrf_token(world):
    users = _visitors()
    client = _client(users["morgan.manager"], enforce_csrf_checks=True)
    missing = []
    for target in _targets():
        if target.name in CSRF_EXEMPT:
            continue
        response = client.post(target.url)
        if response.status_code not in (403, 405):
            missing.append((target.name, response.status_code))
    assert missing == [], "\n".join(map(str, missing))
