"""Atomic writes: a failed write leaves the previous file; a good one is readable like any file."""

import os
import stat

import pandas as pd
import pytest

from yichun.atomic import replacing, write_csv, write_text


def test_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left behind


def test_written_file_has_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_text(tmp_path / "a" / "b.html", "<p>好</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text(encoding="utf-8") == "<p>好</p>"


def test_contract_csv_has_bom_true_false_and_empty_missing(tmp_path):
    frame = pd.DataFrame({"county": ["宜丰县", "靖安县"], "cv": [0.5153, float("nan")],
                          "met": pd.array([False, pd.NA], dtype="boolean")})
    raw = write_csv(frame, tmp_path / "cv.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig") == "county,cv,met\n宜丰县,0.5153,false\n靖安县,,\n"
