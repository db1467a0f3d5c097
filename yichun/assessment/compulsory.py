"""义务教育 (compulsory) track at school level: school parts, R1–R7, the school rule, the
enrolment-weighted 差异系数 and the school-by-school 政府保障 checks G3, G4, G5 (and G12's sums).

A school becomes one *part* per compulsory level it teaches (rules.school_type_levels ∩
rules.counted_schools.levels): a 九年一贯制学校 gives a 小学 part and a 初中 part. Teachers
are reported per level (the *_primary / *_junior fields). Whole-school facilities (R4–R7) are
shared by student weight with the weights of rules.combined_splits: a part's share is
w·S(level) / Σ w·S over the school's levels (九年一贯制 小学 share = A / (A + 1.1·B);
完全中学 初中 share = B / (B + 1.2·C); 十二年一贯制 小学 share = A / (A + 1.1·B + 1.32·C)).
A combined school's level with 0 students gives no part; a single-level school always does.

Everything is numpy over whole columns (one pass per level, `np.bincount` per county-year):
nothing loops over schools except to write the Chinese reason of a failing part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from yichun.assessment.core import (
    STR,
    TOL,
    Groups,
    all_met,
    filled,
    fmt_array,
    fmt_number,
    meets,
    numeric_columns,
    ratio_to_standard,
    to_boolean,
)
from yichun.catalogue import Catalogue, SchoolScope
from yichun.dictionary import level_suffix, sheet
from yichun.errors import InputError, Problem

SUFFIX = level_suffix()  # 学段 → per-level field suffix, from the school sheet's fields
TEXT_COLUMNS = ["county", "school_id", "school_name", "school_type", "ownership", "area"]


@dataclass(frozen=True)
class RSpec:
    """How one school indicator is computed: value = scale × resource × share ÷ students."""

    code: str
    resource: str  # column of the part frame (per-level teachers, or a whole-school field)
    per_level: bool  # True: a *_primary/*_junior field, no sharing; False: whole school, shared
    scale: float  # 100 for 每百名学生, 10000 for 万元 → 元, 1 for ㎡
    unit: str


def r_specs(cat: Catalogue) -> dict[str, RSpec]:
    """The formula of each school-rule indicator, read from the catalogue's computed_from and unit."""
    specs = {}
    for code in cat.rules["school_rule"]["indicators"]:
        ind = cat[code]
        fields = list(ind.computed_from)
        per_level = any(f.endswith(("_primary", "_junior")) for f in fields)
        resource = fields[0].rsplit("_", 1)[0] if per_level else fields[0]
        if "百生" in ind.unit:
            scale = 100.0
        elif ind.unit.startswith("元") and resource.endswith("_wan"):
            scale = 10000.0  # the field is in 万元, the standard in 元
        else:
            scale = 1.0
        specs[code] = RSpec(code, resource, per_level, scale, ind.unit)
    return specs


def split_weights(cat: Catalogue, school_type: str) -> dict[str, float]:
    """The student weight of each level of a school type (rules.combined_splits, else 1 per level)."""
    splits = cat.rules.get("combined_splits") or {}
    if school_type in splits:
        return {lv: float(w) for lv, w in splits[school_type].items()}
    return {lv: 1.0 for lv in cat.rules["school_type_levels"].get(school_type, [])}


def _level_weights(school_type: pd.Series, cat: Catalogue) -> dict[str, np.ndarray]:
    """Per level, the student weight of that level at each school (0 = the type has no such level)."""
    type_levels = cat.rules["school_type_levels"]
    codes, uniq = pd.factorize(school_type)
    unknown = sorted(set(uniq) - set(type_levels))
    if unknown:
        problems = [Problem("错误", "未知办学类型", f"办学类型「{t}」不在标准目录 rules.school_type_levels 中", column="办学类型", value=t)
                    for t in unknown]
        raise InputError(f"学校表中有未知的办学类型：{'、'.join(unknown)}（可用：{'、'.join(type_levels)}）", problems)
    out = {}
    for level in SUFFIX:
        w = np.array([split_weights(cat, t).get(level, 0.0) for t in uniq] + [0.0])
        out[level] = w[codes]  # code -1 (missing type) → the trailing 0
    return out


