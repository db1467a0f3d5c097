"""docs/outputs.md lists exactly the columns the code writes (the tables marked "checked").

One county-year workbook is generated from the template, filled in, then `yichun ingest`,
`yichun assess` and `yichun problems` run on it in a temporary folder; the header of every
file they write is compared with its `<!-- columns:… -->` block in docs/outputs.md, in order.
`project` and `plan` take tens of seconds, so status.csv and the plan tables are compared with
the column lists their writers select (`STATUS_COLUMNS`, `PLAN_COLUMNS`, …) instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from intake_helpers import fill_template

from yichun.cli import main
from yichun.template import write_template

DOC = Path(__file__).resolve().parents[1] / "docs" / "outputs.md"
PROCESSED = ("schools", "kindergartens", "county_inputs", "population", "plans", "townships", "problems")
ASSESSED = ("school_parts", "school_parts_excluded", "cv", "preschool", "readiness", "items", "gaps", "bill")

SCHOOL = dict(school_id="3609240001", school_name="城关小学", school_type="小学", ownership="公办", area="城区", boarding="否",
              students_primary=600, students_junior=0, students_senior=0, classes_primary=14, classes_junior=0, max_class_primary=45,
              teachers_qualified_primary=20, teachers_backbone_primary=6, teachers_pe_arts_primary=6, teachers_total=35,
              teachers_certified=35, teaching_area_m2=3000, sports_area_m2=4800, equipment_value_wan=150, multimedia_rooms=15,
              music_rooms=2, art_rooms=2, music_room_min_m2=100, art_room_min_m2=95)
SPECIAL = dict(school_id="3609240099", school_name="宜丰县特殊教育学校", school_type="特殊教育学校", ownership="公办", area="城区",
               students_primary=40, students_junior=20, students_senior=0, teachers_qualified_primary=5, teachers_qualified_junior=3,
               teachers_backbone_primary=1, teachers_backbone_junior=1, teachers_pe_arts_primary=1, teachers_pe_arts_junior=1,
               teachers_total=12, teachers_certified=12, teaching_area_m2=800, sports_area_m2=600, equipment_value_wan=20,
               multimedia_rooms=4)
KINDERGARTEN = dict(kg_id="3609245001", kg_name="城关中心幼儿园", kg_type="公办", area="城区", township="城关镇", township_center="是",
                    estate_kindergarten="否", children=300, classes=10, oversized_classes=0, staff=40, teachers=20, teachers_certified=20,
                    head_certified="是", nurses=10, building_m2=3600, activity_m2=2550, outdoor_m2=1350, design_year=2018)


def _fill(path: Path) -> Path:
    return fill_template(path, [SCHOOL, SPECIAL], [KINDERGARTEN], townships=(("城关镇", "镇"),),
                         plans=(["3609240001", 2025, "小学高于规定学历教师数", 3, 39],))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """(processed folder, assess folder, 问题清单 path) written from one filled template."""
    root = tmp_path_factory.mktemp("docs_outputs")
    raw = root / "raw"
    _fill(write_template("宜丰县", 2024, raw / "2024" / "宜丰县2024年数据.xlsx"))
    processed, assessed, ledger = root / "processed", root / "assess", root / "问题清单.xlsx"
    assert main(["ingest", "--raw", str(raw), "--out", str(processed)]) == 0
    assert main(["assess", "--raw", str(raw), "--year", "2024", "--out", str(assessed)]) == 0
    assert main(["problems", "--county", "宜丰县", "--year", "2024", "--raw", str(raw), "--out", str(ledger), "--no-outlook"]) == 0
    return processed, assessed, ledger


def documented(name: str) -> list[str]:
    """The columns of one `<!-- columns:name -->` block: the first cell of each table row, else every `name` in order."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(rf"<!-- columns:{re.escape(name)} -->\n(.*?)\n\s*<!-- /columns:{re.escape(name)} -->", text, re.S)
    assert m, f"docs/outputs.md has no <!-- columns:{name} --> block"
    block = m.group(1).strip()
    if block.startswith("|"):
        rows = [line for line in block.splitlines()[2:] if line.startswith("| `")]
        return [re.match(r"\| `([^`]+)` \|", line).group(1) for line in rows]
    return re.findall(r"`([^`]+)`", block)


@pytest.mark.parametrize("table", PROCESSED)
def test_processed_tables_have_the_documented_columns(written, table):
    processed, _, _ = written
    assert list(pd.read_parquet(processed / f"{table}.parquet").columns) == documented(f"processed/{table}.parquet")


@pytest.mark.parametrize("table", ASSESSED)
def test_assess_csvs_have_the_documented_columns(written, table):
    _, assessed, _ = written
    header = (assessed / f"{table}.csv").read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == documented(f"assess/{table}.csv")


def test_the_ledger_sheet_has_the_documented_columns(written):
    _, _, ledger = written
    wb = openpyxl.load_workbook(ledger, read_only=True)
    header = [c.value for c in next(wb["问题清单"].iter_rows(max_row=1))]
    wb.close()
    assert header == documented("ledger/问题清单")


def test_every_documented_processed_table_is_written(written):
    processed, _, _ = written
    names = {p.stem for p in processed.glob("*.parquet")}
    assert names == {*PROCESSED, "quarantine"}
    assert (processed / "manifest.json").is_file()



def test_status_csv_has_the_documented_columns():
    from yichun.projection.outlook import STATUS_COLUMNS

    assert documented("project/status.csv") == STATUS_COLUMNS


@pytest.mark.parametrize(("table", "constant"), [("plan.csv", "PLAN_COLUMNS"), ("plan_check.csv", "CHECK_COLUMNS"),
                                                 ("policy.csv", "POLICY_TABLE")])
def test_plan_tables_have_the_documented_columns(table, constant):
    from yichun.scenarios import planner

    assert documented(f"plan/{table}") == getattr(planner, constant)
