"""The standards catalogue: thresholds as in docs/domain.md, profile overrides, clear errors."""

import numpy as np
import pytest
import yaml

from yichun.assessment.core import meets
from yichun.catalogue import CatalogueError, available_profiles, catalogue

R_THRESHOLDS = {  # docs/domain.md §2.1
    "R1": (4.2, 5.3), "R2": (1.0, 1.0), "R3": (0.9, 0.9), "R4": (4.5, 5.8),
    "R5": (7.5, 10.2), "R6": (2000, 2500), "R7": (2.3, 2.4),
}


@pytest.mark.parametrize("code", list(R_THRESHOLDS))
def test_resource_thresholds(code):
    ind = catalogue()[code]
    assert (ind.threshold("小学"), ind.threshold("初中")) == R_THRESHOLDS[code]
    assert ind.klass == "A" and ind.scope == "school" and ind.comparator == ">="
    assert ind.track == "义务教育" and ind.dimension == "资源配置"


def test_school_and_balance_rules():
    rules = catalogue().rules
    assert rules["school_rule"]["min_met"] == 6 and rules["school_rule"]["remainder_ratio"] == 0.85
    assert rules["balance_rule"]["limits"] == {"小学": 0.50, "初中": 0.45}
    assert rules["combined_splits"]["九年一贯制学校"] == {"小学": 1.0, "初中": 1.1}
    assert rules["combined_splits"]["完全中学"] == {"初中": 1.0, "高中": 1.2}
    assert rules["combined_splits"]["十二年一贯制学校"] == {"小学": 1.0, "初中": 1.1, "高中": 1.32}
    assert rules["counted_schools"]["teaching_point_min_students"] == 50


@pytest.mark.parametrize("code,standard", [("P1", 0.85), ("P2", 0.80), ("P3", 0.50)])
def test_preschool_thresholds(code, standard):
    ind = catalogue()[code]
    assert ind.threshold() == standard and ind.comparator == ">=" and ind.klass == "A"


def test_every_dimension_is_complete():
    c = catalogue()
    count = lambda track, dim: len([i for i in c.for_track(track) if i.dimension == dim])  # noqa: E731
    assert count("义务教育", "资源配置") == 7
    # 15 items; items 14 and 15 each carry a rated judgement beside the number (G14B, G15B; docs/domain.md §2.2)
    assert count("义务教育", "政府保障程度") == 15 + 2
    assert {i.code for i in c if i.code.endswith("B")} == {"G14B", "G15B"}
    assert count("义务教育", "教育质量") == 9
    assert count("学前教育", "政府保障情况") == 11
    assert count("学前教育", "保教质量保障情况") == 6
    assert count("学前教育", "普及普惠水平") == 3
    # A-class = measurable threshold, B-class = inspectors' rating (docs/domain.md §4)
    for ind in c:
        assert (ind.klass == "B") == (ind.comparator is None and not ind.conditions), ind.code


def test_plan_2025_overrides_only_p1():
    national, plan = catalogue(), catalogue("plan-2025")
    assert plan["P1"].threshold() == 0.90
    assert national["P1"].threshold() == 0.85  # the base is not mutated
    changed = [code for code in national.indicators if national[code] != plan[code]]
    assert changed == ["P1"]
    assert "plan-2025" in available_profiles()


def test_user_profile_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({
        "profile": "mine",
        "overrides": {"R4": {"thresholds": {"小学": 5.0}}},
        "rules": {"counted_schools": {"include_private": True}},
    }, allow_unicode=True), encoding="utf-8")
    c = catalogue(path)
    assert c.profile == "mine"
    assert c["R4"].threshold("小学") == 5.0 and c["R4"].threshold("初中") == 5.8  # deep merge keeps 初中
    assert c.rules["counted_schools"]["include_private"] is True
    assert c.rules["counted_schools"]["teaching_point_min_students"] == 50


@pytest.mark.parametrize("override,expected", [
    ({"Z9": {"thresholds": {"all": 1}}}, "Z9"),
    ({"R4": {"thresholds": {"小学": "很多"}}}, "thresholds.小学"),
    ({"R4": {"class": "C"}}, "class"),
    ({"R4": {"colour": "red"}}, "colour"),
    ({"G8": {"conditions": [{"input": "X", "comparator": "≈", "threshold": 1}]}}, "comparator"),
])
def test_malformed_profile_names_entry_and_field(tmp_path, override, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"overrides": override}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        catalogue(path)
    assert expected in str(err.value)


def test_unknown_profile_name():
    with pytest.raises(CatalogueError, match="plan-2025"):
        catalogue("plan-2030")


def test_engine_comparison_never_reads_missing_as_a_verdict():
    out = meets([float("nan"), 0.85, 0.8499], ">=", 0.85)
    assert np.isnan(out[0]) and out[1] == 1.0 and out[2] == 0.0
    assert np.isnan(meets([float("nan")], "yes", None)[0])
    assert meets([1.0], "no", None)[0] == 0.0


def test_county_input_codes_include_fixed_codes():
    codes = [r["code"] for r in catalogue().county_input_codes()]
    assert "POP_3_5" in codes and "SATISFACTION" in codes
    assert len(codes) == len(set(codes))
