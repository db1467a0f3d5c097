"""The rows of the 问题清单: one self-contained row per problem of one county and year.

A problem is one gap row of the assessment (`Assessment.gaps`: a school part, kindergarten or
the county that falls short on one indicator, in one item). `problem_rows` gives each a stable
`problem_id` (see `problem_id`), the facts the assessment found, the cost with its kind
(一次性投入 / 每年经费, from the unit cost's `cost_kind`), whether the county's 建设计划 already
covers the gap, and the outlook's verdict for the county and track; the county's fill-in
columns start empty (进度 未启动).

Costs: only the rows the bill sums (`in_bill`) carry a cost, so the column adds up to the
bill; the others say why in 说明 (shared facility already counted, school still meets the
rule, a county-level minimum counted instead).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from yichun.assessment.costs import UnitCosts, cost_kind
from yichun.errors import YichunError
from yichun.ledger.config import config

NOT_PROJECTED = "未预测"
MISSING_BASIS = "缺数据"


def problem_id(unit: str, indicator: str, level: str, cost_key: str, basis: str) -> str:
    """<unit>-<indicator>-<hex>: the same school (kindergarten, county), indicator, level, item and
    basis give the same id in every year, whatever the order of the rows."""
    digest = hashlib.sha1(f"{level}|{cost_key}|{basis}".encode()).hexdigest()[: config().id_digits].upper()
    return f"{unit}-{indicator}-{digest}"


def county_code(county: str) -> str:
    from yichun.counties import counties

    for c in counties():
        if c.name == county:
            return c.code
    return county


def ledger_cost_kind(costs: UnitCosts, key: str) -> str:
    """The ledger's 费用类别: 一次性投入 / 每年经费 (assessment.costs), or 不计价 for an item without a unit price."""
    if (costs.get(key) or {}).get("price_yuan") is None:
        return config().unpriced_kind
    return cost_kind(costs, key)


def outlook_status(outlook) -> dict[tuple[str, str], str]:
    """(county, track) → status, from an `Outlook`, its status frame, or None."""
    if outlook is None:
        return {}
    frame = outlook if isinstance(outlook, pd.DataFrame) else outlook.status
    from yichun.projection.tracks import assess_track

    return {(c, assess_track(t)): s for c, t, s in zip(frame["county"], frame["track"], frame["status"])}


def planned_quantities(plans: pd.DataFrame | None, county: str, year: int) -> pd.Series:
    """(unit id, field) → quantity planned after `year` in the county's latest 建设计划 up to `year`."""
    empty = pd.Series(dtype=float)
    if plans is None or plans.empty:
        return empty
    p = plans[plans["county"] == county]
    if "year" in p:
        p = p[p["year"] <= year]
        p = p[p["year"] == p["year"].max()]
    p = p[p["plan_year"].notna() & (p["plan_year"].astype(float) > year) & p["quantity"].notna()]
    if p.empty:
        return empty
    return p.groupby([p["school_id"].astype(str), p["item"].astype(str)])["quantity"].sum()


def _plan_field(cost_key: str, level: str) -> str | None:
    cfg = config()
    field = cfg.plan_fields.get(cost_key)
    if field and "{level}" in field:
        suffix = cfg.level_suffix.get(level)
        return field.format(level=suffix) if suffix else None
    return field


