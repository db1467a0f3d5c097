"""整改台账核对 in the briefings: the numbers come from round_history, --ledgers reads returned ledgers."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pandas as pd
import pytest

from yichun.briefing import report, rounds
from yichun.briefing.page import Briefing

COUNTY = "宜丰县"  # the county of the shared briefing build (tests/conftest.py)


def _round_table(html_path) -> pd.DataFrame:
    tables = pd.read_html(StringIO(html_path.read_text(encoding="utf-8")), thousands=",")
    found = [t for t in tables if "其中县报已完成但数据仍未达标" in t.columns]
    assert len(found) == 1, "the county page has exactly one 整改台账核对 table"
    return found[0]


def test_county_page_numbers_equal_round_history_of_the_previous_years_ledger(briefing_data, briefing_build):
    from yichun.assessment import assess
    from yichun.intake import load
    from yichun.ledger import close_out, present_units, problem_rows, round_history

    d = briefing_data
    prev = d.data_years[-2]
    inputs = load()
    a_prev = assess(inputs.select(years=[y for y in inputs.years() if y <= prev]), years=prev, profile=d.profile)
    closing = close_out(problem_rows(a_prev, COUNTY, prev), problem_rows(d.assessment, COUNTY, d.year),
                        present_units(d.assessment, COUNTY, d.year), dt.date.today())
    expected = round_history(closing).iloc[0]
    result, _, _ = briefing_build
    shown = _round_table(result.html[COUNTY]).iloc[0]
    for col in rounds.COLUMNS:
        assert int(shown[col]) == int(expected[col]), col
    assert int(shown["其中县报已完成但数据仍未达标"]) == 0  # a generated ledger claims nothing


def test_county_prose_is_built_from_the_same_numbers(briefing_data):
    n = rounds.round_numbers(briefing_data, COUNTY)
    text = rounds.county_round_text(briefing_data, COUNTY)
    assert f"共 {n['上期问题数']} 个问题" in text
    assert f"已销号 {n['已销号']} 个" in text
    assert f"未销号 {n['未销号']} 个" in text
    assert f"本期新增 {n['新增']} 个问题" in text
    assert f"以数据生成的 {briefing_data.data_years[-2]} 年问题清单" in text  # says which comparison
    assert n["上期问题数"] == n["已销号"] + n["未销号"] + n["无法核实"]


def test_word_report_has_the_round_paragraph_and_table(briefing_data):
    rep = report.report(briefing_data, COUNTY)
    paras = [b.text for b in rep.blocks if isinstance(b, report.Para)]
    assert rounds.county_round_text(briefing_data, COUNTY) in paras
    table = next(b for b in rep.blocks if isinstance(b, report.Table) and rounds.TITLE in b.title)
    assert table.frame.equals(rounds.county_round_table(briefing_data, COUNTY))


def test_city_table_has_one_row_per_county(briefing_data):
    table = rounds.city_round_table(briefing_data)
    assert list(table["县(市、区)"]) == briefing_data.counties
    row = table.set_index("县(市、区)").loc[COUNTY]
    n = rounds.round_numbers(briefing_data, COUNTY)
    assert [int(str(row[c]).replace(",", "")) for c in rounds.COLUMNS] == [n[c] for c in rounds.COLUMNS]


def test_returned_ledger_marking_one_persisting_problem_done_shows_one_claimed(briefing_data, tmp_path):
    """This year's ledger returned with one row 已完成, checked against the same year's data: every
    problem persists (0 closed, 0 new), and exactly one is claimed done but not."""
    from yichun.ledger import fill_in
    from yichun.problem_list import write_problem_list

    d = briefing_data
    sent = write_problem_list(d.assessment, COUNTY, d.year, tmp_path / "sent.xlsx", ledger=d.rounds.rounds[COUNTY])
    rows = d.rounds.rounds[COUNTY].rows
    pid = rows["problem_id"].iloc[0]
    folder = tmp_path / "returned"
    folder.mkdir()
    fill_in(sent, {pid: {"measure": "已安排整改", "deadline": f"{d.year + 1}年12月", "progress": "已完成"}}, folder / "第一份.xlsx")
    returned = rounds.read_ledgers(folder)
    assert list(returned) == [COUNTY]  # recognised by its 县(市、区) column, not its name
    with_r = rounds.with_returned(d, returned, as_of=dt.date(d.year, 12, 31))
    n = rounds.round_numbers(with_r, COUNTY)
    assert n == {"上期问题数": len(rows), "已销号": 0, "未销号": len(rows), "其中逾期": 0, "其中县报已完成但数据仍未达标": 1,
                 "新增": 0, "无法核实": 0}
    page = Briefing(with_r, COUNTY).blocks("投入与行动")
    table = next(b for b in page if isinstance(b, pd.DataFrame))
    assert table.iloc[0]["其中县报已完成但数据仍未达标"] == "1"
    assert "第一份.xlsx" in rounds.county_round_text(with_r, COUNTY)
    assert rounds.round_numbers(d, COUNTY)["其中县报已完成但数据仍未达标"] == 0  # the shared data is not changed


def test_a_bad_file_in_ledgers_exits_2_naming_it(capsys, tmp_path):
    from yichun.cli import main

    folder = tmp_path / "returned"
    folder.mkdir()
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    out = tmp_path / "out"
    assert main(["brief", "--ledgers", str(folder), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "坏文件.xlsx" in err
    assert "Traceback" not in err


def test_a_ledger_with_no_county_rows_is_refused(tmp_path):
    from openpyxl import Workbook

    from yichun.errors import YichunError
    from yichun.ledger import config

    cfg = config()
    wb = Workbook()
    ws = wb.active
    ws.title = cfg.sheet
    ws.append([cfg.headers["problem_id"], cfg.headers["progress"]])
    folder = tmp_path / "returned"
    folder.mkdir()
    wb.save(folder / "空白.xlsx")
    with pytest.raises(YichunError, match="空白.xlsx.*无法确定是哪个县"):
        rounds.read_ledgers(folder)
