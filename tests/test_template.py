"""`yichun template`: the blank intake workbook, and a filled copy reads back without problems."""

from __future__ import annotations

import pytest
from intake_helpers import county_input_value, kindergarten, population, school
from openpyxl import load_workbook

from yichun.catalogue import catalogue
from yichun.cli import main
from yichun.dictionary import sheets
from yichun.intake import ingest
from yichun.template import write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template("宜丰", 2026, tmp_path_factory.mktemp("tpl") / "宜丰县2026.xlsx")


def test_sheets_headers_units_comments_and_layout(template):
    wb = load_workbook(template)
    assert wb.sheetnames == ["基本信息", "义务教育学校", "幼儿园", "乡镇", "县级指标", "人口", "建设计划", "选项"]
    assert wb["选项"].sheet_state == "hidden"
    ws = wb["义务教育学校"]
    spec = sheets()["schools"]
    headers = [c.value for c in ws[1]]
    assert headers == [f.header_with_unit for f in spec.fields]
    assert "教学仪器设备值(万元)" in headers
    assert "小学在校生数(人)" in headers
    assert headers[0] == "学校标识码"
    assert ws["A1"].comment.text.startswith("教育部学校标识码(10位)")
    assert "（必填）" in ws["A1"].comment.text
    assert all(c.comment is not None and c.font.bold for c in ws[1])
    assert ws.freeze_panes == "C2"
    assert ws.column_dimensions["A"].width >= 10
    assert ws["A2"].number_format == "@"  # ids typed as text keep their leading zeros


def test_dropdowns_for_enum_and_yes_no_fields(template):
    wb = load_workbook(template)
    ws = wb["义务教育学校"]
    rules = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert set(rules) == {"C2:C2001", "D2:D2001", "E2:E2001", "F2:F2001"}  # 办学类型 办学性质 城乡分类 是否寄宿制学校
    lists = wb["选项"]
    col = rules["C2:C2001"].split("!")[1].split(":")[0].replace("$", "")[0]
    values = [lists[f"{col}{r}"].value for r in range(2, 9)]
    assert values == list(sheets()["schools"].field("school_type").values)
    boarding = rules["F2:F2001"].split("!")[1].split(":")[0].replace("$", "")[0]
    assert [lists[f"{boarding}2"].value, lists[f"{boarding}3"].value] == ["是", "否"]


def test_info_prefilled_and_every_county_code_listed(template):
    wb = load_workbook(template)
    info = {r[0].value: r[1].value for r in wb["基本信息"].iter_rows(min_row=2)}
    assert info["县(市、区)"] == "宜丰县"
    assert info["统计年度"] == 2026
    ws = wb["县级指标"]
    assert [c.value for c in ws[1]] == ["指标代码", "指标名称", "数值", "单位", "说明"]
    entries = catalogue().county_input_codes()
    listed = [(r[0].value, r[1].value, r[2].value, r[3].value) for r in ws.iter_rows(min_row=2, max_row=len(entries) + 1)]
    assert listed == [(e["code"], e["name"], None, e["unit"]) for e in entries]
    assert listed[0] == ("POP_3_5", "3—5岁常住人口数", None, "人")


