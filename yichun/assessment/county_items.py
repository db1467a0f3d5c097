"""County items: one row per county × year × catalogue indicator.

Computed here from the school frames: R1–R7 (the school rule seen indicator by indicator:
an R item fails when a counted school part misses it *and* thereby fails the 6-of-7 rule),
the balance rule CV (rules.balance_rule), G3/G4/G5 (checked school by school: met when every
counted school complies, value = share of compliant schools) and G12 (Σ持证 ÷ Σ专任教师 over
counted schools). Read from the 县级指标 sheet: every other A-class item through its catalogue
conditions (`meets`, the vectorised `yichun.catalogue.compare`) and every B-class item through
its rating (优/良/中/差 against rules.b_rule.min_rating). Missing data is never a pass: `met` is NA
and the detail says 缺数据 and what is missing. Vetoes: a 一票否决 item (catalogue `veto`) that
is not met sets `veto`. The preschool items computed from the kindergarten sheet come from
`preschool.assess_preschool`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.assessment.compulsory import SUFFIX, Balance, SchoolFrames
from yichun.assessment.core import (
    COMPULSORY,
    MISSING,
    OPS,
    STR,
    Groups,
    all_met,
    compliance_details,
    fmt_array,
    fmt_number,
    fmt_standard,
    fmt_value,
    item_rows,
    join_names,
    meets,
    objects,
    to_boolean,
)
from yichun.catalogue import Catalogue, Indicator
from yichun.dictionary import field_header

ITEM_COLUMNS = ["county", "year", "track", "code", "name", "dimension", "klass", "value", "standard", "met", "rating",
                "detail", "veto"]


def wide_inputs(county_inputs: pd.DataFrame, groups: Groups) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """县级指标 as {code: values per county-year} and {code: ratings per county-year}."""
    if county_inputs is None or county_inputs.empty or not groups.n:
        return {}, {}
    g = groups.codes(county_inputs)
    ok = g >= 0
    codes, uniq = pd.factorize(county_inputs["code"])
    ok &= codes >= 0
    vals = county_inputs["value"].to_numpy(dtype=float, na_value=np.nan) if "value" in county_inputs else np.full(len(g), np.nan)
    rats = objects(county_inputs["rating"]) if "rating" in county_inputs else np.full(len(g), None)
    vmat = np.full((len(uniq), groups.n), np.nan)
    rmat = np.full((len(uniq), groups.n), None, dtype=object)
    vmat[codes[ok], g[ok]] = vals[ok]  # duplicates: the last row wins
    rmat[codes[ok], g[ok]] = rats[ok]
    return {c: vmat[i] for i, c in enumerate(uniq)}, {c: rmat[i] for i, c in enumerate(uniq)}


def _verdict(n_total, n_false, n_na) -> np.ndarray:
    """0 when something fails, NaN when something is missing (and nothing fails), NaN with nothing to judge, else 1."""
    return np.where(n_total == 0, np.nan, np.where(n_false > 0, 0.0, np.where(n_na > 0, np.nan, 1.0)))


def _share(part, total) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, part / np.where(total > 0, total, 1), np.nan)


# ----------------------------------------------------------------------------- compulsory
def compulsory_items(sf: SchoolFrames, bal: Balance, cv_met: np.ndarray, levels: list[str], groups: Groups, cat: Catalogue) -> list[dict]:
    return [*_r_items(sf, groups, cat), _cv_item(bal, cv_met, levels, groups, cat), *_school_check_items(sf, groups, cat)]


def _r_items(sf: SchoolFrames, groups: Groups, cat: Catalogue) -> list[dict]:
    rule = cat.rules["school_rule"]
    p = sf.part_arrays
    g = np.where(p["counted"], sf.g_parts, -1)
    n_parts = groups.count(g)
    rule_met = p["rule_met"]
    rows = []
    head = f"未达标且使学校不符合「{rule['min_met']}项达标、余项≥{rule['remainder_ratio'] * 100:.0f}%」："
    scope = f"（范围：{cat.scope().label}）"
    for code in rule["indicators"]:
        met = p[f"{code}_met"]
        # fails: below the standard at a part that fails the school rule; 缺数据: the value is
        # missing, or it is below the standard at a part whose rule is undecided (missing data)
        off_false = (rule_met == 0) & (met == 0)
        off_na = np.isnan(met) | (np.isnan(rule_met) & (met == 0))
        n_met = groups.count(g, met == 1)
        n_false, n_na, n_below = groups.count(g, off_false), groups.count(g, off_na), groups.count(g, (rule_met == 1) & (met == 0))
        x = sf.part_arrays[code]
        ratio = sf.part_arrays[f"{code}_ratio"]

        def texts(idx, x=x, ratio=ratio):
            pct = fmt_array(ratio[idx] * 100, 0)
            return sf.labels[idx] + " " + fmt_array(x[idx]) + "（达标准的" + pct + "%）"

        def missing_texts(idx, x=x, code=code):
            return np.where(np.isnan(x[idx]), sf.labels[idx] + "（未填" + missing_fields(sf, code, idx) + "）",
                            sf.labels[idx] + "（本项未达标准，其他指标缺数据，学校是否符合要求无法判定）")

        bad, n_bad = groups.lists(g, off_false, texts)
        miss, n_miss = groups.lists(g, off_na, missing_texts)
        detail = []
        for n, k, nb, b, nbad, m, nm in zip(n_parts, n_met, n_below, bad, n_bad, miss, n_miss):
            if n == 0:
                detail.append(f"{MISSING}：无计入县域计算的学校")
                continue
            text = f"计入学校(学段) {n:.0f} 个，达到标准 {k:.0f} 个"
            if b:
                text += "；" + head + join_names(b, nbad)
            if m:
                text += f"；{MISSING}：" + join_names(m, nm)
            if nb:
                text += f"；另有 {nb:.0f} 个低于标准但学校整体符合要求"
            detail.append(text + scope)
        rows.append(item_rows(code, _share(n_met, n_parts), _verdict(n_parts, n_false, n_na), detail))
    return rows


def missing_fields(sf: SchoolFrames, code: str, idx: np.ndarray) -> np.ndarray:
    """For parts at `idx` whose `code` value is missing: the header(s) of the empty field(s)."""
    spec = sf.specs[code]
    level = sf.part_arrays["level"][idx]
    out = np.full(len(idx), "", dtype=object)
    students = sf.part_arrays["students"][idx]
    resource = sf.part_arrays[spec.resource][idx]
    for lv, sfx in SUFFIX.items():
        at = level == lv
        if not at.any():
            continue
        res_header = field_header("schools", f"{spec.resource}_{sfx}" if spec.per_level else spec.resource)
        stu_header = field_header("schools", f"students_{sfx}")
        out[at] = np.where(np.isnan(students[at]) & np.isnan(resource[at]), stu_header + "、" + res_header,
                           np.where(np.isnan(students[at]) | (students[at] == 0), stu_header, res_header))
    return out


def _cv_item(b: Balance, met: np.ndarray, levels: list[str], groups: Groups, cat: Catalogue) -> dict:
    rule = cat.rules["balance_rule"]
    codes = list(cat.rules["school_rule"]["indicators"])
    defined = ~np.isnan(b.cv)
    missing = (b.n_schools < b.n_counted) & (b.n_counted >= 2)  # a counted school lacks the value
    few = ~defined & ~missing
    n_groups = groups.count(b.g)
    n_def = groups.count(b.g, defined & ~missing)
    n_ok = groups.count(b.g, met == 1)
    n_bad = groups.count(b.g, met == 0)
    n_miss = groups.count(b.g, missing)
    limits = rule["limits"]
    level_names = np.array(levels, dtype=object)[b.level]
    names = level_names + np.array(codes, dtype=object)[b.k]
    limit = np.array([float(limits[lv]) for lv in levels])[b.level] if len(b.level) else np.zeros(0)
    bad, n_bad = groups.lists(b.g, met == 0, lambda i: names[i] + " " + fmt_array(b.cv[i], 3) + " > " + fmt_array(limit[i]), 14)
    miss, n_mi = groups.lists(b.g, missing, lambda i: names[i] + "（" + (b.n_counted[i] - b.n_schools[i]).astype(str).astype(object)
                              + " 所计入学校缺数据）", 14)
    few_l, _ = groups.lists(b.g, few, level_names, None)
    detail = []
    for ng, nd, bd, ms, fw, nb, nm in zip(n_groups, n_def, bad, miss, few_l, n_bad, n_mi):
        if ng == 0:
            detail.append(f"{MISSING}：无计入县域计算的学校")
            continue
        pieces = []
        if bd:
            pieces.append("超过上限：" + join_names(bd, nb, 14))
        if ms:
            pieces.append(f"{MISSING}：{join_names(ms, nm, 14)}")
        if fw:
            pieces.append("、".join(dict.fromkeys(fw)) + "计入学校不足2所，差异系数不适用")
        if not (bd or ms):
            pieces.insert(0, f"{nd:.0f} 项差异系数均不超过上限")
        detail.append("；".join(pieces) + f"（范围：{cat.scope().label}）")
    value = _share(n_ok, n_def)
    m = np.where(n_groups == 0, np.nan, np.where(n_bad > 0, 0.0, np.where(n_miss > 0, np.nan, 1.0)))
    return item_rows(rule.get("code", "CV"), value, m, detail)


def _school_check_items(sf: SchoolFrames, groups: Groups, cat: Catalogue) -> list[dict]:
    c = sf.school_arrays
    g = np.where(c["checked"], sf.g_schools, -1)
    n = groups.count(g)
    names = c["school_name"]
    g3 = cat["G3"].thresholds
    rows = []
    for code in ("G3", "G4", "G5"):
        ok = c[f"{code}_ok"]
        bad, n_bad = groups.lists(g, ok == 0, lambda idx, code=code: _offender_texts(code, c, names, idx, g3))
        na, n_na = groups.lists(g, np.isnan(ok), lambda idx, code=code: names[idx] + "（未填" + check_missing(code, c, idx) + "）")
        n_ok = groups.count(g, ok == 1)
        detail = compliance_details(n, n_ok, bad, n_bad, na, n_na, what="学校", ok_text="符合", bad_label="不符合",
                                    none_text="无纳入核查的学校")
        scope = cat.scope(code).label
        detail = [d + (f"（范围：{scope}）" if scope else "") for d in detail]
        rows.append(item_rows(code, _share(n_ok, n), _verdict(n, groups.count(g, ok == 0), groups.count(g, np.isnan(ok))), detail))
    # G12 持证上岗率 over the teachers of every compulsory school (rules.item_scopes; missing figures keep the rate missing)
    g12 = cat["G12"]
    g = np.where(c["teachers_counted"], sf.g_schools, -1)
    tt, tc = c["teachers_total"], c["teachers_certified"]
    total, cert = groups.sum(g, tt), groups.sum(g, tc)
    rate = _share(cert, total)
    m = meets(rate, g12.op, g12.threshold())
    miss, n_miss = groups.lists(g, np.isnan(tt) | np.isnan(tc), lambda idx: names[idx] + "（未填" + np.where(
        np.isnan(tt[idx]) & np.isnan(tc[idx]), "专任教师数、持证专任教师数", np.where(np.isnan(tt[idx]), "专任教师数", "持证专任教师数")) + "）")
    scope = cat.scope("G12").label
    detail = [
        (f"{MISSING}：" + (join_names(ms, nm) if ms else "无纳入核查的学校")) if np.isnan(r)
        else f"持证专任教师 {ce:,.0f} 人 ÷ 专任教师 {t:,.0f} 人 = {r * 100:.2f}%" + ("" if mm == 1 else f"，{t - ce:,.0f} 人未持证")
        for t, ce, r, mm, ms, nm in zip(total, cert, rate, m, miss, n_miss)
    ]
    detail = [d + (f"（范围：{scope}）" if scope else "") for d in detail]
    rows.append(item_rows("G12", rate, m, detail))
    return rows


CHECK_FIELDS = {"G3": ("music_rooms", "art_rooms", "music_room_min_m2", "art_room_min_m2", "classes_primary", "classes_junior"),
                "G4": ("students_primary", "students_junior"), "G5": ("max_class_primary", "max_class_junior")}


def check_missing(code: str, c: dict, idx: np.ndarray) -> np.ndarray:
    """The headers of the empty fields behind a 缺数据 G3/G4/G5 check (the school-check arrays at `idx`)."""
    out = []
    for i in idx:
        empty = []
        for f in CHECK_FIELDS[code]:
            arr = c.get(f)
            if arr is None or not np.isnan(arr[i]):
                continue
            if f.startswith(("music_room_min", "art_room_min")) and c[f.replace("_min_m2", "s")][i] == 0:
                continue  # no such room: its smallest area does not matter
            if f.startswith("max_class_") and not c.get(f"has_{f.removeprefix('max_class_')}", np.ones(len(arr), bool))[i]:
                continue  # the school has no students at that level
            empty.append(field_header("schools", f))
        if code == "G3" and np.isnan(c["compulsory_classes"][i]):
            empty.append("小学班级数/初中班级数")
        if code == "G4" and np.isnan(c["compulsory_students"][i]):
            empty.append("在校生数")
        out.append("、".join(dict.fromkeys(empty)) or "相关数据")
    return np.array(out, dtype=object)


def _offender_texts(code: str, c: dict, names, idx, g3) -> np.ndarray:
    """Why each of the schools at `idx` fails G3, G4 or G5 (only the shown ones are formatted)."""
    nm = names[idx]
    if code == "G3":
        need = fmt_array(c["rooms_needed"][idx])
        text = (nm + " 音乐室" + fmt_array(c["music_rooms"][idx]) + "/" + need + "间、美术室" + fmt_array(c["art_rooms"][idx]) + "/" + need + "间")
        text = text + np.where(c["music_undersized"][idx], "、最小音乐室" + fmt_array(c["music_room_min_m2"][idx]) + f"㎡<{_n(g3['music_room_m2'])}㎡", "")
        return text + np.where(c["art_undersized"][idx], "、最小美术室" + fmt_array(c["art_room_min_m2"][idx]) + f"㎡<{_n(g3['art_room_m2'])}㎡", "")
    if code == "G4":
        return nm + " " + fmt_array(c["compulsory_students"][idx]) + "人>" + fmt_array(c["size_limit"][idx]) + "人"
    text = nm + " 最大班额"
    sep = np.full(len(idx), "", dtype=object)
    for lv, sfx in (("小学", "primary"), ("初中", "junior")):
        if f"class_excess_{sfx}" in c:
            over = c[f"class_excess_{sfx}"][idx] > 0
            text = text + np.where(over, sep + lv + fmt_array(c[f"max_class_{sfx}"][idx]) + "人", "")
            sep = np.where(over, "、", sep)
    return text


def _n(x) -> str:
    return fmt_number(x)


# ----------------------------------------------------------------------------- 县级指标
def input_item(ind: Indicator, n: int, values: dict, ratings: dict, cat: Catalogue) -> dict:
    """An item read from 县级指标: A-class through its conditions, B-class through its rating."""
    if ind.klass == "B":
        r = ratings.get(ind.code, np.full(n, None, dtype=object))
        b_rule = cat.b_rule
        target, good = b_rule.min_rating, b_rule.good
        m = np.array([np.nan if x is None else float(x in good) for x in r])
        detail = [f"{MISSING}：县级指标未填「{ind.code}」的评价等级(优/良/中/差)" if x is None
                  else f"评价等级：{x}" + ("" if x in good else f"（目标{target}及以上）") for x in r]
        return item_rows(ind.code, np.full(n, np.nan), m, detail, rating=r)
    checks = ind.checks()
    flags, texts = [], []
    for c in checks:
        v = values.get(c.input, np.full(n, np.nan))
        flags.append(meets(v, c.comparator, c.threshold))
        label = c.label or "填报值"
        unit = c.unit or ind.unit
        texts.append([f"{MISSING}：县级指标未填「{c.input}」({label})" if np.isnan(x)
                      else f"{label} {fmt_value(x, unit, c.comparator)}（标准 {fmt_standard(c.comparator, c.threshold, unit)}）"
                      for x in v])
    m = all_met(*flags)
    first = values.get(checks[0].input, np.full(n, np.nan))
    detail = ["；".join(t[i] for t in texts) + ("；一票否决" if ind.veto and m[i] == 0 else "") for i in range(n)]
    return item_rows(ind.code, first, m, detail)


def standard_text(ind: Indicator, cat: Catalogue) -> str:
    """The standard of an indicator in Chinese, for the items table and the workbook."""
    t = ind.thresholds
    if ind.klass == "B":
        return f"评价等级{cat.b_rule.min_rating}及以上"
    if ind.code == "G3":
        return (f"每{_n(t.get('classes_per_group', 12))}个班音乐、美术专用教室各≥{_n(t.get('rooms_per_12_classes', 1))}间；"
                f"音乐教室≥{_n(t['music_room_m2'])}㎡、美术教室≥{_n(t['art_room_m2'])}㎡")
    if ind.code == "G4":
        return f"小学、初中 ≤ {_n(t['single'])} 人；九年/十二年一贯制义务教育阶段 ≤ {_n(t['combined'])} 人"
    if ind.code == "PG3":
        return f"公办乡镇中心园数 ≥ 乡镇数 × {_n(t.get('per_township', 1))}"
    if ind.code == "PQ1":
        ct = (ind.extra.get("county_threshold") or {}).get("all", 1.0)
        from yichun.assessment.preschool import AREA_LABELS

        return "、".join(f"{AREA_LABELS.get(k, k)} ≥ {_n(v)} ㎡" for k, v in t.items()) + f"；达标园比例 ≥ {ct * 100:.0f}%"
    if ind.conditions:
        return "；".join(f"{c.label} {fmt_standard(c.comparator, c.threshold, c.unit)}" for c in ind.conditions)
    if ind.comparator in ("yes", "no"):
        return f"应为「{'是' if ind.comparator == 'yes' else '否'}」"
    if set(t) - {"all"}:
        if ind.unit == "%":
            return "、".join(f"{k} {OPS[ind.op]} {fmt_value(v, '%')}" for k, v in t.items())
        return "、".join(f"{k} {OPS[ind.op]} {_n(v)}" for k, v in t.items()) + (f" {ind.unit}" if ind.unit else "")
    return fmt_standard(ind.op, t.get("all"), ind.unit)


def item_order(cat: Catalogue) -> list[str]:
    """Catalogue order with the balance rule's CV right after the last school-rule indicator."""
    cv_code = cat.rules["balance_rule"].get("code", "CV")
    last = cat.rules["school_rule"]["indicators"][-1]
    order = []
    for ind in cat:
        order.append(ind.code)
        if ind.code == last:
            order.append(cv_code)
    if cv_code not in order:
        order.append(cv_code)
    return order


