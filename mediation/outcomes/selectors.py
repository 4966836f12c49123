"""Reads of outcome statements and agreed actions, for a case the user can already see (call
mediation.cases.selectors.access_case first), and the per-LA "honoured on time" report.

Each function runs a fixed number of queries, however many actions, agreements or messages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mediation.audit.reads import access_one
from mediation.authorities.models import LocalAuthority
from mediation.cases.models import Case, CaseIssue, IssueTheme, Party, PartyRole
from mediation.common.queries import ids_in, value_by_key, without_jit
from mediation.deadlines.clocks import (
    AGREED_ACTION_PREFIX,
    ActionFacts,
    case_facts,
    service_calendar,
)
from mediation.deadlines.labels import deadline_label
from mediation.deadlines.models import Deadline
from mediation.domain import attendance as rules
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.dates import join_with_and
from mediation.domain.deadlines import (
    AGREED_DUE_CITATION,
    CaseEvent,
    agreed_action_code,
    compute_deadlines,
)
from mediation.domain.deferred import DeferredEffect, deferred_decision_effect
from mediation.notifications.models import Message
from mediation.outcomes.models import (
    ActionChase,
    AgreedAction,
    AgreementRequest,
    DeferredDecision,
    Delivery,
    IssueOutcome,
    IssueResult,
    OutcomeStatement,
    PartyAgreement,
)
from mediation.parties.selectors import case_attendance


def final_action_facts(case: Case) -> list[ActionFacts]:
    """What the clocks need of the actions of the case's final outcome statement, in order (one
    query). Handed to mediation.deadlines at start-up (apps.py): the deadlines app sits below
    this one and asks through `agreed_actions_of`.

    Actions in a draft statement are not agreed yet, so they have no clock; the statement page
    shows what their dates would be (`action_views`).
    """
    if not case.outcome:
        # Making a statement final records the case's outcome first (services), so a case with
        # no outcome has no agreed actions: no query.
        return []
    rows = (
        AgreedAction.objects.filter(case=case, statement__status=OutcomeStatement.Status.FINAL)
        .order_by("position", "id")
        .values_list(*_ACTION_FACT_COLUMNS)
    )
    return [_action_facts(*row) for row in rows]


_ACTION_FACT_COLUMNS = (
    "pk",
    "kind",
    "agreed_due",
    "varied_due",
    "done_on",
    "no_plan_notice_on",
    "final_plan_sent_on",
    "follow_up_exception",
)


def _action_facts(
    pk: int,
    kind: str,
    agreed: date | None,
    varied: date | None,
    done: date | None,
    no_plan: date | None,
    final_plan: date | None,
    exception: str,
) -> ActionFacts:
    return ActionFacts(
        str(pk),
        kind,
        varied or agreed,
        done,
        no_plan,
        final_plan,
        AgreedAction.FollowUpException(exception).label if exception else "",
    )


def final_action_facts_many(cases: Sequence[Case]) -> dict[int, list[ActionFacts]]:
    """`final_action_facts` of many cases, by case id, in one query (none if no case has an
    outcome): for recomputing the clocks of many cases at once."""
    found: dict[int, list[ActionFacts]] = {case.pk: [] for case in cases}
    with_outcome = [case.pk for case in cases if case.outcome]
    if not with_outcome:
        return found
    rows = (
        AgreedAction.objects.filter(
            ids_in("case_id", with_outcome, model=AgreedAction),
            statement__status=OutcomeStatement.Status.FINAL,
        )
        .order_by("case_id", "position", "id")
        .values_list("case_id", *_ACTION_FACT_COLUMNS)
    )
    for case_id, *row in rows:
        found[case_id].append(_action_facts(*row))
    return found


def outcome_finalised_on(case: Case) -> date | None:
    """The day (Europe/London) the case's outcome statement was made final, if it was: the
    fact rules' "outcome recorded" (one query; none when the case has no outcome yet)."""
    if not case.outcome:
        return None
    finalised = (
        OutcomeStatement.objects.filter(case=case, status=OutcomeStatement.Status.FINAL)
        .values_list("finalised_at", flat=True)
        .first()
    )
    return timezone.localdate(finalised) if finalised is not None else None


