"""What the API reads and writes, as pydantic schemas: these make the OpenAPI 3.1 schema at
/api/v1/openapi.json, check every request and shape every answer (docs/api.md)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator

from mediation.domain.case_states import CaseState, Route
from mediation.domain.decisions import DecisionType
from mediation.webhooks.models import EventKind


def _written_as_text(value: object) -> object:
    """Dates and times are ISO 8601 text only: pydantic would also take a number as a moment
    since 1970, which the schema does not allow and an LA's system would never mean."""
    if isinstance(value, str):
        if value.strip().replace(".", "", 1).lstrip("+-").isdigit():
            raise ValueError("Enter a date like 2026-03-09 (or a date and time, with a zone).")
        return value
    if isinstance(value, date):  # already parsed (a datetime is a date too)
        return value
    raise ValueError("Enter a date like 2026-03-09 (or a date and time, with a zone).")


IsoDate = Annotated[date, BeforeValidator(_written_as_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_written_as_text)]


class Stage(StrEnum):
    """Where a case is on its route."""

    MEDIATION_REQUESTED = CaseState.MEDIATION_REQUESTED.value
    ARRANGING = CaseState.ARRANGING.value
    CONSENT_SOUGHT = CaseState.CONSENT_SOUGHT.value
    MEETING_BOOKED = CaseState.MEETING_BOOKED.value
    MEETING_HELD = CaseState.MEETING_HELD.value
    CONCLUDED = CaseState.CONCLUDED.value
    CERTIFICATE_DUE = CaseState.CERTIFICATE_DUE.value
    CERTIFICATE_ISSUED = CaseState.CERTIFICATE_ISSUED.value
    FOLLOW_UP = CaseState.FOLLOW_UP.value
    CLOSED = CaseState.CLOSED.value


RouteCode = StrEnum("RouteCode", {r.name: r.value for r in Route})  # type: ignore[misc]
DecisionCode = StrEnum("DecisionCode", {d.name: d.value for d in DecisionType})  # type: ignore[misc]
EventCode = StrEnum("EventCode", {e.name: e.value for e in EventKind})  # type: ignore[misc]


class LaIssue(StrEnum):
    """The issues an LA's attendee can decide on (reg 37(1)); health is the health body's."""

    EDUCATION = "education"
    SOCIAL_CARE = "social_care"


class ErrorItem(Schema):
    field: str | None = Field(
        description="The request field the message is about, or null for the whole request."
    )
    message: str = Field(description="What is wrong, in plain English, as the staff pages say.")


class ErrorsOut(Schema):
    errors: list[ErrorItem]


class ChildOut(Schema):
    first_name: str
    last_name: str
    date_of_birth: date


class KeyDatesOut(Schema):
    """The dated events of the case, each null until it happens."""

    adviser_contacted_on: date | None
    mediation_declined_on: date | None
    la_informed_on: date | None
    health_body_notified_on: date | None
    la_unable_to_arrange_notified_on: date | None
    everyone_agreed_on: date | None
    meeting_planned_on: date | None
    meeting_confirmation_sent_on: date | None
    mediation_held_on: date | None
    mediation_concluded_on: date | None
    agreement_made_on: date | None
    outcome_circulated_on: date | None
    certificate_issued_on: date | None
    la_decision_changed_on: date | None


class DeadlineOut(Schema):
    code: str = Field(description="Stable code, such as mediation_by or agreed_action_due:17.")
    label: str
    due: date
    rule: str = Field(description="The statutory rule, such as SEND Regulations 2014 reg 35(2).")
    met_on: date | None
    status: str = Field(description="due, due_soon, overdue, met or met_late.")
    status_text: str
    met_by_the_service: bool = Field(
        description="False for the family's own appeal deadline, which is shown, never met."
    )


class MeetingOut(Schema):
    starts_at: datetime
    duration_minutes: int
    mode: str = Field(description="online, venue or phone.")
    status: str = Field(description="booked or cancelled.")


class ActionOut(Schema):
    id: int
    who: str = Field(description="la, health, school or family.")
    kind: str
    section: str
    due: date | None
    status: str = Field(description="due, due_soon, overdue, done or done_late.")
    done_on: date | None
    new_date_agreed: bool


class CertificateOut(Schema):
    reference: str
    kind: str = Field(description="declined, after_mediation or deemed.")
    issued_on: date
    revoked: bool
    revoked_on: date | None


class CaseOut(Schema):
    reference: str
    la_reference: str = Field(description="The LA's own reference, if the service recorded it.")
    local_authority: str = Field(description="The LA's code.")
    route: str
    route_label: str
    stage: str
    stage_label: str
    decision_type: str
    decision_label: str
    decision_letter_dated_on: date | None
    decision_notice_sent_on: date | None
    issues: list[str]
    child: ChildOut
    opened_at: datetime
    closed_at: datetime | None
    changed_at: datetime = Field(description="The last change recorded on the case.")
    key_dates: KeyDatesOut
    deadlines: list[DeadlineOut]
    meeting: MeetingOut | None
    outcome: str = Field(description="agreed_all, agreed_part, not_agreed, or empty.")
    outcome_statement_final: bool
    agreed_actions: list[ActionOut] = Field(
        description="The actions of the final outcome statement (none while it is a draft)."
    )
    certificates: list[CertificateOut]


class CasePageOut(Schema):
    cases: list[CaseOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to read the next page; null on the last page."
    )


class LaInformedIn(Schema):
    on: IsoDate = Field(description="The day the LA was told that the family wants mediation.")


class AttendeeIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    email: Annotated[str, Field(max_length=254)] = ""
    issues: Annotated[list[LaIssue], Field(min_length=1, max_length=2)]
    confirmed_on: IsoDate = Field(description="The day the LA confirmed their authority.")


class ActionDoneIn(Schema):
    done_on: IsoDate
    evidence: Annotated[str, Field(min_length=1, max_length=2000)] = Field(
        description="How it can be seen that it was done (kept encrypted, shown to staff)."
    )


class ActionNewDateIn(Schema):
    new_due: IsoDate
    agreed_in_writing_on: IsoDate
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class WriteOut(Schema):
    reference: str
    changed: bool = Field(
        description="False when the same thing was already recorded: nothing was recorded twice."
    )
    summary: str


class EndpointIn(Schema):
    url: Annotated[str, Field(min_length=1, max_length=500)]
    events: Annotated[list[EventCode], Field(min_length=1, max_length=20)]
    description: Annotated[str, Field(max_length=100)] = ""


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    created_at: datetime


class NewEndpointOut(EndpointOut):
    secret: str = Field(
        description="Signs every delivery. Shown only now: keep it in your system's secrets."
    )
