"""Which charts a briefing shows and the frames behind them (the same figures go to the page, the PDF, Word and the slides)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from yichun.briefing.content import (
    AT_RISK,
    BEYOND,
    COMPULSORY,
    LATE,
    ON_TRACK,
    P_CODES,
    PRESCHOOL,
    R_CODES,
    SOON_YEARS,
    TRACK_SHORT,
    _catalogue,
    _int_or_none,
    _status,
    code_name,
    codes_in,
    is_past,
    short_name,
    worst_indicator,
)

# ----------------------------------------------------------------------------- figures

CORE_CODES = {COMPULSORY: (*R_CODES, "CV"), PRESCHOOL: P_CODES}  # always shown; other items only where a county falls short


def _tick(code: str) -> str:
    """'R5<br>体育<br>场馆': the code over its short name, at most three characters a line (narrow columns)."""
    from yichun.charts import theme

    name = theme.short_label(code).partition(" ")[2]
    if not name:
        return code
    chunks = [name[i:i + 3] for i in range(0, min(len(name), 9), 3)]
    return "<br>".join([code, *chunks])


def heatmap_frame(data, track: str) -> pd.DataFrame:
    """county | code | label | status | hover for one track's 达标情况 chart (`charts.status_heatmap`).

    One meaning per cell, from the assessment's own verdicts (items of the briefing year):
    未达标 = the item is not met; 缺数据 = its verdict is missing (never a pass); 偏紧 = met, but
    an A-class item within the outlook's `thin_margin` of its standard (for R1–R7: the weakest
    counted school part; for CV: the highest 差异系数 against its limit); 达标 otherwise.
    Columns: R1–R7 and CV (compulsory) or P1–P3 (preschool), then every other item that some
    county does not meet or meets thinly, in catalogue order; `frame.attrs["hidden"]` counts
    the items every county meets with room to spare.
    """
    from yichun.charts import assessment as ca
    from yichun.charts import format as fmt

    it = data.assessment.items
    it = it[(it["year"] == data.year) & (it["track"] == track)]
    thin = _thin_margin()
    marg = _margins(data)
    marg = marg[(marg["track"] == track)].set_index(["county", "code"])
    margin, where_of = marg["margin"].to_dict(), marg["label"].to_dict()
    rows = []
    for r in it.to_dict("records"):
        met = r["met"]
        key = (r["county"], r["code"])
        m = float(margin.get(key, float("nan")))
        if met is None or pd.isna(met):
            status = ca.CELL_MISSING
        elif not bool(met):
            status = ca.CELL_UNMET
        elif r["klass"] == "A" and m == m and m < thin:
            status = ca.CELL_THIN
        else:
            status = ca.CELL_MET
        hover = f"{r['county']} · {r['code']} {r['name']}<br><b>{status}</b>"
        if r.get("standard"):
            hover += f"（标准：{r['standard']}）"
        if r.get("detail"):
            hover += f"<br>{r['detail']}"
        if m == m and status in (ca.CELL_THIN, ca.CELL_MET) and r["klass"] == "A":
            where = str(where_of.get(key, ""))
            hover += f"<br>余量 {fmt.pct(m, 1, floor=True)}" + (f"（{where}）" if where and where != r["code"] else "")
        rows.append({"county": r["county"], "code": r["code"], "status": status, "hover": hover, "klass": r["klass"]})
    frame = pd.DataFrame(rows, columns=["county", "code", "status", "hover", "klass"])
    core = [c for c in CORE_CODES.get(track, ()) if c in set(frame["code"])]
    flagged = set(frame.loc[frame["status"] != ca.CELL_MET, "code"])
    order = list(dict.fromkeys(it["code"]))
    keep = core + [c for c in order if c in flagged and c not in core]
    out = frame[frame["code"].isin(keep)].copy()
    out["code"] = pd.Categorical(out["code"], categories=keep, ordered=True)
    out = out.sort_values("code").assign(code=lambda f: f["code"].astype(str))
    out["label"] = out["code"].map(_tick)
    out = out.reset_index(drop=True)
    out.attrs["hidden"] = len([c for c in order if c not in keep])
    return out


def _thin_margin() -> float:
    from yichun.projection.params import parameters

    return float(parameters()["thin_margin"])


def _margins(data) -> pd.DataFrame:
    """The outlook's margins of the briefing year's A-class items (computed once per data)."""
    from yichun.briefing.content import _memo
    from yichun.projection.outlook import margins

    memo = _memo(data, "margins")
    if None not in memo:
        m = margins(data.assessment, _catalogue(data))
        memo[None] = m[m["year"] == data.year]
    return memo[None]


def heatmap_finding(data, frame: pd.DataFrame, track: str) -> str:
    """The chart title: the item most counties miss, or that every county meets it."""
    from yichun.charts import assessment as ca
    from yichun.charts import theme

    bad = frame[frame["status"].isin([ca.CELL_UNMET, ca.CELL_MISSING])]
    n_counties = frame["county"].nunique()
    what = TRACK_SHORT[track]
    if bad.empty:
        thin = frame[frame["status"] == ca.CELL_THIN]
        tail = f"，{thin['county'].nunique()} 个县(市、区)有指标余量偏紧" if len(thin) else ""
        return f"{data.year}年{what}：{n_counties} 个县(市、区)各项指标均达标{tail}"
    per = bad.groupby("code", sort=False)["county"].nunique().sort_values(ascending=False, kind="stable")
    code, k = per.index[0], int(per.iloc[0])
    counties = bad["county"].nunique()
    return f"{data.year}年{what}：{counties} 个县(市、区)有指标未达标，{theme.short_label(code)}未达标的县最多（{k} 个）"


def _heatmap(data, track: str):
    from yichun import charts

    frame = heatmap_frame(data, track)
    if frame.empty:
        return None
    hidden = frame.attrs.get("hidden", 0)
    core = "R1—R7 与差异系数" if track == COMPULSORY else "P1—P3"
    sub = (f"每格一个结论：○达标 · △偏紧（A类指标达标但余量不足 {_thin_margin():.0%}） · ×未达标 · 缺＝缺数据（按未达标对待）；"
           f"<br>列出{core}及有县未达标或偏紧的指标" + (f"，其余 {hidden} 项各县均达标" if hidden else ""))
    return charts.status_heatmap(frame, title=heatmap_finding(data, frame, track), subtitle=sub)


def city_figures(data) -> dict:
    """The city briefing's charts, keyed by file stem (全市_…); every title states the finding."""
    import datetime as _dt

    from yichun import charts

    year = data.year
    st = data.status
    figs = {}
    figs["全市_状态示意图"] = charts.tile_map(st[["county", "track", "status"]], title=tile_finding(data))
    figs["全市_评估计划时间轴"] = charts.schedule_timeline(
        data.schedule, status=st, today=max(_dt.date.today().year, year + 1), title=schedule_finding(data))
    for track, key in ((COMPULSORY, "全市_义务教育指标"), (PRESCHOOL, "全市_学前教育指标")):
        fig = _heatmap(data, track)
        if fig is not None:
            figs[key] = fig
    figs["全市_学前教育三项指标"] = charts.preschool_bars(data.assessment.preschool, year)
    return figs


