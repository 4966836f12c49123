"""Template helpers that put GOV.UK classes and ARIA links on Django widgets."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

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
    if described_by and widget_type not in {"radioselect", "checkboxselectmultiple", "govukdate"}:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


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
