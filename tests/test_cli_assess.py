"""`yichun assess` and `yichun problems` end to end: a workbook written from the template, read by
intake, assessed, written as the contract CSVs (values checked by hand)."""

import csv
import io

import openpyxl
import pytest
from intake_helpers import fill_template

from yichun.cli import main
from yichun.template import write_template

SCHOOLS = [
    dict(school_id="3609240001", school_name="城关小学", school_type="小学", ownership="公办", area="城区", boarding="否",
         students_primary=600, students_junior=0, students_senior=0, classes_primary=14, classes_junior=0, max_class_primary=45,
         teachers_qualified_primary=30, teachers_backbone_primary=6, teachers_pe_arts_primary=6, teachers_total=35, teachers_certified=35,
         teaching_area_m2=3000, sports_area_m2=4800, equipment_value_wan=150, multimedia_rooms=15, music_rooms=2, art_rooms=2,
         music_room_min_m2=100, art_room_min_m2=95),
    dict(school_id="3609240002", school_name="石市小学", school_type="小学", ownership="公办", area="乡村", boarding="否",
         students_primary=300, students_junior=0, students_senior=0, classes_primary=8, classes_junior=0, max_class_primary=40,
         teachers_qualified_primary=12, teachers_backbone_primary=3, teachers_pe_arts_primary=3, teachers_total=18, teachers_certified=18,
         teaching_area_m2=1500, sports_area_m2=2400, equipment_value_wan=75, multimedia_rooms=8, music_rooms=1, art_rooms=1,
         music_room_min_m2=100, art_room_min_m2=95),
    dict(school_id="3609240101", school_name="城关中学", school_type="初级中学", ownership="公办", area="城区", boarding="是",
         students_primary=0, students_junior=500, students_senior=0, classes_primary=0, classes_junior=10, max_class_junior=50,
         teachers_qualified_junior=30, teachers_backbone_junior=5, teachers_pe_arts_junior=5, teachers_total=40, teachers_certified=40,
         teaching_area_m2=3000, sports_area_m2=5500, equipment_value_wan=150, multimedia_rooms=13, music_rooms=1, art_rooms=1,
         music_room_min_m2=100, art_room_min_m2=95),
]
KINDERGARTENS = [dict(kg_id="3609245001", kg_name="城关中心幼儿园", kg_type="公办", area="城区", township_center="是", estate_kindergarten="否",
                      children=300, classes=10, oversized_classes=0, staff=40, teachers=20, teachers_certified=20, nurses=10,
                      building_m2=3600, activity_m2=2550, outdoor_m2=1350, township="城关镇", design_year=2018, head_certified="是")]
CONTRACT = {
    "school_parts.csv": "county,year,school_id,level,students,R1,R2,R3,R4,R5,R6,R7,n_met,passed",
    "cv.csv": "county,year,level,indicator,cv,limit,met",
    "preschool.csv": "county,year,indicator,value,standard,met",
    "readiness.csv": "county,track,year,a_met,a_total,b_good,b_total,ready",
}


def fill(path, schools=SCHOOLS, kgs=KINDERGARTENS, inputs=None):
    fill_template(path, schools, kgs, inputs)


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw")
    path = write_template("宜丰县", 2024, folder / "2024" / "宜丰县2024年数据.xlsx")
    fill(path)
    return folder


def read(path):
    text = path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


