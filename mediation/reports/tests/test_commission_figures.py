"""The figures commissioners ask for (issue 23), each worked out here from the cases made and
compared with what the reports count: issues in dispute and their results per LA, with the four
quarters before; decisions the LA could not make; meetings cancelled or moved and disagreement
resolution declined, by who asked; a contract's LAs together; the dashboard page and drill-down."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login
from mediation.authorities.models import Contract, LocalAuthority
from mediation.cases.models import CaseIssue, IssueTheme, ParticipationDeclined
from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.meetings.models import Meeting, MeetingChange
from mediation.outcomes.models import AgreedAction, DeferredDecision, IssueOutcome, OutcomeStatement
from mediation.reports import services
from mediation.reports.metrics import BY_KEY
from mediation.reports.models import QuarterlyReport
from mediation.reports.periods import Period, period_from_token
from mediation.reports.selectors import (
    ReportFilters,
    compute,
    compute_by_authority,
    dashboard,
    metric_rows,
    report_filters,
    theme_table,
    theme_tables_by_authority,
)
from mediation.reports.tests.helpers import at, make_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)


def _quarter(token: str) -> Period:
    period = period_from_token(token)
    assert period is not None
    return period


Q2 = _quarter("2026-Q2")


def _case(authority, owner, opened: date, held: date | None, themes):
    case = make_case(
        authority,
        owner,
        opened_at=at(opened),
        la_informed_on=opened,
        mediation_held_on=held,
        status="meeting_held" if held else "arranging",
    )
    for theme in themes:
        CaseIssue.objects.create(case=case, theme=theme, added_by=owner)
    return case


def _statement(case, owner, results, *, final=True, deferred_due=None, decided_on=None):
    statement = OutcomeStatement.objects.create(
        case=case,
        outcome="agreed_part",
        status="final" if final else "draft",
        created_by=owner,
        content_hash="x" * 64,
    )
    for theme, result in results:
        IssueOutcome.objects.create(statement=statement, case=case, theme=theme, result=result)
    if deferred_due is not None:
        action = AgreedAction.objects.create(
            statement=statement,
            case=case,
            what="The LA's panel will decide on the speech and language therapy",
            who="la",
            kind="not_appealable",
            section="F",
            agreed_due=deferred_due,
            done_on=decided_on,
        )
        DeferredDecision.objects.create(
            statement=statement,
            case=case,
            action=action,
            decided_by="panel",
            decision_maker="SEN panel",
            decision_due_on=deferred_due,
            created_by=owner,
        )
    return statement


def _change(case, owner, kind, side, day: date):
    meeting = Meeting.objects.filter(case=case).first() or Meeting.objects.create(
        case=case, starts_at=at(day), mode="online", booked_by=owner
    )
    return MeetingChange.objects.create(
        meeting=meeting,
        kind=kind,
        sequence=meeting.changes.count() + 1,
        requested_by=side,
        reason_kind="not_available" if side else "",
        by=owner,
        at=at(day),
    )


@pytest.fixture
def world(local_authority, case_officer_cal):
    owner = case_officer_cal
    other = LocalAuthorityFactory(name="Southmoor County Council", code="SMC")
    first, second = list(IssueTheme.objects.filter(active=True).order_by("position", "name"))[:2]
    # Q2 2026, our LA: two issues, one agreed and one put off to a panel (decided in time).
    one = _case(local_authority, owner, date(2026, 4, 10), date(2026, 5, 5), [first, second])
    _statement(
        one,
        owner,
        [(first, "agreed"), (second, "deferred")],
        deferred_due=date(2026, 6, 1),
        decided_on=date(2026, 5, 30),
    )
    # Q2 2026, our LA: one issue, not agreed; every decision made.
    two = _case(local_authority, owner, date(2026, 5, 1), date(2026, 5, 20), [first])
    _statement(two, owner, [(first, "not_agreed")])
    # Q2 2026, the other LA: a draft statement counts for nothing yet.
    three = _case(other, owner, date(2026, 4, 15), date(2026, 6, 1), [first])
    _statement(three, owner, [(first, "agreed")], final=False, deferred_due=date(2026, 7, 1))
    # The quarters before: 2025-Q3 (opened only) and 2026-Q1 (opened and agreed).
    _case(local_authority, owner, date(2025, 8, 1), None, [first])
    five = _case(local_authority, owner, date(2026, 2, 1), date(2026, 2, 20), [first, second])
    _statement(five, owner, [(first, "agreed"), (second, "partly_agreed")])
    # Five years back: outside the four quarters.
    _case(local_authority, owner, date(2021, 5, 1), None, [first])
    # Changes and declines.
    _change(one, owner, "cancelled", "la", date(2026, 4, 20))
    _change(one, owner, "rescheduled", "la", date(2026, 4, 25))
    _change(one, owner, "rescheduled", "family", date(2026, 4, 26))
    _change(one, owner, "cancelled", "", date(2026, 4, 27))
    _change(one, owner, "cancelled", "la", date(2026, 3, 30))  # Q1: not counted
    _change(three, owner, "cancelled", "la", date(2026, 5, 10))
    for case, side, day in ((two, "la", 2), (three, "family", 3), (three, "la", 3)):
        ParticipationDeclined.objects.create(
            case=case,
            side=side,
            reason_kind="not_willing",
            declined_on=date(2026, 5, day),
            recorded_by=owner,
        )
    return {
        "first": first,
        "second": second,
        "other": other,
        "cases": {"one": one, "two": two, "three": three, "five": five},
    }


def _refs(key, filters, **kwargs):
    rows = metric_rows(BY_KEY[key], filters, today=TODAY, **kwargs)
    references = []
    for row in rows:
        if isinstance(row, MeetingChange):
            case = row.meeting.case
        else:
            case = row if hasattr(row, "child_first_name") else row.case
        references.append(case.reference)
    return sorted(references)


def test_issues_and_their_results_per_la_and_in_all(world, local_authority):
    first, second = world["first"], world["second"]
    cases = world["cases"]
    every = ReportFilters(period=Q2)
    ours = ReportFilters(period=Q2, authority=local_authority)
    result = compute(every, today=TODAY)
    # Issues on cases opened in Q2: one (2), two (1), three (1).
    assert result["issue_on_cases"].value == 4
    # Results from final statements of meetings held in Q2 (three's statement is a draft).
    assert result["issue_result_agreed"].value == 1
    assert result["issue_result_partly_agreed"].value == 0
    assert result["issue_result_not_agreed"].value == 1
    assert result["issue_result_deferred"].value == 1
    table = theme_table(every, today=TODAY)
    rows = {row.theme.pk: row for row in table.rows}
    assert [q.token for q in table.quarters] == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    assert rows[first.pk].cases == 3
    assert rows[first.pk].results == [1, 0, 1, 0]
    assert rows[first.pk].previous_cases == [0, 1, 0, 1]
    assert rows[first.pk].previous_average == 0.5
    assert rows[first.pk].change == "Up 500%"
    assert rows[first.pk].agreed_share == 50  # agreed 1 of 2 with a result
    assert rows[first.pk].previous_agreed_share == 100  # five: agreed
    assert rows[second.pk].cases == 1
    assert rows[second.pk].results == [0, 0, 0, 1]
    assert rows[second.pk].previous_cases == [0, 0, 0, 1]
    # 1 against an average of 0.25 (the average is not rounded first).
    assert rows[second.pk].change == "Up 300%"
    assert rows[second.pk].agreed_share == 0
    # Our LA alone: not the other LA's case three.
    assert {row.theme.pk: row.cases for row in theme_table(ours, today=TODAY).rows}[first.pk] == 2
    # The drill-down lists exactly the cases behind one issue's number.
    assert _refs("issue_on_cases", every, theme_id=first.pk) == sorted(
        cases[name].reference for name in ("one", "two", "three")
    )
    assert _refs("issue_result_deferred", every, theme_id=second.pk) == [cases["one"].reference]
    assert _refs("issue_result_deferred", every, theme_id=first.pk) == []


def test_decisions_the_la_could_not_make_and_changes_by_who_asked(world, local_authority):
    cases = world["cases"]
    result = compute(ReportFilters(period=Q2), today=TODAY)
    could_not = result["la_could_not_decide"]
    # Meetings held in Q2: one, two, three; one ended with a decision put off (three's is draft).
    assert (could_not.value, could_not.total) == (1, 3)
    on_time = result["deferred_decided_on_time"]
    assert (on_time.value, on_time.total) == (1, 1)
    assert result["changes_by_la"].value == 3  # one: cancelled and moved; three: cancelled
    assert result["cancelled_by_la"].value == 2
    assert result["moved_by_la"].value == 1
    assert result["moved_by_family"].value == 1
    assert result["cancelled_by_unrecorded"].value == 1
    assert result["declined_by_la"].value == 2
    assert result["declined_by_family"].value == 1
    filters = ReportFilters(period=Q2)
    assert _refs("la_could_not_decide", filters, part="met") == [cases["one"].reference]
    assert _refs("changes_by_la", filters) == sorted(
        [cases["one"].reference] * 2 + [cases["three"].reference]
    )
    per_la = compute_by_authority(
        filters, metrics=[BY_KEY[k] for k in ("la_could_not_decide", "changes_by_la")], today=TODAY
    )
    ours, theirs = per_la[local_authority.pk], per_la[world["other"].pk]
    assert (ours["la_could_not_decide"].value, ours["la_could_not_decide"].total) == (1, 2)
    assert (theirs["la_could_not_decide"].value, theirs["la_could_not_decide"].total) == (0, 1)
    assert (ours["changes_by_la"].value, theirs["changes_by_la"].value) == (2, 1)


def test_a_contract_counts_its_member_las_together(world, local_authority):
    third = LocalAuthority.objects.create(name="Eastvale Borough Council", code="EVB")
    contract = Contract.objects.create(
        name="North group", lead=local_authority, starts_on=date(2026, 1, 1)
    )
    contract.members.set([local_authority, third])
    filters = report_filters(Q2, contract=contract)
    assert filters.authority_ids == tuple(sorted([local_authority.pk, third.pk]))
    together = compute(filters, today=TODAY)
    alone = compute(ReportFilters(period=Q2, authority=local_authority), today=TODAY)
    for key in ("issue_on_cases", "la_could_not_decide", "changes_by_la", "declined_by_la"):
        assert together[key].value == alone[key].value, key
    assert together["issue_on_cases"].value == 3  # not the other LA's case three
    board = dashboard(filters, today=TODAY)
    assert [authority.code for authority, _ in board.kpis_by_authority] == [local_authority.code]


def test_the_dashboard_shows_themes_kpis_and_links_to_their_cases(
    client, world, manager_sue, django_assert_max_num_queries
):
    login(client, manager_sue)
    first = world["first"]
    # The figures are a fixed number of queries whatever the data (see test_metrics), plus the
    # session, user and filter choices.
    with django_assert_max_num_queries(40):
        page = client.get(reverse("reports:dashboard"), {"period": "2026-Q2"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Issues in dispute: themes and their results" in html
    assert "Cancellations, moves and declines, by who asked" in html
    assert "Key figures for each local authority" in html
    assert f"theme={first.pk}" in html
    drill = client.get(
        reverse("reports:cases"),
        {"period": "2026-Q2", "metric": "issue_on_cases", "theme": first.pk},
    )
    assert drill.status_code == 200
    body = drill.content.decode()
    for name in ("one", "two", "three"):
        assert world["cases"][name].reference in body
    assert first.name in body
    # A theme on a figure not counted per issue, or one that does not exist, is not found.
    for metric, theme in (("mediations_held", first.pk), ("issue_on_cases", 999999)):
        response = client.get(
            reverse("reports:cases"), {"period": "2026-Q2", "metric": metric, "theme": theme}
        )
        assert response.status_code == 404


def test_the_contract_filter_refuses_an_la_and_a_contract_together(
    client, world, manager_sue, local_authority
):
    contract = Contract.objects.create(
        name="North group", lead=local_authority, starts_on=date(2026, 1, 1)
    )
    contract.members.set([local_authority])
    login(client, manager_sue)
    page = client.get(
        reverse("reports:dashboard"),
        {"period": "2026-Q2", "la": local_authority.code, "contract": contract.pk},
    )
    assert page.status_code == 400  # an invalid form, shown again with its message
    assert "Select a local authority or a contract, not both" in page.content.decode()
    page = client.get(reverse("reports:dashboard"), {"period": "2026-Q2", "contract": "nope"})
    assert "Select a contract from the list" in page.content.decode()
    page = client.get(reverse("reports:dashboard"), {"period": "2026-Q2", "contract": contract.pk})
    assert "the contract “North group”" in page.content.decode()


def test_the_quarterly_report_shows_themes_with_their_trend_and_changes_by_who_asked(
    world, local_authority, manager_sue
):
    first = world["first"]
    report = QuarterlyReport.objects.create(
        local_authority=local_authority, year=2026, quarter=2, requested_by=manager_sue
    )
    html, pdf = services.quarterly_report_content(report)
    assert pdf.startswith(b"%PDF")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Issues in dispute: themes and their results" in text
    # Our LA: cases one and two had the first issue (agreed, not agreed); 2025-Q3 and 2026-Q1
    # had one each: average 0.5, so up 300%; agreed 1 of 2 now, 1 of 1 before.
    assert f"{first.name} 2 1 0 1 0 0 1 0 1 Up 300% (average 0.5) 50% (100%)" in text
    # Our LA's meetings: cancelled once and moved once by the LA, moved once by the family.
    assert "The local authority 1 1 1" in text
    assert "The family (parent, carer or young person) 0 1 0" in text
    assert "Meetings where the LA could not decide" in text


def test_the_counts_csv_has_each_issue_now_and_in_the_four_quarters_before(
    client, world, manager_sue, local_authority
):
    first, second = world["first"], world["second"]
    login(client, manager_sue)
    response = client.get(
        reverse("reports:export-counts"), {"period": "2026-Q2", "la": local_authority.code}
    )
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    by = {(row["period_start"], row["measure"]): row["value"] for row in rows}
    cases, deferred = f"issue_on_cases:theme:{first.pk}", f"issue_result_deferred:theme:{second.pk}"
    assert by[("2026-04-01", cases)] == "2"  # cases one and two
    assert by[("2026-04-01", f"issue_result_agreed:theme:{first.pk}")] == "1"
    assert by[("2026-04-01", deferred)] == "1"
    # The four quarters before, oldest first: 2025-Q3 and 2026-Q1 had one case each.
    assert [by[(start, cases)] for start in ("2025-04-01", "2025-07-01", "2025-10-01")] == [
        "0",
        "1",
        "0",
    ]
    assert by[("2026-01-01", cases)] == "1"
    assert by[("2026-01-01", f"issue_result_agreed:theme:{first.pk}")] == "1"
    named = {row["measure"]: row["measure_name"] for row in rows}
    assert named[cases] == f"Issues in dispute on cases opened: {first.name}"
    totals = {row["measure"]: row["value"] for row in rows if row["la_code"] == "NFD"}
    assert totals["la_could_not_decide"] == "1" and totals["changes_by_la"] == "2"


def test_with_every_la_chosen_the_counts_csv_breaks_the_issues_down_per_la(
    client, world, manager_sue, local_authority
):
    login(client, manager_sue)
    response = client.get(reverse("reports:export-counts"), {"period": "2026-Q2"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by = {(row["la_code"], row["period_start"], row["measure"]): row["value"] for row in rows}
    q2 = _quarter("2026-Q2")
    for theme in (world["first"], world["second"]):
        expected_total = 0
        for authority in (local_authority, world["other"]):
            # From the cases: those of this LA opened in the quarter with this issue.
            expected = CaseIssue.objects.filter(
                theme=theme,
                case__local_authority=authority,
                case__opened_at__date__gte=q2.start,
                case__opened_at__date__lte=q2.end,
            ).count()
            expected_total += expected
            measure = f"issue_on_cases:theme:{theme.pk}"
            assert by[(authority.code, "2026-04-01", measure)] == str(expected)
        assert by[("ALL", "2026-04-01", measure)] == str(expected_total)
    # The figures above are not all zero: our LA has two cases with the first issue, the other one.
    first = f"issue_on_cases:theme:{world['first'].pk}"
    assert (by[(local_authority.code, "2026-04-01", first)], by[("SMC", "2026-04-01", first)]) == (
        "2",
        "1",
    )
    # One LA chosen: only its own rows, as before.
    one = client.get(
        reverse("reports:export-counts"), {"period": "2026-Q2", "la": local_authority.code}
    )
    text = b"".join(one.streaming_content).decode()
    assert not [r for r in csv.DictReader(io.StringIO(text)) if r["la_code"] == "SMC"]


def test_a_quarterly_report_for_a_contract_counts_its_las_together_for_the_lead(
    client, world, manager_sue, local_authority, django_capture_on_commit_callbacks
):
    third = LocalAuthority.objects.create(
        name="Eastvale Borough Council", code="EVB", contact_email="reports@eastvale.example"
    )
    contract = Contract.objects.create(name="North group", lead=third, starts_on=date(2026, 1, 1))
    contract.members.set([local_authority, third])
    login(client, manager_sue)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:quarterly"), {"contract": contract.pk, "quarter": "2026-Q2"}
        )
    report = QuarterlyReport.objects.get()
    assert response.status_code == 302
    assert (report.contract, report.local_authority, report.status) == (contract, third, "ready")
    assert report.filename == f"quarterly-report-contract-{contract.pk}-2026-Q2-v1.pdf"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", report.html))
    assert "Quarterly report: North group (contract led by Eastvale Borough Council)" in text
    assert "counted together: Eastvale Borough Council, Northfield Borough Council." in text
    # Our LA's cases only (the other LA is not in the contract): as in the LA's own report.
    assert f"{world['first'].name} 2 1 0 1 0 0 1 0 1 Up 300%" in text
    # The KPIs of each member LA with any figures.
    assert "Key figures for each local authority Local authority" in text
    page = client.get(reverse("reports:quarterly")).content.decode()
    assert "North group (contract led by Eastvale Borough Council)" in page
    # Sent to the lead council.
    client.post(reverse("reports:quarterly-send", args=[report.pk]))
    report.refresh_from_db()
    assert len(report.sent_message_ids) == 1
    # The LA's own report is a separate row.
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("reports:quarterly"), {"la": third.code, "quarter": "2026-Q2"})
    assert QuarterlyReport.objects.filter(contract=None, local_authority=third).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quarter": "2026-Q2"}, "Select a local authority or a contract"),
        ({"la": "NFD", "contract": "CONTRACT", "quarter": "2026-Q2"}, "not both"),
        ({"contract": "999999", "quarter": "2026-Q2"}, "Select a contract from the list"),
    ],
)
def test_the_quarterly_form_asks_for_an_la_or_a_contract(
    client, world, manager_sue, local_authority, data, message
):
    contract = Contract.objects.create(
        name="North group", lead=local_authority, starts_on=date(2026, 1, 1)
    )
    if data.get("contract") == "CONTRACT":
        data = {**data, "contract": contract.pk}
    login(client, manager_sue)
    response = client.post(reverse("reports:quarterly"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not QuarterlyReport.objects.exists()


def _export_every_la(client):
    """The counts CSV for every LA: (its rows, the queries it took)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:export-counts"), {"period": "2026-Q2"})
        text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text))), len(queries)


