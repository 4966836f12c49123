"""Taking names out of free text for reports: each name known on a case becomes the person's role
("the parent", "the child"). Used by the examples of agreed actions (services.action_examples)
and the survey's comments (mediation.reports.feedback)."""

from __future__ import annotations

import re

from mediation.cases.models import PartyRole

ROLE_WORDS: dict[str, str] = {
    PartyRole.PARENT_CARER: "the parent",
    PartyRole.YOUNG_PERSON: "the young person",
    PartyRole.REPRESENTATIVE: "the representative",
    PartyRole.CHILD: "the child",
    PartyRole.LA_REPRESENTATIVE: "the LA officer",
    PartyRole.HEALTH_REPRESENTATIVE: "the health officer",
    PartyRole.INFORMATION_PROVIDER: "the professional",
    PartyRole.SUPPORTER: "the supporter",
    PartyRole.OTHER_CALLER: "the caller",
}
_TITLES = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+)?"
# Words that are part of a name now and then but far more often the words of the text itself
# ("the mediator was kind"): a full name holding one is still replaced, the word alone is not.
_NOT_NAMES = frozenset(
    {"mediator", "officer", "manager", "admin", "parent", "child", "family", "the", "and", "of"}
)


def scrub_names(text: str, names: list[tuple[str, str]]) -> str:
    """Replace each known name (full name, then each part of two letters or more, with any
    title before it) by its role word, whole words only and ignoring case. A name part shared
    by people in different roles (a family name) becomes "the family"."""
    full: dict[str, str] = {}
    parts: dict[str, set[str]] = {}
    for name, word in names:
        name = " ".join(name.split())
        if not name:
            continue
        full.setdefault(name.lower(), word)
        for part in re.split(r"[\s\-']+", name):
            if len(part) >= 2 and part.lower() not in _NOT_NAMES:
                parts.setdefault(part.lower(), set()).add(word)
    # A part shared by people in different roles (a family name) says only "the family".
    pairs = {
        part: (next(iter(words)) if len(words) == 1 else "the family")
        for part, words in parts.items()
    }
    pairs.update(full)
    for name in sorted(pairs, key=len, reverse=True):
        pattern = re.compile(rf"\b{_TITLES}{re.escape(name)}\b", re.IGNORECASE)
        text = pattern.sub(pairs[name], text)
    return text
