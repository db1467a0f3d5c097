"""Meeting-ready deliverables read back: the A4 PDFs, the Word 汇报材料 (GB/T 9704) and the 16:9 slides.

Uses the session build of conftest (the city and 宜丰县 on the sample data). Expected values are
taken from the assessment and outlook frames directly, not from the code under test.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile

import pytest

from yichun.briefing import content, report, slides, tables, word
from yichun.charts import format as fmt

COUNTY = "宜丰县"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
EMU_PER_MM = 36000


def _xml(path, member):
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(member))


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
    return "".join(unicodedata.normalize("NFKC", text).split())  # ⼀ → 一; line breaks inside cells removed


# ------------------------------------------------------------------------------------------ fonts helper

def test_set_run_font_writes_east_asian_font_into_the_run_xml(tmp_path):
    from docx import Document

    doc = Document()
    run = doc.add_paragraph().add_run("基本情况")
    word.set_run_font(run, "仿宋_GB2312", 16)
    doc.save(tmp_path / "t.docx")
    r = _xml(tmp_path / "t.docx", "word/document.xml").find(f".//{W}r")
    fonts = r.find(f"{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert fonts.get(f"{W}ascii") == "仿宋_GB2312"
    assert r.find(f"{W}rPr/{W}sz").get(f"{W}val") == "32"  # half-points: 3号 = 16 pt


def test_slide_run_font_sets_a_ea(tmp_path):
    from pptx import Presentation

    prs = Presentation()
    box = prs.slides.add_slide(prs.slide_layouts[6]).shapes.add_textbox(0, 0, 100, 100)
    run = box.text_frame.paragraphs[0].add_run()
    run.text = "结论"
    slides.set_run_font(run, "黑体", 20)
    prs.save(tmp_path / "t.pptx")
    rpr = _xml(tmp_path / "t.pptx", "ppt/slides/slide1.xml").find(f".//{A}r/{A}rPr")
    assert rpr.find(f"{A}ea").get("typeface") == "黑体"
    assert rpr.find(f"{A}latin").get("typeface") == "黑体"
    children = [c.tag.split("}")[1] for c in rpr]
    assert children.index("latin") < children.index("ea") < children.index("cs")  # schema order


# ------------------------------------------------------------------------------------------ Word

def test_every_run_of_every_report_has_an_east_asian_font(briefing_build):
    result, _, _ = briefing_build
    assert set(result.docx) == {"全市", COUNTY}
    for path in result.docx.values():
        for member in ("word/document.xml", "word/footer1.xml", "word/footer2.xml"):
            root = _xml(path, member)
            runs = root.findall(f".//{W}r")
            assert runs
            missing = [r for r in runs if r.find(f"{W}rPr/{W}rFonts") is None or not r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia")]
            assert not missing, f"{path.name} {member}: {len(missing)} 个文字块没有设置中文字体"


def test_report_page_is_a4_with_official_margins(briefing_build):
    from docx import Document

    result, _, _ = briefing_build
    sec = Document(str(result.docx[COUNTY])).sections[0]
    mm = {k: round(getattr(sec, k) / EMU_PER_MM) for k in ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin")}
    assert mm == {"page_width": 210, "page_height": 297, "top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26}


def test_report_fonts_and_sizes_follow_gb_t_9704(briefing_build):
    from docx import Document

    from yichun.briefing.fonts import font

    result, _, _ = briefing_build
    doc = Document(str(result.docx[COUNTY]))
    paras = [p for p in doc.paragraphs if p.runs]
    title = paras[0].runs[0]
    assert title.font.size.pt == 22
    assert title._element.rPr.rFonts.get(f"{W}eastAsia") == font("title")
    h1 = [p for p in paras if re.match(r"^[一二三四]、", p.text)]
    h2 = [p for p in paras if p.text.startswith("（一）")]
    body = [p for p in paras if p.paragraph_format.first_line_indent and not re.match(r"^([一二三四]、|（|\d+\.)", p.text)]
    assert all(p.runs[0]._element.rPr.rFonts.get(f"{W}eastAsia") == font("hei") for p in h1)
    assert all(p.runs[0]._element.rPr.rFonts.get(f"{W}eastAsia") == font("kai") for p in h2)
    assert body
    assert all(r.font.size.pt == 16 and r._element.rPr.rFonts.get(f"{W}eastAsia") == font("fang") for p in body for r in p.runs)


@pytest.mark.parametrize("who", ["全市", COUNTY])
def test_report_has_the_four_sections_in_order(briefing_build, who):
    from docx import Document

    result, _, _ = briefing_build
    heads = [p.text for p in Document(str(result.docx[who])).paragraphs if re.match(r"^[一二三四五六七八九十]+、", p.text)]
    assert heads == ["一、基本情况", "二、进展成效", "三、存在问题", "四、下一步工作建议"]


def test_report_numbers_are_the_briefing_numbers(briefing_build, briefing_data):
    from docx import Document

    result, out, _ = briefing_build
    doc = Document(str(result.docx[COUNTY]))
    text = "\n".join(p.text for p in doc.paragraphs)
    bill = briefing_data.assessment.bill
    total = float(bill.loc[(bill["county"] == COUNTY) & (bill["year"] == briefing_data.year), "cost_wan"].sum())
    assert f"补齐全部短板估算共需 {fmt.money_wan(total)}" in text
    html = (out / f"{COUNTY}简报.html").read_text(encoding="utf-8")
    assert fmt.money_wan(total) in html  # the same figure on the web page
    r = briefing_data.assessment.readiness.set_index(["county", "track"]).loc[(COUNTY, "义务教育")]
    assert f"A 类指标 {r['a_total']} 项中 {r['a_met']} 项达标" in text
    # the key table holds the tables module's rows
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    expected = tables.county_status_table(briefing_data, COUNTY)
    assert [row[0] for row in cells[1:]] == list(expected["评估类别"])
    assert [row[3] for row in cells[1:]] == list(expected["A类指标达标"])


def test_report_embeds_the_charts(briefing_build, briefing_data):
    result, _, _ = briefing_build
    with zipfile.ZipFile(result.docx[COUNTY]) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    pngs = {p.stem for p in result.charts if p.suffix == ".png"}
    keys = [b.key for b in report.report(briefing_data, COUNTY).blocks if isinstance(b, report.Figure)]
    assert len(keys) >= 3
    assert all(k in pngs for k in keys)
    assert len(media) == len(keys)


def test_report_table_header_repeats_and_rows_do_not_split(briefing_build):
    result, _, _ = briefing_build
    root = _xml(result.docx["全市"], "word/document.xml")
    for tbl in root.findall(f".//{W}tbl"):
        rows = tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)


# ------------------------------------------------------------------------------------------ slides

def test_slides_are_16_9(briefing_build):
    from pptx import Presentation

    result, _, _ = briefing_build
    prs = Presentation(str(result.pptx))
    assert result.pptx.name == "领导小组汇报.pptx"
    assert prs.slide_width * 9 == prs.slide_height * 16


def _titles(path) -> list[str]:
    from pptx import Presentation

    out = []
    for s in Presentation(str(path)).slides:
        texts = [sh.text_frame.text for sh in s.shapes if sh.has_text_frame and sh.text_frame.text.strip()]
        out.append(texts[0])
    return out


def test_slide_titles_are_sentences_from_the_data(briefing_build, briefing_data):
    result, _, _ = briefing_build
    titles = _titles(result.pptx)
    d = briefing_data
    r = d.assessment.readiness
    ready = {t: int(r.loc[r["track"] == t, "ready"].astype(bool).sum()) for t in ("义务教育", "学前教育")}
    assert titles[1] == f"按{d.year}年数据，义务教育 {ready['义务教育']} 个、学前教育 {ready['学前教育']} 个县(市、区)已达到认定要求"
    st = d.status
    soon = st[st["scheduled_year"].between(d.year + 1, d.year + 2)]
    bad = soon[soon["status"].isin(["有风险", "难以按期"])]
    assert titles[2].startswith(f"{d.year + 1}—{d.year + 2}年计划评估中有 {bad['county'].nunique()} 个县(市、区)有风险或难以按期")
    assert all(re.search(r"\d", t) for t in titles[1:])  # every conclusion carries a number from the data


def test_one_slide_per_county_that_is_due_or_at_risk(briefing_build, briefing_data):
    result, _, _ = briefing_build
    d = briefing_data
    st = d.status
    due = st["scheduled_year"].between(d.year + 1, d.year + 2)
    risky = st["status"].isin(["有风险", "难以按期", "已过计划年份·未达标"]) | ((st["status"] == "已到期") & (st.get("scheduled_result", st["status"]) != "通过"))
    lapse = st[[c for c in ("lapse_year", "lapse_central") if c in st.columns][0]].notna()
    expected = [c for c in d.counties if c in set(st.loc[due | risky | lapse, "county"])]
    titles = _titles(result.pptx)
    county_titles = [t for t in titles if any(t.startswith(c) for c in d.counties)]
    assert [next(c for c in d.counties if t.startswith(c)) for t in county_titles] == expected
    for c in expected:
        assert any(t.startswith(c) and "计划" in t and "年评估：" in t for t in county_titles)


def test_every_slide_run_has_an_east_asian_font(briefing_build):
    result, _, _ = briefing_build
    with zipfile.ZipFile(result.pptx) as z:
        members = [n for n in z.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)]
    assert len(members) > 5
    for m in members:
        for rpr in _xml(result.pptx, m).iter(f"{A}rPr"):
            assert rpr.find(f"{A}ea") is not None, m


def test_county_slide_uses_reason_text_when_the_outlook_has_it(briefing_data):
    d = briefing_data
    row = d.status[(d.status["county"] == COUNTY)].iloc[0].to_dict()
    assert content.reason_text(d, {**row, "reason_text": "R4 小学·某校 低于标准"}) == "R4 小学·某校 低于标准"
    fallback = content.reason_text(d, {**row, "reason_text": None})
    assert fallback
    assert fallback != "R4 小学·某校 低于标准"


# ------------------------------------------------------------------------------------------ PDF

@pytest.mark.parametrize("who", ["全市", COUNTY])
def test_pdf_is_a4_portrait_with_page_numbers(briefing_build, who):
    from pypdf import PdfReader

    result, _, _ = briefing_build
    path = result.pdf[who]
    assert path.name == f"{who}简报.pdf"
    pages = PdfReader(str(path)).pages
    assert len(pages) >= 2
    for p in pages:
        w, h = float(p.mediabox.width), float(p.mediabox.height)
        assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5  # A4 in points, portrait
    numbers = re.findall(r"第(\d+)\S/共(\d+)\S", _pdf_text(path))  # the 页 glyph may come back as the radical ⻚
    assert numbers == [(str(i), str(len(pages))) for i in range(1, len(pages) + 1)]


def test_city_pdf_keeps_every_column_of_the_county_table(briefing_build, briefing_data):
    result, _, _ = briefing_build
    text = _pdf_text(result.pdf["全市"])
    for col in tables.county_table(briefing_data).columns:
        assert unicodedata.normalize("NFKC", col) in text, col
    bills = tables.county_table(briefing_data)["补短板投入（万元）"]
    assert all(v in text for v in bills if v != "0.0")


def test_every_slide_shape_lies_inside_the_slide(briefing_build):
    """Nothing cut or flipped: a county's long table leaves the chart out rather than squeezing it to a negative height."""
    from pptx import Presentation

    result, _, _ = briefing_build
    prs = Presentation(str(result.pptx))
    for i, s in enumerate(prs.slides, start=1):
        for sh in s.shapes:
            assert sh.width > 0 and sh.height > 0, f"第 {i} 页有高度或宽度不为正的图形"
            assert sh.left >= 0 and sh.top >= 0, f"第 {i} 页有图形超出左上边缘"
            assert sh.left + sh.width <= prs.slide_width and sh.top + sh.height <= prs.slide_height, f"第 {i} 页有图形超出页面"


