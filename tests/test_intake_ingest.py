"""`yichun ingest` / `yichun.intake.ingest`: folder walk, incremental cache, atomic outputs, exit codes, load()."""

from __future__ import annotations

import json

import pandas as pd
from intake_helpers import by_kind, school, standard_sheets, write_sheets

from yichun.cli import main
from yichun.errors import ERROR
from yichun.intake import ingest, load
from yichun.tables import TABLES


def make_raw(tmp_path):
    raw = tmp_path / "raw"
    write_sheets(raw / "2024" / "宜丰县2024.xlsx", standard_sheets(county="宜丰县", year=2024))
    write_sheets(raw / "2025" / "宜丰县2025.xlsx", standard_sheets(county="宜丰县", year=2025))
    write_sheets(raw / "2025" / "上高县2025.xlsx", standard_sheets(county="上高县", year=2025, schools=[school(1)]))
    (raw / "schedule.csv").write_text("year,track,county\n", encoding="utf-8")
    (raw / "2025" / "~$宜丰县2025.xlsx").write_bytes(b"lock file")
    return raw


def snapshot(out):
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_cold_then_warm_then_one_changed_file(tmp_path):
    raw, out = make_raw(tmp_path), tmp_path / "out"
    first = ingest(raw, out)
    assert first.ok
    assert first.written
    assert first.files == ["2024/宜丰县2024.xlsx", "2025/上高县2025.xlsx", "2025/宜丰县2025.xlsx"]
    assert len(first.files_read) == 3
    assert first.files_cached == []
    assert sorted(p.name for p in out.glob("*.parquet")) == sorted(f"{t}.parquet" for t in TABLES)
    schools = pd.read_parquet(out / "schools.parquet")
    assert schools.groupby(["county", "year"]).size().to_dict() == {("上高县", 2025): 1, ("宜丰县", 2024): 2, ("宜丰县", 2025): 2}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["files"]) == set(first.files)
    assert manifest["tables"]["schools"]["rows"] == 5
    assert len(list((out / ".cache").glob("*.arrow"))) == 3

    second = ingest(raw, out)  # nothing changed: nothing is read
    assert second.unchanged
    assert second.files_read == []
    assert not second.written
    pd.testing.assert_frame_equal(second.inputs.schools, first.inputs.schools)

    write_sheets(raw / "2025" / "上高县2025.xlsx", standard_sheets(county="上高县", year=2025, schools=[school(1), school(2)]))
    third = ingest(raw, out)
    assert third.files_read == ["2025/上高县2025.xlsx"]
    assert len(third.files_cached) == 2
    assert len(pd.read_parquet(out / "schools.parquet")) == 6
    assert len(list((out / ".cache").glob("*.arrow"))) == 3  # the stale entry is pruned


def test_failed_run_leaves_previous_outputs_untouched(tmp_path):
    raw, out = make_raw(tmp_path), tmp_path / "out"
    assert ingest(raw, out).ok
    before = snapshot(out)
    write_sheets(raw / "2025" / "上高县2025.xlsx", standard_sheets(county="上高县", year=2025, schools=[school(1, school_type="大学")]))
    result = ingest(raw, out)
    assert not result.ok
    assert not result.written
    assert [(p.severity, p.kind) for p in result.problems.itertuples()] == [(ERROR, "未知办学类型")]
    assert snapshot(out) == before
    assert "未写入任何数据表" in result.report()


def test_duplicate_workbooks_for_one_county_year(tmp_path):
    raw = make_raw(tmp_path)
    write_sheets(raw / "2025" / "宜丰县2025(终稿).xlsx", standard_sheets(county="宜丰县", year=2025))
    result = ingest(raw, tmp_path / "out")
    dup = by_kind(result.problems, "重复工作簿")
    assert [(p.severity, p.file) for p in dup] == [(ERROR, "2025/宜丰县2025(终稿).xlsx"), (ERROR, "2025/宜丰县2025.xlsx")]
    assert "2025/宜丰县2025.xlsx" in dup[0].message
    assert "2025/宜丰县2025(终稿).xlsx" in dup[0].message
    assert by_kind(result.problems, "重复学校标识码") == []  # the files are set aside, not compared row by row
    assert set(result.inputs.quarantine["source_file"]) == {"2025/宜丰县2025(终稿).xlsx", "2025/宜丰县2025.xlsx"}


