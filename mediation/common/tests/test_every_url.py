"""Every URL × every kind of visitor: zero unexpected allows (docs/security.md §2 C, issue 8).

The URL list comes from the resolver, so a new URL without a row in ACCESS fails this test.
Objects in URLs (parties, meetings, letters, actions ...) are real rows of a case assigned to
one mediator; the other mediator is the "unrelated" visitor who must get 403 or 404.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    # the email provider's delivery reports: no sign-in, its own basic authentication
    # (mediation/ops/tests/test_delivery_webhook.py)
    "email-events": PUBLIC,
    # lists every staff member has (scoped to what each may see)
    "cases:my-work": ALL_STAFF,
    "cases:list": ALL_STAFF,
    "meetings:calendar": ALL_STAFF,
    "cases:team": OFFICE,
    "documents:letters-to-post": OFFICE,
    "documents:letter-pdf": OFFICE,
    "documents:letter-posted": OFFICE,
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
    "outcomes:send-for-agreement": CASE_STAFF,
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
    "cases:la-reference": OFFICE,
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
    "outcomes:action-follow-up": OFFICE,
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
    "manage:service-details": MANAGERS,
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
    "reports:export-feedback": MANAGERS,
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
    "portal:words": PUBLIC,
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
    # the LAs' API: tokens and webhooks of each LA's system (managers)
    "api_access:home": MANAGERS,
    "api_access:authority": MANAGERS,
    "api_access:token-new": MANAGERS,
    "api_access:token-revoke": MANAGERS,
    "api_access:endpoint-new": MANAGERS,
    "api_access:endpoint": MANAGERS,
    "api_access:endpoint-remove": MANAGERS,
    # the API's schema and documentation page: public, no data
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    # a staff member's own calendar subscription
    "calendar_feeds:subscription": ALL_STAFF,
    "calendar_feeds:new-address": ALL_STAFF,
    "calendar_feeds:turn-off": ALL_STAFF,
    # a caseload in and out, and handing over an LA's open cases: managers
    "exchange:import": MANAGERS,
    "exchange:import-template": MANAGERS,
    "exchange:import-columns": MANAGERS,
    "exchange:import-detail": MANAGERS,
    "exchange:import-progress": MANAGERS,
    "exchange:import-run": MANAGERS,
    "exchange:export": MANAGERS,
    "exchange:handover": MANAGERS,
    "exchange:handover-detail": MANAGERS,
    "exchange:handover-progress": MANAGERS,
    "exchange:handover-download": MANAGERS,
    # the end-of-case survey: its answers are read and recorded by the office (not mediators:
    # many comments are about the mediator)
    "feedback:case": OFFICE,
    "feedback:record": OFFICE,
    "feedback:send": OFFICE,
    # the survey's thank-you page shows nothing about any case
    "feedback:thanks": PUBLIC,
}

# Portal pages behind a party's link: no staff member and no stranger gets in (404). Each kind of
# party on its own and another case is the portal's own matrix (portal/tests/test_permissions.py).
PORTAL_GATED: frozenset[str] = frozenset()
PORTAL_GATED_PAGES = [
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
]
for _name in PORTAL_GATED_PAGES:
    ACCESS[f"portal:{_name}"] = PORTAL_GATED
# The survey behind a person's link (the portal's gate, kind "feedback" only).
ACCESS["feedback:survey"] = PORTAL_GATED

# The LAs' API answers only a token of an LA's system (Authorization: Bearer): no session of
# any visitor gets in (401), and a GET-only operation refuses a POST (405). Who may use each
# operation with which token: mediation/api/tests/test_permissions.py.
API_TOKEN_ONLY = frozenset({"api-token"})
API_TOKEN_ONLY_NAMES = [
    "cases",
    "case_detail",
    "la_informed",
    "attendee",
    "action_done",
    "action_new_date",
    "webhooks",
    "webhook_create",
    "webhook_detail",
]
for _name in API_TOKEN_ONLY_NAMES:
    ACCESS[f"api:{_name}"] = API_TOKEN_ONLY
# django-ninja's name for /api/v1/ itself, which is no page: 404 for everyone.
ACCESS["api:api-root"] = PORTAL_GATED
# A calendar feed answers only its own token (this world's is made up): 404 for everyone.
ACCESS["calendar_feeds:feed"] = PORTAL_GATED

# Pages open to visitors who are not signed in (everything else sends them to sign in).
OPEN_TO_ANONYMOUS = {
    "accounts:sign-in",
    "accounts:sign-out",
    "documents:verify",
    "csp-report",
    "ops:healthz",
    "email-events",
} | {
    name
    for name, allowed in ACCESS.items()
    if name.startswith(("portal:", "api:")) or name == "calendar_feeds:feed"
}
# The survey's own doors: its page answers a stranger "not found"; its thank-you page is public.
OPEN_TO_ANONYMOUS |= {"feedback:survey", "feedback:thanks"}
# The views that take a POST without a CSRF token: browsers send CSP reports without one, the
# email provider authenticates its delivery reports with basic auth instead, and the API is
# used with a token, never a cookie.
CSRF_EXEMPT = {"csp-report", "email-events"} | {name for name in ACCESS if name.startswith("api:")}
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
    "outcomes:action-follow-up": "the world's agreed action is not an assessment or a plan, "
    "the only kinds with later steps (mediation/outcomes/tests cover the page)",
    "reports:quarterly-pdf": "the report is made after the transaction commits, never in this test",
}


# What each URL shows, for the audit log (ADR 0029): every page, PDF and download that shows
# personal data writes one event naming what it showed, and every refusal writes one
# "access.denied". Declare each new URL here; the message of a failing test says how.
@dataclass(frozen=True)
class Reads:
    """A page about one object: one "read" event naming it ("app.model", its id, its case)."""

    object_type: str


@dataclass(frozen=True)
class Lists:
    """A list (a queue, search results): one "read" event with the ids shown."""

    object_type: str


@dataclass(frozen=True)
class Downloads:
    """A PDF or file sent as an attachment: one "document.download" event naming it."""

    object_type: str


@dataclass(frozen=True)
class OwnEvent:
    """The view records what it shows with its own verb (an export, the audit log's search)."""

    verb: str


@dataclass(frozen=True)
class NoPersonalData:
    """Nothing about a case or a person on it: no read event. Say why."""

    why: str


Shows = Reads | Lists | Downloads | OwnEvent | NoPersonalData
SIGNING_IN = NoPersonalData("signing in: nothing about a case")
BUTTON = NoPersonalData("a button (POST only): its change is audited by the service")
SERVICE_SETTINGS = NoPersonalData("the service's settings: no case data")
BILLING = NoPersonalData("billing an LA: case references and dates, no names or details")
FIGURES = NoPersonalData("figures: counts, and case references without names")
CASE = Reads("cases.case")
STATEMENT = Reads("outcomes.outcomestatement")
ACTION = Reads("outcomes.agreedaction")

SHOWS: dict[str, Shows] = {
    "accounts:sign-in": SIGNING_IN,
    "accounts:sign-out": SIGNING_IN,
    "accounts:two-factor": SIGNING_IN,
    "accounts:step-up": SIGNING_IN,
    "accounts:two-factor-setup": SIGNING_IN,
    "documents:verify": NoPersonalData("public: says only whether a certificate is genuine"),
    "csp-report": NoPersonalData("browsers' reports of blocked content"),
    "ops:healthz": NoPersonalData("the service's health"),
    "cases:my-work": Lists("cases.case"),
    "cases:list": Lists("cases.case"),
    "cases:team": Lists("cases.case"),
    "meetings:calendar": Lists("meetings.meeting"),
    "enquiries:list": Lists("cases.enquiry"),
    "enquiries:new": NoPersonalData("an empty form"),
    "enquiries:detail": Reads("cases.enquiry"),
    "enquiries:open-case": Reads("cases.enquiry"),
    "enquiries:close": Reads("cases.enquiry"),
    "cases:detail": CASE,
    "cases:la-reference": CASE,
    "cases:contact-add": CASE,
    "cases:note-add": CASE,
    "cases:key-dates": CASE,
    "cases:link-add": CASE,
    "cases:step": CASE,
    "cases:mediator-notes": CASE,
    "cases:assign-mediator": CASE,
    "parties:list": CASE,
    "parties:detail": Reads("cases.party"),
    "parties:add": CASE,
    "parties:edit": Reads("cases.party"),
    "parties:attendance": Reads("cases.party"),
    "parties:response": Reads("cases.party"),
    "parties:authority": Reads("cases.party"),
    "parties:decision": Reads("cases.party"),
    "parties:expenses": CASE,
    "parties:claim": Reads("parties.expenseclaim"),
    "parties:claim-new": CASE,
    "parties:line-add": Reads("parties.expenseclaim"),
    "meetings:detail": Reads("meetings.meeting"),
    "meetings:slots": CASE,
    "meetings:answers": Reads("meetings.slotoffer"),
    "meetings:book": Reads("meetings.slotoffer"),
    "meetings:reschedule": Reads("meetings.meeting"),
    "meetings:cancel": Reads("meetings.meeting"),
    "meetings:call": Reads("meetings.mediatorcall"),
    "meetings:letter": NoPersonalData("sends the browser to documents:download, which records it"),
    "meetings:letter-posted": BUTTON,
    "documents:download": Downloads("documents.generateddocument"),
    "documents:certificate-revoke": Reads("documents.certificate"),
    "documents:letter-templates": SERVICE_SETTINGS,
    "documents:letter-template-edit": NoPersonalData("letter wording, previewed with made-up data"),
    "documents:letters-to-post": Lists("notifications.message"),
    "documents:letter-pdf": Downloads("notifications.message"),
    "documents:letter-posted": BUTTON,
    "email-events": NoPersonalData("the email provider's delivery reports: a webhook, no page"),
    "manage:service-details": SERVICE_SETTINGS,
    "outcomes:send-for-agreement": BUTTON,
    "portal:words": NoPersonalData("the words we use, explained: no case data"),
    "outcomes:statement": STATEMENT,
    "outcomes:pdf": Downloads("outcomes.outcomestatement"),
    "outcomes:edit": STATEMENT,
    "outcomes:action-add": STATEMENT,
    "outcomes:action-edit": ACTION,
    "outcomes:action-follow-up": ACTION,
    "outcomes:action-remove": BUTTON,
    "outcomes:agreement": STATEMENT,
    "outcomes:finalise": BUTTON,
    "outcomes:addendum": STATEMENT,
    "outcomes:circulate": BUTTON,
    "outcomes:resend": BUTTON,
    "outcomes:letter": NoPersonalData("sends the browser to documents:download, which records it"),
    "outcomes:posted": BUTTON,
    "outcomes:action-done": ACTION,
    "outcomes:action-vary": ACTION,
    "outcomes:action-escalate": ACTION,
    "outcomes:action-letter": Downloads("outcomes.agreedaction"),
    "outcomes:action-letter-send": BUTTON,
    "outcomes:report": FIGURES,
    "privacy:case": CASE,
    "privacy:overview": NoPersonalData("retention and erasure: case references, no names"),
    "privacy:erasure-decide": Reads("privacy.erasurerequest"),
    "privacy:subject-access": NoPersonalData(
        "the search form; a search writes privacy.subject_access_search"
    ),
    "privacy:subject-access-download": OwnEvent("export.subject_access"),
    "audit:log": OwnEvent("audit.search"),
    "audit:check": BUTTON,
    "notifications:outbox": NoPersonalData("development only: no such page in production"),
    "manage:home": SERVICE_SETTINGS,
    "manage:authorities": SERVICE_SETTINGS,
    "manage:authority-new": SERVICE_SETTINGS,
    "manage:authority-edit": SERVICE_SETTINGS,
    "manage:closure-days": SERVICE_SETTINGS,
    "manage:closure-day-remove": BUTTON,
    "manage:calendar-change": SERVICE_SETTINGS,
    "manage:users": NoPersonalData("staff accounts: no case data"),
    "manage:user-new": NoPersonalData("staff accounts: no case data"),
    "manage:user-edit": NoPersonalData("staff accounts: no case data"),
    "manage:user-two-factor-reset": BUTTON,
    "manage:mediator-conflicts": Reads("accounts.user"),
    "reports:dashboard": FIGURES,
    "reports:cases": FIGURES,
    "reports:appeal": CASE,
    # Each export writes one "report.export" event naming the export and its filters.
    "reports:export-cases": OwnEvent("report.export"),
    "reports:export-counts": OwnEvent("report.export"),
    "reports:export-appeals": OwnEvent("report.export"),
    "reports:export-feedback": OwnEvent("report.export"),
    "reports:quarterly": FIGURES,
    "reports:quarterly-detail": FIGURES,
    "reports:quarterly-pdf": FIGURES,
    "reports:quarterly-send": BUTTON,
    "uploads:case-files": CASE,
    "uploads:download": Downloads("uploads.upload"),
    "uploads:child-views-record": CASE,
    "uploads:upload": CASE,
    "uploads:share": BUTTON,
    "uploads:remove": Reads("uploads.upload"),
    "portal_staff:invite": CASE,
    "portal_staff:revoke": CASE,  # asks first: a page naming the person on the case
    "portal_staff:new-link": BUTTON,
    "portal_staff:request-done": BUTTON,
    "invoicing:list": BILLING,
    "invoicing:new": BILLING,
    "invoicing:issue": BUTTON,
    "invoicing:tariff-authorities": SERVICE_SETTINGS,
    "invoicing:tariffs": SERVICE_SETTINGS,
    "invoicing:tariff-new": SERVICE_SETTINGS,
    "invoicing:tariff-edit": SERVICE_SETTINGS,
    "invoicing:detail": BILLING,
    "invoicing:pdf": BILLING,
    "invoicing:csv": BILLING,
    "invoicing:send": BUTTON,
    "invoicing:credit-note-new": BILLING,
    "invoicing:credit-note-pdf": BILLING,
    "invoicing:credit-note-csv": BILLING,
    # The portal's public doors; its pages behind a link are audited by its gate with the party
    # as the actor (mediation/portal/tests/test_permissions.py), one event per request too.
    "portal:start": NoPersonalData("the portal's front door"),
    "portal:link": NoPersonalData("a link's Continue button: no case data before it is used"),
    "portal:new-link": NoPersonalData("asks for an email address"),
    "portal:sign-out": SIGNING_IN,
    "portal:signed-out": SIGNING_IN,
    "portal:views-thanks": NoPersonalData("a thank-you page"),
}

# Issue 23 (commissioners): the issues in dispute, decisions put off, who declined, SEN2,
# contracts across LAs and the mediators' register.
SHOWS |= {
    "cases:issues": CASE,
    "cases:declined": CASE,
    "outcomes:issues": STATEMENT,
    "outcomes:deferred-add": STATEMENT,
    "outcomes:deferred-remove": BUTTON,
    "manage:issue-themes": SERVICE_SETTINGS,
    "manage:issue-theme-new": SERVICE_SETTINGS,
    "manage:issue-theme-edit": SERVICE_SETTINGS,
    "manage:contracts": SERVICE_SETTINGS,
    "manage:contract-new": SERVICE_SETTINGS,
    "manage:contract-edit": SERVICE_SETTINGS,
    "invoicing:contract-tariffs": SERVICE_SETTINGS,
    "invoicing:contract-tariff-new": SERVICE_SETTINGS,
    "invoicing:contract-tariff-edit": SERVICE_SETTINGS,
    # Staff members' registrations and CPD: no case data, but each read is recorded.
    "manage:mediators": OwnEvent("mediator_register.view"),
    "manage:mediator-registration": OwnEvent("mediator_register.view"),
    "manage:mediator-cpd": OwnEvent("mediator_register.view"),
    "reports:sen2": FIGURES,
    "reports:export-sen2": OwnEvent("report.export"),
}
# The LAs' API answers only an LA system's token; its middleware records every call with the
# token as the actor ("api.call", or "api.refused" without a good token), so a signed-in visitor
# never reaches the views (401, checked above).
SHOWS |= {f"api:{name}": OwnEvent("api.call") for name in API_TOKEN_ONLY_NAMES}
SHOWS |= {
    "api:api-root": NoPersonalData("no page: 404 for everyone"),
    "api:openapi-json": NoPersonalData("the API's schema"),
    "api:openapi-view": NoPersonalData("the API's documentation page"),
    "api_access:home": NoPersonalData("each LA's tokens and endpoints: names, never a case"),
    "api_access:authority": NoPersonalData("one LA's tokens and endpoints"),
    "api_access:endpoint": NoPersonalData("an endpoint's deliveries: event kinds and results"),
    "api_access:endpoint-new": NoPersonalData("an empty form"),
    "api_access:endpoint-remove": NoPersonalData("a confirmation"),
    "api_access:token-new": NoPersonalData("an empty form"),
    "api_access:token-revoke": NoPersonalData("a confirmation"),
    # The feed's own read event names the feed as its actor (calendar_feed.read); here the
    # made-up token answers 404 for everyone.
    "calendar_feeds:feed": OwnEvent("calendar_feed.read"),
    "calendar_feeds:new-address": NoPersonalData("the signed-in person's own feed address"),
    "calendar_feeds:subscription": NoPersonalData("the signed-in person's own feed address"),
    "calendar_feeds:turn-off": NoPersonalData("a confirmation"),
}
# A caseload in and out, and handing over an LA's open cases (managers): the pages about one
# import or hand-over write their own event; the exports and the archive write theirs.
SHOWS |= {
    "exchange:import": NoPersonalData("an upload form and the past imports' file names"),
    "exchange:import-template": NoPersonalData("an empty spreadsheet with the column names"),
    "exchange:import-columns": OwnEvent("caseload_import.view"),
    "exchange:import-detail": OwnEvent("caseload_import.view"),
    "exchange:import-progress": NoPersonalData("how many rows are done"),
    "exchange:import-run": BUTTON,
    "exchange:export": OwnEvent("caseload.export"),
    "exchange:handover": NoPersonalData("a form choosing an LA, and past hand-overs' counts"),
    "exchange:handover-detail": OwnEvent("handover.view"),
    "exchange:handover-progress": NoPersonalData("how many cases are done"),
    "exchange:handover-download": OwnEvent("handover.download"),
    # The end-of-case survey: the office reads a case's answers; the survey itself is behind
    # a person's link (the portal's gate) and its thank-you page shows nothing.
    "feedback:case": CASE,
    "feedback:record": CASE,
    "feedback:send": CASE,
    "feedback:survey": NoPersonalData("behind a person's link: the portal's own matrix"),
    "feedback:thanks": NoPersonalData("a thank-you page"),
}
for _name in PORTAL_GATED_PAGES:
    SHOWS[f"portal:{_name}"] = NoPersonalData("behind a party's link: the portal's own matrix")


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


def test_every_url_declares_what_it_shows():
    names = {name for name, _ in url_patterns()}
    missing = sorted(names - SHOWS.keys())
    assert missing == [], (
        f"Declare what {', '.join(missing)} shows in SHOWS in {__file__}: "
        'Reads("app.model") for a page about one object (note it as read: the access selectors '
        "such as access_case and access_party do, or call mediation.audit.reads.read_noted), "
        'Lists("app.model") for a list (read_listed), Downloads("app.model") for a PDF or file, '
        'OwnEvent("verb") if the view writes its own event, or NoPersonalData("why") '
        "(docs/adr/0029-every-read-and-refusal-audited.md)"
    )
    assert sorted(SHOWS.keys() - names) == [], "remove URLs that no longer exist from SHOWS"


def _new_events(after_id):
    from mediation.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(id__gt=after_id).order_by("id"))


