from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Tests run on Wed 2 Dec 2026: November 2026 is the last whole month.
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def step_up_done(monkeypatch):
    """Downloads ask for a fresh code (tested once in test_views); the other tests have one."""
    from mediation.accounts import step_up

    monkeypatch.setattr(step_up, "step_up_is_fresh", lambda request: True)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def other_authority(db):
    from mediation.cases.tests.factories import LocalAuthorityFactory

    return LocalAuthorityFactory(name="Southbury County Council", code="SBY")
