"""Applying a scenario's actions to `Inputs` (observed years or a projection).

`apply_scenario(scenario, inputs)` changes the rows of every year ≥ the action's `year`
(every year in `inputs` when it has none) of the action's county; `project_scenario`
projects first (births and migration enter the cohort model) and then applies the other
actions to the projected years. What each action does:

* add_resource (增加资源): adds `quantity` (the total, in the field's unit) to `item`.
  Named schools/kindergartens share it equally. Without names it goes to the units that
  need it most: the counted school parts of the field's level(s) (yichun.assessment decides
  who is counted), filled by "water-filling" — the quantity raises the schools with the
  lowest coverage (field ÷ what their students need at the standard, projection.yaml
  `resource_fields`; music and art rooms ÷ the rooms G3 asks for their classes) to a common level, which maximises the lowest coverage; kindergartens
  are filled on the field per child. Whole-number fields (teachers, rooms) are rounded by
  largest remainder. The amount a unit receives in the first effective year is added in
  every later year. New teachers (R1–R3 fields, kindergarten `teachers`) are also counted
  in 专任教师数 and 持证专任教师数 unless `new_teachers: false`. New music or art rooms at a
  school that had none are built to the G3 minimum area (their 最小面积 is set to it).
* merge_schools / close_school (撤并学校): from `year` on, each level's students of the
  closed schools move to the receivers (`into`) that teach that level, split in proportion
  to the receivers' students of that level (equally if they have none) — the total number
  of students is kept exactly; receivers' classes follow at their average class size. The
  fields in `move` (default: teachers and equipment value) move with the students;
  buildings, grounds and rooms stay behind. The closed schools' rows are removed.
* convert_kindergartens (幼儿园转制): the named kindergartens, or the `count` largest (by
  children in the first effective year) of type `from` (default 非普惠性民办), become `to`.
* open_kindergarten (新建幼儿园): a new kindergarten with `children` children in every
  year from `year`, taken proportionally from kindergartens of `from_type` when given (else
  newly enrolled children, which raise 毛入园率). Unless given, its classes, teachers and
  rooms are set to meet the catalogue standards (PQ1, PQ2 class limits, PQ3).
* births (出生人口变化): births of birth years ≥ `from_year` × `factor` (changes the 人口
  table; it matters through a projection).
* migration (人口迁移变化): in a projection, the cohort ratios of `levels` × `factor`
  from statistical year `from_year`; applied to observed years it scales the students,
  children and POP_3_5 of those years directly (the same thing: enrolment = ratio × births).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd

from yichun.catalogue import catalogue
from yichun.dictionary import level_suffix, sheet
from yichun.projection.cohort import DemographicFactors, Factor
from yichun.projection.params import CLASS_FIELDS, KINDERGARTEN, POP_CODE, POP_LEVEL, STUDENT_FIELDS, parameters
from yichun.rounding import round_total
from yichun.scenarios.model import Action, Scenario, ScenarioError
from yichun.tables import PROVENANCE, Inputs

TEACHER_FIELDS = ("teachers_qualified", "teachers_backbone", "teachers_pe_arts")
DEFAULT_MOVE = [f"{t}_{level_suffix()[lv]}" for t in TEACHER_FIELDS for lv in STUDENT_FIELDS] + [
    "teachers_total", "teachers_certified", "equipment_value_wan"]
LEVEL_OF = {sfx: level for level, sfx in level_suffix().items()}  # primary → 小学 (a field's level from its name)
ALL_STUDENTS = {level: f"students_{sfx}" for level, sfx in level_suffix().items()}


@cache
def _int_fields() -> frozenset[str]:
    return frozenset(f.field for key in ("schools", "kindergartens") for f in sheet(key).fields if f.type == "int")


# ------------------------------------------------------------------------------ distribution

def fill_lowest_coverage(values: np.ndarray, needs: np.ndarray, quantity: float) -> np.ndarray:
    """Additions (≥ 0, summing to `quantity`) that maximise the lowest values/needs ratio.

    Water-filling with a given quantity, solved exactly. Not `yichun.assessment.gaps.water_fill`,
    which looks for the floor that brings a 差异系数 down to its limit, with no quantity given.
    """
    v = np.asarray(values, float)
    d = np.asarray(needs, float)
    if len(v) == 0:
        return v
    cov = v / d
    order = np.argsort(cov, kind="stable")
    c, dv, vv = cov[order], d[order], v[order]
    cum_d, cum_v = np.cumsum(dv), np.cumsum(vv)
    # cost to lift the k+1 lowest units to the coverage of unit k+1 (0-based k)
    cost = c * cum_d - cum_v
    k = int(np.searchsorted(cost, quantity, side="right")) - 1
    level = (quantity + cum_v[k]) / cum_d[k]
    add = np.zeros(len(v))
    add[order[: k + 1]] = np.maximum(level * dv[: k + 1] - vv[: k + 1], 0.0)
    return add


def _needs(frame: pd.DataFrame, item: str, params: dict, cat) -> np.ndarray:
    """What the students of each row need of `item` to meet its standard (projection.yaml resource_fields)."""
    spec = params["resource_fields"].get(item)
    if item in ("music_rooms", "art_rooms") and "classes_primary" in frame:
        # G3: rooms_per_12_classes rooms for every classes_per_group classes (as the assessment counts them)
        g3 = cat["G3"].thresholds
        classes = frame["classes_primary"].fillna(0.0).to_numpy(float) + frame["classes_junior"].fillna(0.0).to_numpy(float)
        return np.ceil(classes / float(g3.get("classes_per_group", 12))) * float(g3.get("rooms_per_12_classes", 1))
    if spec is None:
        if "children" in frame:
            return frame["children"].to_numpy(float)
        return sum((frame[c].fillna(0.0).to_numpy(float) for c in STUDENT_FIELDS.values()), np.zeros(len(frame)))
    ind = cat[spec["indicator"]]
    total = np.zeros(len(frame))
    for level in spec["levels"]:
        total += frame[STUDENT_FIELDS[level]].fillna(0.0).to_numpy(float) * ind.threshold(level) * spec["per_student"]
    return total


def _counted_ids(inputs: Inputs, county: str, year: int, levels, profile, cache: dict | None = None) -> set[str]:
    """School ids with a counted part in one of `levels` (the assessment's own `counted` flag).

    `cache` (one per scenario application) keeps the school parts of a county-year: adding
    resources does not change who is counted; merges and migration clear it.
    """
    from yichun.assessment import assess

    key = (county, year)
    if cache is None or key not in cache:
        a = assess(inputs.select(years=[year], counties=[county]), years=[year], profile=profile)
        parts = a.school_parts[["school_id", "level", "counted"]]
        if cache is None:
            cache = {}
        cache[key] = parts
    p = cache[key]
    return set(p.loc[p["counted"].astype(bool) & p["level"].isin(list(levels)), "school_id"])


# ------------------------------------------------------------------------------ helpers

def _county(action: Action, inputs: Inputs) -> str:
    if action.county:
        return action.county
    counties = inputs.counties()
    if len(counties) == 1:
        return counties[0]
    raise ScenarioError(f"{action.where('county')}：数据含多个县(市、区)（{'、'.join(counties)}），请在措施或情景中给出键「county」")


def _rows(frame: pd.DataFrame, county: str, year: int | None) -> pd.Series:
    mask = frame["county"] == county
    if year is not None:
        mask &= frame["year"] >= year
    return mask


def _check_ids(frame: pd.DataFrame, mask: pd.Series, key: str, ids, action: Action, what: str, county: str) -> None:
    present = set(frame.loc[mask, key])
    missing = [i for i in ids if i not in present]
    if missing:
        raise ScenarioError(f"{action.where(what)}：{'、'.join(missing)} 不是{county}在所涉年度的{'学校' if key == 'school_id' else '幼儿园'}"
                            f"标识码（共 {len(present)} 个，如 {'、'.join(sorted(present)[:3])}）")


def _clear_provenance(frame: pd.DataFrame, mask) -> None:
    for col in PROVENANCE:
        if col in frame:
            frame.loc[mask, col] = pd.NA


# ------------------------------------------------------------------------------ actions

def add_resource(inputs: Inputs, action: Action, *, params: dict, profile="national", cache: dict | None = None) -> Inputs:
    p = action.params
    county, item = _county(action, inputs), p["item"]
    is_school = item in inputs.schools.columns and not p.get("kindergartens")
    frame = (inputs.schools if is_school else inputs.kindergartens).copy()
    key = "school_id" if is_school else "kg_id"
    mask = _rows(frame, county, action.year)
    if not mask.any():
        raise ScenarioError(f"{action.where('year')}：{county}在{action.year or ''}年及以后没有{'学校' if is_school else '幼儿园'}数据")
    first = int(frame.loc[mask, "year"].min())
    now = frame[mask & (frame["year"] == first)]
    names = p.get("schools") or p.get("kindergartens")
    if names:
        _check_ids(frame, mask, key, names, action, "schools" if is_school else "kindergartens", county)
        adds = pd.Series(np.full(len(names), p["quantity"] / len(names)), index=names)
    else:
        cat = catalogue(profile)
        if is_school:
            spec = params["resource_fields"].get(item)
            levels = spec["levels"] if spec else list(STUDENT_FIELDS)
            ids = _counted_ids(inputs, county, first, levels, profile, cache)
            now = now[now[key].isin(ids)]
        needs = _needs(now, item, params, cat)
        ok = (needs > 0) & now[item].notna().to_numpy()
        now = now[ok]
        if now.empty:
            raise ScenarioError(f"{action.where('item')}：{county}{first}年没有可分配「{item}」的{'学校' if is_school else '幼儿园'}（无在校生或该项缺数据）")
        adds = pd.Series(fill_lowest_coverage(now[item].to_numpy(float), needs[ok], p["quantity"]), index=now[key].to_numpy())
    if item in _int_fields():
        adds = pd.Series(round_total(adds.to_numpy(), p["quantity"]), index=adds.index)
    amount = frame.loc[mask, key].map(adds).fillna(0.0)
    before = frame.loc[mask, item].copy()
    frame.loc[mask, item] = frame.loc[mask, item] + amount
    _rooms_to_standard(frame, item, before, profile)
    teacher = item.startswith(TEACHER_FIELDS) or (not is_school and item == "teachers")
    if teacher and p.get("new_teachers", True):
        extra = ["teachers_total", "teachers_certified"] if is_school else ["teachers_certified", "staff"]
        for col in extra:
            if col in frame:
                frame.loc[mask, col] = frame.loc[mask, col] + amount
    return replace(inputs, **{"schools" if is_school else "kindergartens": frame})


ROOM_AREA = {"music_rooms": ("music_room_min_m2", "music_room_m2"), "art_rooms": ("art_room_min_m2", "art_room_m2")}


def _rooms_to_standard(frame: pd.DataFrame, item: str, before: pd.Series, profile) -> None:
    """New music/art rooms at a school that had none are built to the G3 minimum area."""
    if item not in ROOM_AREA or ROOM_AREA[item][0] not in frame:
        return
    col, key = ROOM_AREA[item]
    new = (before.fillna(0.0) == 0) & (frame.loc[before.index, item].fillna(0.0) > 0) & frame.loc[before.index, col].isna()
    if new.any():
        frame.loc[new[new].index, col] = float(catalogue(profile)["G3"].thresholds[key])


def _is_named_add(action: Action) -> bool:
    return action.kind == "add_resource" and bool(action.params.get("schools") or action.params.get("kindergartens"))


def add_named(inputs: Inputs, actions: list[Action], profile="national") -> Inputs:
    """Several add_resource actions with named targets at once — the same result as applying
    them one by one (additions commute), vectorised for plans with hundreds of lines."""
    frames = {"schools": inputs.schools.copy(), "kindergartens": inputs.kindergartens.copy()}
    keys = {"schools": "school_id", "kindergartens": "kg_id"}
    last_year = {t: f.groupby(["county", keys[t]])["year"].max().to_dict() for t, f in frames.items() if len(f)}
    recs = []
    for action in actions:
        p = action.params
        county, item = _county(action, inputs), p["item"]
        table = "schools" if item in inputs.schools.columns and not p.get("kindergartens") else "kindergartens"
        names: list[str] = p.get("schools") or p.get("kindergartens") or []
        start = action.year if action.year is not None else -(10**6)
        present = last_year.get(table, {})
        missing = [n for n in names if present.get((county, n), -(10**6)) < start]
        if missing:
            mask = _rows(frames[table], county, action.year)
            _check_ids(frames[table], mask, keys[table], names, action, "schools" if table == "schools" else "kindergartens", county)
        amounts = np.full(len(names), p["quantity"] / len(names))
        if item in _int_fields():
            amounts = round_total(amounts, p["quantity"])
        cols = [item]
        teacher = item.startswith(TEACHER_FIELDS) or (table == "kindergartens" and item == "teachers")
        if teacher and p.get("new_teachers", True):
            cols += ["teachers_total", "teachers_certified"] if table == "schools" else ["teachers_certified", "staff"]
        for col in cols:
            if col in frames[table]:
                recs += [(table, county, n, col, start, a) for n, a in zip(names, amounts)]
    if not recs:
        return inputs
    adds = pd.DataFrame(recs, columns=["table", "county", "id", "item", "start", "amount"])
    for (group_table, group_item), group in adds.groupby(["table", "item"], sort=False):
        table, item = str(group_table), str(group_item)
        frame, key = frames[table], keys[table]
        rows = frame[["county", key, "year"]].reset_index().rename(columns={key: "id"})
        hit = rows.merge(group[["county", "id", "start", "amount"]], on=["county", "id"])
        hit = hit[hit["year"] >= hit["start"]]
        total = hit.groupby("index")["amount"].sum()
        before = frame.loc[total.index, item].copy()
        frame.loc[total.index, item] = frame.loc[total.index, item] + total
        _rooms_to_standard(frame, item, before, profile)
    return replace(inputs, **frames)


def apply_actions(inputs: Inputs, actions, *, params: dict | None = None, profile="national", cache: dict | None = None) -> Inputs:
    """Apply actions in order; runs of named additions are applied together (add_named)."""
    params = params or parameters()
    batch: list[Action] = []
    for action in actions:
        if _is_named_add(action):
            batch.append(action)
            continue
        if batch:
            inputs, batch = add_named(inputs, batch, profile), []
        inputs = apply_action(inputs, action, params=params, profile=profile, cache=cache)
    return add_named(inputs, batch, profile) if batch else inputs


def _split(total: float, weights: np.ndarray) -> np.ndarray:
    w = np.asarray(weights, float)
    w = np.ones(len(w)) if w.sum() <= 0 else w
    share = total * w / w.sum()
    return round_total(share, total) if float(total).is_integer() else share


def merge_schools(inputs: Inputs, action: Action, *, profile="national") -> Inputs:
    p = action.params
    county = _county(action, inputs)
    s = inputs.schools.copy()
    mask = _rows(s, county, action.year)
    _check_ids(s, mask, "school_id", p["close"], action, "close", county)
    _check_ids(s, mask, "school_id", p["into"], action, "into", county)
    type_levels = catalogue(profile).rules["school_type_levels"]
    move = p.get("move", DEFAULT_MOVE)
    move = [f for f in move if f in s]
    drop = []
    for year in sorted(s.loc[mask, "year"].unique()):
        rows = mask & (s["year"] == year)
        closed = s.index[rows & s["school_id"].isin(p["close"])]
        recv = s.index[rows & s["school_id"].isin(p["into"])]
        if len(recv) == 0:
            raise ScenarioError(f"{action.where('into')}：接收学校在{year}年没有数据")
        moved_share = {}
        for level, col in ALL_STUDENTS.items():
            moved = float(s.loc[closed, col].fillna(0.0).sum())
            if moved <= 0:
                continue
            can = np.array([level in type_levels.get(t, []) for t in s.loc[recv, "school_type"]])
            if not can.any():
                raise ScenarioError(f"{action.where('into')}：被撤并学校有{level}学生 {moved:g} 人，但接收学校"
                                    f"（{'、'.join(s.loc[recv, 'school_id'])}）都没有{level}学段")
            weights = np.where(can, s.loc[recv, col].fillna(0.0).to_numpy(float), 0.0)
            if weights.sum() <= 0:
                weights = can.astype(float)
            add = _split(moved, weights)
            moved_share[level] = add / moved
            old = s.loc[recv, col].fillna(0.0).to_numpy(float)
            new = old + add
            if level in CLASS_FIELDS:
                cls = CLASS_FIELDS[level]
                avg = old / s.loc[recv, cls].where(s.loc[recv, cls] > 0).to_numpy(float)
                from_closed = float(s.loc[closed, cls].fillna(0.0).sum())
                size = np.where(np.isnan(avg), moved / from_closed if from_closed else np.nan, avg)
                s.loc[recv, cls] = np.where(np.isnan(size), s.loc[recv, cls], np.ceil(np.round(new / size, 9)))
            s.loc[recv, col] = new
        total_recv = s.loc[recv, list(STUDENT_FIELDS.values())].fillna(0.0).sum(axis=1).to_numpy(float)
        for f in move:
            amount = float(s.loc[closed, f].fillna(0.0).sum())
            if amount == 0:
                continue
            of_level = LEVEL_OF.get(f.rsplit("_", 1)[-1])
            share = moved_share.get(of_level) if of_level else None
            if share is None:
                share = total_recv / total_recv.sum() if total_recv.sum() > 0 else np.full(len(recv), 1 / len(recv))
            add = round_total(share * amount, amount) if f in _int_fields() else share * amount
            s.loc[recv, f] = s.loc[recv, f].fillna(0.0) + add
        _clear_provenance(s, recv)
        drop.extend(closed)
    return replace(inputs, schools=s.drop(index=drop).reset_index(drop=True))


def convert_kindergartens(inputs: Inputs, action: Action) -> Inputs:
    p = action.params
    county = _county(action, inputs)
    k = inputs.kindergartens.copy()
    mask = _rows(k, county, action.year)
    if p.get("kindergartens"):
        _check_ids(k, mask, "kg_id", p["kindergartens"], action, "kindergartens", county)
        ids = p["kindergartens"]
    else:
        source = p.get("from", "非普惠性民办")
        first = int(k.loc[mask, "year"].min())
        pool = k[mask & (k["year"] == first) & (k["kg_type"] == source)].sort_values(["children", "kg_id"], ascending=[False, True])
        if len(pool) < p["count"]:
            raise ScenarioError(f"{action.where('count')}：{county}{first}年只有 {len(pool)} 所{source}幼儿园，不能转制 {p['count']} 所")
        ids = list(pool["kg_id"].iloc[: p["count"]])
    target = mask & k["kg_id"].isin(ids)
    k.loc[target, "kg_type"] = p["to"]
    _clear_provenance(k, target)
    return replace(inputs, kindergartens=k)


def new_kindergarten(p: dict, cat, year: int | None = None) -> dict:
    """The fields of a new kindergarten: given values, else built to the catalogue standards (designed in `year`,
    a certified head; 所在乡镇 only when given)."""
    n = float(p["children"])
    pq1 = cat["PQ1"].thresholds
    classes = p.get("classes") or float(np.ceil(n / cat["PQ2"].extra["class_limits"]["混合班"]))
    teachers = p.get("teachers") or float(np.ceil(n / cat["PQ3"].threshold("all")))
    row = {
        "kg_type": p.get("kg_type", "公办"), "area": p.get("area", "镇区"),
        "township_center": p.get("township_center", False), "estate_kindergarten": p.get("estate_kindergarten", False),
        "children": n, "classes": classes, "oversized_classes": 0.0, "teachers": teachers,
        "teachers_certified": p.get("teachers_certified") or teachers, "nurses": p.get("nurses") or classes,
        "activity_m2": p.get("activity_m2") or n * pq1["activity_m2_per_child"],
        "outdoor_m2": p.get("outdoor_m2") or n * pq1["outdoor_m2_per_child"],
    }
    row["staff"] = p.get("staff") or row["teachers"] + row["nurses"]
    row["building_m2"] = p.get("building_m2") or max(row["activity_m2"] * 2, n * pq1.get("building_m2_per_child", 0.0))
    cutoff = (cat["PQ1"].extra.get("design_year_rule") or {}).get("cutoff", 2017)
    row["design_year"] = p.get("design_year") or year or cutoff  # a new building: the strict (100%) group
    row["head_certified"] = p.get("head_certified", True)
    if p.get("township"):
        row["township"] = p["township"]
    return row


def open_kindergarten(inputs: Inputs, action: Action, *, profile="national") -> Inputs:
    p = action.params
    county = _county(action, inputs)
    k = inputs.kindergartens.copy()
    mask = _rows(k, county, action.year)
    years = sorted(k.loc[mask, "year"].unique())
    if not years:
        raise ScenarioError(f"{action.where('year')}：{county}在{action.year or ''}年及以后没有幼儿园数据")
    row = new_kindergarten(p, catalogue(profile), action.year)
    n = row["children"]
    kg_id = p.get("kg_id") or f"新建园{action.index + 1}"
    if (k.loc[k["county"] == county, "kg_id"] == kg_id).any():
        raise ScenarioError(f"{action.where('kg_id')}：园所标识码 {kg_id} 在{county}已存在")
    row.update({"county": county, "kg_id": kg_id, "kg_name": p.get("kg_name") or f"新建幼儿园（{kg_id}）"})
    new = pd.DataFrame([{**row, "year": y} for y in years])
    for col in k.columns:
        if col not in new:
            new[col] = pd.NA
    new = new[k.columns].astype(k.dtypes.to_dict())
    if p.get("from_type"):
        for y in years:
            donors = k.index[(k["county"] == county) & (k["year"] == y) & (k["kg_type"] == p["from_type"])]
            have = float(k.loc[donors, "children"].fillna(0.0).sum())
            if have < n:
                raise ScenarioError(f"{action.where('from_type')}：{county}{y}年{p['from_type']}幼儿园共有幼儿 {have:g} 人，不足转入新园的 {n:g} 人")
            old = k.loc[donors, "children"].fillna(0.0).to_numpy(float)
            take = round_total(n * old / have, n) if n.is_integer() else n * old / have
            avg = old / k.loc[donors, "classes"].where(k.loc[donors, "classes"] > 0).to_numpy(float)
            k.loc[donors, "children"] = old - take
            k.loc[donors, "classes"] = np.where(np.isnan(avg), k.loc[donors, "classes"], np.ceil(np.round((old - take) / avg, 9)))
            _clear_provenance(k, donors)
    return replace(inputs, kindergartens=pd.concat([k, new], ignore_index=True))


def scale_births(inputs: Inputs, action: Action) -> Inputs:
    p = action.params
    pop = inputs.population.copy()
    mask = pd.Series(True, index=pop.index)
    if action.county:
        mask &= pop["county"] == action.county
    if p.get("from_year"):
        mask &= pop["birth_year"] >= p["from_year"]
    pop.loc[mask, "births"] = pop.loc[mask, "births"] * p["factor"]
    return replace(inputs, population=pop)


def scale_enrolment(inputs: Inputs, action: Action) -> Inputs:
    """Migration on observed (or already projected) years: scale the head counts directly."""
    p = action.params
    levels = p.get("levels") or [*STUDENT_FIELDS, KINDERGARTEN, POP_LEVEL]
    start = p.get("from_year")
    out = {}

    def pick(frame):
        m = pd.Series(True, index=frame.index)
        if action.county:
            m &= frame["county"] == action.county
        if start:
            m &= frame["year"] >= start
        return m

    s = inputs.schools.copy()
    m = pick(s)
    for level, col in STUDENT_FIELDS.items():
        if level in levels:
            old = s.loc[m, col]
            s.loc[m, col] = (old * p["factor"]).round()
            avg = old / s.loc[m, CLASS_FIELDS[level]].where(s.loc[m, CLASS_FIELDS[level]] > 0)
            s.loc[m, CLASS_FIELDS[level]] = np.ceil((s.loc[m, col] / avg).round(9)).where(avg.notna(), s.loc[m, CLASS_FIELDS[level]])
    out["schools"] = s
    if KINDERGARTEN in levels:
        k = inputs.kindergartens.copy()
        m = pick(k)
        old = k.loc[m, "children"]
        k.loc[m, "children"] = (old * p["factor"]).round()
        avg = old / k.loc[m, "classes"].where(k.loc[m, "classes"] > 0)
        k.loc[m, "classes"] = np.ceil((k.loc[m, "children"] / avg).round(9)).where(avg.notna(), k.loc[m, "classes"])
        out["kindergartens"] = k
    if POP_LEVEL in levels:
        c = inputs.county_inputs.copy()
        m = pick(c) & (c["code"] == POP_CODE)
        c.loc[m, "value"] = (c.loc[m, "value"] * p["factor"]).round()
        out["county_inputs"] = c
    return replace(inputs, **out)


# ------------------------------------------------------------------------------ scenario

STRUCTURAL = ("add_resource", "merge_schools", "convert_kindergartens", "open_kindergarten")


def apply_action(inputs: Inputs, action: Action, *, params: dict | None = None, profile="national",
                 cache: dict | None = None) -> Inputs:
    params = params or parameters()
    if cache is not None and action.kind in ("merge_schools", "migration"):
        cache.clear()  # who is counted may change with the students
    if action.kind == "add_resource":
        return add_resource(inputs, action, params=params, profile=profile, cache=cache)
    if action.kind == "merge_schools":
        return merge_schools(inputs, action, profile=profile)
    if action.kind == "convert_kindergartens":
        return convert_kindergartens(inputs, action)
    if action.kind == "open_kindergarten":
        return open_kindergarten(inputs, action, profile=profile)
    if action.kind == "births":
        return scale_births(inputs, action)
    if action.kind == "migration":
        return scale_enrolment(inputs, action)
    raise AssertionError(action.kind)


def apply_scenario(scenario: Scenario, inputs: Inputs, *, params: dict | None = None, profile="national",
                   kinds=None, cache: dict | None = None) -> Inputs:
    """Apply the scenario's actions (optionally only those of `kinds`), in file order.

    `cache` may pass known school parts per (county, year) (who is counted), copied here.
    """
    params = params or parameters()
    chosen = [a for a in scenario.actions if kinds is None or a.kind in kinds]
    return apply_actions(inputs, chosen, params=params, profile=profile, cache=dict(cache or {}))


def projection_factors(scenario: Scenario) -> DemographicFactors:
    """The births and migration actions as factors for yichun.projection's cohort model."""
    births = tuple(Factor(float(a.params["factor"]), a.county, a.params.get("from_year"))
                   for a in scenario.actions if a.kind == "births")
    ratios = tuple(Factor(float(a.params["factor"]), a.county, a.params.get("from_year"),
                          tuple(a.params["levels"]) if a.params.get("levels") else None)
                   for a in scenario.actions if a.kind == "migration")
    return DemographicFactors(births, ratios)


def project_scenario(scenario: Scenario, inputs: Inputs, to_year: int | None = None, variant: str | None = None,
                     growth: bool | None = None, *, params: dict | None = None, profile="national", counties=None) -> Inputs:
    """Projected Inputs (future years only) with the scenario in force."""
    from yichun.projection.projected import project_inputs

    params = params or parameters()
    proj = project_inputs(inputs, to_year or scenario.to_year or 2030, variant or scenario.variant or "central",
                          scenario.growth if growth is None else growth, params=params, counties=counties,
                          factors=projection_factors(scenario))
    return apply_scenario(scenario, proj, params=params, profile=profile, kinds=STRUCTURAL)
