"""Letter wording that managers edit: plain paragraphs with a few named placeholders.

The wording is never run as a Django template (no tags, filters or attribute lookups from
users). `{name}` is replaced by a value from a fixed list; `{{` and `}}` give literal braces.
Anything else in braces is refused with a message saying what is allowed. Values are plain
text: the HTML letter escapes them like any other text.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter

# name -> what it is replaced by (shown on the edit page).
PLACEHOLDERS: dict[str, str] = {
    "recipient_name": "The name of the person the letter or email is to",
    "child_name": "The child's or young person's name",
    "reference": "Our case reference, for example MED-2026-00042",
    "certificate_reference": "The certificate's reference, for example CERT-2026-00042",
    "verification_code": "The certificate's verification code",
    "verify_url": "The address of the page where anyone can check a certificate",
    "issue_date": "The date the certificate was issued",
    "appeal_deadline": "The family's appeal deadline",
    "local_authority": "The local authority's name",
    "decision": "The decision the family disagrees with",
    "notice_sent": "The date the local authority sent its decision notice",
    "adviser": "The name of the mediation adviser who issued the certificate",
    "provider": "The name of our service",
}


# Where a letter's facts (date, time and how to join; the overdue action) go: paragraphs before
# this placeholder are the opening, paragraphs after it the closing.
FACTS = "facts"

MEETING_PLACEHOLDERS: dict[str, str] = {
    "recipient_name": "The name of the person the letter is to",
    "reference": "Our case reference, for example MED-2026-00042",
    "meeting_day": "The day of the meeting, for example Tuesday 8 December 2026",
    "start_time": "The time the meeting starts, for example 10am",
    "reason": "Why the meeting was moved or cancelled, as recorded (may be empty)",
    "provider": "The name of our service",
    FACTS: "Where the meeting's date, time and how to join go (put it on a line of its own)",
}

OVERDUE_PLACEHOLDERS: dict[str, str] = {
    "recipient_name": "Who the letter is to: the body, school or person who agreed to do it",
    "local_authority": "The local authority's name",
    "reference": "Our case reference, for example MED-2026-00042",
    "child_name": "The child's or young person's name",
    "agreement_day": "The date the mediation agreement was made",
    "due_day": "The date the action was due",
    "regulation": "The regulation that binds whoever agreed to do it (empty for a school or "
    "the family, whom no regulation binds)",
    "provider": "The name of our service",
    FACTS: "Where the table of the overdue action goes (put it on a line of its own)",
}


class WordingError(ValueError):
    """The wording cannot be used; the message says why, in words for the editor."""


@dataclass(frozen=True)
class _Piece:
    literal: str
    field: str | None


def _pieces(body: str, allowed: dict[str, str] | None = None) -> list[_Piece]:
    allowed = PLACEHOLDERS if allowed is None else allowed
    try:
        parsed = list(Formatter().parse(body))
    except ValueError:
        raise WordingError(
            "A curly bracket is not closed. Placeholders look like {child_name}; "
            "write {{ or }} for a curly bracket on its own."
        ) from None
    pieces = []
    unknown: list[str] = []
    for literal, field, spec, conversion in parsed:
        if field is None:
            pieces.append(_Piece(literal, None))
            continue
        shown = (
            "{"
            + field
            + (f"!{conversion}" if conversion else "")
            + (f":{spec}" if spec else "")
            + "}"
        )
        if field not in allowed or spec or conversion:
            unknown.append(shown)
        pieces.append(_Piece(literal, field))
    if unknown:
        names = ", ".join(dict.fromkeys(unknown))
        raise WordingError(
            f"Unknown placeholder {names}. Use only: "
            + ", ".join("{" + name + "}" for name in allowed)
        )
    return pieces


def check_wording(body: str, allowed: dict[str, str] | None = None) -> None:
    """Raise WordingError if the wording has an unknown placeholder or a stray bracket.
    `allowed`: the letter's placeholders (the certificate letters' when not given)."""
    _pieces(body, allowed)


def fill(body: str, values: dict[str, str], allowed: dict[str, str] | None = None) -> str:
    """The wording with each placeholder replaced by its value (plain text)."""
    return "".join(
        piece.literal + (str(values.get(piece.field, "")) if piece.field else "")
        for piece in _pieces(body, allowed)
    )


_FACTS_MARK = "\x00facts\x00"


def split_at_facts(
    body: str, values: dict[str, str], allowed: dict[str, str]
) -> tuple[list[str], list[str]]:
    """The filled wording as (opening paragraphs, closing paragraphs), split where {facts} is.
    Without {facts}, everything is the opening (the facts then follow the wording)."""
    text = fill(body, {**values, FACTS: _FACTS_MARK}, allowed)
    opening, _mark, closing = text.partition(_FACTS_MARK)
    return paragraphs(opening), paragraphs(closing.replace(_FACTS_MARK, ""))


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines (lines inside a paragraph are kept)."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]
