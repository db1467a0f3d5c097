"""Notebook summaries of an intake: completeness per county-year, problems by kind."""

from __future__ import annotations

from intake_helpers import kindergarten, school, standard_sheets, write_sheets

from yichun.catalogue import catalogue
from yichun.intake import read_folder
from yichun.intake.summary import completeness, completeness_table, counts_by_year, problem_summary


def test_completeness_counts_only_expected_cells(tmp_path):
    rows = [r for r in standard_sheets(schools=[school(1), school(2, sports_area_m2="—")],
                                        kindergartens=[kindergarten(1, nurses=None)]).items()]
    rows = dict(rows)
    for r in rows["县级指标"][1:3]:  # POP_3_5 and TOWNSHIPS left empty
        r[2] = None
    write_sheets(tmp_path / "raw" / "a.xlsx", rows)
    inputs, problems = read_folder(tmp_path / "raw")
    c = completeness(inputs).set_index("table")
    # a 小学 has 24 numeric/是否 fields, 7 of them for 初中/高中 only: 17 expected each, one blank in school 2
    assert (c.loc["义务教育学校", "expected"], c.loc["义务教育学校", "filled"]) == (34, 33)
    # a kindergarten: 10 numeric + 3 是否 fields + 规划设计年份 + 所在乡镇(街道), 保育员数 blank
    assert (c.loc["幼儿园", "expected"], c.loc["幼儿园", "filled"]) == (15, 14)
    n_codes = len(catalogue().county_input_codes())
    assert (c.loc["县级指标", "expected"], c.loc["县级指标", "filled"]) == (n_codes, n_codes - 2)
    assert completeness_table(inputs).loc[("义务教育学校", "宜丰县"), "2025年"] == "97.1%"  # 33 / 34
    assert counts_by_year(inputs).loc[2025].tolist() == [2, 1, 1]
    summary = problem_summary(problems)
    assert summary[["级别", "类别", "个数", "文件数"]].values.tolist() == [["警告", "缺失值", 2, 1], ["警告", "县级指标未填", 1, 1]]


def test_no_music_room_means_no_smallest_music_room(tmp_path):
    write_sheets(tmp_path / "raw" / "a.xlsx", standard_sheets(schools=[school(1, music_rooms=0, music_room_min_m2=None)]))
    inputs, problems = read_folder(tmp_path / "raw")
    assert problems.empty
    c = completeness(inputs).set_index("table")
    assert (c.loc["义务教育学校", "expected"], c.loc["义务教育学校", "filled"]) == (16, 16)
