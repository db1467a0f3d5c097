"""The reader copes with workbooks as counties really send them (docs/intake.md §3–§5)."""

from __future__ import annotations

import math

import pytest
from intake_helpers import (
    by_kind,
    county_inputs,
    kindergarten,
    messy_school_merges,
    messy_school_rows,
    school,
    standard_sheets,
    table_rows,
    write_sheets,
)

from yichun.errors import ERROR, WARNING
from yichun.intake import read_workbook


def read(tmp_path, sheets_, merges=None, name="宜丰县2025年数据.xlsx", folder_year=None):
    path = write_sheets(tmp_path / name, sheets_, merges)
    return read_workbook(path, name, "sha", folder_year)


def test_title_rows_merged_two_row_header_units_row_total_and_notes(tmp_path):
    rows = messy_school_rows([school(1), school(2, students_primary=500)], total={"students_primary": 1100, "teachers_total": 84})
    sheets_ = standard_sheets()
    sheets_["义务教育学校"] = rows
    result = read(tmp_path, sheets_, merges={"义务教育学校": messy_school_merges()})
    s = result.tables["schools"]
    # two data rows at Excel rows 6 and 7; blank row, 合计 and notes are not data
    assert s["source_row"].tolist() == [6, 7]
    assert s["school_id"].tolist() == ["3609240001", "3609240002"]
    assert s["students_primary"].tolist() == [600.0, 500.0]  # 在校生数 over 小学 → 小学在校生数
    assert s["teachers_qualified_primary"].tolist() == [40.0, 40.0]
    assert s["teaching_area_m2"].tolist() == [3000.5, 3000.5]
    assert result.problems == []  # 合计 1100 = 600 + 500 and 84 = 42 + 42


def test_total_row_mismatch_is_a_warning_naming_the_total_row(tmp_path):
    rows = messy_school_rows([school(1), school(2)], total={"students_primary": 1250})
    sheets_ = standard_sheets()
    sheets_["义务教育学校"] = rows
    result = read(tmp_path, sheets_, merges={"义务教育学校": messy_school_merges()})
    assert len(result.tables["schools"]) == 2  # the 合计 row is not a school
    [p] = by_kind(result.problems, "合计不符")
    assert (p.severity, p.sheet, p.row, p.column, p.value) == (WARNING, "义务教育学校", 9, "在校生数/小学", "1250")
    assert "1,250" in p.message and "1,200" in p.message


def test_sheet_name_with_suffix_and_sheet_found_by_header(tmp_path):
    sheets_ = standard_sheets()
    sheets_["义务教育学校基本情况"] = sheets_.pop("义务教育学校")
    sheets_["Sheet3"] = sheets_.pop("幼儿园")
    result = read(tmp_path, sheets_)
    assert result.tables["schools"]["source_sheet"].unique().tolist() == ["义务教育学校基本情况"]
    assert result.tables["kindergartens"]["kg_id"].tolist() == ["3609245001", "3609245002"]
    [p] = result.problems
    assert (p.severity, p.kind, p.sheet) == (WARNING, "工作表名称不规范", "Sheet3")


def test_numbers_as_text_thousands_full_width_and_stray_spaces(tmp_path):
    sheets_ = standard_sheets(schools=[
        school(1, students_primary="1,234", sports_area_m2="１２３４５.５", teachers_total=" 42 ", multimedia_rooms="16"),
    ])
    result = read(tmp_path, sheets_)
    s = result.tables["schools"].iloc[0]
    assert (s["students_primary"], s["sports_area_m2"], s["teachers_total"], s["multimedia_rooms"]) == (1234.0, 12345.5, 42.0, 16.0)
    assert result.problems == []


@pytest.mark.parametrize("marker", ["—", "-", "/", "无", "", "  "])
def test_missing_markers_are_missing_never_zero(tmp_path, marker):
    sheets_ = standard_sheets(schools=[school(1), school(2, sports_area_m2=marker, multimedia_rooms=marker)])
    result = read(tmp_path, sheets_)
    s = result.tables["schools"]
    assert math.isnan(s.loc[1, "sports_area_m2"]) and math.isnan(s.loc[1, "multimedia_rooms"])
    missing = by_kind(result.problems, "缺失值")
    assert [(p.severity, p.row, p.column) for p in missing] == [
        (WARNING, 3, "体育运动场馆面积(㎡)"), (WARNING, 3, "网络多媒体教室数(间)"),
    ]


