"""学前教育 (preschool) track: P1–P3 (普及普惠水平) and the indicators computed from the
kindergarten sheet (PG3, PG4, PQ1–PQ4), per county and year.

P1 = Σ在园幼儿 ÷ POP_3_5; P2 = (公办 + 普惠性民办)在园幼儿 ÷ 全部; P3 = 公办 ÷ 全部 (a
kindergarten without 办园性质 leaves P2/P3 缺数据); PG3 township by township: every 乡/镇 has a
公办 乡镇中心园 and every 街道 a 公办 or 普惠性民办 kindergarten (the list from the 乡镇 sheet,
else from the kindergarten sheet, cross-checked with TOWNSHIPS); PG4 小区配套园 all 公办 or
普惠性民办; PQ1 each area standard separately: 100% of the kindergartens designed in or after
the cutoff year meet it and ≥ 50% of the older ones (docs/domain.md §3); PQ2 班额达标率 = 1 −
Σ超标班额班级 ÷ Σ班级; PQ3 Σ幼儿 ÷ Σ专任教师; PQ4 (Σ持证专任教师 + 持证园长) ÷ (Σ专任教师 + 园长).
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
    TOL,
    Groups,
    all_met,
    fmt_number,
    item_rows,
    join_names,
    meets,
    numeric_columns,
    objects,
    to_boolean,
)
from yichun.dictionary import field_header, sheet

PUBLIC = "公办"  # kg_type values of the data dictionary
INCLUSIVE = ("公办", "普惠性民办")
AREA_LABELS = {"outdoor_m2_per_child": "生均室外游戏场地", "activity_m2_per_child": "幼儿活动用房生均建筑面积",
               "building_m2_per_child": "园舍生均建筑面积"}


def _flag(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A boolean column as 1.0/0.0/NaN."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return frame[name].astype("boolean").to_numpy(dtype=float, na_value=np.nan)


def kindergarten_checks(kgs: pd.DataFrame, cat) -> pd.DataFrame:
    """One row per kindergarten: per-child areas and the PQ1 check, class and teacher figures."""
    n = len(kgs)
    num = numeric_columns(kgs, [f.field for f in sheet("kindergartens").fields if f.type in ("int", "float", "year")] + ["design_year"])
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
        flag = meets(per_child, pq1.comparator, standard)
        out[f"{field}_ok"] = to_boolean(flag)
        flags.append(flag)
    out["PQ1_ok"] = to_boolean(all_met(*flags) if flags else np.full(n, np.nan))
    out["design_year"] = num["design_year"] if "design_year" in num else np.full(n, np.nan)
    out["township"] = kgs["township"].array if "township" in kgs.columns else pd.array([pd.NA] * n, dtype=STR)
    out["head_certified"] = to_boolean(_flag(kgs, "head_certified"))
    for f in ("classes", "oversized_classes", "teachers", "teachers_certified"):
        out[f] = num[f]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["children_per_teacher"] = np.where(out["teachers"] > 0, children / np.where(out["teachers"] > 0, out["teachers"], 1.0), np.nan)
    for c in ("source_file", "source_row"):
        if c in kgs.columns:
            out[c] = kgs[c].array
    return pd.DataFrame(out)


def assess_preschool(kg: pd.DataFrame, g: np.ndarray, wide: dict[str, np.ndarray], groups: Groups, cat,
                     townships: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[dict], pd.DataFrame]:
    """(preschool frame, computed items, kg with the PQ1 `*_needed` flags) for every county-year of `groups`.

    `kg` is `kindergarten_checks(...)`, `g` its county-year codes, `wide[code]` the 县级指标 values,
    `townships` the optional 乡镇 sheet (county, year, township, township_kind).
    """
    n = groups.n
    nan = np.full(n, np.nan)
    children_col = kg["children"].to_numpy(float)
    kg_type = objects(kg["kg_type"])
    names = objects(kg["kg_name"])
    has_kg = groups.count(g) > 0
    none = np.where(has_kg, 0.0, np.nan)  # no kindergarten sheet: every sum is missing, not 0
    children = groups.sum(g, children_col) + none
    # a kindergarten with children but no 办园性质 could be in either group: P2/P3 stay missing
    no_type = np.array([t is None for t in kg_type], dtype=bool) if len(kg_type) else np.zeros(0, bool)
    untyped = np.where(no_type, np.nan, 0.0)
    public = groups.sum(g, np.where(kg_type == PUBLIC, children_col, untyped)) + none
    inclusive = groups.sum(g, np.where(np.isin(kg_type, INCLUSIVE), children_col, untyped)) + none
    pop = wide.get("POP_3_5", nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = {
            "P1": np.where(pop > 0, children / pop, np.nan),
            "P2": np.where(children > 0, inclusive / children, np.nan),
            "P3": np.where(children > 0, public / children, np.nan),
        }
    nums = {"P1": children, "P2": inclusive, "P3": public}
    dens = {"P1": pop, "P2": children, "P3": children}
    num_labels = {"P1": "在园幼儿数", "P2": "公办园和普惠性民办园在园幼儿数(办园性质须填全)", "P3": "公办园在园幼儿数(办园性质须填全)"}
    items = []
    cols: dict[str, list] = {k: [] for k in ("g", "indicator", "name", "value", "standard", "met", "numerator", "denominator")}
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

    items.append(_pg3(kg, g, wide, groups, cat, townships))
    items.append(_pg4(kg, g, groups, cat))
    pq1_item, kg = _pq1(kg, g, groups, cat)
    items.append(pq1_item)

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

    # PQ3 幼儿 ÷ 专任教师 ≤ 15; PQ4 (持证专任教师 + 持证园长) ÷ (专任教师 + 园长) ≥ 100%
    teachers = groups.sum(g, kg["teachers"].to_numpy(float)) + none
    certified = groups.sum(g, kg["teachers_certified"].to_numpy(float)) + none
    head = kg["head_certified"].to_numpy(dtype=float, na_value=np.nan)
    heads = groups.count(g) + none
    heads_cert = groups.sum(g, head) + none  # a head without 是/否 keeps the rate missing
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(teachers > 0, children / np.where(teachers > 0, teachers, 1), np.nan)
        staff = teachers + heads
        cert = np.where(staff > 0, (certified + heads_cert) / np.where(staff > 0, staff, 1), np.nan)
    pq3, pq4 = cat["PQ3"], cat["PQ4"]
    met3 = meets(ratio, pq3.comparator, pq3.threshold())
    met4 = meets(cert, pq4.comparator, pq4.threshold())
    d3 = [f"在园幼儿 {c:,.0f} 人 ÷ 专任教师 {t:,.0f} 人 = {r:.2f}" if not np.isnan(r) else f"{MISSING}：专任教师数或在园幼儿数未填全"
          for c, t, r in zip(children, teachers, ratio)]
    miss_t, n_mt = groups.lists(g, np.isnan(kg["teachers"].to_numpy(float)) | np.isnan(kg["teachers_certified"].to_numpy(float)), names)
    miss_h, n_mh = groups.lists(g, np.isnan(head), names)
    d4 = []
    for c, t, hc, h, r, m, mt, nmt, mh, nmh in zip(certified, teachers, heads_cert, heads, cert, met4, miss_t, n_mt, miss_h, n_mh):
        if np.isnan(r):
            parts = []
            if mt:
                parts.append("专任教师数或持证专任教师数未填：" + join_names(mt, nmt))
            if mh:
                parts.append("园长是否持证未填：" + join_names(mh, nmh))
            d4.append(f"{MISSING}：" + ("；".join(parts) or "无幼儿园数据"))
            continue
        text = f"(持证专任教师 {c:,.0f} 人 + 持证园长 {hc:,.0f} 人) ÷ (专任教师 {t:,.0f} 人 + 园长 {h:,.0f} 人) = {_pct_floor(r)}"
        if m != 1:
            text += f"，{t - c:,.0f} 名专任教师、{h - hc:,.0f} 名园长未持证"
        d4.append(text)
    items.append(item_rows("PQ3", ratio, met3, d3))
    items.append(item_rows("PQ4", cert, met4, d4))
    return preschool, items, kg


def _missing_text(num, den, has_kg, num_label, den_label) -> str:
    if not has_kg:
        return f"{MISSING}：无幼儿园数据"
    if np.isnan(num):
        return f"{MISSING}：{num_label}未填全"
    if np.isnan(den) or den == 0:
        return f"{MISSING}：未填{den_label}"
    return MISSING


def _pct_floor(r: float, digits: int = 1) -> str:
    """A share as a percentage that never rounds a failing value up to the standard (99.96% → 99.9%)."""
    scale = 10 ** digits
    return f"{np.floor(r * 100 * scale + 1e-9) / scale:.{digits}f}%"


def _township_kind(name: str, kinds: dict) -> str | None:
    """乡/镇 → "township", 街道 → "street", from the name's ending when there is no 乡镇 sheet."""
    for kind, endings in kinds.items():
        if any(str(name).endswith(e) for e in endings):
            return kind
    return None


