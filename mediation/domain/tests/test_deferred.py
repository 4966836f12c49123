from datetime import date

import pytest

from mediation.domain.deferred import AppealEffect, deferred_decision_effect

TODAY = date(2027, 3, 10)


@pytest.mark.parametrize(
    ("panel", "appeal", "decided", "effect", "days"),
    [
        (date(2027, 3, 20), date(2027, 4, 30), None, AppealEffect.DECIDED_BEFORE_DEADLINE, 41),
        (date(2027, 4, 30), date(2027, 4, 30), None, AppealEffect.DECIDED_BEFORE_DEADLINE, 0),
        (date(2027, 5, 1), date(2027, 4, 30), None, AppealEffect.DECIDED_AFTER_DEADLINE, -1),
        (date(2027, 3, 20), date(2027, 3, 9), None, AppealEffect.DEADLINE_PASSED, -11),
        (date(2027, 3, 20), None, None, AppealEffect.NO_APPEAL_DEADLINE, None),
        (date(2027, 3, 20), date(2027, 4, 30), date(2027, 3, 18), AppealEffect.DECIDED, 41),
    ],
)
def test_effect_on_the_appeal_deadline(panel, appeal, decided, effect, days):
    result = deferred_decision_effect(
        decision_due_on=panel, appeal_deadline=appeal, today=TODAY, decided_on=decided
    )
    assert result.effect is effect
    assert result.days_to_appeal_after_decision == days
    # Whatever the panel's date, the appeal deadline itself never moves.
    assert result.appeal_deadline == appeal
    assert result.appeal_deadline_moves is False


def test_the_appeal_deadline_day_itself_has_not_passed():
    result = deferred_decision_effect(
        decision_due_on=date(2027, 3, 5), appeal_deadline=TODAY, today=TODAY
    )
    assert result.effect is AppealEffect.DECIDED_BEFORE_DEADLINE
