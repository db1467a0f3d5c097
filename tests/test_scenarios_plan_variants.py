"""The plan that makes every variant pass: the 85% allowance, all variants, cost kinds, named allocation."""

from __future__ import annotations

import pandas as pd
import pytest
from projection_toy import county_rows, kindergarten, make_inputs, school
from test_projection_reasons import growing

from yichun.assessment import assess
from yichun.assessment.costs import unit_costs
from yichun.cli import main
from yichun.projection.params import parameters
from yichun.scenarios import Scenario, plan_cheapest
from yichun.scenarios.actions import project_scenario
from yichun.scenarios.planner import plan_all_variants, plan_check, plan_table

C = "宜丰县"  # scheduled: 义务教育 2027, 学前教育 2028
FLAT = {y: 1000.0 for y in range(2005, 2024)}
PRICE = {k: (v["price_yuan"] or 0) / 10000 for k, v in unit_costs().items()}


def county(extra_schools=(), kg_over=None):
    schools, kgs, ci = [], [], []
    for y in (2022, 2023):
        schools += [school(C, y, "S1", 600), school(C, y, "J1", 0, 450), *[dict(s, year=y) for s in extra_schools]]
        kgs += [kindergarten(C, y, "K1", 200, **(kg_over or {})), kindergarten(C, y, "K2", 100)]
        ci += county_rows(C, y, 300)
    return make_inputs(schools, kgs, ci, {C: FLAT})


def test_an_item_at_zero_relying_on_the_allowance_is_topped_up_to_85_percent_not_100():
    # S2: 200 pupils and no multimedia room (R7 = 0, the only item below the standard): the part
    # fails because the remainder is below 85%. 100% needs 2.3 × 2 = 4.6 → 5 rooms; 85% needs 3.91 → 4.
    inputs = county([school(C, 0, "S2", 200, multimedia_rooms=0.0)])
    plan = plan_cheapest(inputs, C, "义务教育")
    line = plan.lines.set_index(["target_id", "indicator"]).loc[("S2", "R7")]
    assert line["quantity"] == 4.0 and "85%" in line["basis"]
    assert plan.cost_wan == pytest.approx(4 * PRICE["multimedia_room"])
    assert plan.passes


def test_the_cheapest_plan_leaves_exactly_one_item_at_85_percent():
    # S2 (300 pupils): teaching area and sports area both at 80% of the standard (4.5 and 7.5 ㎡/生).
    # Either R4 → 85% (1147.5 − 1080 → 68 ㎡ × 3000 元) and R5 → 100% (2250 − 1800 = 450 ㎡ × 400 元): 20.4 + 18.0 万元,
    # or R5 → 85% (113 ㎡: 4.52) and R4 → 100% (270 ㎡: 81.0): 85.52 万元. The first is cheaper.
    inputs = county([school(C, 0, "S2", 300, teaching_area_m2=300 * 4.5 * 0.8, sports_area_m2=300 * 7.5 * 0.8)])
    plan = plan_cheapest(inputs, C, "义务教育")
    lines = plan.lines.set_index(["target_id", "indicator"])
    assert lines.loc[("S2", "R4"), "quantity"] == 68.0 and lines.loc[("S2", "R5"), "quantity"] == 450.0
    assert plan.cost_wan == pytest.approx(20.4 + 18.0)
    proj = project_scenario(plan.scenario, inputs, to_year=2027)
    after = assess(proj, years=[2027]).school_parts.set_index("school_id").loc["S2"]
    assert 0.85 <= after["R4_ratio"] < 1.0 and after["R5_ratio"] >= 1.0 and bool(after["passed"])


def test_the_plan_makes_every_variant_pass_where_a_central_plan_proposes_nothing():
    inputs = growing()  # passes in 2027 in the central variant; the high variant's 13th class needs a second room of each
    params = parameters({"share_trend": "constant"})
    central = plan_cheapest(inputs, C, "义务教育", params=params)
    assert central.lines.empty and central.passes  # the old central-only plan: nothing to do
    plan = plan_all_variants(inputs, C, "义务教育", params=params)
    assert not bool(plan.before_all["high"]["ready"]) and plan.passes
    assert all(bool(r["ready"]) for r in plan.after_all.values())
    table = plan_table(plan).set_index("field")
    assert list(table.index) == ["music_rooms", "art_rooms"] and set(table["school_id"]) == {"S1"}
    assert table.loc["music_rooms", "variant"] == "high"
    assert plan.cost_once_wan == pytest.approx(PRICE["music_room"] + PRICE["art_room"]) and plan.cost_annual_wan == 0.0
    check = plan_check(inputs, plan, params=params)
    assert list(check.columns) == ["variant", "year", "ready", "unmet"]
    assert check[check["year"] == 2027]["ready"].all() and set(check["variant"]) == {"central", "low", "high"}


