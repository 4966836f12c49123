"""The caseload's columns: one list for the import's mapping, the export and the sample file, so
what comes out of "Export the caseload" goes back in unchanged (docs/guide/manager.md).

Each column has the heading we write, the other headings people use for it (so a spreadsheet's
own headings are matched without being asked), whether a row needs it, and a hint shown on the
mapping page. The words people use for a route, a decision and so on are here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from mediation.cases.models import CallerType, ContactPreference, Outcome
from mediation.domain.case_states import ROUTE_LABELS, STATE_LABELS, CaseState, Route
from mediation.domain.decisions import DECISION_LABELS, DecisionType
from mediation.exchange.parsing import normalise_words


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    YES_NO = "yes_no"
    CHOICE = "choice"  # a word from a list (route, decision, outcome ...)
    LIST = "list"  # several words from a list (issues)


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    hint: str = ""
    max_length: int = 150

    @property
    def label(self) -> str:
        """The heading as it reads inside a sentence ("the decision notice sent date")."""
        return self.heading[0].lower() + self.heading[1:]


C = Column
COLUMNS: Final[tuple[Column, ...]] = (
    C(
        "reference",
        "Reference",
        Kind.TEXT,
        True,
        (
            "case reference",
            "case ref",
            "ref",
            "case number",
            "case no",
            "case id",
            "id",
            "source reference",
            "their reference",
            "our reference",
            "file reference",
        ),
        "The reference the case has in the file. Kept with the case, so importing the same "
        "file again changes nothing.",
        40,
    ),
    C(
        "local_authority",
        "Local authority",
        Kind.TEXT,
        True,
        (
            "la",
            "la name",
            "la code",
            "council",
            "authority",
            "local authority code",
            "commissioning la",
            "local authority name",
        ),
        "The LA's code (such as NFD) or its name.",
        120,
    ),
    C(
        "route",
        "Route",
        Kind.CHOICE,
        True,
        ("case type", "type", "service", "type of case", "route chosen"),
        "Mediation, certificate without mediation, or disagreement resolution.",
    ),
    C(
        "stage",
        "Stage",
        Kind.CHOICE,
        False,
        ("status", "case status", "current stage"),
        "Optional: checked against the stage the dates on the row put the case at.",
    ),
    C(
        "decision",
        "Decision disputed",
        Kind.CHOICE,
        True,
        (
            "decision",
            "decision type",
            "dispute",
            "dispute about",
            "appeal type",
            "type of decision",
            "reason for mediation",
        ),
        "The LA decision the family disagrees with.",
    ),
    C(
        "section_i_only",
        "Section I only",
        Kind.YES_NO,
        False,
        ("placement only", "school named only", "section i"),
        "Yes if the disagreement is only about the school or placement named.",
    ),
    C(
        "issues",
        "Issues",
        Kind.LIST,
        False,
        ("issue", "issues about", "areas", "issue type"),
        "Education, health, social care (any of them). Education if left empty.",
    ),
    C(
        "child_first_name",
        "Child's first name",
        Kind.TEXT,
        True,
        (
            "child first name",
            "child forename",
            "first name",
            "forename",
            "childs forename",
            "young persons first name",
            "child given name",
        ),
        "",
        80,
    ),
    C(
        "child_last_name",
        "Child's last name",
        Kind.TEXT,
        True,
        (
            "child last name",
            "child surname",
            "surname",
            "last name",
            "family name",
            "childs surname",
            "young persons surname",
        ),
        "",
        80,
    ),
    C(
        "child_date_of_birth",
        "Child's date of birth",
        Kind.DATE,
        True,
        ("dob", "date of birth", "child dob", "childs dob", "birth date", "born"),
    ),
    C(
        "child_setting",
        "School or setting",
        Kind.TEXT,
        False,
        ("school", "setting", "education setting", "current school", "school setting"),
    ),
    C(
        "contact_role",
        "Main contact is",
        Kind.CHOICE,
        False,
        (
            "contact type",
            "caller type",
            "who contacted",
            "contact role",
            "contact is",
            "main contact role",
        ),
        "Parent or carer, young person, or someone on their behalf. Parent or carer if empty.",
    ),
    C(
        "contact_name",
        "Main contact's name",
        Kind.TEXT,
        True,
        (
            "contact name",
            "main contact",
            "main contact name",
            "parent name",
            "parent carer",
            "parent or carer",
            "parent",
            "caller name",
            "caller",
            "contact",
        ),
        "",
        120,
    ),
    C(
        "contact_relationship",
        "Relationship to the child",
        Kind.TEXT,
        False,
        ("relationship", "relationship to child", "relation"),
        "",
        80,
    ),
    C(
        "contact_phone",
        "Phone",
        Kind.TEXT,
        False,
        ("telephone", "tel", "phone number", "mobile", "contact phone", "contact number"),
        "",
        30,
    ),
    C(
        "contact_email",
        "Email",
        Kind.TEXT,
        False,
        ("email address", "e mail", "e mail address", "contact email"),
        "",
        254,
    ),
    C(
        "contact_address",
        "Address",
        Kind.TEXT,
        False,
        ("postal address", "contact address", "home address"),
        "",
        500,
    ),
    C(
        "contact_preferred",
        "Prefers contact by",
        Kind.CHOICE,
        False,
        ("preferred contact", "contact preference", "preferred contact method", "contact by"),
        "Phone, email, text or letter. Email when an email address is given, otherwise phone.",
    ),
    C(
        "owner",
        "Case officer",
        Kind.TEXT,
        False,
        ("owner", "officer", "case worker", "caseworker", "allocated to", "case owner"),
        "The email address, user name or full name of a case officer here. The case officer "
        "you choose for the import if empty.",
        120,
    ),
    C(
        "mediator",
        "Mediator",
        Kind.TEXT,
        False,
        ("mediator name", "allocated mediator"),
        "The email address, user name or full name of a mediator here.",
        120,
    ),
    C(
        "first_contact_on",
        "First contact",
        Kind.DATE,
        False,
        (
            "first contact date",
            "date of first contact",
            "enquiry date",
            "date received",
            "received",
            "referral date",
            "adviser contacted",
            "date adviser contacted",
            "contacted adviser",
            "date of enquiry",
        ),
        "The day the family first contacted the service (the mediation adviser). Needed for "
        "mediation and certificates: the 2-month limit runs to it.",
    ),
    C(
        "notice_sent_on",
        "Decision notice sent",
        Kind.DATE,
        False,
        (
            "decision date",
            "date of decision",
            "decision notice date",
            "notice sent",
            "decision letter sent",
            "date decision sent",
        ),
        "The day the LA sent its decision. Needed for a decision that can be appealed.",
    ),
    C(
        "letter_dated_on",
        "Decision letter dated",
        Kind.DATE,
        False,
        ("letter date", "decision letter date", "date on letter"),
    ),
    C(
        "mediation_declined_on",
        "Family declined mediation",
        Kind.DATE,
        False,
        (
            "declined mediation",
            "mediation declined",
            "family declined",
            "family withdrew",
            "withdrew",
        ),
    ),
    C(
        "la_informed_on",
        "LA told",
        Kind.DATE,
        False,
        ("la informed", "date la informed", "la notified", "date la notified", "la told date"),
        "The day the LA was told the family wants mediation.",
    ),
    C(
        "health_body_notified_on",
        "Health body told",
        Kind.DATE,
        False,
        ("health body notified", "icb told", "icb notified", "health told", "ccg notified"),
    ),
    C(
        "la_unable_on",
        "LA said it cannot arrange mediation",
        Kind.DATE,
        False,
        ("la unable", "la cannot arrange", "la unable to arrange"),
    ),
    C(
        "everyone_agreed_on",
        "Everyone agreed to take part",
        Kind.DATE,
        False,
        ("consent", "consent date", "all agreed", "everyone agreed"),
        "Disagreement resolution only.",
    ),
    C(
        "meeting_on",
        "Meeting date",
        Kind.DATE,
        False,
        ("meeting", "mediation date", "date of meeting", "meeting booked", "meeting booked for"),
    ),
    C(
        "meeting_confirmation_sent_on",
        "Meeting letter sent",
        Kind.DATE,
        False,
        ("meeting confirmation sent", "confirmation sent", "meeting letter"),
        "The day the written confirmation of the meeting was sent.",
    ),
    C(
        "meeting_held_on",
        "Meeting held",
        Kind.DATE,
        False,
        ("mediation held", "date held", "held on", "meeting held on", "date of mediation"),
    ),
    C(
        "outcome",
        "Outcome",
        Kind.CHOICE,
        False,
        ("result", "mediation outcome", "outcome of meeting"),
        "Agreement on all issues, on some issues, or no agreement.",
    ),
    C(
        "outcome_on",
        "Outcome recorded",
        Kind.DATE,
        False,
        ("outcome date", "concluded", "mediation concluded", "date concluded"),
        "The meeting date if empty.",
    ),
    C(
        "outcome_circulated_on",
        "Outcome statement sent",
        Kind.DATE,
        False,
        ("outcome statement sent out", "statement sent", "outcome circulated"),
        "The day the outcome statement was sent to everyone.",
    ),
    C(
        "certificate_issued_on",
        "Certificate issued",
        Kind.DATE,
        False,
        ("certificate date", "cert issued", "date certificate issued", "certificate issued on"),
        "A certificate the service (or the one before it) has already issued. No new one is "
        "made or sent.",
    ),
    C(
        "certificate_reference",
        "Certificate reference",
        Kind.TEXT,
        False,
        ("certificate number", "cert ref", "certificate ref"),
        "",
        40,
    ),
)
del C

BY_KEY: Final[dict[str, Column]] = {column.key: column for column in COLUMNS}
REQUIRED: Final[tuple[str, ...]] = tuple(column.key for column in COLUMNS if column.required)
DATE_KEYS: Final[frozenset[str]] = frozenset(c.key for c in COLUMNS if c.kind is Kind.DATE)
# Written by the export for information; the import ignores it unless asked.
EARLIER_REFERENCE_HEADING: Final = "Earlier reference"


def automatic_match(heading: str) -> str | None:
    """The column a spreadsheet's heading means, by our heading or one of its aliases."""
    wanted = normalise_words(heading)
    if not wanted:
        return None
    for column in COLUMNS:
        names = {normalise_words(column.heading), normalise_words(column.key.replace("_", " "))}
        names |= {normalise_words(alias) for alias in column.aliases}
        if wanted in names:
            return column.key
    return None


