"""`assess(inputs, years, profile)`: both national assessments for every county and year, as
one `Assessment` (a dataclass of frames). Projections and scenarios feed their own `Inputs`
through this same function; there is no second copy of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from yichun.assessment.compulsory import SUFFIX, balance, build_parts, cv_frame
from yichun.assessment.core import Groups, county_years
from yichun.assessment.costs import UnitCosts, unit_costs
from yichun.assessment.county_items import assemble, compulsory_items, wide_inputs
from yichun.assessment.gaps import GapInputs, Gaps, compute_gaps
from yichun.assessment.missing import missing_frame
from yichun.assessment.preschool import assess_preschool, kindergarten_checks
from yichun.assessment.verdict import readiness
from yichun.catalogue import Catalogue, catalogue
from yichun.dictionary import field_dtype, sheet
from yichun.errors import YichunError
from yichun.tables import Inputs


@dataclass
class Assessment:
    """The result of `assess`. Frames (the rules behind them: docs/domain.md):

    school_parts  one row per school part (counted or not): R1–R7 (R6 in 元/生), ratios, n_met, passed
    cv            enrolment-weighted 差异系数 per county, year, level, indicator
    preschool     P1–P3 per county and year (fractions)
    items         every catalogue indicator per county and year: value, standard, met, rating, detail, veto
    readiness     per county, track, year: A met/total, B good/total, ready, unmet codes, missing (what and where)
    missing       one row per school/kindergarten/county figure and indicator whose empty fields leave it 缺数据
    school_checks one row per school: counted, G3/G4/G5 checks and G12 sums
    kg_checks     one row per kindergarten: per-child areas and PQ1, classes, teachers
    gaps          what to add, per school part / kindergarten / county, in physical units, priced
    bill          the priced total per county, year, track and category (sum of gaps with in_bill)
    cv_drivers    for each CV above its limit, every school's share of the weighted variance

    gaps, bill and cv_drivers are worked out on first access (a what-if recomputation that only
    reads readiness does not pay for them); they are ordinary frames after that.
    """

    school_parts: pd.DataFrame
    cv: pd.DataFrame
    preschool: pd.DataFrame
    items: pd.DataFrame
    readiness: pd.DataFrame
    school_checks: pd.DataFrame
    kg_checks: pd.DataFrame
    missing: pd.DataFrame = field(default_factory=pd.DataFrame)
    profile: str = "national"
    catalogue: Catalogue | None = field(default=None, repr=False)
    inputs: Inputs | None = field(default=None, repr=False)
    costs: UnitCosts = field(default_factory=dict, repr=False)
    gap_inputs: GapInputs | None = field(default=None, repr=False)
    _gaps: Gaps | None = field(default=None, repr=False)

    def _derive(self) -> Gaps:
        if self._gaps is None:
            if self.gap_inputs is None:
                raise YichunError("该评估结果没有保存计算差距所需的数据")
            self._gaps = compute_gaps(self.gap_inputs)
            self.gap_inputs = None
        return self._gaps

    @property
    def gaps(self) -> pd.DataFrame:
        return self._derive().gaps

    @property
    def bill(self) -> pd.DataFrame:
        return self._derive().bill

    @property
    def cv_drivers(self) -> pd.DataFrame:
        return self._derive().cv_drivers

    def years(self) -> list[int]:
        return sorted(int(y) for y in self.readiness["year"].unique())

    def counties(self) -> list[str]:
        return sorted(self.readiness["county"].unique())

    def total_cost(self, county: str | None = None, year: int | None = None, track: str | None = None) -> float:
        """The bill to compliance in 万元 (priced categories only) for a county/year/track selection."""
        b = self.bill
        if county is not None:
            b = b[b["county"] == county]
        if year is not None:
            b = b[b["year"] == year]
        if track is not None:
            b = b[b["track"] == track]
        return float(b["cost_wan"].sum())

    def is_ready(self, county: str, year: int, track: str) -> bool:
        r = self.readiness
        row = r[(r["county"] == county) & (r["year"] == year) & (r["track"] == track)]
        if row.empty:
            raise YichunError(f"评估结果中没有 {county} {year}年 {track} 的数据")
        return bool(row["ready"].iloc[0])


def _conform(frame: pd.DataFrame | None, key: str) -> pd.DataFrame:
    """The frame with every dictionary column present (missing ones all-NA) and `year` as int."""
    frame = pd.DataFrame() if frame is None else frame
    fields = sheet(key).fields
    add = {}
    for f in fields:
        if f.field not in frame.columns:
            add[f.field] = pd.Series(pd.NA if field_dtype(f) != "float64" else np.nan, index=frame.index, dtype=field_dtype(f))
    for c, dtype in (("county", "str"), ("year", "int64")):
        if c not in frame.columns:
            add[c] = pd.Series(dtype=dtype, index=frame.index)
    if add:
        frame = frame.assign(**add)
    if len(frame) and frame["year"].dtype != "int64":
        frame = frame.assign(year=frame["year"].astype("int64"))
    return frame


def assess(inputs: Inputs, years: int | list[int] | None = None, profile: str | Path | Catalogue = "national",
           unit_cost_source: str | Path | dict | None = None) -> Assessment:
    """Assess every county in `inputs` for the given statistical year(s) under a standards profile.

    profile: a profile name (national, plan-2025), a YAML file path, or a `Catalogue`.
    unit_cost_source: None (yichun/data/unit_costs.yaml), a YAML path, or {key: {price_yuan: …}} overrides.
    Asking for a year that has no data is a YichunError naming the years found.
    """
    cat = catalogue(profile)
    costs = unit_costs(unit_cost_source)
    available = inputs.years()
    if years is None:
        wanted = available
        sub = inputs
    else:
        wanted = [int(years)] if isinstance(years, int | np.integer) else sorted({int(y) for y in years})
        absent = [y for y in wanted if y not in available]
        if absent:
            found = "、".join(str(y) for y in available) or "（无）"
            raise YichunError(f"没有 {'、'.join(map(str, absent))} 年度的数据；已有数据的统计年度：{found}")
        sub = inputs if set(available) <= set(wanted) else inputs.select(years=wanted)
    schools = _conform(sub.schools, "schools")
    kgs = _conform(sub.kindergartens, "kindergartens")
    ci = sub.county_inputs if sub.county_inputs is not None else pd.DataFrame()
    groups = Groups(county_years(Inputs(schools, kgs, ci, sub.population), wanted))
    levels = [lv for lv in cat.rules["counted_schools"]["levels"] if lv in SUFFIX]
    codes = list(cat.rules["school_rule"]["indicators"])

    sf = build_parts(schools, cat, groups)
    counted = np.flatnonzero(sf.part_arrays["counted"] & (sf.g_parts >= 0))
    level_idx = np.zeros(len(counted), dtype="int64")
    for i, lv in enumerate(levels):
        level_idx[sf.part_arrays["level"][counted] == lv] = i
    x = np.column_stack([sf.part_arrays[c][counted] for c in codes]) if len(counted) else np.zeros((0, len(codes)))
    bal = balance(sf.g_parts[counted], level_idx, sf.part_arrays["students"][counted], x, len(levels))
    cv, cv_met = cv_frame(bal, groups, levels, codes, cat.rules["balance_rule"]["limits"])

    kg = kindergarten_checks(kgs, cat)
    g_kg = groups.codes(kg)
    values, ratings = wide_inputs(ci, groups)
    preschool, p_items, kg = assess_preschool(kg, g_kg, values, groups, cat, getattr(sub, "townships", None))
    computed = {it["code"]: it for it in [*compulsory_items(sf, bal, cv_met, levels, groups, cat), *p_items]}
    items, matrices = assemble(cat, groups, computed, values, ratings)
    ready = readiness(groups, matrices, cat)
    met_by_code = {c: matrices["met"][:, i] for i, c in enumerate(matrices["codes"])}
    # PG3's shortfall (townships/streets lacking a kindergarten) is worked out township by township
    missing = missing_frame(sf, kg, g_kg, groups, cat, met_by_code, values, ratings)
    values = {**values, "PG3_SHORT": computed["PG3"]["short"], "PG4_SHORT": computed["PG4"]["short"]}
    pending = GapInputs(schools=sf, balance=bal, cv_met=cv_met, levels=levels, kindergartens=kg, kg_groups=g_kg, preschool=preschool,
                        met=met_by_code, values=values, groups=groups, catalogue=cat, costs=costs)
    return Assessment(
        school_parts=sf.parts, cv=cv, preschool=preschool, items=items, readiness=ready, school_checks=sf.checks, kg_checks=kg,
        missing=missing,
        profile=cat.profile, catalogue=cat, inputs=sub, costs=costs, gap_inputs=pending,
    )
