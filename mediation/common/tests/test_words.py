"""Labels in the middle of a sentence keep their abbreviations: "the LA", never "the la"
(issue 18). Every label the product writes mid-sentence goes through `lower_first`; templates
never lower a whole label (only an email address, to compare it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.template import Context, Template

from mediation.common.words import lower_first
from mediation.domain.case_states import STATE_LABELS, STEPS

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
ABBREVIATIONS = re.compile(r"\b(LA|EHC|CFA|IASS|SENDIASS|CAMHS|SEND|ICB)\b")


@pytest.mark.parametrize(
    ("label", "mid_sentence"),
    [
        ("Record that the LA has been told", "record that the LA has been told"),
        ("LA changed its decision", "LA changed its decision"),
        ("EHC plan section", "EHC plan section"),
        ("Family withdrew", "family withdrew"),
        ("“Quoted” words", "“quoted” words"),
        ("", ""),
    ],
)
def test_only_the_first_letter_of_an_ordinary_word_is_lowered(label, mid_sentence):
    assert lower_first(label) == mid_sentence


def _labels() -> list[str]:
    found = [spec.label for spec in STEPS.values()] + list(STATE_LABELS.values())
    for model in apps.get_models():
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None)
            if isinstance(field, models.Field) and choices:
                found.extend(str(label) for _value, label in choices if isinstance(label, str))
    return found


def test_every_label_keeps_its_abbreviations_mid_sentence():
    labels = _labels()
    assert any("LA" in label for label in labels)
    for label in labels:
        assert ABBREVIATIONS.findall(lower_first(label)) == ABBREVIATIONS.findall(label), label


def test_the_template_filter_is_the_same():
    rendered = Template("{% load govuk %}{{ label|lower_first }}").render(
        Context({"label": "The LA changed its decision"})
    )
    assert rendered == "the LA changed its decision"


def test_no_template_lowers_a_whole_label():
    offenders = []
    for path in TEMPLATES.rglob("*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for use in re.findall(r"[\w.]+\|lower\b(?!_first)", line):
                if not use.endswith("email|lower"):
                    offenders.append(f"{path.relative_to(TEMPLATES)}:{number}: {use}")
    assert offenders == [], "Use |lower_first for a label mid-sentence"