def assemble(cat: Catalogue, groups: Groups, computed: dict[str, dict], values: dict, ratings: dict) -> tuple[pd.DataFrame, dict]:
    """The items table, county-year by county-year in catalogue order (CV after R7), and the
    verdicts as matrices (county-year × item) for `verdict.readiness`."""
    rule = cat.rules["balance_rule"]
    cv_code = rule.get("code", "CV")
    n = groups.n
    order = item_order(cat)
    meta, items = {}, []
    for code in order:
        if code == cv_code:
            limits = rule["limits"]
            meta[code] = (COMPULSORY, rule.get("name", "资源配置校际差异系数"), "资源配置", rule.get("class", "A"),
                          "、".join(f"{lv} ≤ {_n(v)}" for lv, v in limits.items()) + "（各项指标分别计算）", False)
            items.append(computed[code])
            continue
        ind = cat[code]
        meta[code] = (ind.track, ind.name, ind.dimension, ind.klass, standard_text(ind, cat), ind.veto)
        # the catalogue's class wins: a B-class entry is judged by its rating even if computable
        items.append(computed[code] if code in computed and ind.klass == "A" else input_item(ind, n, values, ratings, cat))
    k = len(items)
    codes = np.array(order, dtype=object)
    value = np.vstack([it["value"] for it in items]).T.reshape(-1) if n else np.zeros(0)
    met = np.vstack([it["met"] for it in items]).T.reshape(-1) if n else np.zeros(0)
    rating = np.full((k, n), None, dtype=object)
    for i, it in enumerate(items):
        if it["rating"] is not None:
            rating[i] = it["rating"]
    details = [it["detail"] for it in items]
    g = np.repeat(np.arange(n), k)
    code_col = np.tile(codes, n)
    m = np.array([meta[c] for c in order], dtype=object)
    veto = np.tile(m[:, 5].astype(bool), n) & (met == 0)
    frame = pd.DataFrame({
        "county": pd.array(groups.county[g], dtype=STR), "year": groups.year[g],
        "track": pd.array(np.tile(m[:, 0], n), dtype=STR), "code": pd.array(code_col, dtype=STR),
        "name": pd.array(np.tile(m[:, 1], n), dtype=STR), "dimension": pd.array(np.tile(m[:, 2], n), dtype=STR),
        "klass": pd.array(np.tile(m[:, 3], n), dtype=STR), "value": value,
        "standard": pd.array(np.tile(m[:, 4], n), dtype=STR), "met": to_boolean(met),
        "rating": pd.array(rating.T.reshape(-1), dtype=STR),
        "detail": pd.array([details[i][j] for j in range(n) for i in range(k)], dtype=STR), "veto": veto,
    })
    matrices = {"codes": order, "met": met.reshape(n, k), "veto": veto.reshape(n, k), "klass": m[:, 3].astype(str),
                "track": m[:, 0].astype(str), "details": details}
    return frame, matrices
