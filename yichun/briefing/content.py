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
from typing import Any

import numpy as np
import pandas as pd

from yichun.charts import format as fmt
from yichun.projection.reasons import AT_RISK, BEYOND, DUE, LATE, ON_TRACK  # noqa: F401 — status names (projection.yaml), BEYOND re-exported for figures
from yichun.region import active_region

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


PAST_PREFIX = "已过计划年份"  # 已过计划年份·达标 / 已过计划年份·未达标 (the outlook's second edition)
RISKY = (AT_RISK, LATE)


def is_past(status) -> bool:
    """The scheduled year has come: 已到期, or 已过计划年份·达标 / ·未达标."""
    text = str(status or "")
    return text in DUE or text.startswith(PAST_PREFIX)


def past_failed(row) -> bool:
    """A county whose scheduled year has come and that does not meet the standards on the latest data."""
    status = str(row.get("status", "") or "")
    if status.startswith(PAST_PREFIX):
        return status.endswith("未达标")
    return status == DUE and str(row.get("scheduled_result", "") or "") not in ("", "通过")


def needs_attention(row, year: int) -> bool:
    """Due soon (the next SOON_YEARS years), at risk or late, past its year and failing, or lapsing later."""
    sy = _int_or_none(row.get("scheduled_year"))
    if str(row.get("status")) in RISKY or past_failed(row):
        return True
    lapse = _int_or_none(row.get("lapse_year", row.get("lapse_central")))
    return (sy is not None and year < sy <= year + SOON_YEARS) or lapse is not None


def reason_text(data, row) -> str:
    """Why a county has its outlook status: the outlook's `reason_text` when it has one, else built from binding/unmet."""
    text = row.get("reason_text")
    if text is not None and not (isinstance(text, float) and np.isnan(text)) and text is not pd.NA and str(text).strip():
        return str(text).strip().rstrip("。")
    status = str(row.get("status", "") or "")
    sy = _int_or_none(row.get("scheduled_year"))
    binding = str(row.get("binding", "") or "")
    codes = codes_in(binding) or codes_in(row.get("unmet"))
    names = labels_text(data, codes[:4]) + (f"等 {len(codes)} 项" if len(codes) > 4 else "")
    lapse = _int_or_none(row.get("lapse_year", row.get("lapse_central")))
    if status == LATE:
        return f"中方案预测 {sy} 年仍有 {len(codes)} 项指标不达标：{names}" if codes else f"中方案预测 {sy} 年仍不达标"
    if status == AT_RISK:
        return f"中方案预测 {sy} 年可达标，但余量很小或低、高方案中有不达标：{binding}" if binding else "余量很小或有方案不达标"
    if past_failed(row):
        return f"计划年份已到，按最新数据仍未达标：{names}" if codes else "计划年份已到，按最新数据仍未达标"
    if is_past(status):
        text = "计划年份已到，按最新数据达标"
        return text + (f"；中方案预测 {lapse} 年起可能不再达标（{binding}）" if lapse else (f"，余量最小的是 {binding}" if binding else ""))
    if status == ON_TRACK:
        return f"三种方案在 {sy} 年均达标，余量最小的是 {binding}" if binding else f"三种方案在 {sy} 年均达标"
    return status


def _join(items, sep="、") -> str:
    return sep.join(str(i) for i in items)


def school_rule_text(data) -> str:
    """The school rule in words, from the catalogue: 每所学校至少 6 项达标、余项不低于标准的 85%."""
    rule = _catalogue(data).rules["school_rule"]
    return f"每所学校至少 {int(rule['min_met'])} 项达标、其余不低于标准的 {fmt.pct(rule['remainder_ratio'], 0)}"


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


def unit_counts(data, county: str | None = None):
    """The counts of the county (None: the city) in the briefing year: the one source of every school,
    school-part and kindergarten count the page, Word, slides and workbooks show (yichun.assessment.counts)."""
    from yichun.assessment.counts import counts

    memo = _memo(data, "counts")
    if county not in memo:
        memo[county] = counts(data.assessment, county, data.year)
    return memo[county]


def scope_text(data, county: str | None = None) -> str:
    """'统计范围：计入县域计算的义务教育学校 80 所（…）；幼儿园 60 所（…）。' — the counts a briefing opens with."""
    n = unit_counts(data, county)
    return f"统计范围：{n.schools_text()}，{n.parts_text()}；{n.kindergartens_text()}。"


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
        "worst": [(str(r["code"]), code_name(data, str(r["code"])), int(r["counties"])) for r in worst_a.to_dict("records")],
        "status_counts": {t: {k: int(v) for k, v in st[st["track"] == t]["status"].value_counts().items()} for t in TRACKS},
    }
    s = []
    s.append(
        f"**按 {year} 年统计数据，{active_region().whole} {len(counties)} 个县(市、区)中，已达到{TRACK_NAMES[COMPULSORY]}认定要求"
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
        o: Any = st.loc[t] if t in st.index else None
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
        if info["status"] == DUE:
            text += f"。计划年份已在数据范围内，当年结果：{o['scheduled_result'] or '无数据'}"
        elif is_past(info["status"]):
            text += f"。计划年份已到：**{info['status']}**（{reason_text(data, o.to_dict())}）"
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
    n = unit_counts(data, county)
    worst = worst_indicator(data, county)
    numbers = {"county": county, "year": year, "tracks": tracks, "bill_total_wan": bill, "unpriced": unpriced,
               "schools_counted": n.counted, "schools_failing_rule": n.failing, "schools_undecided": n.undecided,
               "counts": n, "worst_indicator": worst}
    if bill > 0 or unpriced:
        text = f"**补齐短板估算需投入 {fmt.money_wan(bill)}**" if bill > 0 else "**补齐短板的缺口均未能估价**"
        text += "（" + "，".join(f"{TRACK_SHORT[t]} {_money_text(data, county, t)}" for t in TRACKS) + "）"
        if unpriced:
            text += f"，未能估价的缺口：{_join(unpriced)}"
        text += "。"
    else:
        text = f"**按 {year} 年数据两类评估均无须补短板投入**。"
    text += f"{n.schools_text()}，其中 {n.failing_text(f'不符合资源配置「{school_rule_text(data)}」的要求')}"
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


# ----------------------------------------------------------------------------- moved parts

_MOVED = {
    "tables": ("county_table", "due_soon_table", "county_status_table", "unmet_items_table", "schools_table", "n_schools_with_gaps",
               "code_legend", "html_table"),
    "figures": ("heatmap_frame", "city_figures", "county_figures", "fan_choice"),
    "page": ("Briefing", "problem_list_name", "briefing_name"),
}


def __getattr__(name: str):
    """Tables, figures and the page live in their own modules; `content.X` still finds them."""
    import importlib

    for module, names in _MOVED.items():
        if name in names:
            return getattr(importlib.import_module(f"yichun.briefing.{module}"), name)
    raise AttributeError(f"module 'yichun.briefing.content' has no attribute {name!r}")
