"""What it would take: gaps in physical units, the schools that drive each 差异系数, the
additions that bring it under its limit, and the priced bill per county and year.

Gap rows (`gaps`) say, per school part (or kindergarten, or the county), what to add in the
indicator's own physical unit: teachers of a kind (人), ㎡ of teaching or sports area, 万元 of
equipment, multimedia / music / art rooms (间), and as plain counts the things money alone
does not fix (students above a school's size limit, oversize classes, uncertified teachers,
preschool places). Prices come from yichun/data/unit_costs.yaml (or a file the caller names).

Whole-school facilities at combined schools: a part's value is share × resource ÷ students,
so the addition that brings the part to its standard is (standard × students ÷ share) ÷ scale
− resource, i.e. the whole school builds more than the part "needs", because the new area
is shared too. When two parts of one school fall short on the same facility only the larger
addition enters the bill (it serves both parts): `in_bill` marks the rows the bill sums.

`required` is True when the gap must close for the county to pass: a part that fails the
school rule (its below-standard indicators are brought to the standard, the simple plan an
一校一策 writes down), every school failing G3/G4/G5/G12, the county items that fail, and the
差异系数 additions. A below-standard indicator at a school that still meets the 6-of-7 rule is
listed (required = False) but not billed.

差异系数 additions (`cv_additions`): for each county, level and indicator whose CV is still
above its limit once the failing schools are fixed, raise the lowest per-student values to a
common floor T (water-filling) and find the smallest T (bisection, with the additions rounded
up to whole teachers, rooms and ㎡) that brings CV ≤ limit. For a fixed total addition,
filling from the bottom minimises the weighted variance (the minimiser of Σ Pᵢ xᵢ² for a fixed
Σ Pᵢ xᵢ with xᵢ ≥ current values), so it is the least total resource that reaches the limit;
with one unit price per resource, also the cheapest. Interactions are ignored: an addition
to a combined school's shared facility also lifts its other part (the estimate is on the safe side).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from yichun._yaml import package_yaml, read_yaml
from yichun.assessment.compulsory import Balance, SchoolFrames, balance, r_specs
from yichun.assessment.core import COMPULSORY, PRESCHOOL, STR, TOL, Groups, fmt_array, fmt_number, meets
from yichun.catalogue import Catalogue, freeze
from yichun.errors import YichunError

R_COST = {  # the physical resource behind each school indicator → unit_costs.yaml entry
    "R1": "teacher_qualified", "R2": "teacher_backbone", "R3": "teacher_pe_arts", "R4": "teaching_building_m2",
    "R5": "sports_area_m2", "R6": "equipment_wan", "R7": "multimedia_room",
}
INTEGER_UNITS = ("人", "间", "所", "班", "㎡")
GAP_COLUMNS = ["county", "year", "track", "school_id", "school_name", "level", "indicator", "item", "basis", "value",
               "standard", "shortfall", "unit", "cost_wan", "required", "in_bill", "cost_key", "note"]
ROW_COLUMNS = ["g", *GAP_COLUMNS[2:]]
BILL_COLUMNS = ["county", "year", "track", "category", "quantity", "unit", "cost_wan", "priced", "cost_key", "cost_kind", "basis"]
COUNTY_ROW = "全县"
NUMERIC = ("g", "value", "standard", "shortfall", "cost_wan")


# ----------------------------------------------------------------------------- unit costs
@cache
def _package_costs() -> dict:
    # read-only: the cached table is shared by every assess() in the session
    return freeze(_validate_costs(package_yaml("unit_costs.yaml"), "unit_costs.yaml"))


def unit_costs(source: str | Path | dict | None = None) -> dict[str, dict]:
    """The unit costs: the package's yichun/data/unit_costs.yaml, a user's YAML path, or a dict
    of overrides {key: {price_yuan: …}} merged into the package's."""
    if source is None:
        return _package_costs()
    if isinstance(source, dict):
        base = {k: dict(v) for k, v in _package_costs().items()}
        for key, fields in source.items():
            if key not in base:
                raise YichunError(f"单价设置中的项目「{key}」不在 unit_costs.yaml 中（可用：{'、'.join(base)}）")
            base[key].update(fields if isinstance(fields, dict) else {"price_yuan": fields})
        return freeze(_validate_costs({"items": base}, "单价设置"))
    path = Path(source)
    if not path.exists():
        raise YichunError(f"找不到单价文件 {path}")
    return freeze(_validate_costs(read_yaml(path), str(path)))


