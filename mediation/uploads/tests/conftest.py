"""Every uploads test stores files in its own temporary directory, removed afterwards."""

from __future__ import annotations

import pytest

from mediation.cases.models import Party


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    root = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.UPLOAD_VIRUS_SCANNER = ""
    return root


@pytest.fixture
def parent(open_case):
    return Party.objects.get(case=open_case, is_main_contact=True)


@pytest.fixture
def la_officer(open_case):
    return Party.objects.create(
        case=open_case, role="la_representative", name="Omar Hassan", email="omar@example.gov.uk"
    )


@pytest.fixture
def child(open_case):
    return Party.objects.create(case=open_case, role="child", name="Alex")
