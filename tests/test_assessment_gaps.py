"""Gaps in physical units and the priced bill."""

import pytest

from yichun.assessment import assess
from yichun.assessment.costs import unit_costs
from yichun.assessment.examples import good_primary, make_inputs, passing_county_inputs, school
from yichun.errors import YichunError

CI = passing_county_inputs() | {"POP_3_5": 1000, "TOWNSHIPS": 1}


def run(*schools, **kw):
    return assess(make_inputs(schools=list(schools), county_inputs=CI), **kw)


def test_failing_school_gaps_are_physical_and_priced():
    # 1000 pupils: R1 40 teachers (3.99 < 4.2), R4 3000 ㎡ (66.7%): the school fails, both gaps are required
    a = run(good_primary("F", "短板小学", 1000, teachers_qualified_primary=40, teaching_area_m2=3000))
    g = a.gaps.set_index("indicator")
    assert g.loc["R1", "shortfall"] == 2 and g.loc["R1", "unit"] == "人" and g.loc["R1", "cost_wan"] == pytest.approx(26.0)
    assert g.loc["R4", "shortfall"] == 1500 and g.loc["R4", "unit"] == "㎡" and g.loc["R4", "cost_wan"] == pytest.approx(450.0)
    assert g["required"].all() and g["in_bill"].all()
    bill = a.bill.set_index("cost_key")
    assert bill.loc["teaching_building_m2", "quantity"] == 1500 and bill.loc["teaching_building_m2", "category"] == "教学及辅助用房"
    assert a.total_cost("宜丰县", 2024) == pytest.approx(476.0)


def test_below_standard_at_a_passing_school_is_listed_not_billed():
    a = run(good_primary("Q", "达标小学", 1000, teaching_area_m2=4000))  # 88.9%: 6 met, the rest ≥ 85%
    r4 = a.gaps[a.gaps["indicator"] == "R4"].iloc[0]
    assert r4["shortfall"] == 500 and not r4["required"] and not r4["in_bill"]
    assert a.bill.empty and a.total_cost() == 0
    assert a.preschool["value"].isna().all()  # no kindergarten sheet: P1–P3 missing, not 0


def test_equipment_and_rooms_units():
    a = run(good_primary("E", "甲", 1000, equipment_value_wan=150, multimedia_rooms=20, sports_area_m2=0))
    g = a.gaps.set_index("indicator")
    assert g.loc["R6", "shortfall"] == pytest.approx(50.0) and g.loc["R6", "unit"] == "万元" and g.loc["R6", "cost_wan"] == pytest.approx(50.0)
    assert g.loc["R7", "shortfall"] == 3 and g.loc["R7", "unit"] == "间"  # 2.3 × 1000 ÷ 100 − 20
    assert g.loc["R5", "shortfall"] == 7500 and g.loc["R5", "cost_wan"] == pytest.approx(300.0)


def test_a_shared_facility_is_billed_once_for_the_larger_part():
    s = school("C", "九年一贯制", "九年一贯制学校", students_primary=400, students_junior=300, students_senior=0, teaching_area_m2=3000, sports_area_m2=0)
    a = run(s)
    r4 = a.gaps[a.gaps["indicator"] == "R4"].set_index("level")
    # 小学 needs 4.5×400 ÷ (400/730) = 3285 ㎡ in all; 初中 needs 5.8×300 ÷ (330/730) = 3849.1 ㎡: one building of +850 ㎡ serves both
    assert r4.loc["小学", "shortfall"] == 285 and r4.loc["初中", "shortfall"] == 850
    assert bool(r4.loc["初中", "in_bill"]) and not r4.loc["小学", "in_bill"]
    assert a.bill.set_index("cost_key").loc["teaching_building_m2", "quantity"] == 850


def test_unit_costs_are_cited_and_configurable(tmp_path):
    costs = unit_costs()
    for item in costs.values():
        assert item["source"] and item["name"] and item["unit"]
        if item.get("price_yuan") is not None and item.get("assumption"):
            assert "估算" in item["source"]
    a = run(good_primary("F", "短板小学", 1000, teaching_area_m2=3000), unit_cost_source={"teaching_building_m2": {"price_yuan": 2000}})
    assert a.gaps.set_index("indicator").loc["R4", "cost_wan"] == pytest.approx(300.0)
    bad = tmp_path / "costs.yaml"
    bad.write_text("items:\n  teacher_qualified: {name: x, unit: 人, price_yuan: -1, source: y}\n", encoding="utf-8")
    with pytest.raises(YichunError, match="缺少项目"):
        unit_costs(bad)
    with pytest.raises(YichunError, match="不在 unit_costs.yaml"):
        unit_costs({"gold_plating": {"price_yuan": 1}})


def test_counts_that_money_does_not_fix_are_listed_unpriced():
    a = run(good_primary("B", "大校", 2100, max_class_primary=48))
    bill = a.bill.set_index("cost_key")
    assert bill.loc["oversize_students", "quantity"] == 100 and not bill.loc["oversize_students", "priced"]
    assert bill.loc["class_excess", "quantity"] == 3
    assert bill["cost_wan"].isna().all()
