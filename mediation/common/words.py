"""Small helpers for words the product writes: a label in the middle of a sentence.

Lower-casing a whole label breaks its names and abbreviations ("the la", "ehc plan", "cfa
2014"): `lower_first` lowers only the first letter, and only when the first word is an
ordinary word, so "The LA changed its decision" becomes "the LA changed its decision" and
"LA told: arranging mediation" stays as it is. Every label put mid-sentence goes through it
(the `lower_first` template filter, mediation.common.templatetags.govuk).
"""

from __future__ import annotations


def lower_first(text: str) -> str:
    """`text` with its first letter lowered, unless its first word is an abbreviation or a
    name written in capitals ("LA", "EHC", "IASS", "SENDIASS", "CAMHS")."""
    if not text:
        return text
    first = text.split(maxsplit=1)[0].strip("(:,.;“”\"'")
    if len(first) > 1 and any(ch.isupper() for ch in first[1:]):
        return text
    at = next((i for i, ch in enumerate(text) if ch.isalpha()), None)
    if at is None:
        return text
    return text[:at] + text[at].lower() + text[at + 1 :]
