"""What-if scenarios (情景推演): declarative actions applied to `Inputs`, compared side by side.

    from yichun.scenarios import Scenario, compare, plan_cheapest
    s = Scenario.from_yaml("yichun/data/scenarios/example_宜丰县补短板.yaml")
    changed = s.apply(inputs)                 # actions on the observed years
    future = s.project(inputs, to_year=2030)  # projection with the scenario in force
    table = compare(inputs, [s], county="宜丰县")
    plan = plan_cheapest(inputs, "宜丰县", "义务教育")

Modules: model (Scenario, validation), actions (what each action does), pricing (unit costs of
actions), comparison (side-by-side outlook), planner (cheapest additions to pass).
"""

from __future__ import annotations

from yichun.scenarios.model import Action, Scenario, ScenarioError

__all__ = ["Action", "Scenario", "ScenarioError", "compare", "plan_cheapest"]


def __getattr__(name):  # heavy modules load on first use
    if name == "compare":
        from yichun.scenarios.comparison import compare

        return compare
    if name == "plan_cheapest":
        from yichun.scenarios.planner import plan_cheapest

        return plan_cheapest
    raise AttributeError(name)
