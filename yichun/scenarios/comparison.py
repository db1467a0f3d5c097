"""Scenarios side by side: status, pass years, the action cost and the remaining bill.

`compare(inputs, [s1, s2], county="宜丰县")` runs the readiness outlook without any action
(基准) and under each scenario and returns one row per scenario, county and track:
status, first pass year per variant, binding items, the scenario's priced cost
(yichun.scenarios.pricing) and the remaining bill to compliance (the Assessment's `bill`) in
the bill year — the scheduled year, or the first projected year for a county already due.
"""

from __future__ import annotations

import pandas as pd

from yichun.projection.outlook import STATUS_COLUMNS, prepare, run
from yichun.projection.params import VARIANTS
from yichun.scenarios.pricing import price_actions, total_cost

BASELINE = "基准"  # the projection without the scenario's actions (it includes the counties' 建设计划)
COLUMNS = ["scenario", *STATUS_COLUMNS, "bill_year", "bill_wan", "action_cost_wan"]
LABELS = {"scenario": "情景", "bill_year": "测算年度", "bill_wan": "剩余达标费用(万元)", "action_cost_wan": "措施费用(万元)"}


def _bill(outlook, status: pd.DataFrame) -> pd.DataFrame:
    a = outlook.projected.get("central")
    years, bills = [], []
    for _, r in status.iterrows():
        year = max(int(r["scheduled_year"]), int(r["base_year"]) + 1)
        years.append(year)
        if a is None or year not in a.years():
            bills.append(float("nan"))
        else:
            bills.append(a.total_cost(r["county"], year, r["track"]))
    return status.assign(bill_year=years, bill_wan=bills)


def compare(inputs, scenarios, county=None, to_year: int = 2030, variants=VARIANTS, growth: bool = False, *,
            profile="national", params: dict | None = None, baseline: bool = True) -> pd.DataFrame:
    """One row per scenario (基准 first), county and track."""
    scenarios = list(scenarios)
    if county is None:
        named = sorted({c for s in scenarios for c in s.counties()})
        county = named or None
    prep = prepare(inputs, to_year, variants, growth, profile=profile, params=params, counties=county)
    rows = []
    runs = ([(BASELINE, None)] if baseline else []) + [(s.name, s) for s in scenarios]
    for name, sc in runs:
        p = prep
        if sc is not None and sc.demographic_factors():
            p = prepare(inputs, to_year, variants, growth, profile=profile, params=params, counties=county, scenario=sc)
        o = run(p, sc)
        st = _bill(o, o.status)
        st.insert(0, "scenario", name)
        st["action_cost_wan"] = [total_cost(sc, t, c, params=p.params, profile=profile) if sc is not None else 0.0
                                 for t, c in zip(st["track"], st["county"])]
        rows.append(st)
    return pd.concat(rows, ignore_index=True)[COLUMNS]


def comparison_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Chinese column labels, rounded money, for display."""
    from yichun.projection.outlook import LABELS as STATUS_LABELS
    from yichun.projection.outlook import status_table

    shown = ["county", "track", "scheduled_year", "status", "reason_variant", "reason_year", "reason_codes", "first_pass_central",
             "first_pass_low", "first_pass_high", "lapse_year", "lapse_variant", "binding", "unmet"]
    out = status_table(frame.drop(columns=["scenario", "bill_year", "bill_wan", "action_cost_wan"]), shown)
    out.insert(0, LABELS["scenario"], frame["scenario"].to_numpy())
    out[LABELS["bill_year"]] = frame["bill_year"].to_numpy()
    out[LABELS["bill_wan"]] = frame["bill_wan"].round(1).to_numpy()
    out[LABELS["action_cost_wan"]] = frame["action_cost_wan"].round(1).to_numpy()
    return out.drop(columns=[STATUS_LABELS["unmet"]])


def chart_frame(frame: pd.DataFrame, track: str) -> pd.DataFrame:
    """Rows of one track shaped for yichun.charts.scenario_comparison: scenario, county, status,
    pass_year (first pass, central) and cost_wan (the scenario's cost + the remaining bill)."""
    from yichun.projection.tracks import assess_track

    sub = frame[frame["track"] == assess_track(track)]
    return pd.DataFrame({"scenario": sub["scenario"], "county": sub["county"], "status": sub["status"],
                         "pass_year": sub["first_pass_central"], "cost_wan": sub["action_cost_wan"] + sub["bill_wan"].fillna(0.0)})


def pick(frame: pd.DataFrame, scenario: str, county: str, track: str) -> pd.Series:
    """The row of one scenario, county and track."""
    from yichun.projection.tracks import assess_track

    rows = frame[(frame["scenario"] == scenario) & (frame["county"] == county) & (frame["track"] == assess_track(track))]
    if rows.empty:
        raise KeyError(f"比较结果中没有 {scenario} · {county} · {track}")
    return rows.iloc[0]


def _kind_total(lines: pd.DataFrame) -> float:
    """Σ cost of priced lines: 0 without lines, empty (NaN) when lines exist but none is priced."""
    return 0.0 if lines.empty else float(lines["cost_wan"].sum(min_count=1))


def side_by_side(inputs, scenario, to_year: int = 2030, variants=VARIANTS, growth: bool = False, *, profile="national",
                 params: dict | None = None, counties=None) -> dict:
    """The tables of `yichun project` for 基准 and the scenario, each with a first column `scenario`.

    Returns {"enrolment_projection", "indicator_projection", "readiness_projection", "status",
    "planned_changes", "scenario_costs", "outlook"} — status rows of the scenario carry the
    scenario's priced cost of that county and track, one-off and annual apart
    (action_once_wan, action_annual_wan; unpriced actions listed in scenario_costs).
    """
    prep = prepare(inputs, to_year, variants, growth, profile=profile, params=params, counties=counties)
    base = run(prep)
    p2 = prepare(inputs, to_year, variants, growth, profile=profile, params=params, counties=counties, scenario=scenario) \
        if scenario.demographic_factors() else prep
    sc = run(p2, scenario)
    costs = price_actions(scenario, params=p2.params, profile=profile)

    def pair(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([a.assign(scenario=BASELINE), b.assign(scenario=scenario.name)], ignore_index=True)[
            ["scenario", *a.columns]]

    status = pair(base.status, sc.status)
    for col, kind in (("action_once_wan", "一次性投入"), ("action_annual_wan", "每年经费")):
        c = costs[costs["cost_kind"] == kind]
        status[col] = [_kind_total(c[(c["track"] == t) & c["county"].isin([co, ""])]) if s != BASELINE else 0.0
                       for s, t, co in zip(status["scenario"], status["track"], status["county"])]
    return {"enrolment_projection": pair(base.enrolment, sc.enrolment),
            "indicator_projection": pair(base.indicators, sc.indicators),
            "readiness_projection": pair(base.readiness, sc.readiness), "status": status,
            "planned_changes": pair(base.planned, sc.planned), "scenario_costs": costs.assign(scenario=scenario.name),
            "outlook": sc}
