"""Backtest (回测): project from an earlier year and compare with the years already observed.

`backtest(inputs, base_year=2021)` keeps only what was known in the base year (workbooks of
statistical years ≤ base year: schools, kindergartens, 县级指标, the births they listed, the
plans they carried), projects to the last observed year and scores the projection against
the actual data, like a school-place planner's forecast-accuracy scorecard:

* enrolment (小学, 初中, 幼儿园, 3—5岁人口): per county, level and year the projected and
  actual totals, the error and the absolute percentage error (APE); `enrolment_mape` is the
  mean APE per county and level (MAPE) over the observed years after the base;
* indicators: the county values X̄ (total resource ÷ total students) of R1–R7 per level
  and P1–P3, each judged by `yichun.assessment.assess` on the projected and on the actual
  inputs; `indicator_errors` gives their MAPE and mean absolute error per indicator;
* readiness: whether the projected and the actual verdicts agree, per county, track, year.

Errors of the indicators mix the enrolment error with resource changes the projection did
not know (new teachers, buildings): run with `growth=True` to compare.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from yichun.catalogue import catalogue
from yichun.errors import YichunError
from yichun.projection import cohort
from yichun.projection.params import LEVELS as LEVEL_ORDER
from yichun.projection.params import parameters
from yichun.projection.projected import project_inputs
from yichun.tables import Inputs


@dataclass
class Backtest:
    base_year: int
    years: list[int]
    enrolment: pd.DataFrame  # county, level, year, horizon, projected, actual, error, ape
    enrolment_mape: pd.DataFrame  # county, level, n_years, mape, bias
    indicators: pd.DataFrame  # county, year, horizon, code, level, projected, actual, error, ape
    indicator_errors: pd.DataFrame  # code, level, n, mape, mae
    readiness: pd.DataFrame  # county, track, year, horizon, projected_ready, actual_ready, agree

    def summary(self) -> pd.DataFrame:
        """MAPE by level (rows) and horizon (columns: years after the base), all counties together."""
        e = self.enrolment
        table = e.groupby(["level", "horizon"])["ape"].mean().unstack("horizon")
        return table.reindex([lv for lv in LEVEL_ORDER if lv in table.index]).rename_axis(index="学段", columns="预测年数")

    def mape_table(self) -> pd.DataFrame:
        """MAPE per county (rows) and level (columns)."""
        table = self.enrolment_mape.pivot_table(index="county", columns="level", values="mape")
        return table[[lv for lv in LEVEL_ORDER if lv in table.columns]].rename_axis(index="县(市、区)", columns="学段")


def known_at(inputs: Inputs, base_year: int) -> Inputs:
    """What the workbooks of statistical years ≤ base_year contained."""

    def upto(frame: pd.DataFrame) -> pd.DataFrame:
        if frame is None or frame.empty or "year" not in frame:
            return frame
        return frame[frame["year"] <= base_year]

    return replace(inputs, schools=upto(inputs.schools), kindergartens=upto(inputs.kindergartens),
                   county_inputs=upto(inputs.county_inputs), population=upto(inputs.population), plans=upto(inputs.plans))


def _errors(frame: pd.DataFrame) -> pd.DataFrame:
    frame["error"] = frame["projected"] - frame["actual"]
    frame["ape"] = (frame["error"].abs() / frame["actual"].abs().where(frame["actual"] != 0)).astype(float)
    return frame


def backtest(inputs: Inputs, base_year: int | None = None, variant: str = "central", growth: bool = False, *,
             profile="national", params: dict | None = None, counties=None) -> Backtest:
    """Project from `base_year` (default projection.yaml backtest.base_year) and score against later data."""
    from yichun.assessment import assess

    params = params or parameters()
    cat = catalogue(profile)
    base_year = int(base_year or params["backtest"]["base_year"])
    if counties is not None:
        inputs = inputs.select(counties=[counties] if isinstance(counties, str) else list(counties))
    observed = inputs.years()
    later = [y for y in observed if y > base_year]
    if base_year not in observed or not later:
        raise YichunError(f"回测基年 {base_year} 应为数据中的一年，且其后还有实际数据（数据年度：{'、'.join(map(str, observed))}）")
    last = max(later)
    known = known_at(inputs, base_year)
    enrol = cohort.project_enrolment(known, last, (variant,), params)
    proj_e = enrol[(enrol["kind"] == cohort.PROJECTED) & enrol["year"].isin(later)]
    act_e = cohort.actual_enrolment(inputs)
    e = proj_e[["county", "level", "year", "enrolment"]].rename(columns={"enrolment": "projected"}).merge(
        act_e.rename(columns={"enrolment": "actual"}), on=["county", "level", "year"], how="inner")
    e["horizon"] = e["year"] - base_year
    e = _errors(e)[["county", "level", "year", "horizon", "projected", "actual", "error", "ape"]]
    e = e.sort_values(["county", "level", "year"]).reset_index(drop=True)
    mape = e.groupby(["county", "level"]).agg(n_years=("ape", "count"), mape=("ape", "mean"),
                                               bias=("error", lambda s: float(s.sum()))).reset_index()
    mape["bias"] = mape["bias"] / mape["n_years"].where(mape["n_years"] > 0)

    proj = project_inputs(known, last, variant, growth, params=params, enrolment=enrol)
    a_proj = assess(proj, years=later, profile=cat)
    a_act = assess(inputs.select(years=later), years=later, profile=cat)

    def values(a) -> pd.DataFrame:
        cv = a.cv[["county", "year", "level", "indicator", "county_value"]].rename(columns={"indicator": "code", "county_value": "value"})
        pre = a.preschool[["county", "year", "indicator", "value"]].rename(columns={"indicator": "code"}).assign(level="")
        return pd.concat([cv, pre], ignore_index=True)

    ind = values(a_proj).rename(columns={"value": "projected"}).merge(
        values(a_act).rename(columns={"value": "actual"}), on=["county", "year", "level", "code"], how="inner")
    ind["horizon"] = ind["year"] - base_year
    ind = _errors(ind)[["county", "year", "horizon", "code", "level", "projected", "actual", "error", "ape"]]
    ind = ind.sort_values(["code", "level", "county", "year"]).reset_index(drop=True)
    ind_err = ind.groupby(["code", "level"]).agg(n=("ape", "count"), mape=("ape", "mean"),
                                                 mae=("error", lambda s: float(np.nanmean(np.abs(s))) if s.notna().any() else np.nan))
    ind_err = ind_err.reset_index()

    r = a_proj.readiness[["county", "track", "year", "ready"]].rename(columns={"ready": "projected_ready"}).merge(
        a_act.readiness[["county", "track", "year", "ready"]].rename(columns={"ready": "actual_ready"}),
        on=["county", "track", "year"], how="inner")
    r["horizon"] = r["year"] - base_year
    r["agree"] = r["projected_ready"].astype(bool) == r["actual_ready"].astype(bool)
    r = r[["county", "track", "year", "horizon", "projected_ready", "actual_ready", "agree"]]
    return Backtest(base_year, later, e, mape, ind, ind_err, r)
