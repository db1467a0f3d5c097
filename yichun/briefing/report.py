"""The 汇报材料 as structured text: 基本情况 · 进展成效 · 存在问题 · 下一步工作建议, written from the data.

`report(data, county=None) -> Report` builds the sections of the city's (county=None) or one
county's report as a list of blocks (`Heading`, `Para`, `Figure`, `Table`); yichun.briefing.word
lays them out in the official document layout. Every number comes from the same functions as
the HTML briefing (content's headlines, the tables module, figures' chart keys), so the Word
text and the web page cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from yichun.briefing import content as c
from yichun.charts import format as fmt

SECTIONS = ("基本情况", "进展成效", "存在问题", "下一步工作建议")
WORD_SCHOOLS = 5  # schools listed in a county's report (the 问题清单 has them all)


@dataclass
class Heading:
    level: int  # 1: 一、 2: （一） 3: 1.
    text: str


@dataclass
class Para:
    text: str


@dataclass
class Figure:
    key: str  # chart file stem, e.g. "宜丰县_差异系数"
    caption: str


@dataclass
class Table:
    frame: pd.DataFrame
    title: str
    widths: tuple = ()  # relative column widths (optional)


@dataclass
class Report:
    title: str
    subtitle: str
    blocks: list = field(default_factory=list)

    def sections(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Heading) and b.level == 1]

    def text(self) -> str:
        """All the words of the report (tests, search)."""
        out = [self.title, self.subtitle]
        for b in self.blocks:
            if isinstance(b, (Heading, Para)):
                out.append(b.text)
            elif isinstance(b, Figure):
                out.append(b.caption)
            elif isinstance(b, Table):
                out.append(b.title)
        return "\n".join(out)


def report(data, county: str | None = None) -> Report:
    """The city's or one county's 汇报材料 (see the module docstring)."""
    if county is None:
        return _city(data)
    from yichun.counties import normalize_county

    return _county(data, normalize_county(county))


def title_of(county: str | None) -> str:
    from yichun.region import active_region

    who = active_region().name if county is None else county
    return f"{who}推进县域义务教育优质均衡发展和学前教育普及普惠工作情况汇报"


def _subtitle(data) -> str:
    return f"（依据 {data.year} 年统计数据 · {data.generated}）"


# ----------------------------------------------------------------------------- pieces shared by city and county

def bill_items_text(data, county: str | None, track: str) -> str:
    """'骨干教师 19 人（247.0万元）、体育运动场馆 4,579㎡（183.2万元）…' from the assessment's bill."""
    b = data.assessment.bill
    b = b[(b["year"] == data.year) & (b["track"] == track)]
    if county is not None:
        b = b[b["county"] == county]
    if b.empty:
        return ""
    g = b.groupby(["category", "unit"], sort=False, as_index=False).agg(quantity=("quantity", "sum"), cost=("cost_wan", lambda v: v.sum(min_count=1)))
    parts = []
    for r in g.itertuples(index=False):
        qty = c_qty(r.quantity, r.unit)
        cost = "未估价" if pd.isna(r.cost) else fmt.money_wan(r.cost)
        parts.append(f"{r.category} {qty}（{cost}）")
    return "、".join(parts)


def c_qty(q, unit: str) -> str:
    from yichun.briefing.tables import _qty

    return _qty(q, unit)


def status_row(data, county: str, track: str):
    st = data.status
    st = st[(st["county"] == county) & (st["track"] == track)]
    return None if st.empty else st.iloc[0].to_dict()


def _first_codes(text: str, n: int = 4) -> str:
    """'R1 高学历教师、R2 骨干教师、… 等 10 项': a long list of indicators cut for a table cell."""
    items = [t for t in str(text).split("、") if t]
    return text if len(items) <= n else "、".join(items[:n]) + f" 等 {len(items)} 项"


