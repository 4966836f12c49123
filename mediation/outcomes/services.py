"""Everything that writes outcome statements, agreements, circulation and agreed actions.

Each service is one transaction with a timeline line and an audit event. The statement row is
locked (select_for_update) by every service that reads its state to decide, so an agreement
cannot be recorded for a hash that an edit is replacing at the same moment.

Every date an action records (its date agreed in writing, the day it was done, a new date, the
later reg 44 steps) is checked by the case's fact rules (mediation.workflow.facts) before it is
saved: on or after the agreement (or the meeting, while the statement is a draft), nothing done
in the future. A refusal names its field (FactsRefused).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.authorities.actors import Actor, AuthoritySystem, staff_member
from mediation.cases.models import Case, CaseIssue, ContactPreference, IssueTheme, Outcome, Party
from mediation.common.dispatch import enqueue_on_commit
from mediation.common.errors import NotAllowed, ServiceError
from mediation.common.pdf import sha256_hex
from mediation.common.words import lower_first
from mediation.deadlines.clocks import agreed_actions_of
from mediation.deadlines.services import deadline_recalculate
from mediation.documents.models import DocumentKind, GeneratedDocument
from mediation.documents.services import document_store
from mediation.domain.case_states import CaseState, Route, Step
from mediation.domain.dates import format_day, format_day_long, join_with_and
from mediation.domain.deadlines import ActionKind
from mediation.domain.facts import ActionDates, Fact, fact_violations
from mediation.notifications.models import Message, MessageAttachment
from mediation.notifications.services import message_queue
from mediation.outcomes import documents
from mediation.outcomes.models import (
    ActionChase,
    ActionVariation,
    Addendum,
    AgreedAction,
    AgreementRequest,
    DeferredDecision,
    Delivery,
    IssueOutcome,
    IssueResult,
    OutcomeStatement,
    PartyAgreement,
)
from mediation.outcomes.selectors import (
    action_owner,
    action_views,
    actions_of,
    agreeing_parties,
    circulation_recipients,
)
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_record
from mediation.webhooks.models import EventKind
from mediation.webhooks.services import webhook_event_record
from mediation.workflow.facts import (
    action_dates,
    case_change_refusals,
    refuse,
)
from mediation.workflow.selectors import case_steps
from mediation.workflow.services import Recorded, case_key_dates_update, case_take_step

#: The form field for each action field the fact rules name.
ACTION_FORM_FIELDS = {
    "action_due": "agreed_due",
    "action_done": "done_on",
    "action_no_plan_notice": "no_plan_notice_on",
    "action_final_plan_sent": "final_plan_sent_on",
    "action_agreed": "agreed_in_writing_on",
}


def draft_agreed_on(case: Case) -> date | None:
    """The day a draft statement's actions are checked against: the agreement, or the day the
    meeting was held while no agreement is recorded (None before the meeting)."""
    return case.agreement_made_on or case.mediation_held_on


def action_check(
    case: Case,
    action: AgreedAction | None,
    *,
    is_final: bool,
    due: date | None = None,
    done_on: date | None = None,
    agreed_on: date | None = None,
    no_plan_notice_on: date | None = None,
    final_plan_sent_on: date | None = None,
) -> list:  # list[Refusal]
    """What the fact rules refuse about one action's dates as they would be (only what the
    change makes worse). A final statement's action is checked with the case's other agreed
    actions; a draft's against the meeting day."""
    action_id = str(action.pk) if action is not None and action.pk else "new"
    if is_final:
        others = action_dates(agreed_actions_of(case))
        current = next((a for a in others if a.id == action_id), None)
        name = f"agreed action {action_id}"
    else:
        others, current, name = [], None, "this action"
        agreed_on = agreed_on or draft_agreed_on(case)
    proposed = ActionDates(
        id=action_id,
        due=due,
        done_on=done_on,
        agreed_on=agreed_on,
        name="this action" if not is_final else name,
        no_plan_notice_on=no_plan_notice_on,
        final_plan_sent_on=final_plan_sent_on,
    )
    after = [a for a in others if a.id != action_id] + [proposed]
    before = [a for a in others if a.id != action_id] + ([current] if current else [])
    return case_change_refusals(case, actions=after, actions_before=before, check_stage=False)


LOCKED = (
    "The outcome statement is final and cannot be changed. To correct it, add a dated addendum."
)
AGREEMENT_OUTCOMES = frozenset({Outcome.AGREED_ALL, Outcome.AGREED_PART})
ACTION_FIELDS = ("what", "who", "kind", "section", "agreed_due")


def canonical_text(
    statement: OutcomeStatement,
    actions: list[AgreedAction],
    *,
    issues: list[IssueOutcome] | None = None,
    deferred: list[DeferredDecision] | None = None,
) -> str:
    """The statement's content as one canonical string: what each party agrees to. The results
    of the issues in dispute and the decisions put off to a panel are in it when there are any
    (a statement without them keeps the fingerprint it had before they existed)."""
    content: dict[str, Any] = {
        "case": statement.case.reference,
        "key_points": statement.key_points.replace("\r\n", "\n").strip(),
        "outcome": statement.outcome,
        "actions": [
            {
                "what": action.what.replace("\r\n", "\n").strip(),
                "who": action.who,
                "kind": action.kind,
                "section": action.section,
                "agreed_due": action.agreed_due.isoformat() if action.agreed_due else None,
            }
            for action in actions
        ],
    }
    if issues:
        content["issues"] = sorted(
            ({"theme": issue.theme_id, "result": issue.result} for issue in issues),
            key=lambda row: row["theme"],
        )
    if deferred:
        content["deferred"] = [
            {
                "action": decision.action_id,
                "decided_by": decision.decided_by,
                "decision_maker": decision.decision_maker.strip(),
                "due": decision.decision_due_on.isoformat(),
                "themes": sorted(theme.pk for theme in decision.themes.all()),
            }
            for decision in sorted(deferred, key=lambda d: d.action_id)
        ]
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(statement: OutcomeStatement) -> str:
    actions = list(AgreedAction.objects.filter(statement=statement).order_by("position", "id"))
    issues = list(IssueOutcome.objects.filter(statement=statement))
    deferred = list(DeferredDecision.objects.filter(statement=statement).prefetch_related("themes"))
    return sha256_hex(canonical_text(statement, actions, issues=issues, deferred=deferred))


