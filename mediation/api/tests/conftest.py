"""Two local authorities, a token of each kind, and cases at the stages the API writes to.

- `local_authority` (NFD, from the top-level conftest) owns `open_case` (mediation requested)
  and `final_case` (meeting held 30 days ago, outcome statement final with an LA action and a
  school action).
- `other_la` (SOU) owns `other_case`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mediation.outcomes.tests.conftest import agree_all, make_held_case, write_statement


@pytest.fixture
def other_la(db):
    from mediation.cases.tests.factories import LocalAuthorityFactory

    return LocalAuthorityFactory(name="Southmoor City Council", code="SOU")


@pytest.fixture
def make_token(db) -> Callable[..., str]:
    from mediation.api.services import token_create

    def make(authority, scopes=("read", "write"), days=30, name="SEND system") -> str:
        return token_create(
            authority=authority,
            name=name,
            scopes=list(scopes),
            expires_on=timezone.localdate() + timedelta(days=days),
            by=None,
        ).secret

    return make


class Api:
    """A test client that sends one token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any):
        return self.client.get(f"/api/v1{path}", params, **self.headers)

    def post(self, path: str, body: Any):
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", **self.headers
        )

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}", **self.headers)


@pytest.fixture
def api_as():
    return Api


@pytest.fixture
def nfd_api(make_token, local_authority) -> Api:
    return Api(make_token(local_authority))


@pytest.fixture
def other_case(other_la, case_officer_cal, mediator_mia):
    from mediation.cases import services
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route
    from mediation.workflow.services import case_open_from_enquiry

    enquiry = services.enquiry_record(by=case_officer_cal, data=enquiry_data(other_la))
    return case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
    )


@pytest.fixture
def final_case(case_officer_cal, mediator_mia, local_authority):
    """Held 30 days ago; final statement with an LA assessment (overdue) and a school action."""
    from mediation.outcomes import services

    case = make_held_case(case_officer_cal, mediator_mia, local_authority)
    write_statement(
        case,
        mediator_mia,
        actions=[
            ("Ask Dr Okafor for an educational psychology report", "assessment", None, "la"),
            ("Put reading support in place", "not_appealable", None, "school"),
        ],
    )
    agree_all(case, mediator_mia)
    services.statement_finalise(case=case, by=mediator_mia)
    case.refresh_from_db()
    return case
