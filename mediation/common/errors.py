"""Why a service refuses a request. The message of each is plain English, shown to the person.

Services raise these; views show them with `mediation.common.views.refusal_shown_on` (next to a
field, or in the error summary at the top of the form) or `refusal_shown_as_message` (as a
message on the page they are sent back to). Anything else a service raises is a bug (a 500).
"""


class ServiceError(Exception):
    """A request that cannot be carried out; the message is shown to the person."""


class NotAllowed(ServiceError):
    """The person may not do this. Services check again what the view's permission already
    checked, so that no other caller can skip it."""


class StaleCase(ServiceError):
    """The case changed between showing a page and submitting it."""


class DraftChanged(ServiceError):
    """What a draft (an invoice) would hold changed between showing it and confirming it."""
