import pytest


@pytest.fixture(autouse=True)
def step_up_done(monkeypatch):
    """Exports ask for a fresh code (tested in test_exports); the other tests have one."""
    from mediation.accounts import step_up

    monkeypatch.setattr(step_up, "step_up_is_fresh", lambda request: True)
