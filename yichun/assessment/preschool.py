"""学前教育 (preschool) track: P1–P3 (普及普惠水平) and the indicators computed from the
kindergarten sheet (PG3, PG4, PQ1–PQ4), per county and year.

P1 = Σ在园幼儿 ÷ POP_3_5; P2 = (公办 + 普惠性民办)在园幼儿 ÷ 全部; P3 = 公办 ÷ 全部;
PG3 公办乡镇中心园数 ≥ 乡镇数(TOWNSHIPS); PG4 小区配套园 all 公办 or 普惠性民办; PQ1 each
kindergarten meets every per-child area of the catalogue, county share ≥ county_threshold;
PQ2 班额达标率 = 1 − Σ超标班额班级 ÷ Σ班级; PQ3 Σ幼儿 ÷ Σ专任教师; PQ4 Σ持证 ÷ Σ专任教师.
Thresholds come from the catalogue; kg_type values are the data dictionary's 公办 /
普惠性民办 / 非普惠性民办. Sums keep missing values missing (one kindergarten without
专任教师数 makes PQ3 缺数据, not a flattering ratio) and the detail names what is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.assessment.core import (
    MISSING,
    STR,
    Groups,
    all_met,
    compliance_details,
    item_rows,
    join_names,
    meets,
    numeric_columns,
    to_boolean,
)
from yichun.dictionary import sheet

PUBLIC = "公办"  # kg_type values of the data dictionary
INCLUSIVE = ("公办", "普惠性民办")
AREA_LABELS = {"outdoor_m2_per_child": "生均室外游戏场地", "activity_m2_per_child": "生均活动用房"}


def _flag(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A boolean column as 1.0/0.0/NaN."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return frame[name].astype("boolean").to_numpy(dtype=float, na_value=np.nan)


def kindergarten_checks(kgs: pd.DataFrame, cat) -> pd.DataFrame:
    """One row per kindergarten: per-child areas and the PQ1 check, class and teacher figures."""
    n = len(kgs)
    num = numeric_columns(kgs, [f.field for f in sheet("kindergartens").fields if f.type in ("int", "float")])
    out = {c: kgs[c].array for c in ("county",)}
    out["year"] = kgs["year"].to_numpy("int64")
    for c in ("kg_id", "kg_name", "kg_type", "area"):
        out[c] = kgs[c].array if c in kgs.columns else pd.array([""] * n, dtype=STR)
    children = num["children"]
    out["children"] = children
    out["township_center"] = to_boolean(_flag(kgs, "township_center"))
    out["estate_kindergarten"] = to_boolean(_flag(kgs, "estate_kindergarten"))
    pq1 = cat["PQ1"]
    flags = []
    for key, standard in pq1.thresholds.items():
        field = key.removesuffix("_per_child")
        area = num[field]
        with np.errstate(divide="ignore", invalid="ignore"):
            per_child = np.where(children > 0, area / np.where(children > 0, children, 1.0), np.where(children == 0, np.inf, np.nan))
        out[field] = area
        out[key] = per_child
        out[f"{field}_short"] = np.maximum(standard * children - area, 0)
        flags.append(meets(per_child, pq1.comparator, standard))
    out["PQ1_ok"] = to_boolean(all_met(*flags) if flags else np.full(n, np.nan))
    for f in ("classes", "oversized_classes", "teachers", "teachers_certified"):
        out[f] = num[f]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["children_per_teacher"] = np.where(out["teachers"] > 0, children / np.where(out["teachers"] > 0, out["teachers"], 1.0), np.nan)
    for c in ("source_file", "source_row"):
        if c in kgs.columns:
            out[c] = kgs[c].array
    return pd.DataFrame(out)


def assess_preschool(kg: pd.DataFrame, g: np.ndarray, wide: dict[str, np.ndarray], groups: Groups, cat) -> tuple[pd.DataFrame, list[dict]]:
    """(preschool frame, computed items) for every county-year of `groups`.

    `kg` is `kindergarten_checks(...)`, `g` its county-year codes, `wide[code]` the 县级指标 values.
    """
    n = groups.n
    nan = np.full(n, np.nan)
    children_col = kg["children"].to_numpy(float)
    kg_type = kg["kg_type"].to_numpy(dtype=object, na_value=None)
    names = kg["kg_name"].to_numpy(dtype=object, na_value=None)
    has_kg = groups.count(g) > 0
    none = np.where(has_kg, 0.0, np.nan)  # no kindergarten sheet: every sum is missing, not 0
    children = groups.sum(g, children_col) + none
    public = groups.sum(g, np.where(kg_type == PUBLIC, children_col, 0.0)) + none
    inclusive = groups.sum(g, np.where(np.isin(kg_type, INCLUSIVE), children_col, 0.0)) + none
    pop = wide.get("POP_3_5", nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = {
            "P1": np.where(pop > 0, children / pop, np.nan),
            "P2": np.where(children > 0, inclusive / children, np.nan),
            "P3": np.where(children > 0, public / children, np.nan),
        }
    nums = {"P1": children, "P2": inclusive, "P3": public}
    dens = {"P1": pop, "P2": children, "P3": children}
    num_labels = {"P1": "在园幼儿数", "P2": "公办园和普惠性民办园在园幼儿数", "P3": "公办园在园幼儿数"}
    items = []
    cols = {k: [] for k in ("g", "indicator", "name", "value", "standard", "met", "numerator", "denominator")}
    for code in ("P1", "P2", "P3"):
        ind = cat[code]
        t = float(ind.threshold())
        met = meets(values[code], ind.comparator, t)
        den_label = "3—5岁常住人口数(POP_3_5)" if code == "P1" else "在园幼儿总数"
        detail = [
            _missing_text(num, den, has, num_labels[code], den_label) if np.isnan(v)
            else f"{num_labels[code]} {num:,.0f} ÷ {den_label} {den:,.0f} = {v * 100:.2f}%" + ("" if m == 1 else f"，低于标准 {t * 100:.0f}%")
            for v, num, den, has, m in zip(values[code], nums[code], dens[code], has_kg, met)
        ]
        items.append(item_rows(code, values[code], met, detail))
        for k, v in (("g", np.arange(n)), ("indicator", [code] * n), ("name", [ind.name] * n), ("value", values[code]),
                     ("standard", np.full(n, t)), ("met", met), ("numerator", nums[code]), ("denominator", dens[code])):
            cols[k].append(np.asarray(v))
    gi = np.concatenate(cols["g"])
    order = np.argsort(gi, kind="stable")
    preschool = pd.DataFrame({
        "county": pd.array(groups.county[gi[order]], dtype=STR), "year": groups.year[gi[order]],
        "indicator": pd.array(np.concatenate(cols["indicator"])[order], dtype=STR),
        "name": pd.array(np.concatenate(cols["name"])[order], dtype=STR),
        "value": np.concatenate(cols["value"])[order], "standard": np.concatenate(cols["standard"])[order],
        "met": to_boolean(np.concatenate(cols["met"])[order]),
        "numerator": np.concatenate(cols["numerator"])[order], "denominator": np.concatenate(cols["denominator"])[order],
    })

    # PG3 公办乡镇中心园数 ≥ 乡镇数 × per_township
    pg3 = cat["PG3"]
    tc = _flag(kg, "township_center")
    known = groups.count(g, ~np.isnan(tc))
    n_centre = np.where(known > 0, groups.count(g, (tc == 1) & (kg_type == PUBLIC)), np.nan)
    towns = wide.get("TOWNSHIPS", nan)
    need = towns * float(pg3.thresholds.get("per_township", 1))
    met = meets(n_centre, pg3.comparator, need)
    detail = [
        (f"{MISSING}：" + ("未填乡镇数(TOWNSHIPS)" if np.isnan(t) else "幼儿园表未填是否乡镇公办中心园")) if np.isnan(c) or np.isnan(t)
        else f"公办乡镇中心园 {c:.0f} 所，乡镇 {t:.0f} 个" + ("" if m == 1 else f"，还差 {max(r - c, 0):.0f} 所")
        for c, t, r, m in zip(n_centre, towns, need, met)
    ]
    items.append(item_rows("PG3", n_centre, met, detail))

    # PG4 小区配套园 all 公办 or 普惠性民办 (none at all: nothing to fix)
    pg4 = cat["PG4"]
    est = _flag(kg, "estate_kindergarten")
    known = groups.count(g, ~np.isnan(est))
    estate = est == 1
    bad_mask = estate & ~np.isin(kg_type, INCLUSIVE)
    n_estate = groups.count(g, estate)
    n_ok = groups.count(g, estate & ~bad_mask)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n_estate > 0, n_ok / np.where(n_estate > 0, n_estate, 1), np.nan)
    met = np.where(known == 0, np.nan, np.where(n_estate == 0, 1.0, meets(share, pg4.comparator, pg4.threshold())))
    bad, n_bad = groups.lists(g, bad_mask, names)
    detail = [
        f"{MISSING}：幼儿园表未填是否小区配套园" if k == 0 else "本县无小区配套园，视为达标" if e == 0
        else f"小区配套园 {e:.0f} 所，其中公办或普惠性民办 {o:.0f} 所" + ("" if m == 1 else f"；非普惠：{join_names(b, nb)}")
        for k, e, o, m, b, nb in zip(known, n_estate, n_ok, met, bad, n_bad)
    ]
    items.append(item_rows("PG4", share, met, detail))

    # PQ1 every kindergarten meets all area standards; county share ≥ county_threshold
    pq1 = cat["PQ1"]
    ok = kg["PQ1_ok"].to_numpy(dtype=float, na_value=np.nan)
    n_kg = groups.count(g)
    n_ok = groups.count(g, ok == 1)
    n_na = groups.count(g, np.isnan(ok))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n_kg > 0, n_ok / np.where(n_kg > 0, n_kg, 1), np.nan)
    county_t = float((pq1.extra.get("county_threshold") or {}).get("all", 1.0))
    met = meets(share, ">=", county_t)
    met = np.where((met == 0) & (n_na > 0) & (n_ok + n_na >= county_t * n_kg), np.nan, met)  # could pass with the missing data
    bad, n_bad = groups.lists(g, ok == 0, names)
    na, n_na = groups.lists(g, np.isnan(ok), names)
    label = "和".join(AREA_LABELS.get(k, k) for k in pq1.thresholds)
    detail = compliance_details(n_kg, n_ok, bad, n_bad, na, n_na, what="幼儿园", ok_text=f"{label}均达标", bad_label="未达标",
                                none_text="无幼儿园数据")
    items.append(item_rows("PQ1", share, met, detail))

    # PQ2 班额达标率 = 1 − Σ超标班额班级数 ÷ Σ班级数
    classes = groups.sum(g, kg["classes"].to_numpy(float)) + none
    over = groups.sum(g, kg["oversized_classes"].to_numpy(float)) + none
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(classes > 0, 1 - over / np.where(classes > 0, classes, 1), np.nan)
    pq2 = cat["PQ2"]
    met = meets(rate, pq2.comparator, pq2.threshold())
    detail = [
        f"班级 {c:,.0f} 个，超标班额 {o:,.0f} 个，达标率 {r * 100:.1f}%" if not np.isnan(r)
        else f"{MISSING}：" + ("班级数或超标班额班级数未填全" if h else "无幼儿园数据")
        for c, o, r, h in zip(classes, over, rate, has_kg)
    ]
    items.append(item_rows("PQ2", rate, met, detail))

    # PQ3 幼儿 ÷ 专任教师 ≤ 15; PQ4 持证 ÷ 专任教师 ≥ 100%
    teachers = groups.sum(g, kg["teachers"].to_numpy(float)) + none
    certified = groups.sum(g, kg["teachers_certified"].to_numpy(float)) + none
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(teachers > 0, children / np.where(teachers > 0, teachers, 1), np.nan)
        cert = np.where(teachers > 0, certified / np.where(teachers > 0, teachers, 1), np.nan)
    pq3, pq4 = cat["PQ3"], cat["PQ4"]
    met3 = meets(ratio, pq3.comparator, pq3.threshold())
    met4 = meets(cert, pq4.comparator, pq4.threshold())
    d3 = [f"在园幼儿 {c:,.0f} 人 ÷ 专任教师 {t:,.0f} 人 = {r:.2f}" if not np.isnan(r) else f"{MISSING}：专任教师数或在园幼儿数未填全"
          for c, t, r in zip(children, teachers, ratio)]
    d4 = [f"持证专任教师 {c:,.0f} 人 ÷ 专任教师 {t:,.0f} 人 = {r * 100:.1f}%" if not np.isnan(r) else f"{MISSING}：持证专任教师数或专任教师数未填全"
          for c, t, r in zip(certified, teachers, cert)]
    items.append(item_rows("PQ3", ratio, met3, d3))
    items.append(item_rows("PQ4", cert, met4, d4))
    return preschool, items


def _missing_text(num, den, has_kg, num_label, den_label) -> str:
    if not has_kg:
        return f"{MISSING}：无幼儿园数据"
    if np.isnan(num):
        return f"{MISSING}：{num_label}未填全"
    if np.isnan(den) or den == 0:
        return f"{MISSING}：未填{den_label}"
    return MISSING
