"""Projected `Inputs` for future statistical years, ready for `yichun.assessment.assess`.

`project_inputs(inputs, to_year=2030, variant="central")` returns an `Inputs` holding the
FUTURE years only (each county from the year after its base year — its last year of data —
to `to_year`); `with_actual(inputs, projected)` concatenates the observed years in front.

What is projected and what is carried forward:

* students (小学, 初中) per school, children per kindergarten and the county's POP_3_5:
  cohort ratios × births, allocated by trended shares (yichun.projection.cohort);
* classes follow students; stock, plans and optional growth (yichun.projection.resources);
* 高中在校生数 (senior students of 完全中学 / 十二年一贯制) is held at the base year;
* every other 县级指标 row (ratings, G-items, satisfaction, TOWNSHIPS …) is carried forward
  from the county's last actual year: the projection says nothing about policy.

Projected rows have empty provenance columns.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from yichun.errors import Problem
from yichun.projection import cohort, resources
from yichun.projection.params import CLASS_FIELDS, KINDERGARTEN, POP_CODE, POP_LEVEL, STUDENT_FIELDS, parameters
from yichun.tables import Inputs


def _problem_frame(problems: list[Problem]) -> pd.DataFrame:
    """The projection's warnings as a problems frame (the columns of `Problem`)."""
    return pd.DataFrame([p.as_dict() for p in problems], columns=Problem.columns())


def allocation_shares(inputs: Inputs, to_year: int, params: dict) -> dict[str, pd.DataFrame]:
    """Each school's / kindergarten's trended share of its county total, per head-count column."""
    base = cohort.base_years(inputs)
    years = list(range(int(base.min()) + 1, to_year + 1)) if len(base) else []
    out = {}
    if inputs.schools is not None and not inputs.schools.empty:
        for col in STUDENT_FIELDS.values():
            hist = inputs.schools[["county", "year", "school_id", col]].rename(columns={col: "value"})
            out[col] = cohort.trended_shares(hist, "school_id", base, years, params)
    if inputs.kindergartens is not None and not inputs.kindergartens.empty:
        hist = inputs.kindergartens[["county", "year", "kg_id", "children"]].rename(columns={"children": "value"})
        out["children"] = cohort.trended_shares(hist, "kg_id", base, years, params)
    return out


def project_inputs(inputs: Inputs, to_year: int = 2030, variant: str = "central", growth: bool = False, *,
                   params: dict | None = None, counties=None, factors: cohort.DemographicFactors = cohort.NO_FACTORS,
                   enrolment: pd.DataFrame | None = None, shares: dict | None = None) -> Inputs:
    """Inputs for the years after each county's base year up to `to_year` (future years only).

    `factors` (a what-if's births and migration actions) multiply births and cohort ratios. `enrolment` may pass a
    precomputed `cohort.project_enrolment` frame (any variants) to avoid recomputing it, and
    `shares` the `allocation_shares` (they do not depend on the variant).
    Warnings (fallbacks, plans that cannot be applied) are appended to `problems`.
    """
    params = params or parameters()
    if counties is not None:
        inputs = inputs.select(counties=counties)
    problems: list[Problem] = []
    base = cohort.base_years(inputs)
    years = list(range(int(base.min()) + 1, to_year + 1)) if len(base) else []
    if enrolment is None or variant not in set(enrolment["variant"]):
        enrolment = cohort.project_enrolment(inputs, to_year, (variant,), params, factors=factors, problems=problems)
    proj = enrolment[(enrolment["variant"] == variant) & (enrolment["kind"] == cohort.PROJECTED)]
    proj = proj[proj["county"].isin(base.index)]

    schools = resources.carry_forward(inputs.schools, base, years)
    kgs = resources.carry_forward(inputs.kindergartens, base, years)
    if schools is not None and not schools.empty:
        for level, col in STUDENT_FIELDS.items():
            totals = proj[proj["level"] == level]
            hist = inputs.schools[["county", "year", "school_id", col]].rename(columns={col: "value"})
            alloc = cohort.allocate(hist, "school_id", totals, base, params, (shares or {}).get(col))
            alloc = alloc.rename(columns={"value": f"_new_{col}"})
            schools = schools.merge(alloc, on=["county", "school_id", "year"], how="left")
            schools = resources.scale_classes(schools, col, CLASS_FIELDS[level])
            schools[col] = schools.pop(f"_new_{col}")
        if growth:
            schools = resources.add_growth(schools, inputs.schools, "school_id", params["growth_fields"]["schools"], base,
                                           params["recent_years"])
    if kgs is not None and not kgs.empty:
        totals = proj[proj["level"] == KINDERGARTEN]
        hist = inputs.kindergartens[["county", "year", "kg_id", "children"]].rename(columns={"children": "value"})
        alloc = cohort.allocate(hist, "kg_id", totals, base, params, (shares or {}).get("children"))
        alloc = alloc.rename(columns={"value": "_new_children"})
        kgs = kgs.merge(alloc, on=["county", "kg_id", "year"], how="left")
        old_classes = kgs["classes"].copy()
        kgs = resources.scale_classes(kgs, "children", "classes")
        if "oversized_classes" in kgs:
            share = kgs["oversized_classes"] / old_classes.where(old_classes > 0)
            kgs["oversized_classes"] = (share * kgs["classes"]).round().where(share.notna(), kgs["oversized_classes"])
        kgs["children"] = kgs.pop("_new_children")
        if growth:
            kgs = resources.add_growth(kgs, inputs.kindergartens, "kg_id", params["growth_fields"]["kindergartens"], base,
                                       params["recent_years"])
    if schools is not None and kgs is not None:
        resources.apply_plans(schools, kgs, inputs.plans, base, problems)  # in place

    ci = resources.carry_forward(inputs.county_inputs, base, years)
    if ci is not None and not ci.empty:
        pop = proj[proj["level"] == POP_LEVEL].set_index(["county", "year"])["enrolment"]
        mask = ci["code"] == POP_CODE
        if mask.any():
            keys = pd.MultiIndex.from_frame(ci.loc[mask, ["county", "year"]])
            values = pop.reindex(keys).to_numpy()
            ci.loc[mask, "value"] = pd.Series(values, index=ci.index[mask]).round().where(pd.notna(values), ci.loc[mask, "value"])
            if "raw" in ci:
                ci.loc[mask, "raw"] = ci.loc[mask, "value"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
            if "note" in ci:
                ci.loc[mask, "note"] = "按出生队列预测"
    towns = resources.carry_forward(inputs.townships, base, years) if len(inputs.townships) else inputs.townships
    return replace(inputs, schools=schools, kindergartens=kgs, county_inputs=ci, townships=towns,
                   problems=_problem_frame(problems), quarantine=pd.DataFrame())


def with_actual(inputs: Inputs, projected: Inputs) -> Inputs:
    """Observed years followed by projected years, in one `Inputs`."""

    def cat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        if a is None or a.empty:
            return b
        if b is None or b.empty:
            return a
        return pd.concat([a, b], ignore_index=True)

    return replace(inputs, schools=cat(inputs.schools, projected.schools),
                   kindergartens=cat(inputs.kindergartens, projected.kindergartens),
                   county_inputs=cat(inputs.county_inputs, projected.county_inputs),
                   townships=cat(inputs.townships, projected.townships),
                   problems=cat(inputs.problems, projected.problems))
