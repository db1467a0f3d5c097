"""yichun.charts: each chart function on small hand-made frames (no browser needed).

Values are worked out by hand: e.g. R1 3.6 人/百生 against the 小学 standard 4.2 is
3.6 / 4.2 = 0.857; a 差异系数 of 0.60 against the limit 0.50 is 0.50 / 0.60 = 0.833.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from yichun import charts
from yichun.charts import format as fmt
from yichun.charts import theme
from yichun.charts._frames import ChartInputError
from yichun.charts.export import ExportSkippedWarning
from yichun.errors import YichunError
from yichun.schedule import COMPULSORY, PRESCHOOL


def _shapes_at(fig, axis: str) -> list[float]:
    """Positions of full-width/height reference lines (hline: y0, vline: x0)."""
    key = "y0" if axis == "y" else "x0"
    other = "x" if axis == "y" else "y"
    return [round(float(s[key]), 6) for s in fig.layout.shapes if s.type == "line" and s[f"{other}ref"].endswith("domain")]


def _note(fig) -> str:
    note = theme.source_note(fig)
    assert note is not None, "every chart carries a source note"
    return note


# --- theme and formatting ----------------------------------------------------


def test_import_has_no_side_effects():
    code = (
        "import sys, yichun.charts as c; "
        "assert 'plotly' not in sys.modules, 'plotly imported'; "
        "c.cv_bars; assert 'plotly' not in sys.modules; "
        "import plotly.io as pio; assert 'yichun' not in pio.templates; "
        "c.template(); assert 'yichun' in pio.templates; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_template_fonts_and_palette():
    import plotly.io as pio

    tpl = theme.template()
    assert pio.templates["yichun"] is not None
    family = tpl.layout.font.family
    assert family.startswith('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC"')
    assert family.endswith("sans-serif")
    # categorical colours never reuse the status hues
    status_hues = {theme.GREEN, theme.AMBER, theme.RED, theme.GREY}
    assert not status_hues & set(tpl.layout.colorway)


def test_use_theme_sets_default():
    import plotly.io as pio

    before = pio.templates.default
    try:
        charts.use_theme()
        assert pio.templates.default == "yichun"
    finally:
        pio.templates.default = before


def test_status_colours_as_specified():
    c = theme.STATUS_COLORS
    assert c["达标"] == c["按期可达"] == "#009E73"  # green
    assert c["有风险"] == "#E69F00"  # amber
    assert c["未达标"] == c["难以按期"] == "#D55E00"  # red (vermillion)
    assert c["已到期"] == theme.GREY
    assert theme.status_color("不认识的状态") == theme.NEUTRAL


def test_number_formatting():
    assert fmt.pct(0.8512) == "85.1%"
    assert fmt.pct(1.0, 0) == "100%"
    assert fmt.pct(float("nan")) == "—"
    assert fmt.pct(None) == "—"
    assert fmt.pct(pd.NA) == "—"
    assert fmt.num(1234567) == "1,234,567"
    assert fmt.num(2345.678, 1) == "2,345.7"
    assert fmt.wan(123456) == "12.3万"
    assert fmt.wan(8650) == "8,650"
    assert fmt.wan(512_000_000) == "5.12亿"
    assert fmt.money_wan(1234.5) == "1,234.5万元"
    assert fmt.money_wan(25000) == "2.50亿元"
    assert fmt.ratio(0.4512) == "0.45"
    assert fmt.value(2000, "元/生") == "2,000元/生"
    assert fmt.value(0.85, "%") == "85.0%"


# --- heatmap ------------------------------------------------------------------


def test_ratio_to_standard_direction():
    r = charts.ratio_to_standard([3.6, 0.60, 0.40], [4.2, 0.50, 0.50], np.array([">=", "<=", "<="], dtype=object))
    assert r[0] == pytest.approx(3.6 / 4.2)
    assert round(r[0], 3) == 0.857
    assert r[1] == pytest.approx(0.50 / 0.60)  # CV above its limit: below 100%
    assert r[2] == pytest.approx(1.25)  # CV below its limit: above 100%


def test_heatmap_cells():
    frame = pd.DataFrame({
        "county": ["宜丰县", "宜丰县", "袁州区", "袁州区"],
        "indicator": ["R1", "CV", "R1", "CV"],
        "value": [3.6, 0.60, 4.2, np.nan],
        "standard": [4.2, 0.50, 4.2, 0.50],
    })
    fig = charts.indicator_heatmap(frame)
    hm = fig.data[0]
    assert list(hm.y) == ["袁州", "宜丰"]  # order of the 行政区划代码: 360902 before 360924
    assert list(hm.x) == ["R1<br>高学历教师", "CV<br>差异系数"]
    ratios = np.asarray(hm.customdata, dtype=float)
    assert ratios[1, 0] == pytest.approx(0.857, abs=5e-4)
    assert ratios[1, 1] == pytest.approx(0.8333, abs=5e-4)
    assert ratios[0, 0] == pytest.approx(1.0)
    assert math.isnan(ratios[0, 1])
    assert hm.text[1][0] == "85.7%"
    assert hm.text[0][1] == "缺数据"
    assert hm.zmid == 1.0
    assert "1 个为缺数据" in fig.layout.title.subtitle.text
    assert "教督〔2017〕6号" in _note(fig)


def test_county_ratio_frame_from_cv():
    cv = pd.DataFrame({
        "county": ["宜丰县"] * 2, "year": [2024, 2024], "level": ["小学", "小学"], "indicator": ["R1", "R4"],
        "cv": [0.30, 0.60], "limit": [0.50, 0.50], "county_value": [3.6, 5.4],
    })
    values = charts.county_ratio_frame(cv, 2024, "小学")
    assert list(values["standard"]) == [4.2, 4.5]  # catalogue standards for 小学
    fig = charts.indicator_heatmap(values)
    assert np.asarray(fig.data[0].customdata, dtype=float)[0].tolist() == pytest.approx([3.6 / 4.2, 5.4 / 4.5])
    cvs = charts.county_ratio_frame(cv, 2024, "小学", measure="cv")
    assert list(cvs["comparator"]) == ["<=", "<="]
    ratios = np.asarray(charts.indicator_heatmap(cvs).data[0].customdata, dtype=float)[0]
    assert ratios.tolist() == pytest.approx([0.50 / 0.30, 0.50 / 0.60])


def test_comparator_from_catalogue():
    from yichun.charts.assessment import comparator_for

    assert comparator_for("R1") == ">="
    assert comparator_for("CV·R3") == "<="
    assert comparator_for("PQ3") == "<="  # 幼儿 : 专任教师 ≤ 15


# --- school distribution --------------------------------------------------------


def _parts() -> pd.DataFrame:
    # 小学 R4 standard 4.5 ㎡/生; 85% of it is 3.825
    return pd.DataFrame({
        "county": ["宜丰县", "宜丰县", "宜丰县", "宜丰县", "袁州区"],
        "year": [2024] * 5,
        "school_id": ["1", "2", "3", "4", "5"],
        "school_name": ["甲小学", "乙小学", "丙小学", "丁小学", "戊小学"],
        "level": ["小学"] * 5,
        "students": [300.0, 200.0, 100.0, 50.0, 400.0],
        "counted": [True, True, True, True, True],
        "R4": [5.0, 4.0, 3.0, np.nan, 4.6],
    })


def test_school_distribution_classes_and_lines():
    fig = charts.school_distribution(_parts(), "R4", "小学")
    dots = {t.name: t for t in fig.data if t.type == "scatter"}
    ok, risk, low = (dots[n] for n in ("达到标准（2所）", "达到标准的85%—100%（1所）", "低于标准的85%（1所）"))
    assert sorted(ok.y) == [4.6, 5.0]
    assert list(risk.y) == [4.0]
    assert list(low.y) == [3.0]
    assert risk.marker.color == theme.AMBER
    assert low.marker.color == theme.RED
    assert sorted(_shapes_at(fig, "y")) == pytest.approx([3.825, 4.5])
    assert fig.layout.yaxis.rangemode == "tozero"
    # the counted schools include the one without a value (the counts module's definition); it is not drawn
    assert "计入县域计算的 5 所学校中 2 所未达到标准、1 所缺数据（未画出）" in fig.layout.title.subtitle.text
    assert "㎡/生" in fig.layout.yaxis.title.text


def test_school_distribution_one_county_bars():
    fig = charts.school_distribution(_parts(), "R4", "小学", county="宜丰")
    bars = {t.name: t for t in fig.data}
    assert list(bars["低于标准的85%（1所）"].y) == ["丙小学"]
    assert fig.layout.xaxis.rangemode == "tozero"
    assert sorted(_shapes_at(fig, "x")) == pytest.approx([3.825, 4.5])
    assert list(fig.layout.yaxis.categoryarray) == ["甲小学", "乙小学", "丙小学"]  # lowest at the top


# --- 差异系数 -------------------------------------------------------------------


def test_cv_bars_limits_and_zero_axis():
    cv = pd.DataFrame({
        "county": ["靖安县"] * 4, "year": [2024] * 4, "level": ["小学", "小学", "初中", "初中"],
        "indicator": ["R1", "R2", "R1", "R2"], "cv": [0.30, 0.55, 0.40, np.nan], "limit": [0.50, 0.50, 0.45, 0.45],
    })
    fig = charts.cv_bars(cv, "靖安", 2024)
    primary, junior = fig.data
    assert (primary.name, junior.name) == ("小学", "初中")
    assert list(primary.y) == [0.30, 0.55]
    assert junior.y[0] == 0.40
    assert math.isnan(junior.y[1])
    assert sorted(_shapes_at(fig, "y")) == [0.45, 0.50]  # read from the limit column
    assert fig.layout.yaxis.range[0] == 0
    assert list(primary.marker.line.color) == [theme.CATEGORICAL[0], theme.RED]
    assert "小学R2" in fig.layout.title.subtitle.text
    assert "初中R2" in fig.layout.title.subtitle.text
    assert any(a.text == "不足<br>两校" for a in fig.layout.annotations)


# --- preschool -----------------------------------------------------------------------


def test_preschool_bars_percent_axis():
    pre = pd.DataFrame({
        "county": ["宜丰县"] * 3 + ["靖安县"] * 3, "year": [2024] * 6, "indicator": ["P1", "P2", "P3"] * 2,
        "value": [0.92, 0.83, 0.48, 0.86, 0.79, 0.55], "standard": [0.85, 0.80, 0.50] * 2,
    })
    fig = charts.preschool_bars(pre)
    assert [t.name for t in fig.data] == ["P1 毛入园率", "P2 普惠覆盖率", "P3 公办在园占比"]
    assert list(fig.data[0].x) == ["宜丰", "靖安"]  # 360924 before 360925
    assert list(fig.data[2].y) == [0.48, 0.55]
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.yaxis.range[0] == 0
    assert sorted(_shapes_at(fig, "y")) == [0.50, 0.80, 0.85]
    assert list(fig.data[2].marker.line.color) == [theme.RED, theme.CATEGORICAL[2]]
    assert fig.data[0].text[0] == "92.0%"
    assert "宜丰P3" in fig.layout.title.subtitle.text
    assert "靖安P2" in fig.layout.title.subtitle.text
    assert "教督〔2020〕1号" in _note(fig)


# --- projection --------------------------------------------------------------------------


def test_projection_fan():
    frame = pd.DataFrame({
        "year": [2022, 2023, 2024, 2025, 2026, 2025, 2026, 2025, 2026],
        "variant": ["actual"] * 3 + ["central"] * 2 + ["low"] * 2 + ["high"] * 2,
        "value": [0.80, 0.82, 0.84, 0.855, 0.87, 0.845, 0.85, 0.865, 0.89],
    })
    fig = charts.projection_fan(frame, standard=0.85, scheduled_year=2026, label="学前三年毛入园率", unit="%")
    traces = {t.name: t for t in fig.data}
    central = traces["中方案预测"]
    assert list(central.x) == [2024, 2025, 2026] and list(central.y) == [0.84, 0.855, 0.87]  # starts at the last actual
    assert traces["低—高方案区间"].fill == "tonexty"
    assert list(traces["低—高方案区间"].y) == [0.84, 0.845, 0.85]
    assert list(traces["实际"].y) == [0.80, 0.82, 0.84]
    assert _shapes_at(fig, "y") == [0.85]
    assert _shapes_at(fig, "x") == [2026]
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.title.subtitle.text == "计划评估年 2026年：中方案 87.0%，区间 85.0%—89.0%（标准 85.0%）"


def test_projection_rejects_unknown_variant():
    bad = pd.DataFrame({"year": [2024], "variant": ["optimistic"], "value": [1.0]})
    with pytest.raises(ChartInputError, match="optimistic"):
        charts.projection_fan(bad)


# --- scenarios, bill ---------------------------------------------------------------------------


def test_scenario_comparison():
    frame = pd.DataFrame({
        "scenario": ["现状", "现状", "加大投入", "加大投入"],
        "county": ["宜丰县", "铜鼓县", "宜丰县", "铜鼓县"],
        "status": ["有风险", "难以按期", "按期可达", "有风险"],
        "pass_year": [2029, np.nan, 2027, 2029],
        "cost_wan": [1200.0, 800.0, 2100.0, 1500.0],
    })
    fig = charts.scenario_comparison(frame)
    tiles = {t.name: t for t in fig.data if t.type == "scatter"}
    assert tiles["难以按期"].marker.color == theme.RED
    assert list(tiles["难以按期"].text) == ["—"]
    assert tiles["按期可达"].marker.color == theme.GREEN
    assert list(tiles["按期可达"].text) == ["2027"]
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert list(bars["现状"].x) == [1200.0, 800.0]
    assert list(bars["现状"].y) == ["宜丰", "铜鼓"]
    assert list(bars["加大投入"].x) == [2100.0, 1500.0]
    assert fig.layout.xaxis2.rangemode == "tozero"
    assert fig.layout.xaxis2.range[0] == 0


def test_bill_waterfall():
    bill = pd.DataFrame({
        "county": ["宜丰县"] * 4, "year": [2024] * 4,
        "category": ["补充骨干教师", "教学及辅助用房", "教学仪器设备", "音乐美术专用教室"],
        "quantity": [12.0, 3000.0, 150.0, 2.0], "unit": ["人", "㎡", "万元", "间"],
        "cost_wan": [36.0, 900.0, 150.0, np.nan],
    })
    fig = charts.bill_waterfall(bill, "宜丰县", 2024)
    wf = fig.data[0]
    assert list(wf.y) == [900.0, 150.0, 36.0, 1086.0]  # largest first, then the total
    assert list(wf.measure) == ["relative", "relative", "relative", "total"]
    assert wf.text[-1] == "1,086万元"
    assert fig.layout.yaxis.range[0] == 0
    assert "未能估价：音乐美术专用教室" in fig.layout.title.subtitle.text
    assert "3,000㎡" in wf.x[0]


def test_bill_needs_one_county():
    bill = pd.DataFrame({"county": ["宜丰县", "铜鼓县"], "year": [2024, 2024], "category": ["甲", "乙"], "cost_wan": [1.0, 2.0]})
    with pytest.raises(ChartInputError, match="county="):
        charts.bill_waterfall(bill)


# --- schedule and tile map ------------------------------------------------------------------


def test_schedule_timeline_status_and_today():
    sched = pd.DataFrame({"county": ["宜丰县", "宜丰县", "上高县", "上高县"],
                          "track": [COMPULSORY, PRESCHOOL, COMPULSORY, PRESCHOOL], "year": [2027, 2028, 2020, 2026]})
    status = pd.DataFrame({"county": ["宜丰县", "宜丰县", "上高县"], "track": ["义务教育", "学前教育", "义务教育"],
                           "status": ["有风险", "难以按期", "已到期"]})
    fig = charts.schedule_timeline(sched, status, today=2025)
    marks = [t for t in fig.data if t.x[0] is not None]
    by_color = {}
    for t in marks:
        for x in t.x:
            by_color[(int(x), t.marker.symbol)] = t.marker.color
    assert by_color[(2027, "circle-cross")] == theme.AMBER  # status by shape too, for grayscale print
    assert by_color[(2028, "diamond-x")] == theme.RED
    assert by_color[(2020, "circle")] == theme.GREY
    assert by_color[(2026, "diamond")] == theme.MISSING  # no status given for 上高 学前: 缺数据, not dropped
    assert 2025 in _shapes_at(fig, "x")
    assert list(fig.layout.yaxis.ticktext) == ["上高", "宜丰"]  # earliest compulsory year first
    neutral = charts.schedule_timeline(sched, today=2025)
    assert {t.marker.color for t in neutral.data if t.x[0] is not None} == {theme.NEUTRAL}


def test_schedule_timeline_of_the_notice():
    from yichun.schedule import schedule

    fig = charts.schedule_timeline(schedule(), today=2026)
    points = sum(len(t.x) for t in fig.data if t.x[0] is not None)
    assert points == 20  # ten counties × two tracks
    assert "督导评估计划表" in _note(fig)


def test_tile_positions_are_roughly_geographic():
    from yichun.charts.tilemap import tile_positions

    pos = tile_positions()
    assert len(pos) == 10
    assert len(set(pos.values())) == 10
    col = {k: v[0] for k, v in pos.items()}
    row = {k: v[1] for k, v in pos.items()}
    assert col["铜鼓县"] == 0 and row["铜鼓县"] == 0  # north-west corner
    assert col["万载县"] == 0 and col["袁州区"] == 0 and row["袁州区"] > row["万载县"]  # west; 袁州 south-west
    assert col["靖安县"] > col["铜鼓县"] and row["靖安县"] == 0  # 靖安 north-east
    assert min(col["丰城市"], col["樟树市"]) >= col["高安市"] >= col["上高县"]  # 丰城、樟树 east
    assert row["樟树市"] > row["高安市"]


def test_tile_map_colours_and_missing():
    status = pd.DataFrame({"county": ["宜丰", "铜鼓县"], "status": ["达标", "未达标"]})
    fig = charts.tile_map(status)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 10
    fills = sorted(s.fillcolor for s in rects)
    assert fills.count(theme.MISSING) == 8
    assert theme.GREEN in fills
    assert theme.RED in fills
    assert [t.name for t in fig.data if t.showlegend] == ["达标", "未达标", "缺数据"]
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "<b>宜丰</b>" in texts
    assert "<b>靖安</b>" in texts
    both = charts.tile_map(pd.DataFrame({"county": ["宜丰县", "宜丰县"], "track": ["义务教育", "学前教育"], "status": ["有风险", "按期可达"]}))
    assert len([s for s in both.layout.shapes if s.type == "rect"]) == 20


# --- every chart: theme, Chinese title, source note, zero-based bars ---------------------------


def test_every_sample_chart_is_themed():
    from yichun.charts.demo import sample_figures

    figs = sample_figures()
    assert len(figs) >= 9
    for name, fig in figs.items():
        assert fig.layout.template.layout.font.family.startswith('"Noto Sans CJK SC"'), name
        assert fig.layout.title.text and any("\u4e00" <= ch <= "\u9fff" for ch in fig.layout.title.text), name
        assert _note(fig).startswith("来源："), name
        assert "标准：教督〔20" in _note(fig), name
        for trace in fig.data:
            if trace.type in ("bar", "waterfall"):
                axis = "xaxis" if trace.orientation == "h" else "yaxis"
                ref = (trace.xaxis if axis == "xaxis" else trace.yaxis) or axis[0]
                layout_axis = fig.layout[axis + ref[1:]]
                assert layout_axis.rangemode == "tozero" or (layout_axis.range and layout_axis.range[0] == 0), name


def test_missing_columns_are_a_user_error():
    with pytest.raises(YichunError, match="缺少列 limit"):
        charts.cv_bars(pd.DataFrame({"county": [], "year": [], "level": [], "indicator": [], "cv": []}), "宜丰县")


# --- export without a browser: one warning, nothing written, no crash ---------------------------


@pytest.mark.parametrize("browser", ["missing", "broken"])
def test_export_without_browser_warns_once(tmp_path, monkeypatch, browser):
    if browser == "missing":
        monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    else:
        fake = tmp_path / "chromium"
        fake.write_text("#!/bin/sh\nexit 1\n")
        fake.chmod(0o755)
        monkeypatch.setenv("BROWSER_PATH", str(fake))
    assert charts.chromium_available() is (browser == "broken")
    figs = {"a": charts.tile_map(pd.DataFrame({"county": ["宜丰县"], "status": ["达标"]})), "b": charts.tile_map(pd.DataFrame({"county": ["靖安县"], "status": ["未达标"]}))}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = charts.export(figs, tmp_path / "out", formats=("png", "svg"))
    assert out == []
    ours = [w for w in caught if issubclass(w.category, ExportSkippedWarning)]
    assert len(ours) == 1
    assert "chromium" in str(ours[0].message)
    assert "跳过 2 张图" in str(ours[0].message)
    leftovers = list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else []
    assert leftovers == []


def test_waterfall_whole_quantities_have_no_decimals():
    from yichun.charts import bill_waterfall

    bill = pd.DataFrame({"county": "宜丰县", "year": 2025, "category": ["网络多媒体教室", "校舍"],
                         "quantity": [6.0, 2.5], "unit": ["间", "㎡"], "cost_wan": [48.0, 10.0]})
    labels = list(bill_waterfall(bill, "宜丰县", 2025).data[0].x)
    assert ">6间<" in labels[0]
    assert ">2.5㎡<" in labels[1]
