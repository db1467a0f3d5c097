"""The bill: per county, year, track and cost category, Σ quantity and Σ cost of the billed gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.assessment.core import COMPULSORY, PRESCHOOL, STR, Groups, fmt_number
from yichun.assessment.costs import UnitCosts, cost_kind

BILL_COLUMNS = ["county", "year", "track", "category", "quantity", "unit", "cost_wan", "priced", "cost_key", "cost_kind", "basis"]


def bill_frame(data: dict[str, np.ndarray], groups: Groups, costs: UnitCosts) -> pd.DataFrame:
    """Per county, year, track and cost category: Σ quantity and Σ cost of the billed gaps."""
    g = data["g"].astype("int64") if len(data.get("g", [])) else np.zeros(0, "int64")
    billed = data["in_bill"].astype(bool) & (data["shortfall"].astype(float) > 0) if len(g) else np.zeros(0, bool)
    keys = list(costs)
    kidx = pd.Index(keys).get_indexer(pd.Index(data["cost_key"])) if len(g) else np.zeros(0, "int64")
    tidx = (data["track"] == PRESCHOOL).astype("int64") if len(g) else np.zeros(0, "int64")
    key = (g * 2 + tidx) * len(keys) + kidx
    key, qty, cost = key[billed], data["shortfall"].astype(float)[billed], data["cost_wan"].astype(float)[billed]
    uniq, inv = np.unique(key, return_inverse=True)
    m = len(uniq)
    quantity = np.bincount(inv, weights=qty, minlength=m)
    priced_cost = np.bincount(inv, weights=np.nan_to_num(cost), minlength=m)
    any_price = np.bincount(inv, weights=~np.isnan(cost), minlength=m) > 0
    kk = uniq % len(keys)
    gi = uniq // (2 * len(keys))
    track = np.where((uniq // len(keys)) % 2 == 1, PRESCHOOL, COMPULSORY).astype(object)
    items = [costs[keys[k]] for k in kk]
    basis = [f"{c.get('basis', '')}；单价 {fmt_number(c['price_yuan'])} 元/{c.get('per', c['unit'])}" if c.get("price_yuan") is not None
             else f"{c.get('basis', '')}（不计价）" for c in items]
    return pd.DataFrame({
        "county": pd.array(groups.county[gi], dtype=STR), "year": groups.year[gi], "track": pd.array(track, dtype=STR),
        "category": pd.array([c["name"] for c in items], dtype=STR), "quantity": quantity,
        "unit": pd.array([c["unit"] for c in items], dtype=STR), "cost_wan": np.where(any_price, priced_cost, np.nan),
        "priced": np.array([c.get("price_yuan") is not None for c in items], dtype=bool),
        "cost_key": pd.array([keys[k] for k in kk], dtype=STR),
        "cost_kind": pd.array([cost_kind(costs, keys[k]) for k in kk], dtype=STR), "basis": pd.array(basis, dtype=STR),
    })[BILL_COLUMNS]
