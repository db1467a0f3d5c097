"""The hostile and messy corpus (tests/hostile_corpus.py): every bad file is named with its problem,
the others are still read; every messy-but-valid workbook is accepted."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import hostile_corpus as H
import pytest

from yichun.errors import ERROR, WARNING
from yichun.intake import read_folder

GOOD_COUNTY = "袁州区"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """All bad cases plus one clean workbook in one folder, read once in-process."""
    raw = tmp_path_factory.mktemp("corpus") / "raw"
    files = H.build(raw)
    H.valid(raw, "袁州区.xlsx", county=GOOD_COUNTY)
    inputs, problems = read_folder(raw)
    return raw, files, inputs, problems


@pytest.mark.parametrize("case", list(H.BAD))
def test_each_bad_file_is_an_error_naming_it_and_the_problem(corpus, case):
    raw, files, _inputs, problems = corpus
    kind, word = H.BAD_EXPECT[case]
    rel = files[case].relative_to(raw).as_posix()
    mine = problems[(problems["file"] == rel) & (problems["severity"] == ERROR)]
    assert kind in set(mine["kind"]), mine[["kind", "message"]].to_dict("records")
    assert any(word in m for m in mine.loc[mine["kind"] == kind, "message"])


def test_the_clean_workbook_beside_them_is_read(corpus):
    _raw, _files, inputs, problems = corpus
    assert (inputs.schools["county"] == GOOD_COUNTY).sum() == 2
    assert problems[problems["file"] == "袁州区.xlsx"].empty


def test_rows_with_errors_are_quarantined_not_read(corpus):
    _raw, _files, inputs, _problems = corpus
    refused = {"压缩炸弹.xlsx", "单引号.xlsx", "两张基本信息.xlsx", "两个县.xlsx", "缺列.xlsx", "未知单位.xlsx"}
    assert not refused & set(inputs.schools["source_file"])
    ref = inputs.quarantine[inputs.quarantine["source_file"] == "错误值.xlsx"]
    assert ref["source_row"].tolist() == [3]
    assert "#REF!" in ref["reason"].iloc[0]
    kept = inputs.schools[inputs.schools["source_file"] == "错误值.xlsx"]
    assert kept["source_row"].tolist() == [2]  # the other school of that file is fine


def _bounded_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """The CLI in a subprocess held to 4 GB of address space and 60 s."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    env = dict(os.environ, YICHUN_WORKERS="2")
    return subprocess.run([sys.executable, "-m", "yichun", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, preexec_fn=limit, env=env)


def test_cli_on_the_whole_corpus_exits_2_naming_every_bad_file(corpus, tmp_path):
    raw, files, _inputs, _problems = corpus
    done = _bounded_cli(["ingest", "--raw", str(raw), "--out", str(tmp_path / "out")], tmp_path)
    text = done.stdout + done.stderr
    assert done.returncode == 2, text[-2000:]
    assert "Traceback" not in text
    assert "memory allocation" not in text
    for path in files.values():
        assert path.relative_to(raw).as_posix() in text
    # nothing written by a failed run: only the per-file cache (it spares re-reading the good files)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [".cache"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] in ([], [".out.lock"])


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    raw = tmp_path_factory.mktemp("good") / "raw"
    files = H.build(raw, table=H.GOOD)
    inputs, problems = read_folder(raw)
    return raw, files, inputs, problems


def test_cli_accepts_every_messy_valid_workbook(good, tmp_path):
    raw, files, _inputs, _problems = good
    done = _bounded_cli(["ingest", "--raw", str(raw), "--out", str(tmp_path / "out")], tmp_path)
    assert done.returncode == 0, (done.stdout + done.stderr)[-2000:]
    assert "错误 0 个" in done.stdout
    assert (tmp_path / "out" / "schools.parquet").exists()


def test_valid_corpus_has_no_error(good):
    _raw, _files, _inputs, problems = good
    assert problems[problems["severity"] == ERROR].empty


def test_ods_workbook_is_read_like_xlsx(good):
    _raw, _files, inputs, _problems = good
    s = inputs.schools[inputs.schools["county"] == "靖安县"]
    assert s["students_primary"].tolist() == [600.0, 600.0]
    assert s["source_file"].unique().tolist() == ["靖安县.ods"]


def test_legacy_xls_workbook_is_read_like_xlsx(good):
    _raw, _files, inputs, _problems = good
    s = inputs.schools[inputs.schools["county"] == "樟树市"]
    assert s["school_id"].tolist() == ["3609240001", "3609240002"]
    assert s["teachers_total"].tolist() == [42.0, 42.0]
    assert s["source_file"].unique().tolist() == ["樟树市.xls"]


def test_merged_data_cells_fill_down_with_one_warning(good):
    _raw, _files, inputs, problems = good
    s = inputs.schools[inputs.schools["county"] == "奉新县"]
    assert s["area"].tolist() == ["城区", "城区", "城区"]
    [p] = problems[problems["kind"] == "合并单元格"].itertuples()
    assert (p.severity, p.file, p.row) == (WARNING, "奉新县.xlsx", 2)
    assert "第 2—4 行" in p.message


def test_visible_sheet_wins_over_hidden_one_and_report_says_so(good):
    _raw, _files, inputs, problems = good
    s = inputs.schools[inputs.schools["county"] == "上高县"]
    assert s["source_sheet"].unique().tolist() == ["义务教育学校"]
    [p] = problems[problems["kind"] == "隐藏工作表未读取"].itertuples()
    assert p.sheet == "义务教育学校 "
    assert p.file == "上高县.xlsx"


def test_area_in_mu_is_converted_and_ambiguous_sheet_name_is_read_by_header(good):
    _raw, _files, inputs, problems = good
    s = inputs.schools[inputs.schools["county"] == "万载县"]
    assert s["source_sheet"].unique().tolist() == ["学校基本情况"]
    assert s["sports_area_m2"].round(3).tolist() == [round(5000 * 10000 / 15, 3)] * 2  # 5000 亩
    [p] = problems[(problems["kind"] == "工作表名称不规范") & (problems["file"] == "万载县.xlsx")].itertuples()
    assert "基本信息" in p.message
    assert "义务教育学校" in p.message


def test_single_quoted_xml_and_invisible_characters_in_the_county_are_accepted(good):
    _raw, _files, inputs, _problems = good
    assert (inputs.schools["county"] == "宜丰县").sum() == 2
