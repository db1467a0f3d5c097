"""领导小组汇报.pptx: 16:9 slides for the leading group, one message per slide (python-pptx).

`deck(data) -> list[Slide]` decides what the slides say: each title is the slide's conclusion
as a sentence computed from the data ("2027年前计划评估的5项中2项有风险或难以按期"), with one
chart image or one small table: the city picture, the schedule and outlook, the shortfalls,
the money, then one slide per county that is due soon, at risk, late or past its year and
failing, with its reason (the outlook's `reason_text` where it has one) and what it would take.
`write_slides(data, path, images)` lays them out (13.333 × 7.5 in) with the exported PNGs;
every run carries its East-Asian font (a:ea). Written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from yichun.briefing import content as c
from yichun.briefing.fonts import font
from yichun.charts import format as fmt

SLIDES_NAME = "领导小组汇报.pptx"
SLIDE_EMU = (12_192_000, 6_858_000)  # 16:9 exactly (PowerPoint's widescreen, 13.333 × 7.5 in)
SLIDE_IN = (SLIDE_EMU[0] / 914_400, SLIDE_EMU[1] / 914_400)
TITLE_PT, BODY_PT, TABLE_PT, NOTE_PT = 28, 16, 13, 11
MIN_PICTURE_IN = 1.6  # a chart below a county's table needs at least this height, else it is left to the Word report
NAVY = (0x1F, 0x3A, 0x5F)
MUTED = (0x55, 0x55, 0x55)


@dataclass
class Slide:
    title: str  # the conclusion, one sentence
    image: str | None = None  # chart file stem
    table: pd.DataFrame | None = None
    bullets: list = field(default_factory=list)
    note: str = ""  # small print under the content (source, definitions)


# ----------------------------------------------------------------------------- what the slides say

def deck(data) -> list[Slide]:
    """The slides' messages, from the data (see the module docstring)."""
    from yichun.briefing import figures, tables

    h = c.city_headlines(data).numbers
    year = data.year
    st = data.status
    from yichun.region import active_region

    slides = [Slide(title=f"{active_region().name}县域义务教育优质均衡发展和学前教育普及普惠工作汇报",
                    bullets=[f"依据 {year} 年统计数据（{data.data_years[0]}—{data.data_years[-1]} 年报表）与按期达标预测",
                             f"生成日期：{data.generated}"], note=c.scope_text(data))]
    ready = h["ready"]
    slides.append(Slide(
        title=f"按{year}年数据，义务教育 {ready[c.COMPULSORY]} 个、学前教育 {ready[c.PRESCHOOL]} 个县(市、区)已达到认定要求",
        image="全市_状态示意图",
        bullets=[f"{c.TRACK_SHORT[t]}已达到：{c._join(c.short_name(x) for x in h['ready_counties'][t]) or '无'}" for t in c.TRACKS],
        note="认定要求：A 类指标全部达标、B 类指标取得较好评价；缺数据按未达标对待。"))
    slides.append(Slide(title=outlook_title(data), image="全市_评估计划时间轴",
                        note="按期可达：低、中、高三种方案在计划年份均达标且余量充足；有风险：中方案达标但其他方案不达标或余量很小；难以按期：中方案在计划年份仍不达标。"))
    for track, key in ((c.COMPULSORY, "全市_义务教育指标"), (c.PRESCHOOL, "全市_学前教育指标")):
        frame = figures.heatmap_frame(data, track)
        if len(frame):
            slides.append(Slide(title=figures.heatmap_finding(data, frame, track), image=key))
    bills = _bill_table(data)
    total = h["bill_total_wan"]
    top = bills.head(3)
    share = float(top["amount"].sum()) / total if total > 0 else 0.0
    money_title = (f"补齐全部短板约需 {fmt.money_wan(total)}，{c._join(c.short_name(x) for x in top['县(市、区)'])}占 {fmt.pct(share, 0)}"
                   if total > 0 else f"按{year}年数据，补齐短板无须计价投入")
    slides.append(Slide(title=money_title, table=bills.drop(columns="amount").head(10),
                        note="教师按一年人员经费计，校舍和运动场按建安造价；大班额、持证上岗等缺口不计价。"))
    for county in data.counties:
        s = county_slide(data, county)
        if s is not None:
            slides.append(s)
    soon = tables.due_soon_table(data)
    if len(soon):
        n = len(soon)
        slides.append(Slide(
            title=f"建议：{h['soon_years'][0]}—{h['soon_years'][1]}年接受评估的 {n} 项优先保障，逐校落实补短板",
            bullets=["各县(市、区)问题清单（Excel）逐项列出未达标指标、学校明细、缺口数量和估算费用",
                     "按问题清单明确责任单位、责任人、资金来源和完成时限，按月调度、逐项销号",
                     f"有风险、难以按期的县(市、区)：{c._join(sorted({r['county'] for r in st.to_dict('records') if str(r['status']) in c.RISKY}, key=data.counties.index)) or '无'}"]))
    return slides