def tile_finding(data) -> str:
    """'3项评估有风险或难以按期，5项已过计划年份' — the tile map's title."""
    st = data.status
    risky = st[st["status"].isin([AT_RISK, LATE])]
    past = st[st["status"].map(is_past)]
    ok = st[st["status"] == ON_TRACK]
    parts = []
    if len(risky):
        parts.append(f"{risky['county'].nunique()} 个县(市、区)有 {len(risky)} 项评估有风险或难以按期")
    else:
        parts.append("各县(市、区)均按期可达或已过计划年份")
    parts.append(f"{len(ok)} 项按期可达，{len(past)} 项计划年份已到")
    return "，".join(parts)


def schedule_finding(data) -> str:
    """'2026—2027年计划评估的5项中2项有风险或难以按期' — the timeline's title."""
    st = data.status
    y0, y1 = data.year + 1, data.year + SOON_YEARS
    soon = st[(st["scheduled_year"] >= y0) & (st["scheduled_year"] <= y1)]
    bad = int(soon["status"].isin([AT_RISK, LATE]).sum())
    if soon.empty:
        return f"{y0}—{y1}年没有计划接受评估认定的县(市、区)"
    if bad:
        return f"{y0}—{y1}年计划评估的 {len(soon)} 项中 {bad} 项有风险或难以按期"
    return f"{y0}—{y1}年计划评估的 {len(soon)} 项均按期可达"