def test_a_long_reason_is_cut_after_a_clause():
    assert slides.clip("甲乙丙；丁戊己庚辛壬癸", 8) == "甲乙丙……（详见汇报材料）"
    assert slides.clip("短句", 8) == "短句"


def test_timing_line_adds_up_from_the_rounded_steps():
    from yichun.briefing.build import timing_line

    t = {"数据": 6.14, "并行生成": 43.21, "PDF收尾": 2.36, "合计": 51.71, "笔记本与网页": 30.0, "问题清单": 12.5}
    line = timing_line(t)
    assert line.startswith("合计 51.7 秒 = 数据 6.1 秒 + 并行生成 43.2 秒 + PDF收尾 2.4 秒；同时进行：")
    assert "笔记本与网页 30.0 秒" in line
    assert "问题清单 12.5 秒" in line


def test_build_timings_add_up_to_the_total(briefing_build):
    result, _, _ = briefing_build
    t = result.timings
    assert t["数据"] + t["并行生成"] + t["PDF收尾"] == pytest.approx(t["合计"], abs=1e-6)
    m = re.search(r"合计 ([\d.]+) 秒 = 数据 ([\d.]+) 秒 \+ 并行生成 ([\d.]+) 秒 \+ PDF收尾 ([\d.]+) 秒", result.summary())
    assert m
    assert float(m.group(1)) == pytest.approx(sum(float(g) for g in m.groups()[1:]), abs=1e-9)
    for step in ("笔记本与网页", "图表导出", "Word与幻灯片"):  # side by side within 并行生成
        assert 0 <= t[step] <= t["并行生成"] + 1e-6, step
    assert 0 < t["问题清单"] <= t["数据"] + t["并行生成"] + 1e-6  # the workbooks may start before the outlook is computed
    assert 0 < t["PDF打印"] <= t["并行生成"] + t["PDF收尾"] + 1e-6  # the last pages print while the rest is wrapped up