def _validate_costs(data, where: str) -> dict[str, dict]:
    items = (data or {}).get("items") if isinstance(data, dict) else None
    if not isinstance(items, dict):
        raise YichunError(f"单价文件 {where} 应含 items: {{项目: {{name, unit, price_yuan, source}}}}")
    needed = set(R_COST.values())
    missing = needed - set(items)
    if missing:
        raise YichunError(f"单价文件 {where} 缺少项目：{'、'.join(sorted(missing))}")
    for key, item in items.items():
        for f in ("name", "unit", "source"):
            if not isinstance(item, dict) or not item.get(f):
                raise YichunError(f"单价文件 {where}，项目「{key}」缺少字段「{f}」")
        price = item.get("price_yuan")
        if price is not None and (isinstance(price, bool) or not isinstance(price, int | float) or price < 0):
            raise YichunError(f"单价文件 {where}，项目「{key}」的 price_yuan 为「{price}」，应为非负数值或 null(不计价)")
    return items


def round_up(q: np.ndarray, unit: str) -> np.ndarray:
    """Whole teachers, rooms and ㎡; 万元 to 0.01. A shortfall within float noise is zero."""
    q = np.asarray(q, dtype=float)
    if unit in INTEGER_UNITS:
        return np.maximum(np.ceil(q - 1e-6), 0.0)
    return np.maximum(np.ceil(q * 100 - 1e-6) / 100, 0.0)


def price_wan(qty, key: str, costs: dict) -> np.ndarray:
    """Cost in 万元 of `qty` units of unit-cost entry `key` (NaN where the entry is not priced)."""
    price = costs[key].get("price_yuan")
    if price is None:
        return np.full(np.shape(qty), np.nan)
    return np.asarray(qty, dtype=float) * float(price) / 10000.0


# ----------------------------------------------------------------------------- assembly
class _Rows:
    """Gap rows collected as column arrays and turned into one frame at the end."""

    def __init__(self):
        self.blocks: list[dict] = []

    def add(self, n: int, **cols) -> None:
        if n:
            self.blocks.append({k: (np.asarray(v) if np.ndim(v) else np.full(n, v, dtype=object if isinstance(v, str) else None))
                                for k, v in cols.items()})

    def frame(self) -> pd.DataFrame:
        data = {}
        for c in ROW_COLUMNS:
            arrays = [b[c] for b in self.blocks]
            data[c] = np.concatenate(arrays) if arrays else np.zeros(0, dtype=object if c not in NUMERIC else float)
        return data