def _text(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A text column as an object array, "" where missing; each distinct text is one object
    (a county's name or a school type is not copied for every school)."""
    if name not in frame.columns:
        return filled(len(frame), "")
    codes, uniques = pd.factorize(frame[name])
    return np.append(np.asarray(uniques, dtype=object), "")[codes]  # code -1 (missing) → the trailing ""


def out_of_scope(school_type, ownership, students, scope: SchoolScope) -> np.ndarray:
    """The Chinese reason each school (part) is outside a scope ("" when inside), from the catalogue's settings."""
    n = len(students)
    reasons = np.full(n, "", dtype=object)
    special = np.isin(school_type, list(scope.exclude_types))
    reasons[special] = reasons[special] + school_type[special].astype(str) + "不计入（评估口径排除）；"
    small = (school_type == scope.teaching_point_type) & (students < scope.teaching_point_min_students)
    if small.any():
        reasons[small] = (reasons[small] + f"在校生不足{fmt_number(scope.teaching_point_min_students)}人的{scope.teaching_point_type}（实有"
                          + fmt_array(students[small]) + "人）不计入；")
    if not scope.include_private:
        private = ownership == "民办"
        reasons[private] = reasons[private] + "民办学校按所选标准配置不计入；"
    return reasons


def _strip(reasons: np.ndarray) -> np.ndarray:
    return np.array([r[:-1] if r else r for r in reasons], dtype=object) if (reasons != "").any() else reasons


def _exclusion(school_type, ownership, students, cat: Catalogue) -> np.ndarray:
    """The Chinese reason a part is not counted in R1–R7 ("" when counted), from rules.counted_schools."""
    reasons = out_of_scope(school_type, ownership, students, cat.scope())
    empty = (students == 0) & (reasons == "")
    reasons[empty] = "该学段在校生数为0；"
    return _strip(reasons)


@dataclass(frozen=True)
class SchoolFrames:
    """The school sheet assessed: frames for the outputs, plus the same columns as numpy arrays
    for the stages after it (county items, missing data, gaps) so they need not re-read frames."""

    parts: pd.DataFrame  # one row per school part
    checks: pd.DataFrame  # one row per school
    g_parts: np.ndarray  # county-year code of each part
    g_schools: np.ndarray  # county-year code of each school
    labels: np.ndarray  # part labels: name, or name(学段) for a school with two parts
    part_arrays: dict[str, np.ndarray]  # the part columns (met flags as 1/0/NaN, text as object)
    school_arrays: dict[str, np.ndarray]  # the school-check columns (G3–G5, G12 sums), one row per school
    specs: dict[str, RSpec] = field(default_factory=dict)  # code → how R1–R7 are computed


def build_parts(schools: pd.DataFrame, cat: Catalogue, groups: Groups) -> SchoolFrames:
    """School parts with R1–R7 and the school rule, and one row per school with G3/G4/G5 and G12 sums."""
    specs = r_specs(cat)
    levels = [lv for lv in cat.rules["counted_schools"]["levels"] if lv in SUFFIX]
    schools = schools.reset_index(drop=True)
    n = len(schools)
    num = numeric_columns(schools, [f.field for f in sheet("schools").fields if f.type in ("int", "float")])
    weights = _level_weights(schools["school_type"], cat)
    students = {lv: num[f"students_{sfx}"] for lv, sfx in SUFFIX.items()}
    n_levels = sum((w > 0).astype(int) for w in weights.values())
    with np.errstate(invalid="ignore"):
        denom = sum(np.where(weights[lv] > 0, weights[lv] * students[lv], 0.0) for lv in SUFFIX)
    single = n_levels <= 1
    whole = sorted({s.resource for s in specs.values() if not s.per_level})
    per_level = sorted({s.resource for s in specs.values() if s.per_level})
    g_school = groups.codes(schools)

    rows: list[np.ndarray] = []
    lev: list[np.ndarray] = []
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ["students", "share", "classes", "max_class", *per_level]}
    exists_by_level = {}
    for level in levels:
        sfx = SUFFIX[level]
        s = students[level]
        exists = (weights[level] > 0) & (single | ~(s == 0))
        exists_by_level[level] = exists
        idx = np.flatnonzero(exists)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(single, 1.0, np.where(denom > 0, weights[level] * s / denom, np.nan))
        rows.append(idx)
        lev.append(filled(len(idx), level))
        cols["students"].append(s[idx])
        cols["share"].append(share[idx])
        cols["classes"].append(num[f"classes_{sfx}"][idx])
        cols["max_class"].append(num[f"max_class_{sfx}"][idx])
        for res in per_level:
            cols[res].append(num[f"{res}_{sfx}"][idx])
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=int)
    level_arr = np.concatenate(lev) if lev else np.zeros(0, dtype=object)
    data = {k: np.concatenate(v) if v else np.zeros(0) for k, v in cols.items()}
    # parts in county-year order, then the sheet's school order, 小学 before 初中
    order = np.lexsort((np.concatenate([np.full(len(r), i) for i, r in enumerate(rows)]) if rows else row, row, g_school[row]))
    row, level_arr = row[order], level_arr[order]
    data = {k: v[order] for k, v in data.items()}
    for res in whole:
        data[res] = num[res][row]
    text = {c: _text(schools, c) for c in TEXT_COLUMNS}
    p_type = text["school_type"][row]
    reasons = _exclusion(p_type, text["ownership"][row], data["students"], cat)
    counted = reasons == ""
    rule = _school_rule(data, level_arr, cat, specs)

    part_cols = {c: schools[c].array.take(row) for c in TEXT_COLUMNS if c in schools.columns}
    frame = {"county": part_cols.get("county"), "year": schools["year"].to_numpy("int64")[row]}
    for c in TEXT_COLUMNS[1:]:
        frame[c] = part_cols.get(c, pd.array([""] * len(row), dtype=STR))
    frame["level"] = pd.array(level_arr, dtype=STR)
    frame["students"] = data["students"]
    frame["counted"] = counted
    frame["excluded_reason"] = pd.array(reasons, dtype=STR)
    codes = list(specs)
    for c in codes:
        frame[c] = rule[c]
    for c in codes:
        frame[f"{c}_ratio"] = rule[f"{c}_ratio"]
    frame["n_met"] = rule["n_met"]
    frame["passed"] = to_boolean(rule["rule_met"])
    frame["unmet"] = pd.array(rule["unmet"], dtype=STR)
    frame["fail_reason"] = pd.array(rule["fail_reason"], dtype=STR)
    for c in codes:
        frame[f"{c}_met"] = to_boolean(rule[f"{c}_met"])
    frame["share"] = data["share"]
    for c in ["classes", "max_class", *per_level, *whole]:
        frame[c] = data[c]
    for c in ("source_file", "source_row"):
        if c in schools.columns:
            frame[c] = schools[c].array.take(row)
    parts = pd.DataFrame(frame)

    labels = text["school_name"][row]  # a new array (indexed): a school with two parts gets its 学段 appended
    two = np.bincount(row, minlength=n)[row] > 1 if len(row) else np.zeros(0, bool)
    labels[two] = labels[two] + "(" + level_arr[two] + ")"
    part_arrays = {**data, **rule, "counted": counted, "excluded_reason": reasons, "level": level_arr, "row": row,
                   **{c: text[c][row] for c in TEXT_COLUMNS}}
    checks, school_arrays = _school_checks(schools, num, text, row, counted, reasons, cat, weights, students, exists_by_level)
    return SchoolFrames(parts=parts, checks=checks, g_parts=g_school[row], g_schools=g_school, labels=labels,
                        part_arrays=part_arrays, school_arrays=school_arrays, specs=specs)


