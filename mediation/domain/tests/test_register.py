from datetime import date

import pytest

from mediation.domain.register import RegistrationState, registration_state

TODAY = date(2027, 3, 10)


@pytest.mark.parametrize(
    ("renews_on", "state", "days_left"),
    [
        (None, RegistrationState.NOT_RECORDED, None),
        (date(2027, 3, 9), RegistrationState.LAPSED, -1),
        (date(2026, 3, 10), RegistrationState.LAPSED, -365),
        (date(2027, 3, 10), RegistrationState.DUE_SOON, 0),  # the renewal day itself still holds
        (date(2027, 5, 9), RegistrationState.DUE_SOON, 60),  # the last day of the notice period
        (date(2027, 5, 10), RegistrationState.CURRENT, 61),
    ],
)
def test_state_by_the_renewal_date(renews_on, state, days_left):
    registration = registration_state(renews_on, TODAY)
    assert registration.state is state
    assert registration.days_left == days_left
    assert registration.allows_allocation is (state is not RegistrationState.LAPSED)


def test_notice_period_can_be_set():
    assert registration_state(date(2027, 3, 20), TODAY, notice_days=5).state is (
        RegistrationState.CURRENT
    )
    assert registration_state(date(2027, 3, 15), TODAY, notice_days=5).state is (
        RegistrationState.DUE_SOON
    )
    with pytest.raises(ValueError):
        registration_state(TODAY, TODAY, notice_days=-1)