def statement_for_case(case: Case) -> OutcomeStatement | None:
    return (
        OutcomeStatement.objects.select_related("created_by", "finalised_by")
        .filter(case=case)
        .first()
    )


def actions_of(statement: OutcomeStatement) -> list[AgreedAction]:
    return list(statement.actions.order_by("position", "id"))


def access_action(*, case: Case, action_id: int) -> AgreedAction:
    return access_one(
        AgreedAction.objects.select_related("statement", "case").filter(case=case),
        action_id,
        not_found="No such agreed action on this case",
    )


def access_delivery(*, case: Case, delivery_id: int) -> Delivery:
    return access_one(
        Delivery.objects.select_related("statement", "statement__case", "party").filter(
            statement__case=case
        ),
        delivery_id,
        not_found="No such message on this case",
        case_id=case.pk,
    )


def agreeing_parties(case: Case, *, parties: list[Party] | None = None) -> list[Party]:
    """The people who attend as parties (parent or young person or their representative, the
    LA's attendee, the health body's where there are health issues): each must agree the
    statement before it is final. `parties`: as `parties_with_attendance` loaded them (the
    case page passes its own), read here otherwise."""
    return [
        row.party
        for row in case_attendance(case, parties).rows
        if row.attending and row.basis == rules.Basis.PARTY
    ]


def circulation_recipients(case: Case) -> list[Party]:
    """Everyone expected at the meeting (parties, supporters, others agreed), who receive the
    statement. Never includes anyone marked as not attending, nor a child unless the family
    and the mediator agreed the child gets it."""
    return [
        row.party
        for row in case_attendance(case).rows
        if row.attending
        and (
            row.party.role != PartyRole.CHILD
            or (row.request is not None and row.request.statement_to_child)
        )
    ]


# Who owns an agreed action, and how a letter about it reaches them ------------------------------


@dataclass(frozen=True)
class ActionOwner:
    """Who agreed to do an action, and how a letter about it reaches them: an email address,
    or a postal address for a letter to print (`party` is the person on the case, if any).
    `missing` says what to add first when there is no way to reach them ("" when there is).
    `copy_to_la`: a school's action is copied to the LA, which must secure the provision."""

    who: str  # AgreedAction.Who
    name: str
    email: str
    address: str
    party: Party | None
    wants_letter: bool
    missing: str = ""
    copy_to_la: bool = False


def _party_owner(who: str, party: Party | None, missing: str) -> ActionOwner:
    if party is None:
        return ActionOwner(who, "", "", "", None, False, missing)
    name = party.organisation or party.name
    by_post = party.preferred_contact == "letter" or not party.email
    if by_post and not party.address and not party.email:
        return ActionOwner(
            who,
            name,
            "",
            "",
            party,
            True,
            f"Add an email or postal address for {party.name} on the parties page.",
        )
    return ActionOwner(who, name, party.email, party.address, party, by_post)


