"""`{{ event.verb|verb_words }}`: an audit event's verb in plain words (mediation.audit.words)."""

from __future__ import annotations

from django import template

from mediation.audit.words import verb_words as _verb_words

register = template.Library()


@register.filter
def verb_words(verb: str) -> str:
    return _verb_words(verb)
