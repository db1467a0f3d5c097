"""What the leading-group briefings say and show, built from a `BriefingData`.

- `city_headlines(data)` / `county_headlines(data, county)`: the key numbers (a dict) and the
  Chinese sentences made from them (`Headlines.markdown()`).
- `city_figures(data)` / `county_figures(data, county)`: the charts, keyed by their file stem
  (e.g. "宜丰县_差异系数"), used both in the notebook and for the PNG/SVG export.
- tables with Chinese headers and formatted numbers: `county_table`, `due_soon_table`,
  `county_status_table`, `unmet_items_table`, `schools_table`.
- `Briefing(data, county)`: the briefing in parts (概况, 状态, 差距, 投入与行动), each a list of
  blocks (Markdown text, figures, tables) that the notebook displays with `show(part)`.

Every number in the text comes from the data; nothing here re-implements an assessment rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from yichun.charts import format as fmt
from yichun.projection.reasons import AT_RISK, BEYOND, DUE, LATE, ON_TRACK  # status names: projection.yaml

COMPULSORY, PRESCHOOL = "义务教育", "学前教育"
TRACKS = (COMPULSORY, PRESCHOOL)
TRACK_NAMES = {COMPULSORY: "县域义务教育优质均衡发展", PRESCHOOL: "县域学前教育普及普惠"}
TRACK_SHORT = {COMPULSORY: "义务教育优质均衡", PRESCHOOL: "学前教育普及普惠"}
R_CODES = ("R1", "R2", "R3", "R4", "R5", "R6", "R7")
P_CODES = ("P1", "P2", "P3")
LEVELS = ("小学", "初中")
SOON_YEARS = 2  # "the next two years" after the briefing year
TOP_SCHOOLS = 10
CODE_RE = re.compile(r"(?<![A-Za-z])(CV|[A-Z]{1,2}\d{1,2})(?![A-Za-z0-9])")
PARTS = ("概况", "状态", "差距", "投入与行动")


# ----------------------------------------------------------------------------- small helpers

def _catalogue(data):
    from yichun.catalogue import catalogue

    return catalogue(data.profile)


def short_name(county: str) -> str:
    from yichun.charts._frames import short_name as _short

    return _short(county)


def code_name(data, code: str) -> str:
    """The official name of an indicator code (CV: the balance rule's name)."""
    if code == "CV":
        return str(_catalogue(data).rules.get("balance_rule", {}).get("name", "资源配置校际差异系数"))
    try:
        return _catalogue(data)[code].name
    except KeyError:
        return code


def indicator_label(data, code: str, width: int = 16) -> str:
    """A short label for tables: "R1 高学历教师" for coded short names, else the official name, clipped."""
    from yichun.charts import theme

    label = theme.short_label(code)
    if label != code:
        return label
    name = code_name(data, code).split("；")[0]
    return f"{code} {name if len(name) <= width else name[: width - 1] + '…'}"


def labels_text(data, codes) -> str:
    return "、".join(indicator_label(data, c) for c in codes)


def codes_in(text) -> list[str]:
    """Indicator codes mentioned in a text such as "R1、R2、CV" or "R2 小学·某校（余量 0.0%）"."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return []
    return list(dict.fromkeys(CODE_RE.findall(str(text))))


def _int_or_none(v):
    return None if v is None or pd.isna(v) else int(v)


def _year_text(v) -> str:
    v = _int_or_none(v)
    return "—" if v is None else f"{v}年"


def _status_text(row) -> str:
    """The outlook status, with the actual verdict for a scheduled year already in the data."""
    status = str(row["status"])
    result = str(row.get("scheduled_result", "") or "")
    lapse = row.get("lapse_year")
    lapse = "" if lapse is None or pd.isna(lapse) else f"，预计{int(lapse)}年回落"
    return (f"{status}（计划当年数据{result}{lapse}）" if status in DUE and result else status + (f"（{lapse[1:]}）" if lapse else ""))


def _join(items, sep="、") -> str:
    return sep.join(str(i) for i in items)


def school_rule_text(data) -> str:
    """The school rule in words, from the catalogue: 每所学校至少 6 项达标、余项不低于标准的 85%."""
    rule = _catalogue(data).rules["school_rule"]
    return f"每所学校至少 {int(rule['min_met'])} 项达标、其余不低于标准的 {fmt.pct(rule['remainder_ratio'], 0)}"


def html_table(frame: pd.DataFrame) -> str:
    """A frame as an HTML table (Chinese headers, values already formatted as text)."""
    return frame.to_html(index=False, escape=True, border=0, classes="yichun-table", na_rep="—")


# ----------------------------------------------------------------------------- frames of the year

def _status(data, county: str | None = None) -> pd.DataFrame:
    s = data.status
    return s if county is None else s[s["county"] == county]


def bill_by_county_track(data) -> pd.DataFrame:
    """county | track | cost_wan (priced categories only) of the briefing year."""
    b = data.assessment.bill
    b = b[b["year"] == data.year]
    return b.groupby(["county", "track"], as_index=False)["cost_wan"].sum(min_count=1)


def _bill(data, county: str | None = None, track: str | None = None) -> float:
    b = data.assessment.bill
    b = b[b["year"] == data.year]
    if county is not None:
        b = b[b["county"] == county]
    if track is not None:
        b = b[b["track"] == track]
    return float(b["cost_wan"].sum())


def _unpriced(data, county: str | None = None, track: str | None = None) -> list[str]:
    b = data.assessment.bill
    b = b[(b["year"] == data.year) & b["cost_wan"].isna()]
    if county is not None:
        b = b[b["county"] == county]
    if track is not None:
        b = b[b["track"] == track]
    return list(dict.fromkeys(b["category"]))


def _money_text(data, county: str | None, track: str) -> str:
    """A track's bill in words: the amount, "仅有未估价缺口" or "无须投入"."""
    amount = _bill(data, county, track)
    if amount > 0:
        return fmt.money_wan(amount)
    return "缺口未能估价" if _unpriced(data, county, track) else "无须投入"


def unmet_counts(data) -> pd.DataFrame:
    """Per indicator code: how many counties do not meet it this year (missing data counts as not met)."""
    it = data.assessment.items
    it = it[it["year"] == data.year]
    bad = it[~it["met"].fillna(False).astype(bool)]
    out = bad.groupby(["track", "code"], as_index=False).agg(counties=("county", "nunique"), klass=("klass", "first"))
    order = {c: i for i, c in enumerate(it["code"].drop_duplicates())}
    out["order"] = out["code"].map(order)
    return out.sort_values(["counties", "order"], ascending=[False, True]).drop(columns="order").reset_index(drop=True)


def school_shares(data, county: str | None = None) -> pd.DataFrame:
    """county | level | indicator | n | met | min_ratio | share: counted school parts meeting each of R1–R7."""
    memo = _memo(data, "school_shares")
    if None not in memo:
        sp = data.assessment.school_parts
        sp = sp[(sp["year"] == data.year) & sp["counted"].astype(bool)]
        ratios = sp[[f"{c}_ratio" for c in R_CODES]].to_numpy(dtype="float64")
        long = pd.DataFrame({
            "county": np.repeat(sp["county"].to_numpy(dtype=object), len(R_CODES)),
            "level": np.repeat(sp["level"].to_numpy(dtype=object), len(R_CODES)),
            "indicator": np.tile(np.array(R_CODES, dtype=object), len(sp)),
            "ratio": ratios.reshape(-1),
        })
        long["known"] = long["ratio"].notna()
        long["met"] = long["ratio"] >= 1.0
        out = long.groupby(["county", "level", "indicator"], as_index=False, sort=False).agg(
            n=("known", "sum"), met=("met", "sum"), min_ratio=("ratio", "min"))
        out["share"] = out["met"] / out["n"].where(out["n"] > 0)
        memo[None] = out
    out = memo[None]
    if county is None:
        return out
    if county not in memo:
        memo[county] = out[out["county"] == county].reset_index(drop=True)
    return memo[county]


def _memo(data, name: str) -> dict:
    """A per-data cache of derived frames (not pickled with the data: see BriefingData.__getstate__)."""
    cache = data.__dict__.setdefault("_memo", {})
    return cache.setdefault(name, {})


def worst_indicator(data, county: str) -> tuple[str, str] | None:
    """(R-code, level) with the most counted school parts below standard (ties: the lowest value)."""
    s = school_shares(data, county)
    s = s[s["n"] > 0]
    if s.empty:
        return None
    s = s.assign(short=s["n"] - s["met"]).sort_values(["short", "min_ratio"], ascending=[False, True])
    top = s.iloc[0]
    return str(top["indicator"]), str(top["level"])


# ----------------------------------------------------------------------------- headlines

@dataclass
class Headlines:
    """Key numbers (for tests and the CLI) and the Chinese sentences built from them."""

    numbers: dict
    sentences: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        return "\n\n".join(self.sentences)

    def _repr_markdown_(self) -> str:
        return self.markdown()


def city_headlines(data) -> Headlines:
    """The city's key numbers: who is ready on this year's data, who is due soon, the bill, the worst indicators."""
    year = data.year
    counties = data.counties
    ready = {t: int(data.readiness(t)["ready"].astype(bool).sum()) for t in TRACKS}
    ready_names = {t: [c for c in counties if c in set(data.readiness(t).query("ready")["county"])] for t in TRACKS}
    st = _status(data)
    soon = st[(st["scheduled_year"] > year) & (st["scheduled_year"] <= year + SOON_YEARS)]
    soon_counts = {k: int(v) for k, v in soon["status"].value_counts().items()}
    bill_total = _bill(data)
    bill_tracks = {t: _bill(data, track=t) for t in TRACKS}
    worst = unmet_counts(data)
    worst_a = worst[worst["klass"] == "A"].head(3)
    numbers = {
        "year": year,
        "n_counties": len(counties),
        "ready": ready,
        "ready_counties": ready_names,
        "soon_years": (year + 1, year + SOON_YEARS),
        "soon_total": int(len(soon)),
        "soon_counts": soon_counts,
        "soon_at_risk": soon_counts.get(AT_RISK, 0),
        "soon_late": soon_counts.get(LATE, 0),
        "bill_total_wan": bill_total,
        "bill_by_track_wan": bill_tracks,
        "unpriced": _unpriced(data),
        "worst": [(r.code, code_name(data, r.code), int(r.counties)) for r in worst_a.itertuples()],
        "status_counts": {t: {k: int(v) for k, v in st[st["track"] == t]["status"].value_counts().items()} for t in TRACKS},
    }
    s = []
    s.append(
        f"**按 {year} 年统计数据，全市 {len(counties)} 个县(市、区)中，已达到{TRACK_NAMES[COMPULSORY]}认定要求"
        f"（A 类指标全部达标、B 类指标取得较好评价）的有 {ready[COMPULSORY]} 个，"
        f"达到{TRACK_NAMES[PRESCHOOL]}认定要求的有 {ready[PRESCHOOL]} 个**。"
        + "".join(f"{TRACK_SHORT[t]}：{_join(short_name(c) for c in ready_names[t]) or '无'}。" for t in TRACKS)
    )
    if len(soon):
        lines = []
        for r in soon.sort_values(["scheduled_year", "track"]).itertuples():
            lines.append(f"{r.county}（{TRACK_SHORT[r.track]}，{r.scheduled_year}年）{r.status}")
        s.append(
            f"**{year + 1}—{year + SOON_YEARS} 年计划接受国家督导评估认定的共 {len(soon)} 项：按期可达 {soon_counts.get(ON_TRACK, 0)} 项、"
            f"有风险 {soon_counts.get(AT_RISK, 0)} 项、难以按期 {soon_counts.get(LATE, 0)} 项**：{_join(lines, '；')}。"
        )
    else:
        s.append(f"{year + 1}—{year + SOON_YEARS} 年没有计划接受国家督导评估认定的县(市、区)。")
    money = f"**按 {year} 年数据补齐全部短板，估算需投入 {fmt.money_wan(bill_total)}**"
    money += "（" + "，".join(f"{TRACK_SHORT[t]} {_money_text(data, None, t)}" for t in TRACKS) + "）"
    if numbers["unpriced"]:
        money += f"；另有 {_join(numbers['unpriced'])} 等 {len(numbers['unpriced'])} 类缺口未能估价"
    s.append(money + "。")
    if numbers["worst"]:
        s.append("未达标县数最多的 A 类指标：" + "；".join(f"{c}「{n}」（{k} 个县）" for c, n, k in numbers["worst"]) + "。")
    return Headlines(numbers, s)


def county_headlines(data, county: str) -> Headlines:
    """One county's key numbers and sentences: both tracks, the bill, the schools that hold it back."""
    from yichun.counties import normalize_county

    county = normalize_county(county)
    year = data.year
    tracks = {}
    s = []
    st = _status(data, county).set_index("track")
    for t in TRACKS:
        r = data.readiness(t)
        r = r[r["county"] == county]
        row = r.iloc[0] if len(r) else None
        o = st.loc[t] if t in st.index else None
        info = {
            "ready": bool(row["ready"]) if row is not None else None,
            "a_met": int(row["a_met"]) if row is not None else None,
            "a_total": int(row["a_total"]) if row is not None else None,
            "b_good": int(row["b_good"]) if row is not None else None,
            "b_total": int(row["b_total"]) if row is not None else None,
            "unmet": codes_in(row["unmet"]) if row is not None else [],
            "scheduled_year": _int_or_none(o["scheduled_year"]) if o is not None else None,
            "status": str(o["status"]) if o is not None else None,
            "first_pass": _int_or_none(o["first_pass_central"]) if o is not None else None,
            "binding": str(o["binding"]) if o is not None and str(o["binding"]) else "",
            "bill_wan": _bill(data, county, t),
        }
        tracks[t] = info
        if row is None:
            s.append(f"**{TRACK_NAMES[t]}**：{year} 年没有{county}的数据。")
            continue
        verdict = "已达到认定要求" if info["ready"] else "尚未达到认定要求"
        text = (f"**{TRACK_NAMES[t]}**（计划 {info['scheduled_year']} 年接受评估认定）：按 {year} 年数据，A 类指标 {info['a_total']} 项中"
                f" {info['a_met']} 项达标，B 类指标 {info['b_total']} 项中 {info['b_good']} 项取得较好评价，**{verdict}**")
        if info["unmet"]:
            text += f"（未达标：{_join(info['unmet'])}）"
        if info["status"] in DUE:
            text += f"。计划年份已过，按最新数据：**{info['status']}**"
            if str(o.get("reason_text", "") or ""):
                text += f"；{str(o['reason_text']).rstrip('。')}"
        elif info["status"]:
            text += f"。按期达标预测：**{info['status']}**"
            if info["first_pass"]:
                text += f"，中方案预计 {info['first_pass']} 年首次达到要求"
            else:
                text += f"，中方案预计到 {data.to_year} 年仍达不到要求"
            if str(o.get("reason_text", "") or ""):
                text += f"；{str(o['reason_text']).rstrip('。')}"
            elif info["binding"]:
                text += f"；制约指标：{info['binding']}"
        s.append(text + "。")
    bill = _bill(data, county)
    unpriced = _unpriced(data, county)
    sp = data.assessment.school_parts
    sp = sp[(sp["year"] == year) & (sp["county"] == county) & sp["counted"].astype(bool)]
    failing = sp[~sp["passed"].astype(bool)]
    n_fail = int(failing["school_id"].nunique())
    n_schools = int(sp["school_id"].nunique())
    worst = worst_indicator(data, county)
    numbers = {"county": county, "year": year, "tracks": tracks, "bill_total_wan": bill, "unpriced": unpriced,
               "schools_counted": n_schools, "schools_failing_rule": n_fail, "worst_indicator": worst}
    if bill > 0 or unpriced:
        text = f"**补齐短板估算需投入 {fmt.money_wan(bill)}**" if bill > 0 else "**补齐短板的缺口均未能估价**"
        text += "（" + "，".join(f"{TRACK_SHORT[t]} {_money_text(data, county, t)}" for t in TRACKS) + "）"
        if unpriced:
            text += f"，未能估价的缺口：{_join(unpriced)}"
        text += "。"
    else:
        text = f"**按 {year} 年数据两类评估均无须补短板投入**。"
    text += f"计入县域计算的 {n_schools} 所义务教育学校中，{n_fail} 所不符合资源配置「{school_rule_text(data)}」的要求"
    if worst:
        code, level = worst
        sh = school_shares(data, county)
        row = sh[(sh["indicator"] == code) & (sh["level"] == level)].iloc[0]
        short = int(row["n"] - row["met"])
        if short:
            text += f"；达标学校最少的一项是{level}{code}「{code_name(data, code)}」（{short} 所学校(学段)未达标）"
        else:
            text += (f"；各校七项资源配置指标均达到标准，余量最小的是{level}{code}「{code_name(data, code)}」"
                     f"（最低为标准的 {fmt.pct(row['min_ratio'], 1)}）")
    s.append(text + "。")
    return Headlines(numbers, s)


# ----------------------------------------------------------------------------- tables

def _binding_text(row) -> str:
    binding = str(row.get("binding", "") or "")
    return binding if binding else "—"


def _first_pass_text(data, year) -> str:
    """The first year the county passes (central variant): 已达标 when it passes on this year's data."""
    year = _int_or_none(year)
    if year is None:
        return f"至{data.to_year}年未达标"
    return "当年已达标" if year <= data.year else f"{year}年"


def county_table(data) -> pd.DataFrame:
    """Every county and track: scheduled year, this year's verdict, outlook, first pass, binding, bill."""
    st = _status(data)
    bills = bill_by_county_track(data).set_index(["county", "track"])["cost_wan"]
    ready = data.readiness().set_index(["county", "track"])
    order = {c: i for i, c in enumerate(data.counties)}
    rows = []
    for r in st.sort_values(["track", "scheduled_year", "county"], key=lambda c: c.map({t: i for i, t in enumerate(TRACKS)})
                            if c.name == "track" else (c.map(order) if c.name == "county" else c)).to_dict("records"):
        key = (r["county"], r["track"])
        rd = ready.loc[key] if key in ready.index else None
        rows.append({
            "县(市、区)": r["county"],
            "评估类别": TRACK_SHORT.get(r["track"], r["track"]),
            "计划评估年份": _year_text(r["scheduled_year"]),
            f"{data.year}年数据": "—" if rd is None else ("达到要求" if bool(rd["ready"]) else "未达到"),
            "按期达标预测": _status_text(r),
            "预计达标年份（中方案）": _first_pass_text(data, r["first_pass_central"]),
            "制约指标": _binding_text(r),
            "补短板投入（万元）": _bill_cell(bills.get(key, 0.0)),
        })
    return pd.DataFrame(rows)


def _bill_cell(amount) -> str:
    """万元 with one decimal; a bill made only of gaps that cannot be priced is 未估价."""
    return "未估价" if amount is None or pd.isna(amount) else fmt.num(amount, 1)


def due_soon_table(data) -> pd.DataFrame:
    """The counties scheduled in the next two years: status, binding indicators with names, bill."""
    st = _status(data)
    soon = st[(st["scheduled_year"] > data.year) & (st["scheduled_year"] <= data.year + SOON_YEARS)]
    bills = bill_by_county_track(data).set_index(["county", "track"])["cost_wan"]
    rows = []
    for r in soon.sort_values(["scheduled_year", "track", "county"]).to_dict("records"):
        codes = codes_in(r["binding"])
        rows.append({
            "计划评估年份": _year_text(r["scheduled_year"]),
            "县(市、区)": r["county"],
            "评估类别": TRACK_SHORT.get(r["track"], r["track"]),
            "按期达标预测": _status_text(r),
            "制约指标": labels_text(data, codes) if codes else "—",
            "补短板投入（万元）": _bill_cell(bills.get((r["county"], r["track"]), 0.0)),
        })
    return pd.DataFrame(rows, columns=["计划评估年份", "县(市、区)", "评估类别", "按期达标预测", "制约指标", "补短板投入（万元）"])


def county_status_table(data, county: str) -> pd.DataFrame:
    """One county, both tracks: this year's verdict with counts, the outlook and its reasons."""
    h = county_headlines(data, county).numbers["tracks"]
    st = _status(data, county).set_index("track")
    rows = []
    for t in TRACKS:
        i = h[t]
        o = st.loc[t] if t in st.index else None
        rows.append({
            "评估类别": TRACK_NAMES[t],
            "计划评估年份": _year_text(i["scheduled_year"]),
            f"{data.year}年数据": "—" if i["ready"] is None else ("达到认定要求" if i["ready"] else "未达到认定要求"),
            "A类指标达标": "—" if i["a_total"] is None else f"{i['a_met']}/{i['a_total']}",
            "B类指标良及以上": "—" if i["b_total"] is None else f"{i['b_good']}/{i['b_total']}",
            "未达标指标": _join(i["unmet"]) or "无",
            "按期达标预测": "—" if o is None else _status_text(o),
            "预计达标年份（中方案）": "—" if o is None else _first_pass_text(data, o["first_pass_central"]),
            "制约指标": i["binding"] or "—",
        })
    return pd.DataFrame(rows)


def unmet_items_table(data, county: str, max_detail: int = 90) -> pd.DataFrame:
    """The reasons: every indicator the county does not meet this year, with the assessment's detail."""
    it = data.assessment.items
    it = it[(it["year"] == data.year) & (it["county"] == county)]
    bad = it[~it["met"].fillna(False).astype(bool)]
    rows = []
    for r in bad.to_dict("records"):
        detail = str(r["detail"] or "")
        if len(detail) > max_detail:
            detail = detail[: max_detail - 1] + "…"
        status = "缺数据" if pd.isna(r["met"]) else ("评价未达良" if r["klass"] == "B" else "未达标")
        rows.append({"评估类别": TRACK_SHORT.get(r["track"], r["track"]), "指标": f"{r['code']} {r['name']}",
                     "类别": f"{r['klass']}类", "标准": r["standard"] or "—", "情况": status, "说明": detail or "—"})
    return pd.DataFrame(rows, columns=["评估类别", "指标", "类别", "标准", "情况", "说明"])


def _qty(q, unit: str) -> str:
    if q is None or pd.isna(q):
        return "—"
    digits = 1 if unit == "万元" or abs(q - round(q)) > 1e-9 and abs(q) < 10 else 0
    return f"{fmt.num(q, digits)}{unit}"


def _levels(levels) -> str:
    found = list(dict.fromkeys(str(v) for v in levels if pd.notna(v)))
    named = [v for v in found if v != "全校"]
    return _join(named or found)


def schools_table(data, county: str, n: int = TOP_SCHOOLS) -> pd.DataFrame:
    """The schools (and kindergartens) that hold the county back: what each must add and what it costs.

    Rows are the priced gaps that count toward the bill (`in_bill`), one per school, ranked by
    the number of indicators it misses, then by cost.
    """
    g = data.assessment.gaps
    g = g[(g["year"] == data.year) & (g["county"] == county) & g["in_bill"].astype(bool)]
    g = g[g["school_id"].notna() & (g["school_id"].astype(str) != "")]
    if g.empty:
        return pd.DataFrame(columns=["序号", "学校(幼儿园)", "学段", "未达标指标", "需补充", "估算费用（万元）"])
    keys = ["school_id", "school_name"]
    items = g.groupby([*keys, "item", "unit"], sort=False, as_index=False)["shortfall"].sum()
    needs = {}
    for r in items.itertuples(index=False):
        needs.setdefault((r.school_id, r.school_name), []).append(f"{r.item} {_qty(r.shortfall, r.unit)}")
    per = g.groupby(keys, sort=False)
    frame = pd.DataFrame({
        "school": [k[1] for k in per.groups],
        "levels": per["level"].agg(_levels).to_numpy(),
        "codes": per["indicator"].agg(lambda v: list(dict.fromkeys(map(str, v)))).to_numpy(),
        "needs": ["；".join(needs[k]) for k in per.groups],
        "cost": per["cost_wan"].sum(min_count=1).to_numpy(),
    })
    frame["n_codes"] = frame["codes"].map(len)
    frame["rank_cost"] = frame["cost"].fillna(0.0)
    frame = frame.sort_values(["n_codes", "rank_cost"], ascending=[False, False], kind="stable").head(n)
    return pd.DataFrame({
        "序号": range(1, len(frame) + 1),
        "学校(幼儿园)": frame["school"].to_numpy(),
        "学段": frame["levels"].to_numpy(),
        "未达标指标": [labels_text(data, c) for c in frame["codes"]],
        "需补充": frame["needs"].to_numpy(),
        "估算费用（万元）": [fmt.num(c, 1) if pd.notna(c) else "未估价" for c in frame["cost"]],
    })


def n_schools_with_gaps(data, county: str) -> int:
    g = data.assessment.gaps
    g = g[(g["year"] == data.year) & (g["county"] == county) & g["in_bill"].astype(bool) & g["school_id"].notna()]
    return int(g["school_id"].nunique())


def code_legend(data, codes) -> str:
    """A small-print line naming every indicator code used in a table (short labels)."""
    from html import escape

    from yichun.catalogue import catalogue

    order = {ind.code: i for i, ind in enumerate(catalogue(data.profile))}
    codes = sorted({c for c in codes if c}, key=lambda c: order.get(c, order.get("R7", 0) + 0.5 if c == "CV" else len(order)))
    if not codes:
        return ""
    return f'<p class="legend">指标代码：{escape("；".join(indicator_label(data, c) for c in codes))}。</p>'


# ----------------------------------------------------------------------------- figures

def heatmap_frame(data) -> pd.DataFrame:
    """county | indicator | value | standard | comparator for the city heatmap.

    R1–R7: share of counted school parts (小学 and 初中 together) that meet the standard
    (standard 100%); CV: the county's highest 差异系数 ÷ its limit (lower is better);
    P1–P3: the county value against the catalogue standard.
    """
    from yichun.charts import theme

    def label(code: str) -> str:  # "P3 公办在园<br>占比": long names on two lines so neighbours do not touch
        text = theme.short_label(code)
        head, _, name = text.partition(" ")
        return f"{head} {name[:4]}<br>{name[4:]}" if len(name) > 5 else text

    year = data.year
    rows = []
    sp = data.assessment.school_parts
    sp = sp[(sp["year"] == year) & sp["counted"].astype(bool)]
    for code in R_CODES:
        ratio = sp[f"{code}_ratio"].astype("float64")
        g = pd.DataFrame({"county": sp["county"], "met": (ratio >= 1.0).astype(float).where(ratio.notna())})
        share = g.groupby("county")["met"].mean()
        for c, v in share.items():
            rows.append({"county": c, "indicator": label(code), "value": v, "standard": 1.0, "comparator": ">="})
    cv = data.assessment.cv
    cv = cv[cv["year"] == year]
    worst = (cv["cv"] / cv["limit"]).groupby(cv["county"]).max()
    for c, v in worst.items():
        rows.append({"county": c, "indicator": "CV 差异系数", "value": v, "standard": 1.0, "comparator": "<="})
    cat = _catalogue(data)
    ps = data.assessment.preschool
    ps = ps[ps["year"] == year]
    for r in ps.itertuples():
        std = r.standard if pd.notna(r.standard) else cat[r.indicator].threshold()
        rows.append({"county": r.county, "indicator": label(r.indicator), "value": r.value, "standard": std, "comparator": ">="})
    return pd.DataFrame(rows)


def city_figures(data) -> dict:
    """The city briefing's charts, keyed by file stem (全市_…)."""
    import datetime as _dt

    from yichun import charts

    year = data.year
    st = data.status
    figs = {}
    figs["全市_状态示意图"] = charts.tile_map(
        st[["county", "track", "status"]], title=f"各县(市、区)按期通过国家督导评估认定的前景（{year}年数据）")
    figs["全市_评估计划时间轴"] = charts.schedule_timeline(
        data.schedule, status=st, today=max(_dt.date.today().year, year + 1),
        title="督导评估计划年份与按期达标前景")
    hm = charts.indicator_heatmap(
        heatmap_frame(data), title=f"{year}年各县(市、区)主要指标达到标准的程度",
        subtitle="R1—R7：达标学校(学段)占比；CV：限值 ÷ 最高差异系数；P1—P3：县域值 ÷ 标准；100%及以上为达到标准")
    hm.update_xaxes(title_text="指标")
    figs["全市_指标热力图"] = hm
    figs["全市_学前教育三项指标"] = charts.preschool_bars(data.assessment.preschool, year)
    return figs


def fan_choice(data, county: str) -> dict | None:
    """Which series the county's fan chart shows: the binding indicator of its next assessment, else enrolment."""
    st = _status(data, county)
    if st.empty:
        return None
    ahead = st[~st["status"].isin([*DUE, BEYOND])].sort_values("scheduled_year")
    row = ahead.iloc[0] if len(ahead) else st.sort_values("margin", na_position="last").iloc[0]
    track = str(row["track"])
    codes = codes_in(row["binding"]) or codes_in(row["unmet"])
    choice = {"track": track, "scheduled_year": _int_or_none(row["scheduled_year"]), "status": str(row["status"])}
    p = [c for c in codes if c in P_CODES]
    if p:
        return {**choice, "kind": "indicator", "code": p[0], "level": ""}
    if "CV" in codes:
        ind = data.indicators
        sel = ind[(ind["county"] == county) & ind["cv"].notna()]
        y = choice["scheduled_year"] if choice["scheduled_year"] in set(sel["year"]) else int(sel["year"].max())
        at = sel[(sel["year"] == y) & (sel["variant"] == "central")]
        if len(at):
            worst = at.assign(r=at["cv"] / at["limit"]).sort_values("r", ascending=False).iloc[0]
            return {**choice, "kind": "cv", "code": str(worst["code"]), "level": str(worst["level"])}
    level = "幼儿园" if track == PRESCHOOL else "小学"
    for c in codes:
        if c in R_CODES:
            m = re.search(rf"{c}\s*(小学|初中)", str(row["binding"]))
            level = m.group(1) if m else level
            break
    return {**choice, "kind": "enrolment", "code": "", "level": level}


def _fan_frame(data, county: str, choice: dict) -> tuple[pd.DataFrame, dict]:
    from yichun.charts import theme

    if choice["kind"] == "enrolment":
        e = data.enrolment
        e = e[(e["county"] == county) & (e["level"] == choice["level"])]
        frame = e.rename(columns={"enrolment": "value"})
        what = "在园幼儿" if choice["level"] == "幼儿园" else f"{choice['level']}在校生"
        opts = {"label": what, "unit": "人", "standard": None}
    else:
        i = data.indicators
        i = i[(i["county"] == county) & (i["code"] == choice["code"])]
        if choice["kind"] == "cv":
            i = i[i["level"] == choice["level"]]
            frame = i.rename(columns={"cv": "v"}).drop(columns="value").rename(columns={"v": "value"})
            lim = i["limit"].dropna()
            opts = {"label": f"{choice['level']}{theme.short_label(choice['code'])}差异系数", "unit": "", "comparator": "<=",
                    "standard": float(lim.iloc[-1]) if len(lim) else None}
        else:
            frame = i
            std = _catalogue(data)[choice["code"]].threshold()
            opts = {"label": code_name(data, choice["code"]), "unit": "%", "standard": float(std)}
    actual = frame[frame["kind"] == "实际"]
    actual = actual[actual["variant"] == actual["variant"].iloc[0]] if len(actual) else actual
    proj = frame[frame["kind"] != "实际"]
    out = pd.concat([actual.assign(variant="actual"), proj], ignore_index=True)[["year", "variant", "value"]]
    return out.dropna(subset=["value"]), opts


def county_figures(data, county: str) -> dict:
    """One county's charts, keyed by file stem (<县名>_…)."""
    from yichun import charts
    from yichun.counties import normalize_county

    county = normalize_county(county)
    year = data.year
    a = data.assessment
    short = short_name(county)
    figs = {}
    cv = a.cv[(a.cv["county"] == county) & (a.cv["year"] == year)]
    if len(cv):
        figs[f"{county}_差异系数"] = charts.cv_bars(a.cv, county, year)
    worst = worst_indicator(data, county)
    if worst:
        code, level = worst
        figs[f"{county}_学校分布"] = charts.school_distribution(a.school_parts, code, level, year=year, county=county,
                                                            profile=_catalogue(data))
    choice = fan_choice(data, county)
    if choice:
        frame, opts = _fan_frame(data, county, choice)
        if len(frame):
            figs[f"{county}_预测"] = charts.projection_fan(
                frame, standard=opts.get("standard"), scheduled_year=choice["scheduled_year"], label=opts["label"], unit=opts["unit"],
                comparator=opts.get("comparator", ">="), title=f"{short}{opts['label']}：实际与预测")
            fig = figs[f"{county}_预测"]
            if opts["unit"] == "人":
                fig.update_yaxes(tickformat=",")  # 12,000 rather than 12k
            # legend just under the subtitle, clear of the 计划评估 label above the plot
            fig.update_layout(legend={"yref": "container", "y": 1 - 70 / (fig.layout.height or 560), "yanchor": "top"})
    bill = a.bill[(a.bill["county"] == county) & (a.bill["year"] == year)]
    if len(bill) and bill["cost_wan"].notna().any():
        figs[f"{county}_达标投入"] = charts.bill_waterfall(a.bill, county, year, title=f"{short}补齐短板所需投入（按{year}年数据）")
    return figs


# ----------------------------------------------------------------------------- the briefing in parts

def problem_list_name(county: str) -> str:
    """The file name of a county's 问题清单 workbook (next to its briefing)."""
    return f"{county}问题清单.xlsx"


def briefing_name(county: str | None) -> str:
    """The file stem of a briefing: 全市简报 or <县名>简报."""
    return "全市简报" if county is None else f"{county}简报"


class Briefing:
    """The city briefing (county=None) or one county's, as parts of displayable blocks."""

    def __init__(self, data, county: str | None = None, figures: dict | None = None):
        from yichun.counties import normalize_county

        self.data = data
        self.county = None if county is None else normalize_county(county)
        if self.county is not None and self.county not in data.counties:
            from yichun.errors import YichunError

            raise YichunError(f"{data.year} 年的数据中没有{self.county}（有：{_join(data.counties)}）")
        if figures is None:
            figures = city_figures(data) if self.county is None else county_figures(data, self.county)
        self.figures = figures
        self.headlines = city_headlines(data) if self.county is None else county_headlines(data, self.county)

    @property
    def title(self) -> str:
        who = "宜春市" if self.county is None else self.county
        return f"{who}县域义务教育优质均衡发展和学前教育普及普惠工作简报"

    def blocks(self, part: str) -> list:
        if part not in PARTS:
            raise KeyError(f"简报没有「{part}」部分（有：{_join(PARTS)}）")
        method = {"概况": self._overview, "状态": self._status, "差距": self._gaps, "投入与行动": self._actions}[part]
        return method()

    def show(self, part: str) -> None:
        """Display one part in the notebook (Markdown, interactive figures, HTML tables)."""
        from IPython.display import HTML, Markdown, display

        for block in self.blocks(part):
            if isinstance(block, str):
                display(Markdown(block))
            elif isinstance(block, pd.DataFrame):
                display(HTML(html_table(block)))
            else:
                display(block)

    def _fig(self, key: str) -> list:
        return [self.figures[key]] if key in self.figures else []

    # parts ------------------------------------------------------------------------------------------
    def _overview(self) -> list:
        d = self.data
        if self.county is None:
            question = ("各县(市、区)是否已达到县域义务教育优质均衡发展和学前教育普及普惠的认定要求？"
                        f"计划在 {d.year + 1}—{d.year + SOON_YEARS} 年接受国家督导评估认定的县(市、区)能否按期通过？差距在哪里，补齐短板要投入多少？")
        else:
            question = (f"{self.county}能否按计划年份通过县域义务教育优质均衡发展和学前教育普及普惠国家督导评估认定？"
                        "差距在哪些指标、哪些学校，补齐短板要投入多少？")
        head = (f"# {self.title}\n\n**本简报回答的问题**：{question}\n\n"
                f"数据：{d.year} 年统计数据（{d.data_years[0]}—{d.data_years[-1]} 年报表）；"
                f"评估标准：{'国家标准（教督〔2017〕6号、教督〔2020〕1号）' if d.profile == 'national' else d.profile}；生成日期：{d.generated}。")
        return [head, "## 要点", self.headlines.markdown()]

    def _status(self) -> list:
        d = self.data
        if self.county is None:
            table = county_table(d)
            return [
                "## 达标状态与按期达标前景",
                f"按期达标预测把各县(市、区)数据按出生人口推算到 {d.to_year} 年，用同一套评估规则逐年评估：**按期可达**为低、中、高三种方案在计划年份均达标且余量充足；"
                "**有风险**为中方案达标、但其他方案不达标或余量很小；**难以按期**为中方案在计划年份仍不达标；**已过计划年份·达标 / ·未达标**为计划年份已到、"
                "按最新数据判定是否达到要求（预计此后回落的注明回落年份）。",
                *self._fig("全市_状态示意图"),
                *self._fig("全市_评估计划时间轴"),
                "### 各县(市、区)一览",
                table,
                code_legend(d, [c for b in table["制约指标"] for c in codes_in(b)]),
            ]
        c = self.county
        items = unmet_items_table(d, c)
        blocks = ["## 达标状态与按期达标前景", county_status_table(d, c)]
        choice = fan_choice(d, c)
        if f"{c}_预测" in self.figures and choice:
            if choice["kind"] == "enrolment":
                why = "制约指标多为逐校计算的生均指标，在校生（在园幼儿）人数的变化直接影响其能否达标" if choice["status"] not in DUE else "计划年份已到，下图为在校生（在园幼儿）人数的变化"
            else:
                why = "该指标是按期达标的主要制约"
            blocks += [f"### 按期达标预测：{TRACK_SHORT[choice['track']]}",
                       f"{why}。实线为实际值，虚线为中方案预测，阴影为低、高方案之间的区间。", self.figures[f"{c}_预测"]]
        if len(items):
            blocks += [f"### 未达标的指标（{d.year} 年数据）", items]
        else:
            blocks += [f"{d.year} 年数据中两类评估的指标均已达标。"]
        return blocks

    def _gaps(self) -> list:
        d = self.data
        if self.county is None:
            return [
                "## 差距在哪里",
                f"资源配置指标按「{school_rule_text(d)}」逐校考核，热力图中 R1—R7 为达到标准的学校(学段)占比；"
                "差异系数按在校生加权计算，小学、初中各项分别与限值比较。",
                *self._fig("全市_指标热力图"),
                *self._fig("全市_学前教育三项指标"),
            ]
        c = self.county
        table = schools_table(d, c)
        blocks = ["## 差距在哪里", "### 资源配置校际差异系数", *self._fig(f"{c}_差异系数")]
        worst = worst_indicator(d, c)
        if worst:
            code, level = worst
            sh = school_shares(d, c)
            short = sh[(sh["indicator"] == code) & (sh["level"] == level)]
            short = int((short["n"] - short["met"]).sum())
            what = "达标学校最少的指标" if short else "各校均达标，余量最小的指标"
            blocks += [f"### {what}：{level}{code}「{code_name(d, code)}」", *self._fig(f"{c}_学校分布")]
        n = n_schools_with_gaps(d, c)
        if len(table):
            blocks += [f"### 拖后腿的学校（一校一策）：{n} 所学校(幼儿园)有须补齐的缺口，按未达标指标数和费用列出前 {min(n, TOP_SCHOOLS)} 所", table]
        else:
            blocks += ["### 拖后腿的学校（一校一策）", "没有须补齐缺口的学校(幼儿园)。"]
        return blocks

    def _actions(self) -> list:
        d = self.data
        if self.county is None:
            h = self.headlines.numbers
            table = due_soon_table(d)
            blocks = ["## 投入与行动", f"### {h['soon_years'][0]}—{h['soon_years'][1]} 年计划接受评估认定的县(市、区)"]
            blocks += [table] if len(table) else ["近两年没有计划接受评估认定的县(市、区)。"]
            blocks.append(
                "补短板投入按单位造价估算（教师按一年人员经费，校舍和运动场按建安造价）；各县(市、区)的问题清单（Excel）与简报放在同一文件夹，"
                "据此逐项落实一校(园)一策。")
            return blocks
        c = self.county
        name = problem_list_name(c)
        blocks = ["## 投入与行动"]
        if f"{c}_达标投入" in self.figures:
            blocks += ["### 补齐短板所需投入", self.figures[f"{c}_达标投入"]]
        else:
            blocks += ["### 补齐短板所需投入", f"按 {d.year} 年数据没有需要计价的缺口。"]
        blocks.append(f"### 问题清单\n\n{c}的问题清单逐项列出未达标指标、学校明细、缺口数量和估算费用，供制定一校(园)一策："
                      f"[{name}]({name})（与本简报在同一文件夹）。")
        return blocks
