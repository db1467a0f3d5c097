"""The new preschool fields on the way in: 所在乡镇(街道), 规划设计年份, 园长是否持证 and the optional 乡镇 sheet."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from intake_helpers import by_kind, county_inputs, kindergarten, standard_sheets, write_sheets

from yichun.errors import ERROR, WARNING
from yichun.intake import read_folder
from yichun.tables import PROVENANCE

FILE = "2025/宜丰县.xlsx"


def run(tmp_path, **kwargs):
    if kwargs.get("townships") and "inputs" not in kwargs:  # 县级指标 乡镇数 agrees with the sheet
        kwargs["inputs"] = [dict(r, value=sum(k in ("乡", "镇") for _, k in kwargs["townships"])) if r["code"] == "TOWNSHIPS" else r
                            for r in county_inputs()]
    write_sheets(tmp_path / "raw" / "2025" / "宜丰县.xlsx", standard_sheets(**kwargs))
    return read_folder(tmp_path / "raw")


def one(problems, kind):
    rows = by_kind(problems, kind)
    assert len(rows) == 1, problems[["kind", "message"]].to_string()
    return rows[0]


def where(p):
    return (p.severity, p.file, p.sheet, p.row, p.column, p.value)


def test_township_sheet_becomes_the_townships_table(tmp_path):
    inputs, problems = run(tmp_path, townships=[("新昌镇", "镇"), ("石溪乡", "乡"), ("城南街道", "街道")])
    assert problems.empty
    t = inputs.townships
    assert list(t.columns) == ["county", "year", "township", "township_kind", *PROVENANCE]
    assert t[["county", "year", "township", "township_kind", "source_sheet", "source_row"]].values.tolist() == [
        ["宜丰县", 2025, "新昌镇", "镇", "乡镇", 2], ["宜丰县", 2025, "石溪乡", "乡", "乡镇", 3], ["宜丰县", 2025, "城南街道", "街道", "乡镇", 4]]
    assert inputs.select(years=2024).townships.empty
    assert len(inputs.select(counties="宜丰县").townships) == 3


def test_without_a_township_sheet_the_table_is_empty_and_nothing_is_reported(tmp_path):
    inputs, problems = run(tmp_path)
    assert problems.empty
    assert inputs.townships.empty
    assert inputs.kindergartens["township"].tolist() == ["新昌镇", "新昌镇"]


def test_invisible_characters_and_spaces_are_removed_from_township_names(tmp_path):
    kgs = [kindergarten(1, township="\ufeff新昌\u200b镇 "), kindergarten(2, township="城南\u00a0街道\u200e")]
    inputs, problems = run(tmp_path, kindergartens=kgs, townships=[("新昌镇\u2060", "镇"), (" 城南街道", "街道")])
    assert problems.empty  # both kindergartens found in the 乡镇 sheet
    assert inputs.kindergartens["township"].tolist() == ["新昌镇", "城南街道"]
    assert inputs.townships["township"].tolist() == ["新昌镇", "城南街道"]


def test_duplicate_township_is_an_error_on_both_rows(tmp_path):
    inputs, problems = run(tmp_path, townships=[("新昌镇", "镇"), ("石溪乡", "乡"), ("新昌\u200b镇", "镇")])
    dup = by_kind(problems, "重复乡镇")
    assert [where(p)[:5] for p in dup] == [(ERROR, FILE, "乡镇", 2, "乡镇(街道)"), (ERROR, FILE, "乡镇", 4, "乡镇(街道)")]
    assert [p.value.replace("\u200b", "") for p in dup] == ["新昌镇", "新昌镇"]  # as typed (the invisible space may be shown or not)
    assert inputs.townships["township"].tolist() == ["石溪乡"]
    assert sorted(inputs.quarantine.loc[inputs.quarantine["table"] == "townships", "source_row"]) == [2, 4]


def test_township_kind_must_be_xiang_zhen_or_jiedao(tmp_path):
    inputs, problems = run(tmp_path, townships=[("新昌镇", "镇"), ("石溪村", "村"), ("城南街道", "街道办事处")])
    p = one(problems, "未知类型")
    assert where(p) == (ERROR, FILE, "乡镇", 3, "类型", "村")
    assert "乡、镇、街道" in p.message
    assert inputs.townships["township_kind"].tolist() == ["镇", "街道"]  # 街道办事处 is an alias of 街道


def test_township_kind_is_required(tmp_path):
    _, problems = run(tmp_path, townships=[("新昌镇", "镇"), ("石溪乡", None)])
    assert where(one(problems, "必填项缺失")) == (ERROR, FILE, "乡镇", 3, "类型", "")


def test_kindergarten_in_a_township_the_sheet_does_not_list_is_a_warning(tmp_path):
    kgs = [kindergarten(1), kindergarten(2, township="黄岗乡")]
    inputs, problems = run(tmp_path, kindergartens=kgs, townships=[("新昌镇", "镇"), ("石溪乡", "乡")])
    p = one(problems, "乡镇不在乡镇表中")
    assert where(p) == (WARNING, FILE, "幼儿园", 3, "所在乡镇(街道)", "黄岗乡")
    assert "2 个乡镇(街道)" in p.message
    assert len(inputs.kindergartens) == 2  # a warning: the row is kept


def test_townships_count_disagreeing_with_the_sheet_is_a_warning(tmp_path):
    inputs = county_inputs()
    for row in inputs:
        if row["code"] == "TOWNSHIPS":
            row["value"] = 3
    _, problems = run(tmp_path, inputs=inputs, townships=[("新昌镇", "镇"), ("石溪乡", "乡"), ("城南街道", "街道")])
    p = one(problems, "乡镇数不符")
    assert (p.severity, p.sheet, p.column, p.value) == (WARNING, "县级指标", "数值", "3")
    assert "2 个乡、镇" in p.message


def test_missing_township_is_missing_not_a_name(tmp_path):
    inputs, problems = run(tmp_path, kindergartens=[kindergarten(1), kindergarten(2, township="—")])
    assert inputs.kindergartens["township"].isna().tolist() == [False, True]
    p = one(problems, "缺失值")
    assert (p.severity, p.row, p.column) == (WARNING, 3, "所在乡镇(街道)")


def test_design_year_as_text_or_date_is_read_as_the_year(tmp_path):
    kgs = [kindergarten(1, design_year="2015年"), kindergarten(2, design_year=dt.datetime(2012, 9, 1)),
           kindergarten(3, design_year="２０１９"), kindergarten(4, design_year=None)]
    inputs, problems = run(tmp_path, kindergartens=kgs)
    years = inputs.kindergartens["design_year"]
    assert years.iloc[:3].tolist() == [2015, 2012, 2019]
    assert years.isna().tolist() == [False, False, False, True]
    assert where(one(problems, "缺失值"))[:5] == (WARNING, FILE, "幼儿园", 5, "规划设计年份")  # missing, never 0


def test_design_year_after_the_statistical_year_is_an_error(tmp_path):
    inputs, problems = run(tmp_path, kindergartens=[kindergarten(1, design_year=2025), kindergarten(2, design_year=2026)])
    p = one(problems, "规划设计年份无效")
    assert where(p) == (ERROR, FILE, "幼儿园", 3, "规划设计年份", "2026")
    assert "1949—2025" in p.message
    assert inputs.kindergartens["kg_id"].tolist() == ["3609245001"]  # 2025 itself is fine


def test_design_year_before_1949_is_an_error(tmp_path):
    _, problems = run(tmp_path, kindergartens=[kindergarten(1, design_year=1949), kindergarten(2, design_year=1948)])
    assert where(one(problems, "规划设计年份无效")) == (ERROR, FILE, "幼儿园", 3, "规划设计年份", "1948")


def test_year_number_formatted_as_a_date_is_an_error_that_names_the_year(tmp_path):
    # 2015 typed into a date-formatted cell is stored as Excel day 2015: 1905-07-07
    _, problems = run(tmp_path, kindergartens=[kindergarten(1, design_year=dt.datetime(1905, 7, 7))])
    p = one(problems, "规划设计年份无效")
    assert (p.severity, p.row, p.column) == (ERROR, 2, "规划设计年份")
    assert "1905-07-07" in p.message
    assert "年份 2015" in p.message


def test_design_year_that_is_not_a_whole_year_cannot_be_read(tmp_path):
    _, problems = run(tmp_path, kindergartens=[kindergarten(1, design_year=2015.5), kindergarten(2, design_year="十五年前")])
    bad = by_kind(problems, "无法识别的值")
    assert [(p.severity, p.row, p.column, p.value) for p in bad] == [
        (ERROR, 2, "规划设计年份", "2015.5"), (ERROR, 3, "规划设计年份", "十五年前")]
    assert "四位年份" in bad[0].message


def test_head_certified_is_yes_or_no(tmp_path):
    kgs = [kindergarten(1, head_certified="是"), kindergarten(2, head_certified="否"), kindergarten(3, head_certified="持证"),
           kindergarten(4, head_certified=None)]
    inputs, problems = run(tmp_path, kindergartens=kgs)
    assert where(one(problems, "无法识别的值")) == (ERROR, FILE, "幼儿园", 4, "园长是否持证", "持证")
    k = inputs.kindergartens.set_index("kg_id")["head_certified"]
    assert k.dtype == "boolean" and k.index.tolist() == ["3609245001", "3609245002", "3609245004"]  # row 4 quarantined
    assert [None if pd.isna(v) else bool(v) for v in k] == [True, False, None]
