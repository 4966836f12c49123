"""Each audit event's verb in plain words, for the audit log's pages. The verb stays in the log
(it is what searches match); people read the words. A test (test_words.py) finds every verb the
code writes and checks it has words here."""

from __future__ import annotations

from typing import Final

from mediation.domain.case_states import STEPS, Step

VERB_WORDS: Final[dict[str, str]] = {
    # Access and sign-in
    "access.denied": "Was refused a page they may not see",
    "auth.locked_out": "Was locked out after too many failed sign-ins",
    "auth.session_expired": "Was signed out after being inactive",
    "auth.sign_in_failed": "Failed to sign in",
    "auth.sign_in_password": "Signed in with their password",
    "auth.sign_out": "Signed out",
    "auth.step_up_asked": "Was asked to confirm it was them again",
    "auth.step_up_failed": "Failed to confirm it was them again",
    "auth.step_up_verified": "Confirmed it was them again",
    "auth.two_factor_added": "Set up their authenticator app",
    "auth.two_factor_failed": "Entered a wrong authenticator code",
    "auth.two_factor_verified": "Entered their authenticator code",
    "user.create": "Added a staff account",
    "user.update": "Changed a staff account",
    "user.two_factor_reset": "Reset someone's authenticator app",
    # The audit log itself
    "audit.search": "Searched the audit log",
    "audit.verify_chain": "Checked the audit log has not been tampered with",
    # Enquiries and cases
    "enquiry.create": "Recorded an enquiry",
    "enquiry.close": "Closed an enquiry: information given",
    "case.create": "Opened a case",
    "case.view": "Read a case",
    "case.transition": "Moved a case to another stage",
    "case.key_dates_update": "Changed a case's key dates",
    "case.assign_mediator": "Assigned a mediator",
    "case.link": "Linked two related cases",
    "case.appeal_recorded": "Recorded what the family said about an appeal",
    "contact.create": "Logged a contact",
    "note.create": "Added a note",
    "mediator_note.create": "Added a private mediator's note",
    "mediator_conflict.create": "Recorded a mediator's conflict of interest",
    "closure_day.create": "Added a day the service is closed",
    "closure_day.delete": "Removed a day the service is closed",
    "local_authority.create": "Added a local authority",
    "local_authority.update": "Changed a local authority",
    # People and attendance
    "party.create": "Added a person to a case",
    "party.update": "Changed a person's details",
    "attendance.response": "Recorded a party's answer about someone attending",
    "attendance.decision": "Recorded the mediator's decision about someone attending",
    "attendance.plan": "Recorded whether someone will attend",
    "authority.confirm": "Recorded who can make decisions for the LA or health body",
    "expenses.claim.create": "Started an expenses claim",
    "expenses.line.add": "Added an item to an expenses claim",
    # Meetings
    "meeting.slot_add": "Offered a meeting date",
    "meeting.answers_record": "Recorded who can come on a date",
    "meeting.book": "Booked a meeting",
    "meeting.reschedule": "Moved a meeting",
    "meeting.cancel": "Cancelled a meeting",
    "meeting.hand_over": "Cancelled a meeting because its case went to another provider",
    "meeting.call_record": "Recorded the mediator's call before the meeting",
    # Outcome statements and agreed actions
    "outcome.statement_create": "Started the outcome statement",
    "outcome.statement_update": "Changed the outcome statement",
    "outcome.statement_finalise": "Made the outcome statement final",
    "outcome.statement_circulate": "Sent out the outcome statement",
    "outcome.agreement_record": "Recorded a party's agreement to the outcome statement",
    "outcome.addendum_add": "Added an addendum to the outcome statement",
    "outcome.delivery_resend": "Sent the outcome statement again",
    "outcome.action_add": "Added an agreed action",
    "outcome.action_update": "Changed an agreed action",
    "outcome.action_remove": "Removed an agreed action",
    "outcome.action_done": "Recorded an agreed action as done",
    "outcome.action_vary": "Recorded a new date agreed in writing for an action",
    "outcome.action_follow_up": "Recorded an agreed action's later steps",
    "outcome.action_letter": "Sent a letter about an overdue agreed action",
    "outcome.action_escalate": "Escalated an overdue agreed action to the managers",
    # Documents, certificates and files
    "certificate.issue": "Issued a mediation certificate",
    "certificate.revoke": "Revoked a mediation certificate",
    "certificate.verify": "Checked a certificate on the public page",
    "certificate.verify_limited": "Was stopped checking certificates: too many tries",
    "document.download": "Downloaded a document",
    "letter_template.save": "Changed the wording of a letter",
    "upload.store": "Added a file",
    "upload.download": "Downloaded a file",
    "upload.remove": "Removed a file",
    "upload.rejected": "Had a file refused",
    "upload.share": "Shared a file with the parties",
    "upload.unshare": "Stopped sharing a file with the parties",
    "child_views.record": "Recorded the child's views",
    "child_views.view": "Read the child's views",
    # The portal for the parties
    "portal.invite": "Invited someone to the online service",
    "portal.revoke": "Stopped someone's access to the online service",
    "portal.link_request": "Asked for a sign-in link to the online service",
    "portal.link_request_limited": "Was stopped asking for sign-in links: too many tries",
    "portal.link_resend": "Sent a new sign-in link",
    "portal.link_refused": "Used a sign-in link that no longer works",
    "portal.sign_in": "Signed in to the online service",
    "portal.view": "Read a page of the online service",
    "portal.child_views_sent": "Sent the child's views through the online service",
    "portal.request_dealt_with": "Marked a request from the online service as dealt with",
    "portal.request_supporter": "Asked through the online service for a supporter to attend",
    "portal.request_action_done": "Said through the online service an agreed action is done",
    "portal.request_action_new_date": (
        "Proposed through the online service a new date for an agreed action"
    ),
    "portal.request_information": "Sent information through the online service",
    # Money and reports
    "invoice.issue": "Issued an invoice",
    "invoice.send": "Sent an invoice",
    "invoice.download": "Downloaded an invoice",
    "credit_note.issue": "Issued a credit note",
    "credit_note.send": "Sent a credit note",
    "credit_note.download": "Downloaded a credit note",
    "tariff.create": "Added a tariff",
    "tariff.update": "Changed a tariff",
    "report.export": "Exported a report",
    "quarterly_report.request": "Asked for a quarterly report",
    "quarterly_report.send": "Sent a quarterly report",
    "quarterly_report.download": "Downloaded a quarterly report",
    # Privacy and running the service
    "export.subject_access": "Exported a subject access report",
    "privacy.subject_access_search": "Searched for a person's records (subject access)",
    "privacy.anonymise": "Removed the personal details of a case",
    "privacy.anonymise_enquiry": "Removed the personal details of an enquiry",
    "privacy.erase_party": "Erased a person's details",
    "privacy.erasure_request": "Asked for personal details to be erased",
    "privacy.erasure_approve": "Approved an erasure",
    "privacy.erasure_refuse": "Refused an erasure",
    "privacy.legal_hold_place": "Placed a legal hold",
    "privacy.legal_hold_lift": "Lifted a legal hold",
    "privacy.retention_listed": "Listed a case for removal at the end of its retention",
    "privacy.retention_released": "Took a case off the retention list",
    "ops.backup": "Made a backup",
    "ops.restore": "Restored from a backup",
    # Connected systems: an LA's system through the API, webhooks, calendar feeds
    "api.call": "An LA's system used the API",
    "api.refused": "A call to the API was refused",
    "api.token_create": "Made an API token for an LA's system",
    "api.token_revoke": "Withdrew an API token",
    "webhook.endpoint_create": "Added an address where an LA's system hears of changes",
    "webhook.endpoint_remove": "Removed an address where an LA's system heard of changes",
    "calendar_feed.create": "Made a calendar feed address",
    "calendar_feed.replace": "Replaced a calendar feed address",
    "calendar_feed.delete": "Turned off a calendar feed",
    "calendar_feed.read": "A calendar program read a feed",
    "case.la_reference_update": "Changed the LA's own reference for the case",
    "deadlines.recalculated": "Worked out the deadlines of many cases again",
    # A caseload in and out, and handing over an LA's open cases
    "caseload.export": "Downloaded the caseload",
    "caseload.import_row": "Made a case from a row of an imported caseload",
    "caseload_import.upload": "Uploaded a caseload to import",
    "caseload_import.map": "Chose the columns of a caseload to import",
    "caseload_import.start": "Started importing a caseload",
    "caseload_import.finish": "Finished importing a caseload",
    "caseload_import.view": "Looked at a caseload import",
    "handover.start": "Started handing over an LA's open cases",
    "handover.include": "Put a case in a hand-over archive",
    "handover.made": "Made a hand-over archive",
    "handover.view": "Looked at a hand-over",
    "handover.download": "Downloaded a hand-over archive",
    "handover.close_start": "Started closing the handed-over cases",
    "handover.closed": "Closed a case handed over to another provider",
    "meeting.take_over": "Recorded a meeting taken over from another provider",
    "outcome.statement_take_over": "Recorded an outcome statement taken over from another provider",
    "timeline.take_over": "Recorded the history taken over from another provider",
    # The end-of-case survey
    "feedback.invite": "Asked someone what they thought of the service",
    "feedback.answer": "Answered the survey",
    "feedback.record": "Recorded someone's survey answers",
    "portal.feedback_sent": "Sent a survey link",
    "portal.link_sent": "Sent a portal link",
    # Telling parties what is needed
    "letter.posted": "Marked a letter as posted",
    "message.delivery_failed": "Heard that a message did not arrive",
    "outcome.send_for_agreement": "Sent the outcome statement to the parties to agree",
    "service_details.update": "Changed the service's contact details",
    # For commissioners: issues in dispute, decisions put off, who declined, contracts across
    # LAs and the mediators' register
    "case.issues_set": "Changed the issues in dispute on a case",
    "case.participation_declined": "Recorded that someone declined disagreement resolution",
    "issue_theme.create": "Added an issue to the list of issues in dispute",
    "issue_theme.update": "Changed an issue on the list of issues in dispute",
    "outcome.issue_results_save": "Recorded the result of each issue in dispute",
    "outcome.deferred_decision_add": "Recorded a decision put off to a panel or someone else",
    "outcome.deferred_decision_remove": "Removed a decision put off",
    "contract.create": "Added a contract covering local authorities",
    "contract.update": "Changed a contract covering local authorities",
    "mediator_register.view": "Looked at the mediators' register",
    "mediator_registration.save": "Changed a mediator's registration",
    "mediator_cpd.save": "Recorded a mediator's CPD hours",
}

# One step of the workflow: "case.step.<step>", in the step's own words.
STEP_VERB_PREFIX = "case.step."


def verb_words(verb: str) -> str:
    """The verb in plain words; an unknown verb (an older event, say) is shown as it is."""
    if verb in VERB_WORDS:
        return VERB_WORDS[verb]
    if verb.startswith(STEP_VERB_PREFIX):
        try:
            step = Step(verb.removeprefix(STEP_VERB_PREFIX))
        except ValueError:
            return verb
        return f"Took the step “{STEPS[step].label}”"
    return verb