def test_cli_exit_codes(tmp_path, capsys):
    raw, out = make_raw(tmp_path), tmp_path / "out"
    assert main(["ingest", "--raw", str(raw), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "工作簿 3 个：本次读取 3 个" in text
    assert "已写入" in text
    assert "宜丰县" in text
    assert main(["ingest", "--raw", str(raw), "--out", str(out)]) == 0
    assert "未重新读取任何文件" in capsys.readouterr().out
    (raw / "2025" / "铜鼓县.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    problems = tmp_path / "问题清单.csv"
    assert main(["ingest", "--raw", str(raw), "--out", str(out), "--problems", str(problems)]) == 2
    captured = capsys.readouterr()
    assert "拒绝 2025/铜鼓县.xls" in captured.out
    assert "错误：存在 1 个错误" in captured.err
    assert pd.read_csv(problems)["类别"].tolist() == ["不是有效的工作簿"]  # .xls is read (second edition): this one is broken
    assert main(["ingest", "--raw", str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    assert "找不到原始数据文件夹" in capsys.readouterr().err


def test_load_uses_processed_output_when_it_matches(tmp_path, monkeypatch):
    monkeypatch.setenv("YICHUN_ROOT", str(tmp_path))
    raw = tmp_path / "data" / "raw"
    write_sheets(raw / "2025" / "宜丰县.xlsx", standard_sheets())
    in_memory = load()  # nothing processed yet: read in memory, nothing written
    assert len(in_memory.schools) == 2
    assert not (tmp_path / "data" / "processed").exists()
    assert main(["ingest"]) == 0
    (tmp_path / "data" / "processed" / "schools.parquet").write_bytes(b"")  # proves the next load reads it
    try:
        load()
        raise AssertionError("load() should have read the processed (here: damaged) parquet")
    except Exception as exc:  # noqa: BLE001 — pyarrow's error type
        assert "parquet" in str(exc).lower() or "file" in str(exc).lower()
    fresh = load(use_processed=False)
    pd.testing.assert_frame_equal(fresh.schools, in_memory.schools)


def test_ids_keep_leading_zeros_through_parquet(tmp_path):
    raw = tmp_path / "raw"
    write_sheets(raw / "a.xlsx", standard_sheets(schools=[school(1, school_id="0360924001")]))
    result = ingest(raw, tmp_path / "out")
    assert pd.read_parquet(tmp_path / "out" / "schools.parquet")["school_id"].tolist() == ["0360924001"]
    assert result.inputs.schools["source_file"].tolist() == ["a.xlsx"]


def test_cache_entries_of_an_earlier_format_are_pruned_and_files_read_again(tmp_path):
    raw, out = make_raw(tmp_path), tmp_path / "out"
    (out / ".cache").mkdir(parents=True)
    (out / ".cache" / "0123abcd.parquet").write_bytes(b"a bundle written by an earlier cache format")
    result = ingest(raw, out)
    assert result.ok
    assert len(result.files_read) == 3
    assert sorted(p.suffix for p in (out / ".cache").iterdir()) == [".arrow"] * 3


def test_cached_run_gives_the_same_tables_and_provenance_as_a_cold_one(tmp_path):
    raw, out = make_raw(tmp_path), tmp_path / "out"
    cold = ingest(raw, out)
    (out / "manifest.json").unlink()  # forces a run, which takes every file from the cache
    warm = ingest(raw, out)
    assert warm.files_read == []
    assert len(warm.files_cached) == 3
    pd.testing.assert_frame_equal(warm.inputs.schools, cold.inputs.schools)
    assert warm.inputs.schools["source_file"].tolist() == ["2024/宜丰县2024.xlsx"] * 2 + ["2025/上高县2025.xlsx"] + ["2025/宜丰县2025.xlsx"] * 2
    assert set(warm.inputs.schools["source_sheet"]) == {"义务教育学校"}