def outlook_title(data) -> str:
    """'2026—2027年计划评估中有2个县(市、区)有风险或难以按期，之后还有4个' (or that all are on track)."""
    st = data.status
    y0, y1 = data.year + 1, data.year + c.SOON_YEARS
    soon = st[(st["scheduled_year"] >= y0) & (st["scheduled_year"] <= y1)]
    bad = soon[soon["status"].isin(c.RISKY)]
    later = st[(st["scheduled_year"] > y1) & st["status"].isin(c.RISKY)]
    if soon.empty:
        head = f"{y0}—{y1}年没有计划评估的县(市、区)"
    elif bad.empty:
        head = f"{y0}—{y1}年计划评估的 {len(soon)} 项均按期可达"
    else:
        head = f"{y0}—{y1}年计划评估中有 {bad['county'].nunique()} 个县(市、区)有风险或难以按期"
    if len(later):
        head += f"，{y1}年以后还有 {later['county'].nunique()} 个"
    return head


def _bill_table(data) -> pd.DataFrame:
    b = c.bill_by_county_track(data)
    per = b.groupby("county")["cost_wan"].sum(min_count=1)
    rows = []
    for county in data.counties:
        amount = float(per.get(county, 0.0) or 0.0) if pd.notna(per.get(county, 0.0)) else 0.0
        tracks = {t: c._money_text(data, county, t) for t in c.TRACKS}
        rows.append({"县(市、区)": county, "义务教育": tracks[c.COMPULSORY], "学前教育": tracks[c.PRESCHOOL],
                     "合计": fmt.money_wan(amount) if amount > 0 else "—", "amount": amount})
    return pd.DataFrame(rows).sort_values("amount", ascending=False, kind="stable").reset_index(drop=True)


def county_slide(data, county: str) -> Slide | None:
    """The slide of a county that is due soon, at risk or late, or past its year and failing; None otherwise."""
    from yichun.briefing import report

    rows = [r for r in data.status[data.status["county"] == county].to_dict("records") if c.needs_attention(r, data.year)]
    if not rows:
        return None
    rows.sort(key=lambda r: (0 if str(r["status"]) in c.RISKY or c.past_failed(r) else 1, r["scheduled_year"]))
    lead = rows[0]
    title = f"{county}{c.TRACK_SHORT[lead['track']]}计划{lead['scheduled_year']}年评估：{_verdict(lead)}"
    table_rows = []
    for r in rows:
        what = report.bill_items_text(data, county, r["track"])
        items = what.split("、")
        what = "、".join(items[:3]) + (f" 等 {len(items)} 类" if len(items) > 3 else "")
        table_rows.append({"评估类别": c.TRACK_SHORT[r["track"]], "计划年份": f"{r['scheduled_year']}年", "预测": str(r["status"]),
                           "原因": clip(c.reason_text(data, r), REASON_CHARS), "需要什么": (what + f"；合计 {c._money_text(data, county, r['track'])}") if what else "无须补短板投入"})
    # a chart about the lead track only: where the schools stand (compulsory, late), else the outlook of its binding series
    from yichun.briefing.figures import fan_choice

    fan = fan_choice(data, county)
    if lead["track"] == c.COMPULSORY and str(lead["status"]) == c.LATE and c.worst_indicator(data, county):
        key = f"{county}_学校分布"
    elif fan and fan["track"] == lead["track"]:
        key = f"{county}_预测"
    else:
        key = None
    return Slide(title=title, table=pd.DataFrame(table_rows), image=key,
                 note=f"费用按 {data.year} 年数据和单位造价估算；学校明细见{county}问题清单。")


