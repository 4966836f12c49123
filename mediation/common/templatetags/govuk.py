"""Template helpers that put GOV.UK classes and ARIA links on Django widgets."""

from __future__ import annotations

import copy
from datetime import datetime, time

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from mediation.common.words import lower_first as _lower_first
from mediation.domain.dates import format_time

register = template.Library()


@register.filter
def lower_first(text: object) -> str:
    """A label in the middle of a sentence, its abbreviations kept (mediation.common.words)."""
    return _lower_first(str(text))


@register.filter
def clock(moment: datetime | time | None) -> str:
    """A time of day as we write it for people: "10am", "2:30pm" (not "10:00 a.m.")."""
    if moment is None or moment == "":
        return ""
    return format_time(moment.time() if isinstance(moment, datetime) else moment)


# Keys are Django's BoundField.widget_type: the widget class name without "Input"/"Widget".
TEXT_LIKE = {"text", "email", "number", "password", "url", "tel", "search"}
_CLASSES = {
    **{kind: "govuk-input" for kind in TEXT_LIKE},
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "checkbox": "govuk-checkboxes__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


@register.simple_tag
def govuk_widget(field: BoundField) -> SafeString:
    """Render the field's widget with GOV.UK classes, error state and aria-describedby."""
    widget_type = field.widget_type
    classes = [_CLASSES.get(widget_type, "")]
    existing = field.field.widget.attrs.get("class", "")
    if existing:
        classes.append(existing)
    if field.errors and widget_type in TEXT_LIKE:
        classes.append("govuk-input--error")
    if field.errors and widget_type == "textarea":
        classes.append("govuk-textarea--error")
    if field.errors and widget_type == "select":
        classes.append("govuk-select--error")
    if field.errors and widget_type == "govukdate":
        classes.append("govuk-input--error")
    attrs: dict[str, str | bool] = {"class": " ".join(c for c in classes if c)}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    limit = character_limit(field)
    if limit:
        # The GOV.UK character count: the limit is shown and counted as people type, and going
        # past it is a message, never text silently cut (so no maxlength attribute).
        attrs["class"] = f"{attrs['class']} govuk-js-character-count"
        described_by.append(f"{field.auto_id}-info")
    if described_by and widget_type not in {"radioselect", "checkboxselectmultiple", "govukdate"}:
        attrs["aria-describedby"] = " ".join(described_by)
    if not limit:
        return field.as_widget(attrs=attrs)
    # A browser cuts pasted text at maxlength without a word: with the count shown instead,
    # the server's check says next to the field how long it may be.
    widget = copy.copy(field.field.widget)
    widget.attrs = {name: value for name, value in widget.attrs.items() if name != "maxlength"}
    return field.as_widget(widget=widget, attrs=attrs)


def character_limit(field: BoundField) -> int | None:
    """The most characters a long text (a text area) may hold, if it has a limit."""
    if field.widget_type != "textarea":
        return None
    limit = getattr(field.field, "max_length", None)
    return int(limit) if limit else None


@register.filter(name="character_limit")
def character_limit_filter(field: BoundField) -> int | None:
    return character_limit(field)


@register.filter
def first_input_id(field: BoundField) -> str:
    """The id the error summary links to: the first box of a date, the first radio, else the field."""
    if field.widget_type in {"govukdate", "radioselect", "checkboxselectmultiple"}:
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def lookup(mapping: dict, key: object) -> object:
    """`{{ some_dict|lookup:key }}`: a dictionary value by a key held in a variable."""
    return mapping.get(key) if mapping else None