def _pg3(kg: pd.DataFrame, g: np.ndarray, wide: dict, groups: Groups, cat, townships: pd.DataFrame | None) -> dict:
    """PG3 township by township: each 乡/镇 ≥ per_township 公办 central kindergartens, each 街道 ≥ per_street
    公办 or 普惠性民办 kindergartens. Two centres in one township cannot hide a township with none.

    The list of townships is the 乡镇 sheet's; without it, the kindergartens' 所在乡镇(街道) (the detail
    says so), and a TOWNSHIPS figure larger than that list means townships with no kindergarten at all.
    A kindergarten without 乡镇 or without 是否乡镇公办中心园 that could be a township's missing centre
    leaves the verdict 缺数据. The item dict carries `short`, the number of townships/streets lacking one.
    """
    ind = cat["PG3"]
    kinds = {k: tuple(v) for k, v in (ind.extra.get("township_kinds") or {"township": ("乡", "镇"), "street": ("街道",)}).items()}
    need = {"township": float(ind.thresholds.get("per_township", 1)), "street": float(ind.thresholds.get("per_street", 1))}
    n = groups.n
    kg_type = objects(kg["kg_type"])
    town = objects(kg["township"])
    tc = _flag(kg, "township_center")
    names = kg["kg_name"].to_numpy(dtype=object, na_value="")
    public = kg_type == PUBLIC
    # per kindergarten: counts for a township (公办中心园) / for a street (公办或普惠), and "could count" when data are missing
    counts = {"township": public & (tc == 1), "street": np.isin(kg_type, INCLUSIVE)}
    could = {"township": (public & np.isnan(tc)) | (np.array([t is None for t in kg_type], bool) & (tc != 0)),
             "street": np.array([t is None for t in kg_type], bool)}
    listed: dict[int, dict[str, str]] = {}
    if townships is not None and len(townships):
        kind_col = objects(townships["township_kind"])
        for code, name, kind in zip(groups.codes(townships), objects(townships["township"]), kind_col):
            if code >= 0 and name:
                by_kind = next((k for k, v in kinds.items() if kind in v), None)
                listed.setdefault(int(code), {})[str(name)] = by_kind or _township_kind(name, kinds) or "township"
    towns_input = wide.get("TOWNSHIPS", np.full(n, np.nan))
    value, met, short_n, detail = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan), []
    order = np.argsort(g, kind="stable")
    bounds = np.searchsorted(g[order], np.arange(n + 1)) if len(g) else np.zeros(n + 1, dtype=int)
    for i in range(n):
        rows = order[bounds[i]:bounds[i + 1]]
        from_sheet = i in listed
        if not len(rows) and not from_sheet:
            detail.append(f"{MISSING}：无幼儿园数据")
            continue
        if from_sheet:
            towns = listed[i]
        else:
            towns = {}
            for t in town[rows]:
                if t:
                    towns.setdefault(str(t), _township_kind(t, kinds) or "township")
        no_town = rows[[town[r] is None for r in rows]] if len(rows) else rows
        short, unknown = [], []
        for t, kind in towns.items():
            here = rows[[town[r] == t for r in rows]] if len(rows) else rows
            if counts[kind][here].sum() >= need[kind]:
                continue
            if could[kind][here].any() or (counts[kind] | could[kind])[no_town].any():
                unknown.append(t)
            else:
                short.append(t + ("（街道，无公办园或普惠性民办园）" if kind == "street" else "（无公办乡镇中心园）"))
        n_t = sum(1 for k in towns.values() if k == "township")
        unseen = towns_input[i] - n_t if not from_sheet and towns_input[i] == towns_input[i] and towns_input[i] > n_t else 0
        value[i] = len(towns) - len(short) - len(unknown)
        short_n[i] = len(short) + unseen
        source = "乡镇表" if from_sheet else "幼儿园表（未报乡镇表，名单取自各园所在乡镇(街道)）"
        text = f"乡镇 {n_t} 个、街道 {len(towns) - n_t} 个（名单来自{source}），{value[i]:.0f} 个符合要求"
        if short:
            text += "；不符合：" + join_names(short)
        if unseen:
            text += f"；县级指标填报乡镇 {towns_input[i]:.0f} 个，幼儿园表只出现 {n_t} 个：{unseen:.0f} 个乡镇没有任何幼儿园"
        if unknown:
            text += f"；{MISSING}：{join_names(unknown)}（有幼儿园未填办园性质、所在乡镇或是否乡镇公办中心园）"
        if len(no_town):
            text += "；未填所在乡镇(街道)的幼儿园：" + join_names([names[r] for r in no_town])
        if short or unseen:
            met[i] = 0.0
        elif unknown or not towns or (len(no_town) and not from_sheet and towns_input[i] != towns_input[i]):
            met[i] = np.nan  # a kindergarten without 乡镇 may stand in a township nobody listed
            if not unknown:
                text += f"；{MISSING}：乡镇名单不完整（未报乡镇表和乡镇数，且有幼儿园未填所在乡镇）" if towns else f"；{MISSING}：幼儿园均未填所在乡镇(街道)"
        else:
            met[i] = 1.0
        detail.append(text)
    out = item_rows("PG3", value, met, detail)
    out["short"] = short_n
    return out


