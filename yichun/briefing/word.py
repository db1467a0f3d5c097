"""The Word 汇报材料 in the layout of Chinese official documents (GB/T 9704—2012), with python-docx.

`write_report(data, county, path, images)` lays out `yichun.briefing.report.report(data, county)`:
A4, margins 上 37 mm · 下 35 mm · 左 28 mm · 右 26 mm; title 2号 小标宋 centred; body 3号 仿宋
with a two-character first-line indent and a fixed 28.95 pt line (22 lines a page); headings
一、 in 黑体, （一） in 楷体, 1. in 仿宋 bold; tables in 仿宋 小四 with a 黑体 header row that repeats
on every page; charts (the exported PNGs, `images`: file stem → path) at the text width with a
caption below; page numbers "— 1 —" in 4号 宋体, odd pages right, even pages left.

Every run gets its East-Asian font (`set_run_font` writes w:rFonts w:eastAsia/ascii/hAnsi), else
Word shows Chinese in a fallback font. Written atomically.
"""

from __future__ import annotations

from pathlib import Path

from yichun.briefing import report as rp
from yichun.briefing.fonts import font

PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156 mm
BODY_PT, TITLE_PT, TABLE_PT, CAPTION_PT, PAGE_NO_PT = 16, 22, 12, 14, 14  # 3号, 2号, 小四, 4号, 4号
LINE_PT = 28.95  # 225 mm of text height / 22 lines
CN_NUMBERS = "一二三四五六七八九十"


def report_name(county: str | None) -> str:
    """<名称>汇报材料.docx: 全市汇报材料.docx or 宜丰县汇报材料.docx."""
    return f"{'全市' if county is None else county}汇报材料.docx"


