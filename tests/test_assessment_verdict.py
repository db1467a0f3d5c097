"""Readiness: A-class all met, B-class rated 良 or better, vetoes, profiles."""

import pytest

from yichun.assessment import assess, explain
from yichun.assessment.examples import combine, ready_county
from yichun.errors import YichunError


def ready(a, track):
    return a.readiness.set_index("track").loc[track]


def test_a_county_meeting_everything_is_ready():
    a = assess(ready_county())
    for track, (a_total, b_total) in {"义务教育": (29, 9), "学前教育": (13, 8)}.items():  # 9 = 7 + G14B, G15B (§2.2)
        r = ready(a, track)
        assert bool(r["ready"])
        assert r["a_met"] == a_total
        assert r["a_total"] == a_total
        assert r["b_good"] == b_total
        assert r["unmet"] == ""
        assert not r["veto"]
    assert list(a.items["code"][:8]) == ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "CV"]
    assert a.total_cost() == 0


def test_profile_plan_2025_flips_p1():
    inputs = ready_county(county_inputs={"POP_3_5": 1040})  # 900 ÷ 1040 = 86.5%
    assert bool(ready(assess(inputs), "学前教育")["ready"])
    r = ready(assess(inputs, profile="plan-2025"), "学前教育")
    assert not r["ready"]
    assert r["unmet"] == "P1"
    gap = assess(inputs, profile="plan-2025").gaps
    assert gap[gap["indicator"] == "P1"]["shortfall"].iloc[0] == 36  # 0.90 × 1040 − 900


def test_a_user_yaml_profile(tmp_path):
    prof = tmp_path / "mine.yaml"
    prof.write_text("profile: mine\noverrides:\n  P1: {thresholds: {all: 0.80}}\nrules:\n  b_rule: {share: 0.8}\n", encoding="utf-8")
    inputs = ready_county(county_inputs={"POP_3_5": 1100, "PG1": "中"})  # P1 = 81.8%; one B item of 8 rated 中
    national = assess(inputs)
    assert not ready(national, "学前教育")["ready"]
    mine = assess(inputs, profile=str(prof))
    r = ready(mine, "学前教育")
    assert r["b_good"] == 7 and r["b_total"] == 8 and bool(r["ready"])  # 7/8 ≥ 80%
    assert mine.profile == "mine"


def test_veto_items():
    a = assess(ready_county(county_inputs={"V1": "是"}))
    r = ready(a, "义务教育")
    assert not r["ready"]
    assert bool(r["veto"])
    assert r["unmet"] == "V1"
    assert "一票否决" in a.items.set_index("code").loc["V1", "detail"]
    s = ready(assess(ready_county(county_inputs={"SATISFACTION": 0.849})), "义务教育")
    assert not s["ready"]
    assert bool(s["veto"])
    assert s["unmet"] == "S1"


def test_b_class_rating_below_target_and_missing():
    r = ready(assess(ready_county(county_inputs={"Q6": "中"})), "义务教育")
    assert not r["ready"]
    assert r["b_good"] == 8
    assert r["unmet"] == "Q6"
    assert r["missing"] == ""
    r = ready(assess(ready_county(county_inputs={"Q6": None})), "义务教育")
    assert not r["ready"]
    assert r["missing_codes"] == "Q6"
    assert "Q6（缺数据" in r["missing"]
    r = ready(assess(ready_county(county_inputs={"Q6": "良"})), "义务教育")
    assert bool(r["ready"])


def test_county_conditions_and_missing_inputs():
    a = assess(ready_county(county_inputs={"G11_BACKBONE": 0.19, "Q1": None}))
    items = a.items.set_index("code")
    assert not items.loc["G11", "met"]
    assert "19.0%" in items.loc["G11", "detail"]
    assert str(items.loc["Q1", "met"]) == "<NA>"
    assert "缺数据" in items.loc["Q1", "detail"]
    r = ready(a, "义务教育")
    assert r["unmet"] == "G11、Q1"
    assert r["missing_codes"] == "Q1"
    assert "Q1（缺数据" in r["missing"]


def test_several_counties_and_years_in_one_call():
    inputs = combine(ready_county("宜丰县", 2023), ready_county("宜丰县", 2024, county_inputs={"V2": "是"}), ready_county("铜鼓县", 2024))
    a = assess(inputs)
    assert len(a.readiness) == 6
    assert a.is_ready("宜丰县", 2023, "义务教育")
    assert not a.is_ready("宜丰县", 2024, "义务教育")
    assert a.is_ready("铜鼓县", 2024, "义务教育")
    only = assess(inputs, years=2024)
    assert only.years() == [2024]
    with pytest.raises(YichunError, match="2023、2024"):
        assess(inputs, years=2019)


def test_explain_readiness():
    e = explain(assess(ready_county(county_inputs={"Q6": "中"})), "宜丰县", 2024, "义务教育")
    assert e.values["ready"] is False
    assert list(e.table["代码"]) == ["Q6"]
