"""Formula injection: text that a spreadsheet could run is written as text (xlsx) or quoted (CSV);
numbers, negative ones included, stay numbers."""

import io

import openpyxl
import pandas as pd

from yichun.atomic import csv_text, write_csv
from yichun.cellsafe import neutralise_frame, risky, set_value, write_table

HOSTILE = ["=HYPERLINK(\"http://evil\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "城关小学", "a=b"]


def test_risky_text_starts_with_a_formula_character():
    assert [risky(v) for v in HOSTILE] == [True, True, True, True, True, True, False, False]
    assert not risky(-3.5)
    assert not risky(None)


def test_csv_quotes_risky_text_and_leaves_numbers_alone():
    frame = pd.DataFrame({"name": HOSTILE, "x": [-3.5, 1, 2, 3, 4, 5, 6, 7]})
    out = neutralise_frame(frame)
    assert out["name"].tolist() == ["'=HYPERLINK(\"http://evil\",\"点我\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR", "城关小学", "a=b"]
    assert out["x"].tolist() == [-3.5, 1, 2, 3, 4, 5, 6, 7]
    assert frame["name"].iloc[0].startswith("=")  # the caller's frame is not changed


def test_write_csv_of_the_assess_tables_is_neutralised(tmp_path):
    frame = pd.DataFrame({"school_name": ["=1+1", "-负数学校"], "value": [-1.25, 2.0], "met": [True, False]})
    text = csv_text(frame)
    rows = pd.read_csv(io.StringIO(text), dtype=str)
    assert rows["school_name"].tolist() == ["'=1+1", "'-负数学校"]
    assert rows["value"].tolist() == ["-1.25", "2.0"]
    assert rows["met"].tolist() == ["true", "false"]
    write_csv(frame, tmp_path / "t.csv")
    assert "'=1+1" in (tmp_path / "t.csv").read_text(encoding="utf-8-sig")


def test_xlsx_text_is_a_string_cell_with_quote_prefix():
    wb = openpyxl.Workbook()
    ws = wb.active
    for j, v in enumerate(["=SUM(A1)", -3, "-3", "城关"], start=1):
        set_value(ws.cell(row=1, column=j), v)
    a, b, c, d = ws[1]
    assert (a.value, a.data_type, a.quotePrefix) == ("=SUM(A1)", "s", True)
    assert (b.value, b.data_type) == (-3, "n")  # a negative number stays a number
    assert (c.value, c.data_type, c.quotePrefix) == ("-3", "s", True)  # text that looks like one is text
    assert (d.data_type, d.quotePrefix) == ("s", False)


def test_ingest_problems_workbook_never_holds_a_formula(tmp_path):
    problems = pd.DataFrame({"severity": ["错误"], "kind": ["数值无效"], "message": ["值无法识别"], "file": ["a.xlsx"], "sheet": ["学校"],
                             "row": [3], "column": ["在校生数"], "value": ["=cmd|' /C calc'!A0"], "county": ["宜丰县"], "year": [2024]})
    write_table(problems, tmp_path / "p.xlsx", sheet="问题清单")
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx")["问题清单"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    cell = ws.cell(row=2, column=8)
    assert cell.value == "=cmd|' /C calc'!A0"
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:J2"
    assert ws.cell(row=2, column=6).value == 3
    write_table(problems, tmp_path / "p.csv")
    assert "'=cmd" in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")


def test_ledger_cells_of_hostile_names_are_text(tmp_path):
    from yichun.assessment import assess
    from yichun.assessment.examples import good_primary, make_inputs, passing_county_inputs
    from yichun.problem_list import write_problem_list

    a = assess(make_inputs(schools=[good_primary("3609240001", "=SUM(A1)", 1000, teaching_area_m2=3000)], county_inputs=passing_county_inputs()))
    wb = openpyxl.load_workbook(write_problem_list(a, "宜丰县", 2024, tmp_path / "l.xlsx"))
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    cell = wb["问题清单"]["D2"]
    assert cell.value == "=SUM(A1)"
    assert cell.data_type == "s"
    assert cell.quotePrefix
