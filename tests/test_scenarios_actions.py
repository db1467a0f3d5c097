"""What scenario actions do to Inputs: merges keep students, conversions, new kindergartens, water-filling."""

from __future__ import annotations

import numpy as np
import pytest
from projection_toy import county_rows, kindergarten, make_inputs, school

from yichun.scenarios import Scenario, ScenarioError
from yichun.scenarios.actions import fill_lowest_coverage
from yichun.scenarios.pricing import price_actions

C = "上高县"


def toy():
    schools, kgs, ci = [], [], []
    for y in (2023, 2024):
        schools += [school(C, y, "P1", 600), school(C, y, "P2", 300), school(C, y, "J1", 0, 450),
                    school(C, y, "N1", 101, 80, classes_primary=6.0, classes_junior=2.0)]
        kgs += [kindergarten(C, y, "K1", 200), kindergarten(C, y, "K2", 150, "普惠性民办"),
                kindergarten(C, y, "K3", 90, "非普惠性民办"), kindergarten(C, y, "K4", 60, "非普惠性民办")]
        ci += county_rows(C, y, 600)
    return make_inputs(schools, kgs, ci, {C: {y: 100.0 for y in range(2005, 2025)}})


def run(*actions):
    return Scenario.from_dict({"name": "t", "county": C, "actions": list(actions)}).apply(toy())


def test_merge_keeps_the_total_number_of_students():
    before = toy().schools
    after = run({"action": "merge_schools", "close": ["N1"], "into": ["P2", "J1"], "year": 2024}).schools
    for col in ("students_primary", "students_junior"):
        assert after.groupby("year")[col].sum().to_dict() == before.groupby("year")[col].sum().to_dict()
    s = after.set_index(["school_id", "year"])
    assert ("N1", 2024) not in s.index and ("N1", 2023) in s.index
    assert s.loc[("P2", 2024), "students_primary"] == 401.0  # the 101 primary pupils go to the only primary receiver
    assert s.loc[("J1", 2024), "students_junior"] == 530.0
    # receivers keep their class size: P2 had 300 pupils in 8 classes → ⌈401 / 37.5⌉
    assert s.loc[("P2", 2024), "classes_primary"] == 11.0
    # teachers move with their level's pupils; buildings stay behind
    n1 = before.set_index(["school_id", "year"]).loc[("N1", 2024)]
    p2 = before.set_index(["school_id", "year"]).loc[("P2", 2024)]
    assert s.loc[("P2", 2024), "teachers_qualified_primary"] == p2["teachers_qualified_primary"] + n1["teachers_qualified_primary"]
    assert s.loc[("P2", 2024), "teaching_area_m2"] == p2["teaching_area_m2"]
    assert after["teachers_total"].sum() == before["teachers_total"].sum()


def test_merge_into_a_school_without_the_level_is_refused():
    with pytest.raises(ScenarioError, match=r"into.*初中"):
        run({"action": "merge_schools", "close": ["N1"], "into": ["P2"]})
    with pytest.raises(ScenarioError, match=r"「close」|close：X9"):
        run({"action": "merge_schools", "close": ["X9"], "into": ["P2"]})


def test_split_over_several_receivers_is_proportional_and_exact():
    after = run({"action": "close_school", "close": ["N1"], "into": ["P1", "P2", "J1"]}).schools.set_index(["school_id", "year"])
    # 101 pupils split 600 : 300 → 67.33 / 33.67 → 67 / 34 (largest remainder)
    assert after.loc[("P1", 2023), "students_primary"] == 667.0
    assert after.loc[("P2", 2023), "students_primary"] == 334.0


def test_kindergarten_conversion_and_new_kindergarten():
    k = run({"action": "convert_kindergartens", "from": "非普惠性民办", "to": "普惠性民办", "count": 1}).kindergartens
    assert k.set_index(["kg_id", "year"]).loc[("K3", 2024), "kg_type"] == "普惠性民办"  # the largest of its type
    assert k.set_index(["kg_id", "year"]).loc[("K4", 2024), "kg_type"] == "非普惠性民办"
    with pytest.raises(ScenarioError, match="count"):
        run({"action": "convert_kindergartens", "from": "非普惠性民办", "to": "公办", "count": 3})
    k = run({"action": "open_kindergarten", "children": 75, "from_type": "非普惠性民办", "year": 2024, "kg_id": "NEW"}).kindergartens
    new = k.set_index(["kg_id", "year"]).loc[("NEW", 2024)]
    # built to the catalogue standard: ⌈75/30⌉ classes, ⌈75/15⌉ teachers, 8.17 and 4 ㎡ per child
    assert (new["classes"], new["teachers"], new["activity_m2"], new["outdoor_m2"]) == (3.0, 5.0, pytest.approx(75 * 8.17), 300.0)
    # the 75 children come from the two 非普惠 kindergartens in proportion 90 : 60
    donors = k[(k["year"] == 2024) & k["kg_id"].isin(["K3", "K4"])].set_index("kg_id")["children"]
    assert (donors["K3"], donors["K4"]) == (45.0, 30.0)
    assert k[k["year"] == 2024]["children"].sum() == 500.0


