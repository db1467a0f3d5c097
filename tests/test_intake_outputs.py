"""Outputs stay consistent under faults: kill -9 at several points, a second run, a full or read-only disk."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from intake_helpers import school, standard_sheets, write_sheets

from yichun.atomic import OutputError, folder, locked
from yichun.cli import main
from yichun.intake import ingest
from yichun.intake.ingest import read_outputs

KILLER = textwrap.dedent("""
    import os, signal, sys
    import pyarrow.parquet as pq
    import yichun.atomic as A
    from yichun.cli import main

    def die(*_a, **_k):
        os.kill(os.getpid(), signal.SIGKILL)

    point, args = sys.argv[1], sys.argv[2:]
    if point == "tables":  # three of the six new tables written
        write, n = pq.write_table, [0]
        def counting(table, where, *a, **k):
            if ".new-" in str(where):
                n[0] += 1
                if n[0] == 4:
                    die()
            return write(table, where, *a, **k)
        pq.write_table = counting
    elif point == "csv":  # three of the new CSVs written
        write, n = A.write_csv, [0]
        def counting(frame, path):
            n[0] += 1
            if n[0] == 4:
                die()
            return write(frame, path)
        A.write_csv = counting
    elif point == "swap":  # the new set complete, not yet in place
        A._exchange = die
    elif point == "aside":  # no atomic swap on this system: the old set moved aside, the new one not yet in
        A._exchange = lambda a, b: False
        rename = os.rename
        def careful(a, b):
            if ".new-" in str(a):
                die()
            return rename(a, b)
        os.rename = careful
    elif point == "cleanup":  # the new set in place, the old one not yet removed
        exchange = A._exchange
        def then_die(a, b):
            exchange(a, b)
            die()
        A._exchange = then_die
    sys.exit(main(args))