def test_one_off_and_yearly_costs_are_kept_apart_and_county_teachers_go_to_named_kindergartens():
    # The high variant binds: births flat at 1000 to 2023, then +3% a year (1030, 1060.9); the 2028 kindergarten
    # cohorts (born 2023–2025) sum to 3090.9 and the cohort ratio is 300/3000 = 0.1 → 309 children (K1 2/3: 206).
    # PQ3 (1:15 county-wide): 309 children need 20.6 → 21 teachers, K1 has 5 and K2 10 → 6 more (每年经费, 8 万元 each),
    # placed where children per teacher are most (K1: 206/5); PQ1: K1 needs 4 ㎡ outdoor per child, 824 ㎡, has 250 →
    # 574 ㎡ × 300 元 (一次性投入)
    inputs = county(kg_over={"teachers": 5.0, "teachers_certified": 5.0, "outdoor_m2": 250.0})
    plan = plan_all_variants(inputs, C, "学前教育")
    t = plan_table(plan)
    teachers = t[t["field"] == "teachers"]
    assert list(teachers["school_id"]) == ["K1"] and list(teachers["quantity"]) == [6.0]  # a named kindergarten
    assert list(teachers["cost_kind"]) == ["每年经费"] and list(teachers["variant"]) == ["high"]
    outdoor = t[t["field"] == "outdoor_m2"]
    assert list(outdoor["quantity"]) == [574.0] and list(outdoor["cost_kind"]) == ["一次性投入"]
    assert plan.cost_annual_wan == pytest.approx(6 * PRICE["kindergarten_teacher"])
    assert plan.cost_once_wan == pytest.approx(574 * PRICE["kindergarten_outdoor_m2"])
    assert "另每年经费" in plan.summary() and plan.passes


def test_unnamed_new_teachers_count_in_the_teacher_totals():
    inputs = county([school(C, 0, "S2", 300, teachers_pe_arts_primary=1.0)])
    s = Scenario.from_dict({"name": "t", "county": C, "actions": [
        {"action": "add_resource", "item": "teachers_pe_arts_primary", "quantity": 4, "year": 2023},
        {"action": "add_resource", "item": "teachers", "quantity": 3, "year": 2023}]})
    after = s.apply(inputs)
    a, b = after.schools[after.schools["year"] == 2023], inputs.schools[inputs.schools["year"] == 2023]
    assert a["teachers_pe_arts_primary"].sum() - b["teachers_pe_arts_primary"].sum() == 4
    assert a["teachers_total"].sum() - b["teachers_total"].sum() == 4  # 专任教师数
    assert a["teachers_certified"].sum() - b["teachers_certified"].sum() == 4  # 持证专任教师数
    k, k0 = after.kindergartens[after.kindergartens["year"] == 2023], inputs.kindergartens[inputs.kindergartens["year"] == 2023]
    for col in ("teachers", "teachers_certified", "staff"):
        assert k[col].sum() - k0[col].sum() == 3


def test_yichun_plan_writes_the_three_tables(tmp_path, monkeypatch, capsys):
    # P2: 80% of children in 公办 + 普惠; K1 (200, 公办) of 300 is 67%: converting K2 (100, 非普惠) is unpriced
    schools, kgs, ci = [], [], []
    for y in (2022, 2023):
        schools += [school(C, y, "S1", 600), school(C, y, "J1", 0, 450)]
        kgs += [kindergarten(C, y, "K1", 200), kindergarten(C, y, "K2", 100, "非普惠性民办")]
        ci += county_rows(C, y, 300, Q5="中")
    inputs = make_inputs(schools, kgs, ci, {C: FLAT})
    monkeypatch.setattr("yichun.intake.load", lambda raw_dir=None, **kw: inputs)
    assert main(["plan", "--county", C, "--track", "学前教育", "--out", str(tmp_path / "p")]) == 0
    plan = pd.read_csv(tmp_path / "p" / "plan.csv", encoding="utf-8-sig", dtype={"school_id": str})
    assert list(plan.columns[:9]) == ["county", "track", "school_id", "school_name", "field", "quantity", "unit", "cost_wan",
                                      "cost_kind"]
    conv = plan[plan["field"] == "kg_type"]
    assert list(conv["school_id"]) == ["K2"] and conv["cost_wan"].isna().all()  # unpriced: empty, never 0
    check = pd.read_csv(tmp_path / "p" / "plan_check.csv", encoding="utf-8-sig")
    assert check[check["year"] == 2028]["ready"].all()
    assert "三种方案" in capsys.readouterr().out
    assert main(["plan", "--county", C, "--track", "义务教育", "--out", str(tmp_path / "q")]) == 0
    policy = pd.read_csv(tmp_path / "q" / "policy.csv", encoding="utf-8-sig")
    assert list(policy["code"]) == ["Q5"] and list(policy["measure"]) == ["需政策措施"]
    assert main(["plan", "--county", C, "--track", "高中", "--out", str(tmp_path / "r")]) == 2


def test_unnamed_music_rooms_go_to_the_school_short_of_rooms():
    # S2: 13 classes (G3 asks 2 rooms of each kind) with one music room; S3 has more pupils per room (800, one room)
    # but only 12 classes, so one room is enough there: the room goes to S2, not to the lowest rooms per pupil
    inputs = county([school(C, 0, "S2", 500, classes_primary=13.0, music_rooms=1.0),
                     school(C, 0, "S3", 800, classes_primary=12.0, music_rooms=1.0)])
    s = Scenario.from_dict({"name": "t", "county": C, "actions": [{"action": "add_resource", "item": "music_rooms", "quantity": 1,
                                                                   "year": 2023}]})
    after = s.apply(inputs)
    rooms = after.schools[after.schools["year"] == 2023].set_index("school_id")["music_rooms"]
    assert (rooms["S2"], rooms["S3"], rooms["S1"]) == (2.0, 1.0, 2.0)