def test_named_additions_and_new_teachers():
    inputs = toy()
    after = run({"action": "add_resource", "item": "teachers_backbone_primary", "quantity": 5, "schools": ["P1", "P2"], "year": 2024})
    a, b = after.schools.set_index(["school_id", "year"]), inputs.schools.set_index(["school_id", "year"])
    # 5 shared equally by two schools: 2.5 → whole teachers 3 + 2
    added = a["teachers_backbone_primary"] - b["teachers_backbone_primary"]
    assert sorted(added.loc[(["P1", "P2"], 2024)].tolist()) == [2.0, 3.0]
    assert added.loc[("P1", 2023)] == 0
    assert (a["teachers_total"] - b["teachers_total"]).sum() == 5  # counted as new 专任教师


def test_fill_lowest_coverage_lifts_the_lowest_first():
    add = fill_lowest_coverage(np.array([1.0, 5.0, 3.0]), np.ones(3), 4.0)
    assert add.tolist() == [3.0, 0.0, 1.0]  # both reach 4, the best-off school gets nothing


def test_fill_lowest_coverage_measures_coverage_against_need():
    add = fill_lowest_coverage(np.array([10.0, 10.0]), np.array([1.0, 4.0]), 10.0)  # coverage 10 and 2.5
    assert add.tolist() == pytest.approx([0.0, 10.0])  # 20 ÷ 4 = 5 is still below 10


def test_migration_scales_students_of_chosen_levels():
    after = run({"action": "migration", "factor": 0.5, "levels": ["初中"], "from_year": 2024}).schools.set_index(["school_id", "year"])
    assert after.loc[("J1", 2024), "students_junior"] == 225.0
    assert after.loc[("J1", 2023), "students_junior"] == 450.0
    assert after.loc[("P1", 2024), "students_primary"] == 600.0


def test_prices_come_from_unit_costs():
    from yichun.assessment.costs import unit_costs

    s = Scenario.from_dict({"name": "t", "county": C, "actions": [
        {"action": "add_resource", "item": "teaching_area_m2", "quantity": 1000},
        {"action": "add_resource", "item": "teachers_pe_arts_primary", "quantity": 2},
        {"action": "convert_kindergartens", "to": "公办", "kindergartens": ["K2"]},
    ]})
    lines = price_actions(s)
    costs = unit_costs()
    assert lines["cost_wan"].iloc[0] == pytest.approx(1000 * costs["teaching_building_m2"]["price_yuan"] / 10000)
    assert lines["cost_wan"].iloc[1] == pytest.approx(2 * costs["teacher_pe_arts"]["price_yuan"] / 10000)
    assert np.isnan(lines["cost_wan"].iloc[2]) and "未计价" in lines["note"].iloc[2]


def test_new_rooms_at_a_school_without_any_are_built_to_standard():
    inputs = toy()
    inputs.schools.loc[inputs.schools["school_id"] == "P2", ["music_rooms", "music_room_min_m2"]] = [0.0, float("nan")]
    s = Scenario.from_dict({"name": "t", "county": C, "actions": [
        {"action": "add_resource", "item": "music_rooms", "quantity": 1, "schools": ["P2"]},
        {"action": "add_resource", "item": "music_rooms", "quantity": 1, "schools": ["P1"]}]})
    after = s.apply(inputs).schools.set_index(["school_id", "year"])
    assert after.loc[("P2", 2024), "music_rooms"] == 1.0 and after.loc[("P2", 2024), "music_room_min_m2"] == 96.0
    assert after.loc[("P1", 2024), "music_rooms"] == 3.0 and after.loc[("P1", 2024), "music_room_min_m2"] == 100.0
