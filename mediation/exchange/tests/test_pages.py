"""The caseload pages as a manager uses them: upload a file, match its columns, read the check of
every row (each problem next to its row, in plain words), start the import and see the result;
hand over an LA's open cases (start, the archive, its download after a fresh code, the cases
closed as handed over). Invalid input is answered next to the field, never with a 500."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import audit_write_queries, login
from mediation.accounts import step_up
from mediation.cases.models import Case, ClosureOutcome
from mediation.domain.case_states import CaseState
from mediation.exchange.models import CaseloadImport, Handover
from mediation.exchange.tests.conftest import messy_csv, run_on_commit

pytestmark = pytest.mark.django_db


def _upload(client, data: bytes, name: str, owner):
    return client.post(
        reverse("exchange:import"),
        {
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
            "default_owner": owner.pk,
        },
    )


def test_a_manager_imports_a_messy_file_page_by_page(
    client, authorities, manager_sue, case_officer_cal, django_capture_on_commit_callbacks
):
    login(client, manager_sue)
    start = client.get(reverse("exchange:import"))
    assert start.status_code == 200 and "Import a caseload" in start.content.decode()

    uploaded = _upload(client, messy_csv(), "old-system.csv", case_officer_cal)
    assert uploaded.status_code == 302
    job = CaseloadImport.objects.get()
    assert uploaded["Location"] == reverse("exchange:import-columns", args=[job.pk])

    columns = client.get(uploaded["Location"]).content.decode()
    assert "Case Ref" in columns and "For example: ABC-001" in columns
    chosen = {f"column_{index}": key for index, key in job.mapping.items()}
    with django_capture_on_commit_callbacks() as callbacks:
        matched = client.post(uploaded["Location"], chosen)
    assert matched["Location"] == reverse("exchange:import-detail", args=[job.pk])
    run_on_commit(callbacks)

    check = client.get(matched["Location"]).content.decode()
    assert "Check the rows before importing" in check
    # Each problem in the row's own line of the table, in plain words.
    problem_row = re.search(r"<tr[^>]*>\s*<td[^>]*>9</td>.*?</tr>", check, re.S)
    assert problem_row is not None
    assert "ABC-005" in problem_row.group(0)
    assert "Row 9: the decision date 31/02/2026 is not a date" in problem_row.group(0)
    assert "Import 4 cases" in check
    assert Case.objects.count() == 0

    with django_capture_on_commit_callbacks() as callbacks:
        started = client.post(reverse("exchange:import-run", args=[job.pk]))
    assert started.status_code == 302
    progress = client.get(reverse("exchange:import-progress", args=[job.pk])).json()
    assert progress["status"] == CaseloadImport.Status.IMPORTING and not progress["finished"]
    run_on_commit(callbacks)

    done = client.get(reverse("exchange:import-detail", args=[job.pk])).content.decode()
    assert "Import finished" in done
    assert Case.objects.count() == 4
    for case in Case.objects.all():
        assert reverse("cases:detail", args=[case.reference]) in done
    progress = client.get(reverse("exchange:import-progress", args=[job.pk])).json()
    assert progress == {**progress, "status": "done", "finished": True, "percent": 100}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.pdf", b"%PDF-1.4", "must be a CSV file, an Excel workbook (.xlsx) or a hand-over"),
        ("empty.csv", b"", "The file is empty"),
        ("binary.csv", b"\x00\x01\x02\x03" * 40, "The file is not text"),
        ("broken.xlsx", b"PK\x03\x04not really a workbook", "could not be opened"),
        ("fake.zip", b"PK\x03\x04not really an archive", "could not be opened"),
        ("headings.csv", b"Reference,Local authority,Route\n", "headings but no rows"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_next_to_the_field(
    client, authorities, manager_sue, case_officer_cal, name, data, message
):
    login(client, manager_sue)
    refused = _upload(client, data, name, case_officer_cal)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert message in page
    assert "govuk-error-summary" in page and 'href="#id_file"' in page
    assert not CaseloadImport.objects.exists()


def test_columns_chosen_twice_or_missing_are_refused(
    client, authorities, manager_sue, case_officer_cal
):
    login(client, manager_sue)
    _upload(client, messy_csv(), "old-system.csv", case_officer_cal)
    job = CaseloadImport.objects.get()
    url = reverse("exchange:import-columns", args=[job.pk])
    twice = client.post(url, {"column_0": "reference", "column_1": "reference"})
    assert twice.status_code == 400
    assert "is chosen for more than one column: choose it once" in twice.content.decode()
    assert 'value="reference" selected' in twice.content.decode()  # what was chosen is kept
    nonsense = client.post(url, {"column_0": "not-a-column"})
    assert "Choose one of our columns, or Do not import" in nonsense.content.decode()
    job.refresh_from_db()
    assert job.status == CaseloadImport.Status.MAPPING


def test_a_case_officer_may_not_import_or_hand_over(client, case_officer_cal):
    login(client, case_officer_cal)
    assert client.get(reverse("exchange:import")).status_code == 403
    assert client.get(reverse("exchange:handover")).status_code == 403


def test_a_manager_hands_over_an_las_open_cases(
    client,
    monkeypatch,
    open_case,
    local_authority,
    manager_sue,
    django_capture_on_commit_callbacks,
):
    login(client, manager_sue)
    refused = client.post(reverse("exchange:handover"), {"la": "999999"})
    assert refused.status_code == 400
    assert "Select a local authority from the list" in refused.content.decode()

    with django_capture_on_commit_callbacks() as callbacks:
        started = client.post(reverse("exchange:handover"), {"la": local_authority.pk})
    handover = Handover.objects.get()
    assert started["Location"] == reverse("exchange:handover-detail", args=[handover.pk])
    making = client.get(reverse("exchange:handover-progress", args=[handover.pk])).json()
    assert not making["finished"]
    run_on_commit(callbacks)

    detail_url = reverse("exchange:handover-detail", args=[handover.pk])
    ready = client.get(detail_url).content.decode()
    assert "Download the archive" in ready and open_case.reference in ready

    # Closing before the archive left the service is refused, next to the box.
    early = client.post(detail_url, {"confirm": "on"})
    assert early.status_code == 400
    assert "Download the archive first" in early.content.decode()
    unticked = client.post(detail_url, {})
    assert "Confirm that the new provider has the archive" in unticked.content.decode()

    download_url = reverse("exchange:handover-download", args=[handover.pk])
    asked = client.get(download_url)
    assert asked.status_code == 302 and reverse("accounts:step-up") in asked["Location"]
    monkeypatch.setattr(step_up, "step_up_is_fresh", lambda request: True)
    archive = client.get(download_url)
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    assert archive.content[:4] == b"PK\x03\x04"

    with django_capture_on_commit_callbacks() as callbacks:
        closing = client.post(detail_url, {"confirm": "on"})
    assert closing.status_code == 302
    run_on_commit(callbacks)
    closed = client.get(detail_url).content.decode()
    assert "Closed as handed over" in closed
    open_case.refresh_from_db()
    assert (open_case.status, open_case.closure_outcome) == (
        CaseState.CLOSED,
        ClosureOutcome.HANDED_OVER,
    )
    case_page = client.get(reverse("cases:detail", args=[open_case.reference])).content.decode()
    assert "handed over to another provider" in case_page.lower()


def test_the_list_pages_read_a_fixed_number_of_queries(
    client,
    authorities,
    manager_sue,
    case_officer_cal,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    """The check of every row, the files uploaded and the hand-overs: one query per list, however
    many rows (6 rows here, 4 of them cases)."""
    login(client, manager_sue)
    _upload(client, messy_csv(), "old-system.csv", case_officer_cal)
    job = CaseloadImport.objects.get()
    chosen = {f"column_{index}": key for index, key in job.mapping.items()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:import-columns", args=[job.pk]), chosen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exchange:import-run", args=[job.pk]))
    # The import's page: session, user with device, the import, its rows, and its audit event.
    for url, most in (
        (reverse("exchange:import-detail", args=[job.pk]), 4 + audit_write_queries()),
        (reverse("exchange:import"), 5),
        (reverse("exchange:handover"), 6),
    ):
        client.get(url)  # the first shows (and so clears) the import's "done" message
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