def test_missing_level_of_a_school_type_without_it_is_not_reported(tmp_path):
    # a 小学 has no 初中: an empty 初中最大班额 is not a gap (the helper's school leaves it empty)
    result = read(tmp_path, standard_sheets())
    assert math.isnan(result.tables["schools"].loc[0, "max_class_junior"])
    assert by_kind(result.problems, "缺失值") == []


def test_ids_typed_as_numbers_are_warned_cell_by_cell(tmp_path):
    sheets_ = standard_sheets(schools=[school(1), school(2, school_id=3609240002.0), school(3, school_id=360924003.0)])
    result = read(tmp_path, sheets_)
    assert result.tables["schools"]["school_id"].tolist() == ["3609240001", "3609240002", "360924003"]
    warned = by_kind(result.problems, "标识码为数字")
    assert [(p.severity, p.row, p.column, p.value) for p in warned] == [
        (WARNING, 3, "学校标识码", "3609240002"), (WARNING, 4, "学校标识码", "360924003"),
    ]
    assert "短 1 位" in warned[1].message and "短" not in warned[0].message
    assert "单元格 A3" in warned[0].message


def test_yuan_header_is_converted_to_wan(tmp_path):
    sheets_ = standard_sheets()
    rows = [school(1, equipment_value_wan=1_500_000), school(2, equipment_value_wan=2_345_678)]
    sheets_["义务教育学校"] = messy_school_rows(rows, yuan=True, total={"equipment_value_wan": 3_845_678})
    result = read(tmp_path, sheets_)
    assert result.tables["schools"]["equipment_value_wan"].tolist() == [150.0, 234.5678]
    assert result.problems == []  # the 合计 (in 元) matches the rows


def test_yuan_in_the_units_row_is_converted_to_wan(tmp_path):
    rows = table_rows("schools", [school(1, equipment_value_wan=2_000_000)], with_units=False)
    units = [None] * len(rows[0])
    units[rows[0].index("教学仪器设备值")] = "元"
    units[rows[0].index("小学在校生数")] = "人"
    rows.insert(1, units)
    sheets_ = standard_sheets()
    sheets_["义务教育学校"] = rows
    result = read(tmp_path, sheets_)
    assert result.tables["schools"].loc[0, "equipment_value_wan"] == 200.0
    assert result.tables["schools"].loc[0, "source_row"] == 3


def test_header_normalisation_full_width_brackets_line_breaks_and_synonyms(tmp_path):
    rows = table_rows("kindergartens", [kindergarten(1)])
    header = rows[0]
    header[header.index("园所标识码")] = "幼儿园\n代码"
    header[header.index("在园幼儿数(人)")] = "在园儿童数（人）"
    header[header.index("室外游戏场地面积(㎡)")] = " 户外活动场地面积 （㎡） "
    sheets_ = standard_sheets()
    sheets_["幼儿园"] = rows
    result = read(tmp_path, sheets_)
    k = result.tables["kindergartens"].iloc[0]
    assert (k["kg_id"], k["children"], k["outdoor_m2"]) == ("3609245001", 300.0, 1500.0)
    assert result.problems == []


def test_enum_aliases_and_booleans(tmp_path):
    sheets_ = standard_sheets(schools=[
        school(1, school_type="初级中学", students_primary=0, students_junior=500, boarding="是"),
        school(2, school_type="初中", students_primary=0, students_junior=400, boarding="否"),
    ])
    result = read(tmp_path, sheets_)
    s = result.tables["schools"]
    assert s["school_type"].tolist() == ["初级中学", "初级中学"]
    assert s["boarding"].tolist() == [True, False]


def test_unknown_column_is_a_warning_and_index_column_is_ignored(tmp_path):
    rows = table_rows("kindergartens", [kindergarten(1)])
    rows[0] = ["序号", *rows[0], "园长姓名"]
    rows[1] = [1, *rows[1], "王五"]
    sheets_ = standard_sheets()
    sheets_["幼儿园"] = rows
    result = read(tmp_path, sheets_)
    [p] = result.problems
    assert (p.severity, p.kind, p.row, p.column) == (WARNING, "未识别的列", 1, "园长姓名")
    assert result.tables["kindergartens"].loc[0, "kg_name"] == "宜丰县第1幼儿园"


