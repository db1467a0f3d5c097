"""Fixtures shared by the briefing tests: the sample data's briefing computed once, one build (city + 宜丰县)."""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("OPENPYXL_LXML", "False")  # as yichun/__init__.py, before any test module imports openpyxl

import pytest

BUILD_COUNTY = "宜丰县"


@pytest.fixture(scope="session")
def briefing_data():
    from yichun.briefing import data as bdata

    return bdata.compute()


@pytest.fixture(scope="session")
def briefing_build(briefing_data, tmp_path_factory):
    """(result, out folder, warnings caught): `build_briefing` for the city and 宜丰县 (PNG charts, as `yichun brief`)."""
    from yichun import charts
    from yichun.briefing import build

    assert charts.chromium_available(), "需要 chromium（/usr/bin/chromium）才能导出图表：请运行 make system"
    out = tmp_path_factory.mktemp("brief")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = build.build_briefing(out, county=BUILD_COUNTY, data=briefing_data, workers=2)
    return result, out, caught
