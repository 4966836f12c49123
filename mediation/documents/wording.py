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


class WordingError(ValueError):
    """The wording cannot be used; the message says why, in words for the editor."""


@dataclass(frozen=True)
class _Piece:
    literal: str
    field: str | None


def _pieces(body: str) -> list[_Piece]:
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
        if field not in PLACEHOLDERS or spec or conversion:
            unknown.append(shown)
        pieces.append(_Piece(literal, field))
    if unknown:
        names = ", ".join(dict.fromkeys(unknown))
        raise WordingError(
            f"Unknown placeholder {names}. Use only: "
            + ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        )
    return pieces


def check_wording(body: str) -> None:
    """Raise WordingError if the wording has an unknown placeholder or a stray bracket."""
    _pieces(body)


def fill(body: str, values: dict[str, str]) -> str:
    """The wording with each placeholder replaced by its value (plain text)."""
    return "".join(
        piece.literal + (str(values.get(piece.field, "")) if piece.field else "")
        for piece in _pieces(body)
    )


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines (lines inside a paragraph are kept)."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]