def test_county_figures_percent_text_fractions_answers_and_ratings(tmp_path):
    inputs = county_inputs()
    values = {"G9": "96.5%", "G14": 0.965, "G15": "96.5", "Q1": 96.5, "G6": "是", "V1": "否", "G1": "良", "POP_3_5": "9,000"}
    for row in inputs:
        if row["code"] in values:
            row["value"] = values[row["code"]]
    result = read(tmp_path, standard_sheets(inputs=inputs))
    ci = result.tables["county_inputs"].set_index("code")
    assert ci.loc["G9", "value"] == pytest.approx(0.965)
    assert ci.loc["G14", "value"] == pytest.approx(0.965)
    assert ci.loc["G15", "value"] == pytest.approx(0.965)  # a bare 96.5 with unit % is 96.5%
    assert ci.loc["Q1", "value"] == pytest.approx(0.965)
    assert (ci.loc["G6", "value"], ci.loc["V1", "value"]) == (1.0, 0.0)
    assert math.isnan(ci.loc["G1", "value"]) and ci.loc["G1", "rating"] == "良"
    assert ci.loc["POP_3_5", "value"] == 9000.0
    assert ci.loc["G9", "raw"] == "96.5%"
    assert result.problems == []


def test_unreadable_number_is_an_error_naming_the_cell(tmp_path):
    result = read(tmp_path, standard_sheets(schools=[school(1), school(2, teachers_total="四十二")]))
    [p] = result.problems
    assert (p.severity, p.kind, p.sheet, p.row, p.column, p.value) == (ERROR, "无法识别的值", "义务教育学校", 3, "专任教师数(人)", "四十二")


def test_info_sheet_gives_county_and_year_and_unknown_county_suggests(tmp_path):
    ok = read(tmp_path, standard_sheets(county="江西省宜春市 宜丰"), name="a.xlsx")
    assert (ok.county, ok.year) == ("宜丰县", 2025)
    bad = read(tmp_path, standard_sheets(county="宜风县"), name="b.xlsx")
    [p] = by_kind(bad.problems, "未知县(市、区)")
    assert (p.severity, p.sheet, p.row, p.column, p.value) == (ERROR, "基本信息", 2, "县(市、区)", "宜风县")
    assert "宜丰县" in p.message


def test_info_label_and_value_in_one_cell(tmp_path):
    sheets_ = standard_sheets()
    sheets_["基本信息"] = [["填报信息"], ["县(市、区)：靖安县"], ["统计年度：2024年"]]
    result = read(tmp_path, sheets_, name="x.xlsx")
    assert (result.county, result.year) == ("靖安县", 2024)


def test_missing_year_is_an_error(tmp_path):
    sheets_ = standard_sheets()
    sheets_["基本信息"] = [["项目", "内容"], ["县(市、区)", "宜丰县"], ["统计年度", None]]
    result = read(tmp_path, sheets_)
    [p] = by_kind(result.problems, "缺少基本信息")
    assert (p.severity, p.row, p.column) == (ERROR, 3, "统计年度")
    assert result.year is None


def test_file_name_and_folder_disagreeing_with_the_info_sheet_are_warnings(tmp_path):
    result = read(tmp_path, standard_sheets(county="宜丰县", year=2025), name="上高县2024年数据(终稿)(1).xlsx", folder_year=2024)
    kinds = sorted((p.severity, p.kind) for p in result.problems)
    assert kinds == [(WARNING, "年度与文件夹不符"), (WARNING, "文件名与内容不符"), (WARNING, "文件名与内容不符")]
    assert (result.county, result.year) == ("宜丰县", 2025)


def test_management_area_is_not_a_county(tmp_path):
    result = read(tmp_path, standard_sheets(county="宜春经开区"))
    [p] = by_kind(result.problems, "管理区不单独评估")
    assert (p.severity, p.value) == (ERROR, "宜春经开区") and "袁州区" in p.message


def test_missing_sheet_and_sheet_without_header_are_errors(tmp_path):
    sheets_ = standard_sheets()
    del sheets_["人口"]
    sheets_["幼儿园"] = [["宜丰县幼儿园情况"], ["这里什么表头也没有"]]
    result = read(tmp_path, sheets_)
    assert sorted((p.severity, p.kind, p.sheet) for p in result.problems) == [
        (ERROR, "找不到表头", "幼儿园"), (ERROR, "缺少工作表", ""),
    ]
    assert "「人口」" in by_kind(result.problems, "缺少工作表")[0].message
