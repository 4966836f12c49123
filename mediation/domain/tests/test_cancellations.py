from datetime import date

from mediation.domain.cancellations import Stage, la_cancellations

TODAY = date(2027, 3, 10)


def _effect(**overrides):
    facts = {
        "times": 2,
        "today": TODAY,
        "mediation_by": date(2027, 3, 20),
        "mediation_held": False,
        "la_said_unable_on": None,
        "health_only": False,
        **overrides,
    }
    return la_cancellations(**facts)


def test_nothing_to_say_before_the_second_time_or_once_the_meeting_was_held():
    assert _effect(times=0) is None
    assert _effect(times=1) is None
    assert _effect(mediation_held=True) is None


def test_the_second_time_with_the_limit_ahead():
    effect = _effect()
    assert effect is not None
    assert effect.stage is Stage.LIMIT_AHEAD
    assert effect.days_left == 10
    assert effect.deemed_possible


def test_the_limit_day_itself_is_still_ahead_and_the_day_after_has_passed():
    assert _effect(mediation_by=TODAY).stage is Stage.LIMIT_AHEAD
    passed = _effect(times=3, mediation_by=date(2027, 3, 9))
    assert passed.stage is Stage.LIMIT_PASSED
    assert passed.days_left == -1
    assert passed.days_since_limit == 1
    assert _effect().days_since_limit == 0
    assert passed.times == 3


def test_the_la_already_said_it_cannot_arrange_mediation():
    effect = _effect(la_said_unable_on=date(2027, 3, 1), mediation_by=date(2027, 2, 1))
    assert effect.stage is Stage.LA_SAID_UNABLE


def test_unknown_limit_and_health_only_mediation_has_no_deemed_certificate():
    assert _effect(mediation_by=None).stage is Stage.LIMIT_UNKNOWN
    assert _effect(health_only=True).deemed_possible is False