def _last_event_id():
    from mediation.audit.models import AuditEvent

    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


READ_VERBS = {"read", "document.download"}


def _audit_problems(target, user, refused, response, events):
    """What is wrong with the audit events one request wrote (empty when right)."""
    status = response.status_code
    actor_id = user.pk if user is not None else None
    denials = [e for e in events if e.verb == "access.denied"]
    reads = [e for e in events if e.verb in READ_VERBS]
    if refused and (status == 403 or (status == 404 and target.names_a_row)):
        if len(denials) != 1 or denials[0].actor_id != actor_id:
            return [f"{status} without one access.denied event by the visitor: {denials}"]
        if status == 404 and target.case is not None and denials[0].case_id != target.case.pk:
            return [f"the refusal names case {denials[0].case_id}, not {target.case.pk}"]
        return []
    if refused or status != 200:
        return []
    shows = SHOWS[target.name]
    if denials:
        return [f"a 200 recorded as refused: {denials}"]
    if isinstance(shows, NoPersonalData):
        return [f"declared NoPersonalData but read events were written: {reads}"] if reads else []
    if isinstance(shows, OwnEvent):
        own = [e for e in events if e.verb == shows.verb and e.actor_id == actor_id]
        return [] if len(own) == 1 else [f"expected one {shows.verb} event, got {events}"]
    verb = "document.download" if isinstance(shows, Downloads) else "read"
    if len(reads) != 1:
        return [f"expected one {verb} event, got {reads}"]
    event = reads[0]
    problems = []
    if event.verb != verb or event.object_type != shows.object_type:
        problems.append(
            f"expected {verb} of {shows.object_type}, got {event.verb} of {event.object_type}"
        )
    if event.actor_id != actor_id:
        problems.append("the read names someone else")
    if isinstance(shows, Lists):
        if "listed" not in event.detail:
            problems.append("a list's read names no rows")
    elif not event.object_id:
        problems.append("the read names no object")
    elif target.case is not None and "/cases/" in target.url and event.case_id != target.case.pk:
        problems.append(f"the read names case {event.case_id}, not {target.case.pk}")
    return problems


