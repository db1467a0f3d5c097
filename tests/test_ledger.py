"""The 问题清单 as a rectification ledger: ids, columns, formats, read-back, 销号 and carry-forward.

Two hand-made years of one county (宜丰县):

2023: 0001 (1000 小学 students) has 40 qualified teachers (R1 needs 42 → 2 人) and 3000 ㎡ (R4 needs
      4500 → 1500 ㎡); 0003 has no music room (G3 → 1 间); 0004 lacks 1 multimedia-free … (R4 500 ㎡,
      school still meets the rule); 0005 likewise (R4 500 ㎡); K2 (100 children) has 300 ㎡ outdoor
      (PQ1 needs 400 → 100 ㎡).
2024: 0001 built its 1500 ㎡ (R4 gone) but still has 40 teachers; 0003 has its music room; 0004 is
      no longer in the data; 0005 unchanged; 0002 lost its art room (G3 new); K2 unchanged.
"""

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from yichun.assessment import assess
from yichun.assessment.examples import combine, good_kindergarten, good_primary, make_inputs, passing_county_inputs
from yichun.errors import InputError, YichunError
from yichun.ledger import config, fill_in, ledger_round, problem_rows, read_returned, round_history
from yichun.problem_list import write_problem_list

CONTRACT = ["问题编号", "县(市、区)", "学校(幼儿园)标识码", "学校(幼儿园)名称", "学段", "指标代码", "指标名称", "现状值", "标准", "缺口数量", "单位",
            "测算费用(万元)", "费用类别", "建设计划已安排", "预测结论", "整改措施", "责任单位", "责任人", "完成时限", "资金来源", "进度", "完成说明"]
CI = passing_county_inputs() | {"POP_3_5": 450, "TOWNSHIPS": 1}


def year_2023(order=1):
    schools = [good_primary("3609240001", "城关小学", 1000, teachers_qualified_primary=40, teaching_area_m2=3000),
               good_primary("3609240002", "城关第二小学", 800), good_primary("3609240003", "石市小学", 500, music_rooms=0),
               good_primary("3609240004", "新庄小学", 1000, teaching_area_m2=4000),
               good_primary("3609240005", "棠浦小学", 1000, teaching_area_m2=4000)]
    kgs = [good_kindergarten("K1", "城关幼儿园", "公办", 300, township_center=True), good_kindergarten("K2", "阳光幼儿园", "普惠性民办", 100, outdoor_m2=300)]
    return make_inputs(schools=schools[::order], kindergartens=kgs[::order], county_inputs=CI, year=2023)


def year_2024():
    schools = [good_primary("3609240001", "城关小学", 1000, teachers_qualified_primary=40, teaching_area_m2=4500),
               good_primary("3609240002", "城关第二小学", 800, art_rooms=0), good_primary("3609240003", "石市小学", 500),
               good_primary("3609240005", "棠浦小学", 1000, teaching_area_m2=4000)]
    kgs = [good_kindergarten("K1", "城关幼儿园", "公办", 300, township_center=True), good_kindergarten("K2", "阳光幼儿园", "普惠性民办", 100, outdoor_m2=300)]
    return make_inputs(schools=schools, kindergartens=kgs, county_inputs=CI, year=2024)


@pytest.fixture(scope="module")
def a():
    return assess(combine(year_2023(), year_2024()))


@pytest.fixture(scope="module")
def rows(a):
    return problem_rows(a, "宜丰县", 2023), problem_rows(a, "宜丰县", 2024)


def pid(rows, school_id, indicator):
    hit = rows[(rows["school_id"] == school_id) & (rows["indicator"] == indicator)]
    assert len(hit) == 1, (school_id, indicator, hit)
    return hit["problem_id"].iloc[0]


@pytest.fixture(scope="module")
def ledger_2023(a, tmp_path_factory):
    path = write_problem_list(a, "宜丰县", 2023, tmp_path_factory.mktemp("l") / "宜丰县2023.xlsx")
    return path