def _pg4(kg: pd.DataFrame, g: np.ndarray, groups: Groups, cat) -> dict:
    """PG4 小区配套园 all 公办 or 普惠性民办; a non-inclusive kindergarten without 是否小区配套园 leaves it missing."""
    pg4 = cat["PG4"]
    kg_type = objects(kg["kg_type"])
    names = kg["kg_name"].to_numpy(dtype=object, na_value="")
    est = _flag(kg, "estate_kindergarten")
    has = groups.count(g)
    estate = est == 1
    inclusive = np.isin(kg_type, INCLUSIVE)
    bad_mask = estate & ~inclusive
    unknown_mask = np.isnan(est) & ~inclusive  # could be a non-inclusive estate kindergarten
    n_estate = groups.count(g, estate)
    n_ok = groups.count(g, estate & inclusive)
    n_unknown = groups.count(g, unknown_mask)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n_estate > 0, n_ok / np.where(n_estate > 0, n_estate, 1), np.nan)
    judged = np.where(n_estate == 0, 1.0, meets(share, pg4.op, pg4.threshold()))
    met = np.where(has == 0, np.nan, np.where(judged == 0, 0.0, np.where(n_unknown > 0, np.nan, judged)))
    bad, n_bad = groups.lists(g, bad_mask, names)
    unk, n_unk = groups.lists(g, unknown_mask, names)

    def describe(h, e, o, b, nb, u, nu) -> str:
        if h == 0:
            return f"{MISSING}：无幼儿园数据"
        text = "本县未报小区配套园" if e == 0 else f"小区配套园 {e:.0f} 所，其中公办或普惠性民办 {o:.0f} 所"
        text += f"；非普惠：{join_names(b, nb)}" if b else ""
        return text + (f"；{MISSING}：未填是否小区配套园的非普惠幼儿园 {join_names(u, nu)}" if u else "")

    detail = [describe(*row) for row in zip(has, n_estate, n_ok, bad, n_bad, unk, n_unk)]
    # `short`: the 小区配套园 that are neither 公办 nor 普惠性民办 (the gap's county row counts these)
    return {**item_rows("PG4", share, met, detail), "short": groups.count(g, bad_mask).astype(float)}