def test_every_url_has_an_access_rule():
    names = {name for name, _ in url_patterns()}
    assert sorted(names - ACCESS.keys()) == [], "add each new URL to ACCESS"
    assert sorted(ACCESS.keys() - names) == [], "remove URLs that no longer exist from ACCESS"


def test_every_url_by_every_kind_of_visitor(world):
    users = _visitors()
    unexpected = []
    unaudited = []
    clients: dict[str, Client] = {}
    for target in _targets():
        allowed = ACCESS[target.name]
        if target.name == "ops:healthz":
            # The world's worker reported when it was made; the walk may take over a minute
            # (HEALTH_WORKER_STALE_SECONDS) on a busy machine, so it reports again.
            from django.utils import timezone

            from mediation.ops.worker import heartbeat_beat

            heartbeat_beat("url-world", timezone.now())
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
            refused = allowed is PORTAL_GATED or kind not in allowed

            def request(
                method, client=client, user=user, refused=refused, target=target, kind=kind
            ):
                # Each request's audit events: the right read, or one refusal (ADR 0029).
                before = _last_event_id()
                response = client.get(target.url) if method == "GET" else client.post(target.url)
                for problem in _audit_problems(
                    target, user, refused, response, _new_events(before)
                ):
                    unaudited.append((target.name, kind, method, response.status_code, problem))
                return response

            got = request("GET")
            if allowed is API_TOKEN_ONLY:
                for method, response in (("GET", got), ("POST", request("POST"))):
                    if response.status_code not in (401, 405):
                        unexpected.append((target.name, kind, method, response.status_code))
            elif allowed is PORTAL_GATED:
                for method, response in (("GET", got), ("POST", request("POST"))):
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
                posted = request("POST")
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
    assert unaudited == [], "Audit events not as declared in SHOWS (ADR 0029):\n" + "\n".join(
        map(str, unaudited)
    )


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
