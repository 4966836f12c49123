"""Who may call what: every operation × two LAs × the scopes × tokens that no longer work.

A token of one LA never reaches another LA's case (404, as for a case that does not exist);
reads need the read scope, writes the write scope (403 otherwise); a missing, wrong, revoked or
expired token is 401. The operations come from the schema, so a new one without a row fails.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mediation.api.api import api
from mediation.api.models import ApiToken
from mediation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()

# Each operation: (method, path with {case} and {action}, body, scope it needs).
OPERATIONS = {
    ("get", "/api/v1/cases"): ("get", "/cases", None, "read"),
    ("get", "/api/v1/cases/{reference}"): ("get", "/cases/{case}", None, "read"),
    ("post", "/api/v1/cases/{reference}/la-informed"): (
        "post",
        "/cases/{case}/la-informed",
        {"on": TODAY},
        "write",
    ),
    ("post", "/api/v1/cases/{reference}/attendee"): (
        "post",
        "/cases/{case}/attendee",
        {"name": "Priya Shah", "issues": ["education"], "confirmed_on": TODAY},
        "write",
    ),
    ("post", "/api/v1/cases/{reference}/actions/{action_id}/done"): (
        "post",
        "/cases/{case}/actions/{action}/done",
        {"done_on": TODAY, "evidence": "Letter of 3 March"},
        "write",
    ),
    ("post", "/api/v1/cases/{reference}/actions/{action_id}/new-date"): (
        "post",
        "/cases/{case}/actions/{action}/new-date",
        {"new_due": TODAY, "agreed_in_writing_on": TODAY, "reason": "Agreed by email"},
        "write",
    ),
    ("get", "/api/v1/webhooks"): ("get", "/webhooks", None, "read"),
    ("post", "/api/v1/webhooks"): (
        "post",
        "/webhooks",
        {"url": "https://send.example.gov.uk/events", "events": ["meeting.booked"]},
        "read",
    ),
    ("delete", "/api/v1/webhooks/{endpoint_id}"): ("delete", "/webhooks/{endpoint}", None, "read"),
}
CASE_SPECIFIC = {key for key, (_m, path, _b, _s) in OPERATIONS.items() if "{case}" in path}


def test_every_operation_has_a_row():
    schema = api.get_openapi_schema()
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}
    assert operations == set(OPERATIONS)


def _call(api_client, key, case, action_id, endpoint_id):
    method, path, body, _scope = OPERATIONS[key]
    path = path.format(case=case.reference, action=action_id, endpoint=endpoint_id)
    if method == "get":
        return api_client.get(path)
    if method == "delete":
        return api_client.delete(path)
    return api_client.post(path, body)


@pytest.fixture
def endpoint_of(db):
    from mediation.webhooks.services import endpoint_register

    def make(authority):
        return endpoint_register(
            authority=authority,
            url="https://send.example.gov.uk/existing",
            events=["case.opened"],
            description="",
            by=_manager(),
        ).endpoint

    return make


def _manager():
    from mediation.cases.tests.factories import UserFactory

    return UserFactory(role="manager")


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_scopes_and_authorities(
    key,
    settings,
    make_token,
    api_as,
    local_authority,
    other_la,
    final_case,
    other_case,
    endpoint_of,
):
    from mediation.outcomes.models import AgreedAction

    settings.WEBHOOK_MAX_ENDPOINTS = 20
    action = AgreedAction.objects.filter(case=final_case, who="la").first()
    assert action is not None
    action_id = action.pk
    _method, _path, _body, scope = OPERATIONS[key]
    outcomes = {}
    for name, scopes in (("read", ["read"]), ("write", ["write"]), ("both", ["read", "write"])):
        endpoint = endpoint_of(local_authority)
        response = _call(
            api_as(make_token(local_authority, scopes)), key, final_case, action_id, endpoint.pk
        )
        outcomes[name] = response.status_code
    allowed = {
        name
        for name, scopes in (("read", {"read"}), ("write", {"write"}), ("both", {"read", "write"}))
        if scope in scopes
    }
    for name, status in outcomes.items():
        if name in allowed:
            # Not refused (a 409 is the case's state answering, past every check of access).
            assert status in (200, 201, 204, 409), (key, name, status)
        else:
            assert status == 403, (key, name, status)
    # The other LA's token, with every scope: never the NFD case, nor its endpoint.
    other_endpoint = endpoint_of(local_authority)
    other = _call(
        api_as(make_token(other_la, ["read", "write"])),
        key,
        final_case,
        action_id,
        other_endpoint.pk,
    )
    if key in CASE_SPECIFIC or "endpoint_id" in key[1]:
        assert other.status_code == 404, (key, other.status_code)
    else:
        assert other.status_code in (200, 201)
        assert final_case.reference not in other.content.decode()


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_no_usable_token_is_401(key, make_token, api_as, local_authority, final_case):
    revoked = make_token(local_authority)
    ApiToken.objects.update(revoked_at=timezone.now())
    expired = make_token(local_authority)
    ApiToken.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for token in (None, "mla_not-a-token", revoked, expired, "Basic dXNlcjpwYXNz"):
        response = _call(api_as(token), key, final_case, 1, 1)
        assert response.status_code == 401, (key, token)
        assert response.json()["errors"][0]["message"].startswith("Send a token")
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(verb="api.refused").count() == 5


def test_a_staff_session_is_not_a_token(client, manager_sue, final_case):
    from conftest import login

    login(client, manager_sue)
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/api/v1/cases/{final_case.reference}").status_code == 401


def test_too_many_calls_are_429_with_retry_after(
    settings, make_token, api_as, local_authority, open_case
):
    settings.API_RATE_LIMIT = 3
    api_client = api_as(make_token(local_authority))
    statuses = [api_client.get("/cases").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = api_client.get("/cases")
    assert 1 <= int(limited["Retry-After"]) <= settings.API_RATE_WINDOW_SECONDS
    assert limited.json()["errors"][0]["message"].startswith("Too many requests")
    # Another token has its own count.
    assert api_as(make_token(local_authority)).get("/cases").status_code == 200


def test_bad_tokens_from_one_address_are_limited_too(settings, api_as, open_case):
    settings.API_RATE_LIMIT = 2
    statuses = [api_as("mla_guess").get("/cases").status_code for _ in range(4)]
    assert statuses == [401, 401, 429, 429]


def test_the_token_is_kept_only_as_its_hash(make_token, local_authority):
    secret = make_token(local_authority)
    token = ApiToken.objects.get()
    assert secret not in str(list(ApiToken.objects.values_list()))
    assert token.prefix == secret[:12] and len(secret) > 40


def test_the_command_makes_lists_and_revokes(capsys, local_authority, api_as, open_case):
    call_command("api_token", "create", "--la", "nfd", "--name", "Capita ONE", "--scope", "read")
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert api_as(secret).get("/cases").status_code == 200
    assert (
        api_as(secret).post(f"/cases/{open_case.reference}/la-informed", {"on": TODAY}).status_code
        == 403
    )
    call_command("api_token", "list", "--la", "NFD")
    listed = capsys.readouterr().out
    assert "Capita ONE" in listed and "in use" in listed and secret not in listed
    token = ApiToken.objects.get()
    call_command("api_token", "revoke", str(token.pk))
    assert api_as(secret).get("/cases").status_code == 401
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no local authority"):
        call_command("api_token", "create", "--la", "XXX", "--name", "x", "--scope", "read")