def _school_rule(data: dict, level: np.ndarray, cat: Catalogue, specs: dict[str, RSpec]) -> dict:
    """R1–R7, their met flags and ratios, n_met, passed and a Chinese fail reason."""
    rule = cat.rules["school_rule"]
    min_met = int(rule["min_met"])
    remainder = float(rule["remainder_ratio"])
    p = data["students"]
    n = len(p)
    valid_p = p > 0
    out = {}
    n_met = np.zeros(n, dtype="int64")
    n_missing = np.zeros(n, dtype="int64")
    ok_all = np.ones(n, dtype=bool)  # every indicator known and at least at the remainder ratio
    low_known = np.zeros(n, dtype="int64")  # known values below the remainder ratio
    unmet_key = np.zeros(n, dtype="int64")  # bit k set: the k-th indicator is not met
    for k, (code, spec) in enumerate(specs.items()):
        ind = cat[code]
        share = 1.0 if spec.per_level else data["share"]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(valid_p, spec.scale * data[spec.resource] * share / np.where(valid_p, p, 1.0), np.nan)
        t = np.zeros(n)
        for lv, v in ind.thresholds.items():
            t[level == lv] = float(v)
        met = meets(x, ind.op, t)
        ratio = ratio_to_standard(x, ind.op, t)
        out[code], out[f"{code}_met"], out[f"{code}_ratio"] = x, met, ratio
        is_met = met == 1.0
        n_met += is_met
        n_missing += np.isnan(met)
        ok_all &= is_met | (ratio >= remainder - TOL)
        low_known += (met == 0) & (ratio < remainder - TOL)
        unmet_key |= (~is_met).astype("int64") << k
    # missing is never a pass: a part with a missing value is 缺数据 (NaN) unless its known values
    # already fail it (too few can still be met, or a known value below the remainder ratio)
    passed = (n_met >= min_met) & ok_all
    fails_anyway = (n_met + n_missing < min_met) | (low_known > 0)
    rule_met = np.where(passed, 1.0, np.where((n_missing > 0) & ~fails_anyway, np.nan, 0.0))
    out["rule_met"], out["n_missing"] = rule_met, n_missing
    out["n_met"], out["passed"] = n_met, passed
    codes = list(specs)
    keys, inverse = np.unique(unmet_key, return_inverse=True)
    texts = np.array(["、".join(c for k, c in enumerate(codes) if key >> k & 1) for key in keys] or [""], dtype=object)
    out["unmet"] = texts[inverse] if n else np.zeros(0, dtype=object)
    reasons = np.full(n, "", dtype=object)
    fail = np.flatnonzero(~passed)
    if len(fail):
        head = np.where(~valid_p[fail], "；在校生数缺失或为0，无法计算",
                        np.where(n_met[fail] < min_met, "；仅" + n_met[fail].astype(str).astype(object) + f"项达标（应至少{min_met}项）", ""))
        text = head.astype(object)
        low = f"（低于{remainder * 100:.0f}%）"
        for code in specs:
            v, r = out[code][fail], out[f"{code}_ratio"][fail]
            piece = np.where(np.isnan(v), f"；{code}缺数据",
                             np.where(r < 1 - TOL, f"；{code}达标准的" + fmt_array(np.floor(r * 1000 + 1e-6) / 10, 1) + "%"
                                      + np.where(r < remainder - TOL, low, ""), ""))
            text = text + piece
        reasons[fail] = [t[1:] for t in text]
    out["fail_reason"] = reasons
    return out