def test_assess_writes_the_contract_tables(raw, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["assess", "--raw", str(raw), "--year", "2024", "--out", str(out)]) == 0
    for name, header in CONTRACT.items():
        first = (out / name).read_bytes().decode("utf-8-sig").splitlines()[0]
        assert first.startswith(header + ",") or first == header
    parts = {(r["school_id"], r["level"]): r for r in read(out / "school_parts.csv")}
    assert set(parts) == {("3609240001", "小学"), ("3609240002", "小学"), ("3609240101", "初中")}
    a = parts[("3609240001", "小学")]
    assert (a["county"], a["year"], a["students"]) == ("宜丰县", "2024", "600.0")
    assert [float(a[f"R{i}"]) for i in range(1, 8)] == pytest.approx([5.0, 1.0, 1.0, 5.0, 8.0, 2500.0, 2.5])
    b = parts[("3609240002", "小学")]
    assert float(b["R1"]) == pytest.approx(4.0) and b["n_met"] == "6" and b["passed"] == "true"  # R1 at 95% of 4.2
    cv = {(r["level"], r["indicator"]): r for r in read(out / "cv.csv")}
    # 小学 R1: x = 5.0, 4.0 with 600, 300 pupils: X̄ = 4.6667, S = 0.4714, CV = 0.10102
    assert float(cv[("小学", "R1")]["cv"]) == pytest.approx(0.1010153, abs=1e-6)
    assert cv[("小学", "R1")]["met"] == "true"
    assert cv[("小学", "R1")]["limit"] == "0.5"
    assert cv[("初中", "R1")]["cv"] == "" and cv[("初中", "R1")]["met"] == ""  # one junior school: undefined
    pre = {r["indicator"]: r for r in read(out / "preschool.csv")}
    assert float(pre["P1"]["value"]) == pytest.approx(300 / 320)
    assert pre["P1"]["standard"] == "0.85"
    assert pre["P1"]["met"] == "true"
    ready = {r["track"]: r for r in read(out / "readiness.csv")}
    assert set(ready) == {"义务教育", "学前教育"}
    assert ready["义务教育"]["ready"] == "true"
    assert ready["义务教育"]["a_met"] == ready["义务教育"]["a_total"] == "29"
    assert ready["学前教育"]["ready"] == "true"
    assert (out / "items.csv").exists()
    assert (out / "gaps.csv").exists()
    assert (out / "bill.csv").exists()
    assert "已评估 2024 年度 1 个县" in capsys.readouterr().out


def test_a_year_without_workbooks_is_an_error_naming_the_years(raw, tmp_path, capsys):
    assert main(["assess", "--raw", str(raw), "--year", "2023", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "2023" in err
    assert "2024" in err
    assert "Traceback" not in err


def test_invalid_input_exits_2_with_problem_records(tmp_path, capsys):
    folder = tmp_path / "bad"
    path = write_template("宜丰县", 2024, folder / "2024" / "宜丰县.xlsx")
    fill(path, schools=[dict(SCHOOLS[0], students_primary=-5)])
    assert main(["assess", "--raw", str(folder), "--year", "2024", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "宜丰县.xlsx" in err
    assert "-5" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o" / "readiness.csv").exists()


def test_unknown_profile_exits_2(raw, tmp_path, capsys):
    assert main(["assess", "--raw", str(raw), "--year", "2024", "--out", str(tmp_path / "o"), "--profile", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_problems_command_writes_the_workbook(raw, tmp_path, capsys):
    out = tmp_path / "宜丰.xlsx"
    assert main(["problems", "--county", "宜丰", "--year", "2024", "--raw", str(raw), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["问题清单", "汇总"]
    assert "一校一策" in wb.sheetnames
    assert "义务·资源配置" in wb.sheetnames
    assert "具备申报条件" in capsys.readouterr().out


def test_assess_xlsx_writes_the_results_workbook_beside_the_csvs(raw, tmp_path):
    out = tmp_path / "out"
    assert main(["assess", "--raw", str(raw), "--out", str(out), "--xlsx"]) == 0
    wb = openpyxl.load_workbook(out / "评估结果.xlsx")
    ws = wb["学校(学段)资源配置"]
    assert [c.value for c in ws[1]][:3] == ["县(市、区)", "统计年度", "学校(幼儿园)标识码"]
    assert ws["C2"].value == "3609240001"
    assert read(out / "school_parts.csv")[0]["school_id"] == "3609240001"  # the CSVs keep their English columns