def test_the_issues_per_la_in_the_counts_csv_take_the_same_queries_whatever_the_las(
    client, world, manager_sue, case_officer_cal, local_authority
):
    login(client, manager_sue)
    rows, with_two = _export_every_la(client)
    assert {row["la_code"] for row in rows} == {"NFD", "SMC", "ALL"}
    first = world["first"]
    # Three more LAs, each with a case about the first issue opened in the quarter.
    for number in range(3):
        authority = LocalAuthorityFactory(name=f"Extra Council {number}", code=f"EX{number}")
        _case(authority, case_officer_cal, date(2026, 5, 2 + number), None, [first])
    rows, with_five = _export_every_la(client)
    assert with_five == with_two
    by = {(row["la_code"], row["period_start"], row["measure"]): row["value"] for row in rows}
    measure = f"issue_on_cases:theme:{first.pk}"
    assert [by[(f"EX{n}", "2026-04-01", measure)] for n in range(3)] == ["1", "1", "1"]
    assert by[("ALL", "2026-04-01", measure)] == "6"  # one, two, three and the three new ones


def test_the_issues_of_each_la_counted_together_match_each_la_counted_alone(world, local_authority):
    every = ReportFilters(period=Q2)
    ids = [local_authority.pk, world["other"].pk]
    together = theme_tables_by_authority(every, ids, today=TODAY)
    for authority in (local_authority, world["other"]):
        alone = theme_table(ReportFilters(period=Q2, authority=authority), today=TODAY)
        shown = together[authority.pk]
        assert [q.token for q in shown.quarters] == [q.token for q in alone.quarters]
        assert [(r.theme.pk, r.counts, r.by_quarter) for r in shown.rows] == [
            (r.theme.pk, r.counts, r.by_quarter) for r in alone.rows
        ]
    # Something to compare: our LA's first issue, now and in 2026-Q1.
    ours = {row.theme.pk: row for row in together[local_authority.pk].rows}[world["first"].pk]
    assert ours.cases == 2 and ours.previous_cases == [0, 1, 0, 1]
