"""Scenario files: validation messages in Chinese that name the bad key; the example files load."""

from __future__ import annotations

import pytest

from yichun.paths import package_data
from yichun.scenarios import Scenario, ScenarioError


def ok(**over) -> dict:
    base = {"name": "测试情景", "county": "宜丰", "actions": [{"action": "add_resource", "item": "teachers_backbone_primary", "quantity": 3}]}
    base.update(over)
    return base


def test_a_good_scenario_normalises_names_and_defaults_the_county():
    s = Scenario.from_dict(ok())
    assert s.county == "宜丰县"
    assert s.actions[0].params == {"item": "teachers_backbone_primary", "quantity": 3.0, "county": "宜丰县"}
    assert s.actions[0].name == "增加资源"
    # Chinese action names are accepted too, and close_school is a merge
    s = Scenario.from_dict(ok(actions=[{"action": "撤销学校", "close": "001", "into": ["002"]}]))
    assert s.actions[0].kind == "merge_schools"
    assert s.actions[0].params["close"] == ["001"]


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        (ok(actoins=[]), "actoins", "不是已知键"),
        ({"county": "宜丰县"}, "name", "缺少键"),
        (ok(county="宜风县"), "county", "无法识别"),
        (ok(actions=[{"action": "add_resource", "item": "teachers_backbone_primary", "quantiy": 3}]), "quantiy", "actions[0]（增加资源）"),
        (ok(actions=[{"action": "add_resource", "item": "backbone", "quantity": 3}]), "item", "字段名"),
        (ok(actions=[{"action": "add_resource", "item": "teachers_backbone_primary", "quantity": -3}]), "quantity", "正数"),
        (ok(actions=[{"action": "add_resource", "item": "teachers_backbone_primary"}]), "quantity", "缺少键"),
        (ok(actions=[{"action": "扩建"}]), "action", "不是已知措施"),
        (ok(actions=[{"item": "x"}]), "action", "缺少键"),
        (ok(actions=[{"action": "convert_kindergartens", "to": "非普惠性民办", "count": 1}]), "to", "公办 或 普惠性民办"),
        (ok(actions=[{"action": "convert_kindergartens", "to": "公办", "count": 1.5}]), "count", "正整数"),
        (ok(actions=[{"action": "merge_schools", "close": ["1"], "into": ["1", "2"]}]), "into", "同时在"),
        (ok(actions=[{"action": "migration", "factor": 1.1, "levels": ["高中"]}]), "levels", "学段"),
        (ok(actions=[{"action": "births", "factor": 0.9, "from_year": "明年"}]), "from_year", "年份"),
        (ok(variant="middle"), "variant", "central"),
        (ok(actions={"action": "births"}), "actions", "列表"),
    ],
)
def test_validation_names_the_bad_key_in_chinese(data, key, words):
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data)
    message = str(info.value)
    assert f"「{key}」" in message
    assert words in message


def test_yaml_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: 坏情景\nactions:\n  - action: add_resource\n    item: teaching_area_m2\n    quantity: 100\n    shcools: ['1']\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.yaml.*actions\[0\].*「shcools」"):
        Scenario.from_yaml(path)
    with pytest.raises(ScenarioError, match="找不到情景文件"):
        Scenario.from_yaml(tmp_path / "none.yaml")


def test_example_scenarios_load_and_round_trip():
    files = sorted(package_data("scenarios").glob("example_*.yaml"))
    assert len(files) >= 2
    for f in files:
        s = Scenario.from_yaml(f)
        assert s.actions
        assert s.county
        again = Scenario.from_dict(s.to_dict())
        assert again.actions == s.actions
        assert all(line for line in s.describe())