def action_owner(action: AgreedAction, parties: list[Party] | None = None) -> ActionOwner:
    """Who a letter about this action goes to: the LA's contact address; the health body's
    representative on the case; the school (an information provider of kind school), with a copy
    to the LA; or the family's main contact."""
    case = action.case
    who = action.who
    if who == AgreedAction.Who.LA:
        authority = case.local_authority
        missing = (
            ""
            if authority.contact_email
            else f"{authority.name} has no contact email. Add it under Manage → Local authorities."
        )
        return ActionOwner(who, authority.name, authority.contact_email, "", None, False, missing)
    parties = parties if parties is not None else list(case.parties.all())
    if who == AgreedAction.Who.HEALTH:
        health = [p for p in parties if p.role == "health_representative"]
        party = next((p for p in health if not p.additional_officer), health[0] if health else None)
        return _party_owner(
            who,
            party,
            "Add the health commissioning body's representative to the people on the case, with "
            "an email or postal address.",
        )
    if who == AgreedAction.Who.SCHOOL:
        schools = [
            p
            for p in parties
            if p.role == "information_provider" and p.provider_kind == Party.ProviderKind.SCHOOL
        ]
        owner = _party_owner(
            who,
            schools[0] if schools else None,
            "Add the school to the people on the case (as an information provider of kind "
            "school), with an email or postal address.",
        )
        return dataclasses.replace(owner, copy_to_la=True)
    family = [p for p in parties if p.role in rules.FAMILY_ROLES]
    party = next((p for p in family if p.is_main_contact), family[0] if family else None)
    owner = _party_owner(who, party, "Add the family's contact details on the parties page.")
    return dataclasses.replace(owner, name=party.name if party else "")


# Agreed actions with their due dates --------------------------------------------------------


@dataclass(frozen=True)
class ActionView:
    action: AgreedAction
    due: date | None
    rule: str
    explanation: str
    # True while the statement is a draft: the date the action would have if agreed on
    # `assumed_agreement`.
    preview: bool
    overdue: bool
    status: str
    tag_class: str

    @property
    def label(self) -> str:
        return deadline_label(agreed_action_code(self.action.number))


def _status(action: AgreedAction, due: date | None, today: date) -> tuple[bool, str, str]:
    if action.done_on is not None:
        if due is not None and action.done_on > due:
            return False, f"Done {action.done_on:%-d %b %Y}, late", "govuk-tag--orange"
        return False, f"Done {action.done_on:%-d %b %Y}", "govuk-tag--green"
    if due is not None and due < today:
        return True, "Overdue", "govuk-tag--red"
    if action.varied_due is not None:
        return False, "New date agreed", "govuk-tag--purple"
    return False, "Due", "govuk-tag--blue"


def assumed_agreement_date(case: Case) -> date:
    return case.agreement_made_on or case.mediation_held_on or timezone.localdate()


class StoredDue(Protocol):
    """A stored deadline as the actions read it: a `Deadline` row or the case page's
    `DeadlineView` of it."""

    @property
    def code(self) -> str: ...
    @property
    def due(self) -> date: ...
    @property
    def rule(self) -> str: ...
    @property
    def explanation(self) -> str: ...


def action_views(
    statement: OutcomeStatement,
    actions: list[AgreedAction],
    *,
    today: date | None = None,
    calendar: WorkingCalendar | None = None,
    stored_deadlines: Sequence[StoredDue] | None = None,
) -> list[ActionView]:
    """Each action with its due date and rule from the deadline engine.

    A final statement's dates are the stored deadlines (one query, none if `stored_deadlines`,
    all the case's stored deadlines, are given); a draft's are worked out by the same engine as
    if agreed on the agreement date (or the meeting date, or today), on `calendar` (read here
    unless given).
    """
    today = today or timezone.localdate()
    case = statement.case
    stored: dict[str, StoredDue] = {}
    if statement.is_final and actions:
        codes = {agreed_action_code(a.number) for a in actions}
        if stored_deadlines is None:
            stored_deadlines = list(Deadline.objects.filter(case_id=statement.case_id, code__in=codes))
        stored = {d.code: d for d in stored_deadlines if d.code in codes}
    computed: dict[str, tuple[date, str, str]] = {}
    missing = [a for a in actions if agreed_action_code(a.number) not in stored]
    if missing:
        facts = case_facts(
            case,
            actions=[
                ActionFacts(a.number, a.kind, a.effective_agreed_due, a.done_on) for a in missing
            ],
        )
        if facts is not None:
            if facts.event(CaseEvent.AGREEMENT_MADE) is None:
                events = dict(facts.events)
                events[CaseEvent.AGREEMENT_MADE] = assumed_agreement_date(case)
                facts = dataclasses.replace(facts, events=events)
            report = compute_deadlines(facts, calendar or service_calendar())
            computed = {
                d.code: (d.due, d.rule, d.explanation)
                for d in report.deadlines
                if d.code.startswith(AGREED_ACTION_PREFIX)
            }
    views = []
    for action in actions:
        code = agreed_action_code(action.number)
        if code in stored:
            row = stored[code]
            due, rule, explanation, preview = row.due, row.rule, row.explanation, False
        elif code in computed:
            due, rule, explanation = computed[code]
            preview = not statement.is_final
        else:
            # No statutory clock (no right of appeal): only a date agreed in writing counts.
            due = action.effective_agreed_due
            rule = AGREED_DUE_CITATION if due else "No statutory time limit"
            explanation, preview = "", False
        overdue, status, tag = _status(action, due, today)
        if not statement.is_final:
            overdue, status, tag = False, "Not yet agreed", "govuk-tag--grey"
        views.append(ActionView(action, due, rule, explanation, preview, overdue, status, tag))
    return views