REASON_CHARS = 150  # a county slide's reason cell: the full text is in the Word report


def clip(text: str, n: int) -> str:
    """At most about `n` characters, cut after the last full clause (；。) that fits, with a pointer to the report."""
    text = str(text)
    if len(text) <= n:
        return text
    head = text[:n]
    cut = max(head.rfind("；"), head.rfind("。"))
    head = head[:cut] if cut >= n // 3 else head.rstrip("，、（(")
    return head + "……（详见汇报材料）"


def _verdict(row) -> str:
    """The county slide's conclusion in a few words."""
    status = str(row["status"])
    lapse = c._int_or_none(row.get("lapse_year", row.get("lapse_central")))
    codes = c.codes_in(row.get("binding")) or c.codes_in(row.get("unmet"))
    if c.past_failed(row):
        return "计划年份已到，按最新数据仍未达标"
    if c.is_past(status):
        return f"已达标，但预测 {lapse} 年起可能不再达标" if lapse else "已达标"
    if status == c.LATE:
        return f"难以按期通过，{len(codes)} 项指标预计仍不达标" if codes else "难以按期通过"
    if status == c.AT_RISK:
        return f"有风险，{codes[0]} 余量很小" if codes else "有风险"
    if status == c.ON_TRACK:
        return "按期可达，需保持" + (f"（预测 {lapse} 年起可能不再达标）" if lapse else "")
    return status


# ----------------------------------------------------------------------------- layout

def set_run_font(run, name: str, size_pt: float | None = None, bold: bool | None = None, color=None) -> None:
    """The font of a run for Latin and East-Asian text (a:latin, a:ea, a:cs)."""
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = RGBColor(*color)
    run.font.name = name  # a:latin, placed by python-pptx in schema order
    rpr = run._r.get_or_add_rPr()
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            latin.addnext(el) if tag == "a:ea" else rpr.find(qn("a:ea")).addnext(el)
        el.set("typeface", name)


def _text(slide, x, y, w, h, lines, size, *, bold=False, color=(0x22, 0x22, 0x22), role="slide", bullet=False):
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.space_after = Pt(6)
        set_run_font(p.add_run(), font(role), size, bold, color)
        p.runs[0].text = ("• " if bullet else "") + str(line)
    return box


def _picture(slide, path: Path, x, y, w, h):
    """The image fitted into the box (aspect kept), centred."""
    from PIL import Image
    from pptx.util import Inches

    with Image.open(path) as im:
        iw, ih = im.size
    scale = min(w / iw, h / ih)
    pw, ph = iw * scale, ih * scale
    slide.shapes.add_picture(str(path), Inches(x + (w - pw) / 2), Inches(y + (h - ph) / 2), Inches(pw), Inches(ph))


def _table(slide, frame: pd.DataFrame, x, y, w, h, size=TABLE_PT):
    from pptx.dml.color import RGBColor
    from pptx.util import Inches

    rows, cols = len(frame) + 1, len(frame.columns)
    widths = _column_widths(frame, w)
    heights = _row_heights(frame, widths, size)
    shape = slide.shapes.add_table(rows, cols, Inches(x), Inches(y), Inches(w), Inches(sum(heights)))
    table = shape.table
    for j, cw in enumerate(widths):
        table.columns[j].width = Inches(cw)
    for i, rh in enumerate(heights):  # rows sized for their text: renderers do not grow them
        table.rows[i].height = Inches(rh)
    for i in range(rows):
        for j in range(cols):
            cell = table.cell(i, j)
            value = frame.columns[j] if i == 0 else frame.iloc[i - 1, j]
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            set_run_font(p.add_run(), font("slide"), size, i == 0, (0xFF, 0xFF, 0xFF) if i == 0 else (0x22, 0x22, 0x22))
            p.runs[0].text = "—" if value is None or (isinstance(value, float) and value != value) else str(value)
            if i == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(*NAVY)
    return shape


