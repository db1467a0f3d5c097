"""Tables for notebooks: readable frames with Chinese column labels, in one place.

    from yichun import views
    views.readiness_table(a)                      # per county: A met, B good, ready, bill
    views.schools_holding_back(a, "丰城市")        # the schools below the 6-of-7 rule, costliest first

The assessment tables take an `Assessment` (and a year / track / county) and return a small
frame that a notebook prints or a chart draws; no number is computed here that `assess` did not
compute. The intake, outlook and plan tables are those of the stages that own the numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.assessment.core import COMPULSORY, PRESCHOOL
from yichun.intake.report import counts_table
from yichun.intake.summary import completeness_table, counts_by_year, problem_summary, problems_view
from yichun.projection.outlook import DISPLAY as STATUS_DISPLAY
from yichun.projection.outlook import STATUS_COLUMNS, STATUS_DUE
from yichun.projection.resources import planned_summary
from yichun.scenarios.comparison import comparison_table
from yichun.scenarios.planner import plan_lines_table, policy_table

__all__ = ["STATUS_COLUMNS", "STATUS_DISPLAY", "STATUS_DUE", "bill_by_county", "comparison_table", "completeness_table",
           "counts_by_year", "counts_table", "cv_over_limit", "failing_schools_by_county", "items_table", "kindergartens_holding_back",
           "plan_lines_table", "planned_summary", "policy_table", "preschool_table", "problem_summary", "problems_view", "quantities",
           "readiness_table", "schools_holding_back"]


def _year(a, year: int | None) -> int:
    return int(year) if year is not None else max(a.years())


def _scheduled(track: str) -> dict[str, int]:
    from yichun.schedule import COMPULSORY as S_COMP
    from yichun.schedule import schedule

    plan = schedule()
    name = S_COMP if track == COMPULSORY else [t for t in plan["track"].unique() if t != S_COMP][0]
    sub = plan[plan["track"] == name]
    return dict(zip(sub["county"], sub["year"]))


def readiness_table(a, track: str = COMPULSORY, year: int | None = None) -> pd.DataFrame:
    """Per county: A-class met, B-class good, veto, ready, unmet codes, the scheduled year and the bill."""
    year = _year(a, year)
    r = a.readiness[(a.readiness["track"] == track) & (a.readiness["year"] == year)]
    plan = _scheduled(track)
    bill = a.bill[(a.bill["year"] == year) & (a.bill["track"] == track)].groupby("county")["cost_wan"].sum()
    out = pd.DataFrame({
        "县(市、区)": r["county"].to_numpy(),
        "计划申报年份": [plan.get(c) for c in r["county"]],
        "A类达标": [f"{m}/{t}" for m, t in zip(r["a_met"], r["a_total"])],
        "B类良及以上": [f"{m}/{t}" for m, t in zip(r["b_good"], r["b_total"])],
        "一票否决": np.where(r["veto"], "有", "无"),
        "具备申报条件": np.where(r["ready"], "具备", "不具备"),
        "未达标指标": r["unmet"].to_numpy(),
        "补短板费用(万元)": [round(float(bill.get(c, 0.0)), 1) for c in r["county"]],
    })
    return out.sort_values(["计划申报年份", "县(市、区)"]).reset_index(drop=True)


def failing_schools_by_county(a, year: int | None = None) -> pd.DataFrame:
    """Per county and level: counted school parts, how many fail the school rule, and the share."""
    year = _year(a, year)
    p = a.school_parts[(a.school_parts["year"] == year) & a.school_parts["counted"]]
    g = p.groupby(["county", "level"], sort=False).agg(计入学校数=("passed", "size"), 不达标学校数=("passed", lambda s: int(s.eq(False).sum())),
                                                       缺数据学校数=("passed", lambda s: int(s.isna().sum())))
    g["不达标比例"] = (g["不达标学校数"] / g["计入学校数"]).round(3)
    g = g.reset_index().rename(columns={"county": "县(市、区)", "level": "学段"})
    return g.sort_values(["县(市、区)", "学段"], key=lambda s: s.map({"小学": 0, "初中": 1}) if s.name == "学段" else s).reset_index(drop=True)


def schools_holding_back(a, county: str, year: int | None = None, top: int | None = 15) -> pd.DataFrame:
    """The school parts that fail the school rule (or cannot be judged: 缺数据) in one county, costliest to fix first."""
    from yichun.counties import normalize_county

    county, year = normalize_county(county), _year(a, year)
    p = a.school_parts[(a.school_parts["county"] == county) & (a.school_parts["year"] == year) & a.school_parts["counted"]
                       & ~a.school_parts["passed"].fillna(False)]
    g = a.gaps[(a.gaps["county"] == county) & (a.gaps["year"] == year) & a.gaps["in_bill"] & (a.gaps["basis"] == "学校达标")]
    cost = g.groupby(["school_id", "level"])["cost_wan"].sum()
    out = pd.DataFrame({
        "学校": p["school_name"].to_numpy(), "学段": p["level"].to_numpy(), "在校生": p["students"].to_numpy(),
        "达标项数": p["n_met"].to_numpy(), "未达标指标": p["unmet"].to_numpy(), "原因": p["fail_reason"].to_numpy(),
        "补齐费用(万元)": [round(float(cost.get((s, lv), 0.0)), 1) for s, lv in zip(p["school_id"], p["level"])],
    })
    out = out.sort_values(["补齐费用(万元)", "达标项数"], ascending=[False, True]).reset_index(drop=True)
    return out.head(top) if top else out


def cv_over_limit(a, year: int | None = None) -> pd.DataFrame:
    """Every 差异系数 above its limit, with the school that contributes most to it."""
    year = _year(a, year)
    cv = a.cv[(a.cv["year"] == year) & (a.cv["met"].fillna(True) == False)]  # noqa: E712 — nullable boolean
    d = a.cv_drivers[(a.cv_drivers["year"] == year) & (a.cv_drivers["rank"] == 1)]
    top = {(r.county, r.level, r.indicator): (r.school_name, r.variance_share) for r in d.itertuples()}
    return pd.DataFrame({
        "县(市、区)": cv["county"].to_numpy(), "学段": cv["level"].to_numpy(), "指标": cv["indicator"].to_numpy(),
        "差异系数": cv["cv"].round(3).to_numpy(), "上限": cv["limit"].to_numpy(),
        "贡献最大的学校": [top.get(k, ("", np.nan))[0] for k in zip(cv["county"], cv["level"], cv["indicator"])],
        "占方差比例": [round(float(top.get(k, ("", np.nan))[1]), 3) for k in zip(cv["county"], cv["level"], cv["indicator"])],
    })


def bill_by_county(a, track: str = COMPULSORY, year: int | None = None) -> pd.DataFrame:
    """County × cost category (万元, priced categories), with a 合计 column, largest bill first."""
    year = _year(a, year)
    b = a.bill[(a.bill["year"] == year) & (a.bill["track"] == track) & a.bill["priced"]]
    if b.empty:
        return pd.DataFrame({"县(市、区)": [], "合计": []})
    t = b.pivot_table(index="county", columns="category", values="cost_wan", aggfunc="sum", fill_value=0.0)
    order = [c for c in dict.fromkeys(b["category"]) if c in t.columns]
    t = t[order]
    t["合计"] = t.sum(axis=1)
    t = t.sort_values("合计", ascending=False).round(1)
    t.index.name = "县(市、区)"
    t.columns.name = None
    return t.reset_index()


def quantities(a, county: str, track: str = COMPULSORY, year: int | None = None) -> pd.DataFrame:
    """One county's bill as physical quantities and money (priced and counted-only items)."""
    from yichun.counties import normalize_county

    county, year = normalize_county(county), _year(a, year)
    b = a.bill[(a.bill["county"] == county) & (a.bill["year"] == year) & (a.bill["track"] == track)]
    return pd.DataFrame({"项目": b["category"].to_numpy(), "数量": b["quantity"].round(2).to_numpy(), "单位": b["unit"].to_numpy(),
                         "费用(万元)": b["cost_wan"].round(1).to_numpy()})