def may_write(user: User, case: Case) -> bool:
    """The case's mediator, or a case officer or manager."""
    return user.sees_all_cases or (case.mediator_id is not None and case.mediator_id == user.pk)


def may_follow_up(user: User) -> bool:
    """Chasing agreed actions after the meeting belongs to the case officers and managers."""
    return user.sees_all_cases


def statement_locked(case: Case) -> OutcomeStatement:
    """The case's outcome statement, its row locked for this transaction (the portal's agreement
    uses it too); refused if there is none yet."""
    try:
        return OutcomeStatement.objects.select_for_update().select_related("case").get(case=case)
    except OutcomeStatement.DoesNotExist:
        raise ServiceError("Write the outcome statement first.") from None


def statement_require_draft(statement: OutcomeStatement) -> None:
    """Refuse a change to a statement that is final."""
    if statement.is_final:
        raise ServiceError(LOCKED)


def _check_outcome(case: Case, outcome: str) -> None:
    if outcome not in Outcome.values:
        raise ServiceError("Choose the outcome.")
    if case.outcome and case.outcome != outcome:
        raise ServiceError(
            f"The case's outcome is recorded as “{Outcome(case.outcome).label}”: "
            "the statement must say the same."
        )


def _content_change_line(statement: OutcomeStatement, *, what: str) -> str | None:
    """Recompute the hash after a change; a new hash voids every agreement given so far.
    Returns the line for the case history, or None when the content did not change."""
    new_hash = content_hash(statement)
    now = timezone.now()
    if new_hash == statement.content_hash:
        statement.updated_at = now
        statement.save(update_fields=["updated_at"])
        return None
    statement.content_hash = new_hash
    statement.version += 1
    statement.updated_at = now
    statement.save(update_fields=["content_hash", "version", "updated_at"])
    voided_rows = list(
        PartyAgreement.objects.filter(statement=statement, voided_at__isnull=True).values_list(
            "party_id", "method"
        )
    )
    voided = PartyAgreement.objects.filter(statement=statement, voided_at__isnull=True).update(
        voided_at=now
    )
    line = f"Outcome statement changed ({what}): version {statement.version}"
    if voided:
        line += (
            f"; {voided} agreement{'s' if voided != 1 else ''} given for the earlier version "
            "no longer count"
        )
    asked = _ask_again(statement, voided_rows)
    if asked:
        line += f"; the new version sent to {asked} {'person' if asked == 1 else 'people'} to agree"
    return line


def _ask_again(statement: OutcomeStatement, voided: list[tuple[int, str]]) -> int:
    """A new version was made: everyone sent an earlier version, or who agreed one away from
    the meeting, is sent this one and asked again. (Agreements given in the meeting, before any
    version was sent out, are asked again in the room.)"""
    sent_before = set(
        AgreementRequest.objects.filter(statement=statement).values_list("party_id", flat=True)
    )
    agreed_away = {
        party_id for party_id, method in voided if method != PartyAgreement.Method.IN_MEETING
    }
    if sent_before:
        agreed_away |= {party_id for party_id, _method in voided}
    wanted = sent_before | agreed_away
    parties = [p for p in agreeing_parties(statement.case) if p.pk in wanted]
    created = _requests_add(statement, parties, by=None, asked_again=True)
    return len(created)


def _requests_add(
    statement: OutcomeStatement, parties: list[Party], *, by: User | None, asked_again: bool
) -> list[AgreementRequest]:
    """Record that this version went to each party to agree, and have the portal tell them."""
    already = set(
        AgreementRequest.objects.filter(
            statement=statement, content_hash=statement.content_hash
        ).values_list("party_id", flat=True)
    )
    created = [
        AgreementRequest.objects.create(
            statement=statement,
            party=party,
            version=statement.version,
            content_hash=statement.content_hash,
            asked_again=asked_again,
            by=by,
        )
        for party in parties
        if party.pk not in already
    ]
    if created:
        enqueue_on_commit("mediation.portal.tasks.party_notices_task", case_id=statement.case_id)
    return created


# Writing the statement ------------------------------------------------------------------------


@transaction.atomic
def statement_save(
    *,
    case: Case,
    by: User,
    key_points: str,
    outcome: str,
    request: HttpRequest | None = None,
) -> OutcomeStatement:
    """Create the statement or change its key points and outcome (draft only)."""
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can write the statement.")
    if case.route == Route.CERTIFICATE_ONLY:
        raise ServiceError("There is no meeting on this route, so no outcome statement.")
    _check_outcome(case, outcome)
    statement = (
        OutcomeStatement.objects.select_for_update()
        .select_related("case")
        .filter(case=case)
        .first()
    )
    if statement is None:
        statement = OutcomeStatement(
            case=case, key_points=key_points, outcome=outcome, created_by=by, content_hash=""
        )
        statement.content_hash = sha256_hex(canonical_text(statement, []))
        statement.save()
        line: str | None = "Outcome statement started (version 1)"
        verb = "outcome.statement_create"
    else:
        statement_require_draft(statement)
        statement.key_points = key_points
        statement.outcome = outcome
        statement.save(update_fields=["key_points", "outcome"])
        line = _content_change_line(statement, what="key points or outcome")
        verb = "outcome.statement_update"
    timeline_record(case=case, by=by, summary=line, verb=verb, target=statement, request=request)
    return statement


def _check_action(statement: OutcomeStatement, data: dict[str, Any], by: User) -> None:
    if not may_write(by, statement.case):
        raise ServiceError("Only the case's mediator or a case officer can change the actions.")
    if statement.outcome == Outcome.NOT_AGREED:
        raise ServiceError("There was no agreement, so there are no agreed actions.")
    if not (data.get("what") or "").strip():
        raise ServiceError(field_messages=[("what", "Say what was agreed.")])
    if not data.get("section"):
        data["section"] = AgreedAction.Section.NOT_SURE


