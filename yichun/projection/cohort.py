"""Enrolment and POP_3_5 projection by cohort ratios, and its allocation to schools.

The workbook gives level totals per school (小学在校生数, 初中在校生数), children per
kindergarten, the county's 3—5岁常住人口 (POP_3_5) and registered births per calendar year.

Model (parameters in yichun/data/projection.yaml, `cohorts`):

* Statistical year t is the school year that starts in September t. A child enters 小学
  一年级 in the September of the year it turns 6, so the entrants of September t were born
  in t − 6 and grade g (1…6) is the cohort born in t − 5 − g. A level's enrolment in year t
  is the sum of the cohorts of its grades: 小学 ← born t−11 … t−6, 初中 ← born t−14 … t−12,
  幼儿园 and POP_3_5 ← born t−5 … t−3.
* For every county, level and observed year the cohort ratio
  r(t) = enrolment(t) ÷ Σ births of the level's cohorts
  folds together the entry ratio, survival, migration and children schooled elsewhere.
* Projection: enrolment(t) = r × Σ births of the cohorts of year t, with
  r = mean of the most recent `recent_years` observed ratios (central) and, with
  `band: minmax`, the lowest / highest ratio ever observed (low / high); `band: sd` uses
  central ∓ band_k × standard deviation instead. POP_3_5 uses the central ratio in every
  variant (`pop_ratio_variant`), so the low variant is pessimistic for 毛入园率 and
  optimistic for the per-student indicators.
* Births after the last year of the 人口 sheet: the last observed year's births changed by
  `future_births[variant]` a year, compounded (central 0: held flat).
* A county without the births (or enrolment) needed for a ratio keeps its base-year
  enrolment and gets a warning problem record: nothing is silently read as zero.
* Allocation: each school's (kindergarten's) share of the county level total in the base
  year, moved along the linear trend of its share over the recent years, clipped at 0 and
  renormalised; counts are rounded to whole persons by largest remainder (county totals
  kept).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from yichun.errors import WARNING, Problem
from yichun.projection.params import KINDERGARTEN, POP_CODE, POP_LEVEL, STUDENT_FIELDS, VARIANTS
from yichun.tables import Inputs, births

ACTUAL, PROJECTED = "实际", "预测"


@dataclass(frozen=True)
class Factor:
    """A multiplier a what-if puts on births (出生人口变化) or on cohort ratios (人口迁移变化)."""

    factor: float
    county: str | None = None  # None: every county
    from_year: int | None = None  # birth year (births) or statistical year (ratios) from which it applies
    levels: tuple[str, ...] | None = None  # ratios only: the levels it applies to (None: every level)


@dataclass(frozen=True)
class DemographicFactors:
    """The births and migration factors a projection is made with (empty: none)."""

    births: tuple[Factor, ...] = ()
    ratios: tuple[Factor, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.births or self.ratios)


NO_FACTORS = DemographicFactors()


def base_years(inputs: Inputs) -> pd.Series:
    """Each county's last statistical year with school, kindergarten or county data."""
    frames = [f[["county", "year"]] for f in (inputs.schools, inputs.kindergartens, inputs.county_inputs) if f is not None and not f.empty]
    if not frames:
        return pd.Series(dtype="int64", name="base_year")
    both = pd.concat(frames, ignore_index=True).dropna()
    return both.groupby("county")["year"].max().astype(int).rename("base_year")


def base_frame(base: pd.Series) -> pd.DataFrame:
    """county | base_year from a Series indexed by county."""
    return base.rename_axis("county").rename("base_year").reset_index()