# The statement page -------------------------------------------------------------------------


@dataclass
class AgreementRow:
    party: Party
    current: PartyAgreement | None
    earlier: list[PartyAgreement]
    # The latest version sent to them to agree, if any.
    sent: AgreementRequest | None = None


@dataclass
class StatementPage:
    statement: OutcomeStatement
    actions: list[ActionView]
    agreement_rows: list[AgreementRow]
    agreed_count: int
    needed_count: int
    addenda: list
    deliveries: list
    messages: dict
    chases: dict
    issues: list[IssueRow] = dataclasses.field(default_factory=list)
    deferred: list[DeferredDecision] = dataclasses.field(default_factory=list)

    @property
    def all_agreed(self) -> bool:
        return self.needed_count > 0 and self.agreed_count == self.needed_count

    @property
    def waiting_count(self) -> int:
        """Parties who have neither agreed this version nor been sent it to agree."""
        return sum(
            1
            for row in self.agreement_rows
            if row.current is None
            and (row.sent is None or row.sent.content_hash != self.statement.content_hash)
        )

    @property
    def deferred_action_ids(self) -> set[int]:
        """The actions that follow up a decision put off (changed through the decision)."""
        return {decision.action_id for decision in self.deferred}


def statement_page(statement: OutcomeStatement) -> StatementPage:
    """Everything the statement page shows, in a fixed number of queries."""
    case = statement.case
    actions = action_views(statement, actions_of(statement))
    parties = agreeing_parties(case)
    agreements = list(
        PartyAgreement.objects.filter(statement=statement).select_related("recorded_by")
    )
    sent: dict[int, AgreementRequest] = {}
    for sending in AgreementRequest.objects.filter(statement=statement).order_by("sent_at", "id"):
        sent[sending.party_id] = sending  # the latest wins
    rows = []
    for party in parties:
        mine = [a for a in agreements if a.party_id == party.pk]
        current = next(
            (a for a in mine if a.voided_at is None and a.content_hash == statement.content_hash),
            None,
        )
        rows.append(
            AgreementRow(party, current, [a for a in mine if a is not current], sent.get(party.pk))
        )
    deliveries = list(
        Delivery.objects.filter(statement=statement).select_related("by", "resend_of")
    )
    messages = {m.pk: m for m in Message.objects.filter(pk__in=[d.message_id for d in deliveries])}
    chases: dict[int, list[ActionChase]] = {}
    for chase in ActionChase.objects.filter(action__statement=statement).select_related("by"):
        chases.setdefault(chase.action_id, []).append(chase)
    return StatementPage(
        statement=statement,
        actions=actions,
        agreement_rows=rows,
        agreed_count=sum(1 for r in rows if r.current),
        needed_count=len(rows),
        addenda=list(statement.addenda.select_related("by")),
        deliveries=deliveries,
        messages=messages,
        chases=chases,
        issues=issue_rows(statement),
        deferred=deferred_decisions_of(statement),
    )


