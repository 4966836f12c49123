"""A world with a real object behind every URL, shared by the URL matrix and the form fuzzer."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse


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
    "report_id": ("reports.QuarterlyReport", None),
    "upload_id": ("uploads.Upload", "case"),
    "access_id": ("portal.PortalAccess", "case"),
    "portal_request_id": ("portal.PortalRequest", "case"),
    "tariff_id": ("invoicing.Tariff", None),
    "authority_id": ("authorities.LocalAuthority", None),
    "closure_id": ("deadlines.ClosureDay", None),
    "change_id": ("deadlines.CalendarChange", None),
    "user_id": ("accounts.User", None),
    "theme_id": ("cases.IssueTheme", None),
    "contract_id": ("authorities.Contract", None),
    "decision_id": ("outcomes.DeferredDecision", "case"),
    "token_id": ("api.ApiToken", None),
    "endpoint_id": ("webhooks.WebhookEndpoint", None),
    "import_id": ("exchange.CaseloadImport", None),
    "handover_id": ("exchange.Handover", None),
}


# Pages that need a query to show anything.
QUERY_STRINGS = {"reports:cases": "?metric=mediations_held"}


@dataclass
class Target:
    name: str
    url: str
    case: object | None
    # The URL names a real row (a case, a party, a user ...): refusing it is audited.
    names_a_row: bool = False


def rich_case():
    """The demo's case that has been furthest along its route and is still open (following up
    its agreed actions: a meeting, letters, an outcome statement, actions, a certificate)."""
    from mediation.cases.models import Case

    return Case.objects.filter(status="follow_up").order_by("pk").first()


def target_for(name, pattern):
    from mediation.accounts.models import User
    from mediation.cases.models import Enquiry, PartyRole
    from mediation.documents.models import LetterTemplate
    from mediation.workflow.selectors import case_steps

    case = rich_case()
    kwargs = {}
    for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern)):
        if kwarg == "reference":
            kwargs[kwarg] = (
                Enquiry.objects.earliest("pk").reference
                if name.startswith("enquiries:")
                else case.reference
            )
        elif kwarg == "step":
            kwargs[kwarg] = case_steps(case)[0].step
        elif kwarg == "code":
            kwargs[kwarg] = LetterTemplate.objects.earliest("pk").code
        elif kwarg == "user_id":
            kwargs[kwarg] = User.objects.filter(role="mediator").earliest("pk").pk
        elif kwarg == "token":
            kwargs[kwarg] = "not-a-real-link-token"
        elif kwarg == "number":
            from mediation.invoicing.models import Invoice

            kwargs[kwarg] = Invoice.objects.earliest("pk").number
        elif kwarg == "note":
            from mediation.invoicing.models import CreditNote

            kwargs[kwarg] = CreditNote.objects.earliest("pk").number
        elif kwarg == "tariff_id" and name.startswith("invoicing:contract-"):
            from mediation.invoicing.models import Tariff

            kwargs[kwarg] = Tariff.objects.filter(contract__isnull=False).earliest("pk").pk
        elif kwarg == "contract_id" and name.startswith("invoicing:"):
            from mediation.invoicing.models import Tariff

            contract_id = Tariff.objects.filter(contract__isnull=False).earliest("pk").contract_id
            assert contract_id is not None
            kwargs[kwarg] = contract_id
        elif kwarg == "authority_id" and name.startswith("invoicing:"):
            from mediation.invoicing.models import Tariff

            kwargs[kwarg] = Tariff.objects.earliest("pk").local_authority_id
        elif kwarg == "message_id":
            from mediation.notifications.models import Message
            from mediation.notifications.services import message_queue

            letter = Message.objects.filter(channel="letter", case_id=case.pk).first()
            if letter is None:
                letter, _created = message_queue(
                    key="url-world-letter",
                    to_email="",
                    to_name="Grace Whitfield",
                    subject=f"A letter ({case.reference})",
                    body="A letter.",
                    case_id=case.pk,
                    channel="letter",
                    attachments=[("letter.pdf", "application/pdf", b"%PDF-1.4 letter")],
                )
            kwargs[kwarg] = letter.pk
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
    query = QUERY_STRINGS.get(name, "")
    return Target(
        name=name,
        url=reverse(name, kwargs=kwargs) + query,
        case=case,
        names_a_row=bool(set(kwargs) - {"token"}),
    )


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
    from mediation.outcomes.models import (
        AgreedAction,
        DeferredDecision,
        Delivery,
        OutcomeStatement,
    )
    from mediation.parties.models import ExpenseClaim
    from mediation.privacy.services import erasure_request

    officer = User.objects.get(username="casey.officer")
    case = rich_case()
    assert case is not None, "the demo has a case following up its agreed actions"
    meeting = Meeting.objects.filter(case=case).order_by("pk").first()
    assert meeting is not None
    party = case.parties.order_by("pk").first()
    assert party is not None

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
        assert case.mediator is not None  # the world's meeting case has its mediator
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
    if not DeferredDecision.objects.filter(case=case).exists():
        statement = OutcomeStatement.objects.get(case=case)
        follow_up = AgreedAction.objects.create(
            statement=statement,
            case=case,
            what="SEN panel to decide",
            who=_first_choice(AgreedAction, "who"),
            kind=_first_choice(AgreedAction, "kind"),
            section=_first_choice(AgreedAction, "section"),
            agreed_due=date(2026, 12, 8),
            position=99,
        )
        DeferredDecision.objects.create(
            statement=statement,
            case=case,
            action=follow_up,
            decided_by=_first_choice(DeferredDecision, "decided_by"),
            decision_maker="SEN panel",
            decision_due_on=date(2026, 12, 8),
            created_by=officer,
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
    _invoice_and_report(User.objects.get(username="morgan.manager"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mediation.portal.models import AccessKind, PortalRequest
    from mediation.portal.services import access_invite, request_add
    from mediation.uploads.services import upload_store

    access = access_invite(case=case, party=party, kind=AccessKind.PARENT, by=officer)
    request_add(access=access, kind=PortalRequest.Kind.SUPPORTER, details="My sister")
    upload_store(
        case,
        SimpleUploadedFile("school-report.pdf", b"%PDF-1.4\n%%EOF\n"),
        purpose="staff_file",
        by_user=officer,
    )
    _import_and_handover(case, User.objects.get(username="morgan.manager"))
    erasure_request(
        case=Case.objects.get(pk=case.pk),
        by=User.objects.get(username="morgan.manager"),
        scope="case",
        reason="Test",
    )


def _import_and_handover(case, manager):
    """A caseload file waiting for its columns to be matched, and a hand-over archive made."""
    from mediation.exchange.models import Handover
    from mediation.exchange.services import caseload_import_upload

    caseload_import_upload(
        by=manager,
        file_name="caseload.csv",
        data=b"Reference,Local authority,Route\nX-1,NFD,Mediation\n",
        default_owner=manager,
    )
    Handover.objects.create(
        local_authority=case.local_authority,
        case_ids=[case.pk],
        made_by=manager,
        status=Handover.Status.READY,
        archive=b"PK\x05\x06" + b"\x00" * 18,
        sha256="0" * 64,
    )


def _invoice_and_report(manager):
    """A tariff, an issued invoice with a credit note, and a quarterly report, made the real way."""
    from datetime import date

    from mediation.cases.models import Case
    from mediation.invoicing import selectors as invoicing
    from mediation.invoicing.models import Activity, Tariff
    from mediation.invoicing.services import credit_note_issue, invoice_issue
    from mediation.reports.services import quarterly_report_request

    held = Case.objects.filter(route="mediation", mediation_held_on__isnull=False).first()
    assert held is not None
    authority = held.local_authority
    if not Tariff.objects.filter(local_authority=authority, activity=Activity.MEDIATION).exists():
        Tariff.objects.create(
            local_authority=authority,
            activity=Activity.MEDIATION,
            unit_price_pence=65_000,
            effective_from=date(2000, 1, 1),
            created_by=manager,
        )
    if not Tariff.objects.filter(contract__isnull=False).exists():
        from mediation.authorities.models import Contract, LocalAuthority
        from mediation.authorities.services import contract_save

        contract = Contract.objects.first()
        if contract is None:
            others = list(LocalAuthority.objects.exclude(pk=authority.pk).order_by("pk")[:2])
            contract = contract_save(
                contract=Contract(
                    name="World contract", lead=others[0], starts_on=date(2000, 1, 1)
                ),
                members=others,
                by=manager,
            )
        Tariff.objects.create(
            contract=contract,
            activity=Activity.MEDIATION,
            unit_price_pence=60_000,
            effective_from=date(2099, 1, 1),
            created_by=manager,
        )
    start, end = date(2000, 1, 1), date(2099, 12, 31)
    draft = invoicing.invoice_draft(authority=authority, start=start, end=end)
    invoice = invoice_issue(
        authority=authority, start=start, end=end, fingerprint=draft.fingerprint, by=manager
    )
    line = invoice.lines.first()
    assert line is not None
    credit_note_issue(
        invoice=invoice, quantities={line.pk: 1}, reason="Test", release=False, by=manager
    )
    quarterly_report_request(authority=authority, year=2026, quarter=3, by=manager)
    # A task worker that has just reported, so /healthz answers as on a healthy service.
    from django.utils import timezone

    from mediation.ops.worker import heartbeat_beat

    heartbeat_beat("url-world", timezone.now())


@pytest.fixture
def world(db, settings):
    # The worker's heartbeat is written once, here; a walk over every URL takes minutes on a
    # busy machine (PostgreSQL), so /healthz must not find it stale by the time it is asked.
    settings.HEALTH_WORKER_STALE_SECONDS = 3600
    with open("/dev/null", "w") as quiet:
        call_command("load_demo_data", stdout=quiet)
    _fill_gaps()
