"""Every URL × every kind of visitor: zero unexpected allows (docs/security.md §2 C, issue 8).

The URL list comes from the resolver, so a new URL without a row in ACCESS fails this test.
Objects in URLs (parties, meetings, letters, actions ...) are real rows of a case assigned to
one mediator; the other mediator is the "unrelated" visitor who must get 403 or 404.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from mediation.common.tests.url_world import target_for, url_patterns

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
    # the load balancer's and monitoring's health check: no personal data, no sign-in
    "ops:healthz": PUBLIC,
    # lists every staff member has (scoped to what each may see)
    "cases:my-work": ALL_STAFF,
    "cases:list": ALL_STAFF,
    "meetings:calendar": ALL_STAFF,
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
    "outcomes:issues": CASE_STAFF,
    "outcomes:deferred-add": CASE_STAFF,
    "outcomes:deferred-remove": CASE_STAFF,
    "cases:issues": CASE_STAFF,
    # a case: the office, not the mediator
    "cases:link-add": OFFICE,
    "cases:declined": OFFICE,
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
    "manage:contracts": MANAGERS,
    "manage:contract-new": MANAGERS,
    "manage:contract-edit": MANAGERS,
    "manage:closure-days": MANAGERS,
    "manage:closure-day-remove": MANAGERS,
    "manage:calendar-change": MANAGERS,
    "manage:users": MANAGERS,
    "manage:user-new": MANAGERS,
    "manage:user-edit": MANAGERS,
    "manage:mediator-conflicts": MANAGERS,
    "manage:mediators": MANAGERS,
    "manage:issue-themes": MANAGERS,
    "manage:issue-theme-new": MANAGERS,
    "manage:issue-theme-edit": MANAGERS,
    "manage:mediator-registration": MANAGERS,
    "manage:mediator-cpd": MANAGERS,
    "manage:user-two-factor-reset": MANAGERS,
    "documents:letter-templates": MANAGERS,
    "documents:letter-template-edit": MANAGERS,
    "outcomes:report": MANAGERS,
    "privacy:overview": MANAGERS,
    "privacy:erasure-decide": MANAGERS,
    "privacy:subject-access": MANAGERS,
    "privacy:subject-access-download": MANAGERS,
    "audit:log": MANAGERS,
    # development only: every case's messages, sign-in links included
    "notifications:outbox": MANAGERS,
    "audit:check": MANAGERS,
    # reports: case officers read the figures; managers export, make and send reports
    "reports:dashboard": OFFICE,
    "reports:cases": OFFICE,
    "reports:appeal": OFFICE,
    "reports:export-cases": MANAGERS,
    "reports:export-counts": MANAGERS,
    "reports:export-appeals": MANAGERS,
    "reports:sen2": OFFICE,
    "reports:export-sen2": MANAGERS,
    "reports:quarterly": MANAGERS,
    "reports:quarterly-detail": MANAGERS,
    "reports:quarterly-pdf": MANAGERS,
    "reports:quarterly-send": MANAGERS,
    # documents sent to us and the child's views
    "uploads:case-files": CASE_STAFF,
    "uploads:download": CASE_STAFF,
    "uploads:child-views-record": CASE_STAFF,
    "uploads:upload": OFFICE,
    "uploads:share": OFFICE,
    "uploads:remove": OFFICE,
    # the portal's staff side: who has access, links, what parties sent
    "portal_staff:invite": OFFICE,
    "portal_staff:revoke": OFFICE,
    "portal_staff:new-link": OFFICE,
    "portal_staff:request-done": OFFICE,
    # the portal's public doors (a link, a new-link form, signing out)
    "portal:start": PUBLIC,
    "portal:link": PUBLIC,
    "portal:new-link": PUBLIC,
    "portal:sign-out": PUBLIC,
    "portal:signed-out": PUBLIC,
    "portal:views-thanks": PUBLIC,
    # invoices: managers
    "invoicing:list": MANAGERS,
    "invoicing:new": MANAGERS,
    "invoicing:issue": MANAGERS,
    "invoicing:tariff-authorities": MANAGERS,
    "invoicing:tariffs": MANAGERS,
    "invoicing:tariff-new": MANAGERS,
    "invoicing:tariff-edit": MANAGERS,
    "invoicing:contract-tariffs": MANAGERS,
    "invoicing:contract-tariff-new": MANAGERS,
    "invoicing:contract-tariff-edit": MANAGERS,
    "invoicing:detail": MANAGERS,
    "invoicing:pdf": MANAGERS,
    "invoicing:csv": MANAGERS,
    "invoicing:send": MANAGERS,
    "invoicing:credit-note-new": MANAGERS,
    "invoicing:credit-note-pdf": MANAGERS,
    "invoicing:credit-note-csv": MANAGERS,
}

# Portal pages behind a party's link: no staff member and no stranger gets in (404). Each kind of
# party on its own and another case is the portal's own matrix (portal/tests/test_permissions.py).
PORTAL_GATED: frozenset[str] = frozenset()
for _name in [
    "cases",
    "case",
    "meeting",
    "meeting-ics",
    "dates",
    "supporter",
    "outcome",
    "certificate",
    "documents-and-files",
    "document",
    "upload",
    "attendee",
    "actions",
    "action",
    "information",
    "views",
]:
    ACCESS[f"portal:{_name}"] = PORTAL_GATED

# Pages open to visitors who are not signed in (everything else sends them to sign in).
OPEN_TO_ANONYMOUS = {
    "accounts:sign-in",
    "accounts:sign-out",
    "documents:verify",
    "csp-report",
    "ops:healthz",
} | {name for name, allowed in ACCESS.items() if name.startswith("portal:")}
# The only view that takes a POST without a CSRF token (browsers send CSP reports without one).
CSRF_EXEMPT = {"csp-report"}
# Pages an allowed visitor still finds "not found" in this world's state, and why.
NOT_FOUND_IN_THIS_STATE = {
    "documents:certificate-revoke": "the case has no certificate to revoke",
    "outcomes:edit": "the statement is final, so it cannot be edited",
    "outcomes:action-add": "the statement is final",
    "outcomes:action-edit": "the statement is final",
    "outcomes:agreement": "agreements are recorded on a draft",
    "outcomes:issues": "the statement is final, so its results cannot change",
    "outcomes:deferred-add": "the statement is final",
    "cases:declined": "the case is a mediation: only disagreement resolution can be declined",
    "reports:quarterly-pdf": "the report is made after the transaction commits, never in this test",
}


def _visitors():
    from mediation.accounts.models import User

    users = {user.username: user for user in User.objects.all()}
    return users


def _targets():
    return [target_for(name, pattern) for name, pattern in url_patterns()]


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
            if allowed is PORTAL_GATED:
                for method, response in (("GET", got), ("POST", client.post(target.url))):
                    if response.status_code not in (403, 404, 405, 410):
                        unexpected.append((target.name, kind, method, response.status_code))
            elif kind == "anon" and target.name not in OPEN_TO_ANONYMOUS:
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
        if not (response.status_code == 302 and response["Location"].startswith(code_page)):
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