@transaction.atomic
def action_add(
    *, case: Case, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> AgreedAction:
    statement = statement_locked(case)
    statement_require_draft(statement)
    _check_action(statement, data, by)
    refuse(action_check(case, None, is_final=False, due=data.get("agreed_due")))
    position = statement.actions.count() + 1
    action = AgreedAction.objects.create(
        statement=statement,
        case=case,
        position=position,
        **{name: data.get(name) for name in ACTION_FIELDS},
    )
    timeline_record(
        case=case,
        by=by,
        summary=_content_change_line(statement, what=f"agreed action {action.number} added"),
        verb="outcome.action_add",
        target=action,
        request=request,
    )
    deadline_recalculate(case=case, by=by, reason="agreed actions changed")
    return action


FOLLOWS_A_DEFERRED_DECISION = (
    "This action follows up a decision put off to a panel or another decision maker: change "
    "or remove the decision instead."
)


def _refuse_deferred_follow_up(action: AgreedAction) -> None:
    if DeferredDecision.objects.filter(action_id=action.pk).exists():
        raise ServiceError(FOLLOWS_A_DEFERRED_DECISION)


@transaction.atomic
def action_update(
    *, action: AgreedAction, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> AgreedAction:
    statement = statement_locked(action.case)
    statement_require_draft(statement)
    _refuse_deferred_follow_up(action)
    _check_action(statement, data, by)
    refuse(action_check(action.case, action, is_final=False, due=data.get("agreed_due")))
    for name in ACTION_FIELDS:
        setattr(action, name, data.get(name))
    action.save(update_fields=list(ACTION_FIELDS))
    timeline_record(
        case=action.case,
        by=by,
        summary=_content_change_line(statement, what=f"agreed action {action.number} changed"),
        verb="outcome.action_update",
        target=action,
        request=request,
    )
    deadline_recalculate(case=action.case, by=by, reason="agreed actions changed")
    return action


@transaction.atomic
def action_remove(*, action: AgreedAction, by: User, request: HttpRequest | None = None) -> None:
    statement = statement_locked(action.case)
    statement_require_draft(statement)
    _refuse_deferred_follow_up(action)
    if not may_write(by, statement.case):
        raise ServiceError("Only the case's mediator or a case officer can change the actions.")
    number = action.number
    removed = AgreedAction(pk=action.pk)  # for the audit event: delete() clears action.pk
    action.delete()
    for position, row in enumerate(statement.actions.order_by("position", "id"), start=1):
        if row.position != position:
            AgreedAction.objects.filter(pk=row.pk).update(position=position)
    timeline_record(
        case=statement.case,
        by=by,
        summary=_content_change_line(statement, what=f"agreed action {number} removed"),
        verb="outcome.action_remove",
        target=removed,
        request=request,
    )
    deadline_recalculate(case=statement.case, by=by, reason="agreed actions changed")


@transaction.atomic
def statement_take_over(
    *,
    case: Case,
    by: User,
    key_points: str,
    outcome: str,
    final: bool,
    version: int,
    actions: list[dict[str, Any]],
    source: str,
    earlier_hash: str = "",
    request: HttpRequest | None = None,
) -> OutcomeStatement:
    """An outcome statement written, agreed and perhaps made final at the service that had the
    case before (a hand-over, mediation.exchange): kept as it was, with its agreed actions in
    order; nobody is asked to agree it again. Its fingerprint is worked out again here (it
    names the case's reference, which is new); the earlier one is kept in the history line.
    Actions done or given a new date there are then recorded through action_mark_done and
    action_vary."""
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can write the statement.")
    if OutcomeStatement.objects.filter(case=case).exists():
        raise ServiceError("This case already has an outcome statement.")
    _check_outcome(case, outcome)
    if final and case.mediation_held_on is None:
        raise ServiceError("Record that the meeting took place first.")
    now = timezone.now()
    statement = OutcomeStatement.objects.create(
        case=case,
        key_points=key_points,
        outcome=outcome,
        status=OutcomeStatement.Status.FINAL if final else OutcomeStatement.Status.DRAFT,
        version=max(version, 1),
        content_hash="",
        created_by=by,
        finalised_by=by if final else None,
        finalised_at=now if final else None,
    )
    for position, data in enumerate(actions, start=1):
        _check_action(statement, data, by)
        AgreedAction.objects.create(
            statement=statement,
            case=case,
            position=position,
            **{name: data.get(name) for name in ACTION_FIELDS},
        )
    statement.content_hash = content_hash(statement)
    statement.save(update_fields=["content_hash"])
    state = (
        f"final, version {statement.version}" if final else f"draft, version {statement.version}"
    )
    earlier = f"; its fingerprint there {earlier_hash[:12]}" if earlier_hash else ""
    timeline_record(
        case=case,
        by=by,
        summary=f"Outcome statement handed over from {source} ({state}, {len(actions)} agreed "
        f"action{'s' if len(actions) != 1 else ''}){earlier}",
        verb="outcome.statement_take_over",
        target=statement,
        request=request,
        detail={"hash": statement.content_hash, "earlier_hash": earlier_hash},
    )
    deadline_recalculate(case=case, by=by, reason="outcome statement handed over")
    return statement


# Agreement to accuracy and making final ----------------------------------------------------


@transaction.atomic
def agreement_record(
    *,
    case: Case,
    party: Party,
    by: User,
    method: str,
    given_for_hash: str,
    request: HttpRequest | None = None,
) -> PartyAgreement:
    """Record that `party` agreed the statement is accurate, as it was when read to them
    (`given_for_hash`); refused if it has changed since."""
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can record agreements.")
    statement = statement_locked(case)
    statement_require_draft(statement)
    if given_for_hash != statement.content_hash:
        raise ServiceError(
            "The statement changed after this page was opened. Read the current version to "
            "them and record their agreement again."
        )
    if party.pk not in {p.pk for p in agreeing_parties(case)}:
        raise ServiceError(f"{party.name} does not attend as a party, so does not agree it.")
    if method not in PartyAgreement.Method.values:
        raise ServiceError("Choose how they agreed.")
    if PartyAgreement.objects.filter(
        statement=statement, party=party, content_hash=statement.content_hash, voided_at=None
    ).exists():
        raise ServiceError(f"{party.name} has already agreed this version.")
    agreement = PartyAgreement.objects.create(
        statement=statement,
        party=party,
        content_hash=statement.content_hash,
        version=statement.version,
        method=method,
        recorded_by=by,
    )
    timeline_record(
        case=case,
        by=by,
        summary=f"{party.name} agreed the outcome statement (version {statement.version}, "
        f"{lower_first(PartyAgreement.Method(method).label)})",
        verb="outcome.agreement_record",
        target=agreement,
        request=request,
        detail={"hash": statement.content_hash, "version": statement.version},
    )
    return agreement


@transaction.atomic
def statement_send_for_agreement(
    *, case: Case, by: User, request: HttpRequest | None = None
) -> list[AgreementRequest]:
    """Send this version of the draft to every party who has not agreed it yet, asking them to
    check it is accurate (by email with a portal link, or by letter; mediation.portal.notices).
    Only a version sent to them can be agreed through the portal."""
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can send the statement.")
    statement = statement_locked(case)
    statement_require_draft(statement)
    if statement.case.mediation_held_on is None:
        raise ServiceError("Record that the meeting took place first.")
    agreed = set(
        PartyAgreement.objects.filter(
            statement=statement, content_hash=statement.content_hash, voided_at=None
        ).values_list("party_id", flat=True)
    )
    waiting = [p for p in agreeing_parties(case) if p.pk not in agreed]
    if not waiting:
        raise ServiceError("Every party has already agreed this version: nothing was sent.")
    created = _requests_add(statement, waiting, by=by, asked_again=False)
    if not created:
        raise ServiceError(
            "This version has already been sent to everyone who has not agreed it: nothing "
            "was sent."
        )
    names = ", ".join(r.party.name for r in created)
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.CONTACT,
        summary=f"Draft outcome statement (version {statement.version}) sent to agree: {names}",
        verb="outcome.send_for_agreement",
        target=statement,
        request=request,
        detail={"version": statement.version, "parties": [r.party_id for r in created]},
    )
    return created


def finalise_refusal(statement: OutcomeStatement) -> str | None:
    """Why the statement cannot be made final yet, or None."""
    if statement.is_final:
        return "The statement is already final."
    case = statement.case
    # A decision put off to a panel is followed up like an action, whatever the outcome.
    agreed_actions = statement.actions.filter(deferred_decision__isnull=True)
    if statement.outcome == Outcome.NOT_AGREED and agreed_actions.exists():
        return "There was no agreement: remove the agreed actions or change the outcome."
    issues_refusal = _issues_refusal(statement)
    if issues_refusal:
        return issues_refusal
    if case.mediation_held_on is None:
        return "Record that the meeting took place first."
    parties = agreeing_parties(case)
    if not parties:
        return "No one is recorded as attending as a party."
    agreed = set(
        PartyAgreement.objects.filter(
            statement=statement, content_hash=statement.content_hash, voided_at=None
        ).values_list("party_id", flat=True)
    )
    missing = [p.name for p in parties if p.pk not in agreed]
    if missing:
        return f"Not everyone has agreed this version yet: {', '.join(missing)}."
    return None


def _issues_refusal(statement: OutcomeStatement) -> str | None:
    """Every issue in dispute has its result, no result is left for an issue no longer on the
    case, and each issue put off to a panel says who decides and by when."""
    on_case = {
        issue.theme_id: issue.theme.name
        for issue in CaseIssue.objects.filter(case_id=statement.case_id).select_related("theme")
    }
    results = {
        outcome.theme_id: outcome
        for outcome in IssueOutcome.objects.filter(statement=statement).select_related("theme")
    }
    missing = [name for pk, name in on_case.items() if pk not in results]
    if missing:
        return f"Give each issue in dispute its result: {join_with_and(missing)}."
    stale = [o.theme.name for pk, o in results.items() if pk not in on_case]
    if stale:
        return (
            f"{join_with_and(stale)} {'is' if len(stale) == 1 else 'are'} no longer an issue on "
            "the case: remove the result."
        )
    deferred_themes = {pk for pk, o in results.items() if o.result == IssueResult.DEFERRED}
    covered = set(
        DeferredDecision.themes.through.objects.filter(
            deferreddecision__statement=statement
        ).values_list("issuetheme_id", flat=True)
    )
    uncovered = [results[pk].theme.name for pk in deferred_themes - covered]
    if uncovered:
        return (
            f"Say who will decide about {join_with_and(sorted(uncovered))}, and by when "
            "(“Record a decision the LA could not make”)."
        )
    return None


@transaction.atomic
def statement_finalise(
    *, case: Case, by: User, request: HttpRequest | None = None
) -> OutcomeStatement:
    """Lock the statement once every party attending as a party agreed its current hash.

    If the case's outcome is not recorded yet, the workflow's "Record the outcome" step is taken
    with the statement's outcome on the meeting date, which sets the date of the mediation
    agreement and so starts the agreed actions' clocks; the step and the statement made final
    are then one change (one history line, one audit event). Every agreed action's dates are
    checked against the agreement first.
    """
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can make it final.")
    statement = statement_locked(case)
    refusal = finalise_refusal(statement)
    if refusal:
        raise ServiceError(refusal)
    case = Case.objects.get(pk=case.pk)
    _check_outcome(case, statement.outcome)
    today = timezone.localdate()
    agreed = case.agreement_made_on or case.mediation_held_on
    actions = [
        ActionDates(
            id=str(action.pk),
            due=action.agreed_due,
            agreed_on=None if case.agreement_made_on else agreed,
            name=f"agreed action {position}",
        )
        for position, action in enumerate(actions_of(statement), start=1)
    ]
    refuse(
        case_change_refusals(
            case, actions=actions, actions_before=[], outcome_recorded=today, check_stage=False
        )
    )
    now = timezone.now()
    statement.status = OutcomeStatement.Status.FINAL
    statement.finalised_at = now
    statement.finalised_by = by
    statement.save(update_fields=["status", "finalised_at", "finalised_by"])
    line = f"Outcome statement made final (version {statement.version}), agreed by every party"
    recorded = Recorded(
        verb="outcome.statement_finalise",
        target=statement,
        lines=[line],
        detail={"hash": statement.content_hash},
    )
    if not case.outcome:
        offer = next((o for o in case_steps(case) if o.step == Step.RECORD_OUTCOME), None)
        if offer is None or offer.blocked_because:
            raise ServiceError(
                (offer.blocked_because if offer else "")
                or "The outcome cannot be recorded on this case now."
            )
        case = case_take_step(
            case=case,
            step=Step.RECORD_OUTCOME,
            by=by,
            data={"on": case.mediation_held_on, "outcome": statement.outcome},
            expected_state=CaseState(case.status),
            request=request,
            recorded=recorded,
        )
    else:
        timeline_record(
            case=case,
            by=by,
            summary=line,
            verb=recorded.verb,
            target=statement,
            request=request,
            detail=dict(recorded.detail),
        )
        deadline_recalculate(case=case, by=by, reason="outcome statement final")
    statement.case = case
    webhook_event_record(
        case=case,
        kind=EventKind.STATEMENT_FINAL,
        data={"outcome": statement.outcome, "agreed_actions": statement.actions.count()},
    )
    return statement


@transaction.atomic
def addendum_add(
    *, case: Case, by: User, text: str, request: HttpRequest | None = None
) -> Addendum:
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can add an addendum.")
    statement = statement_locked(case)
    if not statement.is_final:
        raise ServiceError("The statement is still a draft: change it instead.")
    if not text.strip():
        raise ServiceError("Write the correction.")
    addendum = Addendum.objects.create(statement=statement, text=text.strip(), by=by)
    timeline_record(
        case=case,
        by=by,
        summary="Addendum added to the outcome statement",
        verb="outcome.addendum_add",
        target=addendum,
        request=request,
    )
    return addendum


# Circulation --------------------------------------------------------------------------------


def _wants_letter(party: Party) -> bool:
    return party.preferred_contact == ContactPreference.LETTER or not party.email


@transaction.atomic
def statement_circulate(
    *, case: Case, by: User, today: date | None = None, request: HttpRequest | None = None
) -> list[Delivery]:
    """Send the final statement to everyone who attended: an email with the PDF attached, and
    a letter (the same PDF, to print and post) to those who prefer letters or have no email.

    Idempotent per version and addendum count: circulating again sends only to people added
    since. Records the date sent (the outcome_statement_circulated_by deadline) the first time.
    """
    today = today or timezone.localdate()
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can send the statement.")
    statement = statement_locked(case)
    if not statement.is_final:
        raise ServiceError("Make the statement final before sending it out.")
    recipients = circulation_recipients(case)
    if not recipients:
        raise ServiceError("No one is recorded as attending the meeting.")
    html, pdf = documents.statement_pdf(statement)
    # The statement is stored once as a generated document; circulating the same text again
    # (to people added since) sends the same stored bytes.
    document = (
        GeneratedDocument.objects.filter(case=case, kind=DocumentKind.OUTCOME_STATEMENT)
        .order_by("-version")
        .first()
    )
    if document is not None and document.html == html:
        pdf = document.pdf_bytes()
    else:
        document = None
    filename = f"{case.reference}-outcome-statement.pdf"
    addenda = statement.addenda.count()
    subject = f"Outcome statement of your mediation meeting ({case.reference})"
    deliveries = []
    for party in recipients:
        base = f"outcome:{statement.pk}:{statement.content_hash[:16]}:a{addenda}:party:{party.pk}"
        channels = []
        if party.email:
            channels.append(Message.Channel.EMAIL)
        if _wants_letter(party):
            channels.append(Message.Channel.LETTER)
        for channel in channels:
            message, created = message_queue(
                key=f"{base}:{channel}",
                to_email=party.email if channel == Message.Channel.EMAIL else "",
                to_name=party.name,
                subject=subject,
                body=documents.statement_email_body(case, party.name),
                case_id=case.pk,
                channel=channel,
                attachments=[(filename, "application/pdf", pdf)],
            )
            if created:
                if document is None:
                    document = document_store(
                        case=case,
                        kind=DocumentKind.OUTCOME_STATEMENT,
                        title=f"Outcome statement (statement version {statement.version}"
                        f"{f', {addenda} addenda' if addenda else ''})",
                        html=html,
                        pdf=pdf,
                        by=by,
                    )
                deliveries.append(
                    Delivery.objects.create(
                        statement=statement,
                        party=party,
                        recipient_name=party.name,
                        message_id=message.pk,
                        channel=channel,
                        document=document,
                        by=by,
                    )
                )
    if not deliveries:
        # Everyone who attended already has this version: nothing was sent, nothing recorded.
        return deliveries
    emails = sum(d.channel == Message.Channel.EMAIL for d in deliveries)
    letters = len(deliveries) - emails
    recorded = Recorded(
        verb="outcome.statement_circulate",
        target=statement,
        lines=[
            f"Outcome statement sent: {emails} email{'s' if emails != 1 else ''} with the "
            f"PDF, {letters} letter{'s' if letters != 1 else ''} to print and post"
        ],
        detail={"messages": len(deliveries)},
        kind=TimelineKind.CONTACT,
    )
    case_key_dates_update(
        case=case,
        by=by,
        changes={"outcome_circulated_on": case.outcome_circulated_on or today},
        request=request,
        recorded=recorded,
    )
    return deliveries


@transaction.atomic
def delivery_resend(
    *, delivery: Delivery, by: User, request: HttpRequest | None = None
) -> Delivery:
    """Send one recipient's message again: a new message (new idempotency key) with the same
    subject, text and attachments, logged as a resend of the first."""
    case = delivery.statement.case
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can resend.")
    original = Message.objects.get(pk=delivery.message_id)
    attachments = [
        (a.filename, a.content_type, a.content_bytes())
        for a in MessageAttachment.objects.filter(message=original)
    ]
    message, _created = message_queue(
        key=f"{original.idempotency_key}:resend:{uuid.uuid4().hex[:12]}",
        to_email=original.recipient_email,
        to_name=original.recipient_name,
        subject=original.subject,
        body=original.body,
        case_id=case.pk,
        channel=original.channel,
        attachments=attachments,
    )
    resent = Delivery.objects.create(
        statement=delivery.statement,
        party=delivery.party,
        recipient_name=delivery.recipient_name,
        message_id=message.pk,
        channel=delivery.channel,
        document=delivery.document,
        resend_of=delivery,
        by=by,
    )
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.CONTACT,
        summary=f"Outcome statement sent again to {delivery.recipient_name} "
        f"({lower_first(Message.Channel(delivery.channel).label)})",
        verb="outcome.delivery_resend",
        target=resent,
        request=request,
        detail={"message": message.pk, "resend_of": delivery.message_id},
    )
    return resent