def preschool_table(a, year: int | None = None) -> pd.DataFrame:
    """P1–P3 per county as percentages, with the standard and whether it is met."""
    year = _year(a, year)
    p = a.preschool[a.preschool["year"] == year]
    out = p.pivot_table(index="county", columns="indicator", values="value", aggfunc="first")
    out = (out * 100).round(1)
    std = p.drop_duplicates("indicator").set_index("indicator")["standard"]
    out.columns = [f"{c} {p[p['indicator'] == c]['name'].iloc[0]}(%)（标准{std[c] * 100:.0f}%）" for c in out.columns]
    out.index.name = "县(市、区)"
    return out.reset_index()


def kindergartens_holding_back(a, county: str, year: int | None = None, top: int | None = 15) -> pd.DataFrame:
    """The kindergartens with gaps in one county (areas, teachers, certificates, oversize classes)."""
    from yichun.counties import normalize_county

    county, year = normalize_county(county), _year(a, year)
    g = a.gaps[(a.gaps["county"] == county) & (a.gaps["year"] == year) & (a.gaps["track"] == PRESCHOOL) & (a.gaps["school_id"] != "")]
    if g.empty:
        return pd.DataFrame({"幼儿园": [], "缺口": [], "费用(万元)": []})
    text = g["item"] + " " + g["shortfall"].map(lambda v: f"{v:g}") + g["unit"]
    out = pd.DataFrame({"幼儿园": g["school_name"], "缺口": text, "费用(万元)": g["cost_wan"].fillna(0.0)})
    out = out.groupby("幼儿园", sort=False).agg(缺口=("缺口", "；".join), **{"费用(万元)": ("费用(万元)", "sum")}).reset_index()
    out["费用(万元)"] = out["费用(万元)"].round(1)
    out = out.sort_values("费用(万元)", ascending=False).reset_index(drop=True)
    return out.head(top) if top else out


def items_table(a, county: str, track: str = COMPULSORY, year: int | None = None) -> pd.DataFrame:
    """Every indicator of one county, track and year: code, class, name, standard, status, detail."""
    from yichun.counties import normalize_county

    county, year = normalize_county(county), _year(a, year)
    it = a.items[(a.items["county"] == county) & (a.items["year"] == year) & (a.items["track"] == track)]
    status = ["缺数据" if m is pd.NA else ("达标" if m else "未达标") for m in it["met"]]
    return pd.DataFrame({"代码": it["code"].to_numpy(), "类别": it["klass"].to_numpy(), "指标": it["name"].to_numpy(),
                         "标准": it["standard"].to_numpy(), "达标情况": status, "说明": it["detail"].to_numpy()})
