"""Validation rules: schema checks from the data dictionary and the cross-field rules (docs/intake.md §7, §9)."""

from __future__ import annotations

import pandas as pd
import pytest
from intake_helpers import by_kind, county_inputs, kindergarten, school, standard_sheets, write_sheets

from yichun.catalogue import catalogue
from yichun.errors import ERROR, WARNING
from yichun.intake import read_folder


def run(tmp_path, **kwargs):
    write_sheets(tmp_path / "raw" / "2025" / "宜丰县.xlsx", standard_sheets(**kwargs))
    inputs, problems = read_folder(tmp_path / "raw")
    return inputs, problems


def one(problems, kind):
    rows = by_kind(problems, kind)
    assert len(rows) == 1, problems[["kind", "message"]].to_string()
    return rows[0]


def where(p):
    return (p.severity, p.file, p.sheet, p.row, p.column, p.value)


def test_clean_workbook_has_no_problems(tmp_path):
    inputs, problems = run(tmp_path)
    assert problems.empty
    assert len(inputs.schools) == 2 and len(inputs.kindergartens) == 2 and inputs.quarantine.empty
    assert inputs.schools["year"].dtype == "int64" and inputs.schools["boarding"].dtype == "boolean"
    assert inputs.population["birth_year"].tolist() == list(range(2011, 2026))


def test_unknown_school_type_is_an_error_and_the_row_is_quarantined(tmp_path):
    inputs, problems = run(tmp_path, schools=[school(1), school(2, school_type="职业高中")])
    p = one(problems, "未知办学类型")
    assert where(p) == (ERROR, "2025/宜丰县.xlsx", "义务教育学校", 3, "办学类型", "职业高中")
    assert "小学、初级中学" in p.message
    assert inputs.schools["school_id"].tolist() == ["3609240001"]
    q = inputs.quarantine
    assert q[["table", "school_id", "school_type", "source_row"]].values.tolist() == [["schools", "3609240002", "职业高中", 3]]
    assert "办学类型" in q.loc[0, "reason"]


def test_duplicate_school_id_marks_both_rows(tmp_path):
    inputs, problems = run(tmp_path, schools=[school(1), school(2), school(3, school_id="3609240001")])
    dup = by_kind(problems, "重复学校标识码")
    assert [(p.severity, p.row, p.column, p.value) for p in dup] == [(ERROR, 2, "学校标识码", "3609240001"), (ERROR, 4, "学校标识码", "3609240001")]
    assert "第 2、4 行" in dup[0].message
    assert inputs.schools["school_id"].tolist() == ["3609240002"]
    assert sorted(inputs.quarantine["source_row"].tolist()) == [2, 4]


def test_negative_and_fractional_counts(tmp_path):
    _, problems = run(tmp_path, schools=[school(1, sports_area_m2=-5), school(2, classes_primary=12.5)])
    assert where(one(problems, "负数")) == (ERROR, "2025/宜丰县.xlsx", "义务教育学校", 2, "体育运动场馆面积(㎡)", "-5")
    assert where(one(problems, "非整数")) == (ERROR, "2025/宜丰县.xlsx", "义务教育学校", 3, "小学班级数(个)", "12.5")


@pytest.mark.parametrize(
    ("table", "row", "column", "value"),
    [
        ("schools", {"teachers_qualified_primary": 50}, "小学高于规定学历教师数(人)", "50"),
        ("schools", {"teachers_backbone_primary": 43}, "小学县级及以上骨干教师数(人)", "43"),
        ("schools", {"teachers_pe_arts_primary": 45}, "小学体育艺术专任教师数(人)", "45"),
        ("schools", {"teachers_certified": 43}, "持证专任教师数(人)", "43"),
        ("kindergartens", {"teachers_certified": 23}, "持证专任教师数(人)", "23"),
        ("kindergartens", {"teachers": 41, "teachers_certified": 20}, "专任教师数(人)", "41"),
        ("kindergartens", {"oversized_classes": 11}, "超标班额班级数(个)", "11"),
    ],
)
def test_headcount_limits(tmp_path, table, row, column, value):
    kwargs = {"schools": [school(1, **row)]} if table == "schools" else {"kindergartens": [kindergarten(1, **row)]}
    inputs, problems = run(tmp_path, **kwargs)
    p = one(problems, "人数超过上限")
    assert (p.severity, p.row, p.column, p.value) == (ERROR, 2, column, value)
    assert getattr(inputs, table).empty