# Following up the agreed actions ---------------------------------------------------------------


def _action_locked(action: AgreedAction) -> AgreedAction:
    action = (
        AgreedAction.objects.select_for_update()
        .select_related("case", "statement")
        .get(pk=action.pk)
    )
    if not action.statement.is_final:
        raise ServiceError("The statement is still a draft: make it final first.")
    return action


def _check_la_reports(by: AuthoritySystem, action: AgreedAction) -> None:
    """An LA's system reports on the actions its own LA agreed to, on its own cases."""
    if not by.acts_for(action.case.local_authority_id):
        raise NotAllowed("A local authority reports on the actions of its own cases only.")
    if action.who != AgreedAction.Who.LA:
        raise NotAllowed(
            f"This action is for {AgreedAction.Who(action.who).label.lower()}, not the local "
            "authority: tell the service about it instead."
        )


@transaction.atomic
def action_mark_done(
    *,
    action: AgreedAction,
    by: Actor,
    done_on: date,
    evidence: str,
    request: HttpRequest | None = None,
) -> AgreedAction:
    """Record an agreed action as done, with the date and how we know. By a case officer or
    manager, or by the LA's own system (through the API) for an action the LA agreed to."""
    if isinstance(by, User) and not may_follow_up(by):
        raise ServiceError("Only a case officer or manager records agreed actions as done.")
    action = _action_locked(action)
    if isinstance(by, AuthoritySystem):
        _check_la_reports(by, action)
    if not evidence.strip():
        raise ServiceError(field_messages=[("evidence", "Say how you know it was done.")])
    refuse(
        action_check(
            action.case,
            action,
            is_final=True,
            due=action.effective_agreed_due,
            done_on=done_on,
            no_plan_notice_on=action.no_plan_notice_on,
            final_plan_sent_on=action.final_plan_sent_on,
        )
    )
    action.done_on = done_on
    action.done_evidence = evidence.strip()
    action.done_recorded_by = staff_member(by)
    action.save(update_fields=["done_on", "done_evidence", "done_recorded_by"])
    timeline_record(
        case=action.case,
        by=by,
        summary=f"Agreed action {action.number} done: {format_day(done_on)}",
        verb="outcome.action_done",
        target=action,
        request=request,
    )
    deadline_recalculate(case=action.case, by=by, reason="agreed action done")
    return action


