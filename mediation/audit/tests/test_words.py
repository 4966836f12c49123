"""Every verb the code writes to the audit log has plain words for the audit pages (issue 18:
the audit search showed raw event codes). The verbs are found in the source: every `verb=`
argument and every value given to a name `verb` (constants, either branch of a condition), the
workflow's "case.step.<step>" for every step, the portal's "portal.request_<kind>" for every
kind, and the synthetic generator's bulk events."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

import mediation
from conftest import login
from mediation.audit.services import audit_record
from mediation.audit.words import VERB_WORDS, verb_words
from mediation.domain.case_states import Step
from mediation.portal.models import PortalRequest

ROOT = Path(mediation.__file__).parent


def _constants(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def verbs_in_the_code() -> set[str]:
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            is_verb_argument = isinstance(node, ast.keyword) and node.arg == "verb"
            is_verb_name = isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "verb" for t in node.targets
            )
            if is_verb_argument or is_verb_name:
                assert isinstance(node, (ast.keyword, ast.Assign))
                found.update(_constants(node.value))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "BulkAuditEvent"
            ):
                found.update(_constants(node.args[3]))
    # A local name `verb` may hold other words ("agrees to"): audit verbs are dotted codes.
    found = {verb for verb in found if re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", verb)}
    found |= {f"case.step.{step.value}" for step in Step}
    found |= {f"portal.request_{kind}" for kind in PortalRequest.Kind.values}
    return found


def test_every_verb_written_has_words():
    verbs = verbs_in_the_code()
    assert len(verbs) > 100  # the scan found the verbs (each app writes several)
    missing = sorted(verb for verb in verbs if verb_words(verb) == verb)
    assert missing == [], "Add words for these to mediation.audit.words.VERB_WORDS"
    assert all(words[0].isupper() and not words.endswith(".") for words in VERB_WORDS.values())


def test_a_step_is_named_in_its_own_words():
    assert verb_words("case.step.inform-la") == (
        "Took the step “Record that the LA has been told the family wants mediation”"
    )
    assert verb_words("something.unknown") == "something.unknown"


@pytest.mark.django_db
def test_the_audit_log_shows_words(client, manager_sue, open_case):
    audit_record(actor=manager_sue, verb="meeting.reschedule", target=open_case)
    login(client, manager_sue)
    page = client.get(reverse("audit:log")).content.decode()
    assert "Moved a meeting" in page and "<code>meeting.reschedule</code>" not in page