def overview_table(data) -> pd.DataFrame:
    """One row per county: each track's scheduled year and outlook, and the bill (万元) — from tables.county_table."""
    from yichun.briefing import tables

    t = tables.county_table(data)
    rows = []
    for county, g in t.groupby("县(市、区)", sort=False):
        row = {"县(市、区)": county}
        for track in c.TRACKS:
            r = g[g["评估类别"] == c.TRACK_SHORT[track]]
            short = "义务教育" if track == c.COMPULSORY else "学前教育"
            row[f"{short}计划年份"] = r["计划评估年份"].iloc[0] if len(r) else "—"
            row[f"{short}按期达标预测"] = r["按期达标预测"].iloc[0] if len(r) else "—"
        amounts = pd.to_numeric(g["补短板投入（万元）"].str.replace(",", ""), errors="coerce")
        row["补短板投入（万元）"] = fmt.num(amounts.sum(min_count=1), 1) if amounts.notna().any() else "未估价"
        rows.append(row)
    order = {name: i for i, name in enumerate(data.counties)}
    out = pd.DataFrame(rows)
    return out.sort_values("县(市、区)", key=lambda s: s.map(order)).reset_index(drop=True)


# ----------------------------------------------------------------------------- the city

def _city(data) -> Report:
    from yichun.briefing import tables

    h = c.city_headlines(data).numbers
    year = data.year
    st = data.status
    blocks: list = []
    from yichun.region import active_region

    region = active_region()
    # 一、基本情况
    blocks.append(Heading(1, "基本情况"))
    ready = h["ready"]
    blocks.append(Para(
        f"{region.whole} {h['n_counties']} 个县(市、区)按 2021 年实施方案分年度接受县域义务教育优质均衡发展和学前教育普及普惠国家督导评估认定，"
        f"{region.deadline} 年前全部通过。按 {year} 年统计数据，已达到义务教育优质均衡认定要求（A 类指标全部达标、B 类指标取得较好评价）的有 "
        f"{ready[c.COMPULSORY]} 个：{c._join(c.short_name(x) for x in h['ready_counties'][c.COMPULSORY]) or '无'}；"
        f"已达到学前教育普及普惠认定要求的有 {ready[c.PRESCHOOL]} 个：{c._join(c.short_name(x) for x in h['ready_counties'][c.PRESCHOOL]) or '无'}。"
        + c.scope_text(data).replace("统计范围：", "全市")))
    blocks.append(Table(overview_table(data), f"表1 各县(市、区)评估计划与达标情况（{year}年数据）", (13, 15, 22, 15, 22, 13)))
    # 二、进展成效
    blocks.append(Heading(1, "进展成效"))
    past = st[st["status"].map(c.is_past)]
    passed = [r for r in past.to_dict("records") if not c.past_failed(r)]
    passed_text = c._join(f"{c.short_name(r['county'])}（{c.TRACK_SHORT[r['track']]}，{r['scheduled_year']}年）" for r in passed)
    blocks.append(Para(
        f"截至 {year} 年，计划年份已到的评估共 {len(past)} 项，其中 {len(passed)} 项按最新数据达到认定要求"
        + (f"：{passed_text}" if passed else "")
        + f"。计划年份未到的 {int((~st['status'].map(c.is_past)).sum())} 项中，按期达标预测为按期可达的 {int((st['status'] == c.ON_TRACK).sum())} 项。"))
    blocks.append(Figure("全市_状态示意图", "图1 各县(市、区)按期通过国家督导评估认定的前景"))
    # 三、存在问题
    blocks.append(Heading(1, "存在问题"))
    risky = st[st["status"].isin(c.RISKY) | st.apply(c.past_failed, axis=1)].sort_values(["scheduled_year", "track"])
    blocks.append(Heading(2, "部分县(市、区)按期通过评估存在风险"))
    if risky.empty:
        blocks.append(Para("各县(市、区)均按期可达或已按计划通过，暂无按期通过有风险的评估。"))
    else:
        blocks.append(Para(f"共有 {len(risky)} 项评估有风险、难以按期或计划年份已到仍未达标，涉及 {risky['county'].nunique()} 个县(市、区)。"))
        for r in risky.to_dict("records"):
            blocks.append(Heading(3, f"{r['county']}{c.TRACK_SHORT[r['track']]}（计划 {r['scheduled_year']} 年）：{r['status']}"))
            blocks.append(Para(c.reason_text(data, r) + "。"))
    from yichun.briefing import rounds

    blocks.append(Heading(2, rounds.TITLE))
    blocks.append(Para(rounds.city_round_text(data)))
    round_table = rounds.city_round_table(data)
    if len(round_table):
        blocks.append(Table(round_table, f"表2 各县(市、区){rounds.TITLE}（{year}年数据）", rounds.widths(round_table)))
    blocks.append(Heading(2, "短板指标相对集中"))
    if h["worst"]:
        blocks.append(Para("未达标县数最多的 A 类指标：" + "；".join(f"{code}「{name}」（{k} 个县(市、区)）" for code, name, k in h["worst"]) + "。"))
    else:
        blocks.append(Para(f"按 {year} 年数据，各县(市、区) A 类指标均已达标。"))
    blocks.append(Figure("全市_义务教育指标", "图2 各县(市、区)义务教育优质均衡指标达标情况"))
    blocks.append(Figure("全市_学前教育指标", "图3 各县(市、区)学前教育普及普惠指标达标情况"))
    # 四、下一步工作建议
    blocks.append(Heading(1, "下一步工作建议"))
    money = f"按 {year} 年数据补齐全部短板，估算需投入 {fmt.money_wan(h['bill_total_wan'])}"
    money += "（" + "，".join(f"{c.TRACK_SHORT[t]} {c._money_text(data, None, t)}" for t in c.TRACKS) + "）"
    if h["unpriced"]:
        money += f"，另有 {c._join(h['unpriced'])} 等缺口未能估价"
    blocks.append(Heading(2, "优先保障近两年接受评估的县(市、区)"))
    soon = tables.due_soon_table(data)
    if len(soon):
        blocks.append(Para(f"{h['soon_years'][0]}—{h['soon_years'][1]} 年计划接受评估认定的共 {h['soon_total']} 项，建议按下表逐县落实补短板措施和资金。"))
        soon = soon.assign(制约指标=[_first_codes(v) for v in soon["制约指标"]])
        blocks.append(Table(soon, f"表{3 if len(round_table) else 2} {h['soon_years'][0]}—{h['soon_years'][1]} 年计划接受评估认定的县(市、区)", (12, 12, 17, 17, 28, 14)))
    else:
        blocks.append(Para("近两年没有计划接受评估认定的县(市、区)，建议提前谋划后续年份的评估准备。"))
    blocks.append(Heading(2, "统筹安排补短板资金"))
    blocks.append(Para(money + "。建议各县(市、区)将补短板项目纳入年度预算和建设计划，按轻重缓急分年实施。"))
    blocks.append(Heading(2, "压实县级责任，逐项整改销号"))
    blocks.append(Para("各县(市、区)问题清单（Excel）逐项列出未达标指标、学校明细、缺口数量和估算费用，建议据此制定一校(园)一策，明确责任单位、责任人和完成时限，按月调度、逐项销号。"))
    return Report(title_of(None), _subtitle(data), blocks)