def test_filled_template_round_trips_without_problems(template, tmp_path):
    wb = load_workbook(template)
    fill = {
        "义务教育学校": ("schools", [school(1, school_id="0360924001"), school(2, school_type="九年一贯制学校", students_junior=400,
                                                                       classes_junior=8, max_class_junior=50, teachers_total=60,
                                                                       teachers_certified=60)]),
        "幼儿园": ("kindergartens", [kindergarten(1), kindergarten(2, kg_type="普惠性民办", township_center="否")]),
        "乡镇": ("townships", [{"township": "新昌镇", "township_kind": "镇"}, {"township": "城南街道", "township_kind": "街道"}]),
        "人口": ("population", population(2026)),
        "建设计划": ("plans", [{"school_id": "0360924001", "plan_year": 2027, "item": "体育运动场馆面积", "quantity": 1200, "investment_wan": 260}]),
    }
    for name, (key, records) in fill.items():
        ws = wb[name]
        for r, rec in enumerate(records, start=2):
            for c, f in enumerate(sheets()[key].fields, start=1):
                ws.cell(row=r, column=c, value=rec.get(f.field))
    ws = wb["县级指标"]
    for r, entry in enumerate(catalogue().county_input_codes(), start=2):
        ws.cell(row=r, column=3, value=1 if entry["code"] == "TOWNSHIPS" else county_input_value(entry))
    raw = tmp_path / "raw" / "2026"
    raw.mkdir(parents=True)
    wb.save(raw / "宜丰县2026年县级指标采集表.xlsx")

    result = ingest(tmp_path / "raw", tmp_path / "out")
    assert result.problems.empty, result.report()
    s = result.inputs.schools.set_index("school_id")
    assert s.loc["0360924001", "students_primary"] == 600
    assert s.loc["0360924001", "equipment_value_wan"] == 150
    assert s.loc["3609240002", "students_junior"] == 400
    assert s.loc["3609240002", "school_type"] == "九年一贯制学校"
    assert set(s["county"]) == {"宜丰县"}
    assert set(s["year"]) == {2026}
    k = result.inputs.kindergartens.set_index("kg_id")
    assert k.loc["3609245002", "kg_type"] == "普惠性民办"
    assert not k.loc["3609245002", "township_center"]
    assert k.loc["3609245001", "township"] == "新昌镇"
    assert k.loc["3609245001", "design_year"] == 2018
    assert k.loc["3609245001", "head_certified"]
    # the explanation beside the 乡镇 table is not read as a row
    assert result.inputs.townships[["township", "township_kind"]].values.tolist() == [["新昌镇", "镇"], ["城南街道", "街道"]]
    ci = result.inputs.county_inputs.set_index("code")
    assert ci.loc["G9", "value"] == pytest.approx(0.965)
    assert ci.loc["G1", "rating"] == "良"
    assert ci.loc["V1", "value"] == 0.0
    assert len(ci) == len(catalogue().county_input_codes())
    assert result.inputs.population["births"].tolist()[-1] == 3000.0
    assert result.inputs.plans[["item", "quantity", "investment_wan"]].values.tolist() == [["sports_area_m2", 1200.0, 260.0]]


def test_kindergarten_sheet_has_the_new_fields_and_township_sheet_explains_itself(template):
    wb = load_workbook(template)
    headers = [c.value for c in wb["幼儿园"][1]]
    assert {"所在乡镇(街道)", "规划设计年份", "园长是否持证"} <= set(headers)
    assert "建筑面积" in wb["幼儿园"].cell(row=1, column=headers.index("活动用房面积(㎡)") + 1).comment.text
    ws = wb["乡镇"]
    assert [ws["A1"].value, ws["B1"].value] == ["乡镇(街道)", "类型"]
    assert "取自「幼儿园」表" in ws["D2"].value
    assert not ws["D2"].value.startswith(("注", "说明"))
    rules = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    col = rules["B2:B2001"].split("!")[1].split(":")[0].replace("$", "")[0]
    assert [wb["选项"][f"{col}{r}"].value for r in range(2, 5)] == ["乡", "镇", "街道"]


def test_county_figures_show_the_catalogue_standard_in_their_note(template):
    ws = load_workbook(template)["县级指标"]
    notes = {r[0]: r[4] for r in ws.iter_rows(min_row=2, values_only=True)}
    cat = catalogue()
    g9 = cat["G9"].checks()[0]  # a share: the threshold as a percentage
    assert f"标准 ≥ {g9.threshold * 100:g}%" in notes["G9"]
    assert "应为 否" in notes["V1"]


def test_standard_text_for_numbers_in_yuan_and_shares():
    from yichun.catalogue import Condition
    from yichun.template import _standard_text

    assert _standard_text(Condition("PG5_PUBLIC", ">=", 500.0, "公办园生均公用经费财政拨款标准", "元/生·年")) == "标准 ≥ 500 元/生·年"
    assert _standard_text(Condition("PG7", ">=", 0.75, "非在编÷在编平均工资", "%")) == "标准 ≥ 75%"
    assert _standard_text(Condition("PQ3", "<=", 15.0, "", "")) == "标准 ≤ 15"
    assert _standard_text(Condition("PG11", "yes", None, "", "是/否")) == "应为 是"


def test_cli_template(tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert main(["template", "--county", "铜鼓县", "--year", "2025", "--out", str(out)]) == 0
    assert load_workbook(out)["基本信息"]["B2"].value == "铜鼓县"
    assert main(["template", "--county", "铜古", "--year", "2025", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "无法识别的县(市、区)名称「铜古」" in capsys.readouterr().err