def set_fonts(rpr, name: str) -> None:
    """Set w:rFonts of a run-properties element for every script: Chinese text needs w:eastAsia."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def set_run_font(run, name: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    """The font of a run for Chinese AND Latin text (w:eastAsia, w:ascii, w:hAnsi, w:cs)."""
    from docx.shared import Pt

    set_fonts(run._element.get_or_add_rPr(), name)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold


def _number(level: int, n: int) -> str:
    if level == 1:
        return f"{_cn(n)}、"
    if level == 2:
        return f"（{_cn(n)}）"
    return f"{n}."


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMBERS[ones - 1] if ones else "")


class _Writer:
    def __init__(self):
        from docx import Document

        self.doc = Document()
        self.counters = [0, 0, 0]
        self._page_setup()
        self._default_font()

    # layout ------------------------------------------------------------------------------------
    def _page_setup(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        sec = self.doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        sec.top_margin, sec.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        sec.left_margin, sec.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        sec.footer_distance = Mm(28 - 7)  # the page number sits 7 mm below the last text line
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_number(sec.footer, "right")
        self._page_number(sec.even_page_footer, "left")

    def _default_font(self) -> None:
        from docx.shared import Pt

        style = self.doc.styles["Normal"]
        style.font.size = Pt(BODY_PT)
        set_fonts(style.element.get_or_add_rPr(), font("fang"))

    def _page_number(self, footer, side: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT
        indent = Pt(PAGE_NO_PT)  # 空一字
        if side == "right":
            p.paragraph_format.right_indent = indent
        else:
            p.paragraph_format.left_indent = indent
        song = font("song")
        set_run_font(p.add_run("— "), song, PAGE_NO_PT)
        run = p.add_run()
        set_run_font(run, song, PAGE_NO_PT)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            elif text is not None and text.strip() == "PAGE":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            else:
                el = OxmlElement("w:t")
                el.text = text
            run._element.append(el)
        set_run_font(p.add_run(" —"), song, PAGE_NO_PT)

    def _para(self, *, align=None, indent_chars: float = 2, line_pt: float | None = LINE_PT, before: float = 0, after: float = 0,
              outline: int | None = None, keep_next: bool = False):
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        f = p.paragraph_format
        if align is not None:
            p.alignment = align
        f.first_line_indent = Pt(BODY_PT * indent_chars) if indent_chars else None
        if line_pt:
            f.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            f.line_spacing = Pt(line_pt)
        f.space_before, f.space_after = Pt(before), Pt(after)
        f.keep_with_next = keep_next
        if outline is not None:  # shows in Word's navigation pane
            el = OxmlElement("w:outlineLvl")
            el.set(qn("w:val"), str(outline))
            p._p.get_or_add_pPr().append(el)
        return p

    # blocks ------------------------------------------------------------------------------------
    def title(self, text: str, subtitle: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = self._para(align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line_pt=36, after=6)
        set_run_font(p.add_run(text), font("title"), TITLE_PT)
        p = self._para(align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, after=LINE_PT)
        set_run_font(p.add_run(subtitle), font("kai"), BODY_PT)

    def heading(self, level: int, text: str) -> None:
        self.counters[level - 1] += 1
        for k in range(level, 3):
            self.counters[k] = 0
        label = _number(level, self.counters[level - 1]) + text
        p = self._para(outline=level - 1, keep_next=True)
        role, bold = {1: ("hei", False), 2: ("kai", False), 3: ("fang", True)}[level]
        set_run_font(p.add_run(label), font(role), BODY_PT, bold)

    def para(self, text: str) -> None:
        p = self._para()
        set_run_font(p.add_run(text), font("fang"), BODY_PT)

    def figure(self, path: Path | None, caption: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        if path is None or not Path(path).exists():
            self.para(f"（{caption.split(' ', 1)[-1]}：图表图片未导出，见网页简报。）")
            return
        p = self._para(align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line_pt=None, before=6, keep_next=True)
        run = p.add_run()
        set_run_font(run, font("fang"))  # even the picture's run: no run without its East-Asian font
        run.add_picture(str(path), width=Mm(TEXT_WIDTH_MM))
        p = self._para(align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, after=6)
        set_run_font(p.add_run(caption), font("kai"), CAPTION_PT)

    def table(self, frame, title: str, widths=()) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        p = self._para(align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, before=6, after=3, keep_next=True)
        set_run_font(p.add_run(title), font("hei"), CAPTION_PT)
        cols = list(frame.columns)
        t = self.doc.add_table(rows=1 + len(frame), cols=len(cols))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        weights = list(widths) if len(widths) == len(cols) else [1] * len(cols)
        total = float(sum(weights))
        col_mm = [TEXT_WIDTH_MM * w / total for w in weights]
        for j, col in enumerate(t.columns):  # the grid (LibreOffice reads it) and the table width: the full text width
            col.width = Mm(col_mm[j])
        tbl_pr = t._tbl.tblPr
        tbl_w = tbl_pr.find(qn("w:tblW"))
        if tbl_w is None:
            tbl_w = OxmlElement("w:tblW")
            tbl_pr.append(tbl_w)
        tbl_w.set(qn("w:w"), str(int(TEXT_WIDTH_MM / 25.4 * 1440)))
        tbl_w.set(qn("w:type"), "dxa")
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        for i, row in enumerate(t.rows):
            tr_pr = row._tr.get_or_add_trPr()
            el = OxmlElement("w:cantSplit")  # a row is never split across pages
            tr_pr.append(el)
            if i == 0:
                el = OxmlElement("w:tblHeader")  # the header row repeats on every page
                tr_pr.append(el)
            values = cols if i == 0 else [frame.iloc[i - 1][c] for c in cols]
            for j, (cell, value) in enumerate(zip(row.cells, values)):
                cell.width = Mm(col_mm[j])
                cp = cell.paragraphs[0]
                cp.paragraph_format.line_spacing = Pt(TABLE_PT * 1.3)
                text = "—" if value is None or (isinstance(value, float) and value != value) else str(value)
                numeric = i > 0 and _is_number(text)
                cp.alignment = WD_ALIGN_PARAGRAPH.CENTER if i == 0 else (WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT)
                set_run_font(cp.add_run(text), font("hei" if i == 0 else "fang"), TABLE_PT)
                if i == 0:
                    shd = OxmlElement("w:shd")
                    shd.set(qn("w:val"), "clear")
                    shd.set(qn("w:fill"), "E7ECF4")
                    cell._tc.get_or_add_tcPr().append(shd)
        self._para(indent_chars=0, line_pt=8)  # a little air after the table

    def save(self, path: Path) -> Path:
        import io

        from yichun.atomic import write_bytes

        buf = io.BytesIO()
        self.doc.save(buf)
        return write_bytes(path, buf.getvalue())


def _is_number(text: str) -> bool:
    t = text.replace(",", "").replace("%", "").replace("−", "-").strip()
    try:
        float(t)
    except ValueError:
        return False
    return True


def build_document(rep: rp.Report, images: dict):
    """A python-docx Document of a Report (not saved)."""
    w = _Writer()
    w.title(rep.title, rep.subtitle)
    for b in rep.blocks:
        if isinstance(b, rp.Heading):
            w.heading(b.level, b.text)
        elif isinstance(b, rp.Para):
            w.para(b.text)
        elif isinstance(b, rp.Figure):
            w.figure(images.get(b.key), b.caption)
        elif isinstance(b, rp.Table) and len(b.frame):
            w.table(b.frame, b.title, b.widths)
    return w


def write_report(data, county: str | None, path, images: dict | None = None) -> Path:
    """The 汇报材料 of the city (county=None) or one county as a .docx at `path`."""
    rep = rp.report(data, county)
    return build_document(rep, images or {}).save(Path(path))