@pytest.fixture(scope="module")
def returned(a, rows, ledger_2023, tmp_path_factory):
    """The 2023 ledger as the county sends it back."""
    r23, _ = rows
    entries = {
        pid(r23, "3609240001", "R1"): {"measure": "招聘2名本科学历教师", "responsible_unit": "县教体局人事股", "responsible_person": "李四",
                                       "deadline": "2024年8月", "funding": "县级财政", "progress": "已完成", "completion_note": "已到岗"},
        pid(r23, "3609240001", "R4"): {"measure": "新建教学楼", "progress": "已完成", "deadline": dt.date(2024, 9, 1)},
        pid(r23, "K2", "PQ1"): {"measure": "扩建室外场地", "deadline": "2024-06-30", "progress": "推进中"},
        pid(r23, "3609240003", "G3"): {"measure": "改建音乐教室", "progress": "已完成"},
    }
    return fill_in(ledger_2023, entries, tmp_path_factory.mktemp("r") / "宜丰县2023（已填）.xlsx")


@pytest.fixture(scope="module")
def rnd(a, returned):
    return ledger_round(a, "宜丰县", 2024, returned, as_of=dt.date(2024, 12, 1))


def status_of(rnd, problem):
    c = rnd.closing
    return c.loc[c["problem_id"] == problem, "status"].iloc[0]


# ----------------------------------------------------------------------------- ids
def test_id_is_the_same_in_both_years_for_a_persisting_problem(rows):
    r23, r24 = rows
    assert pid(r23, "3609240001", "R1") == pid(r24, "3609240001", "R1")
    assert pid(r23, "3609240001", "R1").startswith("3609240001-R1-")


def test_id_does_not_depend_on_row_order(a):
    shuffled = assess(year_2023(order=-1))
    ids = problem_rows(a, "宜丰县", 2023).set_index(["school_id", "indicator", "cost_key"])["problem_id"]
    again = problem_rows(shuffled, "宜丰县", 2023).set_index(["school_id", "indicator", "cost_key"])["problem_id"]
    assert len(ids) == 6 and ids.sort_index().equals(again.sort_index())


def test_ids_differ_by_item_within_one_indicator(rows):
    _, r24 = rows  # 0002 lacks an art room only; G3 at 0003 in 2023 was a music room: different items, different ids
    r23, _ = rows
    assert pid(r24, "3609240002", "G3").rsplit("-", 1)[1] != pid(r23, "3609240003", "G3").rsplit("-", 1)[1]


# ----------------------------------------------------------------------------- the sheet
def test_contract_columns_in_order_then_the_reference_columns(ledger_2023):
    ws = openpyxl.load_workbook(ledger_2023)["问题清单"]
    headers = [c.value for c in ws[1]]
    assert headers[:22] == CONTRACT and headers[22:] == ["是否必需", "说明"]


def test_one_self_contained_row_per_problem(ledger_2023):
    ws = openpyxl.load_workbook(ledger_2023)["问题清单"]
    values = list(ws.values)
    frame = pd.DataFrame(values[1:], columns=values[0])
    # 0001: R1 + R4; 0003: G3; 0004, 0005: R4; K2: PQ1
    assert len(frame) == 6 and frame["学校(幼儿园)名称"].notna().all() and (frame["县(市、区)"] == "宜丰县").all()


def test_ids_are_text_and_whole_units_have_no_decimals(ledger_2023):
    ws = openpyxl.load_workbook(ledger_2023)["问题清单"]
    for r in range(2, ws.max_row + 1):
        assert ws.cell(row=r, column=1).data_type == "s" and ws.cell(row=r, column=3).data_type == "s"
        assert ws.cell(row=r, column=3).number_format == "@"
        if ws.cell(row=r, column=11).value in ("人", "间", "㎡"):
            assert ws.cell(row=r, column=10).number_format == "#,##0"