# The words people use ---------------------------------------------------------------------

ROUTE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    Route.MEDIATION: (ROUTE_LABELS[Route.MEDIATION], "med", "mediation case"),
    Route.CERTIFICATE_ONLY: (
        ROUTE_LABELS[Route.CERTIFICATE_ONLY],
        "certificate",
        "certificate only",
        "cert",
        "cert only",
        "certificate no mediation",
        "mediation declined",
    ),
    Route.DISAGREEMENT_RESOLUTION: (
        ROUTE_LABELS[Route.DISAGREEMENT_RESOLUTION],
        "dr",
        "disagreement",
        "disagreement resolution service",
    ),
}

STAGE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    state.value: (STATE_LABELS[state], state.value.replace("_", " ")) for state in CaseState
}
STAGE_WORDS[CaseState.ARRANGING.value] += ("arranging", "la told", "la informed")
STAGE_WORDS[CaseState.MEETING_HELD.value] += ("meeting held",)
STAGE_WORDS[CaseState.CONCLUDED.value] += ("concluded",)
STAGE_WORDS[CaseState.FOLLOW_UP.value] += ("follow up", "following up")

DECISION_WORDS: Final[dict[str, tuple[str, ...]]] = {
    DecisionType.REFUSE_ASSESSMENT: (
        DECISION_LABELS[DecisionType.REFUSE_ASSESSMENT],
        "refusal to assess",
        "refused assessment",
        "refusal to carry out an assessment",
        "needs assessment refused",
        "ehc needs assessment refused",
        "ehcna refused",
        "refusal to carry out an ehc needs assessment",
    ),
    DecisionType.REFUSE_PLAN: (
        DECISION_LABELS[DecisionType.REFUSE_PLAN],
        "refusal to issue a plan",
        "refused plan",
        "refusal to issue",
        "no plan after assessment",
        "decision not to issue",
    ),
    DecisionType.PLAN_CONTENTS: (
        DECISION_LABELS[DecisionType.PLAN_CONTENTS],
        "contents of plan",
        "contents of the plan",
        "plan contents",
        "content of ehc plan",
        "contents of ehcp",
    ),
    DecisionType.REFUSE_REASSESSMENT: (
        DECISION_LABELS[DecisionType.REFUSE_REASSESSMENT],
        "refusal to reassess",
        "refused reassessment",
        "re assessment refused",
        "reassessment refused",
    ),
    DecisionType.REFUSE_AMENDMENT: (
        DECISION_LABELS[DecisionType.REFUSE_AMENDMENT],
        "refusal to amend",
        "refused amendment",
        "amendment refused",
    ),
    DecisionType.CEASE_PLAN: (
        DECISION_LABELS[DecisionType.CEASE_PLAN],
        "cease plan",
        "ceasing the plan",
        "cease to maintain",
        "ceasing to maintain",
        "plan ceased",
    ),
    DecisionType.OTHER_DISAGREEMENT: (
        DECISION_LABELS[DecisionType.OTHER_DISAGREEMENT],
        "other",
        "other disagreement",
        "no appeal right",
    ),
}

