"""The briefing's tables: Chinese headers, numbers already formatted as text (HTML, Word and slides show the same frames)."""

from __future__ import annotations

import pandas as pd

from yichun.briefing.content import (
    SOON_YEARS,
    TOP_SCHOOLS,
    TRACK_NAMES,
    TRACK_SHORT,
    TRACKS,
    _int_or_none,
    _join,
    _status,
    _status_text,
    _year_text,
    bill_by_county_track,
    codes_in,
    county_headlines,
    indicator_label,
    labels_text,
)
from yichun.charts import format as fmt

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
    needs: dict[tuple, list[str]] = {}
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
    """Schools and kindergartens with a gap in the bill (yichun.assessment.counts)."""
    from yichun.briefing.content import unit_counts

    n = unit_counts(data, county)
    return n.schools_with_gaps + n.kindergartens_with_gaps


def code_legend(data, codes) -> str:
    """A small-print line naming every indicator code used in a table (short labels)."""
    from html import escape

    from yichun.catalogue import catalogue

    order = {ind.code: i for i, ind in enumerate(catalogue(data.profile))}
    codes = sorted({c for c in codes if c}, key=lambda c: order.get(c, order.get("R7", 0) + 0.5 if c == "CV" else len(order)))
    if not codes:
        return ""
    return f'<p class="legend">指标代码：{escape("；".join(indicator_label(data, c) for c in codes))}。</p>'


def html_table(frame: pd.DataFrame) -> str:
    """A frame as an HTML table (Chinese headers, values already formatted as text)."""
    return frame.to_html(index=False, escape=True, border=0, classes="yichun-table", na_rep="—")
