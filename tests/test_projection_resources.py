"""Resource carry-forward, plans, optional growth and class scaling in projected inputs."""

from __future__ import annotations

import pytest
from projection_toy import county_rows, kindergarten, make_inputs, school

from yichun.projection.params import parameters
from yichun.projection.projected import project_inputs, with_actual

C = "铜鼓县"
BIRTHS = {C: {y: 1000.0 for y in range(2005, 2021)}}


def toy(plans=None, area_2019=None):
    schools, kgs, ci = [], [], []
    for y in (2019, 2020):
        extra = {"teaching_area_m2": area_2019} if (y == 2019 and area_2019) else {}
        schools += [school(C, y, "A", 5400, **extra), school(C, y, "B", 0, 2700)]
        kgs += [kindergarten(C, y, "K", 2700, classes=90.0, oversized_classes=9.0)]
        ci += county_rows(C, y, 3000)
    return make_inputs(schools, kgs, ci, BIRTHS, plans)


def test_plans_enter_from_their_year_and_bad_plans_are_warned():
    plans = [
        {"county": C, "year": 2020, "school_id": "A", "plan_year": 2022, "item": "teaching_area_m2", "quantity": 1000.0,
         "investment_wan": 300.0},
        {"county": C, "year": 2020, "school_id": "A", "plan_year": 2020, "item": "sports_area_m2", "quantity": 500.0,
         "investment_wan": 50.0},  # base year: already in the data
        {"county": C, "year": 2020, "school_id": "ZZ", "plan_year": 2021, "item": "teaching_area_m2", "quantity": 1.0,
         "investment_wan": 1.0},
        {"county": C, "year": 2020, "school_id": "A", "plan_year": 2021, "item": "教学楼", "quantity": 1.0,
         "investment_wan": 1.0},
    ]
    inputs = toy(plans)
    proj = project_inputs(inputs, 2023)
    s = proj.schools[proj.schools["school_id"] == "A"].set_index("year")
    area = inputs.schools.set_index(["school_id", "year"]).loc[("A", 2020), "teaching_area_m2"]
    assert s.loc[2021, "teaching_area_m2"] == area
    assert s.loc[2022, "teaching_area_m2"] == area + 1000
    assert s.loc[2023, "teaching_area_m2"] == area + 1000
    sports = inputs.schools.set_index(["school_id", "year"]).loc[("A", 2020), "sports_area_m2"]
    assert (s["sports_area_m2"] == sports).all()
    kinds = sorted(proj.problems["kind"])
    assert kinds == ["建设计划学校不存在", "建设计划项目未知"]
    assert "ZZ" in proj.problems.loc[proj.problems["kind"] == "建设计划学校不存在", "message"].iloc[0]


def test_growth_is_off_by_default_and_continues_recent_increase():
    inputs = toy(area_2019=40000.0)  # 2020 area is 5400 × 9 = 48600: +8600 a year
    flat = project_inputs(inputs, 2022).schools.set_index(["school_id", "year"])
    grown = project_inputs(inputs, 2022, growth=True).schools.set_index(["school_id", "year"])
    assert flat.loc[("A", 2022), "teaching_area_m2"] == 48600.0
    assert grown.loc[("A", 2021), "teaching_area_m2"] == 48600.0 + 8600
    assert grown.loc[("A", 2022), "teaching_area_m2"] == 48600.0 + 2 * 8600
    # a field that did not change does not move
    assert grown.loc[("B", 2022), "sports_area_m2"] == flat.loc[("B", 2022), "sports_area_m2"]


def test_a_falling_resource_is_held_not_run_down_by_growth():
    # A's teaching area fell from 60000 (2019) to 48600 (2020): the recent change is −11400 a
    # year, counted as 0 — growth=True continues increases only, stock is not assumed to shrink
    inputs = toy(area_2019=60000.0)
    grown = project_inputs(inputs, 2022, growth=True).schools.set_index(["school_id", "year"])
    assert grown.loc[("A", 2021), "teaching_area_m2"] == 48600.0
    assert grown.loc[("A", 2022), "teaching_area_m2"] == 48600.0


def test_kindergarten_classes_and_oversized_share_follow_children():
    inputs = toy()
    params = parameters({"future_births": {"central": -0.5}})
    proj = project_inputs(inputs, 2024, params=params)
    k = proj.kindergartens.set_index("year")
    # births after 2020 halve every year: 2024's children were born 2019–2021 = 1000 + 1000 + 500,
    # ratio 2700 / 3000 → 2250 children
    assert k.loc[2021, "children"] == 2700.0
    assert k.loc[2024, "children"] == pytest.approx(2250.0)
    assert k.loc[2024, "classes"] == 75.0  # 30 per class kept
    assert k.loc[2024, "oversized_classes"] == 8.0  # the base-year share 9/90 of 75 classes, rounded
    # the county's other figures are carried forward from the last actual year
    ci = proj.county_inputs.set_index(["year", "code"])
    assert ci.loc[(2024, "SATISFACTION"), "value"] == 1.0
    assert (ci.loc[(2024, "G1"), "rating"]) == "优"


def test_with_actual_puts_observed_years_first():
    inputs = toy()
    both = with_actual(inputs, project_inputs(inputs, 2022))
    assert both.years() == [2019, 2020, 2021, 2022]
    assert both.schools["source_row"].isna().sum() == 4  # only projected rows lack provenance


def test_the_latest_workbook_plan_list_supersedes_earlier_ones():
    plans = [
        {"county": C, "year": 2019, "school_id": "A", "plan_year": 2021, "item": "teaching_area_m2", "quantity": 500.0,
         "investment_wan": 150.0},
        {"county": C, "year": 2020, "school_id": "A", "plan_year": 2021, "item": "teaching_area_m2", "quantity": 700.0,
         "investment_wan": 210.0},
    ]
    proj = project_inputs(toy(plans), 2021)
    assert proj.schools.set_index("school_id").loc["A", "teaching_area_m2"] == 48600.0 + 700