# ----------------------------------------------------------------------------- one county

def _county(data, county: str) -> Report:
    from yichun.briefing import figures, tables

    h = c.county_headlines(data, county).numbers
    year = data.year
    tr = h["tracks"]
    blocks: list = []
    # 一、基本情况
    blocks.append(Heading(1, "基本情况"))
    sched = "，".join(f"{c.TRACK_NAMES[t]}计划 {tr[t]['scheduled_year']} 年接受国家督导评估认定" for t in c.TRACKS if tr[t]["scheduled_year"])
    ps = data.assessment.preschool
    ps = ps[(ps["year"] == year) & (ps["county"] == county)]
    n = c.unit_counts(data, county)
    blocks.append(Para(
        f"按 2021 年实施方案，{county}{sched}。按 {year} 年统计数据，{n.schools_text()}，"
        f"其中 {n.failing_text(f'不符合资源配置「{c.school_rule_text(data)}」的要求')}；{n.parts_text()}；{n.kindergartens_text()}。"))
    blocks.append(Table(tables.county_status_table(data, county)[["评估类别", "计划评估年份", f"{year}年数据", "A类指标达标", "B类指标良及以上", "按期达标预测"]],
                        f"表1 {county}两类评估的达标情况（{year}年数据）", (30, 13, 17, 12, 13, 15)))
    # 二、进展成效
    blocks.append(Heading(1, "进展成效"))
    for t in c.TRACKS:
        info = tr[t]
        blocks.append(Heading(2, c.TRACK_NAMES[t]))
        if info["ready"] is None:
            blocks.append(Para(f"{year} 年没有{county}的{c.TRACK_SHORT[t]}数据。"))
            continue
        text = (f"A 类指标 {info['a_total']} 项中 {info['a_met']} 项达标，B 类指标 {info['b_total']} 项中 {info['b_good']} 项取得较好评价，"
                f"{'已达到认定要求' if info['ready'] else '尚未达到认定要求'}。")
        if t == c.PRESCHOOL and len(ps):
            text += "学前教育三项主要指标：" + "，".join(
                f"{r.name} {fmt.pct_judged(r.value, r.met, 1)}（标准 {fmt.pct(r.standard, 0)}，{'达标' if r.met else '未达标'}）" for r in ps.itertuples()) + "。"
        blocks.append(Para(text))
    figs_cv = f"{county}_差异系数"
    blocks.append(Figure(figs_cv, f"图1 {county}资源配置校际差异系数"))
    # 三、存在问题
    blocks.append(Heading(1, "存在问题"))
    blocks.append(Heading(2, "按期达标前景"))
    for t in c.TRACKS:
        r = status_row(data, county, t)
        if r is None:
            continue
        blocks.append(Para(f"{c.TRACK_SHORT[t]}（计划 {r['scheduled_year']} 年）：{r['status']}。{c.reason_text(data, r)}。"))
    items = tables.unmet_items_table(data, county, max_detail=48)
    blocks.append(Heading(2, "未达标指标"))
    if len(items):
        blocks.append(Para(f"按 {year} 年数据，两类评估共有 {len(items)} 项指标未达标或评价未达良，明细见下表。"))
        blocks.append(Table(items[["评估类别", "指标", "情况", "说明"]], f"表2 {county}未达标的指标（{year}年数据）", (16, 30, 12, 42)))
    else:
        blocks.append(Para(f"按 {year} 年数据，两类评估的指标均已达标。"))
    from yichun.briefing import rounds

    blocks.append(Heading(2, rounds.TITLE))
    blocks.append(Para(rounds.county_round_text(data, county)))
    round_table = rounds.county_round_table(data, county)
    if len(round_table):
        blocks.append(Table(round_table, f"表3 {county}{rounds.TITLE}", rounds.widths(round_table)))
    worst = c.worst_indicator(data, county)
    if worst:
        code, level = worst
        blocks.append(Figure(f"{county}_学校分布", f"图2 {county}{level}{code}「{c.code_name(data, code)}」各校情况"))
    choice = figures.fan_choice(data, county)
    if choice:
        blocks.append(Figure(f"{county}_预测", f"图3 {county}{c.TRACK_SHORT[choice['track']]}按期达标预测"))
    # 四、下一步工作建议
    blocks.append(Heading(1, "下一步工作建议"))
    bill = h["bill_total_wan"]
    for t in c.TRACKS:
        what = bill_items_text(data, county, t)
        blocks.append(Heading(2, f"补齐{c.TRACK_SHORT[t]}短板"))
        if what:
            blocks.append(Para(f"按 {year} 年数据测算，需补充：{what}，合计 {c._money_text(data, county, t)}。建议纳入年度预算和建设计划，优先安排计划评估年份前须完成的项目。"))
        else:
            blocks.append(Para(f"按 {year} 年数据无须补短板投入，建议巩固现有成果，防止出现新的短板。"))
    schools = tables.schools_table(data, county, n=WORD_SCHOOLS)
    if len(schools):
        blocks.append(Heading(2, "实施一校(园)一策"))
        blocks.append(Para(f"{n.with_gaps_text()}有须补齐的缺口，下表按未达标指标数和费用列出前 {len(schools)} 所；完整明细见{county}问题清单（Excel）。"))
        blocks.append(Table(schools[["序号", "学校(幼儿园)", "未达标指标", "需补充", "估算费用（万元）"]], f"表{4 if len(round_table) else 3} {county}须补齐缺口的学校(幼儿园)",
                            (7, 23, 24, 32, 14)))
    blocks.append(Heading(2, "压实责任，逐项销号"))
    total = f"补齐全部短板估算共需 {fmt.money_wan(bill)}" if bill > 0 else "按当年数据无须计价的补短板投入"
    blocks.append(Para(f"{total}。建议对照问题清单明确每项整改的责任单位、责任人、资金来源和完成时限，按月调度，完成一项、销号一项。"))
    return Report(title_of(county), _subtitle(data), blocks)
