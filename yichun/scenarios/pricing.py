"""What a scenario's actions cost, priced with the assessment's unit costs (yichun/data/unit_costs.yaml).

`price_actions(scenario)` gives one row per action: quantity, unit, unit price and cost in
万元. The field → unit-cost entry mapping is projection.yaml `action_costs`; the prices and
their sources stay in unit_costs.yaml (read through yichun.assessment.costs.unit_costs).
Teachers count one year of staff cost (人·年), as in the assessment's bill; `cost_kind` keeps
一次性投入 (buildings, rooms, equipment) and 每年经费 (staff, per year) apart. A new
kindergarten is priced as its activity rooms, outdoor play area and teachers; kindergarten
conversions, school mergers and demographic changes are not priced (费用未计价).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from yichun.assessment.costs import UnitCosts, cost_kind
from yichun.catalogue import catalogue
from yichun.projection.params import parameters
from yichun.scenarios.actions import new_kindergarten
from yichun.scenarios.model import Scenario

COLUMNS = ["index", "action", "county", "track", "description", "item", "quantity", "unit", "price_yuan", "cost_wan", "cost_kind",
           "note"]


@dataclass(frozen=True)
class PricedLine:
    """A quantity priced with a unit cost (unit_costs.yaml); NaN price and cost where unpriced."""

    unit: str
    price_yuan: float
    cost_wan: float


def _line(costs: UnitCosts, key: str | None, qty: float) -> PricedLine:
    from yichun.assessment.costs import price_wan

    if key is None or key not in costs:
        return PricedLine("", np.nan, np.nan)
    price = costs[key].get("price_yuan")
    return PricedLine(costs[key]["unit"], np.nan if price is None else float(price), float(price_wan(qty, key, costs)))


def price_actions(scenario: Scenario, *, params: dict | None = None, profile="national", unit_cost_source=None) -> pd.DataFrame:
    """One row per priced line of the scenario's actions (a new kindergarten gives several)."""
    from yichun.assessment.costs import unit_costs

    params = params or parameters()
    costs = unit_costs(unit_cost_source)
    mapping = params["action_costs"]
    rows = []
    for a in scenario.actions:
        p = a.params
        base = {"index": a.index, "action": a.name, "county": a.county or scenario.county or "", "description": a.describe(), "track": ""}
        kg = a.kind in ("convert_kindergartens", "open_kindergarten") or (a.kind == "add_resource" and (
            bool(p.get("kindergartens")) or p["item"] in ("teachers", "activity_m2", "outdoor_m2", "staff", "nurses", "building_m2")))
        if a.kind in ("add_resource", "merge_schools", "convert_kindergartens", "open_kindergarten"):
            base["track"] = "学前教育" if kg else "义务教育"
        if a.kind == "add_resource":
            key = mapping.get(f"kindergarten.{p['item']}" if kg else p["item"])
            line = _line(costs, key, p["quantity"])
            note = "" if key else "该项目无单价，费用未计价"
            if key and costs[key].get("per"):
                note = f"单价按{costs[key]['per']}计"
            rows.append({**base, "item": p["item"], "quantity": p["quantity"], "unit": line.unit, "price_yuan": line.price_yuan,
                         "cost_wan": line.cost_wan, "cost_kind": cost_kind(costs, key), "note": note})
        elif a.kind == "open_kindergarten":
            row = new_kindergarten(p, catalogue(profile))
            for field in ("activity_m2", "outdoor_m2", "teachers"):
                key = mapping.get(f"kindergarten.{field}")
                line = _line(costs, key, row[field])
                rows.append({**base, "item": field, "quantity": row[field], "unit": line.unit, "price_yuan": line.price_yuan,
                             "cost_wan": line.cost_wan, "cost_kind": cost_kind(costs, key),
                             "note": "新建园按标准配置" if field not in p else ""})
        else:
            rows.append({**base, "item": "", "quantity": np.nan, "unit": "", "price_yuan": np.nan, "cost_wan": np.nan, "cost_kind": "",
                         "note": "费用未计价" if a.kind in ("merge_schools", "convert_kindergartens") else "人口变化，不计费用"})
    return pd.DataFrame(rows, columns=COLUMNS)


def total_cost(scenario: Scenario, track: str | None = None, county: str | None = None, **kwargs) -> float:
    """The priced total in 万元 (unpriced lines excluded), optionally of one track's / county's actions."""
    lines = price_actions(scenario, **kwargs)
    if track is not None:
        lines = lines[lines["track"] == track]
    if county is not None:
        lines = lines[lines["county"].isin([county, ""])]
    return float(lines["cost_wan"].sum())