def actual_enrolment(inputs: Inputs) -> pd.DataFrame:
    """Observed totals: county | year | level | enrolment (小学, 初中, 幼儿园, 3—5岁人口)."""
    parts = []
    s = inputs.schools
    if s is not None and not s.empty:
        for level, col in STUDENT_FIELDS.items():
            g = s.groupby(["county", "year"])[col].sum(min_count=1).rename("enrolment").reset_index()
            g["level"] = level
            parts.append(g)
    k = inputs.kindergartens
    if k is not None and not k.empty:
        g = k.groupby(["county", "year"])["children"].sum(min_count=1).rename("enrolment").reset_index()
        g["level"] = KINDERGARTEN
        parts.append(g)
    c = inputs.county_inputs
    if c is not None and not c.empty:
        g = c.loc[c["code"] == POP_CODE, ["county", "year", "value"]].rename(columns={"value": "enrolment"})
        g = g.groupby(["county", "year"])["enrolment"].last().reset_index()
        g["level"] = POP_LEVEL
        parts.append(g)
    if not parts:
        return pd.DataFrame({"county": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"),
                             "level": pd.Series(dtype="str"), "enrolment": pd.Series(dtype="float64")})
    out = pd.concat(parts, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["enrolment"] = out["enrolment"].astype(float)
    return out[["county", "year", "level", "enrolment"]]


def extend_births(birth_frame: pd.DataFrame, to_birth_year: int, annual_change: float = 0.0,
                  factors: tuple[Factor, ...] = ()) -> pd.DataFrame:
    """Births per county and calendar year up to `to_birth_year`: county | birth_year | births | observed.

    Years after a county's last observed year take its last births × (1 + annual_change)^k.
    Interior gaps stay missing. `factors` (a what-if's births actions)
    multiply the births of birth_year ≥ from_year, observed or not.
    """
    b = birth_frame.dropna(subset=["births"])[["county", "birth_year", "births"]].assign(observed=True)
    if b.empty:
        return pd.DataFrame({"county": pd.Series(dtype="str"), "birth_year": pd.Series(dtype="int64"),
                             "births": pd.Series(dtype="float64"), "observed": pd.Series(dtype="bool")})
    last = b.loc[b.groupby("county")["birth_year"].idxmax(), ["county", "birth_year", "births"]]
    last = last.rename(columns={"birth_year": "last_year", "births": "last"})
    span = np.arange(int(last["last_year"].min()) + 1, to_birth_year + 1)
    fut = last.merge(pd.DataFrame({"birth_year": span}), how="cross")
    fut = fut[fut["birth_year"] > fut["last_year"]]
    fut = fut.assign(births=fut["last"] * (1.0 + annual_change) ** (fut["birth_year"] - fut["last_year"]), observed=False)
    out = pd.concat([b, fut[["county", "birth_year", "births", "observed"]]], ignore_index=True)
    out["birth_year"] = out["birth_year"].astype(int)
    for f in factors:
        mask = out["birth_year"] >= (f.from_year if f.from_year is not None else -10**6)
        if f.county:
            mask &= out["county"] == f.county
        out.loc[mask, "births"] *= float(f.factor)
    return out.sort_values(["county", "birth_year"]).reset_index(drop=True)


def cohort_births(birth_frame: pd.DataFrame, years, youngest: int, oldest: int) -> pd.DataFrame:
    """Σ births of the cohorts born t−oldest … t−youngest, per county and year t.

    Missing if any of those birth years is missing (never a partial sum).
    """
    years = sorted({int(y) for y in years})
    if birth_frame.empty or not years:
        return pd.DataFrame({"county": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"),
                             "cohort_births": pd.Series(dtype="float64")})
    wide = birth_frame.pivot_table(index="birth_year", columns="county", values="births", aggfunc="last")
    lo = min(min(years) - oldest, int(wide.index.min()))
    hi = max(max(years) - youngest, int(wide.index.max()))
    wide = wide.reindex(range(lo, hi + 1))
    window = oldest - youngest + 1
    rolled = wide.rolling(window, min_periods=window).sum()  # row b: Σ births b−window+1 … b
    picked = rolled.reindex([y - youngest for y in years])
    picked.index = years
    out = picked.stack(future_stack=True).reset_index()
    out.columns = ["year", "county", "cohort_births"]
    return out[["county", "year", "cohort_births"]]


def observed_ratios(inputs: Inputs, params: dict) -> pd.DataFrame:
    """county | level | year | enrolment | cohort_births | ratio for every observed year."""
    enrol = actual_enrolment(inputs)
    b = births(inputs)
    parts = []
    for level, spec in params["cohorts"].items():
        e = enrol[enrol["level"] == level]
        if e.empty:
            continue
        cb = cohort_births(b, e["year"].unique(), spec["youngest"], spec["oldest"])
        parts.append(e.merge(cb, on=["county", "year"], how="left"))
    if not parts:
        return enrol.assign(cohort_births=pd.Series(dtype="float64"), ratio=pd.Series(dtype="float64"))
    out = pd.concat(parts, ignore_index=True)
    out["ratio"] = out["enrolment"] / out["cohort_births"].where(out["cohort_births"] > 0)
    return out.sort_values(["county", "level", "year"]).reset_index(drop=True)


def ratio_bands(ratios: pd.DataFrame, params: dict) -> pd.DataFrame:
    """county | level | central | low | high | n_years from the observed ratios."""
    r = ratios.dropna(subset=["ratio"]).sort_values("year")
    n = params["recent_years"]
    grouped = r.groupby(["county", "level"])["ratio"]
    out = pd.DataFrame({
        "central": grouped.apply(lambda s: s.tail(n).mean()),
        "n_years": grouped.size(),
    })
    if params["band"] == "sd":
        sd = grouped.std(ddof=0).fillna(0.0) * params["band_k"]
        out["low"], out["high"] = out["central"] - sd, out["central"] + sd
    else:
        out["low"], out["high"] = grouped.min(), grouped.max()
    return out.reset_index()[["county", "level", "central", "low", "high", "n_years"]]


def _factors(ratio_factors: tuple[Factor, ...], level: str, counties, years) -> pd.DataFrame:
    """years × counties multiplicative factors on the cohort ratio from scenario migration actions."""
    f = pd.DataFrame(1.0, index=pd.Index(years, name="year"), columns=pd.Index(counties, name="county"))
    for a in ratio_factors:
        if a.levels and level not in a.levels:
            continue
        rows = f.index >= a.from_year if a.from_year is not None else np.full(len(f.index), True)
        cols = [a.county] if a.county else list(f.columns)
        cols = [c for c in cols if c in f.columns]
        f.loc[rows, cols] *= float(a.factor)
    return f


def project_enrolment(inputs: Inputs, to_year: int = 2030, variants=VARIANTS, params: dict | None = None, *,
                      factors: DemographicFactors = NO_FACTORS, problems: list[Problem] | None = None) -> pd.DataFrame:
    """County totals per level, observed and projected (births and cohort ratios times `factors`).

    Returns county | level | year | variant | kind (实际/预测) | cohort_births | ratio | enrolment.
    Observed years are repeated under every variant (for fan charts). `problems`, when given,
    collects a warning for each county and level that falls back to its base-year enrolment.
    """
    from yichun.projection.params import parameters

    params = params or parameters()
    base = base_years(inputs)
    ratios = observed_ratios(inputs, params)
    bands = ratio_bands(ratios, params).set_index(["level", "county"])
    enrol = actual_enrolment(inputs)
    actual = enrol.merge(ratios[["county", "level", "year", "cohort_births", "ratio"]], on=["county", "level", "year"], how="left")
    out = [actual.assign(variant=v, kind=ACTUAL) for v in variants]
    counties = list(base.index)
    future = np.arange(int(base.min()) + 1, to_year + 1) if len(base) else np.array([], dtype=int)
    if len(future):
        after_base = future[:, None] > base.reindex(counties).to_numpy()[None, :]
        with_base = enrol.merge(base_frame(base), on="county")
        held_all = with_base[with_base["year"] == with_base["base_year"]].set_index(["level", "county"])["enrolment"]
        raw_births = births(inputs)
        for variant in variants:
            b = extend_births(raw_births, to_year, params["future_births"][variant], factors.births)
            wide = b.pivot_table(index="birth_year", columns="county", values="births", aggfunc="last").reindex(columns=counties)
            for level, spec in params["cohorts"].items():
                window = spec["oldest"] - spec["youngest"] + 1
                lo = min(int(future.min()) - spec["oldest"], int(wide.index.min()) if len(wide) else 0)
                rolled = wide.reindex(range(lo, int(future.max()) - spec["youngest"] + 1)).rolling(window, min_periods=window).sum()
                cb = rolled.reindex(future - spec["youngest"]).to_numpy(float)
                pick = variant if (level != POP_LEVEL or params["pop_ratio_variant"] == "same") else "central"
                ratio = bands[pick].reindex(pd.MultiIndex.from_product([[level], counties])).to_numpy(float)
                factor = _factors(factors.ratios, level, counties, future).to_numpy(float)
                value = ratio[None, :] * cb * factor
                held = held_all.reindex(pd.MultiIndex.from_product([[level], counties])).to_numpy(float)
                bad = np.isnan(value) & after_base
                value = np.where(np.isnan(value), held[None, :] * factor, value)
                if bad.any() and problems is not None and variant == variants[0]:
                    for j in np.where(bad.any(axis=0))[0]:
                        county, yrs = counties[j], future[bad[:, j]]
                        problems.append(Problem(
                            WARNING, "无法按出生队列预测",
                            f"{county}{level}：缺少计算出生队列比所需的出生人口或在校(园)人数，"
                            f"{int(yrs.min())}—{int(yrs.max())}年按基年{int(base[county])}年人数持平预测。"
                            "请在「人口」表补齐至少近12年的出生人口。",
                            sheet="人口", county=county, year=int(base[county])))
                yy, cc = np.nonzero(after_base)
                out.append(pd.DataFrame({
                    "county": np.asarray(counties, dtype=object)[cc], "level": level, "year": future[yy],
                    "variant": variant, "kind": PROJECTED, "cohort_births": cb[yy, cc],
                    "ratio": np.broadcast_to(ratio[None, :], cb.shape)[yy, cc], "enrolment": value[yy, cc]}))
    frame = pd.concat(out, ignore_index=True)
    frame["county"] = frame["county"].astype("str")
    cols = ["county", "level", "year", "variant", "kind", "cohort_births", "ratio", "enrolment"]
    return frame[cols].sort_values(["county", "level", "variant", "year"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------- allocation

def _round_preserving(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Round to integers so that each group's rounded total equals its rounded sum (largest remainder)."""
    v = values.fillna(0.0).clip(lower=0.0)
    floor = np.floor(v)
    frac = v - floor
    target = v.groupby(groups).transform("sum").round()
    missing = (target - floor.groupby(groups).transform("sum")).astype(int)
    rank = frac.groupby(groups).rank(method="first", ascending=False)
    out = floor + (rank <= missing).astype(float)
    return out.where(values.notna())


def trended_shares(history: pd.DataFrame, key: str, base: pd.Series, years, params: dict) -> pd.DataFrame:
    """Each unit's projected share of its county total: county | key | year | share.

    `history`: county | year | key | value (the recent observed years). Units are those of the
    county's base year; the share moves from its base-year value along the least-squares slope
    of the shares over the last `recent_years` years, clipped at 0 and renormalised.
    """
    h = history.merge(base_frame(base), on="county")
    h = h[(h["year"] <= h["base_year"]) & (h["year"] > h["base_year"] - params["recent_years"])].copy()
    h["share"] = h["value"] / h.groupby(["county", "year"])["value"].transform("sum").where(lambda s: s > 0)
    now = h[h["year"] == h["base_year"]][["county", key, "share", "base_year"]].rename(columns={"share": "base_share"})
    if params["share_trend"] == "linear":
        fit = h.dropna(subset=["share"]).copy()
        fit["x"] = fit["year"] - fit.groupby(["county", key])["year"].transform("mean")
        fit["y"] = fit["share"] - fit.groupby(["county", key])["share"].transform("mean")
        sums = fit.assign(xy=fit["x"] * fit["y"], xx=fit["x"] ** 2).groupby(["county", key])[["xy", "xx"]].sum()
        slope = (sums["xy"] / sums["xx"].where(sums["xx"] > 0)).fillna(0.0).rename("slope").reset_index()
        now = now.merge(slope, on=["county", key], how="left")
        now["slope"] = now["slope"].fillna(0.0)
    else:
        now["slope"] = 0.0
    grid = now.merge(pd.DataFrame({"year": sorted(years)}), how="cross")
    grid = grid[grid["year"] > grid["base_year"]]
    grid["share"] = (grid["base_share"] + grid["slope"] * (grid["year"] - grid["base_year"])).clip(lower=0.0)
    total = grid.groupby(["county", "year"])["share"].transform("sum")
    grid["share"] = (grid["share"] / total.where(total > 0)).fillna(grid["base_share"])
    return grid[["county", key, "year", "share"]]


def allocate(history: pd.DataFrame, key: str, totals: pd.DataFrame, base: pd.Series, params: dict,
             shares: pd.DataFrame | None = None) -> pd.DataFrame:
    """Split projected county totals over units: county | key | year | value (whole persons).

    `totals`: county | year | enrolment. Units missing their base-year value stay missing.
    `shares` may pass precomputed `trended_shares` (they do not depend on the variant).
    """
    if shares is None:
        shares = trended_shares(history, key, base, totals["year"].unique(), params)
    out = shares.merge(totals[["county", "year", "enrolment"]], on=["county", "year"], how="left")
    raw = out["share"] * out["enrolment"]
    group = out["county"] + "|" + out["year"].astype(str)
    out["value"] = _round_preserving(raw, group)
    return out[["county", key, "year", "value"]]
