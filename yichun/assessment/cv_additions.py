"""差异系数 additions and drivers (docs/domain.md §2.3).

For each county, level and indicator whose CV is still above its limit once the failing schools
are fixed, raise the lowest per-student values to a common floor T (water-filling) and find the
smallest T (bisection, with the additions rounded up to whole teachers, rooms and ㎡) that brings
CV ≤ limit. For a fixed total addition, filling from the bottom minimises the weighted variance
(the minimiser of Σ Pᵢ xᵢ² for a fixed Σ Pᵢ xᵢ with xᵢ ≥ current values), so it is the least total
resource that reaches the limit; with one unit price per resource, also the cheapest. Interactions
are ignored: an addition to a combined school's shared facility also lifts its other part (the
estimate is on the safe side). Drivers: every counted school's share of the weighted variance.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from yichun.assessment.compulsory import Balance, RSpec, SchoolFrames, balance
from yichun.assessment.core import COMPULSORY, STR, TOL, Groups, fmt_number, meets
from yichun.assessment.costs import R_COST, UnitCosts, price_wan, round_up
from yichun.assessment.gap_rows import GapRows, level_thresholds
from yichun.catalogue import Catalogue


def water_fill(p: np.ndarray, x: np.ndarray, limit: float,
               lift: Callable[[np.ndarray, float], np.ndarray] | None = None) -> tuple[float, np.ndarray]:
    """The smallest floor T such that CV(max(x, T)) ≤ limit; returns (T, new x).

    `lift(x, T)` may replace max(x, T) to account for rounding (whole teachers, rooms…).
    """
    if lift is None:
        def lift(xs: np.ndarray, t: float) -> np.ndarray:
            return np.maximum(xs, t)
    total = p.sum()

    def cv_at(t: float) -> float:
        xx = lift(x, t)
        m = (p * xx).sum() / total
        return math.sqrt(((p / total) * (xx - m) ** 2).sum()) / m if m > 0 else math.inf

    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    if cv_at(lo) <= limit + TOL:
        return lo, lift(x, lo)
    for _ in range(40):  # rounding can leave a little spread at the top
        if cv_at(hi) <= limit + TOL:
            break
        hi = hi * 1.05 + TOL
    for _ in range(60):
        mid = (lo + hi) / 2
        if cv_at(mid) <= limit + TOL:
            hi = mid
        else:
            lo = mid
        if hi - lo <= 1e-9 * max(1.0, hi):
            break
    return hi, lift(x, hi)


def cv_additions(rows: GapRows, sf: SchoolFrames, levels: list[str], groups: Groups, cat: Catalogue, specs: dict[str, RSpec],
                 costs: UnitCosts) -> None:
    """The least additions that bring each CV still above its limit (after the school-rule fixes) under it."""
    p = sf.part_arrays
    counted = p["counted"] & (sf.g_parts >= 0)
    if not counted.any():
        return
    idx = np.flatnonzero(counted)
    codes = list(specs)
    level = p["level"][idx]
    level_idx = np.zeros(len(idx), dtype="int64")
    for i, lv in enumerate(levels):
        level_idx[level == lv] = i
    failing = ~p["passed"][idx]
    x = np.column_stack([p[c][idx] for c in codes])
    for j, c in enumerate(codes):  # as it would be once every failing part is brought up to standard
        t = level_thresholds(level, cat[c].thresholds)
        x[:, j] = np.where(failing & (x[:, j] < t), t, x[:, j])
    students = p["students"][idx]
    b = balance(sf.g_parts[idx], level_idx, students, x, len(levels))
    limits = cat.rules["balance_rule"]["limits"]
    limit = np.array([float(limits[lv]) for lv in levels])[b.level]
    over = np.flatnonzero(meets(b.cv, "<=", limit) == 0)
    if not len(over):
        return
    share_all = p["share"][idx]
    sid = p["school_id"][idx]
    name = p["school_name"][idx]
    for gi in over:  # one loop per county × level × indicator above its limit
        rows_in = np.flatnonzero((b.row_group == gi) & b.row_valid)  # small arrays: one county's schools
        parts_in = b.row_part[rows_in]
        code = codes[b.k[gi]]
        spec = specs[code]
        key = R_COST[code]
        unit = costs[key]["unit"]
        xs, ps = x[parts_in, b.k[gi]], students[parts_in]
        per_unit = spec.scale * (1.0 if spec.per_level else share_all[parts_in]) / ps  # x gained per unit of resource

        def lift(v, t, per_unit=per_unit, unit=unit):
            return v + round_up(np.maximum(t - v, 0) / per_unit, unit) * per_unit

        floor, _ = water_fill(ps, xs, float(limit[gi]), lift)
        qty = round_up(np.maximum(floor - xs, 0) / per_unit, unit)
        add = qty > 0
        k = int(add.sum())
        sel = parts_in[add]
        rows.add(k, g=sf.g_parts[idx][sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level=level[sel],
                 indicator=code, item=costs[key]["name"], basis="差异系数", value=xs[add], standard=np.full(k, floor), shortfall=qty[add],
                 unit=unit, cost_wan=price_wan(qty[add], key, costs), required=np.ones(k, bool), in_bill=np.ones(k, bool), cost_key=key,
                 note=f"差异系数{fmt_number(b.cv[gi], 3)}（学校达标后）> {fmt_number(limit[gi])}：将生均值低于 {fmt_number(floor, 3)} 的学校补到该水平")


def cv_drivers(sf: SchoolFrames, b: Balance, met: np.ndarray, levels: list[str], groups: Groups, cat: Catalogue) -> pd.DataFrame:
    """For each CV above its limit: every counted school's share of the weighted variance (Pᵢ/P)(xᵢ − X̄)² / S²."""
    codes = list(cat.rules["school_rule"]["indicators"])
    over = met == 0
    sel = np.flatnonzero(over[b.row_group] & b.row_valid) if len(b.row_group) else np.zeros(0, int)
    grp = b.row_group[sel]
    with np.errstate(divide="ignore", invalid="ignore"):
        var_share = b.row_term[sel] / (b.std[grp] ** 2)
    order = np.lexsort((-var_share, grp))
    sel, grp, var_share = sel[order], grp[order], var_share[order]
    rank = np.ones(len(sel), dtype="int64")
    if len(sel):
        start = np.r_[True, grp[1:] != grp[:-1]]
        pos = np.arange(len(sel))
        rank = pos - np.maximum.accumulate(np.where(start, pos, 0)) + 1
    counted_idx = np.flatnonzero(sf.part_arrays["counted"] & (sf.g_parts >= 0))
    part = counted_idx[b.row_part[sel]]
    x = b.row_x[sel]
    return pd.DataFrame({
        "county": pd.array(groups.county[b.g[grp]], dtype=STR), "year": groups.year[b.g[grp]],
        "level": pd.array(np.array(levels, dtype=object)[b.level[grp]], dtype=STR),
        "indicator": pd.array(np.array(codes, dtype=object)[b.k[grp]], dtype=STR),
        "school_id": pd.array(sf.part_arrays["school_id"][part], dtype=STR), "school_name": pd.array(sf.part_arrays["school_name"][part], dtype=STR),
        "students": sf.part_arrays["students"][part], "x": x, "county_value": b.mean[grp], "deviation": x - b.mean[grp],
        "variance_share": var_share, "rank": rank,
    })