@transaction.atomic
def action_vary(
    *,
    action: AgreedAction,
    by: Actor,
    new_due: date,
    agreed_in_writing_on: date,
    reason: str,
    request: HttpRequest | None = None,
) -> ActionVariation:
    """A new due date agreed in writing by the parties (reg 42(5)); moves the deadline. By a
    case officer or manager, or by the LA's own system for an action the LA agreed to."""
    if isinstance(by, User) and not may_follow_up(by):
        raise ServiceError("Only a case officer or manager records a change of date.")
    action = _action_locked(action)
    if isinstance(by, AuthoritySystem):
        _check_la_reports(by, action)
    if action.done_on is not None:
        raise ServiceError("This action is already done.")
    if not reason.strip():
        raise ServiceError(field_messages=[("reason", "Give the reason for the new date.")])
    refuse(
        action_check(
            action.case,
            action,
            is_final=True,
            due=new_due,
            agreed_on=agreed_in_writing_on,
            no_plan_notice_on=action.no_plan_notice_on,
            final_plan_sent_on=action.final_plan_sent_on,
        )
    )
    old_due = next(
        (v.due for v in action_views(action.statement, [action]) if v.action.pk == action.pk),
        None,
    )
    variation = ActionVariation.objects.create(
        action=action,
        old_due=old_due,
        new_due=new_due,
        agreed_in_writing_on=agreed_in_writing_on,
        reason=reason.strip(),
        by=staff_member(by),
    )
    action.varied_due = new_due
    action.save(update_fields=["varied_due"])
    timeline_record(
        case=action.case,
        by=by,
        summary=f"Agreed action {action.number}: new date {format_day(new_due)} agreed in "
        f"writing on {format_day(agreed_in_writing_on)}",
        verb="outcome.action_vary",
        target=variation,
        request=request,
    )
    deadline_recalculate(case=action.case, by=by, reason="new date agreed in writing")
    return variation


