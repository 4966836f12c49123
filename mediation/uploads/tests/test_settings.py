"""The uploads storage and limits come from environment variables (config/settings/base.py).

Each test loads the settings module again under changed variables; Django's own settings object
is not touched (it was configured when the test run started)."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured

S3_VARIABLES = (
    "UPLOAD_STORAGE",
    "UPLOAD_S3_BUCKET",
    "UPLOAD_S3_REGION",
    "UPLOAD_S3_ENDPOINT_URL",
    "UPLOAD_S3_PREFIX",
    "UPLOAD_S3_SERVER_SIDE_ENCRYPTION",
    "UPLOAD_ROOT",
    "UPLOAD_MAX_DOCUMENT_MB",
    "UPLOAD_MAX_MEDIA_MB",
    "UPLOAD_VIRUS_SCANNER",
    "DOCUMENT_STORAGE",
    "DOCUMENT_S3_BUCKET",
    "DOCUMENT_S3_REGION",
    "DOCUMENT_S3_ENDPOINT_URL",
    "DOCUMENT_S3_PREFIX",
    "DOCUMENT_S3_SERVER_SIDE_ENCRYPTION",
)


@pytest.fixture
def load_settings(monkeypatch):
    from config.settings import base

    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def load(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(base)

    yield load
    monkeypatch.undo()
    importlib.reload(base)


def test_defaults(load_settings):
    base = load_settings()
    uploads = base.STORAGES["uploads"]
    assert uploads["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert uploads["OPTIONS"]["location"] == str(base.BASE_DIR / "var" / "uploads")
    assert (base.UPLOAD_MAX_DOCUMENT_MB, base.UPLOAD_MAX_MEDIA_MB) == (20, 200)
    assert base.UPLOAD_VIRUS_SCANNER == ""
    assert base.DOCUMENT_STORAGE == "database" and "documents" not in base.STORAGES


def test_variables_change_the_place_limits_and_scanner(load_settings):
    base = load_settings(
        UPLOAD_ROOT="/srv/mediation-uploads",
        UPLOAD_MAX_DOCUMENT_MB="10",
        UPLOAD_MAX_MEDIA_MB="500",
        UPLOAD_VIRUS_SCANNER="clamdscan --no-summary --fdpass -",
    )
    assert base.STORAGES["uploads"]["OPTIONS"]["location"] == "/srv/mediation-uploads"
    assert (base.UPLOAD_MAX_DOCUMENT_MB, base.UPLOAD_MAX_MEDIA_MB) == (10, 500)
    assert base.UPLOAD_VIRUS_SCANNER == "clamdscan --no-summary --fdpass -"


def test_s3_switch_builds_a_private_bucket_storage(load_settings):
    from storages.backends.s3 import S3Storage

    base = load_settings(
        UPLOAD_STORAGE="s3", UPLOAD_S3_BUCKET="mediation-uploads", UPLOAD_S3_REGION="eu-west-2"
    )
    uploads = base.STORAGES["uploads"]
    assert uploads["BACKEND"] == "storages.backends.s3.S3Storage"
    storage = S3Storage(**uploads["OPTIONS"])  # no network until a file is read or written
    assert storage.bucket_name == "mediation-uploads"
    assert storage.location == "uploads"
    assert storage.region_name == "eu-west-2"
    assert storage.default_acl is None
    assert storage.file_overwrite is False
    assert storage.object_parameters == {"ServerSideEncryption": "AES256"}


def test_s3_needs_a_bucket(load_settings):
    with pytest.raises(ImproperlyConfigured, match="UPLOAD_S3_BUCKET"):
        load_settings(UPLOAD_STORAGE="s3")


def test_unknown_storage_is_refused(load_settings):
    with pytest.raises(ImproperlyConfigured, match="UPLOAD_STORAGE"):
        load_settings(UPLOAD_STORAGE="ftp")


def test_documents_in_s3_share_the_uploads_bucket_under_their_own_prefix(load_settings):
    from storages.backends.s3 import S3Storage

    base = load_settings(
        UPLOAD_STORAGE="s3",
        UPLOAD_S3_BUCKET="mediation-files",
        UPLOAD_S3_REGION="eu-west-2",
        DOCUMENT_STORAGE="s3",
    )
    storage = S3Storage(**base.STORAGES["documents"]["OPTIONS"])
    assert storage.bucket_name == "mediation-files"
    assert storage.location == "documents"
    assert storage.region_name == "eu-west-2"
    assert storage.default_acl is None and storage.file_overwrite is False
    assert storage.object_parameters == {"ServerSideEncryption": "AES256"}


def test_documents_can_have_a_bucket_and_encryption_of_their_own(load_settings):
    base = load_settings(
        DOCUMENT_STORAGE="s3",
        DOCUMENT_S3_BUCKET="mediation-documents",
        DOCUMENT_S3_PREFIX="made",
        DOCUMENT_S3_SERVER_SIDE_ENCRYPTION="aws:kms",
    )
    options = base.STORAGES["documents"]["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("mediation-documents", "made")
    assert options["object_parameters"] == {"ServerSideEncryption": "aws:kms"}
    assert base.STORAGES["uploads"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_documents_in_s3_need_a_bucket(load_settings):
    with pytest.raises(ImproperlyConfigured, match="DOCUMENT_S3_BUCKET"):
        load_settings(DOCUMENT_STORAGE="s3")


def test_unknown_document_storage_is_refused(load_settings):
    with pytest.raises(ImproperlyConfigured, match="DOCUMENT_STORAGE"):
        load_settings(DOCUMENT_STORAGE="disk")