def problem_rows(assessment, county: str, year: int, *, plans: pd.DataFrame | None = None, outlook=None) -> pd.DataFrame:
    """The ledger rows (English field names of ledger.yaml, plus track, in_bill, cost_key, basis, item)."""
    cfg = config()
    a = assessment
    g = a.gaps
    g = g[(g["county"] == county) & (g["year"] == year)].reset_index(drop=True)
    code = county_code(county)
    cat = a.catalogue
    verdicts = outlook_status(outlook)
    planned = planned_quantities(plans, county, year)
    rows = []
    for r in g.itertuples(index=False):
        unit_id = r.school_id or code
        name = cat[r.indicator].name.split("；")[0] if cat is not None and r.indicator in cat.indicators else ""
        plan_qty, field = 0.0, _plan_field(r.cost_key, r.level)
        if field is not None and len(planned):
            plan_qty = float(planned.get((r.school_id, field), 0.0))
        planned_text = "是" if plan_qty > 0 and plan_qty >= r.shortfall - 1e-9 else ("部分" if plan_qty > 0 else "否")
        notes = [r.basis] + ([r.note] if r.note else [])
        if not r.in_bill and "计入测算" not in r.note and "已由" not in r.note:
            notes.append("不计入测算" + ("（该校仍符合学校达标要求）" if not r.required else ""))
        if plan_qty > 0:
            notes.append(f"建设计划安排新增 {plan_qty:g} {r.unit}")
        cost = float(r.cost_wan) if r.in_bill and pd.notna(r.cost_wan) else np.nan
        rows.append({
            "problem_id": problem_id(unit_id, r.indicator, r.level, r.cost_key, r.basis), "county": county,
            "school_id": r.school_id, "school_name": r.school_name, "level": r.level, "indicator": r.indicator,
            "indicator_name": f"{name}（{r.item}）" if name else r.item, "value": r.value, "standard": r.standard,
            "shortfall": r.shortfall, "unit": r.unit, "cost_wan": cost,
            "cost_kind": ledger_cost_kind(a.costs, r.cost_key) if (r.in_bill or pd.isna(r.cost_wan)) else "",
            "planned": planned_text, "outlook": verdicts.get((county, r.track), NOT_PROJECTED) if verdicts else NOT_PROJECTED,
            **{f: None for f in cfg.fill_in}, "progress": cfg.progress[0],
            "required": bool(r.required), "note": "；".join(notes),
            "track": r.track, "in_bill": bool(r.in_bill), "cost_key": r.cost_key, "basis": r.basis, "item": r.item,
        })
    # 缺数据 is a problem too: the county must fill the field in before the indicator can be judged
    m = getattr(a, "missing", None)
    if m is not None and len(m):
        m = m[(m["county"] == county) & (m["year"] == year)]
        for r in m.itertuples(index=False):
            unit_id = r.school_id or code
            name = cat[r.indicator].name.split("；")[0] if cat is not None and r.indicator in cat.indicators else r.indicator
            rows.append({
                "problem_id": problem_id(unit_id, r.indicator, r.level, "missing_data", MISSING_BASIS), "county": county,
                "school_id": r.school_id, "school_name": r.school_name, "level": r.level, "indicator": r.indicator,
                "indicator_name": f"{name}（缺数据）", "value": np.nan, "standard": np.nan, "shortfall": np.nan, "unit": "",
                "cost_wan": np.nan, "cost_kind": "", "planned": "否",
                "outlook": verdicts.get((county, r.track), NOT_PROJECTED) if verdicts else NOT_PROJECTED,
                **{f: None for f in cfg.fill_in}, "progress": cfg.progress[0], "required": True,
                "note": f"{MISSING_BASIS}：未填{r.fields}，补填后才能判定（缺数据不算达标）",
                "track": r.track, "in_bill": False, "cost_key": "missing_data", "basis": MISSING_BASIS, "item": "补填数据",
            })
    columns = [c.field for c in cfg.columns] + ["track", "in_bill", "cost_key", "basis", "item"]
    frame = pd.DataFrame(rows, columns=columns)
    dup = frame[frame["problem_id"].duplicated(keep=False)]
    if len(dup):  # a digest collision or a gaps frame with two rows for one problem: never merge silently
        raise YichunError(f"问题编号重复：{'、'.join(sorted(set(dup['problem_id'])))}（{county}{year}年），请报告此问题。")
    return frame


def is_percent(unit: str, standard) -> bool:
    """A value shown as a percentage: the indicator's unit is % and the standard is a share (0, 1]."""
    return unit == "%" and pd.notna(standard) and 0 < float(standard) <= 1
