"""Staff pages: who may use each one, downloads, bad input on every form, a fixed query count."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import audit_sealing_queries, login
from mediation.audit.models import AuditEvent
from mediation.uploads import services
from mediation.uploads.models import ChildViews, Purpose, Upload
from mediation.uploads.tests import samples
from mediation.uploads.tests.samples import upload
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db

ROLES = [
    "case_officer_cal",
    "case_officer_cleo",
    "mediator_mia",
    "mediator_max",
    "manager_sue",
    "admin_ada",
]
VIEW = (200, 200, 200, 404, 200, 200)
MANAGE = (200, 200, 403, 404, 200, 200)
GET_PAGES = {
    "case-files": VIEW,
    "download": VIEW,
    "child-views-record": VIEW,
    "upload": MANAGE,
    "remove": MANAGE,
}


@pytest.fixture
def stored(open_case, case_officer_cal):
    return services.upload_store(
        open_case,
        upload("letter.pdf", samples.PDF),
        purpose=Purpose.STAFF_FILE,
        by_user=case_officer_cal,
    )


def _url(name, case, item=None):
    if name in {"download", "remove", "share"}:
        return reverse(f"uploads:{name}", args=[case.reference, item.pk])
    return reverse(f"uploads:{name}", args=[case.reference])


@pytest.mark.parametrize("name", GET_PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_permission_matrix(client, cast, open_case, stored, name, role_index):
    login(client, cast[ROLES[role_index]])
    response = client.get(_url(name, open_case, stored))
    assert response.status_code == GET_PAGES[name][role_index]


@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_share_permission(client, cast, open_case, stored, role_index):
    login(client, cast[ROLES[role_index]])
    response = client.post(_url("share", open_case, stored), {"shared": "yes"})
    expected = {200: 302, 403: 403, 404: 404}[MANAGE[role_index]]
    assert response.status_code == expected
    stored.refresh_from_db()
    assert stored.shared_with_parties is (expected == 302)


@pytest.mark.parametrize("name", [*GET_PAGES, "share"])
def test_signed_out_goes_to_sign_in(client, open_case, stored, name):
    response = client.get(_url(name, open_case, stored))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "sign-in" in response["Location"]


def test_case_page_links_to_the_files(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    response = client.get(reverse("cases:detail", args=[open_case.reference]))
    assert reverse("uploads:case-files", args=[open_case.reference]).encode() in response.content


# Downloads -------------------------------------------------------------------------------------


def test_download_is_an_attachment_never_sniffed(client, open_case, stored, mediator_mia):
    login(client, mediator_mia)
    response = client.get(_url("download", open_case, stored))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="letter.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    event = AuditEvent.objects.get(verb="document.download")
    assert event.actor == mediator_mia and event.object_id == str(stored.pk)
    assert "letter" not in str(event.detail)


def test_download_name_with_quotes_and_accents_is_safe(client, open_case, case_officer_cal):
    file = upload("x.pdf", samples.PDF)
    file._name = 'Zoë "report"\r\nSet-Cookie: x.pdf'
    item = services.upload_store(
        open_case, file, purpose=Purpose.STAFF_FILE, by_user=case_officer_cal
    )
    login(client, case_officer_cal)
    response = client.get(_url("download", open_case, item))
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.startswith('attachment; filename="Zo_ reportSet-Cookie x.pdf"')
    assert "filename*=UTF-8''Zo%C3%AB%20reportSet-Cookie%20x.pdf" in disposition


def test_removed_upload_is_not_found(client, open_case, stored, case_officer_cal):
    services.upload_remove(stored, by_user=case_officer_cal, reason="Wrong case")
    login(client, case_officer_cal)
    assert client.get(_url("download", open_case, stored)).status_code == 404
    assert client.get(_url("remove", open_case, stored)).status_code == 404
    assert client.post(_url("share", open_case, stored), {"shared": "yes"}).status_code == 404


def test_upload_of_another_case_is_not_found_through_this_one(
    client, open_case, stored, case_officer_cal, local_authority
):
    from mediation.cases import services as case_services
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route

    other_enquiry = case_services.enquiry_record(
        by=case_officer_cal, data=enquiry_data(local_authority)
    )
    other = workflow_services.case_open_from_enquiry(
        enquiry=other_enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
    )
    login(client, case_officer_cal)
    assert client.get(_url("download", other, stored)).status_code == 404


def test_files_are_not_reachable_by_any_url(client, open_case, stored, case_officer_cal):
    login(client, case_officer_cal)
    for prefix in ("/static/", "/media/", "/", "/uploads/", "/var/uploads/"):
        assert client.get(prefix + stored.stored_name).status_code == 404


# Uploading through the page -------------------------------------------------------------------


def test_upload_through_the_page(client, open_case, case_officer_cal, upload_root):
    login(client, case_officer_cal)
    response = client.post(
        _url("upload", open_case),
        {"file": upload("Report.PDF", samples.PDF), "purpose": "la_file", "share": "on"},
    )
    assert response.status_code == 302
    item = Upload.objects.get()
    assert item.purpose == "la_file" and item.shared_with_parties
    assert item.uploaded_by_user == case_officer_cal
    assert (upload_root / item.stored_name).exists()
    page = client.get(_url("case-files", open_case))
    assert b"Report.pdf" in page.content and b"Shared" in page.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"purpose": "staff_file"}, "Select a file"),
        ({"file": upload("page.pdf", samples.HTML)}, services.NOT_ALLOWED),
        ({"file": upload("picture.svg", samples.SVG)}, services.NOT_ALLOWED),
        ({"file": upload("empty.pdf", b"")}, "The selected file is empty"),
    ],
)
def test_upload_form_invalid(client, open_case, case_officer_cal, data, message):
    login(client, case_officer_cal)
    response = client.post(_url("upload", open_case), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "govuk-error-summary" in content and message in content
    assert 'href="#id_file"' in content or 'href="#id_purpose_0"' in content
    assert 'enctype="multipart/form-data"' in content
    assert not Upload.objects.exists()


def test_too_large_upload_is_a_message_not_an_error(client, open_case, case_officer_cal, settings):
    """Bigger than Django keeps in memory (so it goes to a temporary file) and than the limit."""
    settings.UPLOAD_MAX_DOCUMENT_MB = 1
    settings.UPLOAD_MAX_MEDIA_MB = 2
    big = samples.PDF + b"0" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024)
    login(client, case_officer_cal)
    response = client.post(
        _url("upload", open_case), {"file": upload("big.pdf", big), "purpose": "staff_file"}
    )
    assert response.status_code == 400
    assert (
        "The selected file must be smaller than 1 MB, or 2 MB for audio and video"
        in response.content.decode()
    )
    assert not Upload.objects.exists()


def test_paper_or_photo_over_its_limit_says_so(client, open_case, case_officer_cal, settings):
    settings.UPLOAD_MAX_DOCUMENT_MB = 1
    login(client, case_officer_cal)
    big = samples.PDF + b"0" * (1024 * 1024)
    response = client.post(
        _url("upload", open_case), {"file": upload("big.pdf", big), "purpose": "staff_file"}
    )
    assert response.status_code == 400
    assert "The selected file must be smaller than 1 MB" in response.content.decode()


def test_virus_found_is_shown_next_to_the_field(
    client, open_case, case_officer_cal, settings, tmp_path
):
    script = tmp_path / "scan.sh"
    script.write_text("#!/bin/sh\ncat > /dev/null\nexit 1\n")
    script.chmod(0o700)
    settings.UPLOAD_VIRUS_SCANNER = str(script)
    login(client, case_officer_cal)
    response = client.post(
        _url("upload", open_case),
        {"file": upload("letter.pdf", samples.PDF), "purpose": "staff_file"},
    )
    assert response.status_code == 400
    assert services.INFECTED in response.content.decode()
    assert not Upload.objects.exists()


# Removing --------------------------------------------------------------------------------------


def test_remove_form_invalid_then_valid(client, open_case, stored, case_officer_cal):
    login(client, case_officer_cal)
    response = client.post(_url("remove", open_case, stored), {"reason": "   "})
    assert response.status_code == 400
    assert "Enter why you are removing the file" in response.content.decode()
    stored.refresh_from_db()
    assert not stored.is_removed
    response = client.post(_url("remove", open_case, stored), {"reason": "Sent to the wrong case"})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.is_removed
    page = client.get(_url("case-files", open_case))
    assert b"File removed" in page.content
    assert _url("download", open_case, stored).encode() not in page.content


# Children's views ------------------------------------------------------------------------------

VIEWS: dict[str, Any] = {
    "given_via": "meeting",
    "going_well": "Drawing with Mr Okafor",
    "hard": "The bus",
    "would_like": "",
    "who_helps": "",
    "helped_by": "Gran",
    "share_with": "mediator_only",
}


def test_record_views_through_the_page(client, open_case, mediator_mia):
    login(client, mediator_mia)
    response = client.post(
        _url("child-views-record", open_case),
        {**VIEWS, "attachments": [upload("drawing.png", samples.image("PNG"))]},
    )
    assert response.status_code == 302
    views = ChildViews.objects.get()
    assert views.recorded_by_user == mediator_mia and views.share_with == "mediator_only"
    assert views.attachments.get().content_type == "image/png"
    page = client.get(_url("case-files", open_case)).content.decode()
    assert "Drawing with Mr Okafor" in page and "Only for the mediator" in page
    assert "drawing.png" in page
    read = AuditEvent.objects.get(verb="read", detail__page="uploads:case-files")
    assert read.detail["child_views"] == [views.pk]  # the child's words are not in the log


def test_views_form_empty(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    response = client.post(_url("child-views-record", open_case), {})
    assert response.status_code == 400
    content = response.content.decode()
    for message in (
        "Select how they gave their views",
        "Select who can see their views",
        "Enter at least one answer, or attach a file with their views",
    ):
        assert message in content
    assert not ChildViews.objects.exists()


def test_views_form_bad_attachment_keeps_the_answers(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    response = client.post(
        _url("child-views-record", open_case),
        {**VIEWS, "attachments": [upload("x.pdf", samples.HTML)]},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert services.NOT_ALLOWED in content and 'href="#id_attachments"' in content
    assert "Drawing with Mr Okafor" in content  # nothing typed is lost
    assert not ChildViews.objects.exists()


def test_views_form_too_many_and_too_long(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    response = client.post(
        _url("child-views-record", open_case),
        {
            **VIEWS,
            "going_well": "x" * 5001,
            "attachments": [upload(f"{i}.png", samples.image("PNG")) for i in range(6)],
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Select up to 5 files" in content
    assert "Answer must be 5000 characters or fewer" in content


def test_staff_cannot_choose_the_portal(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    response = client.post(_url("child-views-record", open_case), {**VIEWS, "given_via": "portal"})
    assert response.status_code == 400
    assert not ChildViews.objects.exists()


# Queries ---------------------------------------------------------------------------------------


def _add_rows(case, user, n):
    for i in range(n):
        services.upload_store(
            case, upload(f"doc{i}.pdf", samples.PDF), purpose=Purpose.STAFF_FILE, by_user=user
        )
        services.child_views_record(
            case,
            by_user=user,
            attachments=[upload(f"d{i}.png", samples.image("PNG"))],
            **{**VIEWS, "share_with": "everyone"},
        )


def test_files_page_queries_do_not_grow(
    client, open_case, case_officer_cal, parent, django_assert_num_queries
):
    login(client, case_officer_cal)
    _add_rows(open_case, case_officer_cal, 1)
    services.upload_store(
        open_case, upload("p.pdf", samples.PDF), purpose=Purpose.PARTY_FILE, by_party=parent
    )
    url = _url("case-files", open_case)
    client.get(url)
    # 10 (the user and their device in one query, ADR 0050), and the read's audit event is
    # sealed in the request on SQLite
    with django_assert_num_queries(10 + audit_sealing_queries()) as first:
        assert client.get(url).status_code == 200
    _add_rows(open_case, case_officer_cal, 3)
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_pdf_html_polyglot_is_only_ever_a_pdf_download(client, open_case, case_officer_cal):
    """Content that starts as a PDF and carries a web page is kept as a PDF and never rendered."""
    polyglot = samples.PDF + samples.HTML
    item = services.upload_store(
        open_case,
        upload("page.html", polyglot),
        purpose=Purpose.STAFF_FILE,
        by_user=case_officer_cal,
    )
    assert item.stored_name.endswith(".pdf") and item.original_name == "page.pdf"
    login(client, case_officer_cal)
    response = client.get(_url("download", open_case, item))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
