"""School and kindergarten resources in future years: stock, plans, optional growth, classes.

* Stock is carried forward: every school (kindergarten) of a county's base year keeps its
  teachers, floor areas, equipment value and rooms in every later year.
* The 建设计划 table (plans: school_id, plan_year, item, quantity) adds `quantity` to the
  field `item` of that school from statistical year `plan_year` on; planned new teachers
  (R1–R3 fields, kindergarten `teachers`) also count in 专任教师数 and 持证专任教师数 (for
  kindergartens 持证专任教师数 and 教职工数), as a scenario's `add_resource` counts them.
  `planned_changes(inputs)` lists the items applied (planned_changes.csv). Each workbook lists the
  county's current plan, so the latest workbook that has a 建设计划 sheet supersedes the
  earlier ones (as for births). Plans of the base year or earlier are taken to be in the
  data already. A plan naming an unknown school or field is
  a warning problem record, never silently applied elsewhere. A plan for a kindergarten id
  with a kindergarten field is applied to the kindergarten.
* `growth=True` (off by default) continues recent growth: each field of
  `growth_fields` grows by its mean annual change over the last `recent_years` years,
  negative changes counted as 0.
* Classes follow students at the base year's average class size:
  classes(t) = ⌈students(t) ÷ (students(base) ÷ classes(base))⌉, so the largest class
  (最大班额, G5) is held at its base-year value; kindergartens keep their share of
  oversized classes (超标班额班级, PQ2) at the base-year share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from yichun.errors import WARNING, Problem
from yichun.projection.cohort import base_frame
from yichun.tables import PROVENANCE


def carry_forward(frame: pd.DataFrame, base: pd.Series, years) -> pd.DataFrame:
    """The base-year rows of each county repeated for every year after it (provenance cleared)."""
    if frame is None or frame.empty:
        return frame
    b = frame["county"].map(base)
    f = frame[(frame["year"] == b).to_numpy()]
    fb = f["county"].map(base).to_numpy(float)
    grid = np.array(sorted(int(y) for y in years), dtype=np.int64)
    rows, cols = np.nonzero(grid[None, :] > fb[:, None])
    order = np.lexsort((rows, cols))  # year-major, like a cross join sorted by year
    out = f.iloc[rows[order]].reset_index(drop=True)
    out["year"] = pd.Series(grid[cols[order]], index=out.index).astype(frame["year"].dtype)
    for col in PROVENANCE:
        if col in out:
            dtype = frame[col].dtype if frame[col].dtype != "int64" else "Int64"
            out[col] = pd.Series(pd.NA, index=out.index, dtype=dtype)
    return out


def scale_classes(future: pd.DataFrame, students: str, classes: str) -> pd.DataFrame:
    """Recompute `classes` from `students` at the average class size of the carried-forward row.

    Call before the students column is replaced: `future[students]` must hold the base-year
    students; `future["_new_" + students]` the projected ones.
    """
    new = future[f"_new_{students}"]
    avg = future[students] / future[classes].where(future[classes] > 0)
    scaled = np.ceil((new / avg).round(9))
    keep = avg.isna() | new.isna()
    future[classes] = scaled.where(~keep, future[classes]).where(new != 0, 0.0)
    return future


def add_growth(future: pd.DataFrame, history: pd.DataFrame, key: str, fields: list[str], base: pd.Series,
               recent_years: int) -> pd.DataFrame:
    """Add each unit's mean annual increase over the recent years, times the years since base."""
    h = history.merge(base_frame(base).rename(columns={"base_year": "_base"}), on="county")
    h = h[(h["year"] <= h["_base"]) & (h["year"] > h["_base"] - recent_years)]
    fields = [f for f in fields if f in future and f in h]
    if h.empty or not fields:
        return future
    span = h.groupby(["county", key])["year"].agg(["min", "max"])
    first = h.sort_values("year").groupby(["county", key])[fields].first()
    last = h.sort_values("year").groupby(["county", key])[fields].last()
    years = (span["max"] - span["min"]).where(lambda s: s > 0)
    rate = (last - first).div(years, axis=0).clip(lower=0.0).fillna(0.0)
    merged = future[["county", key, "year"]].merge(rate.reset_index(), on=["county", key], how="left")
    merged = merged.merge(base_frame(base).rename(columns={"base_year": "_base"}), on="county")
    steps = (merged["year"] - merged["_base"]).to_numpy(dtype=float)
    for f in fields:
        future[f] = future[f].to_numpy() + merged[f].fillna(0.0).to_numpy() * steps
    return future


def _where(p) -> dict:
    return {"file": str(p.get("source_file") or "") if pd.notna(p.get("source_file")) else "",
            "sheet": str(p.get("source_sheet") or "建设计划") if pd.notna(p.get("source_sheet")) else "建设计划",
            "row": int(p["source_row"]) if pd.notna(p.get("source_row")) else None, "county": p["county"],
            "year": int(p["year"]) if pd.notna(p.get("year")) else None}