def attendee_lines(case: Case) -> list[Party]:
    return circulation_recipients(case)


@dataclass
class CasePanel:
    statement: OutcomeStatement | None
    actions: list[ActionView]
    agreed_count: int
    needed_count: int
    # The statement's decisions put off to a panel, with their issues, read with its actions.
    deferred_decisions: list[DeferredDecision] = dataclasses.field(default_factory=list)


def case_panel(
    case: Case,
    *,
    parties: list[Party] | None = None,
    calendar: WorkingCalendar | None = None,
    stored_deadlines: Sequence[StoredDue] | None = None,
) -> CasePanel:
    """The case page's panel: the statement's status and its actions. Two queries (the
    statement with how many parties agreed its current text, then its actions) when the case
    page hands over what it already read: the parties with their attendance, the working
    calendar and the stored deadlines."""
    agreeing = {p.pk for p in agreeing_parties(case, parties=parties)}
    agreed_to_this_text = (
        PartyAgreement.objects.filter(
            statement=OuterRef("pk"),
            content_hash=OuterRef("content_hash"),
            voided_at=None,
            party_id__in=agreeing,
        )
        .order_by()
        .values("statement")
        .annotate(parties=Count("party_id", distinct=True))
        .values("parties")
    )
    statement = (
        OutcomeStatement.objects.select_related("created_by", "finalised_by")
        .filter(case=case)
        .annotate(
            agreed_count=Coalesce(Subquery(agreed_to_this_text), 0) if agreeing else Value(0)
        )
        .first()
    )
    if statement is None:
        return CasePanel(None, [], 0, 0)
    statement.case = case
    rows = list(
        statement.actions.select_related("deferred_decision")
        .prefetch_related("deferred_decision__themes")
        .order_by("position", "id")
    )
    # Every decision put off has its follow-up action on the case's one statement, so the
    # actions' query finds them all.
    decisions = sorted(
        (
            _decision_of(action, statement)
            for action in rows
            if hasattr(action, "deferred_decision")
        ),
        key=lambda decision: (decision.decision_due_on, decision.pk),
    )
    actions = action_views(statement, rows, calendar=calendar, stored_deadlines=stored_deadlines)
    if statement.is_final:
        return CasePanel(statement, actions, 0, 0, decisions)
    return CasePanel(statement, actions, statement.agreed_count, len(agreeing), decisions)


def _decision_of(action: AgreedAction, statement: OutcomeStatement) -> DeferredDecision:
    decision = action.deferred_decision
    decision.action = action
    decision.statement = statement
    return decision


# Report: agreed actions honoured on time, per LA ---------------------------------------------


@dataclass(frozen=True)
class HonouredRow:
    authority_id: int
    name: str
    code: str
    due: int
    on_time: int
    late: int
    outstanding: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time / self.due) if self.due else None


def honoured_on_time(*, start: date, end: date, today: date | None = None) -> list[HonouredRow]:
    """Per LA: agreed actions due in [start, end] whose date has passed (or that are done), and
    how many were done on or before their due date. Two queries: the counts per LA, then the
    names of those LAs.

    The deadlines of the period are read through a partial index of agreed-action deadlines
    (deadlines.0003) and each one's LA through its case's primary key (a scalar subquery: one
    index probe a row), so the cost follows the period's deadlines, not every case ever held (a
    join to the cases table is done by PostgreSQL by reading the whole table)."""
    today = today or timezone.localdate()
    authority_of_case = value_by_key(Case, "local_authority_id", key="case_id")
    with without_jit(Deadline):
        counts = list(
            Deadline.objects.filter(
                code__startswith=AGREED_ACTION_PREFIX, due__gte=start, due__lte=end
            )
            .filter(Q(due__lt=today) | Q(met_on__isnull=False))
            .annotate(authority_id=authority_of_case)
            .order_by()
            .values("authority_id")
            .annotate(
                # COUNT(due) (never null), not COUNT(id): the index holds every column read.
                due_count=Count("due"),
                on_time=Count("due", filter=Q(met_on__lte=F("due"))),
                late=Count("due", filter=Q(met_on__gt=F("due"))),
                outstanding=Count("due", filter=Q(met_on__isnull=True)),
            )
        )
    by_authority = {row["authority_id"]: row for row in counts}
    if not by_authority:
        return []
    # In the database's order of names, as before (its collation, not Python's).
    authorities = LocalAuthority.objects.filter(pk__in=list(by_authority)).order_by("name")
    rows = []
    for authority in authorities.only("name", "code"):
        row = by_authority[authority.pk]
        rows.append(
            HonouredRow(
                authority_id=authority.pk,
                name=authority.name,
                code=authority.code,
                due=row["due_count"],
                on_time=row["on_time"],
                late=row["late"],
                outstanding=row["outstanding"],
            )
        )
    return rows


