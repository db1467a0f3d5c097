"""Rules added by the second edition of the intake contract, one rule per test (values worked out by hand)."""

from __future__ import annotations

import math

from intake_helpers import by_kind, county_inputs, school, standard_sheets, write_sheets

from yichun.errors import ERROR, WARNING
from yichun.intake import read_folder, read_workbook
from yichun.intake.headers import sheet_name_candidates
from yichun.intake.rules import nfkc
from yichun.intake.values import parse_number


def read(tmp_path, sheets_, name="宜丰县.xlsx"):
    path = write_sheets(tmp_path / name, sheets_)
    return read_workbook(path, name, "sha")


def with_input(code, value, year=2025, county="宜丰县"):
    rows = [dict(r, value=value) if r["code"] == code else r for r in county_inputs()]
    return standard_sheets(county=county, year=year, inputs=rows)


def errors(problems, kind):
    return problems[(problems["kind"] == kind) & (problems["severity"] == ERROR)]


def test_a_share_above_100_percent_is_an_error(tmp_path):
    write_sheets(tmp_path / "raw" / "a.xlsx", with_input("Q1", "120%"))
    _inputs, problems = read_folder(tmp_path / "raw")
    [p] = errors(problems, "县级指标取值不符").itertuples()
    assert p.value == "120%"
    assert "0—100%" in p.message


def test_a_fractional_population_is_an_error(tmp_path):
    write_sheets(tmp_path / "raw" / "a.xlsx", with_input("POP_3_5", "9000.5"))
    _inputs, problems = read_folder(tmp_path / "raw")
    [p] = errors(problems, "县级指标取值不符").itertuples()
    assert "整数" in p.message
    assert p.value == "9000.5"


def test_a_negative_amount_is_an_error(tmp_path):
    write_sheets(tmp_path / "raw" / "a.xlsx", with_input("G7", -6500))
    _inputs, problems = read_folder(tmp_path / "raw")
    [p] = errors(problems, "县级指标取值不符").itertuples()
    assert "负数" in p.message


def test_a_share_moving_more_than_30_points_between_years_is_a_warning(tmp_path):
    write_sheets(tmp_path / "raw" / "2024.xlsx", with_input("Q1", "96%", year=2024))
    write_sheets(tmp_path / "raw" / "2025.xlsx", with_input("Q1", "50%", year=2025))
    _inputs, problems = read_folder(tmp_path / "raw")
    [p] = problems[problems["kind"] == "年度变化异常"].itertuples()
    assert (p.severity, p.year, p.value) == (WARNING, 2025, "96% → 50%")


def test_a_population_tripling_between_years_is_a_warning(tmp_path):
    write_sheets(tmp_path / "raw" / "2024.xlsx", with_input("POP_3_5", 9000, year=2024))
    write_sheets(tmp_path / "raw" / "2025.xlsx", with_input("POP_3_5", 90000, year=2025))
    _inputs, problems = read_folder(tmp_path / "raw")
    [p] = problems[problems["kind"] == "年度变化异常"].itertuples()
    assert p.value == "9000 → 90000"


def test_area_in_hectares_is_converted(tmp_path):
    s = standard_sheets(schools=[school(1, teaching_area_m2=0.3)])
    s["义务教育学校"][0][s["义务教育学校"][0].index("教学及辅助用房面积(㎡)")] = "教学及辅助用房面积(公顷)"
    result = read(tmp_path, s)
    assert result.tables["schools"]["teaching_area_m2"].tolist() == [3000.0]
    assert result.problems == []


def test_an_unknown_money_unit_is_an_error_not_a_guess(tmp_path):
    s = standard_sheets()
    s["义务教育学校"][0][s["义务教育学校"][0].index("教学仪器设备值(万元)")] = "教学仪器设备值(美元)"
    [p] = by_kind(read(tmp_path, s).problems, "无法识别的单位")
    assert p.severity == ERROR
    assert "美元" in p.message
    assert "万元" in p.message


def test_two_equally_named_data_sheets_are_an_error_and_neither_is_read(tmp_path):
    s = standard_sheets()
    s["幼儿园 "] = s["幼儿园"]
    result = read(tmp_path, s)
    [p] = by_kind(result.problems, "重复工作表")
    assert p.severity == ERROR
    assert "幼儿园" in p.message
    assert "kindergartens" not in result.tables
    assert by_kind(result.problems, "缺少工作表") == []  # one problem, not two


def test_sheet_names_pointing_to_two_tables_are_left_to_the_content():
    assert sheet_name_candidates("学校基本情况") == {"info": 4, "schools": 2}
    assert sheet_name_candidates("义务教育学校基本情况汇总") == {"schools": 10}
    assert sheet_name_candidates("幼儿园基本情况") == {"kindergartens": 1000}


def test_invisible_characters_are_removed_before_comparing():
    assert nfkc("\ufeff36092\u200b40001\u00a0\u200e") == "3609240001"


def test_infinite_and_nan_text_are_not_numbers():
    values, bad = parse_number(["1e999", "inf", "NaN", "-Infinity", "12", 3.0])
    assert bad.tolist() == [True, True, True, True, False, False]
    assert values[4:].tolist() == [12.0, 3.0]
    assert all(math.isnan(v) for v in values[:4])


def test_excel_error_typed_as_text_is_named_as_such(tmp_path):
    s = standard_sheets(schools=[school(1, sports_area_m2="#DIV/0!")])
    [p] = by_kind(read(tmp_path, s).problems, "Excel 错误值")
    assert (p.severity, p.row, p.value) == (ERROR, 2, "#DIV/0!")
    assert "单元格" in p.message


def test_teachers_column_absent_from_the_kindergarten_sheet_is_an_error(tmp_path):
    s = standard_sheets()
    header = s["幼儿园"][0]
    i = header.index("专任教师数(人)")
    s["幼儿园"] = [row[:i] + row[i + 1:] for row in s["幼儿园"]]
    [p] = by_kind(read(tmp_path, s).problems, "缺少必填列")
    assert (p.severity, p.sheet, p.column) == (ERROR, "幼儿园", "专任教师数")


def test_a_workbook_with_more_xml_elements_than_the_budget_is_refused_before_parsing(tmp_path):
    import dataclasses

    import pytest
    from hostile_corpus import valid

    from yichun.intake.hostile import Refused, scan
    from yichun.intake.rules import rules

    path = valid(tmp_path)  # about 2 000 elements
    with pytest.raises(Refused) as exc:
        scan(path, dataclasses.replace(rules().limits, max_elements=1_000))
    assert exc.value.kind == "工作表范围过大"
    assert "1,000 个" in exc.value.message
    assert scan(path).sheet_parts  # within the configured budget it passes