""")


def killed(point: str, args: list[str]) -> int:
    done = subprocess.run([sys.executable, "-c", KILLER, point, *args], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, YICHUN_WORKERS="1"))
    return done.returncode


def two_counties(raw, n_schools: int):
    write_sheets(raw / "2025" / "宜丰县.xlsx", standard_sheets(schools=[school(i) for i in range(1, n_schools + 1)]))
    write_sheets(raw / "2025" / "靖安县.xlsx", standard_sheets(county="靖安县"))


def leftovers(parent) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".new-" in p.name or ".old-" in p.name or ".tmp" in p.name)


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """A raw folder and the outputs of a first run (set A: 宜丰县 with 2 schools)."""
    base = tmp_path_factory.mktemp("runs")
    two_counties(base / "raw", 2)
    result = ingest(base / "raw", base / "out")
    assert result.written
    return base


@pytest.mark.parametrize("point", ["tables", "swap", "aside"])
def test_ingest_killed_before_its_commit_leaves_the_old_set(before, tmp_path, point):
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(before / "raw", raw)
    shutil.copytree(before / "out", out)
    run_a = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["run"]
    two_counties(raw, 3)  # set B would have 4 schools
    assert killed(point, ["ingest", "--raw", str(raw), "--out", str(out)]) == -9
    if point == "aside":  # the folder is set aside until the next run puts it back
        assert not out.exists()
        assert leftovers(tmp_path)
        from yichun.atomic import recover

        recover(out)
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["run"] == run_a
    assert len(read_outputs(out).schools) == 4  # 2 + 2: set A, all tables of one run
    again = ingest(raw, out)  # the next run completes and cleans up
    assert again.written
    assert len(again.inputs.schools) == 5
    assert leftovers(tmp_path) == []


def test_ingest_killed_after_its_commit_leaves_the_new_set(before, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(before / "raw", raw)
    shutil.copytree(before / "out", out)
    two_counties(raw, 3)
    assert killed("cleanup", ["ingest", "--raw", str(raw), "--out", str(out)]) == -9
    assert len(read_outputs(out).schools) == 5  # set B complete; the old set lies beside it ...
    assert ingest(raw, out).unchanged and leftovers(tmp_path) == []  # ... until the next run removes it


@pytest.mark.parametrize("point", ["csv"])  # the swap itself is the same code as for ingest
def test_assess_killed_leaves_the_old_csv_set(before, tmp_path, point):
    raw, out = tmp_path / "raw", tmp_path / "assess"
    shutil.copytree(before / "raw", raw)
    assert main(["assess", "--raw", str(raw), "--year", "2025", "--out", str(out)]) == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    two_counties(raw, 3)
    assert killed(point, ["assess", "--raw", str(raw), "--year", "2025", "--out", str(out)]) == -9
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    assert main(["assess", "--raw", str(raw), "--year", "2025", "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == set(old)
    assert leftovers(tmp_path) == []
    assert len(pd.read_csv(out / "school_parts.csv", encoding="utf-8-sig")) == 5  # the new set: 3 + 2 schools


def test_a_second_run_on_a_locked_folder_is_refused_with_a_message(before, tmp_path, capsys):
    out = tmp_path / "out"
    with locked(out):
        assert main(["ingest", "--raw", str(before / "raw"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "另一个 yichun 命令正在写入" in err
    assert str(out) in err
    assert not out.exists()


@pytest.mark.parametrize(("code", "text", "said"), [(errno.ENOSPC, "No space left on device", "磁盘空间已满"),
                                                      (errno.EROFS, "Read-only file system", "只读")])
def test_a_full_or_read_only_disk_gets_a_chinese_message_and_leaves_the_old_set(before, tmp_path, capsys, monkeypatch, code, text, said):
    import pyarrow.parquet as pq

    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(before / "raw", raw)
    shutil.copytree(before / "out", out)
    old = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    two_counties(raw, 3)
    write = pq.write_table

    def failing(table, where, *a, **k):
        if ".new-" in str(where):
            raise OSError(code, text)
        return write(table, where, *a, **k)

    monkeypatch.setattr(pq, "write_table", failing)
    assert main(["ingest", "--raw", str(raw), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert said in err
    assert str(out) in err
    assert text not in err
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == old
    assert leftovers(tmp_path) == []


def test_tables_of_two_runs_are_never_served_together(before, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(before / "raw", raw)
    shutil.copytree(before / "out", out)
    stale = (out / "schools.parquet").read_bytes()
    two_counties(raw, 3)
    assert ingest(raw, out).written
    (out / "schools.parquet").write_bytes(stale)  # a table of the first run among the second run's
    with pytest.raises(OutputError.__mro__[1]):  # YichunError: not served
        read_outputs(out)
    again = ingest(raw, out)
    assert not again.unchanged
    assert len(again.inputs.schools) == 5


def test_folder_keeps_files_it_does_not_write(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "备注.txt").write_text("analyst's note", encoding="utf-8")
    (out / "cv.csv").write_text("old", encoding="utf-8")
    with folder(out) as tmp:
        (tmp / "cv.csv").write_text("new", encoding="utf-8")
    assert (out / "cv.csv").read_text(encoding="utf-8") == "new"
    assert (out / "备注.txt").read_text(encoding="utf-8") == "analyst's note"
    assert leftovers(tmp_path) == []


def test_a_folder_holding_much_else_is_not_swapped_only_the_set_changes(tmp_path):
    out = tmp_path / "桌面"
    (out / "别的项目").mkdir(parents=True)
    (out / "别的项目" / "a.txt").write_text("a", encoding="utf-8")
    inode = out.stat().st_ino
    with folder(out) as tmp:
        (tmp / "cv.csv").write_text("new", encoding="utf-8")
    assert out.stat().st_ino == inode  # the same folder, not a copy
    assert (out / "cv.csv").read_text(encoding="utf-8") == "new"
    assert (out / "别的项目" / "a.txt").exists()
    assert leftovers(tmp_path) == []


def test_the_working_directory_is_never_swapped(tmp_path, monkeypatch):
    out = tmp_path / "here"
    out.mkdir()
    monkeypatch.chdir(out)
    inode = out.stat().st_ino
    with folder(out) as tmp:
        (tmp / "cv.csv").write_text("new", encoding="utf-8")
    assert out.stat().st_ino == inode
    assert (out / "cv.csv").read_text(encoding="utf-8") == "new"
