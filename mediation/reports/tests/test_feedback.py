"""What people thought, in the reports: satisfaction (and the other answers) as rates with their
counts, per LA, per period and per kind of participant; the comments with no one named, on the
dashboard, in the CSV export and in the quarterly report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import login
from mediation.cases.models import Party
from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.feedback.models import SurveyResponse
from mediation.feedback.services import survey_record
from mediation.reports.feedback import anonymise_comment, feedback_comments
from mediation.reports.models import QuarterlyReport
from mediation.reports.periods import Period, period_from_token
from mediation.reports.selectors import ReportFilters, compute, compute_by_authority
from mediation.reports.services import quarterly_report_content
from mediation.reports.tests.helpers import make_case

pytestmark = pytest.mark.django_db

COMMENT = (
    "Sarah Whitfield and Mr Hassan were kind, and Isla felt listened to. The mediator Mia "
    "Mediator was great. Ring me on 07700 900123 or +44 (0)161 496 0000, or write to "
    "sarah.w@example.com at NE1 4ST."
)
ANONYMISED = (
    "the parent and the LA officer were kind, and the child felt listened to. The mediator the "
    "mediator was great. Ring me on [phone number] or [phone number], or write to "
    "[email address] at [postcode]."
)


def _answer(case, party, by, satisfaction="satisfied", comment="", **answers):
    return survey_record(
        case=case,
        party=party,
        answers={
            "satisfaction": satisfaction,
            "felt_heard": answers.get("felt_heard", "yes"),
            "information_clear": answers.get("information_clear", "yes"),
            "would_recommend": answers.get("would_recommend", "yes"),
            "comment": comment,
        },
        given_via="phone",
        by=by,
    )


@pytest.fixture
def answered(local_authority, case_officer_cal, mediator_mia):
    """Northfield: a parent satisfied (with a comment naming everyone), an LA officer not; a
    second LA: a parent very dissatisfied. One answer from last year, outside the period."""
    other = LocalAuthorityFactory(name="Southmere Council", code="SMC")
    case = make_case(local_authority, case_officer_cal, mediator=mediator_mia)
    parent = case.parties.get()
    officer = Party.objects.create(case=case, role="la_representative", name="Omar Hassan")
    _answer(case, parent, case_officer_cal, comment=COMMENT)
    _answer(case, officer, case_officer_cal, "dissatisfied", felt_heard="partly")
    elsewhere = make_case(other, case_officer_cal)
    _answer(elsewhere, elsewhere.parties.get(), case_officer_cal, "very_dissatisfied",
            would_recommend="no", comment="Too slow.")  # fmt: skip
    old = make_case(local_authority, case_officer_cal)
    response = _answer(old, old.parties.get(), case_officer_cal)
    SurveyResponse.objects.filter(pk=response.pk).update(
        answered_at=timezone.now() - timedelta(days=400)
    )
    return {"case": case, "other": other}


def _this_quarter() -> Period:
    today = timezone.localdate()
    period = period_from_token(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    assert period is not None
    return period


def test_satisfaction_with_its_count_per_la_and_kind_of_participant(answered, local_authority):
    period = _this_quarter()
    everyone = compute(ReportFilters(period=period))
    assert everyone["feedback_satisfied"].display == "1 of 3 (33%)"
    assert everyone["feedback_recommend"].display == "2 of 3 (67%)"
    assert everyone["feedback_heard"].display == "2 of 3 (67%)"
    northfield = compute(ReportFilters(period=period, authority=local_authority))
    assert northfield["feedback_satisfied"].display == "1 of 2 (50%)"
    assert northfield["feedback_satisfied_parent"].display == "1 of 1 (100%)"
    assert northfield["feedback_satisfied_la_officer"].display == "0 of 1 (0%)"
    assert northfield["feedback_satisfied_child"].display == "None due"
    per_la = compute_by_authority(ReportFilters(period=period))
    assert per_la[answered["other"].pk]["feedback_satisfied"].display == "0 of 1 (0%)"
    # Last year's answer counts in last year's period, not this one.
    last_year = Period(date(2025, 1, 1), date(2025, 12, 31), "2025", "custom")
    assert compute(ReportFilters(period=last_year))["feedback_satisfied"].total == 1


def test_comments_lose_every_name_email_phone_number_and_postcode(answered, local_authority):
    comments = feedback_comments(ReportFilters(period=_this_quarter(), authority=local_authority))
    assert [c.text for c in comments] == [ANONYMISED]
    assert comments[0].participant == "Parents and carers"
    for gone in ("Sarah", "Whitfield", "Hassan", "Isla", "Mia", "07700", "0161", "@", "NE1"):
        assert gone not in comments[0].text


def test_anonymising_a_comment_on_its_own():
    names = [("Sarah Whitfield", "the parent"), ("Isla Whitfield", "the child")]
    assert anonymise_comment("Whitfield family: call 0161-496-0000", names) == (
        "the family family: call [phone number]"
    )
    assert anonymise_comment("Nothing to hide, thanks", names) == "Nothing to hide, thanks"


def test_the_dashboard_and_the_csv_show_them(client, answered, manager_sue):
    login(client, manager_sue)
    quarter = _this_quarter()
    page = client.get("/reports/", {"period": quarter.token}).content.decode()
    assert "What people thought of the service" in page
    assert "Satisfied with the service" in page
    assert "Satisfied: local authority officers" in page
    assert "[phone number]" in page and "07700" not in page
    export = client.get("/reports/export/feedback.csv", {"period": quarter.token})
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode()
    lines = text.strip().splitlines()
    assert lines[0].startswith("row_id,la_code,participant,answered_month,satisfaction")
    assert len(lines) == 4  # the heading and this quarter's 3 answers
    assert "Whitfield" not in text and "[email address]" in text
    # The figures behind a rate list their answers, and which met it.
    drill = client.get(
        "/reports/cases/", {"period": quarter.token, "metric": "feedback_satisfied", "part": "met"}
    )
    assert drill.status_code == 200
    assert answered["case"].reference in drill.content.decode()


def test_the_quarterly_report_has_the_figures_and_the_comments(
    answered, local_authority, manager_sue
):
    quarter = _this_quarter()
    report = QuarterlyReport.objects.create(
        local_authority=local_authority,
        year=quarter.start.year,
        quarter=(quarter.start.month - 1) // 3 + 1,
        requested_by=manager_sue,
    )
    html, pdf = quarterly_report_content(report)
    assert pdf.startswith(b"%PDF")
    assert "What people thought of the service" in html
    assert "1 of 2 (50%)" in html
    assert ANONYMISED.replace("'", "&#x27;") in html
    assert "Too slow." not in html  # another LA's