ISSUE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "education": ("education", "educational", "sen", "special educational provision"),
    "health": ("health", "health care", "healthcare", "nhs"),
    "social_care": ("social care", "social", "care"),
}

CONTACT_ROLE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    CallerType.PARENT_CARER: (
        CallerType.PARENT_CARER.label,
        "parent",
        "carer",
        "mother",
        "father",
        "mum",
        "dad",
        "guardian",
        "foster carer",
    ),
    CallerType.YOUNG_PERSON: (CallerType.YOUNG_PERSON.label, "young person", "yp", "self"),
    CallerType.ON_BEHALF: (
        CallerType.ON_BEHALF.label,
        "on behalf",
        "on their behalf",
        "someone on their behalf",
        "advocate",
        "representative",
        "other",
    ),
}

CONTACT_PREFERENCE_WORDS: Final[dict[str, tuple[str, ...]]] = {
    ContactPreference.PHONE: ("phone", "telephone", "call", "phone call", "mobile"),
    ContactPreference.EMAIL: ("email", "e mail"),
    ContactPreference.TEXT: ("text", "text message", "sms"),
    ContactPreference.LETTER: ("letter", "post", "by post"),
}

OUTCOME_WORDS: Final[dict[str, tuple[str, ...]]] = {
    Outcome.AGREED_ALL: (
        Outcome.AGREED_ALL.label,
        "agreed all",
        "full agreement",
        "agreed in full",
        "all agreed",
        "agreement",
    ),
    Outcome.AGREED_PART: (
        Outcome.AGREED_PART.label,
        "agreed part",
        "partial agreement",
        "agreed in part",
        "some agreed",
        "partly agreed",
    ),
    Outcome.NOT_AGREED: (
        Outcome.NOT_AGREED.label,
        "not agreed",
        "none agreed",
        "no agreement reached",
        "disagreed",
    ),
}

CHOICE_WORDS: Final[dict[str, tuple[dict[str, tuple[str, ...]], str]]] = {
    "route": (ROUTE_WORDS, "a route"),
    "stage": (STAGE_WORDS, "a stage"),
    "decision": (DECISION_WORDS, "a decision"),
    "contact_role": (CONTACT_ROLE_WORDS, "a kind of contact"),
    "contact_preferred": (CONTACT_PREFERENCE_WORDS, "a way of contact"),
    "outcome": (OUTCOME_WORDS, "an outcome"),
}
