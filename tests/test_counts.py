"""Counts that reconcile: one definition of schools, school parts and kindergartens (yichun.assessment.counts),
the same numbers and exclusion notes in the briefing page, its PDF, the Word report, the slides, 问题清单 and 评估结果.xlsx.

The hand-worked county: 8 schools on the sheet — 3 公办 小学 (one without 高学历 and 骨干 teachers: it fails
the school rule), 1 民办 小学, 1 九年一贯制学校 (a 小学 and an 初中 part), 1 特殊教育学校 (left out), a 教学点 of 30
pupils (below 50: left out) and one of 60 (counted) — and 4 kindergartens (公办 2, 普惠性民办 1, 非普惠性民办 1).
By hand: counted 6 schools (民办 1), 7 parts (小学 6, 初中 1), 1 failing; left out 特殊教育学校 1 所 and
不足50人的教学点 1 个.
"""

from __future__ import annotations

import html as _html
import re
import subprocess
import unicodedata

import pytest

from yichun.assessment import assess
from yichun.assessment.counts import counts, counts_frame
from yichun.assessment.examples import good_kindergarten, good_primary, make_inputs, passing_county_inputs, school

COUNTY, YEAR = "宜丰县", 2024
HAND_TEXT = "计入县域计算的义务教育学校 6 所（含民办 1 所；不含特殊教育学校 1 所、不足50人的教学点 1 个）"


def _nine_year(school_id: str, name: str) -> dict:
    """A 九年一贯制学校 of 300 + 200 pupils with room to spare on every R1–R7 standard."""
    return school(school_id, name, "九年一贯制学校", students_primary=300, students_junior=200, students_senior=0,
                  classes_primary=8, classes_junior=5, max_class_primary=40, max_class_junior=45,
                  teachers_qualified_primary=30, teachers_qualified_junior=30, teachers_backbone_primary=10, teachers_backbone_junior=10,
                  teachers_pe_arts_primary=10, teachers_pe_arts_junior=10, teachers_total=50, teachers_certified=50,
                  teaching_area_m2=6000, sports_area_m2=10000, equipment_value_wan=300, multimedia_rooms=20,
                  music_rooms=2, art_rooms=2, music_room_min_m2=100, art_room_min_m2=95)


def _teaching_point(school_id: str, name: str, students: int) -> dict:
    d = good_primary(school_id, name, students)
    d["school_type"] = "教学点"
    return d


@pytest.fixture(scope="module")
def hand():
    private = good_primary("3609240004", "育才学校", 500)
    private["ownership"] = "民办"
    special = school("3609240201", "宜丰县特殊教育学校", "特殊教育学校", students_primary=40, students_junior=20, students_senior=0)
    schools = [good_primary("3609240001", "城关第一小学", 1200), good_primary("3609240002", "城关第二小学", 900),
               good_primary("3609240003", "石市小学", 400, teachers_qualified_primary=0, teachers_backbone_primary=0),
               private, _nine_year("3609240101", "城关学校"), special,
               _teaching_point("3609240301", "塘下教学点", 30), _teaching_point("3609240302", "港下教学点", 60)]
    kgs = [good_kindergarten("K001", "城关中心幼儿园", "公办", 400, township_center=True),
           good_kindergarten("K002", "石市中心幼儿园", "公办", 200, township_center=True, township="石市镇"),
           good_kindergarten("K003", "阳光幼儿园", "普惠性民办", 300), good_kindergarten("K004", "小天鹅幼儿园", "非普惠性民办", 120)]
    inputs = make_inputs(schools=schools, kindergartens=kgs, county_inputs=passing_county_inputs() | {"POP_3_5": 1200, "TOWNSHIPS": 2},
                         county=COUNTY, year=YEAR)
    return assess(inputs, years=YEAR)


def _flat(text: str) -> str:
    """NFKC, no whitespace: the same text whether it came from HTML, Word or a PDF's lines."""
    return "".join(unicodedata.normalize("NFKC", text).split())


# ------------------------------------------------------------------------------------------ the hand-worked county

def test_hand_worked_counts(hand):
    n = counts(hand, COUNTY, YEAR)
    assert (n.schools, n.counted, n.counted_private) == (8, 6, 1)
    assert [(e.what, e.n, e.unit) for e in n.excluded] == [("特殊教育学校", 1, "所"), ("不足50人的教学点", 1, "个")]
    assert dict(n.parts) == {"小学": 6, "初中": 1}
    assert (n.failing, n.undecided) == (1, 0)
    assert n.kindergartens == 4
    assert dict(n.kg_by_type) == {"公办": 2, "普惠性民办": 1, "非普惠性民办": 1}


def test_hand_worked_exclusion_text(hand):
    n = counts(hand, COUNTY, YEAR)
    assert n.schools_text() == HAND_TEXT
    assert n.parts_text() == "学校(学段) 7 个（小学 6 个、初中 1 个）"
    assert n.kindergartens_text() == "幼儿园 4 所（公办 2 所、普惠性民办 1 所、非普惠性民办 1 所）"
    assert n.failing_text("不符合学校要求") == "1 所不符合学校要求"


