"""moto's S3 server for the object-storage tests, one per test module that asks for it."""

from __future__ import annotations

import pytest

from mediation.ops.tests.object_store import moto_server


@pytest.fixture(scope="module")
def moto_endpoint(tmp_path_factory):
    with moto_server(tmp_path_factory.mktemp("moto")) as endpoint:
        yield endpoint
