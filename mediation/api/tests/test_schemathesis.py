"""The API against its own OpenAPI schema, with schemathesis: every operation, valid and invalid
inputs (its positive and negative modes), through Django's WSGI application in this process.
Every answer must be below 500, of a status the schema declares for the operation, and match
the schema's shape; invalid input must be refused.

One check is left out: schemathesis' "positive data acceptance" expects every request that
fits the schema to be accepted, but the API refuses well-formed input that breaks the
service's rules with a 400 and the staff pages' words (a date in the future, a cursor it did
not give, an address that is not https), as the staff pages do. Everything else is checked,
its "negative data rejection" included.

Half of the references, action and endpoint numbers it generates are swapped for real ones of
the token's LA, so the checks reach the answers of real cases too, not only 404s.
"""

from __future__ import annotations

import os
import zlib

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mediation.api.api import api

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))


# Loaded when the tests are collected (pytest-django has set Django up by then; building the
# schema reads no database). schemathesis' lazy `from_fixture` fails under pytest 9.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()  # every request, the checks' own probes too, goes to Django


@pytest.fixture
def connection_kept():
    """Django's WSGI handler closes the database connection after each request, which would end
    the test's transaction on PostgreSQL: as Django's own test client does, it is kept open."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(
    db, connection_kept, settings, make_token, local_authority, other_case, final_case, open_case
):
    from mediation.accounts.models import User
    from mediation.outcomes.models import AgreedAction
    from mediation.webhooks.services import endpoint_register

    settings.API_RATE_LIMIT = 100_000
    settings.WEBHOOK_MAX_ENDPOINTS = 100_000
    endpoint = endpoint_register(
        authority=local_authority,
        url="https://send.example.gov.uk/events",
        events=["meeting.booked"],
        description="",
        by=User.objects.create(username="schema.manager", role="manager"),
    ).endpoint
    return {
        "token": make_token(local_authority, ["read", "write"]),
        "reference": [final_case.reference, open_case.reference, other_case.reference],
        "action_id": list(
            AgreedAction.objects.filter(case=final_case).values_list("pk", flat=True)
        ),
        "endpoint_id": [endpoint.pk],
    }


def _real_values(case, world) -> None:
    """Swap half of the generated path values for real ones (chosen from the value itself, so
    a failing example replays the same way)."""
    for name, value in list((case.path_parameters or {}).items()):
        real = world.get(name)
        if not real:
            continue
        pick = zlib.crc32(str(value).encode())
        if pick % 2 == 0:
            case.path_parameters[name] = real[pick // 2 % len(real)]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_keeps_to_its_schema(case, world):
    _real_values(case, world)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world['token']}"},
        excluded_checks=[positive_data_acceptance],
    )