def _add_planned(frame: pd.DataFrame, key: str, plans: pd.DataFrame) -> set:
    """Add each plan's quantity to its unit's rows of year ≥ plan_year (one merge for all items).

    Returns the index labels of the plans whose target value is missing (they stay missing).
    """
    targets = frame[key].isin(set(plans["school_id"]))
    rows = frame.loc[targets, ["county", key, "year"]].reset_index()
    hit = rows.merge(plans[["county", "school_id", "plan_year", "item", "quantity"]].rename(columns={"school_id": key})
                     .reset_index(names="plan"), on=["county", key])
    hit = hit[hit["year"] >= hit["plan_year"]]
    if hit.empty:
        return set()
    missing = set()
    adds = hit.groupby(["index", "item"])["quantity"].sum().unstack("item")
    for item in adds.columns:
        add = adds[item].dropna()
        current = frame.loc[add.index, item]
        gone = current.index[current.isna().to_numpy()]
        if len(gone):
            missing |= set(hit.loc[hit["index"].isin(gone) & (hit["item"] == item), "plan"])
        frame.loc[add.index, item] = current + add
    return missing


# new teachers of these kinds are also 专任教师 (and, being appointed as such, 持证)
NEW_TEACHER_FIELDS = ("teachers_qualified", "teachers_backbone", "teachers_pe_arts")
TEACHER_TOTALS = {"schools": ("teachers_total", "teachers_certified"), "kindergartens": ("teachers_certified", "staff")}


def is_new_teacher(item: str, table: str) -> bool:
    """Whether an addition to `item` of `table` (schools / kindergartens) brings new teachers."""
    return item.startswith(NEW_TEACHER_FIELDS) if table == "schools" else item == "teachers"


@dataclass(frozen=True)
class ChosenPlans:
    """The 建设计划 rows the projection applies, split by the table they add to."""

    schools: pd.DataFrame
    kindergartens: pd.DataFrame


def select_plans(schools: pd.DataFrame, kindergartens: pd.DataFrame, plans: pd.DataFrame, base: pd.Series,
                 problems: list[Problem]) -> ChosenPlans:
    """The plans the projection applies (to schools, to kindergartens); warnings for the rest.

    The latest workbook of each county supersedes earlier ones; plans of the base year or
    earlier are in the data already; a plan naming an unknown unit or field, or without a
    quantity, is a warning.
    """
    empty = pd.DataFrame(columns=["county", "school_id", "plan_year", "item", "quantity"])
    if plans is None or plans.empty or schools is None:
        return ChosenPlans(empty, empty)
    if "year" in plans:
        latest = plans.groupby("county")["year"].transform("max")
        plans = plans[plans["year"] == latest]
    plans = plans[plans["county"].isin(base.index) & plans["plan_year"].notna()].copy()
    plans = plans[plans["plan_year"].astype(int) > plans["county"].map(base).astype(int)]
    if plans.empty:
        return ChosenPlans(empty, empty)
    plans["school_id"] = plans["school_id"].astype(str)
    plans["item"] = plans["item"].astype(str)
    school_fields = set(schools.columns) - {"county", "year", "school_id", "school_name", *PROVENANCE}
    has_kg = kindergartens is not None and not kindergartens.empty
    kg_fields = set(kindergartens.columns) - {"county", "year", "kg_id", "kg_name", *PROVENANCE} if has_kg else set()
    s_ids = set(zip(schools["county"], schools["school_id"]))
    k_ids = set(zip(kindergartens["county"], kindergartens["kg_id"])) if has_kg else set()
    pairs = list(zip(plans["county"], plans["school_id"]))
    in_s = pd.Series([p in s_ids for p in pairs], index=plans.index)
    in_k = pd.Series([p in k_ids for p in pairs], index=plans.index)
    no_qty = plans["quantity"].isna()
    to_s = ~no_qty & in_s & plans["item"].isin(school_fields)
    to_k = ~no_qty & ~to_s & in_k & plans["item"].isin(kg_fields)
    rejected = plans[~(to_s | to_k)]
    for (_, p), missing_qty, known in zip(rejected.iterrows(), no_qty[rejected.index], (in_s | in_k)[rejected.index]):
        sid, item, where = p["school_id"], p["item"], _where(p)
        if missing_qty:
            problems.append(Problem(WARNING, "建设计划缺数量", f"学校 {sid} 的计划项目「{item}」缺少数量，预测中未计入。",
                                    column="数量", **where))
        elif not known:
            problems.append(Problem(WARNING, "建设计划学校不存在",
                                    f"建设计划中的学校标识码 {sid} 不在{p['county']}基年{int(base[p['county']])}年的学校或幼儿园名单中，"
                                    "该计划未计入预测。", column="学校标识码", value=sid, **where))
        else:
            problems.append(Problem(WARNING, "建设计划项目未知",
                                    f"建设计划项目「{item}」不是学校表(或幼儿园表)的资源字段，该计划未计入预测；应为如 teaching_area_m2、"
                                    "teachers_backbone_primary 等字段名。", column="项目", value=item, **where))
    return ChosenPlans(plans[to_s], plans[to_k])


