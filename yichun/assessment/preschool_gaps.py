"""Gaps of the preschool track: kindergartens short of the PQ1 areas, PQ3 teachers, PQ4
certificates, PQ2 class sizes, and the county minimum quantities for P1–P3, PQ2, PQ3, PG3
and PG4 (docs/domain.md §3). PG3's and PG4's shortfalls come from the verdict (`preschool`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.assessment.core import PRESCHOOL, Groups
from yichun.assessment.costs import UnitCosts, price_wan, round_up
from yichun.assessment.gap_rows import COUNTY_ROW, GapRows
from yichun.catalogue import Catalogue


def preschool_gaps(rows: GapRows, kg: pd.DataFrame, g: np.ndarray, preschool: pd.DataFrame, met: dict[str, np.ndarray],
                   wide: dict[str, np.ndarray], groups: Groups, cat: Catalogue, costs: UnitCosts) -> None:
    """Kindergarten rows, then the county rows (「全县」) for the ratios that fail."""
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
    # the shortfalls the verdict counted (preschool._pg3 township by township, _pg4 per kindergarten)
    short = wide.get("PG3_SHORT", nan)
    county_row("PG3", "township_centers", short, np.zeros(n), short, "逐乡镇核查：缺少公办中心园的乡镇(或缺少公办、普惠园的街道)数")
    n_bad = wide.get("PG4_SHORT", nan)
    county_row("PG4", "estate_kindergartens", n_bad, np.zeros(n), n_bad)
