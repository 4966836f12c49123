"""What anonymising a case removes, model by model, and what it keeps for the reports.

Kept: the case reference, route, status, local authority, decision type, issue flags, every event
date, outcome, certificate kind and reference, deadlines, agreed-action due and done dates, and the
year of the child's birth (for age bands). Removed: every name, contact detail, address, free text,
letter and uploaded file.

Each entry is (model label, lookup from the model to the case, {field: replacement}); they are
applied with one UPDATE per model, never a loop over rows. The test
test_every_model_that_holds_case_data_is_covered fails when a new model that points at a case is
neither listed here nor in KEPT_AS_THEY_ARE, so new personal data cannot slip past retention.
"""

from __future__ import annotations

from django.db.models.functions import Coalesce, Now

ANONYMISED = "Anonymised"

CASE_DATA: list[tuple[str, str, dict[str, object]]] = [
    (
        "cases.Case",
        "pk",
        {
            "child_first_name": ANONYMISED,
            "child_last_name": "",
            "child_setting": "",
            "la_reference": "",
        },
    ),
    ("cases.CaseStatusChange", "case", {"reason": ""}),
    # Why someone declined disagreement resolution, in their words (encrypted).
    ("cases.ParticipationDeclined", "case", {"reason": ""}),
    (
        "cases.Party",
        "case",
        {
            "name": ANONYMISED,
            "relationship": "",
            "phone": "",
            "email": "",
            "address": "",
            "interpreter_language": "",
            "reasonable_adjustments": "",
        },
    ),
    ("cases.Contact", "case", {"with_name": "", "summary": ""}),
    ("cases.CaseNote", "case", {"text": ""}),
    ("timeline.TimelineEntry", "case", {"summary": ANONYMISED}),
    ("cases.MediatorNote", "case", {"text": ""}),
    ("parties.AttendanceRequest", "case", {"child_scope_detail": "", "decision_reason": ""}),
    ("parties.AttendanceResponse", "request__case", {"reason": ""}),
    ("parties.ExpenseLine", "claim__case", {"description": ""}),
    (
        "meetings.Meeting",
        "case",
        {
            "online_link": "",
            "venue_name": "",
            "venue_address": "",
            "access_details": "",
            "phone_details": "",
        },
    ),
    ("meetings.MeetingChange", "meeting__case", {"reason": ""}),
    ("meetings.MediatorCall", "meeting__case", {"note": ""}),
    (
        "documents.GeneratedDocument",
        "case",
        {"title": ANONYMISED, "html": "", "pdf": b"", "stored_name": ""},
    ),
    ("documents.Certificate", "case", {"revoke_reason": "", "appeal_deadline_why": ""}),
    ("outcomes.OutcomeStatement", "case", {"key_points": ""}),
    ("outcomes.AgreedAction", "case", {"what": ANONYMISED, "who": "", "done_evidence": ""}),
    ("outcomes.ActionVariation", "action__case", {"reason": ""}),
    ("outcomes.Addendum", "statement__case", {"text": ""}),
    ("outcomes.Delivery", "statement__case", {"recipient_name": ""}),
    ("outcomes.ActionChase", "action__case", {"note": "", "sent_to": ""}),
    ("notifications.Message", "case_id", {"recipient_email": "", "recipient_name": "", "body": ""}),
    (
        "notifications.MessageAttachment",
        "message__case_id",
        {"content": b"", "stored_name": ""},
    ),
    ("privacy.LegalHold", "case", {"reason": "", "lift_reason": ""}),
    # Anonymising ends portal access too: the address goes and every link stops working.
    ("portal.PortalAccess", "case", {"email": "", "revoked_at": Coalesce("revoked_at", Now())}),
    ("portal.PortalRequest", "case", {"details": ""}),
    (
        "uploads.ChildViews",
        "case",
        {"going_well": "", "hard": "", "would_like": "", "who_helps": "", "helped_by": ""},
    ),
    ("privacy.ErasureRequest", "case", {"reason": "", "decision_note": ""}),
    # A caseload import's row may quote the file's values in its problems.
    ("exchange.ImportRow", "case", {"summary": "", "problems": ""}),
    # The survey's answers are kept for the reports; the address and the words go.
    ("feedback.SurveyInvitation", "case", {"sent_to": ""}),
    ("feedback.SurveyResponse", "case", {"comment": ""}),
]

# Rows deleted outright, with their stored files (after the transaction commits): a file cannot be
# anonymised, and no report counts uploads.
DELETED_WITH_FILES: list[tuple[str, str]] = [("uploads.Upload", "case")]

# Models that point at a case but hold no personal details (dates, states, codes, hashes, links).
KEPT_AS_THEY_ARE: dict[str, str] = {
    "cases.CaseLink": "links two case ids",
    "deadlines.Deadline": "statutory dates and rule codes; the explanation names no one",
    "parties.AuthorityConfirmation": "which issue was confirmed and when",
    "parties.ExpenseClaim": "dates only; the lines are anonymised",
    "meetings.SlotOffer": "proposed times",
    "meetings.SlotAnswer": "yes/no answers to proposed times",
    "meetings.MeetingLetter": "which letter went to which party record; the letter is anonymised",
    "outcomes.PartyAgreement": "which party record agreed to which version, by hash",
    "privacy.RetentionCandidate": "the retention queue itself",
    "privacy.AnonymisedCase": "the record that anonymising happened",
    "portal.PortalLink": "hashes of links, all dead once the access is revoked",
    "webhooks.WebhookEvent": "a case reference, dates and codes; never names or free text",
    "webhooks.WebhookDelivery": "whether an event reached the LA's system",
    "webhooks.WebhookAttempt": "status codes and the start of the LA system's answers",
    "exchange.ImportedCase": "the reference the case had in the file it was imported from",
    "outcomes.AgreementRequest": "which version of a statement went to whom, and when: no text",
    "portal.PartyNotice": "which reminder went to whom, and when: codes and dates, no text",
    "cases.CaseIssue": "which issues from the service's list a case was about: no text",
    "outcomes.IssueOutcome": "the result of each issue in dispute: codes, no text",
    "outcomes.DeferredDecision": "who decides later and by when (a panel, an officer's role), "
    "no names of the family or free text",
}

# What else one person's erasure clears: rows of theirs that hold their own words or address.
PARTY_ROWS: list[tuple[str, str, dict[str, object]]] = [
    ("feedback.SurveyInvitation", "party", {"sent_to": ""}),
    ("feedback.SurveyResponse", "party", {"comment": ""}),
]

# The enquiry a case came from holds the first call's details.
ENQUIRY_DATA: dict[str, object] = {
    "caller_name": ANONYMISED,
    "caller_relationship": "",
    "phone": "",
    "email": "",
    "address": "",
    "child_first_name": ANONYMISED,
    "child_last_name": "",
    "child_setting": "",
    "case_history": "",
    "closing_note": "",
}

# One person's details, for an erasure limited to one party on a case.
PARTY_DATA: dict[str, object] = next(dict(v) for label, _, v in CASE_DATA if label == "cases.Party")
