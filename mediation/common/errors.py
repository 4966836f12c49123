"""Why a service refuses a request. The message of each is plain English, shown to the person.

Services raise these; views show them with `mediation.common.views.refusal_shown_on` (next to a
field, or in the error summary at the top of the form) or `refusal_shown_as_message` (as a
message on the page they are sent back to). Anything else a service raises is a bug (a 500).
"""

from collections.abc import Sequence


class ServiceError(Exception):
    """A request that cannot be carried out; the message is shown to the person.

    `field_messages` names the fields the refusal is about, each with its own message (a fact
    rule broken by a date, say), so a form can show each next to its field; `str()` is every
    message in one line, for a page with no form."""

    def __init__(self, message: str = "", *, field_messages: Sequence[tuple[str, str]] = ()):
        self.field_messages: tuple[tuple[str, str], ...] = tuple(field_messages)
        if not message:
            message = " ".join(dict.fromkeys(text for _field, text in self.field_messages))
        super().__init__(message)


class NotAllowed(ServiceError):
    """The person may not do this. Services check again what the view's permission already
    checked, so that no other caller can skip it."""


class StaleCase(ServiceError):
    """The case changed between showing a page and submitting it."""


class DraftChanged(ServiceError):
    """What a draft (an invoice) would hold changed between showing it and confirming it."""