def test_students_in_a_level_the_school_type_does_not_have(tmp_path):
    _, problems = run(tmp_path, schools=[school(1, students_junior=120)])
    p = one(problems, "学段与办学类型不符")
    assert (p.severity, p.row, p.column, p.value) == (ERROR, 2, "初中在校生数(人)", "120")
    assert "「小学」" in p.message and "初中" in p.message


def test_combined_school_may_have_both_levels(tmp_path):
    _, problems = run(tmp_path, schools=[school(1, school_type="九年一贯制学校", students_junior=300, classes_junior=6,
                                                 max_class_junior=50, teachers_qualified_junior=10)])
    assert problems.empty


def test_required_field_missing(tmp_path):
    inputs, problems = run(tmp_path, schools=[school(1), school(2, school_name="—")])
    p = one(problems, "必填项缺失")
    assert (p.severity, p.row, p.column, p.value) == (ERROR, 3, "学校名称", "—")
    assert len(inputs.schools) == 1


def test_required_column_missing_is_one_error_and_every_row_is_quarantined(tmp_path):
    sheets_ = standard_sheets()
    rows = sheets_["幼儿园"]
    drop = rows[0].index("办园性质")
    sheets_["幼儿园"] = [r[:drop] + r[drop + 1:] for r in rows]
    write_sheets(tmp_path / "raw" / "宜丰县.xlsx", sheets_)
    inputs, problems = read_folder(tmp_path / "raw")
    assert [(p.severity, p.kind, p.sheet, p.column) for p in problems.itertuples()] == [(ERROR, "缺少必填列", "幼儿园", "办园性质")]
    assert inputs.kindergartens.empty
    assert inputs.quarantine["kg_id"].tolist() == ["3609245001", "3609245002"]


def test_unreadable_cell_is_reported_once(tmp_path):
    _, problems = run(tmp_path, kindergartens=[kindergarten(1, children="三百")])
    assert [(p.kind, p.row, p.column) for p in problems.itertuples()] == [("无法识别的值", 2, "在园幼儿数(人)")]


def test_county_inputs_of_the_wrong_kind_and_unknown_codes(tmp_path):
    inputs_rows = county_inputs()
    for row in inputs_rows:
        if row["code"] == "G1":
            row["value"] = 0.9  # a B-class rating given as a number
        if row["code"] == "G6":
            row["value"] = "良"  # a 是/否 item given a rating
    inputs_rows.append({"code": "G99", "name": "不存在", "value": 1, "unit": "", "note": ""})
    _, problems = run(tmp_path, inputs=inputs_rows)
    wrong = by_kind(problems, "县级指标取值不符")
    assert [(p.severity, p.sheet, p.column, p.value) for p in wrong] == [(ERROR, "县级指标", "数值", "0.9"), (ERROR, "县级指标", "数值", "良")]
    p = one(problems, "未知指标代码")
    assert (p.severity, p.column, p.value) == (WARNING, "指标代码", "G99")


def test_empty_county_figures_are_one_warning_listing_the_codes(tmp_path):
    rows = county_inputs()
    for row in rows:
        if row["code"] in ("G7", "Q1"):
            row["value"] = None
    inputs, problems = run(tmp_path, inputs=rows)
    p = one(problems, "县级指标未填")
    assert p.severity == WARNING and "G7、Q1" in p.message
    b_class = sum(1 for e in catalogue().county_input_codes() if e["class"] == "B")
    assert b_class == 17  # G1 G2 G10 G14B G15B Q5–Q8 (compulsory) and PG1 PG2 PG6 PG8–PG10 PQ5 PQ6 (preschool)
    assert inputs.county_inputs.set_index("code")["value"].isna().sum() == 2 + b_class  # two blanks + the ratings