def _school_checks(schools, num, text, row, counted_part, reasons_part, cat, weights, students,
                   exists_by_level) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """One row per school: counted flag, G3 (music/art rooms), G4 (size), G5 (class size), G12 sums."""
    n = len(schools)
    counted = np.zeros(n, dtype=bool)
    np.logical_or.at(counted, row, counted_part)
    reasons = np.full(n, "", dtype=object)
    reasons[row[::-1]] = reasons_part[::-1]  # the first part's reason
    reasons[counted] = ""
    out = {c: text[c] for c in TEXT_COLUMNS}
    out["year"] = schools["year"].to_numpy("int64")
    out["counted"] = counted
    out["excluded_reason"] = reasons
    levels = list(exists_by_level)
    comp_students = np.zeros(n)
    comp_classes = np.zeros(n)
    for lv in levels:
        ex = exists_by_level[lv]
        comp_students = comp_students + np.where(ex, students[lv], 0.0)
        comp_classes = comp_classes + np.where(ex, num[f"classes_{SUFFIX[lv]}"], 0.0)
    out["compulsory_students"] = comp_students
    out["compulsory_classes"] = comp_classes
    # G3/G4/G5 and G12 read their own scopes (rules.item_scopes): public and private schools alike
    for key, code in (("checked", "G3"), ("teachers_counted", "G12")):
        scope = cat.scope(code)
        why = _strip(out_of_scope(text["school_type"], text["ownership"], comp_students, scope))
        out[key] = why == ""
        out[f"{key}_reason"] = why

    # G3: every classes_per_group classes ≥ rooms_per_12_classes music and art rooms; minimum room areas
    g3 = cat["G3"].thresholds
    per_group = float(g3.get("classes_per_group", 12))
    need = np.ceil(comp_classes / per_group) * float(g3.get("rooms_per_12_classes", 1))
    music, art = num["music_rooms"], num["art_rooms"]
    music_m2, art_m2 = num["music_room_min_m2"], num["art_room_min_m2"]
    music_ok, art_ok = meets(music, ">=", need), meets(art, ">=", need)
    # a room's minimum area only matters when the school has such rooms
    music_area_ok = np.where(music == 0, 1.0, meets(music_m2, ">=", g3["music_room_m2"]))
    art_area_ok = np.where(art == 0, 1.0, meets(art_m2, ">=", g3["art_room_m2"]))
    out.update(rooms_needed=need, music_rooms=music, art_rooms=art, music_room_min_m2=music_m2, art_room_min_m2=art_m2)
    out["G3_ok"] = all_met(music_ok, art_ok, music_area_ok, art_area_ok)
    out["music_short"] = np.maximum(need - music, 0)
    out["art_short"] = np.maximum(need - art, 0)
    out["music_undersized"] = (music > 0) & (music_area_ok == 0)
    out["art_undersized"] = (art > 0) & (art_area_ok == 0)

    # G4: `combined` limit for types teaching both 小学 and 初中 (九年/十二年一贯制); else `single`
    # (a 完全中学's 初中 part counts as a single-level school: its 初中 students ≤ the single limit)
    g4 = cat["G4"]
    both = (weights["小学"] > 0) & (weights["初中"] > 0)
    limit = np.where(both, float(g4.thresholds["combined"]), float(g4.thresholds["single"]))
    out["size_limit"] = limit
    out["G4_ok"] = meets(comp_students, g4.comparator, limit)
    out["size_excess"] = np.maximum(comp_students - limit, 0)

    # G5: the largest class of each level the school teaches
    g5 = cat["G5"]
    flags = []
    for lv in levels:
        sfx = SUFFIX[lv]
        mc = num[f"max_class_{sfx}"]
        t = float(g5.thresholds[lv])
        out[f"max_class_{sfx}"] = mc
        out[f"has_{sfx}"] = exists_by_level[lv]
        out[f"class_excess_{sfx}"] = np.where(exists_by_level[lv], np.maximum(mc - t, 0), 0.0)
        flags.append(np.where(exists_by_level[lv], meets(mc, g5.comparator, t), 1.0))
    out["G5_ok"] = all_met(*flags) if flags else np.full(n, np.nan)
    out["teachers_total"] = num["teachers_total"]
    out["teachers_certified"] = num["teachers_certified"]
    frame = {}
    for k, v in out.items():
        if k in TEXT_COLUMNS or k == "excluded_reason":
            frame[k] = schools[k].array if k in schools.columns else pd.array(v, dtype=STR)
        elif k.endswith("_ok"):
            frame[k] = to_boolean(v)
        else:
            frame[k] = v
    frame["excluded_reason"] = pd.array(reasons, dtype=STR)
    for k in ("checked_reason", "teachers_counted_reason"):
        frame[k] = pd.array(out[k], dtype=STR)
    for k in ("source_file", "source_row"):
        if k in schools.columns:
            frame[k] = schools[k].array
    order = ["county", "year", *TEXT_COLUMNS[1:]]
    frame = {k: frame[k] for k in order + [k for k in frame if k not in order]}
    return pd.DataFrame(frame), out


