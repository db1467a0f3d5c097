"""Fast what-if for one county at a time (the sliders of notebook 05_情景推演).

`WhatIf(inputs)` projects a county once (all variants, cached) and then re-runs only the
scenario's structural actions and the assessment of the scheduled years, which is what a
slider needs:

    w = WhatIf(inputs)
    s = w.build("宜丰县", teachers=40, area=5000, conversions=2)
    w.compare("宜丰县", s)          # 基准 and the scenario: status, bill, cost per track

Births and migration actions change the projection itself: scenarios with them go through
`yichun.scenarios.compare` (slower), not through this class.
"""

from __future__ import annotations

import pandas as pd

from yichun.counties import normalize_county
from yichun.projection.outlook import Prepared, prepare, run
from yichun.projection.params import VARIANTS
from yichun.scenarios.comparison import BASELINE, COLUMNS, _bill
from yichun.scenarios.model import Scenario, ScenarioError
from yichun.scenarios.pricing import total_cost


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
        o = run(prep, scenario, years=self.years(county))
        st = _bill(o, o.status)
        st.insert(0, "scenario", scenario.name if scenario is not None else BASELINE)
        st["action_cost_wan"] = [total_cost(scenario, t, c, params=prep.params, profile=self.profile) if scenario is not None else 0.0
                                 for t, c in zip(st["track"], st["county"])]
        return st[COLUMNS]

    def compare(self, county: str, scenario: Scenario) -> pd.DataFrame:
        """Rows for 基准 and the scenario (both tracks), as `yichun.scenarios.compare` returns them.

        Only the scheduled years are assessed, so first-pass years are looked for among them.
        """
        county = normalize_county(county)
        if county not in self._baseline:
            self._baseline[county] = self._rows(county, None)
        return pd.concat([self._baseline[county], self._rows(county, scenario)], ignore_index=True)