def _with_teacher_totals(chosen: pd.DataFrame, table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Planned new teachers also count in the teacher totals (as `add_resource` does)."""
    new = chosen[chosen["item"].map(lambda i: is_new_teacher(i, table))]
    extra = [new.assign(item=col) for col in TEACHER_TOTALS[table] if col in frame and len(new)]
    return pd.concat([chosen, *extra]) if extra else chosen


def apply_plans(schools: pd.DataFrame, kindergartens: pd.DataFrame, plans: pd.DataFrame, base: pd.Series,
                problems: list[Problem]) -> None:
    """Add the planned quantities from their plan year on, in place (call with the projected rows only)."""
    chosen_plans = select_plans(schools, kindergartens, plans, base, problems)
    for frame, key, chosen, table in ((schools, "school_id", chosen_plans.schools, "schools"),
                                      (kindergartens, "kg_id", chosen_plans.kindergartens, "kindergartens")):
        if chosen.empty:
            continue
        for i in sorted(_add_planned(frame, key, _with_teacher_totals(chosen, table, frame))):
            p = chosen.loc[i] if i in chosen.index else None
            if p is None or isinstance(p, pd.DataFrame):
                continue
            problems.append(Problem(WARNING, "建设计划对应数据缺失",
                                    f"学校 {p['school_id']} 基年的「{p['item']}」缺失，计划新增的 {p['quantity']} 无法累加，预测中该项仍为缺失。",
                                    column="项目", value=p["item"], **_where(p)))


PLANNED_COLUMNS = ["county", "track", "school_id", "school_name", "year", "field", "label", "quantity", "unit", "cost_wan"]


def planned_changes(inputs, base: pd.Series | None = None) -> pd.DataFrame:
    """The 建设计划 items the projection applies (planned_changes.csv): one row per item.

    `year` is the statistical year from which the item counts; `cost_wan` the plan's own
    investment (empty where the workbook gives none, e.g. teachers); items whose base-year
    value is missing are left out, as the projection leaves them out.
    """
    from yichun.dictionary import sheet
    from yichun.projection.cohort import base_years

    base = base_years(inputs) if base is None else base
    schools, kgs = inputs.schools, inputs.kindergartens
    if schools is None or inputs.plans is None or inputs.plans.empty:
        return pd.DataFrame(columns=PLANNED_COLUMNS)
    at_base = lambda f: f[(f["year"] == f["county"].map(base)).to_numpy()] if f is not None and len(f) else f  # noqa: E731
    s0, k0 = at_base(schools), at_base(kgs)
    chosen_plans = select_plans(s0, k0, inputs.plans, base, [])
    rows = []
    for chosen, frame, key, name, table, track in ((chosen_plans.schools, s0, "school_id", "school_name", "schools", "义务教育"),
                                                   (chosen_plans.kindergartens, k0, "kg_id", "kg_name", "kindergartens", "学前教育")):
        if chosen.empty:
            continue
        fields = {f.field: f for f in sheet(table).fields}
        f = frame.set_index(["county", key])
        for _, p in chosen.iterrows():
            unit_row = f.loc[(p["county"], p["school_id"])]
            if pd.isna(unit_row[p["item"]]):
                continue
            spec = fields.get(p["item"])
            cost = p.get("investment_wan", np.nan)
            rows.append({"county": p["county"], "track": track, "school_id": p["school_id"], "school_name": unit_row[name],
                         "year": int(p["plan_year"]), "field": p["item"], "label": spec.header if spec else p["item"],
                         "quantity": float(p["quantity"]), "unit": spec.unit if spec else "",
                         "cost_wan": float(cost) if pd.notna(cost) else np.nan})
    out = pd.DataFrame(rows, columns=PLANNED_COLUMNS)
    return out.sort_values(["county", "track", "year", "school_id", "field"], kind="stable").reset_index(drop=True)


def planned_summary(planned: pd.DataFrame | None) -> pd.DataFrame:
    """Per county and track: items, years, priced investment and new teachers of the 建设计划."""
    cols = ["county", "track", "items", "first_year", "last_year", "cost_wan", "teachers", "text"]
    if planned is None or planned.empty:
        return pd.DataFrame(columns=cols)
    p = planned.assign(teachers=np.where([is_new_teacher(f, "schools" if t == "义务教育" else "kindergartens")
                                          for f, t in zip(planned["field"], planned["track"])], planned["quantity"], 0.0))
    g = p.groupby(["county", "track"], sort=False).agg(items=("field", "size"), first_year=("year", "min"),
                                                        last_year=("year", "max"), cost_wan=("cost_wan", lambda c: c.sum(min_count=1)),
                                                        teachers=("teachers", "sum")).reset_index()

    def text(r) -> str:
        years = f"{r['first_year']}年" if r["first_year"] == r["last_year"] else f"{r['first_year']}—{r['last_year']}年"
        parts = [f"{years} {r['items']} 项"]
        if pd.notna(r["cost_wan"]):
            parts.append(f"计划投资 {r['cost_wan']:,.0f} 万元")
        if r["teachers"] > 0:
            parts.append(f"新增教师 {r['teachers']:.0f} 人")
        return "基准已计入本县建设计划：" + "，".join(parts)

    g["text"] = [text(r) for _, r in g.iterrows()]
    return g[cols]