@dataclass
class Balance:
    """Result of `balance`: per group (county-year × level × indicator) and per school-indicator row."""

    g: np.ndarray  # county-year code per group
    level: np.ndarray  # level index per group
    k: np.ndarray  # indicator index per group
    students: np.ndarray
    mean: np.ndarray  # X̄ = Σ xᵢPᵢ / ΣPᵢ
    std: np.ndarray
    cv: np.ndarray
    n_schools: np.ndarray
    n_counted: np.ndarray
    row_part: np.ndarray  # per row: position of the part in the input
    row_group: np.ndarray  # per row: its group
    row_x: np.ndarray
    row_valid: np.ndarray
    row_term: np.ndarray  # (Pᵢ/P)(xᵢ − X̄)²


def balance(g: np.ndarray, level_idx: np.ndarray, p: np.ndarray, x: np.ndarray, n_levels: int) -> Balance:
    """The enrolment-weighted 差异系数 of each column of x (parts × indicators) per county-year and level.

    P = ΣPᵢ, X̄ = Σ xᵢPᵢ / P, S = √(Σ (Pᵢ/P)(xᵢ − X̄)²), CV = S / X̄; NaN with fewer than two
    schools that have both a value and students, or when X̄ = 0 (undefined, never 0).
    """
    n, k_n = x.shape if x.ndim == 2 else (len(x), 1)
    part = np.repeat(np.arange(n), k_n)
    k = np.tile(np.arange(k_n), n)
    key = (np.repeat(g, k_n) * n_levels + np.repeat(level_idx, k_n)) * k_n + k
    uniq, inv = np.unique(key, return_inverse=True)
    m = len(uniq)
    xs = x.reshape(-1)
    ps = np.repeat(p, k_n)
    valid = ~np.isnan(xs) & (ps > 0)
    pv = np.where(valid, ps, 0.0)
    xv = np.where(valid, xs, 0.0)
    tot = np.bincount(inv, weights=pv, minlength=m)
    px = np.bincount(inv, weights=pv * xv, minlength=m)
    n_valid = np.bincount(inv, weights=valid, minlength=m).astype("int64")
    n_counted = np.bincount(inv, minlength=m).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(tot > 0, px / np.where(tot > 0, tot, 1.0), np.nan)
        term = np.where(valid, pv / tot[inv] * (xv - mean[inv]) ** 2, 0.0)
    var = np.bincount(inv, weights=term, minlength=m)
    enough = n_valid >= 2
    std = np.where(enough, np.sqrt(var), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(enough & (mean != 0), std / mean, np.nan)
    return Balance(uniq // (n_levels * k_n), (uniq // k_n) % n_levels, uniq % k_n, tot, mean, std, cv, n_valid, n_counted,
                   part, inv, xs, valid, np.where(valid, term, np.nan))


def cv_frame(b: Balance, groups: Groups, levels: list[str], codes: list[str], limits: dict) -> tuple[pd.DataFrame, np.ndarray]:
    """The cv table (county, year, level, indicator, cv, limit, met, n_schools, county_value, …) and met as 1/0/NaN."""
    level_names = np.array(levels, dtype=object)[b.level]
    limit = np.array([float(limits[lv]) for lv in levels])[b.level] if len(b.level) else np.zeros(0)
    met = meets(b.cv, "<=", limit)
    # a counted school without the value (or its students) leaves the CV undetermined: 缺数据, never a pass
    n_missing = b.n_counted - b.n_schools
    met = np.where(n_missing > 0, np.nan, met)
    frame = pd.DataFrame({
        "county": pd.array(groups.county[b.g], dtype=STR), "year": groups.year[b.g],
        "level": pd.array(level_names, dtype=STR), "indicator": pd.array(np.array(codes, dtype=object)[b.k], dtype=STR),
        "cv": b.cv, "limit": limit, "met": to_boolean(met), "n_schools": b.n_schools, "county_value": b.mean,
        "n_counted": b.n_counted, "n_missing": n_missing, "students": b.students, "std": b.std,
    })
    return frame, met