def fan_choice(data, county: str) -> dict | None:
    """Which series the county's fan chart shows: the binding indicator of its next assessment, else enrolment."""
    st = _status(data, county)
    if st.empty:
        return None
    ahead = st[~st["status"].map(is_past) & (st["status"] != BEYOND)].sort_values("scheduled_year")
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

    opts: dict[str, Any]
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


def _fan_finding(frame: pd.DataFrame, choice: dict, opts: dict) -> str:
    """'中方案预计2028年为 83.2%，低于标准 85%' — the fan chart's title, from the central variant in the scheduled year."""
    from yichun.charts import format as fmt

    central = frame[frame["variant"] == "central"]
    sy = choice.get("scheduled_year")
    if sy not in set(central["year"]):  # the scheduled year has passed: the end of the outlook
        sy = int(central["year"].max()) if len(central) else None
    cen = central[central["year"] == sy]
    if cen.empty:
        return "实际与预测"
    v = float(cen["value"].iloc[0])
    unit, std = opts.get("unit", ""), opts.get("standard")
    if unit == "人":
        return f"中方案预计{sy}年为 {fmt.wan(v)}人"
    if std is None:
        return f"中方案预计{sy}年为 {fmt.value(v, unit)}"
    lower_better = opts.get("comparator", ">=") in ("<=", "<")
    ok = v <= std if lower_better else v >= std
    shown = fmt.value(v, unit, floor=not ok and not lower_better) if unit == "%" else (fmt.ratio(v, 3) if not unit else fmt.value(v, unit))
    limit = "限值" if lower_better else "标准"
    verdict = ("不超过" if lower_better else "达到") if ok else ("超过" if lower_better else "低于")
    return f"中方案预计{sy}年为 {shown}，{verdict}{limit} {fmt.value(std, unit) if unit else fmt.ratio(std, 2)}"


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
                comparator=opts.get("comparator", ">="), title=f"{short}{opts['label']}：{_fan_finding(frame, choice, opts)}")
            fig = figs[f"{county}_预测"]
            if opts["unit"] == "人":
                fig.update_yaxes(tickformat=",")  # 12,000 rather than 12k
            # legend just under the subtitle, clear of the 计划评估 label above the plot
            fig.update_layout(legend={"yref": "container", "y": 1 - 70 / (fig.layout.height or 560), "yanchor": "top"})
    bill = a.bill[(a.bill["county"] == county) & (a.bill["year"] == year)]
    if len(bill) and bill["cost_wan"].notna().any():
        figs[f"{county}_达标投入"] = charts.bill_waterfall(a.bill, county, year, title=f"{short}补齐短板所需投入（按{year}年数据）")
    return figs


def save_figures(figs: dict, folder, scope_name: str) -> Path:
    """Each figure as <folder>/<scope_name>/<key>.json (plotly's JSON), for `load_figures`.

    `yichun brief` builds the charts once, in the notebook run that shows them; the static
    export (PNG for the PDF-free documents: Word and slides) reads them back from here."""
    from yichun.atomic import write_text

    out = Path(folder) / scope_name
    out.mkdir(parents=True, exist_ok=True)
    for key, fig in figs.items():
        write_text(out / f"{key}.json", fig.to_json(validate=False))
    write_text(out / "index.json", json.dumps(list(figs), ensure_ascii=False))  # written last: the set is complete
    return out


def load_figures(folder, scope_name: str) -> dict:
    """{key: figure dict} saved by `save_figures` ({} when the run saved none)."""
    out = Path(folder) / scope_name
    index = out / "index.json"
    if not index.exists():
        return {}
    keys = json.loads(index.read_text(encoding="utf-8"))
    return {k: json.loads((out / f"{k}.json").read_text(encoding="utf-8")) for k in keys}
