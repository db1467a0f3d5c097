"""One file that crashes, stalls or exhausts its parser never takes the batch down (yichun.intake.isolate)."""

from __future__ import annotations

import dataclasses
import os
import threading
import time

import pytest

import yichun.intake.isolate as iso
from yichun.errors import ERROR
from yichun.intake.reader import FileResult
from yichun.intake.rules import rules


def _parse(item):
    """A stand-in parser: the item's path says how it behaves."""
    path, rel, sha = item[0], item[1], item[2]
    if path == "abort":
        os.abort()  # what the native reader does when an allocation fails
    if path == "memory":
        bytearray(64 << 30)  # more than the per-file address-space budget
    if path == "stall":
        time.sleep(60)
    if path == "exit":
        os._exit(9)
    return FileResult(file=rel, sha256=sha, county="宜丰县", year=2025)


@pytest.fixture
def quick(monkeypatch):
    """Per-file limits small enough for a test: 1.5 s, 512 MB."""
    limits = dataclasses.replace(rules().limits, seconds=1.5, memory_bytes=512 << 20)
    monkeypatch.setattr(iso, "rules", lambda: dataclasses.replace(rules(), limits=limits))
    return limits


def items(*kinds):
    return [(k, f"{i}_{k}.xlsx", "sha") for i, k in enumerate(kinds)]


def only_problem(res):
    [p] = res.problems
    assert (p.severity, p.kind, p.file) == (ERROR, "工作簿无法读取", res.file) and res.status == "refused"
    return p


@pytest.mark.parametrize("workers", [1, 2])
def test_a_crashing_file_is_named_and_the_others_are_read(quick, workers):
    out = list(iso.parse_isolated(items("ok", "abort", "ok"), workers, _parse))
    assert [r.file for r in out] == ["0_ok.xlsx", "1_abort.xlsx", "2_ok.xlsx"]
    assert [r.status for r in out] == ["read", "refused", "read"]
    assert "内存" in only_problem(out[1]).message  # an abort in the reader is an allocation failure


def test_a_file_over_the_memory_budget_is_stopped(quick):
    out = list(iso.parse_isolated(items("memory", "ok"), 1, _parse))
    assert "512 MB" in only_problem(out[0]).message and out[1].status == "read"


def test_a_stalled_file_is_killed_after_the_time_limit(quick):
    out = list(iso.parse_isolated(items("stall", "ok"), 2, _parse))
    assert "1.5 秒" in only_problem(out[0]).message and out[1].status == "read"


def test_a_child_that_exits_is_reported_with_its_exit_code(quick):
    out = list(iso.parse_isolated(items("exit", "ok"), 1, _parse))
    assert "退出码 9" in only_problem(out[0]).message and out[1].status == "read"


def test_no_child_is_left_behind(quick):
    list(iso.parse_isolated(items("ok", "abort", "stall", "ok"), 2, _parse))
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_with_threads_running_a_helper_interpreter_parses_the_real_files(tmp_path):
    from intake_helpers import standard_sheets, write_sheets

    from yichun.intake.ingest import _parse_one

    good = write_sheets(tmp_path / "宜丰县.xlsx", standard_sheets())
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()  # as in a Jupyter kernel: forking is not safe here
    try:
        out = list(iso.parse_isolated([(good, "宜丰县.xlsx", "a", None), (bad, "坏.xlsx", "b", None)], 2, _parse_one))
    finally:
        stop.set()
        other.join()
    assert [(r.file, r.status, r.county) for r in out] == [("宜丰县.xlsx", "read", "宜丰县"), ("坏.xlsx", "refused", None)]
    assert out[1].problems[0].kind == "不是有效的工作簿"
