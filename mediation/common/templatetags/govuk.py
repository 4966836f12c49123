"""Template helpers that put GOV.UK classes and ARIA links on Django widgets."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_CLASSES = {
    "textinput": "govuk-input",
    "emailinput": "govuk-input",
    "numberinput": "govuk-input",
    "passwordinput": "govuk-input",
    "urlinput": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "checkboxinput": "govuk-checkboxes__input",
    "clearablefileinput": "govuk-file-upload",
    "fileinput": "govuk-file-upload",
}


@register.simple_tag
def govuk_widget(field: BoundField) -> SafeString:
    """Render the field's widget with GOV.UK classes, error state and aria-describedby."""
    widget_type = field.widget_type
    classes = [_CLASSES.get(widget_type, "")]
    existing = field.field.widget.attrs.get("class", "")
    if existing:
        classes.append(existing)
    if field.errors and widget_type in {"textinput", "emailinput", "numberinput", "passwordinput"}:
        classes.append("govuk-input--error")
    if field.errors and widget_type == "textarea":
        classes.append("govuk-textarea--error")
    if field.errors and widget_type == "select":
        classes.append("govuk-select--error")
    if field.errors and widget_type == "govukdateinput":
        classes.append("govuk-input--error")
    attrs: dict[str, str] = {"class": " ".join(c for c in classes if c)}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    if described_by and widget_type not in {"radioselect", "checkboxselectmultiple", "govukdateinput"}:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def first_input_id(field: BoundField) -> str:
    """The id the error summary links to: the first box of a date, the first radio, else the field."""
    if field.widget_type in {"govukdateinput", "radioselect", "checkboxselectmultiple"}:
        return f"{field.auto_id}_0"
    return field.auto_id
