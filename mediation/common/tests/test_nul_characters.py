"""NUL characters in an address or a form are refused with a plain 400, never a 500 (PostgreSQL
cannot store or compare them)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login

pytestmark = pytest.mark.django_db


def test_nul_in_a_posted_field_is_refused_plainly(client, manager_sue, open_case):
    login(client, manager_sue)
    response = client.post(
        reverse("cases:note-add", args=[open_case.reference]), {"text": "a\x00b"}
    )
    assert response.status_code == 400
    assert "could not be used" in response.content.decode()
    assert not open_case.notes.exists()


def test_nul_in_a_query_or_an_address_is_refused_plainly(client, manager_sue):
    login(client, manager_sue)
    assert client.get(reverse("cases:list"), {"q": "Sm\x00ith"}).status_code == 400
    assert client.get("/cases/MED%00-2026/").status_code == 400


def test_nul_in_a_multipart_form_is_refused_and_files_still_work(client, manager_sue, open_case):
    login(client, manager_sue)
    url = reverse("cases:note-add", args=[open_case.reference])
    bad = client.post(url, {"text": "x\x00", "file": SimpleUploadedFile("a.pdf", b"%PDF\x00")})
    assert bad.status_code == 400
    # NUL bytes inside an uploaded file are content, not a field value: not refused here.
    good = client.post(url, {"text": "fine", "file": SimpleUploadedFile("a.pdf", b"%PDF\x00")})
    assert good.status_code == 302


def test_ordinary_input_passes(client, manager_sue, open_case):
    login(client, manager_sue)
    response = client.post(
        reverse("cases:note-add", args=[open_case.reference]), {"text": "Called"}
    )
    assert response.status_code == 302
