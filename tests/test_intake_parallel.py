"""Parsing in worker processes gives exactly what parsing in-process gives."""

import importlib
from pathlib import Path

import pandas as pd

from yichun import paths

ingest_mod = importlib.import_module("yichun.intake.ingest")


def test_parallel_parse_equals_serial():
    files = sorted((paths.raw_dir() / "2025").glob("*.xlsx"))[:4]
    todo = [(p, f"2025/{p.name}", "sha", None) for p in files]
    serial = list(ingest_mod._parse_all(todo, 1))
    parallel = list(ingest_mod._parse_all(todo, 2))
    assert [r.file for r in parallel] == [f"2025/{p.name}" for p in files]
    for a, b in zip(serial, parallel):
        assert (a.county, a.year, a.status) == (b.county, b.year, b.status)
        assert a.problems == b.problems
        assert sorted(a.arrow) == sorted(b.arrow)
        for key in a.arrow:  # NaN != NaN in Arrow's equals: compare as frames
            pd.testing.assert_frame_equal(a.arrow[key].to_pandas(), b.arrow[key].to_pandas(), obj=key)


def test_workers_default_in_process_for_small_batches(monkeypatch):
    monkeypatch.delenv("YICHUN_WORKERS", raising=False)
    assert ingest_mod._workers(3) == 1
    monkeypatch.setenv("YICHUN_WORKERS", "1")
    assert ingest_mod._workers(10_000) == 1


def test_raw_dir_is_a_path():
    assert isinstance(paths.raw_dir(), Path)