# Issues in dispute and their results; decisions put off to a panel ----------------------------


@dataclass(frozen=True)
class IssueRow:
    theme: IssueTheme
    result: str  # an IssueResult value, or "" when none is given yet
    on_case: bool  # False: no longer an issue on the case (its result should be removed)

    @property
    def result_label(self) -> str:
        return IssueResult(self.result).label if self.result else "No result yet"


def issue_rows(statement: OutcomeStatement) -> list[IssueRow]:
    """The case's issues in dispute with the statement's result for each, then any result left
    for an issue no longer on the case (two queries)."""
    results = {
        outcome.theme_id: outcome
        for outcome in IssueOutcome.objects.filter(statement=statement).select_related("theme")
    }
    rows = []
    for issue in CaseIssue.objects.filter(case_id=statement.case_id).select_related("theme"):
        outcome = results.pop(issue.theme_id, None)
        rows.append(IssueRow(issue.theme, outcome.result if outcome else "", True))
    rows.extend(IssueRow(outcome.theme, outcome.result, False) for outcome in results.values())
    return rows


def deferred_decisions_of(statement: OutcomeStatement) -> list[DeferredDecision]:
    return list(
        DeferredDecision.objects.filter(statement=statement)
        .select_related("action")
        .prefetch_related("themes")
    )


@dataclass(frozen=True)
class DeferredNotice:
    """A decision put off to a panel, with what it means for the family's appeal deadline."""

    decision: DeferredDecision
    effect: DeferredEffect
    final: bool  # the statement is final (only then is it shown to the family)

    @property
    def about(self) -> str:
        return join_with_and([theme.name for theme in self.decision.themes.all()])

    @property
    def decided_on(self) -> date | None:
        return self.decision.action.done_on


def deferred_notices(
    case: Case,
    *,
    appeal_deadline: date | None,
    today: date | None = None,
    final_only: bool = False,
    decisions: Sequence[DeferredDecision] | None = None,
) -> list[DeferredNotice]:
    """The case's decisions put off to a panel or another decision maker, each with its effect
    on the appeal deadline (mediation.domain.deferred): the deadline never moves. Two queries,
    none when the case page gives the `decisions` it read with the actions (`case_panel`)."""
    today = today or timezone.localdate()
    if decisions is None:
        read = (
            DeferredDecision.objects.filter(case=case)
            .select_related("action", "statement")
            .prefetch_related("themes")
        )
        if final_only:
            read = read.filter(statement__status=OutcomeStatement.Status.FINAL)
        decisions = list(read)
    elif final_only:
        decisions = [d for d in decisions if d.statement.is_final]
    return [
        DeferredNotice(
            decision,
            deferred_decision_effect(
                decision_due_on=decision.decision_due_on,
                appeal_deadline=appeal_deadline,
                today=today,
                decided_on=decision.action.done_on,
            ),
            decision.statement.is_final,
        )
        for decision in decisions
    ]
