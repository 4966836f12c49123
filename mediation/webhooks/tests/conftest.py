from __future__ import annotations

import pytest

# The meetings tests' case ready for a meeting, and an offered slot.
from mediation.meetings.tests.conftest import arranging_case, slot  # noqa: F401

from .receiver import Receiver


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def manager(db):
    from mediation.cases.tests.factories import UserFactory

    return UserFactory(username="mo", role="manager")


@pytest.fixture
def endpoint(local_authority, manager, receiver):
    """An endpoint of NFD at the receiver, for every kind of event (`.endpoint`), with its
    secret (`.secret`)."""
    from mediation.webhooks.models import EventKind
    from mediation.webhooks.services import endpoint_register

    made = endpoint_register(
        authority=local_authority,
        url=receiver.url,
        events=list(EventKind.values),
        description="Test",
        by=manager,
    )
    return made