def test_costs_carry_their_kind_and_add_up_to_the_bill(a, rows):
    r23, _ = rows
    r1 = r23[(r23["school_id"] == "3609240001") & (r23["indicator"] == "R1")].iloc[0]
    r4 = r23[(r23["school_id"] == "3609240001") & (r23["indicator"] == "R4")].iloc[0]
    assert (r1["cost_wan"], r1["cost_kind"]) == (26.0, "每年经费")  # 2 teachers × 13 万元 per year
    assert (r4["cost_wan"], r4["cost_kind"]) == (450.0, "一次性投入")  # 1500 ㎡ × 3000 元
    not_billed = r23[r23["school_id"] == "3609240005"].iloc[0]  # 0005 still meets the rule: listed, not billed
    assert pd.isna(not_billed["cost_wan"]) and not not_billed["required"]
    # 26 + 450 + 34 (music room) + K2's 100 ㎡ × 300 元 = 3 万元
    assert r23["cost_wan"].sum() == pytest.approx(a.total_cost("宜丰县", 2023)) == pytest.approx(513.0)


def test_progress_dropdown_filter_frozen_header_and_print_setup(ledger_2023):
    ws = openpyxl.load_workbook(ledger_2023)["问题清单"]
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"未启动,推进中,已完成"' and str(dv.sqref) == "U2:U7"
    assert ws.auto_filter.ref == "A1:X7" and ws.freeze_panes == "A2"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0


def test_new_problems_start_not_started(rows):
    r23, _ = rows
    assert set(r23["progress"]) == {"未启动"} and r23["measure"].isna().all()


def test_plan_covers_partly_or_not_at_all(a):
    plans = pd.DataFrame({"county": ["宜丰县"] * 3, "year": [2023] * 3, "school_id": ["3609240001", "3609240004", "3609240005"],
                          "plan_year": [2025, 2024, 2023], "item": ["teaching_area_m2"] * 3, "quantity": [1500.0, 200.0, 900.0]})
    r = problem_rows(a, "宜丰县", 2023, plans=plans).set_index(["school_id", "indicator"])["planned"]
    assert r[("3609240001", "R4")] == "是"  # 1500 ㎡ planned for 2025 ≥ the 1500 ㎡ gap
    assert r[("3609240004", "R4")] == "部分"  # 200 of 500 ㎡
    assert r[("3609240005", "R4")] == "否"  # plan year 2023: already in the 2023 data
    assert r[("3609240001", "R1")] == "否"  # no plan for teachers


def test_outlook_verdict_per_track_or_not_projected(a):
    status = pd.DataFrame({"county": ["宜丰县", "宜丰县"], "track": ["义务教育", "学前教育"], "status": ["有风险", "按期可达"]})
    r = problem_rows(a, "宜丰县", 2023, outlook=status)
    assert set(r.loc[r["track"] == "义务教育", "outlook"]) == {"有风险"}
    assert set(r.loc[r["track"] == "学前教育", "outlook"]) == {"按期可达"}
    assert set(problem_rows(a, "宜丰县", 2023)["outlook"]) == {"未预测"}


# ----------------------------------------------------------------------------- 销号
def test_gone_from_the_data_is_closed(rnd, rows):
    assert status_of(rnd, pid(rows[0], "3609240001", "R4")) == "已销号"
    assert status_of(rnd, pid(rows[0], "3609240003", "G3")) == "已销号"


def test_marked_done_but_still_in_the_data_is_flagged(rnd, rows):
    assert status_of(rnd, pid(rows[0], "3609240001", "R1")) == "县报已完成但数据仍未达标"


def test_past_deadline_and_still_there_is_overdue(rnd, rows):
    assert status_of(rnd, pid(rows[0], "K2", "PQ1")) == "逾期"  # 2024-06-30 < 2024-12-01


def test_deadline_in_the_future_is_not_overdue(a, returned, rows):
    later = ledger_round(a, "宜丰县", 2024, returned, as_of=dt.date(2024, 6, 30))
    assert status_of(later, pid(rows[0], "K2", "PQ1")) == "仍存在"


def test_persisting_without_entries_remains(rnd, rows):
    assert status_of(rnd, pid(rows[0], "3609240005", "R4")) == "仍存在"


