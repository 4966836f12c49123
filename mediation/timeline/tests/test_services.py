"""The case history and its audit event are written together, by one call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mediation.audit.models import AuditEvent
from mediation.cases.models import Case
from mediation.timeline.models import TimelineEntry, TimelineKind
from mediation.timeline.selectors import case_timeline
from mediation.timeline.services import timeline_lines, timeline_record

pytestmark = pytest.mark.django_db


def _mark_idle(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now() - timedelta(days=30))


def _last_activity(case: Case):  # noqa: ANN202
    return Case.objects.values_list("last_activity_at", flat=True).get(pk=case.pk)


def test_a_change_writes_its_history_line_and_its_audit_event(open_case, case_officer_cal):
    _mark_idle(open_case)
    entry = timeline_record(
        case=open_case,
        by=case_officer_cal,
        kind=TimelineKind.CONTACT,
        summary="Phone call from Sam Patel",
        verb="contact.create",
        target=open_case,
        detail={"method": "phone"},
    )
    assert entry is not None
    assert (entry.actor, entry.kind, entry.summary) == (
        case_officer_cal,
        "contact",
        "Phone call from Sam Patel",
    )
    event = AuditEvent.objects.get(verb="contact.create")
    assert (event.actor, event.case_id, event.object_type, event.detail) == (
        case_officer_cal,
        open_case.pk,
        "cases.case",
        {"method": "phone"},
    )
    assert _last_activity(open_case) > timezone.now() - timedelta(minutes=1)


def test_several_lines_share_one_audit_event(open_case, case_officer_cal):
    before = AuditEvent.objects.count()
    timeline_record(
        case=open_case,
        by=case_officer_cal,
        summary=["Meeting date: Monday 2 March 2026", "Mediation held: date removed"],
        verb="case.key_dates_update",
        target=open_case,
    )
    assert AuditEvent.objects.count() == before + 1
    assert [e.summary for e in case_timeline(case=open_case)[:2]] == [
        "Mediation held: date removed",
        "Meeting date: Monday 2 March 2026",
    ]


def test_a_change_with_nothing_to_show_is_audited_only(open_case, case_officer_cal):
    _mark_idle(open_case)
    lines = TimelineEntry.objects.filter(case=open_case).count()
    assert (
        timeline_record(case=open_case, by=case_officer_cal, summary=None, verb="x.y", target=None)
        is None
    )
    assert TimelineEntry.objects.filter(case=open_case).count() == lines
    assert AuditEvent.objects.filter(verb="x.y", case_id=open_case.pk).exists()
    assert _last_activity(open_case) < timezone.now() - timedelta(days=29)


def test_a_party_on_the_portal_is_named_in_the_audit_log_not_as_the_author(open_case):
    entry = timeline_record(
        case=open_case,
        by="portal:party:12",
        summary="Sam agreed the outcome statement (through the portal)",
        verb="outcome.agreement_record",
        target=None,
    )
    assert entry is not None and entry.actor is None
    assert AuditEvent.objects.get(verb="outcome.agreement_record").actor_role == "portal:party:12"


def test_a_long_line_is_cut_not_refused(open_case, case_officer_cal):
    entry = timeline_record(
        case=open_case, by=case_officer_cal, summary="x" * 1200, verb="x.y", target=None
    )
    assert entry is not None and len(entry.summary) == 1000


def test_lines_that_follow_from_another_change_are_not_activity(open_case, case_officer_cal):
    _mark_idle(open_case)
    audited = AuditEvent.objects.count()
    made = timeline_lines(
        case=open_case,
        by=None,
        summaries=["Deadline moved: mediation by, from A to B", "Deadline set: C"],
        kind=TimelineKind.DEADLINE,
    )
    assert [line.kind for line in made] == ["deadline", "deadline"]
    assert AuditEvent.objects.count() == audited
    assert _last_activity(open_case) < timezone.now() - timedelta(days=29)


def test_the_history_is_read_newest_first_in_one_query(
    open_case, case_officer_cal, django_assert_num_queries
):
    for n in range(3):
        timeline_record(
            case=open_case, by=case_officer_cal, summary=f"line {n}", verb="x.y", target=None
        )
    with django_assert_num_queries(1):
        lines = case_timeline(case=open_case)
        assert [line.summary for line in lines[:3]] == ["line 2", "line 1", "line 0"]
        actor = lines[0].actor
        assert actor is not None and actor.display_name
