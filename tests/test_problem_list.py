"""The 问题清单 / 一校一策 workbook, read back with openpyxl."""

import openpyxl
import pytest

from yichun.assessment import assess
from yichun.assessment.examples import good_kindergarten, good_primary, make_inputs, passing_county_inputs
from yichun.errors import YichunError
from yichun.problem_list import GREEN, RED, write_problem_list


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    schools = [good_primary("0001", "=SUM(A1)", 1000, teachers_qualified_primary=40, teaching_area_m2=3000),  # fails: R1, R4
               good_primary("0002", "城关第二小学", 800), good_primary("0003", "+石市小学", 500, music_rooms=0)]
    kgs = [good_kindergarten("K1", "城关幼儿园", "公办", 300, township_center=True), good_kindergarten("K2", "@阳光幼儿园", "普惠性民办", 100, outdoor_m2=300)]
    a = assess(make_inputs(schools=schools, kindergartens=kgs, county_inputs=passing_county_inputs() | {"POP_3_5": 450, "TOWNSHIPS": 1}))
    path = write_problem_list(a, "宜丰", 2024, tmp_path_factory.mktemp("pl") / "清单.xlsx")
    return a, openpyxl.load_workbook(path), path


def find(ws, text):
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c
    raise AssertionError(f"{text} not in {ws.title}")


def test_sheets_and_frozen_panes(book):
    _, wb, path = book
    assert wb.sheetnames == ["问题清单", "汇总", "义务·资源配置", "义务·政府保障程度", "义务·教育质量", "义务·社会认可度", "义务·否决项",
                             "学前·普及普惠水平", "学前·政府保障情况", "学前·保教质量保障情况", "学前·社会认可度", "一校一策", "一园一策", "单价依据"]
    assert wb["汇总"].freeze_panes == "A2"
    assert wb["义务·资源配置"].freeze_panes == "A4"  # title, blank, header
    assert not list(path.parent.glob(".*"))  # no temporary file left behind


def test_no_formulas_ever(book):
    _, wb, _ = book
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    cell = find(wb["一校一策"], "=SUM(A1)（0001）")
    assert cell.data_type == "s"
    cell = find(wb["义务·资源配置"], "=SUM(A1)")
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_summary_values_fills_and_formats(book):
    a, wb, _ = book
    ws = wb["汇总"]
    head = find(ws, "是否具备申报条件")
    compulsory = ws.cell(row=head.row + 1, column=head.column)
    assert ws.cell(row=head.row + 1, column=1).value == "义务教育"
    assert compulsory.value == "不具备"
    assert compulsory.fill.start_color.rgb.endswith(RED)
    cost = ws.cell(row=head.row + 1, column=find(ws, "补短板费用(万元)").column)
    # 2 qualified teachers (13 万元 each) + 1500 ㎡ (3000 元/㎡) + 1 music room (34 万元)
    assert cost.value == pytest.approx(26 + 450 + 34)
    assert cost.number_format == "#,##0.00"
    assert cost.value == pytest.approx(a.total_cost("宜丰县", 2024, "义务教育"))
    total = find(ws, "已计价项目合计")
    assert ws.cell(row=total.row, column=total.column + 3).value == pytest.approx(a.total_cost("宜丰县", 2024))


def test_dimension_sheet_status_fills_and_percentages(book):
    _, wb, _ = book
    ws = wb["义务·资源配置"]
    r4 = find(ws, "R4")
    status = ws.cell(row=r4.row, column=7)
    assert status.value == "未达标"
    assert status.fill.start_color.rgb.endswith(RED)
    value = ws.cell(row=r4.row, column=5)
    assert value.value == pytest.approx(2 / 3)
    assert value.number_format == "0.0%"
    ok = find(ws, "R2")
    assert ws.cell(row=ok.row, column=7).fill.start_color.rgb.endswith(GREEN)
    cv = find(ws, "差异系数")
    assert ws.cell(row=cv.row + 1, column=cv.column).number_format == "0.000"


def test_one_block_per_school_with_quantities_and_cost(book):
    _, wb, _ = book
    ws = wb["一校一策"]
    block = find(ws, "=SUM(A1)（0001）")
    assert ws.cell(row=block.row, column=9).value == pytest.approx(476.0)
    rows = {ws.cell(row=r, column=3).value: r for r in range(block.row + 1, block.row + 4)}
    r = rows["教学及辅助用房"]
    assert ws.cell(row=r, column=7).value == 1500
    assert ws.cell(row=r, column=8).value == "㎡"
    assert ws.cell(row=r, column=9).value == pytest.approx(450.0)
    assert ws.cell(row=rows["高于规定学历专任教师"], column=7).value == 2
    kg = find(wb["一园一策"], "@阳光幼儿园（K2）")
    assert kg.data_type == "s"


def test_column_widths_count_cjk_double(book):
    _, wb, _ = book
    ws = wb["单价依据"]
    # 项目 column holds e.g. "体育、艺术(美术、音乐)专任教师" (13 CJK + 2 brackets = 28 display cells)
    assert ws.column_dimensions["A"].width >= 28


def test_unknown_county_year_is_a_user_error(book, tmp_path):
    a, _, _ = book
    with pytest.raises(YichunError, match="2030"):
        write_problem_list(a, "宜丰县", 2030, tmp_path / "x.xlsx")


def test_whole_unit_shortfalls_have_no_decimals_and_pages_fit_the_width(book):
    _, wb, _ = book
    ws = wb["汇总"]
    head = find(ws, "缺口")
    units = {ws.cell(row=r, column=head.column + 1).value: ws.cell(row=r, column=head.column).number_format
             for r in range(head.row + 1, head.row + 16) if ws.cell(row=r, column=head.column).value is not None}
    assert units
    assert all(fmt == "#,##0" for unit, fmt in units.items() if unit in ("人", "㎡", "间"))
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1
    assert wb["问题清单"].print_title_rows == "$1:$1" and wb["一校一策"].print_title_rows == "$4:$4"  # header rows on every page