def test_a_school_missing_from_the_data_is_not_closed(rnd, rows):
    assert status_of(rnd, pid(rows[0], "3609240004", "R4")) == "无法核实"


def test_problems_not_in_the_earlier_ledger_are_new(rnd, rows):
    assert status_of(rnd, pid(rows[1], "3609240002", "G3")) == "新增"


def test_round_history_counts(rnd):
    h = round_history(rnd.closing).iloc[0]
    # earlier 6: closed 0001-R4 and 0003-G3; persisting 0001-R1 (claimed), K2 (overdue), 0005 (remains); 0004 unverifiable
    assert (h["上期问题数"], h["已销号"], h["未销号"], h["其中逾期"], h["其中县报已完成但数据仍未达标"], h["无法核实"], h["新增"]) == (6, 2, 3, 1, 1, 1, 1)


def test_entries_carry_forward_to_persisting_problems(rnd, rows):
    r = rnd.rows.set_index("problem_id").loc[pid(rows[0], "3609240001", "R1")]
    assert (r["measure"], r["responsible_unit"], r["responsible_person"], r["funding"], r["progress"]) == (
        "招聘2名本科学历教师", "县教体局人事股", "李四", "县级财政", "已完成")
    assert r["deadline"] == dt.date(2024, 8, 31)  # "2024年8月" = the end of August
    assert "县报已完成但数据仍未达标" in r["note"]


def test_closing_sheet_and_counts_on_the_summary(a, returned, tmp_path):
    path = write_problem_list(a, "宜丰县", 2024, tmp_path / "x.xlsx", previous=returned, as_of=dt.date(2024, 12, 1))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["问题清单", "销号情况", "汇总"]
    ws = wb["销号情况"]
    headers = [c.value for c in ws[1]]
    statuses = [ws.cell(row=r, column=headers.index("状态") + 1).value for r in range(2, ws.max_row + 1)]
    assert sorted(statuses) == sorted(["已销号", "已销号", "县报已完成但数据仍未达标", "逾期", "仍存在", "无法核实", "新增"])
    summary = wb["汇总"]
    cell = next(c for row in summary.iter_rows() for c in row if c.value == "其中逾期")
    assert summary.cell(row=cell.row + 1, column=cell.column).value == 1


# ----------------------------------------------------------------------------- reading what counties send back
def _rewrite(path, out, change):
    """Copy of a ledger's 问题清单 as a plain table, changed by `change(header, rows, ws)`."""
    wb = openpyxl.load_workbook(path)
    ws = wb["问题清单"]
    values = [list(r) for r in ws.values]
    new = openpyxl.Workbook()
    nws = new.active
    nws.title = "问题清单"
    header, body = change(values[0], values[1:], nws) or (values[0], values[1:])
    nws.append(header)
    for r in body:
        nws.append(r)
    new.save(out)
    return out


def test_column_order_and_extra_columns_do_not_matter(returned, tmp_path):
    def shuffle(header, body, ws):
        order = list(reversed(range(len(header))))
        return ["备注（县里加的）"] + [header[k] for k in order], [["随便写"] + [r[k] for k in order] for r in body]

    again = read_returned(_rewrite(returned, tmp_path / "s.xlsx", shuffle), county="宜丰县").frame
    first = read_returned(returned, county="宜丰县").frame
    cols = ["problem_id", "measure", "deadline", "progress", "responsible_person"]
    pd.testing.assert_frame_equal(again[cols].sort_values("problem_id").reset_index(drop=True),
                                  first[cols].sort_values("problem_id").reset_index(drop=True))


def test_renamed_sheet_is_found_by_its_header_and_noted(returned, tmp_path):
    wb = openpyxl.load_workbook(returned)
    wb["问题清单"].title = "整改台账"
    wb.save(tmp_path / "renamed.xlsx")
    r = read_returned(tmp_path / "renamed.xlsx", county="宜丰县")
    assert r.sheet == "整改台账" and len(r.frame) == 6 and any(n.kind == "工作表已改名" for n in r.notes)