def _pq1(kg: pd.DataFrame, g: np.ndarray, groups: Groups, cat) -> tuple[dict, pd.DataFrame]:
    """PQ1 each area standard separately: share_from_cutoff (100%) of kindergartens designed in or after
    the cutoff year meet it and share_before_cutoff (50%) of the older ones.

    Unknowns (a missing area or design year) are bounded: met when the rule holds even if every
    unknown went the wrong way, failed when it fails even if every unknown went the right way,
    缺数据 otherwise. Also flags, per kindergarten and standard, whether fixing it is needed
    (`<field>_needed`): every failing new one, and the cheapest old ones to reach the share.
    """
    pq1 = cat["PQ1"]
    rule = pq1.extra.get("design_year_rule") or {}
    cutoff = float(rule.get("cutoff", 2017))
    s_new = float(rule.get("share_from_cutoff", 1.0))
    s_old = float(rule.get("share_before_cutoff", 0.5))
    n = groups.n
    names = kg["kg_name"].to_numpy(dtype=object, na_value="")
    year = kg["design_year"].to_numpy(dtype=float, na_value=np.nan) if "design_year" in kg.columns else np.full(len(kg), np.nan)
    new, old, unk_year = year >= cutoff, year < cutoff, np.isnan(year)
    has = groups.count(g)
    verdicts: list[np.ndarray] = []
    texts: list[list[str]] = [[] for _ in range(n)]
    kg_add: dict[str, np.ndarray] = {}

    def passes(ok_count, total, share):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, ok_count >= share * total - TOL, True)

    for key, standard in pq1.thresholds.items():
        field = key.removesuffix("_per_child")
        f = kg[f"{field}_ok"].to_numpy(dtype=float, na_value=np.nan)
        ok, bad, unk = f == 1, f == 0, np.isnan(f)
        c = lambda m: groups.count(g, m)  # noqa: E731
        N_tot, N_ok = c(new), c(new & ok)
        O_tot, O_ok, O_unk = c(old), c(old & ok), c(old & unk)
        U_tot, U_ok, U_unk = c(unk_year), c(unk_year & ok), c(unk_year & unk)
        # worst case: unknown areas fail, unknown years are new (the strict group)
        worst = passes(N_ok + U_ok, N_tot + U_tot, s_new) & passes(O_ok, O_tot, s_old)
        # best case: unknown areas meet, unknown years are old (the lenient group)
        best = passes(N_ok + c(new & unk), N_tot, s_new) & passes(O_ok + O_unk + U_ok + U_unk, O_tot + U_tot, s_old)
        v = np.where(has == 0, np.nan, np.where(worst, 1.0, np.where(~best, 0.0, np.nan)))
        verdicts.append(v)
        label = AREA_LABELS.get(key, key)
        failing, n_failing = groups.lists(g, bad, names)
        for i in range(n):
            if has[i] == 0:
                continue
            groups_text = []
            if N_tot[i]:
                groups_text.append(f"{cutoff:.0f}年及以后设计的 {N_tot[i]:.0f} 所中 {N_ok[i]:.0f} 所达标（应{s_new * 100:.0f}%）")
            if O_tot[i]:
                groups_text.append(f"{cutoff:.0f}年以前设计的 {O_tot[i]:.0f} 所中 {O_ok[i]:.0f} 所达标（应≥{s_old * 100:.0f}%）")
            if U_tot[i]:
                groups_text.append(f"未填规划设计年份 {U_tot[i]:.0f} 所")
            piece = f"{label}≥{fmt_number(standard)}㎡：" + "，".join(groups_text)
            piece += "" if v[i] == 1 else "，不符合" if v[i] == 0 else f"，{MISSING}"
            if failing[i]:
                piece += "（未达标：" + join_names(failing[i], n_failing[i]) + "）"
            texts[i].append(piece)
        # which kindergartens must be fixed: every failing new (or undated) one, and the cheapest old ones
        short = kg[f"{field}_short"].to_numpy(float)
        needed = bad & (new | unk_year)
        old_bad = np.flatnonzero(old & bad & (g >= 0))
        if len(old_bad):
            for gi in np.unique(g[old_bad]):
                at = old_bad[g[old_bad] == gi]
                missing_ok = int(np.ceil(s_old * O_tot[gi] - TOL)) - int(O_ok[gi])
                if missing_ok > 0:
                    needed[at[np.argsort(short[at], kind="stable")[:missing_ok]]] = True
        kg_add[f"{field}_needed"] = needed
    met = all_met(*verdicts) if verdicts else np.full(n, np.nan)
    met = np.where(has == 0, np.nan, met)
    ok_all = kg["PQ1_ok"].to_numpy(dtype=float, na_value=np.nan)
    n_ok = groups.count(g, ok_all == 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(has > 0, n_ok / np.where(has > 0, has, 1), np.nan)
    children = kg["children"].to_numpy(float)
    area_fields = [k.removesuffix("_per_child") for k in pq1.thresholds]

    def missing_what(idx):
        out = []
        for i in idx:
            empty = [field_header("kindergartens", "children")] if np.isnan(children[i]) else []
            empty += [field_header("kindergartens", f) for f in area_fields if np.isnan(kg[f].iat[i])]
            if unk_year[i]:
                empty.append(field_header("kindergartens", "design_year"))
            out.append(names[i] + "（未填" + "、".join(empty) + "）")
        return np.array(out, dtype=object)

    na, n_na = groups.lists(g, np.isnan(ok_all) | (unk_year & (ok_all != 1)), missing_what)
    detail = []
    for i in range(n):
        if has[i] == 0:
            detail.append(f"{MISSING}：无幼儿园数据")
            continue
        text = "；".join(texts[i])
        if na[i]:
            text += f"；{MISSING}：" + join_names(na[i], n_na[i])
        detail.append(text)
    return item_rows("PQ1", share, met, detail), kg.assign(**kg_add)