def test_problems_of_every_file_are_collected(tmp_path):
    write_sheets(tmp_path / "raw" / "a.xlsx", standard_sheets(county="宜丰县", schools=[school(1, ownership="国有")]))
    write_sheets(tmp_path / "raw" / "b.xlsx", standard_sheets(county="上高县", kindergartens=[kindergarten(1, kg_type="私立")]))
    inputs, problems = read_folder(tmp_path / "raw")
    assert sorted((p.file, p.kind, p.value) for p in problems.itertuples()) == [
        ("a.xlsx", "未知办学性质", "国有"), ("b.xlsx", "未知办园性质", "私立"),
    ]
    assert len(inputs.schools) == 0 + 2 and len(inputs.kindergartens) == 2 + 0  # the bad rows are quarantined
    assert len(inputs.quarantine) == 2


def test_year_on_year_jump_is_a_warning(tmp_path):
    raw = tmp_path / "raw"
    write_sheets(raw / "2024" / "a.xlsx", standard_sheets(year=2024, schools=[school(1), school(2)]))
    write_sheets(raw / "2025" / "a.xlsx", standard_sheets(year=2025, schools=[
        school(1, equipment_value_wan=1500),  # 150 → 1500: ten times, a unit slip
        school(2, equipment_value_wan=400),  # 150 → 400: 2.7 times, plausible
    ]))
    inputs, problems = read_folder(raw)
    p = one(problems, "年度变化异常")
    assert (p.severity, p.file, p.row, p.column, p.value, p.year) == (WARNING, "2025/a.xlsx", 2, "教学仪器设备值(万元)", "150 → 1500", 2025)
    assert "10.0 倍" in p.message
    assert len(inputs.schools) == 4  # warnings keep the rows


def test_plans_items_and_school_references(tmp_path):
    plans = [
        {"school_id": "3609240001", "plan_year": 2026, "item": "教学及辅助用房面积", "quantity": 800, "investment_wan": 300},
        {"school_id": "3609240001", "plan_year": 2026, "item": "小学县级及以上骨干教师数", "quantity": 2, "investment_wan": None},
        {"school_id": "3609249999", "plan_year": 2027, "item": "体育运动场馆面积", "quantity": 500, "investment_wan": 80},
        {"school_id": "3609240002", "plan_year": 2027, "item": "食堂", "quantity": 1, "investment_wan": 50},
    ]
    inputs, problems = run(tmp_path, plans=plans)
    assert inputs.plans[["school_id", "plan_year", "item", "level", "quantity"]].values.tolist() == [
        ["3609240001", 2026, "teaching_area_m2", "", 800.0],
        ["3609240001", 2026, "teachers_backbone_primary", "小学", 2.0],
        ["3609249999", 2027, "sports_area_m2", "", 500.0],
    ]
    assert where(one(problems, "未知建设项目")) == (ERROR, "2025/宜丰县.xlsx", "建设计划", 5, "项目", "食堂")
    assert where(one(problems, "计划学校不存在")) == (WARNING, "2025/宜丰县.xlsx", "建设计划", 4, "学校标识码", "3609249999")


def test_population_duplicates_and_quarantine_keeps_values_as_typed(tmp_path):
    births = [{"birth_year": 2020, "births": 3000}, {"birth_year": 2021, "births": "3,100"}, {"birth_year": 2021, "births": 3200}]
    inputs, problems = run(tmp_path, births=births)
    assert [(p.kind, p.row) for p in problems.itertuples()] == [("重复出生年份", 3), ("重复出生年份", 4)]
    assert inputs.population["births"].tolist() == [3000.0]
    q = inputs.quarantine.sort_values("source_row")
    assert q["births"].tolist() == ["3,100", "3200"] and q["table"].unique().tolist() == ["population"]


def test_schema_is_generated_from_the_dictionary():
    from yichun.intake.validate import schema

    s = schema("schools")
    assert s.columns["school_id"].nullable is False and s.columns["students_primary"].nullable is True
    assert {c.name for c in s.columns["students_primary"].checks} == {"nonnegative", "integer"}
    assert {c.name for c in s.columns["teaching_area_m2"].checks} == {"nonnegative"}
    assert [c.name for c in s.columns["school_type"].checks] == ["isin"]
    frame = pd.DataFrame({"school_id": ["1"], "school_name": ["x"], "school_type": ["小学"], "ownership": ["公办"], "area": ["乡村"]})
    s.validate(frame)