FOLLOW_UP_KINDS = frozenset({"assessment", "reassessment", "make_plan"})


@transaction.atomic
def action_follow_up_record(
    *,
    action: AgreedAction,
    by: User,
    no_plan_notice_on: date | None,
    final_plan_sent_on: date | None,
    exception: str = "",
    exception_note: str = "",
    request: HttpRequest | None = None,
) -> AgreedAction:
    """Record reg 44(2)'s later steps of an agreed action (the family told no EHC plan is
    needed; the final plan sent) and any reg 44(3) exception; their deadlines follow."""
    if not may_follow_up(by):
        raise ServiceError("Only a case officer or manager records the later steps.")
    action = _action_locked(action)
    if action.kind not in FOLLOW_UP_KINDS:
        raise ServiceError("This kind of action has no later steps under regulation 44.")
    if action.kind == "make_plan" and no_plan_notice_on is not None:
        raise ServiceError(
            field_messages=[
                (
                    "no_plan_notice_on",
                    "An agreement to make a plan has no notice that no plan is needed.",
                )
            ]
        )
    if exception and exception not in AgreedAction.FollowUpException.values:
        raise ServiceError(field_messages=[("follow_up_exception", "Choose an exception.")])
    if exception and not exception_note.strip():
        raise ServiceError(field_messages=[("follow_up_exception_note", "Say what it is.")])
    refuse(
        action_check(
            action.case,
            action,
            is_final=True,
            due=action.effective_agreed_due,
            done_on=action.done_on,
            no_plan_notice_on=no_plan_notice_on,
            final_plan_sent_on=final_plan_sent_on,
        )
    )
    values = {
        "no_plan_notice_on": no_plan_notice_on,
        "final_plan_sent_on": final_plan_sent_on,
        "follow_up_exception": exception,
        "follow_up_exception_note": exception_note.strip() if exception else "",
    }
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    if not changed:
        return action
    for name in changed:
        setattr(action, name, values[name])
    action.save(update_fields=changed)
    lines = []
    for name, words in (
        ("no_plan_notice_on", "family told no EHC plan is needed"),
        ("final_plan_sent_on", "final EHC plan sent"),
    ):
        if name in changed:
            day = values[name]
            lines.append(f"{words}: {format_day(day)}" if day else f"{words}: date removed")
    if "follow_up_exception" in changed:
        lines.append(
            f"exception recorded: {AgreedAction.FollowUpException(exception).label}"
            if exception
            else "exception removed"
        )
    elif "follow_up_exception_note" in changed:
        lines.append("exception note changed")
    timeline_record(
        case=action.case,
        by=by,
        summary=f"Agreed action {action.number}, later steps (reg 44): " + "; ".join(lines),
        verb="outcome.action_follow_up",
        target=action,
        request=request,
        detail={"fields": sorted(changed)},
    )
    deadline_recalculate(case=action.case, by=by, reason="agreed action's later steps")
    return action


