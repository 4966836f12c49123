"""The privacy pages: who may use them, bad input, the two-person rule and the export."""

import io
import json
import time
import zipfile

import pytest
from django.urls import reverse

from conftest import login
from mediation.accounts.step_up import SESSION_KEY as STEP_UP_KEY
from mediation.audit.models import AuditEvent
from mediation.privacy.models import AnonymisedCase, ErasureRequest, LegalHold

pytestmark = pytest.mark.django_db


def _fresh_step_up(client):
    session = client.session
    session[STEP_UP_KEY] = time.time()
    session.save()


@pytest.mark.parametrize("who", ["case_officer_cal", "mediator_mia"])
def test_only_managers_reach_privacy_pages(client, request, who, open_case):
    login(client, request.getfixturevalue(who))
    for url in [
        reverse("privacy:overview"),
        reverse("privacy:subject-access"),
        reverse("privacy:subject-access-download"),
        reverse("privacy:case", args=[open_case.reference]),
    ]:
        assert client.get(url).status_code == 403, url


def test_unknown_case_is_404(client, manager_sue):
    login(client, manager_sue)
    assert client.get(reverse("privacy:case", args=["MED-1999-00001"])).status_code == 404


def test_hold_form_needs_a_reason_then_places_the_hold(client, manager_sue, open_case):
    login(client, manager_sue)
    url = reverse("privacy:case", args=[open_case.reference])
    response = client.post(url, {"action": "hold", "hold-reason": ""})
    assert response.status_code == 400
    assert "Enter the reason for the hold" in response.content.decode()
    assert not LegalHold.objects.exists()
    response = client.post(url, {"action": "hold", "hold-reason": "Complaint"}, follow=True)
    assert "Legal hold placed" in response.content.decode()
    assert LegalHold.objects.get(case=open_case).reason == "Complaint"
    response = client.post(url, {"action": "lift", "lift-lift_reason": ""})
    assert (
        response.status_code == 400 and "Enter the reason for lifting" in response.content.decode()
    )
    client.post(url, {"action": "lift", "lift-lift_reason": "Closed"})
    assert LegalHold.objects.get(case=open_case).lifted_at is not None


def test_erasure_request_then_a_second_manager_approves(client, manager_sue, admin_ada, open_case):
    login(client, manager_sue)
    url = reverse("privacy:case", args=[open_case.reference])
    bad = client.post(
        url, {"action": "erase", "erase-scope": "party", "erase-party": "", "erase-reason": "Asked"}
    )
    assert bad.status_code == 400 and "Choose the person" in bad.content.decode()
    assert client.post(url, {"action": "erase", "erase-reason": "x"}).status_code == 400
    client.post(url, {"action": "erase", "erase-scope": "case", "erase-reason": "Asked in writing"})
    erasure = ErasureRequest.objects.get(case=open_case)
    decide = reverse("privacy:erasure-decide", args=[erasure.pk])
    # Deciding asks for a fresh code first.
    assert client.get(decide).status_code == 302
    _fresh_step_up(client)
    # The manager who asked cannot decide.
    page = client.get(decide).content.decode()
    assert "a different manager must decide it" in page
    client.post(decide, {"decision": "approve"})
    assert ErasureRequest.objects.get(pk=erasure.pk).status == "pending"
    other = client.__class__()
    login(other, admin_ada)
    _fresh_step_up(other)
    assert other.post(decide, {"decision": ""}).status_code == 400
    other.post(decide, {"decision": "approve", "note": ""})
    assert AnonymisedCase.objects.filter(case=open_case).exists()
    assert ErasureRequest.objects.get(pk=erasure.pk).decided_by == admin_ada


def test_subject_access_search_keeps_names_out_of_the_address(client, manager_sue, open_case):
    login(client, manager_sue)
    url = reverse("privacy:subject-access")
    bad = client.post(url, {"email": "", "name": ""})
    assert (
        bad.status_code == 400 and "Enter an email address or a full name" in bad.content.decode()
    )
    bad = client.post(url, {"email": "not-an-email"})
    assert bad.status_code == 400 and "right format" in bad.content.decode()
    response = client.post(url, {"email": "sarah.whitfield@example.com", "name": ""})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert open_case.reference in page


def test_subject_access_download_needs_step_up_and_holds_the_persons_data(
    client, manager_sue, open_case
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mediation.uploads.services import upload_store

    parent = open_case.parties.get(email="sarah.whitfield@example.com")
    upload_store(
        open_case,
        SimpleUploadedFile("my-letter.pdf", b"%PDF-1.4\nfrom Sarah\n%%EOF\n"),
        purpose="party_file",
        by_party=parent,
    )
    login(client, manager_sue)
    client.post(reverse("privacy:subject-access"), {"email": "sarah.whitfield@example.com"})
    download = reverse("privacy:subject-access-download")
    first = client.get(download)
    assert first.status_code == 302 and reverse("accounts:step-up") in first.url
    _fresh_step_up(client)
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["as_a_party_on_a_case"][0]["case_reference"] == open_case.reference
    assert data["as_a_party_on_a_case"][0]["name"] == "Sarah Whitfield"
    assert data["as_the_caller_of_an_enquiry"][0]["case_history"].startswith("The LA refused")
    (sent,) = [name for name in archive.namelist() if name.startswith("files-they-sent/")]
    assert archive.read(sent).startswith(b"%PDF-1.4\nfrom Sarah")
    assert "uploads.Upload" in data["records_about_them_as_a_party"]
    assert AuditEvent.objects.filter(verb="export.subject_access", actor=manager_sue).exists()


def test_subject_access_finds_the_child_by_name(client, manager_sue, open_case):
    login(client, manager_sue)
    client.post(reverse("privacy:subject-access"), {"name": "isla whitfield"})
    _fresh_step_up(client)
    data = json.loads(
        zipfile.ZipFile(
            io.BytesIO(client.get(reverse("privacy:subject-access-download")).content)
        ).read("data.json")
    )
    assert [case["reference"] for case in data["as_the_child_of_a_case"]] == [open_case.reference]


def test_overview_shows_preview_without_changing_anything(client, manager_sue, open_case):
    login(client, manager_sue)
    response = client.get(reverse("privacy:overview"), {"preview": "1"})
    assert response.status_code == 200 and "Nothing has been changed" in response.content.decode()
