"""Fast what-if for one county at a time (the sliders of notebook 05_情景推演).

`WhatIf(inputs)` projects a county once (all variants, cached) and then re-runs only the
scenario's structural actions and the assessment of the projected years, which is what a
slider needs; its 基准 is the status `yichun project` gives for that county:

    w = WhatIf(inputs)
    s = w.build("宜丰县", teachers=40, area=5000, conversions=2)
    s = scenario_from_controls("宜丰县", 2026, {"music_rooms": 4, "open_kindergarten": 300})
    w.compare("宜丰县", s)          # 基准 and the scenario: status, bill, cost per track

`controls()` lists one control per resource type a scenario can add (the fields priced in
projection.yaml `action_costs`, labelled from the data dictionary), new kindergarten places
and kindergarten conversions; `scenario_from_controls` turns their values into a Scenario.

Births and migration actions change the projection itself: scenarios with them go through
`yichun.scenarios.compare` (slower), not through this class.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from yichun.counties import normalize_county
from yichun.dictionary import sheet
from yichun.projection.outlook import Prepared, prepare, run
from yichun.projection.params import VARIANTS, parameters
from yichun.scenarios.comparison import BASELINE, COLUMNS, _bill
from yichun.scenarios.model import ACTION_NAMES, Scenario, ScenarioError
from yichun.scenarios.pricing import total_cost

KG_PREFIX = "kindergarten."  # a kindergarten field, as in projection.yaml action_costs
CONVERT_FROM = "非普惠性民办"


@dataclass(frozen=True)
class Control:
    key: str  # key of the values of scenario_from_controls
    label: str  # Chinese label (data dictionary header; 幼儿园… for a kindergarten field)
    unit: str
    track: str  # 义务教育 or 学前教育


def controls(params: dict | None = None) -> list[Control]:
    """One control per resource type: the school and kindergarten fields a scenario can add and price
    (projection.yaml `action_costs`), then new kindergarten places and kindergarten conversions."""
    schools, kgs = sheet("schools"), sheet("kindergartens")
    out = []
    for key in (params or parameters())["action_costs"]:
        if key.startswith(KG_PREFIX):
            f = kgs.field(key.removeprefix(KG_PREFIX))
            out.append(Control(key, f"幼儿园{f.header}", f.unit, "学前教育"))
        else:
            f = schools.field(key)
            out.append(Control(key, f.header, f.unit, "义务教育"))
    children = kgs.field("children")
    out.append(Control("open_kindergarten", f"{ACTION_NAMES['open_kindergarten']}{children.header}", children.unit, "学前教育"))
    out.append(Control("convert_kindergartens", f"{CONVERT_FROM}{ACTION_NAMES['convert_kindergartens']}", "所", "学前教育"))
    return out


def scenario_from_controls(county: str, year: int, values: dict, *, convert_to: str = "普惠性民办", name: str = "滑块情景",
                           params: dict | None = None) -> Scenario:
    """The scenario of the controls' values (keys of `controls()`), effective from `year`.

    A resource field's value is added county-wide to the neediest schools or kindergartens
    (add_resource); `open_kindergarten` opens one 公办 kindergarten with that many newly enrolled
    children; `convert_kindergartens` converts that many of the largest 非普惠性民办 kindergartens
    to `convert_to`. Zero adds no action (all zeros: the baseline); an unknown key or a negative
    value raises ScenarioError naming it.
    """
    known = {c.key: c for c in controls(params)}
    for key in values:
        if key not in known:
            raise ScenarioError(f"控件「{key}」不是已知控件（可用：{'、'.join(f'{k}({c.label})' for k, c in known.items())}）")
    actions = []
    for key in known:
        q = values.get(key) or 0
        if q == 0:
            continue
        if key == "open_kindergarten":
            actions.append({"action": "open_kindergarten", "children": q, "kg_type": "公办", "year": year})
        elif key == "convert_kindergartens":
            actions.append({"action": "convert_kindergartens", "from": CONVERT_FROM, "to": convert_to, "count": q, "year": year})
        else:
            actions.append({"action": "add_resource", "item": key.removeprefix(KG_PREFIX), "quantity": q, "year": year})
    return Scenario.from_dict({"name": name, "county": county, "actions": actions})


class WhatIf:
    def __init__(self, inputs, to_year: int = 2030, variants=VARIANTS, growth: bool = False, *, profile="national",
                 params: dict | None = None):
        self.inputs, self.to_year, self.variants, self.growth = inputs, to_year, tuple(variants), growth
        self.profile, self.params = profile, params
        self._prepared: dict[str, Prepared] = {}
        self._baseline: dict[str, pd.DataFrame] = {}

    def prepared(self, county: str) -> Prepared:
        county = normalize_county(county)
        if county not in self._prepared:
            self._prepared[county] = prepare(self.inputs, self.to_year, self.variants, self.growth, profile=self.profile,
                                             params=self.params, counties=[county])
        return self._prepared[county]

    def years(self, county: str) -> list[int]:
        """The projected years a slider evaluates: the county's scheduled years still ahead (else the first projected year)."""
        prep = self.prepared(county)
        sched = prep.schedule
        ys = sorted(int(y) for y in sched.loc[sched["county"] == normalize_county(county), "year"])
        ahead = [y for y in ys if y in prep.future_years]
        return ahead or prep.future_years[:1]

    def build(self, county: str, *, teachers: float = 0, teachers_item: str = "teachers_pe_arts_primary", area: float = 0,
              area_item: str = "teaching_area_m2", conversions: int = 0, convert_to: str = "普惠性民办",
              year: int | None = None, name: str | None = None) -> Scenario:
        """A scenario from slider values: county-wide additions (to the neediest schools) and conversions."""
        county = normalize_county(county)
        prep = self.prepared(county)
        year = year or prep.future_years[0]
        actions = []
        if teachers:
            actions.append({"action": "add_resource", "item": teachers_item, "quantity": float(teachers), "year": year})
        if area:
            actions.append({"action": "add_resource", "item": area_item, "quantity": float(area), "year": year})
        if conversions:
            kgs = prep.projected[self.variants[0]].kindergartens
            have = int(((kgs["county"] == county) & (kgs["year"] == year) & (kgs["kg_type"] == "非普惠性民办")).sum())
            n = min(int(conversions), have)
            if n:
                actions.append({"action": "convert_kindergartens", "from": "非普惠性民办", "to": convert_to, "count": n, "year": year})
        return Scenario.from_dict({"name": name or "滑块情景", "county": county, "actions": actions})

    def run(self, county: str, scenario: Scenario | None = None, years=None):
        """The outlook of one county under `scenario` (structural actions), for the given projected years."""
        return run(self.prepared(county), scenario, years=years)

    def _rows(self, county: str, scenario: Scenario | None) -> pd.DataFrame:
        prep = self.prepared(county)
        if scenario is not None and any(a.kind in ("births", "migration") for a in scenario.actions):
            raise ScenarioError("出生人口、人口迁移措施会改变预测本身：请用 yichun.scenarios.compare 推演")
        o = run(prep, scenario)  # every projected year, so that 基准 is the status of `yichun project`
        st = _bill(o, o.status)
        st.insert(0, "scenario", scenario.name if scenario is not None else BASELINE)
        st["action_cost_wan"] = [total_cost(scenario, t, c, params=prep.params, profile=self.profile) if scenario is not None else 0.0
                                 for t, c in zip(st["track"], st["county"])]
        return st[COLUMNS]

    def compare(self, county: str, scenario: Scenario) -> pd.DataFrame:
        """Rows for 基准 and the scenario (both tracks), as `yichun.scenarios.compare` returns them.

        Every projected year is assessed: first-pass and lapse years are those of `yichun project`.
        """
        county = normalize_county(county)
        if county not in self._baseline:
            self._baseline[county] = self._rows(county, None)
        return pd.concat([self._baseline[county], self._rows(county, scenario)], ignore_index=True)
