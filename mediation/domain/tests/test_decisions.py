"""One list of decisions: every one has its words, and the engine takes only appealable ones."""

from datetime import date

import pytest

from mediation.domain import deadlines
from mediation.domain.decisions import (
    APPEALABLE_DECISIONS,
    DECISION_CHOICES,
    DECISION_LABELS,
    DecisionType,
)


def test_every_decision_has_a_label_and_the_choices_follow_the_list():
    assert set(DECISION_LABELS) == set(DecisionType)
    assert [(d.value, DECISION_LABELS[d]) for d in DecisionType] == DECISION_CHOICES


def test_the_six_appealable_decisions_of_section_51_in_order():
    assert [d.value for d in APPEALABLE_DECISIONS] == [
        "refuse_assessment",
        "refuse_plan",
        "plan_contents",
        "refuse_reassessment",
        "refuse_amendment",
        "cease_plan",
    ]
    assert not DecisionType.OTHER_DISAGREEMENT.appealable


def test_the_engine_uses_the_same_decision_type():
    assert deadlines.DecisionType is DecisionType


@pytest.mark.parametrize("decision", APPEALABLE_DECISIONS)
def test_the_engine_takes_an_appealable_decision(decision):
    assert deadlines.CaseFacts(decision_type=decision, notice_sent=date(2026, 3, 2))


def test_no_clock_runs_for_a_disagreement_with_no_appeal_right():
    with pytest.raises(ValueError, match="no appeal right"):
        deadlines.CaseFacts(
            decision_type=DecisionType.OTHER_DISAGREEMENT, notice_sent=date(2026, 3, 2)
        )
