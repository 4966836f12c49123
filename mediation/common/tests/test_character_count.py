"""A long text shows its limit and counts as people type (the GOV.UK character count); the
browser never cuts pasted text silently, so the server's message says how long it may be (issue
18: long text was cut without a word)."""

from __future__ import annotations

from django import forms


class _Form(forms.Form):
    note = forms.CharField(
        label="Note",
        max_length=500,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 500 characters or fewer"},
    )
    name = forms.CharField(label="Name", max_length=80)
    free = forms.CharField(label="No limit", widget=forms.Textarea, required=False)


def test_a_long_text_shows_its_limit_and_is_not_cut():
    html = _Form().as_div()
    note = html[html.index('<div class="govuk-form-group govuk-character-count"') :]
    note = note[: note.index("</textarea>") + 200]
    assert 'data-module="govuk-character-count" data-maxlength="500"' in note
    assert "govuk-js-character-count" in note and 'aria-describedby="id_note-info"' in note
    assert 'id="id_note-info"' in note and "You can enter up to 500 characters" in note
    assert "maxlength" not in note.split('data-maxlength="500"')[1]
    # A short text keeps the browser's limit; a text without a limit shows no count.
    assert 'maxlength="80"' in html
    assert html.count("govuk-character-count__message") == 1


def test_past_the_limit_is_a_message_beside_the_field():
    form = _Form({"note": "x" * 501, "name": "Sam"})
    assert not form.is_valid()
    assert form.errors["note"] == ["The note must be 500 characters or fewer"]
    html = form.as_div()
    assert "govuk-form-group--error" in html and "x" * 501 in html