def _require_overdue(action: AgreedAction, today: date) -> date:
    view = action_views(action.statement, [action], today=today)[0]
    if not view.overdue:
        raise ServiceError("This action is not overdue.")
    assert view.due is not None
    return view.due


@transaction.atomic
def action_letter_send(
    *,
    action: AgreedAction,
    by: User,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> ActionChase:
    """Send a letter about an overdue action to whoever agreed to do it, in words that fit what
    binds them (documents.overdue_letter): by email with the PDF, or as a letter to print for
    someone who prefers post. A school's letter is copied to the LA, which must secure the
    provision."""
    today = today or timezone.localdate()
    if not may_follow_up(by):
        raise ServiceError("Only a case officer or manager sends letters about agreed actions.")
    action = _action_locked(action)
    _require_overdue(action, today)
    owner = action_owner(action)
    if owner.missing:
        raise ServiceError(owner.missing)
    authority = action.case.local_authority
    if owner.copy_to_la and not authority.contact_email:
        raise ServiceError(
            f"{authority.name} gets a copy, but has no contact email. Add it under Manage → "
            "Local authorities."
        )
    title, html, pdf = documents.overdue_letter(action, today=today)
    number = action.chases.filter(kind=ActionChase.Kind.LETTER).count() + 1
    document = document_store(
        case=action.case,
        kind=DocumentKind.OVERDUE_ACTION_LETTER,
        title=f"{title}: agreed action {action.number} (letter {number} to {owner.name})",
        html=html,
        pdf=pdf,
        by=by,
    )
    reference = action.case.reference
    subject = f"An action agreed at mediation ({reference})"
    attachment = (f"{reference}-agreed-action-{action.pk}.pdf", "application/pdf", pdf)
    ids, sent_to = [], []
    by_post = owner.wants_letter or not owner.email
    message, _created = message_queue(
        key=f"action-letter:{action.pk}:{number}",
        to_email="" if by_post else owner.email,
        to_name=owner.name,
        subject=subject,
        body=documents.overdue_letter_email_body(action),
        case_id=action.case_id,
        channel=Message.Channel.LETTER if by_post else Message.Channel.EMAIL,
        attachments=[attachment],
    )
    ids.append(message.pk)
    sent_to.append(f"{owner.name} (letter to post)" if by_post else f"{owner.name} <{owner.email}>")
    if owner.copy_to_la:
        copy, _created = message_queue(
            key=f"action-letter:{action.pk}:{number}:copy-la",
            to_email=authority.contact_email,
            to_name=authority.name,
            subject=f"Copy: {subject}",
            body=documents.overdue_copy_email_body(action, owner.name),
            case_id=action.case_id,
            attachments=[attachment],
        )
        ids.append(copy.pk)
        sent_to.append(f"copy to {authority.name} <{authority.contact_email}>")
    chase = ActionChase.objects.create(
        action=action,
        kind=ActionChase.Kind.LETTER,
        sent_to="; ".join(sent_to)[:300],
        message_ids=ids,
        document=document,
        by=by,
    )
    copied = f", copied to {authority.name}" if owner.copy_to_la else ""
    how = "letter to print and post" if by_post else "email"
    timeline_record(
        case=action.case,
        by=by,
        kind=TimelineKind.CONTACT,
        summary=f"Letter to {owner.name} about overdue agreed action {action.number} ({how})"
        f"{copied}",
        verb="outcome.action_letter",
        target=chase,
        request=request,
        detail={"who": action.who, "messages": len(ids)},
    )
    return chase


@transaction.atomic
def action_escalate(
    *,
    action: AgreedAction,
    by: User,
    note: str,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> ActionChase:
    """Record an escalation of an overdue action and email every manager."""
    today = today or timezone.localdate()
    if not may_follow_up(by):
        raise ServiceError("Only a case officer or manager escalates an action.")
    action = _action_locked(action)
    due = _require_overdue(action, today)
    if not note.strip():
        raise ServiceError("Say why you are escalating it.")
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).exclude(email=""))
    chase = ActionChase.objects.create(
        action=action, kind=ActionChase.Kind.ESCALATION, note=note.strip(), by=by
    )
    ids = []
    for manager in managers:
        message, _created = message_queue(
            key=f"action-escalation:{chase.pk}:{manager.pk}",
            to_email=manager.email,
            to_name=manager.display_name,
            subject=f"Escalated: overdue agreed action – case {action.case.reference}",
            body=documents.escalation_email_body(action, due=due, by=by),
            case_id=action.case_id,
        )
        ids.append(message.pk)
    chase.message_ids = ids
    chase.sent_to = ", ".join(m.email for m in managers)[:300]
    chase.save(update_fields=["message_ids", "sent_to"])
    timeline_record(
        case=action.case,
        by=by,
        summary=f"Overdue agreed action {action.number} escalated to the managers",
        verb="outcome.action_escalate",
        target=chase,
        request=request,
    )
    return chase


# Issues in dispute and their results ------------------------------------------------------------

REMOVE_RESULT = "remove"


