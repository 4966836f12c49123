"""url_for_each gives exactly what reverse() gives, for references and for anything else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mediation.common.links import url_for_each

VALUES = ["MED-2026-00001", "S1-2026-0000100", "ENQ-2026-00042", "a b", "é x", "VALUE", "?&#%"]


@pytest.mark.parametrize("view_name", ["cases:detail", "meetings:detail"])
@pytest.mark.parametrize("value", VALUES)
def test_url_for_each_is_reverse(view_name, value):
    assert url_for_each(view_name)(value) == reverse(view_name, args=[value])
