"""评估结果.xlsx: the assess tables under Chinese headers, ids as text, percentages, 是/否, frozen filtered headers."""

import openpyxl
import pytest

from yichun.assessment import assess
from yichun.assessment.examples import good_kindergarten, good_primary, make_inputs, passing_county_inputs
from yichun.commands.assess import tables
from yichun.resultbook import column_labels, write_results


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    schools = [good_primary("0360924001", "城关小学", 1000, teaching_area_m2=3000), good_primary("0360924002", "石市小学", 500)]
    kgs = [good_kindergarten("K1", "城关幼儿园", "公办", 300, township_center=True)]
    a = assess(make_inputs(schools=schools, kindergartens=kgs, county_inputs=passing_county_inputs() | {"POP_3_5": 400, "TOWNSHIPS": 1}))
    path = write_results(tables(a), tmp_path_factory.mktemp("r") / "评估结果.xlsx", a.catalogue)
    return a, openpyxl.load_workbook(path)


def column(ws, header):
    heads = [c.value for c in ws[1]]
    return heads.index(header) + 1


def test_every_csv_table_is_a_sheet_with_chinese_headers_only(book):
    a, wb = book
    assert wb.sheetnames == ["申报条件", "逐项指标", "学校(学段)资源配置", "不计入的学校(学段)", "差异系数", "学前普及普惠", "缺口", "达标费用"]
    labels = column_labels(a.catalogue)
    for name, frame in tables(a).items():
        assert set(frame.columns) <= set(labels), (name, set(frame.columns) - set(labels))
    for ws in wb.worksheets:
        assert all(not str(c.value).isascii() or str(c.value)[:1] in "RAB" for c in ws[1]), ws.title  # no English field names


def test_ids_keep_leading_zeros_as_text(book):
    _, wb = book
    ws = wb["学校(学段)资源配置"]
    cell = ws.cell(row=2, column=column(ws, "学校(幼儿园)标识码"))
    assert cell.value in ("0360924001", "0360924002")
    assert cell.data_type == "s"
    assert cell.number_format == "@"


def test_shares_are_percentages_and_booleans_are_shi_fou(book):
    _, wb = book
    ws = wb["学前普及普惠"]
    value = ws.cell(row=2, column=column(ws, "数值"))
    assert value.number_format == "0.0%"
    assert 0 < value.value <= 1.5
    ws = wb["学校(学段)资源配置"]
    assert ws.cell(row=2, column=column(ws, "R4与标准之比")).number_format == "0.0%"
    assert {ws.cell(row=r, column=column(ws, "是否符合学校要求")).value for r in (2, 3)} <= {"是", "否"}
    ws = wb["申报条件"]
    assert ws.cell(row=2, column=column(ws, "是否具备申报条件")).value in ("是", "否")
    assert ws.cell(row=2, column=column(ws, "统计年度")).value == 2024
    assert ws.cell(row=2, column=column(ws, "统计年度")).number_format == "0"


def test_r_columns_are_labelled_from_the_catalogue(book):
    _, wb = book
    heads = [c.value for c in wb["学校(学段)资源配置"][1]]
    assert "R4(㎡/生)" in heads
    assert "R1(人/百生)" in heads


def test_frozen_header_and_filter_on_every_sheet(book):
    _, wb = book
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:"), ws.title
