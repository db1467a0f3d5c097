"""A scenario turns a failing county into a passing one; the planner's plan passes when applied."""

from __future__ import annotations

import pytest
from projection_toy import county_rows, kindergarten, make_inputs, school

from yichun.assessment import assess
from yichun.assessment.costs import unit_costs
from yichun.scenarios import Scenario, compare, plan_cheapest
from yichun.scenarios.actions import project_scenario

C = "宜丰县"  # scheduled: 义务教育 2027, 学前教育 2028
FLAT = {y: 1000.0 for y in range(2005, 2024)}


def failing(q5="优"):
    """S2 has 1 PE/arts teacher for 300 pupils (R3 = 0.33 < 0.9 and < 85%): the school fails the
    school rule; K1's outdoor area is short (PQ1) and a third of the children are in
    non-inclusive kindergartens (P2 = 67% < 80%)."""
    schools, kgs, ci = [], [], []
    for y in (2022, 2023):
        schools += [school(C, y, "S1", 600), school(C, y, "S2", 300, teachers_pe_arts_primary=1.0),
                    school(C, y, "J1", 0, 450)]
        kgs += [kindergarten(C, y, "K1", 200, outdoor_m2=250.0), kindergarten(C, y, "K2", 40, "非普惠性民办"),
                kindergarten(C, y, "K3", 60, "非普惠性民办")]
        ci += county_rows(C, y, 300, Q5=q5)
    return make_inputs(schools, kgs, ci, {C: FLAT})


def test_a_scenario_turns_the_failing_county_into_a_passing_one():
    fix = Scenario.from_dict({"name": "补体艺教师", "county": C, "actions": [
        {"action": "add_resource", "item": "teachers_pe_arts_primary", "quantity": 2, "schools": ["S2"], "year": 2025}]})
    table = compare(failing(), [fix], county=C).set_index(["scenario", "track"])
    before = table.loc[("基准", "义务教育")]
    after = table.loc[("补体艺教师", "义务教育")]
    assert before["status"] == "难以按期" and "R3" in before["binding"]
    assert after["status"] == "按期可达" and after["first_pass_central"] == 2025
    # the remaining bill in 2027 loses the two teachers; the scenario costs two teachers (one year)
    price = unit_costs()["teacher_pe_arts"]["price_yuan"] / 10000
    assert before["bill_wan"] - after["bill_wan"] == pytest.approx(2 * price)
    assert after["action_cost_wan"] == pytest.approx(2 * price)


def test_the_planners_plan_passes_when_applied():
    inputs = failing()
    plan = plan_cheapest(inputs, C, "义务教育")
    assert plan.year == 2027 and not bool(plan.before["ready"]) and plan.passes
    line = plan.lines.set_index(["target_id", "indicator"]).loc[("S2", "R3")]
    # 300 pupils × 0.9 per 100 = 2.7 → 3 teachers, 1 in post: add 2 (the cheapest fix of that part)
    assert line["field"] == "teachers_pe_arts_primary" and line["quantity"] == 2.0
    assert plan.cost_wan == pytest.approx(2 * unit_costs()["teacher_pe_arts"]["price_yuan"] / 10000)
    # independent check: the plan as a scenario, through projection and the engine
    proj = project_scenario(plan.scenario, inputs, to_year=2027)
    a = assess(proj, years=[2027])
    assert a.is_ready(C, 2027, "义务教育")


def test_preschool_plan_converts_and_builds():
    inputs = failing()
    plan = plan_cheapest(inputs, C, "学前教育")
    assert plan.passes and plan.year == 2028
    kinds = set(plan.lines["indicator"])
    assert {"P2", "PQ1"} <= kinds
    # P2 needs 80% in 公办 + 普惠 (240 of 300, 200 now): the larger 非普惠 kindergarten K3 (60) suffices
    conv = plan.lines[plan.lines["indicator"] == "P2"]
    assert list(conv["target_id"]) == ["K3"]


def test_ratings_are_listed_as_policy_measures():
    plan = plan_cheapest(failing(q5="中"), C, "义务教育")
    assert not plan.passes
    assert list(plan.policy["code"]) == ["Q5"] and plan.policy["measure"].iloc[0] == "需政策措施"
    assert "R3" in set(plan.lines["indicator"])  # the physical part of the plan is still there