def test_private_schools_left_out_by_the_profile_are_named(hand):
    import dataclasses

    from yichun.assessment.counts import exclusion_kinds

    cat = hand.catalogue

    class NoPrivate:  # the catalogue's scope with include_private switched off (a profile may do so)
        rules = cat.rules

        def scope(self, code=None):
            return dataclasses.replace(cat.scope(code), include_private=False)

    checks = hand.school_checks.assign(counted=lambda f: f["counted"] & (f["ownership"] != "民办"))
    kinds = exclusion_kinds(checks, NoPrivate())
    assert list(kinds[checks["ownership"] == "民办"]) == ["民办学校"]
    assert sorted(kinds[kinds != ""]) == ["不足50人的教学点", "民办学校", "特殊教育学校"]


def test_problem_list_and_result_workbook_state_the_same_counts(hand, tmp_path):
    from openpyxl import load_workbook

    from yichun.commands.assess import tables
    from yichun.problem_list import write_problem_list
    from yichun.resultbook import COUNTS_SHEET, write_results

    path = write_problem_list(hand, COUNTY, YEAR, tmp_path / "问题清单.xlsx")
    ws = load_workbook(path, read_only=True)["汇总"]
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert any(HAND_TEXT in v for v in cells)
    book = write_results(tables(hand), tmp_path / "评估结果.xlsx", hand.catalogue, counts=counts_frame(hand))
    rows = list(load_workbook(book, read_only=True)[COUNTS_SHEET].iter_rows(values_only=True))
    head, first = rows[0], dict(zip(rows[0], rows[1]))
    assert first["县(市、区)"] == COUNTY
    assert first["计入县域计算的学校"] == 6
    assert first["其中民办"] == 1
    assert first["不计入：特殊教育学校"] == 1
    assert first["不计入：不足50人的教学点"] == 1
    assert first["幼儿园"] == 4
    assert first["口径说明"] == HAND_TEXT
    assert "计入的学校(学段)：小学" in head


def test_counted_schools_plus_left_out_are_all_schools(briefing_data):
    a, year = briefing_data.assessment, briefing_data.year
    total = counts(a, None, year)
    per = [counts(a, c, year) for c in briefing_data.counties]
    assert total.counted == sum(n.counted for n in per)
    for n in [total, *per]:
        assert n.counted + sum(e.n for e in n.excluded) == n.schools == int(((a.school_checks["year"] == year)
                                                                              & ((a.school_checks["county"] == n.county) if n.county else True)).sum())


# ------------------------------------------------------------------------------------------ one county-year, every file

def _html_text(path) -> str:
    text = re.sub(r"<script.*?</script>|<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return _html.unescape(re.sub(r"<[^>]+>", "", text))


def _docx_text(path) -> str:
    from docx import Document

    doc = Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def _pptx_text(path) -> str:
    from pptx import Presentation

    return "\n".join(sh.text_frame.text for s in Presentation(str(path)).slides for sh in s.shapes if sh.has_text_frame)


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _xlsx_text(path) -> str:
    from openpyxl import load_workbook

    return "\n".join(str(v) for ws in load_workbook(path, read_only=True) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def test_one_county_year_gives_the_same_counts_in_every_file(briefing_build, briefing_data):
    result, _, _ = briefing_build
    county = next(k for k in result.html if k != "全市")
    n = counts(briefing_data.assessment, county, briefing_data.year)
    texts = {"HTML": _html_text(result.html[county]), "PDF": _pdf_text(result.pdf[county]),
             "Word": _docx_text(result.docx[county]), "问题清单": _xlsx_text(result.excel[county])}
    for what in (n.schools_text(), n.parts_text(), n.kindergartens_text()):
        for where, text in texts.items():
            assert _flat(what) in _flat(text), f"{where} 中没有「{what}」"
    assert f"{n.failing:,} 所不符合资源配置" in texts["HTML"]
    assert f"{n.failing:,} 所不符合资源配置" in texts["Word"]


def test_city_counts_are_the_same_on_the_page_pdf_word_and_slides(briefing_build, briefing_data):
    result, _, _ = briefing_build
    n = counts(briefing_data.assessment, None, briefing_data.year)
    texts = {"HTML": _html_text(result.html["全市"]), "PDF": _pdf_text(result.pdf["全市"]),
             "Word": _docx_text(result.docx["全市"]), "幻灯片": _pptx_text(result.pptx)}
    for what in (n.schools_text(), n.kindergartens_text()):
        for where, text in texts.items():
            assert _flat(what) in _flat(text), f"{where} 中没有「{what}」"
    assert n.counted == sum(counts(briefing_data.assessment, c, briefing_data.year).counted for c in briefing_data.counties)