def _column_widths(frame: pd.DataFrame, w: float) -> list[float]:
    lengths = [max([len(str(col))] + [len(str(v)) for v in frame[col]]) for col in frame.columns]
    weights = [min(n, 60) + 4 for n in lengths]
    total = float(sum(weights))
    return [w * k / total for k in weights]


def _row_heights(frame: pd.DataFrame, widths: list[float], size: float) -> list[float]:
    """Inches per row: lines of text at about one character per `size` points, plus the cell margins."""
    import math

    def lines(text, width_in):
        per_line = max(1, int((width_in - 0.25) * 72 / (size * 1.15)))  # conservative: renderers' CJK fonts differ in width
        return max(1, math.ceil(len(str(text)) / per_line))

    out = []
    for i in range(len(frame) + 1):
        values = list(frame.columns) if i == 0 else list(frame.iloc[i - 1])
        n = max(lines(v, cw) for v, cw in zip(values, widths))
        out.append(n * size * 1.25 / 72 + 0.12)
    return out


def _layout(prs, s: Slide, images: dict, first: bool) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches

    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    W, H = SLIDE_IN
    if first:
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Inches(2.3), Inches(W), Inches(2.2))
        band.fill.solid()
        band.fill.fore_color.rgb = RGBColor(*NAVY)
        band.line.fill.background()
        _text(slide, 0.8, 2.6, W - 1.6, 1.6, [s.title], 34, bold=True, color=(0xFF, 0xFF, 0xFF))
        _text(slide, 0.8, 4.9, W - 1.6, 1.0, s.bullets, 18, color=MUTED)
        if s.note:
            _text(slide, 0.8, 6.05, W - 1.6, 0.9, [s.note], 13, color=MUTED)
        return
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.18), Inches(1.25))
    bar.fill.solid()
    bar.fill.fore_color.rgb = RGBColor(*NAVY)
    bar.line.fill.background()
    _text(slide, 0.45, 0.25, W - 0.9, 1.0, [s.title], TITLE_PT if len(s.title) <= 34 else 24, bold=True, color=NAVY)
    top, bottom = 1.4, H - (0.55 if s.note else 0.3)
    image = images.get(s.image) if s.image else None
    if s.table is not None and len(s.table):
        if image is not None and len(s.table.columns) > 3:  # a county: the table across, the chart below it (when it has room)
            size = 12
            used = sum(_row_heights(s.table, _column_widths(s.table, W - 0.9), size))
            if used > bottom - top:
                size = 10
                used = sum(_row_heights(s.table, _column_widths(s.table, W - 0.9), size))
            _table(slide, s.table, 0.45, top, W - 0.9, used, size=size)
            room = bottom - top - used - 0.1
            if room >= MIN_PICTURE_IN:
                _picture(slide, image, 0.45, top + used + 0.1, W - 0.9, room)
        else:
            _table(slide, s.table, 0.45, top, W - 0.9, bottom - top)
    elif image is not None:
        if s.bullets:
            _picture(slide, image, 0.3, top, 8.6, bottom - top)
            _text(slide, 9.1, top + 0.3, W - 9.5, bottom - top, s.bullets, BODY_PT, bullet=True)
        else:
            _picture(slide, image, 0.45, top, W - 0.9, bottom - top)
    elif s.bullets:
        _text(slide, 0.8, top + 0.2, W - 1.6, bottom - top, s.bullets, 20, bullet=True)
    if s.note:
        _text(slide, 0.45, H - 0.55, W - 0.9, 0.45, [s.note], NOTE_PT, color=MUTED)


def write_slides(data, path, images: dict | None = None) -> Path:
    """The leading group's 16:9 deck at `path` (charts from `images`: file stem → PNG path)."""
    import io

    from pptx import Presentation
    from pptx.util import Emu

    from yichun.atomic import write_bytes

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_EMU[0]), Emu(SLIDE_EMU[1])
    images = {k: Path(v) for k, v in (images or {}).items() if Path(v).exists()}
    for i, s in enumerate(deck(data)):
        _layout(prs, s, images, first=i == 0)
    buf = io.BytesIO()
    prs.save(buf)
    return write_bytes(path, buf.getvalue())
