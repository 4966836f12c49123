"""What people wrote in the end-of-case survey, with no one named: for the dashboard, the quarterly
report and its CSV. The figures themselves (satisfaction and the rest, with their counts) are
Metrics of their own in mediation.reports.metrics (section "What people thought of the service").

Anonymising a comment: every name known on its case (the child, each person on the case, the
caller, the case officer and the mediator) becomes the person's role ("the parent", "the
child"), as the examples of agreed actions do (services.scrub_names); then every email
address, phone number and postcode becomes a word in brackets. A name the case does not know
(a teacher named in passing) cannot be found this way, which is why the survey asks people not
to write names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from mediation.cases.models import Party
from mediation.feedback.models import SurveyResponse
from mediation.reports.exports import opaque_id
from mediation.reports.metrics import Source
from mediation.reports.names import ROLE_WORDS, scrub_names
from mediation.reports.selectors import ReportFilters, base_queryset

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# UK numbers as people write them: 07700 900123, 0161-496 0000, (0161) 4960000, +44 7700 900123.
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)\d[\d\s\-()]{7,14}\d(?!\d)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def anonymise_comment(text: str, names: list[tuple[str, str]]) -> str:
    """`text` with the names (name, role word) and every email, phone number and postcode out."""
    text = EMAIL.sub("[email address]", text)
    text = PHONE.sub("[phone number]", text)
    text = POSTCODE.sub("[postcode]", text)
    return scrub_names(text, names)


@dataclass(frozen=True)
class Comment:
    authority: str
    participant: str
    answered: date
    satisfaction: str
    text: str


def _names_of(responses: list[SurveyResponse]) -> dict[int, list[tuple[str, str]]]:
    """Every name known on each response's case, with its role word: two queries."""
    case_ids = {response.case_id for response in responses}
    names: dict[int, list[tuple[str, str]]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return names
    for case_id, name, role in Party.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "name", "role"
    ):
        names[case_id].append((name, ROLE_WORDS.get(role, "the person")))
    for response in responses:
        case = response.case
        known = names[case.pk]
        known.append((f"{case.child_first_name} {case.child_last_name}", "the child"))
        if case.enquiry is not None:
            known.append((case.enquiry.caller_name, "the caller"))
        if case.owner is not None:
            known.append((case.owner.get_full_name(), "the case officer"))
        if case.mediator is not None:
            known.append((case.mediator.get_full_name(), "the mediator"))
    return names


def _responses(filters: ReportFilters) -> Any:
    return (
        base_queryset(Source.FEEDBACK, "answered_at", filters, today=timezone.localdate())
        .exclude(comment="")
        .select_related(
            "case", "case__local_authority", "case__enquiry", "case__owner", "case__mediator"
        )
        .order_by("-answered_at", "-pk")
    )


def feedback_comments(filters: ReportFilters, *, limit: int = 25) -> list[Comment]:
    """The latest comments of the period for the filters, anonymised (three queries)."""
    responses = list(_responses(filters)[:limit])
    names = _names_of(responses)
    return [
        Comment(
            authority=response.case.local_authority.name,
            participant=response.get_participant_display(),
            answered=timezone.localdate(response.answered_at),
            satisfaction=response.get_satisfaction_display(),
            text=anonymise_comment(response.comment, names[response.case_id]),
        )
        for response in responses
    ]


FEEDBACK_COLUMNS = (
    "row_id",
    "la_code",
    "participant",
    "answered_month",
    "satisfaction",
    "felt_listened_to",
    "information_clear",
    "would_recommend",
    "given",
    "comment_anonymised",
)


def feedback_rows(filters: ReportFilters) -> Iterator[list[Any]]:
    """One row an answer given in the period: the answers, and the comment with no one named.
    The row id is the keyed hash of the case reference (as in the cases export)."""
    yield list(FEEDBACK_COLUMNS)
    responses = list(
        base_queryset(Source.FEEDBACK, "answered_at", filters, today=timezone.localdate())
        .select_related(
            "case", "case__local_authority", "case__enquiry", "case__owner", "case__mediator"
        )
        .order_by("answered_at", "pk")
    )
    names = _names_of(responses)
    for response in responses:
        yield [
            opaque_id(response.case.reference),
            response.case.local_authority.code,
            response.participant,
            f"{timezone.localdate(response.answered_at):%Y-%m}",
            response.satisfaction,
            response.felt_heard,
            response.information_clear,
            response.would_recommend,
            response.given_via,
            anonymise_comment(response.comment, names[response.case_id])
            if response.comment
            else "",
        ]