def compute_gaps(sf: SchoolFrames, bal: Balance, cv_met: np.ndarray, levels: list[str], kg: pd.DataFrame, g_kg: np.ndarray,
                 preschool: pd.DataFrame, met: dict[str, np.ndarray], wide: dict, groups: Groups, cat: Catalogue,
                 costs: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(gaps, bill, cv_drivers). `met[code]` is each item's 1/0/NaN verdict per county-year."""
    rows = _Rows()
    specs = r_specs(cat)
    _school_rule_gaps(rows, sf, groups, cat, specs, costs)
    _cv_additions(rows, sf, levels, groups, cat, specs, costs)
    _check_gaps(rows, sf, groups, cat, costs)
    _preschool_gaps(rows, kg, g_kg, preschool, met, wide, groups, cat, costs)
    data = rows.frame()
    gaps = _finish(data, groups)
    gaps["cost_kind"] = pd.array([costs.get(k, {}).get("cost_kind", "") for k in gaps["cost_key"]], dtype=STR)  # unit_costs.yaml
    return gaps, _bill(data, groups, costs), _drivers(sf, bal, cv_met, levels, groups, cat)


def _finish(data: dict, groups: Groups) -> pd.DataFrame:
    g = data["g"].astype("int64")
    keep = data["shortfall"].astype(float) > 0
    track_rank = (data["track"] == PRESCHOOL).astype("int64")
    codes = [pd.factorize(data[c], sort=True)[0] for c in ("indicator", "level", "school_id")]
    order = np.lexsort((*codes, track_rank, g))
    idx = order[keep[order]]
    frame = {"county": pd.array(groups.county[g[idx]], dtype=STR), "year": groups.year[g[idx]]}
    for c in GAP_COLUMNS[2:]:
        v = data[c][idx]
        if c in ("value", "standard", "shortfall", "cost_wan"):
            frame[c] = v.astype(float)
        elif c in ("required", "in_bill"):
            frame[c] = v.astype(bool)
        else:
            frame[c] = pd.array(v, dtype=STR)
    return pd.DataFrame(frame)


# ----------------------------------------------------------------------------- R1–R7
def _addition(spec, standard, students, share, resource) -> np.ndarray:
    """Whole-school resource to add so that scale × (resource + Δ) × share ÷ students = standard."""
    sh = 1.0 if spec.per_level else share
    with np.errstate(divide="ignore", invalid="ignore"):
        return standard * students / (spec.scale * sh) - resource


def _thresholds(level: np.ndarray, thresholds: dict) -> np.ndarray:
    t = np.full(len(level), np.nan)
    for lv, v in thresholds.items():
        t[level == lv] = float(v)
    return t


def _school_rule_gaps(rows: _Rows, sf: SchoolFrames, groups: Groups, cat: Catalogue, specs, costs: dict) -> None:
    p = sf.p
    counted = p["counted"] & (sf.g_parts >= 0)
    passed = p["passed"]
    level, share, students = p["level"], p["share"], p["students"]
    sid, name = p["school_id"], p["school_name"]
    shared_rows = []  # (block index, rows) of billed shared-facility gaps
    for code, spec in specs.items():
        sel = np.flatnonzero(counted & (p[f"{code}_met"] == 0))
        if not len(sel):
            continue
        key = R_COST[code]
        unit = costs[key]["unit"]
        t = _thresholds(level[sel], cat[code].thresholds)
        qty = round_up(_addition(spec, t, students[sel], share[sel], p[spec.resource][sel]), unit)
        sh = share[sel]
        note = np.full(len(sel), "", dtype=object)
        if not spec.per_level:
            note = np.where(sh >= 1 - TOL, note, "全校新增量（按" + fmt_array(sh * 100, 1) + "%分摊给本学段）")
        billed = ~passed[sel]
        rows.add(len(sel), g=sf.g_parts[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level=level[sel],
                 indicator=code, item=costs[key]["name"], basis="学校达标", value=p[code][sel], standard=t,
                 shortfall=qty, unit=unit, cost_wan=price_wan(qty, key, costs), required=billed.copy(), in_bill=billed.copy(),
                 cost_key=key, note=note)
        if not spec.per_level:
            shared_rows.append(len(rows.blocks) - 1)
    # one addition to a shared facility serves both parts of a school: bill the larger one only
    for b in shared_rows:
        block = rows.blocks[b]
        cand = np.flatnonzero(block["in_bill"])
        if len(cand) < 2:
            continue
        school = pd.factorize(block["school_id"][cand])[0]
        order = np.lexsort((-block["shortfall"][cand], school, block["g"][cand]))
        key = np.stack([block["g"][cand][order], school[order]])
        first = np.r_[True, (key[:, 1:] != key[:, :-1]).any(axis=0)]
        drop = cand[order[~first]]
        block["in_bill"][drop] = False
        block["note"][drop] = "已由同校另一学段的新增量满足"


def water_fill(p: np.ndarray, x: np.ndarray, limit: float, lift=None) -> tuple[float, np.ndarray]:
    """The smallest floor T such that CV(max(x, T)) ≤ limit; returns (T, new x).

    `lift(x, T)` may replace max(x, T) to account for rounding (whole teachers, rooms…).
    """
    lift = lift or (lambda xs, t: np.maximum(xs, t))
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


def _cv_additions(rows: _Rows, sf: SchoolFrames, levels: list[str], groups: Groups, cat: Catalogue, specs, costs: dict) -> None:
    p = sf.p
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
        t = _thresholds(level, cat[c].thresholds)
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


def _drivers(sf: SchoolFrames, b: Balance, met: np.ndarray, levels: list[str], groups: Groups, cat: Catalogue) -> pd.DataFrame:
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
    counted_idx = np.flatnonzero(sf.p["counted"] & (sf.g_parts >= 0))
    part = counted_idx[b.row_part[sel]]
    x = b.row_x[sel]
    return pd.DataFrame({
        "county": pd.array(groups.county[b.g[grp]], dtype=STR), "year": groups.year[b.g[grp]],
        "level": pd.array(np.array(levels, dtype=object)[b.level[grp]], dtype=STR),
        "indicator": pd.array(np.array(codes, dtype=object)[b.k[grp]], dtype=STR),
        "school_id": pd.array(sf.p["school_id"][part], dtype=STR), "school_name": pd.array(sf.p["school_name"][part], dtype=STR),
        "students": sf.p["students"][part], "x": x, "county_value": b.mean[grp], "deviation": x - b.mean[grp],
        "variance_share": var_share, "rank": rank,
    })


# ----------------------------------------------------------------------------- G3, G4, G5, G12
def _check_gaps(rows: _Rows, sf: SchoolFrames, groups: Groups, cat: Catalogue, costs: dict) -> None:
    c = sf.c
    counted = c["checked"] & (sf.g_schools >= 0)  # the G3–G5 scope (rules.item_scopes), private schools included
    g = sf.g_schools
    sid, name = c["school_id"], c["school_name"]
    g3 = cat["G3"].thresholds
    for kind, key in (("music", "music_room"), ("art", "art_room")):
        under = c[f"{kind}_undersized"]
        qty = np.nan_to_num(c[f"{kind}_short"]) + under
        sel = np.flatnonzero(counted & (qty > 0))
        note = np.where(under[sel], f"含改扩建面积不足{fmt_number(g3[f'{kind}_room_m2'])}㎡的1间", "").astype(object)
        rows.add(len(sel), g=g[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level="全校", indicator="G3",
                 item=costs[key]["name"], basis="政府保障程度", value=c[f"{kind}_rooms"][sel],
                 standard=c["rooms_needed"][sel], shortfall=qty[sel], unit=costs[key]["unit"],
                 cost_wan=price_wan(qty[sel], key, costs), required=np.ones(len(sel), bool), in_bill=np.ones(len(sel), bool),
                 cost_key=key, note=note)
    excess = c["size_excess"]
    sel = np.flatnonzero(counted & (excess > 0))
    key = "oversize_students"
    rows.add(len(sel), g=g[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level="全校", indicator="G4",
             item=costs[key]["name"], basis="政府保障程度", value=c["compulsory_students"][sel],
             standard=c["size_limit"][sel], shortfall=excess[sel], unit=costs[key]["unit"],
             cost_wan=np.full(len(sel), np.nan), required=np.ones(len(sel), bool), in_bill=np.ones(len(sel), bool), cost_key=key, note="")
    g5 = cat["G5"].thresholds
    key = "class_excess"
    for level, sfx in (("小学", "primary"), ("初中", "junior")):
        if f"class_excess_{sfx}" not in c:
            continue
        ex = c[f"class_excess_{sfx}"]
        sel = np.flatnonzero(counted & (ex > 0))
        rows.add(len(sel), g=g[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level=level, indicator="G5",
                 item=costs[key]["name"], basis="政府保障程度", value=c[f"max_class_{sfx}"][sel],
                 standard=np.full(len(sel), float(g5[level])), shortfall=ex[sel], unit=costs[key]["unit"],
                 cost_wan=np.full(len(sel), np.nan), required=np.ones(len(sel), bool), in_bill=np.ones(len(sel), bool), cost_key=key, note="")
    total, cert = c["teachers_total"], c["teachers_certified"]
    unc = total - cert
    sel = np.flatnonzero(c["teachers_counted"] & (sf.g_schools >= 0) & (unc > 0))
    key = "uncertified_teachers"
    rows.add(len(sel), g=g[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level="全校", indicator="G12",
             item=costs[key]["name"], basis="政府保障程度", value=cert[sel] / total[sel], standard=np.full(len(sel), float(cat["G12"].threshold())),
             shortfall=unc[sel], unit=costs[key]["unit"], cost_wan=np.full(len(sel), np.nan), required=np.ones(len(sel), bool),
             in_bill=np.ones(len(sel), bool), cost_key=key, note="")


# ----------------------------------------------------------------------------- preschool
def _preschool_gaps(rows: _Rows, kg, g, preschool, met: dict, wide, groups: Groups, cat: Catalogue, costs: dict) -> None:
    n = groups.n
    nan = np.full(n, np.nan)

    def fails(code):  # per county-year: the item is not met (failed or missing)
        return met.get(code, nan) != 1

    sid = kg["kg_id"].to_numpy(dtype=object, na_value="")
    name = kg["kg_name"].to_numpy(dtype=object, na_value="")
    ok = g >= 0
    gg = np.where(ok, g, 0)
    pq1 = cat["PQ1"]
    f1 = fails("PQ1")[gg] & ok
    cutoff = int((pq1.extra.get("design_year_rule") or {}).get("cutoff", 2017))
    area_keys = {"outdoor_m2_per_child": "kindergarten_outdoor_m2", "activity_m2_per_child": "kindergarten_activity_m2",
                 "building_m2_per_child": "kindergarten_building_m2"}
    for tkey in pq1.thresholds:
        key = area_keys[tkey]
        field = tkey.removesuffix("_per_child")
        qty = round_up(kg[f"{field}_short"].to_numpy(float), costs[key]["unit"])
        sel = np.flatnonzero(ok & (qty > 0))
        # required: the kindergartens the 100% / 50% rule by design year needs fixed (preschool._pq1)
        need = kg[f"{field}_needed"].to_numpy(bool) if f"{field}_needed" in kg.columns else np.ones(len(kg), bool)
        req = (f1 & need)[sel]
        rows.add(len(sel), g=g[sel], track=PRESCHOOL, school_id=sid[sel], school_name=name[sel], level="幼儿园", indicator="PQ1",
                 item=costs[key]["name"], basis="保教质量保障情况", value=kg[tkey].to_numpy(float)[sel],
                 standard=np.full(len(sel), float(pq1.thresholds[tkey])), shortfall=qty[sel], unit=costs[key]["unit"],
                 cost_wan=price_wan(qty[sel], key, costs), required=req, in_bill=req.copy(), cost_key=key,
                 note=np.where(need[sel], "", f"{cutoff}年以前设计的园达标比例已够，本园可不改造"))
    children, teachers = kg["children"].to_numpy(float), kg["teachers"].to_numpy(float)
    t3 = float(cat["PQ3"].threshold())
    need = round_up(children / t3 - teachers, "人")
    sel = np.flatnonzero(ok & (need > 0))
    key = "kindergarten_teacher"
    rows.add(len(sel), g=g[sel], track=PRESCHOOL, school_id=sid[sel], school_name=name[sel], level="幼儿园", indicator="PQ3",
             item=costs[key]["name"], basis="保教质量保障情况", value=kg["children_per_teacher"].to_numpy(float)[sel],
             standard=np.full(len(sel), t3), shortfall=need[sel], unit=costs[key]["unit"], cost_wan=price_wan(need[sel], key, costs),
             required=(fails("PQ3")[gg] & ok)[sel], in_bill=np.zeros(len(sel), bool), cost_key=key,
             note="本园按1:15配足所需；计入测算的是「全县」行的最少新增数")
    cert = kg["teachers_certified"].to_numpy(float)
    unc = teachers - cert
    sel = np.flatnonzero(ok & (unc > 0))
    f4 = (fails("PQ4")[gg] & ok)[sel]
    key = "uncertified_teachers"
    rows.add(len(sel), g=g[sel], track=PRESCHOOL, school_id=sid[sel], school_name=name[sel], level="幼儿园", indicator="PQ4",
             item=costs[key]["name"], basis="保教质量保障情况", value=cert[sel] / teachers[sel],
             standard=np.full(len(sel), float(cat["PQ4"].threshold())), shortfall=unc[sel], unit=costs[key]["unit"],
             cost_wan=np.full(len(sel), np.nan), required=f4, in_bill=f4.copy(), cost_key=key, note="")
    head = kg["head_certified"].to_numpy(dtype=float, na_value=np.nan) if "head_certified" in kg.columns else np.full(len(kg), np.nan)
    sel = np.flatnonzero(ok & (head == 0))
    f4 = (fails("PQ4")[gg] & ok)[sel]
    key = "uncertified_heads" if "uncertified_heads" in costs else key
    rows.add(len(sel), g=g[sel], track=PRESCHOOL, school_id=sid[sel], school_name=name[sel], level="幼儿园", indicator="PQ4",
             item=costs[key]["name"] if key == "uncertified_heads" else "未持证园长", basis="保教质量保障情况", value=np.zeros(len(sel)),
             standard=np.full(len(sel), float(cat["PQ4"].threshold())), shortfall=np.ones(len(sel)), unit=costs[key]["unit"],
             cost_wan=np.full(len(sel), np.nan), required=f4, in_bill=f4.copy(), cost_key=key, note="园长须持有教师资格证")
    over = kg["oversized_classes"].to_numpy(float)
    sel = np.flatnonzero(ok & (over > 0))
    key = "oversized_classes"
    rows.add(len(sel), g=g[sel], track=PRESCHOOL, school_id=sid[sel], school_name=name[sel], level="幼儿园", indicator="PQ2",
             item=costs[key]["name"], basis="保教质量保障情况", value=over[sel], standard=np.zeros(len(sel)), shortfall=over[sel],
             unit=costs[key]["unit"], cost_wan=np.full(len(sel), np.nan), required=np.zeros(len(sel), bool),
             in_bill=np.zeros(len(sel), bool), cost_key=key, note="本园超标班额班级；计入测算的是「全县」行的最少数量")

    # county-level minimum quantities for the ratios that fail
    def county_row(code, key, value, standard, qty, note=""):
        q = round_up(qty, costs[key]["unit"])
        sel = np.flatnonzero((met.get(code, nan) == 0) & (q > 0))
        rows.add(len(sel), g=sel, track=PRESCHOOL, school_id="", school_name=COUNTY_ROW, level=COUNTY_ROW, indicator=code,
                 item=costs[key]["name"], basis=cat[code].dimension, value=np.asarray(value, float)[sel],
                 standard=np.asarray(standard, float)[sel], shortfall=q[sel], unit=costs[key]["unit"], cost_wan=price_wan(q[sel], key, costs),
                 required=np.ones(len(sel), bool), in_bill=np.ones(len(sel), bool), cost_key=key, note=note)

    pv = {}
    if len(preschool):
        pg = groups.codes(preschool)
        ind = preschool["indicator"].to_numpy(dtype=object)
        for col in ("value", "standard", "numerator", "denominator"):
            arr = preschool[col].to_numpy(float)
            for code in ("P1", "P2", "P3"):
                v = np.full(n, np.nan)
                s = (ind == code) & (pg >= 0)
                v[pg[s]] = arr[s]
                pv[(code, col)] = v
    for code, key in (("P1", "preschool_places"), ("P2", "inclusive_places"), ("P3", "public_places")):
        if (code, "value") in pv:
            t, num, den = pv[(code, "standard")], pv[(code, "numerator")], pv[(code, "denominator")]
            county_row(code, key, pv[(code, "value")], t, t * den - num)
    sums = {f: groups.sum(g, kg[f].to_numpy(float)) for f in ("children", "teachers", "classes", "oversized_classes")}
    with np.errstate(divide="ignore", invalid="ignore"):
        county_row("PQ3", "kindergarten_teacher", sums["children"] / sums["teachers"], np.full(n, t3),
                   sums["children"] / t3 - sums["teachers"], "全县按1:15配足所需最少新增数")
        t2 = float(cat["PQ2"].threshold())
        county_row("PQ2", "oversized_classes", 1 - sums["oversized_classes"] / sums["classes"], np.full(n, t2),
                   sums["oversized_classes"] - (1 - t2) * sums["classes"], "达到班额达标率标准需消除的最少超标班额班级数")
    kg_type = kg["kg_type"].to_numpy(dtype=object, na_value=None)
    short = wide.get("PG3_SHORT", nan)  # townships/streets lacking one, counted township by township
    county_row("PG3", "township_centers", short, np.zeros(n), short, "逐乡镇核查：缺少公办中心园的乡镇(或缺少公办、普惠园的街道)数")
    est = kg["estate_kindergarten"].to_numpy(dtype=float, na_value=np.nan)
    n_bad = groups.count(g, (est == 1) & ~np.isin(kg_type, ("公办", "普惠性民办")))
    county_row("PG4", "estate_kindergartens", n_bad, np.zeros(n), n_bad)


# ----------------------------------------------------------------------------- bill
def _bill(data: dict, groups: Groups, costs: dict) -> pd.DataFrame:
    """Per county, year, track and cost category: Σ quantity and Σ cost of the billed gaps."""
    g = data["g"].astype("int64") if len(data.get("g", [])) else np.zeros(0, "int64")
    billed = data["in_bill"].astype(bool) & (data["shortfall"].astype(float) > 0) if len(g) else np.zeros(0, bool)
    keys = list(costs)
    kidx = pd.Index(keys).get_indexer(data["cost_key"]) if len(g) else np.zeros(0, "int64")
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
        "cost_kind": pd.array([c.get("cost_kind", "") for c in items], dtype=STR), "basis": pd.array(basis, dtype=STR),
    })[BILL_COLUMNS]