@transaction.atomic
def issue_results_save(
    *,
    case: Case,
    by: User,
    results: dict[int, str],
    request: HttpRequest | None = None,
) -> list[IssueOutcome]:
    """Give each issue in dispute its result in the (draft) statement: theme id -> result. A
    result can be removed ("remove") only for an issue no longer on the case. A change of
    result is a change of the statement's content: agreements given so far no longer count."""
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can change the statement.")
    statement = statement_locked(case)
    statement_require_draft(statement)
    on_case = set(CaseIssue.objects.filter(case=case).values_list("theme_id", flat=True))
    current = {outcome.theme_id: outcome for outcome in statement.issue_outcomes.all()}
    for theme_id, result in results.items():
        if theme_id not in on_case and theme_id not in current:
            raise ServiceError("That issue is not in dispute on this case.")
        if result == REMOVE_RESULT:
            if theme_id in on_case:
                raise ServiceError("An issue still in dispute on the case needs a result.")
        elif result not in IssueResult.values:
            raise ServiceError("Choose a result for each issue.")
    for theme_id, result in results.items():
        outcome = current.get(theme_id)
        if result == REMOVE_RESULT:
            if outcome is not None:
                outcome.delete()
        elif outcome is None:
            IssueOutcome.objects.create(
                statement=statement, case=case, theme_id=theme_id, result=result
            )
        elif outcome.result != result:
            outcome.result = result
            outcome.save(update_fields=["result"])
    timeline_record(
        case=case,
        by=by,
        summary=_content_change_line(statement, what="results of the issues in dispute"),
        verb="outcome.issue_results_save",
        target=statement,
        request=request,
        detail={"results": {str(k): v for k, v in sorted(results.items())}},
    )
    return list(statement.issue_outcomes.select_related("theme"))


# Decisions the LA's attendee could not make ---------------------------------------------------


def deferred_decision_date_refusal(case: Case, decision_due_on: date) -> str | None:
    """The decision's date must be on or after the meeting's agreement (the fact rules of
    mediation.domain.facts, as for any agreed action's due date)."""
    agreed_on = case.agreement_made_on or case.mediation_held_on or case.meeting_planned_on
    if agreed_on is None:
        return None
    found = fact_violations(
        {Fact.AGREEMENT_MADE: agreed_on},
        actions=[ActionDates("decision", due=decision_due_on, name="the decision")],
    )
    return found[0].message if found else None


def _deferred_what(data: dict[str, Any]) -> str:
    themes = [theme.name for theme in data.get("themes") or []]
    about = f" about {join_with_and(themes)}" if themes else ""
    return (
        f"{data['decision_maker'].strip()} to decide{about} by "
        f"{format_day_long(data['decision_due_on'])}, and tell the family the decision."
    )


@transaction.atomic
def deferred_decision_add(
    *, case: Case, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> DeferredDecision:
    """Record that the attendee could not decide: who will (a panel or another decision maker),
    about which issues and by when. Its follow-up is an agreed action due on that day."""
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can change the statement.")
    statement = statement_locked(case)
    statement_require_draft(statement)
    if data.get("decided_by") not in DeferredDecision.DecidedBy.values:
        raise ServiceError("Choose who will decide.")
    if not (data.get("decision_maker") or "").strip():
        raise ServiceError("Say who will decide, for example the SEN panel.")
    refusal = deferred_decision_date_refusal(case, data["decision_due_on"])
    if refusal:
        raise ServiceError(refusal)
    themes: list[IssueTheme] = list(data.get("themes") or [])
    on_case = set(CaseIssue.objects.filter(case=case).values_list("theme_id", flat=True))
    if any(theme.pk not in on_case for theme in themes):
        raise ServiceError("Choose issues in dispute on this case.")
    health = data["decided_by"] == DeferredDecision.DecidedBy.HEALTH
    action = AgreedAction.objects.create(
        statement=statement,
        case=case,
        position=statement.actions.count() + 1,
        what=_deferred_what(data),
        who=AgreedAction.Who.HEALTH if health else AgreedAction.Who.LA,
        kind=ActionKind.NOT_APPEALABLE,
        section=data["section"],
        agreed_due=data["decision_due_on"],
    )
    decision = DeferredDecision.objects.create(
        statement=statement,
        case=case,
        action=action,
        decided_by=data["decided_by"],
        decision_maker=data["decision_maker"].strip(),
        decision_due_on=data["decision_due_on"],
        created_by=by,
    )
    decision.themes.set(themes)
    for theme in themes:  # an issue put off to a panel is "deferred"
        IssueOutcome.objects.update_or_create(
            statement=statement,
            theme=theme,
            defaults={"case": case, "result": IssueResult.DEFERRED},
        )
    timeline_record(
        case=case,
        by=by,
        summary=[
            line
            for line in (
                f"Decision put off: {decision.decision_maker} to decide by "
                f"{format_day(decision.decision_due_on)}",
                _content_change_line(statement, what="a decision put off to a panel"),
            )
            if line
        ],
        verb="outcome.deferred_decision_add",
        target=decision,
        request=request,
        detail={"decided_by": decision.decided_by, "due": decision.decision_due_on.isoformat()},
    )
    deadline_recalculate(case=case, by=by, reason="agreed actions changed")
    return decision


@transaction.atomic
def deferred_decision_remove(
    *, decision: DeferredDecision, by: User, request: HttpRequest | None = None
) -> None:
    """Take a decision put off to a panel out of the draft statement, with its follow-up."""
    case = decision.case
    if not may_write(by, case):
        raise ServiceError("Only the case's mediator or a case officer can change the statement.")
    statement = statement_locked(case)
    statement_require_draft(statement)
    removed = DeferredDecision(pk=decision.pk)  # for the audit event: delete() clears the pk
    decision.action.delete()  # and the decision with it (CASCADE)
    for position, row in enumerate(statement.actions.order_by("position", "id"), start=1):
        if row.position != position:
            AgreedAction.objects.filter(pk=row.pk).update(position=position)
    timeline_record(
        case=case,
        by=by,
        summary=_content_change_line(statement, what="a decision put off to a panel removed"),
        verb="outcome.deferred_decision_remove",
        target=removed,
        request=request,
    )
    deadline_recalculate(case=case, by=by, reason="agreed actions changed")
