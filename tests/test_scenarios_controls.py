"""The controls of notebook 05 (yichun.scenarios.whatif.controls / scenario_from_controls): one control per
resource type, each mapped to one action; all zeros is the baseline of `yichun project`."""

from __future__ import annotations

import pandas as pd
import pytest
from projection_toy import county_rows, kindergarten, make_inputs, school

from yichun.projection import outlook
from yichun.projection.outlook import STATUS_COLUMNS
from yichun.scenarios import ScenarioError
from yichun.scenarios.comparison import BASELINE
from yichun.scenarios.whatif import WhatIf, controls, scenario_from_controls

FALLING = {y: 1000.0 - max(0, y - 2014) * 60 for y in range(2005, 2024)}


def toy_inputs():
    """宜丰县 (义务教育 2027): S1's teaching area of 2,150 ㎡ for 600 pupils passes R4 only as births fall,
    first in 2024 — a projected year before the scheduled one."""
    schools, kgs, ci = [], [], []
    for y in (2021, 2022, 2023):
        schools += [school("宜丰县", y, "S1", 600, teaching_area_m2=2150.0), school("宜丰县", y, "S2", 300),
                    school("宜丰县", y, "J1", 0, 450)]
        kgs += [kindergarten("宜丰县", y, "K1", 200), kindergarten("宜丰县", y, "K2", 100, "非普惠性民办")]
        ci += county_rows("宜丰县", y, 300)
    return make_inputs(schools, kgs, ci, {"宜丰县": FALLING})


def test_every_resource_type_has_one_control_labelled_from_the_dictionary():
    by_key = {c.key: c for c in controls()}
    teachers = [f"teachers_{kind}_{level}" for kind in ("qualified", "backbone", "pe_arts") for level in ("primary", "junior")]
    for key in [*teachers, "teaching_area_m2", "sports_area_m2", "equipment_value_wan", "multimedia_rooms", "music_rooms",
                "art_rooms", "kindergarten.teachers", "open_kindergarten", "convert_kindergartens"]:
        assert key in by_key, key
    assert (by_key["music_rooms"].label, by_key["music_rooms"].unit) == ("音乐专用教室数", "间")
    assert (by_key["kindergarten.teachers"].label, by_key["kindergarten.teachers"].track) == ("幼儿园专任教师数", "学前教育")
    assert by_key["teaching_area_m2"].unit == "㎡"
    assert by_key["equipment_value_wan"].unit == "万元"
    assert (by_key["open_kindergarten"].label, by_key["open_kindergarten"].unit) == ("新建幼儿园在园幼儿数", "人")


def test_one_school_control_gives_one_county_wide_addition_of_its_quantity():
    s = scenario_from_controls("宜丰", 2026, {"music_rooms": 3, "art_rooms": 0, "teaching_area_m2": 0})
    assert len(s.actions) == 1
    a = s.actions[0]
    assert a.kind == "add_resource"
    assert a.params == {"item": "music_rooms", "quantity": 3.0, "year": 2026, "county": "宜丰县"}


def test_kindergarten_controls_map_to_their_actions():
    s = scenario_from_controls("宜丰县", 2026, {"kindergarten.teachers": 5, "open_kindergarten": 300, "convert_kindergartens": 2},
                               convert_to="公办")
    kinds = {a.kind: a.params for a in s.actions}
    assert kinds["add_resource"]["item"] == "teachers"
    assert kinds["add_resource"]["quantity"] == 5.0
    assert kinds["open_kindergarten"]["children"] == 300.0
    assert kinds["open_kindergarten"]["kg_type"] == "公办"
    assert (kinds["convert_kindergartens"]["from"], kinds["convert_kindergartens"]["to"], kinds["convert_kindergartens"]["count"]) \
        == ("非普惠性民办", "公办", 2)


def test_an_unknown_control_lists_the_valid_ones_and_a_negative_value_is_refused():
    with pytest.raises(ScenarioError, match=r"控件「music_room」不是已知控件.*music_rooms\(音乐专用教室数\)"):
        scenario_from_controls("宜丰县", 2026, {"music_room": 1})
    with pytest.raises(ScenarioError, match="正数"):
        scenario_from_controls("宜丰县", 2026, {"sports_area_m2": -100})


def test_all_zeros_is_the_baseline_of_yichun_project():
    inputs = toy_inputs()
    zeros = scenario_from_controls("宜丰县", 2024, {c.key: 0 for c in controls()})
    assert zeros.actions == ()
    cli = outlook(inputs, counties=["宜丰县"]).status  # what `yichun project --county 宜丰县` writes to status.csv
    compulsory = cli.set_index("track").loc["义务教育"]
    assert compulsory["scheduled_year"] == 2027 and compulsory["first_pass_central"] == 2024  # not only the scheduled year
    table = WhatIf(inputs).compare("宜丰县", zeros)
    for name in (BASELINE, zeros.name):
        rows = table[table["scenario"] == name].reset_index(drop=True)[STATUS_COLUMNS]
        pd.testing.assert_frame_equal(rows, cli.reset_index(drop=True)[STATUS_COLUMNS], check_dtype=False)
    assert (table["action_cost_wan"] == 0).all()
