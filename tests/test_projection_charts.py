"""The outlook on the tile map and the timeline: 已过计划年份 statuses coloured, lapses marked."""

from __future__ import annotations

import pandas as pd

from yichun import charts
from yichun.charts import theme
from yichun.schedule import COMPULSORY, PRESCHOOL


def status():
    return pd.DataFrame({"county": ["铜鼓县", "宜丰县", "上高县"], "track": ["义务教育", "义务教育", "义务教育"],
                         "status": ["已过计划年份·达标", "有风险", "已过计划年份·未达标"],
                         "lapse_year": pd.array([2027, pd.NA, pd.NA], dtype="Int64")})


def test_past_year_statuses_are_green_and_red_not_grey():
    assert theme.status_color("已过计划年份·达标") == theme.GREEN
    assert theme.status_color("已过计划年份·未达标") == theme.RED
    assert theme.status_order(["已过计划年份·达标", "有风险", "按期可达"]) == ["按期可达", "有风险", "已过计划年份·达标"]


def test_tile_map_says_when_a_county_will_lapse():
    fig = charts.tile_map(status(), track="义务教育")
    texts = {a.text for a in fig.layout.annotations}
    tongu = [t for t in texts if "铜鼓" in t][0]
    assert "预计2027年回落" in tongu
    assert "已过计划年份<br>达标" in tongu
    assert not any("回落" in t for t in texts if "宜丰" in t)
    dashed = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert len(dashed) == 1


def test_timeline_marks_the_lapse_year():
    sched = pd.DataFrame({"county": ["铜鼓县", "宜丰县", "上高县", "铜鼓县"], "track": [COMPULSORY, COMPULSORY, COMPULSORY, PRESCHOOL],
                          "year": [2024, 2027, 2020, 2027]})
    fig = charts.schedule_timeline(sched, status(), today=2026)
    lapse = [t for t in fig.data if t.name and "预计回落" in t.name and t.x[0] is not None]
    assert len(lapse) == 1
    assert list(lapse[0].x) == [2027]
    assert lapse[0].marker.symbol == "circle-open"
    colours = {(int(x), t.marker.symbol): t.marker.color for t in fig.data if t.x[0] is not None and "回落" not in (t.name or "")
               for x in t.x}
    assert colours[(2024, "circle")] == theme.GREEN
    assert colours[(2020, "circle")] == theme.RED