def test_no_ledger_sheet_is_a_clear_error(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "学校"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(YichunError, match="找不到表头含「问题编号」.*Sheet1"):
        read_returned(tmp_path / "other.xlsx")


def test_dates_typed_as_text_are_read(returned, tmp_path):
    def texts(header, body, ws):
        j = header.index("完成时限")
        for r, value in zip(body, ["2024.6.30", "2024年底", "2024/9/1", 45473]):
            r[j] = value
        return header, body

    frame = read_returned(_rewrite(returned, tmp_path / "d.xlsx", texts)).frame
    assert list(frame["deadline"][:4]) == [dt.date(2024, 6, 30), dt.date(2024, 12, 31), dt.date(2024, 9, 1), dt.date(2024, 6, 30)]


def test_an_unreadable_date_names_the_cell(returned, tmp_path):
    def bad(header, body, ws):
        body[1][header.index("完成时限")] = "尽快"
        return header, body

    with pytest.raises(InputError) as e:
        read_returned(_rewrite(returned, tmp_path / "b.xlsx", bad))
    (p,) = e.value.problems
    assert p.sheet == "问题清单" and p.row == 3 and p.column == "完成时限" and p.value == "尽快" and "S3" in p.message


def test_merged_cells_give_their_value_to_every_row(returned, tmp_path):
    def merge(header, body, ws):
        j = header.index("责任单位")
        body[0][j], body[1][j] = "县教体局", None
        return header, body

    path = _rewrite(returned, tmp_path / "m.xlsx", merge)
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("Q2:Q3")
    wb.save(path)
    frame = read_returned(path).frame
    assert list(frame["responsible_unit"][:2]) == ["县教体局", "县教体局"]


def test_progress_synonyms_and_an_unknown_progress(returned, tmp_path):
    def words(header, body, ws):
        j = header.index("进度")
        body[0][j], body[1][j] = "完成", "进行中"
        return header, body

    frame = read_returned(_rewrite(returned, tmp_path / "p.xlsx", words)).frame
    assert list(frame["progress"][:2]) == ["已完成", "推进中"]

    def unknown(header, body, ws):
        body[2][header.index("进度")] = "差不多了"
        return header, body

    with pytest.raises(InputError) as e:
        read_returned(_rewrite(returned, tmp_path / "u.xlsx", unknown))
    (p,) = e.value.problems
    assert p.kind == "进度无法识别" and p.value == "差不多了" and p.row == 4 and "U4" in p.message


def test_a_row_without_id_and_a_duplicate_id_are_errors(returned, tmp_path):
    def damage(header, body, ws):
        body[0][0] = None
        body[2][0] = body[1][0]
        return header, body

    with pytest.raises(InputError) as e:
        read_returned(_rewrite(returned, tmp_path / "x.xlsx", damage))
    assert {p.kind for p in e.value.problems} == {"问题编号重复", "缺少问题编号"}


def test_another_countys_ledger_is_refused(returned, tmp_path):
    def other(header, body, ws):
        for r in body:
            r[header.index("县(市、区)")] = "奉新县"
        return header, body

    with pytest.raises(InputError) as e:
        read_returned(_rewrite(returned, tmp_path / "o.xlsx", other), county="宜丰县")
    assert len(e.value.problems) == 6 and all(p.kind == "县(市、区)不符" and p.value == "奉新县" for p in e.value.problems)


def test_a_hostile_file_is_refused_by_the_intake_guards(tmp_path):
    fake = tmp_path / "返回.xlsx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an OLE2 (legacy or encrypted) file named .xlsx
    with pytest.raises(InputError, match="返回.xlsx"):
        read_returned(fake)


def test_cli_exit_2_for_a_bad_returned_ledger(tmp_path, capsys):
    from yichun.cli import main

    fake = tmp_path / "返回.xlsx"
    fake.write_text("not a workbook")
    assert main(["problems", "--county", "宜丰", "--previous", str(fake), "--out", str(tmp_path / "o.xlsx"), "--no-outlook"]) == 2
    assert "返回.xlsx" in capsys.readouterr().err


def test_config_statuses_are_the_contracts():
    st = config().statuses
    assert [st[k] for k in ("closed", "remains", "claimed", "overdue", "new")] == ["已销号", "仍存在", "县报已完成但数据仍未达标", "逾期", "新增"]


def test_round_trip_on_the_bundled_sample(tmp_path):
    """The 2024 ledger of 宜丰县, three rows marked 已完成 with measures and deadlines, read back with the
    2025 data: the statuses agree with the data for every earlier problem and the measures carry over."""
    import yichun

    inputs = yichun.load().select(counties="宜丰县", years=[2024, 2025])
    sample = assess(inputs)
    r24, r25 = problem_rows(sample, "宜丰县", 2024), problem_rows(sample, "宜丰县", 2025)
    persisting = r24[r24["problem_id"].isin(set(r25["problem_id"]))]["problem_id"].tolist()
    gone = r24[~r24["problem_id"].isin(set(r25["problem_id"]))]["problem_id"].tolist()
    assert persisting and gone  # the sample has both
    marked = persisting[:2] + gone[:1]
    sent = write_problem_list(sample, "宜丰县", 2024, tmp_path / "2024.xlsx")
    back = fill_in(sent, {p: {"measure": f"措施{k}", "deadline": "2025年6月", "progress": "已完成"} for k, p in enumerate(marked)},
                   tmp_path / "2024（已填）.xlsx")
    rnd = ledger_round(sample, "宜丰县", 2025, back, as_of=dt.date(2025, 12, 31))
    status = rnd.closing.set_index("problem_id")["status"]
    assert all(status[p] not in ("已销号",) for p in persisting)
    assert all(status[p] in ("已销号", "无法核实") for p in gone)
    assert [status[p] for p in marked] == ["县报已完成但数据仍未达标", "县报已完成但数据仍未达标", "已销号"]
    carried = rnd.rows.set_index("problem_id")["measure"]
    assert [carried[p] for p in marked[:2]] == ["措施0", "措施1"]
    assert (status == "新增").sum() == len(set(r25["problem_id"]) - set(r24["problem_id"]))


def test_a_formula_without_a_cached_value_is_read_as_empty_and_noted(returned, tmp_path):
    wb = openpyxl.load_workbook(returned)
    wb["问题清单"]["P2"] = '=CONCAT("新建","教学楼")'  # openpyxl saves formulas without a computed value
    wb.save(tmp_path / "f.xlsx")
    r = read_returned(tmp_path / "f.xlsx")
    assert r.frame["measure"].iloc[0] is None
    (note,) = [n for n in r.notes if n.kind == "公式没有计算结果"]
    assert "P2" in note.message and note.row == 2


def test_the_closing_sheet_is_never_taken_for_the_ledger(a, returned, tmp_path):
    path = write_problem_list(a, "宜丰县", 2024, tmp_path / "y.xlsx", previous=returned, as_of=dt.date(2024, 12, 1))
    wb = openpyxl.load_workbook(path)
    wb["问题清单"].title = "台账"
    wb.save(tmp_path / "z.xlsx")
    assert read_returned(tmp_path / "z.xlsx").sheet == "台账"


def test_a_title_row_above_the_header_is_skipped(returned, tmp_path):
    wb = openpyxl.load_workbook(returned)
    ws = wb["问题清单"]
    ws.insert_rows(1)
    ws["A1"] = "宜丰县问题整改台账（县教体局填报）"
    wb.save(tmp_path / "t.xlsx")
    frame = read_returned(tmp_path / "t.xlsx").frame
    assert len(frame) == 6 and frame["excel_row"].iloc[0] == 3


def test_every_priced_unit_cost_says_its_cost_kind():
    from yichun.assessment.costs import unit_costs

    kinds = {k: c.get("cost_kind") for k, c in unit_costs().items() if c.get("price_yuan") is not None}
    assert set(kinds.values()) == {"一次性投入", "每年经费"}
    assert kinds["teacher_qualified"] == "每年经费" and kinds["teaching_building_m2"] == "一次性投入"
