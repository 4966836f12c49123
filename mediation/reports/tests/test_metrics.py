"""Every figure checked against known cases with exact dates: bank holidays and closure days,
events crossing periods, cases of other LAs, the route filter, and the drill-down lists."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F

from mediation.cases.models import Case, Enquiry
from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.deadlines.models import ClosureDay, Deadline
from mediation.deadlines.services import deadline_recalculate
from mediation.outcomes.models import AgreedAction, OutcomeStatement
from mediation.reports.metrics import BY_KEY, METRICS, Kind
from mediation.reports.periods import Period, custom_period, period_from_token
from mediation.reports.selectors import (
    ReportFilters,
    compute,
    compute_by_authority,
    compute_by_month,
    dashboard,
    metric_rows,
)
from mediation.reports.tests.helpers import at, make_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


def _quarter(token: str) -> Period:
    period = period_from_token(token)
    assert period is not None
    return period


Q1, Q2 = _quarter("2026-Q1"), _quarter("2026-Q2")


@pytest.fixture
def other_la(db):
    return LocalAuthorityFactory(name="Southmoor County Council", code="SMC")


def figures(authority=None, period=Q2, route=""):
    return compute(ReportFilters(period=period, authority=authority, route=route), today=TODAY)


def refs(metric_key, authority=None, period=Q2, part="all", route=""):
    rows = metric_rows(
        BY_KEY[metric_key],
        ReportFilters(period=period, authority=authority, route=route),
        part=part,
        today=TODAY,
    )
    return sorted(
        row.reference if hasattr(row, "child_first_name") else row.case.reference for row in rows
    )


def test_every_metric_has_a_name_and_a_definition():
    for metric in METRICS:
        assert metric.name and len(metric.definition) > 20
        if metric.kind is Kind.RATE:
            assert metric.met is not None


# Certificates within 3 working days, around the Spring bank holiday (Mon 25 May 2026) --------


def certificate_case(authority, owner, **fields):
    values = {"route": "certificate_only", "mediation_declined_on": date(2026, 5, 22)}
    values.update(fields)
    return make_case(authority, owner, **values)


def test_certificate_due_on_the_thursday_after_a_bank_holiday_monday(
    local_authority, other_la, case_officer_cal
):
    # Declined on Friday 22 May 2026; Monday 25 May is a bank holiday, so the 3 working days
    # are Tue 26, Wed 27, Thu 28: due Thursday 28 May.
    on_time = certificate_case(
        local_authority,
        case_officer_cal,
        certificate_issued_on=date(2026, 5, 28),
        certificate_kind="declined",
    )
    late = certificate_case(
        local_authority,
        case_officer_cal,
        certificate_issued_on=date(2026, 5, 29),
        certificate_kind="declined",
    )
    never = certificate_case(local_authority, case_officer_cal)
    certificate_case(
        other_la,
        case_officer_cal,
        certificate_issued_on=date(2026, 5, 26),
        certificate_kind="declined",
    )
    due = Deadline.objects.get(case=on_time, code="certificate_due_after_decline").due
    assert due == date(2026, 5, 28)

    result = figures(local_authority)["certificates_on_time"]
    assert (result.value, result.total, result.percent) == (1, 3, 33)
    assert refs("certificates_on_time", local_authority, part="met") == [on_time.reference]
    assert refs("certificates_on_time", local_authority, part="missed") == sorted(
        [late.reference, never.reference]
    )
    # Every LA together: the other LA's on-time certificate counts too.
    everyone = figures()["certificates_on_time"]
    assert (everyone.value, everyone.total) == (2, 4)
    assert figures(local_authority)["certificates_issued"].value == 2
    assert figures(local_authority)["certificates_declined"].value == 2


def test_a_certificate_not_yet_due_is_not_counted(local_authority, case_officer_cal):
    certificate_case(local_authority, case_officer_cal)  # due Thu 28 May 2026
    result = compute(ReportFilters(period=Q2, authority=local_authority), today=date(2026, 5, 28))[
        "certificates_on_time"
    ]
    assert result.total == 0
    result = compute(ReportFilters(period=Q2, authority=local_authority), today=date(2026, 5, 29))[
        "certificates_on_time"
    ]
    assert (result.value, result.total) == (0, 1)


def test_a_closure_day_moves_the_due_day_and_the_figure(
    local_authority, case_officer_cal, manager_sue
):
    ClosureDay.objects.create(
        day=date(2026, 5, 27), name="Staff training", kind="closure", created_by=manager_sue
    )
    case = certificate_case(
        local_authority,
        case_officer_cal,
        certificate_issued_on=date(2026, 5, 29),
        certificate_kind="declined",
    )
    assert Deadline.objects.get(case=case, code="certificate_due_after_decline").due == date(
        2026, 5, 29
    )
    result = figures(local_authority)["certificates_on_time"]
    assert (result.value, result.total) == (1, 1)


# Mediations within 30 days, outcome statements, averages ----------------------------------


def held_case(authority, owner, informed, held, **fields):
    values = {
        "la_informed_on": informed,
        "mediation_held_on": held,
        "mediation_concluded_on": held,
        "status": "meeting_held",
    }
    values.update(fields)
    return make_case(authority, owner, **values)


def test_mediations_within_30_days_and_average_days(local_authority, other_la, case_officer_cal):
    # 30 calendar days after Wed 1 Apr 2026 is Fri 1 May 2026.
    in_time = held_case(local_authority, case_officer_cal, date(2026, 4, 1), date(2026, 5, 1))
    late = held_case(local_authority, case_officer_cal, date(2026, 4, 1), date(2026, 5, 2))
    held_case(other_la, case_officer_cal, date(2026, 4, 1), date(2026, 4, 2))
    assert Deadline.objects.get(case=in_time, code="mediation_by").due == date(2026, 5, 1)

    result = figures(local_authority)
    assert (
        result["mediations_within_30_days"].value,
        result["mediations_within_30_days"].total,
    ) == (1, 2)
    assert refs("mediations_within_30_days", local_authority, part="missed") == [late.reference]
    assert result["mediations_held"].value == 2
    # (30 + 31) / 2 days from the LA being told to the meeting.
    assert result["days_la_informed_to_meeting"].average_days == 30.5
    assert result["days_la_informed_to_meeting"].total == 2
    assert figures()["days_la_informed_to_meeting"].average_days == pytest.approx(
        (30 + 31 + 1) / 3, abs=0.05
    )


def test_a_clock_stopped_by_the_la_changing_its_decision_is_not_a_miss(
    local_authority, case_officer_cal
):
    make_case(
        local_authority,
        case_officer_cal,
        la_informed_on=date(2026, 4, 1),
        status="closed",
        closure_outcome="la_changed_decision",
        la_decision_changed_on=date(2026, 4, 20),
    )
    still_open = make_case(local_authority, case_officer_cal, la_informed_on=date(2026, 4, 1))
    result = figures(local_authority)["mediations_within_30_days"]
    assert (result.value, result.total) == (0, 1)
    assert refs("mediations_within_30_days", local_authority) == [still_open.reference]


def test_outcome_statement_within_3_working_days_around_easter(local_authority, case_officer_cal):
    # Meeting on Thu 2 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr are not working days,
    # so the 3 working days are Tue 7, Wed 8, Thu 9 April.
    sent_in_time = held_case(
        local_authority,
        case_officer_cal,
        date(2026, 3, 10),
        date(2026, 4, 2),
        outcome_circulated_on=date(2026, 4, 9),
    )
    held_case(
        local_authority,
        case_officer_cal,
        date(2026, 3, 10),
        date(2026, 4, 2),
        outcome_circulated_on=date(2026, 4, 10),
    )
    assert Deadline.objects.get(
        case=sent_in_time, code="outcome_statement_circulated_by"
    ).due == date(2026, 4, 9)
    result = figures(local_authority)["outcomes_circulated_on_time"]
    assert (result.value, result.total) == (1, 2)


# Agreed actions ----------------------------------------------------------------------------


def with_actions(case, owner, *actions):
    statement = OutcomeStatement.objects.create(
        case=case, outcome="agreed_all", status="final", created_by=owner, content_hash="x" * 64
    )
    for position, (section, done_on) in enumerate(actions):
        AgreedAction.objects.create(
            statement=statement,
            case=case,
            position=position,
            what="The LA will send Isla Whitfield's draft plan to Sarah Whitfield",
            who="la",
            kind="not_appealable",
            section=section,
            done_on=done_on,
        )
    deadline_recalculate(case=case)
    return case


def test_agreed_actions_honoured_on_time_and_themes(local_authority, case_officer_cal):
    # Agreement on Mon 13 Apr 2026: reg 42(3) actions are due 2 weeks later, Mon 27 Apr.
    case = held_case(
        local_authority,
        case_officer_cal,
        date(2026, 3, 20),
        date(2026, 4, 13),
        outcome="agreed_all",
        agreement_made_on=date(2026, 4, 13),
    )
    with_actions(
        case,
        case_officer_cal,
        ("F", date(2026, 4, 27)),
        ("F", date(2026, 4, 28)),
        ("health", None),
    )
    dues = set(
        Deadline.objects.filter(case=case, code__startswith="agreed_action_due:").values_list(
            "due", flat=True
        )
    )
    assert dues == {date(2026, 4, 27)}
    result = figures(local_authority)
    assert (result["actions_on_time"].value, result["actions_on_time"].total) == (1, 3)
    assert result["actions_section_f"].value == 2
    assert result["actions_section_health"].value == 1
    assert result["actions_section_b"].value == 0
    assert result["outcome_agreed_all"].value == 1


# Periods: an event counts in the period it happened in ------------------------------------


def test_a_case_opened_in_one_quarter_and_mediated_in_the_next(local_authority, case_officer_cal):
    case = held_case(
        local_authority,
        case_officer_cal,
        date(2026, 3, 20),
        date(2026, 4, 14),
        opened_at=at(date(2026, 3, 16)),
        issue_health=True,
        certificate_issued_on=date(2026, 7, 1),
        certificate_kind="after_mediation",
    )
    q1, q2 = figures(local_authority, Q1), figures(local_authority, Q2)
    q3 = figures(local_authority, period_from_token("2026-Q3"))
    assert (q1["cases_opened"].value, q2["cases_opened"].value) == (1, 0)
    assert (q1["issues_health"].value, q2["issues_health"].value) == (1, 0)
    assert (q1["mediations_held"].value, q2["mediations_held"].value) == (0, 1)
    assert (q2["certificates_issued"].value, q3["certificates_issued"].value) == (0, 1)
    assert q1["decision_refuse_assessment"].value == 1
    assert refs("mediations_held", local_authority) == [case.reference]


def test_enquiries_count_by_the_day_in_uk_time(local_authority, case_officer_cal):
    london = ZoneInfo("Europe/London")

    def enquiry(reference, when):
        return Enquiry.objects.create(
            reference=reference,
            received_at=when,
            caller_type="parent_carer",
            caller_name="Sarah Whitfield",
            preferred_contact="phone",
            child_first_name="Isla",
            child_last_name="Whitfield",
            child_date_of_birth=date(2016, 4, 12),
            local_authority=local_authority,
            decision_type="refuse_assessment",
            created_by=case_officer_cal,
        )

    # 23:30 on 31 March (British Summer Time) is 22:30 UTC: March, so Q1.
    enquiry("ENQ-2026-00001", datetime(2026, 3, 31, 23, 30, tzinfo=london))
    # 00:30 on 1 April BST is 23:30 UTC on 31 March: April, so Q2.
    enquiry("ENQ-2026-00002", datetime(2026, 4, 1, 0, 30, tzinfo=london))
    assert figures(local_authority, Q1)["enquiries"].value == 1
    assert figures(local_authority, Q2)["enquiries"].value == 1
    assert refs("enquiries", local_authority) == ["ENQ-2026-00002"]
    months, series = compute_by_month(
        ReportFilters(period=Q2, authority=local_authority),
        metrics=[BY_KEY["enquiries"]],
        today=TODAY,
    )
    assert series["enquiries"][months.index(date(2026, 3, 1))] == 1
    assert series["enquiries"][months.index(date(2026, 4, 1))] == 1


def test_custom_period_boundaries_are_inclusive(local_authority, case_officer_cal):
    held_case(local_authority, case_officer_cal, date(2026, 4, 1), date(2026, 4, 30))
    inside = ReportFilters(period=custom_period(date(2026, 4, 30), date(2026, 4, 30)))
    outside = ReportFilters(period=custom_period(date(2026, 5, 1), date(2026, 5, 31)))
    assert compute(inside, today=TODAY)["mediations_held"].value == 1
    assert compute(outside, today=TODAY)["mediations_held"].value == 0


# Route filter, outcomes, appeals ----------------------------------------------------------


def test_route_filter_and_outcomes(local_authority, case_officer_cal):
    mediation = held_case(
        local_authority,
        case_officer_cal,
        date(2026, 4, 1),
        date(2026, 4, 20),
        outcome="agreed_part",
    )
    dr = make_case(
        local_authority,
        case_officer_cal,
        route="disagreement_resolution",
        decision_type="other_disagreement",
        notice_sent_on=None,
        mediation_held_on=date(2026, 4, 21),
        outcome="not_agreed",
    )
    everything = figures(local_authority)
    assert everything["mediations_held"].value == 1
    assert everything["dr_meetings_held"].value == 1
    assert everything["outcome_agreed_part"].value == 1
    assert everything["outcome_not_agreed"].value == 1
    only_mediation = figures(local_authority, route="mediation")
    assert only_mediation["dr_meetings_held"].value == 0
    assert only_mediation["outcome_not_agreed"].value == 0
    assert only_mediation["outcome_agreed_part"].value == 1
    assert refs("outcome_not_agreed", local_authority) == [dr.reference]
    assert refs("outcome_agreed_part", local_authority, route="disagreement_resolution") == []
    assert mediation.reference in refs("mediations_held", local_authority, route="mediation")


def test_cases_later_appealed_and_lg_inform_measure(local_authority, other_la, case_officer_cal):
    appealed = held_case(
        local_authority,
        case_officer_cal,
        date(2026, 4, 1),
        date(2026, 4, 20),
        certificate_issued_on=date(2026, 4, 22),
        certificate_kind="after_mediation",
        appeal_lodged="yes",
    )
    held_case(
        local_authority,
        case_officer_cal,
        date(2026, 4, 1),
        date(2026, 4, 21),
        certificate_issued_on=date(2026, 4, 23),
        certificate_kind="after_mediation",
        appeal_lodged="no",
    )
    held_case(other_la, case_officer_cal, date(2026, 4, 1), date(2026, 4, 21), appeal_lodged="yes")
    result = figures(local_authority)
    assert (
        result["appealed_after_certificate"].value,
        result["appealed_after_certificate"].total,
    ) == (1, 2)
    lg = result["mediations_followed_by_appeal"]
    assert (lg.value, lg.total, lg.percent) == (1, 2, 50)
    assert refs("mediations_followed_by_appeal", local_authority, part="met") == [
        appealed.reference
    ]
    per_la = compute_by_authority(
        ReportFilters(period=Q2), metrics=[BY_KEY["mediations_followed_by_appeal"]], today=TODAY
    )
    assert per_la[other_la.pk]["mediations_followed_by_appeal"].value == 1
    assert per_la[other_la.pk]["mediations_followed_by_appeal"].total == 1
    assert per_la[local_authority.pk]["mediations_followed_by_appeal"].total == 2


def test_dashboard_runs_a_fixed_number_of_queries(
    local_authority, other_la, case_officer_cal, django_assert_num_queries
):
    for day in (date(2026, 4, 20), date(2026, 5, 20)):
        held_case(local_authority, case_officer_cal, date(2026, 4, 1), day, outcome="agreed_all")
        held_case(other_la, case_officer_cal, date(2026, 4, 1), day, outcome="not_agreed")
    # 14 aggregate queries for the figures (one per source and date; the certificates on time,
    # the meetings where the LA could not decide and the survey's answers in their own), 3 for
    # the monthly trends, 1 for outcomes by LA, 4 for the KPIs by LA, 1 for the LA names, 5 for
    # the issues table (the issues, then cases and results now and by quarter over the four
    # quarters before): the same with 4 cases or a million. On
    # PostgreSQL also the savepoint turning JIT off around them (savepoint, set, reset, release:
    # mediation.common.queries.without_jit).
    jit = 4 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(28 + jit) as counted:
        board = dashboard(ReportFilters(period=Q2), today=TODAY)
    deadlines = [q["sql"] for q in counted.captured_queries if "deadlines_deadline" in q["sql"]]
    assert len(deadlines) == 2
    # Without an LA or route filter, the deadline figures read cases only by primary key, for
    # deadlines not met (a scalar subquery), or for certificates: no join that PostgreSQL would
    # answer by reading every case ever held.
    main = next(sql for sql in deadlines if "mediation_by" in sql)
    assert "JOIN" not in main.upper()
    # ...and only the deadlines one of its figures counts (not appeal or adviser deadlines).
    assert "appeal_deadline" not in main and "'outcome_statement_circulated_by'" in main
    assert [a.code for a, _ in board.by_authority] == ["NFD", "SMC"]
    assert board.by_authority[0][1]["outcome_agreed_all"].value == 2
    assert board.trends["mediations_held"][board.months.index(date(2026, 5, 1))] == 2
    assert len(board.months) == 12


def test_certificates_that_may_not_be_issued_are_not_counted(local_authority, case_officer_cal):
    # Section I only: no certificate is needed (CFA 2014 s55(3)).
    held_case(
        local_authority,
        case_officer_cal,
        date(2026, 4, 1),
        date(2026, 4, 20),
        section_i_only=True,
    )
    # Contacted the adviser after the 2-month window: the adviser may not certify (reg 34(2)).
    held_case(
        local_authority,
        case_officer_cal,
        date(2026, 4, 1),
        date(2026, 4, 20),
        notice_sent_on=date(2026, 1, 5),
        adviser_contacted_on=date(2026, 3, 20),
    )
    counted = held_case(local_authority, case_officer_cal, date(2026, 4, 1), date(2026, 4, 20))
    result = figures(local_authority)["certificates_on_time"]
    assert (result.value, result.total) == (0, 1)
    assert refs("certificates_on_time", local_authority) == [counted.reference]


def test_a_deadline_never_met_counts_unless_its_clock_stopped(local_authority, case_officer_cal):
    """settled_deadlines_q: met, or due day passed and the case's clock did not stop; a met
    deadline counts even on a case whose clock stopped."""
    from mediation.deadlines.models import Deadline
    from mediation.reports.selectors import settled_deadlines_q

    def case_with(**fields: str) -> Deadline:
        case = held_case(
            local_authority, case_officer_cal, date(2026, 4, 1), date(2026, 4, 20), **fields
        )
        return Deadline.objects.filter(case=case, code="mediation_by").get()

    open_missed = case_with()
    stopped_missed = case_with(status="closed", closure_outcome="withdrawn")
    stopped_met = case_with(status="closed", closure_outcome="withdrawn")
    assert Case.objects.filter(closure_outcome="withdrawn").count() == 2
    Deadline.objects.filter(pk__in=[open_missed.pk, stopped_missed.pk]).update(met_on=None)
    Deadline.objects.filter(pk=stopped_met.pk).update(met_on=F("due"))
    before_due = Deadline.objects.filter(pk=open_missed.pk).values_list("due", flat=True).get()
    settled = set(Deadline.objects.filter(settled_deadlines_q(TODAY)).values_list("pk", flat=True))
    assert open_missed.pk in settled
    assert stopped_missed.pk not in settled
    assert stopped_met.pk in settled
    # Not met and not yet due: not settled.
    assert open_missed.pk not in set(
        Deadline.objects.filter(settled_deadlines_q(before_due)).values_list("pk", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")
def test_report_queries_run_without_jit_and_the_setting_comes_back():
    from mediation.authorities.models import LocalAuthority
    from mediation.common.queries import without_jit

    def jit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit')")
            return cursor.fetchone()[0]

    before = jit()
    with without_jit(LocalAuthority):
        assert jit() == "off"
    assert jit() == before  # inside the test's transaction: put back on the way out
