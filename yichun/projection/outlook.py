"""Readiness outlook (按期达标预测): will each county pass in the year it is scheduled for?

`outlook(inputs, to_year=2030)` projects every county under the three variants
(yichun.projection.projected), judges every projected year with the SAME engine as the
actual data (`yichun.assessment.assess`) and returns an `Outlook` whose `status` frame has,
per county and track:

* scheduled_year — from yichun.schedule (track names mapped in yichun.projection.tracks);
* status, reason_variant, reason_year, reason_codes, reason_text, lapse_year, lapse_variant —
  see yichun.projection.reasons: 已过计划年份·达标 / 已过计划年份·未达标 (the verdict on the
  latest data once the scheduled year has come), 按期可达, 有风险, 难以按期, 超出预测期; the
  variant, year, failing codes and schools that decide it; the first lapse up to `to_year`;
* scheduled_result — for a county whose year has come: 通过 / 未通过 on the latest data;
* first_pass_central / _low / _high — the first year from the base year (the last actual
  year, judged on actual data) to `to_year` in which the county passes (empty: not by then);
* lapse_central — the first later year in which it fails again in the central variant;
* binding — the reason codes when the deciding variant fails, else the thinnest item with
  its margin, e.g. "R5 初中·某中学（余量 3.2%）"; margin, margin_central/_low/_high — the
  thinnest margins in the reason year (overall and per variant);
* planned — whether the baseline includes the county's 建设计划 (`planned` frame: one row
  per item, planned_changes.csv).

Margin of an A-class item (relative distance to its standard; negative = not met; used
only to rank and to flag thin passes, verdicts are the assessment's):
R1–R7: over the counted school parts, the smallest of (value ÷ standard − 1) where the
part meets the standard, or (value ÷ standard) ÷ remainder_ratio − 1 where it is the one
item the school rule allows below it (the margin of that item is measured from 85% of the
standard, and its label says so); where more items are below the standard than the rule
allows, those items have value ÷ standard − 1 (negative: the part fails); 差异系数: 1 − CV ÷ limit; other numeric items with a single
threshold: value ÷ standard − 1 (≥) or standard ÷ value − 1 (≤), except percentages with a
standard below 100% (≥): (value − standard) ÷ (100% − standard), the share of the way from the
standard to 100%. Items whose standard is 100% (nothing to spare by definition), yes/no items
and items with several conditions have no margin. County figures that are not projected (ratings, G-items read from 县级指标) are
carried forward from the last actual year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

from yichun.catalogue import Catalogue, catalogue
from yichun.errors import YichunError
from yichun.projection import cohort, reasons
from yichun.projection.cohort import NO_FACTORS, DemographicFactors
from yichun.projection.params import VARIANT_LABELS, VARIANTS, parameters
from yichun.projection.projected import allocation_shares, project_inputs
from yichun.projection.resources import planned_changes, planned_summary
from yichun.projection.tracks import ASSESS_TRACKS, TO_ASSESS
from yichun.schedule import schedule
from yichun.tables import Inputs

if TYPE_CHECKING:
    from yichun.assessment import Assessment

STATUS_DUE_MET, STATUS_DUE_UNMET = reasons.DUE_MET, reasons.DUE_UNMET
STATUS_DUE = reasons.DUE  # both 已过计划年份 statuses
STATUS_ON_TRACK, STATUS_AT_RISK, STATUS_LATE, STATUS_BEYOND = reasons.ON_TRACK, reasons.AT_RISK, reasons.LATE, reasons.BEYOND
STATUS_ORDER = reasons.STATUS_ORDER
STATUS_COLUMNS = ["county", "track", "scheduled_year", "base_year", "status", "reason_variant", "reason_year", "reason_codes",
                  "reason_text", "lapse_year", "lapse_variant", "scheduled_result", "first_pass_central", "first_pass_low",
                  "first_pass_high", "lapse_central", "binding", "margin", "margin_central", "margin_low", "margin_high",
                  "unmet", "planned"]
LABELS = {
    "county": "县(市、区)", "track": "评估类别", "scheduled_year": "计划评估年度", "base_year": "数据截至", "status": "状态",
    "reason_variant": "决定方案", "reason_year": "决定年度", "reason_codes": "决定指标", "reason_text": "原因",
    "lapse_year": "预计回落年度", "lapse_variant": "回落方案",
    "scheduled_result": "计划年度实际结果", "first_pass_central": "首次达标(中)", "first_pass_low": "首次达标(低)",
    "first_pass_high": "首次达标(高)", "lapse_central": "达标后再次不达标(中)", "binding": "制约指标", "margin": "最小余量",
    "margin_central": "最小余量(中)", "margin_low": "最小余量(低)", "margin_high": "最小余量(高)", "unmet": "计划年度未达标项",
    "planned": "基准含建设计划",
}
DISPLAY = ["county", "track", "scheduled_year", "base_year", "status", "reason_variant", "reason_year", "reason_codes",
           "first_pass_central", "first_pass_low", "first_pass_high", "lapse_year", "lapse_variant", "margin"]


@dataclass
class Outlook:
    """Everything the outlook computed; `status` is the table analysts read first."""

    status: pd.DataFrame
    enrolment: pd.DataFrame  # cohort.project_enrolment: county, level, year, variant, kind, …, enrolment
    readiness: pd.DataFrame  # county, track, year, variant, kind, a_met, a_total, b_good, b_total, ready, unmet
    margins: pd.DataFrame  # county, year, variant, kind, track, code, level, label, margin, met
    indicators: pd.DataFrame  # county, year, variant, kind, track, code, level, value, standard, met
    actual: Assessment | None = None  # Assessment of the observed years
    projected: dict[str, Assessment] = field(default_factory=dict)  # variant → Assessment of the projected years
    inputs: dict[str, Inputs] = field(default_factory=dict)  # variant → projected Inputs
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)  # projection warnings (fallbacks, plans)
    planned: pd.DataFrame = field(default_factory=pd.DataFrame)  # the 建设计划 items in the baseline (planned_changes.csv)
    details: pd.DataFrame = field(default_factory=pd.DataFrame)  # county, track, variant, year, code, text of failing items

    def table(self, columns=None) -> pd.DataFrame:
        """The status table with Chinese column labels (for display and the CLI); `columns` picks
        status columns (default: all)."""
        return status_table(self.status, columns)

    def reason(self, county: str, track: str) -> pd.Series:
        """The status row of one county and track (status, reason_*, lapse_*)."""
        from yichun.counties import normalize_county
        from yichun.projection.tracks import assess_track

        st = self.status
        row = st[(st["county"] == normalize_county(county)) & (st["track"] == assess_track(track))]
        if row.empty:
            raise YichunError(f"预测结果中没有{county}{track}")
        return row.iloc[0]

    def city_enrolment(self, variant: str = "central", years=None) -> pd.DataFrame:
        """Level × year totals over all counties (observed, then the variant's projection)."""
        e = self.enrolment[self.enrolment["variant"] == variant]
        if years is not None:
            e = e[e["year"].isin(list(years))]
        table = e.pivot_table(index="level", columns="year", values="enrolment", aggfunc="sum")
        order = [lv for lv in ("小学", "初中", "幼儿园", "3—5岁人口") if lv in table.index]
        return table.reindex(order)

    def counts(self) -> pd.Series:
        """How many county-tracks have each status (in the order 难以按期, 有风险, 按期可达, 已过计划年份·未达标, ·达标)."""
        c = self.status["status"].value_counts()
        return c.reindex([s for s in STATUS_ORDER if s in c.index])

    def fan(self, county: str, *, level: str | None = None, code: str | None = None, ratio: bool = False) -> pd.DataFrame:
        """year | variant (actual/low/central/high) | value, for yichun.charts.projection_fan.

        level only (小学, 初中, 幼儿园, 3—5岁人口): enrolment. code (P1, PQ3, … or R1–R7 with
        level 小学/初中): the county value as assessed. ratio=True: the item's weakest value as a
        fraction of its standard (1 + margin, see `margins`), e.g. the weakest school's R3.
        """
        if code is None:
            e = self.enrolment[(self.enrolment["county"] == county) & (self.enrolment["level"] == level)]
            frame = e.rename(columns={"enrolment": "value"})
        elif ratio:
            m = self.margins[(self.margins["county"] == county) & (self.margins["code"] == code)]
            if level:
                m = m[m["level"] == level]
            frame = m.sort_values("margin").drop_duplicates(["year", "variant"]).assign(value=lambda d: 1.0 + d["margin"])
        else:
            i = self.indicators[(self.indicators["county"] == county) & (self.indicators["code"] == code)]
            frame = i[i["level"] == (level or "")]
        actual = frame[frame["kind"] == cohort.ACTUAL].drop_duplicates("year").assign(variant="actual")
        projected = frame[frame["kind"] == cohort.PROJECTED]
        return pd.concat([actual, projected], ignore_index=True)[["year", "variant", "value"]].sort_values(["variant", "year"])


def status_table(status: pd.DataFrame, columns=None) -> pd.DataFrame:
    out = status.copy()
    for c in ("margin", "margin_central", "margin_low", "margin_high"):
        if c in out:
            out[c] = out[c].map(lambda m: "" if pd.isna(m) else f"{m * 100:.1f}%")
    for c in ("first_pass_central", "first_pass_low", "first_pass_high", "lapse_central", "lapse_year", "reason_year"):
        if c in out:
            out[c] = out[c].map(lambda y: "—" if pd.isna(y) else str(int(y)))
    for c in ("reason_variant", "lapse_variant"):
        if c in out:
            out[c] = out[c].map(lambda v: VARIANT_LABELS.get(v, v or "—"))
    if "planned" in out:
        out["planned"] = out["planned"].map(lambda b: "是" if b is True else "否")
    cols = [c for c in (columns or STATUS_COLUMNS) if c in out]
    return out[cols].rename(columns=LABELS)


# ------------------------------------------------------------------------------ margins

def margins(assessment, cat) -> pd.DataFrame:
    """Relative margin of every A-class item per county-year (see the module docstring)."""
    frames = []
    rule = cat.rules["school_rule"]
    parts = assessment.school_parts
    parts = parts[parts["counted"].astype(bool)]
    if not parts.empty:
        codes = list(rule["indicators"])
        r = parts[[f"{c}_ratio" for c in codes]].to_numpy(float)
        rr, allowed = float(rule["remainder_ratio"]), len(codes) - int(rule["min_met"])
        below = (r < 1.0).sum(axis=1, keepdims=True)  # items below the standard in the part
        relies = (r < 1.0) & (below <= allowed)  # the item(s) the rule lets stay at ≥ 85%
        with np.errstate(invalid="ignore"):
            m = np.where(relies, r / rr - 1.0, r - 1.0)
        mf = pd.DataFrame(m, columns=codes, index=parts.index)
        rf = pd.DataFrame(relies, columns=codes, index=parts.index)
        mf["county"], mf["year"] = parts["county"].to_numpy(), parts["year"].to_numpy()
        worst = mf.groupby(["county", "year"])[codes].idxmin()
        rows = []
        for code in codes:
            idx = worst[code].dropna()
            if idx.empty:
                continue
            at = idx.to_numpy()
            level = parts.loc[at, "level"].to_numpy()
            rows.append(pd.DataFrame({
                "county": idx.index.get_level_values("county"), "year": idx.index.get_level_values("year"), "level": level,
                "code": code, "margin": mf.loc[at, code].to_numpy(float),
                "label": [f"{code} {lv}·{name}" + (f"（余项，按标准的{rr * 100:.0f}%计）" if a else "")
                          for lv, name, a in zip(level, parts.loc[at, "school_name"], rf.loc[at, code].to_numpy(bool))]}))
        if rows:
            frames.append(pd.concat(rows, ignore_index=True).assign(track="义务教育"))
    cv = assessment.cv
    if not cv.empty:
        c = cv.dropna(subset=["cv"]).copy()
        c["margin"] = 1.0 - c["cv"] / c["limit"]
        c = c.sort_values("margin").drop_duplicates(["county", "year"])
        code = cat.rules["balance_rule"].get("code", "CV")
        frames.append(pd.DataFrame({"county": c["county"], "year": c["year"], "level": c["level"], "code": code,
                                    "margin": c["margin"], "label": code + " " + c["level"] + c["indicator"],
                                    "track": "义务教育"}))
    items = assessment.items
    generic = []
    for ind in cat:
        if ind.klass != "A" or ind.code in rule["indicators"] or ind.conditions or ind.comparator not in (">=", "<=", ">", "<"):
            continue
        if set(ind.thresholds) != {"all"}:
            continue
        t = float(ind.thresholds["all"])
        if ind.unit.strip() == "%" and t >= 1.0:
            continue
        generic.append((ind.code, ind.comparator, t, ind.unit.strip() == "%"))
    if generic and not items.empty:
        spec = pd.DataFrame(generic, columns=["code", "comparator", "threshold", "percent"])
        g = items[["county", "year", "track", "code", "value"]].merge(spec, on="code")
        v, t = g["value"].to_numpy(float), g["threshold"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ge = g["comparator"].isin([">=", ">"]).to_numpy()
            relative = np.where(ge, v / np.where(t != 0, t, np.nan) - 1.0, t / np.where(v > 0, v, np.nan) - 1.0)
            # a percentage rises at most to 100%: its margin is the share of the way from the
            # standard to 100% (95.5% against 95% → 10%), else a 95% standard is always "thin"
            headroom = (v - t) / (1.0 - t)
            g["margin"] = np.where(ge & g["percent"].to_numpy(bool), headroom, relative)
        g = g.dropna(subset=["margin"])
        frames.append(g.assign(level="", label=g["code"])[["county", "year", "level", "code", "margin", "label", "track"]])
    if not frames:
        return pd.DataFrame(columns=["county", "year", "track", "code", "level", "label", "margin"])
    out = pd.concat(frames, ignore_index=True)
    return out[["county", "year", "track", "code", "level", "label", "margin"]]


def indicator_values(assessment) -> pd.DataFrame:
    """County values of the main indicators: R1–R7 (county value X̄ and 差异系数 per level), P1–P3 and the items."""
    parts = []
    cv = assessment.cv
    if not cv.empty:
        parts.append(pd.DataFrame({"county": cv["county"], "year": cv["year"], "track": "义务教育", "code": cv["indicator"],
                                   "level": cv["level"], "value": cv["county_value"], "cv": cv["cv"], "limit": cv["limit"],
                                   "met": cv["met"].astype("boolean")}))
    items = assessment.items
    if not items.empty:
        it = items[~items["code"].isin(cv["indicator"].unique() if not cv.empty else [])]
        parts.append(pd.DataFrame({"county": it["county"], "year": it["year"], "track": it["track"], "code": it["code"],
                                   "level": "", "value": it["value"], "cv": np.nan, "limit": np.nan,
                                   "met": it["met"].astype("boolean")}))
    if not parts:
        return pd.DataFrame(columns=["county", "year", "track", "code", "level", "value", "cv", "limit", "met"])
    return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------------------ outlook

def _tag(frame: pd.DataFrame, variant: str, kind: str) -> pd.DataFrame:
    return frame.assign(variant=variant, kind=kind)


class InForce(Protocol):
    """What the outlook needs of a what-if put in force in the projected years.

    `yichun.scenarios.Scenario` provides it: the projection calls these three methods and
    knows nothing of the actions themselves (the scenarios layer sits above the projection).
    """

    def demographic_factors(self) -> DemographicFactors:
        """The births and migration factors the cohort projection must be made with."""
        ...

    def changes_structure(self) -> bool:
        """Whether it has actions that change schools or kindergartens (resources, merges, …)."""
        ...

    def apply_structural(self, inputs: Inputs, *, params: dict, profile: Catalogue, cache: dict) -> Inputs:
        """`inputs` (projected years) with those actions applied; `cache`: counted school parts per (county, year)."""
        ...


@dataclass
class Prepared:
    """The parts of an outlook that do not depend on a scenario's structural actions (cached for sliders)."""

    inputs: Inputs
    params: dict
    catalogue: Catalogue
    base: pd.Series
    variants: tuple[str, ...]
    to_year: int
    enrolment: pd.DataFrame
    actual: Assessment
    projected: dict[str, Inputs]  # variant → projected Inputs (future years)
    factors: DemographicFactors = NO_FACTORS  # the births and migration factors the projection was made with
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    actual_margins: pd.DataFrame = field(default_factory=pd.DataFrame)  # margins of the observed years
    actual_values: pd.DataFrame = field(default_factory=pd.DataFrame)  # indicator_values of the observed years
    baseline: dict[str, Assessment] = field(default_factory=dict)  # variant → Assessment of the projection without actions
    schedule: pd.DataFrame = field(default_factory=pd.DataFrame)  # yichun.schedule at the time of preparing
    planned: pd.DataFrame = field(default_factory=pd.DataFrame)  # planned_changes: the 建设计划 in the baseline
    actual_details: pd.DataFrame = field(default_factory=pd.DataFrame)  # failing_details of the observed years
    _counted: dict[str, dict] = field(default_factory=dict, repr=False)

    def counted(self, variant: str) -> dict:
        """(county, year) → school parts (school_id, level, counted) of the baseline projection."""
        if variant not in self._counted:
            a = self.baseline.get(variant)
            parts = a.school_parts[["county", "year", "school_id", "level", "counted"]] if a is not None else None
            self._counted[variant] = {} if parts is None else dict(iter(parts.groupby(["county", "year"])))
        return self._counted[variant]

    @property
    def future_years(self) -> list[int]:
        return list(range(int(self.base.min()) + 1, self.to_year + 1)) if len(self.base) else []


def prepare(inputs: Inputs, to_year: int = 2030, variants=VARIANTS, growth: bool = False, *, profile="national",
            params: dict | None = None, counties=None, scenario: InForce | None = None) -> Prepared:
    """Assess the actual years and project every variant (births and migration of `scenario` included)."""
    from yichun.assessment import assess

    params = params or parameters()
    cat = catalogue(profile)
    if counties is not None:
        inputs = inputs.select(counties=[counties] if isinstance(counties, str) else list(counties))
    base = cohort.base_years(inputs)
    factors = scenario.demographic_factors() if scenario is not None else NO_FACTORS
    variants = tuple(variants)
    warned: list = []
    enrol = cohort.project_enrolment(inputs, to_year, variants, params, factors=factors, problems=warned)
    actual = assess(inputs, years=None, profile=cat)
    projected = {}
    if len(base) and int(base.min()) < to_year:
        shares = allocation_shares(inputs, to_year, params)
        for v in variants:
            projected[v] = project_inputs(inputs, to_year, v, growth, params=params, enrolment=enrol, shares=shares)
    baseline = {v: assess(p, years=sorted(p.years()), profile=cat) for v, p in projected.items()}
    found = [pd.DataFrame([w.as_dict() for w in warned])] if warned else []
    found += [p.problems for p in projected.values() if p.problems is not None and len(p.problems)]
    problems = pd.concat(found, ignore_index=True).drop_duplicates(["kind", "message"]) if found else pd.DataFrame()
    return Prepared(inputs=inputs, params=params, catalogue=cat, base=base, variants=variants, to_year=to_year,
                    enrolment=enrol, actual=actual, projected=projected, factors=factors,
                    problems=problems.reset_index(drop=True), actual_margins=margins(actual, cat),
                    actual_values=indicator_values(actual), baseline=baseline, schedule=schedule(),
                    planned=planned_changes(inputs, base),
                    actual_details=reasons.failing_details(actual, cat, int(params["reason_schools"])))


def run(prep: Prepared, scenario: InForce | None = None, years=None, keep_inputs: bool = False) -> Outlook:
    """Apply `scenario`'s structural actions to the prepared projections, assess and classify.

    `years` limits the projected years assessed (e.g. only the scheduled years, for a fast
    slider); first-pass years are then looked for among those years only.
    """
    from yichun.assessment import assess

    cat, variants = prep.catalogue, prep.variants
    if scenario is not None and scenario.demographic_factors() != prep.factors:
        raise YichunError("情景含出生人口或人口迁移措施：请用 prepare(..., scenario=情景) 重新预测后再运行")
    structural = scenario is not None and scenario.changes_structure()
    future = prep.future_years if years is None else [y for y in sorted(set(years)) if y in prep.future_years]
    actual_margins, actual_values = prep.actual_margins, prep.actual_values
    limit = int(prep.params["reason_schools"])
    details = [_tag(prep.actual_details, v, cohort.ACTUAL) for v in variants]
    readiness = [_tag(prep.actual.readiness, v, cohort.ACTUAL) for v in variants]
    marg = [_tag(actual_margins, v, cohort.ACTUAL) for v in variants]
    ind = [_tag(actual_values, v, cohort.ACTUAL) for v in variants]
    assessed: dict[str, Assessment] = {}
    kept: dict[str, Inputs] = {}
    for v in variants:
        if not future or v not in prep.projected:
            continue
        proj = prep.projected[v]
        if years is not None:
            proj = proj.select(years=future)
        if scenario is not None and structural:
            proj = scenario.apply_structural(proj, params=prep.params, profile=cat, cache=prep.counted(v))
            a = assess(proj, years=future, profile=cat)
        elif years is None and v in prep.baseline:
            a = prep.baseline[v]
        else:
            a = assess(proj, years=future, profile=cat)
        assessed[v] = a
        if keep_inputs:
            kept[v] = proj
        readiness.append(_tag(a.readiness, v, cohort.PROJECTED))
        marg.append(_tag(margins(a, cat), v, cohort.PROJECTED))
        ind.append(_tag(indicator_values(a), v, cohort.PROJECTED))
        details.append(_tag(reasons.failing_details(a, cat, limit), v, cohort.PROJECTED))
    readiness_all = pd.concat(readiness, ignore_index=True)
    marg_all = pd.concat(marg, ignore_index=True)
    ind_all = pd.concat(ind, ignore_index=True)
    details_all = pd.concat(details, ignore_index=True) if details else pd.DataFrame()
    status = classify(readiness_all, marg_all, prep.base, prep.params, variants, prep.to_year, prep.schedule,
                      details=details_all, planned=prep.planned)
    return Outlook(status=status, enrolment=prep.enrolment, readiness=readiness_all, margins=marg_all, indicators=ind_all,
                   actual=prep.actual, projected=assessed, inputs=kept, problems=prep.problems, planned=prep.planned,
                   details=details_all)


def outlook(inputs: Inputs, to_year: int = 2030, variants=VARIANTS, growth: bool = False, *, profile="national",
            params: dict | None = None, counties=None, scenario: InForce | None = None,
            keep_inputs: bool = False) -> Outlook:
    """Project, assess and classify every county and track (see the module docstring).

    `scenario` (yichun.scenarios.Scenario) puts a what-if in force in the projected years.
    """
    prep = prepare(inputs, to_year, variants, growth, profile=profile, params=params, counties=counties, scenario=scenario)
    return run(prep, scenario, keep_inputs=keep_inputs)


def readiness_outlook(inputs: Inputs, to_year: int = 2030, variants=VARIANTS, growth: bool = False, **kwargs) -> pd.DataFrame:
    """The status frame of `outlook` (county, track, scheduled_year, status, first_pass_*, binding, …)."""
    return outlook(inputs, to_year, variants, growth, **kwargs).status


def classify(readiness: pd.DataFrame, marg: pd.DataFrame, base: pd.Series, params: dict, variants, to_year: int,
             sched: pd.DataFrame | None = None, *, details: pd.DataFrame | None = None,
             planned: pd.DataFrame | None = None) -> pd.DataFrame:
    """One status row per county and track from the per-year readiness and margins of every variant.

    `details` (yichun.projection.reasons.failing_details, tagged with variant) names the
    schools in the reason text; `planned` (planned_changes) says when the 建设计划 is included.
    """
    sched = schedule() if sched is None else sched
    sched = sched.assign(plan_track=sched["track"], track=sched["track"].map(TO_ASSESS))
    sched = sched[sched["county"].isin(base.index)]
    summary = planned_summary(planned)
    plan_text = {(r["county"], r["track"]): r["text"] for _, r in summary.iterrows()}
    ev = reasons.Evidence.build(readiness, marg, details, plan_text, variants, params)
    thin = float(params["thin_margin"])
    rows = []
    for _, s in sched.iterrows():
        county, track, year = s["county"], s["track"], int(s["year"])
        b = int(base[county])
        row = {"county": county, "track": track, "scheduled_year": year, "base_year": b, "scheduled_result": "",
               "planned": (county, track) in plan_text}
        for v in VARIANTS:
            first: int | None = None
            if v in variants:
                first = next((y for y in range(b, to_year + 1) if ev.passes(county, track, v, y)), None)
            row[f"first_pass_{v}"] = pd.NA if first is None else first
            if v == "central":
                lapse: int | None = None
                if first is not None:
                    lapse = next((y for y in range(first + 1, to_year + 1)
                                  if ev.known(county, track, v, y) and not ev.passes(county, track, v, y)), None)
                row["lapse_central"] = pd.NA if lapse is None else lapse
        row.update(reasons.decide(ev, county, track, year, b, to_year, thin))
        if year <= b:
            central = "central" if "central" in variants else variants[0]
            # the verdict on the scheduled year's own data (the status is the latest data's)
            row["scheduled_result"] = ("通过" if ev.passes(county, track, central, year) else "未通过") \
                if ev.known(county, track, central, year) else "无数据"
        rows.append(row)
    out = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    for c in ("first_pass_central", "first_pass_low", "first_pass_high", "lapse_central", "lapse_year", "reason_year"):
        out[c] = out[c].astype("Int64")
    out["planned"] = out["planned"].astype(bool)
    order = {t: i for i, t in enumerate(ASSESS_TRACKS)}
    return out.sort_values(["track", "scheduled_year", "county"], key=lambda c: c.map(order) if c.name == "track" else c).reset_index(drop=True)
