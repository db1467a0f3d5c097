"""Charts that work on paper and slides: capped per-school bars, the met/thin/unmet heatmap, cut (not rounded) failing values.

Small hand-made frames; no browser needed. 小学 R4 standard 4.5 ㎡/生 (85% of it: 3.825).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yichun import charts
from yichun.charts import assessment as ca
from yichun.charts import format as fmt
from yichun.charts import theme, web
from yichun.charts._frames import ChartInputError


def _many_schools(n: int = 30) -> pd.DataFrame:
    # values 3.0, 3.1, … 5.9: the first 15 (3.0–4.4) are below the 4.5 standard
    values = [3.0 + 0.1 * i for i in range(n)]
    return pd.DataFrame({
        "county": ["宜丰县"] * n, "year": [2024] * n, "school_id": [str(i) for i in range(n)],
        "school_name": [f"宜丰县第{i + 1}小学" for i in range(n)], "level": ["小学"] * n,
        "students": [100.0] * n, "counted": [True] * n, "R4": values,
    })


def _bars(fig) -> list[str]:
    return [label for t in fig.data if t.type == "bar" for label in t.y]


# --- per-school bars -----------------------------------------------------------


def test_per_school_chart_shows_at_most_the_stated_number_lowest_first():
    fig = charts.school_distribution(_many_schools(), "R4", "小学", county="宜丰县", max_schools=5)
    shown = _bars(fig)
    assert len(shown) == 5
    # the five lowest (3.0–3.4), county prefix dropped from the labels; lowest at the top
    assert list(fig.layout.yaxis.categoryarray) == [f"第{i}小学" for i in (5, 4, 3, 2, 1)]
    sub = fig.layout.title.subtitle.text
    assert "30 所学校中 15 所未达到标准" in sub
    assert "另有 25 所未画出（其中 10 所低于标准）" in sub


def test_per_school_chart_default_cap_comes_from_the_theme_data():
    cap = theme.settings()["max_schools"]
    fig = charts.school_distribution(_many_schools(cap + 7), "R4", "小学", county="宜丰县")
    assert len(_bars(fig)) == cap


def test_per_school_title_states_the_finding():
    fig = charts.school_distribution(_many_schools(), "R4", "小学", county="宜丰县", max_schools=5)
    assert fig.layout.title.text.endswith("15 所学校低于标准")
    ok = _many_schools().assign(R4=lambda f: f["R4"] + 2.0)  # lowest 5.0 = 111.1% of 4.5
    title = charts.school_distribution(ok, "R4", "小学", county="宜丰县").layout.title.text
    assert "各校均达到标准，最低为标准的 111.1%" in title


def test_failing_bar_value_is_cut_not_rounded_up_to_the_standard():
    parts = _many_schools(3).assign(R4=[4.499, 4.6, 5.0])  # 4.499 fails 4.5; rounded to 2 decimals it would read 4.50
    fig = charts.school_distribution(parts, "R4", "小学", county="宜丰县")
    texts = [x for t in fig.data if t.type == "bar" for x in (t.text or ())]
    assert "4.49" in texts
    assert "4.50" not in texts


# --- formatting of failing values -------------------------------------------------


def test_failing_percentage_is_never_shown_as_100():
    assert fmt.pct(0.996, 0) == "100%"  # ordinary rounding …
    assert fmt.pct(0.996, 0, floor=True) == "99%"  # … but a failing value is cut
    assert fmt.pct_judged(0.996, False, 0) == "99%"
    assert fmt.pct_judged(0.9996, False, 1) == "99.9%"
    assert fmt.pct_judged(0.996, True, 0) == "100%"
    assert fmt.pct(0.29, 0, floor=True) == "29%"  # 0.29 * 100 = 28.999… in binary: not cut to 28%


def test_preschool_value_just_below_its_standard_is_not_shown_as_the_standard():
    ps = pd.DataFrame({"county": ["宜丰县", "靖安县"], "year": [2024, 2024], "indicator": ["P1", "P1"],
                       "value": [0.8496, 0.90], "standard": [0.85, 0.85]})
    fig = charts.preschool_bars(ps, 2024)
    text = list(fig.data[0].text)
    assert text[0] == "84.9%▼"  # rounding would say 85.0%, the standard itself
    assert text[1] == "90.0%"
    assert list(fig.data[0].marker.pattern.shape) == ["x", ""]  # readable in grayscale
    assert fig.layout.title.text.endswith("1个县(市、区)有指标低于标准")


def test_cv_breach_has_pattern_and_title_names_it():
    cv = pd.DataFrame({"county": ["靖安县"] * 2, "year": [2024] * 2, "level": ["小学"] * 2,
                       "indicator": ["R1", "R2"], "cv": [0.30, 0.55], "limit": [0.50, 0.50]})
    fig = charts.cv_bars(cv, "靖安", 2024)
    assert list(fig.data[0].marker.pattern.shape) == ["", "x"]
    assert fig.layout.title.text.endswith("小学R2差异系数超过限值")
    assert "红框" in fig.layout.title.subtitle.text
    assert list(fig.data[0].marker.line.color)[1] == theme.RED


# --- met / thin / unmet heatmap -----------------------------------------------------


def test_status_heatmap_one_verdict_per_cell():
    frame = pd.DataFrame({
        "county": ["宜丰县", "宜丰县", "靖安县", "靖安县"],
        "code": ["R1", "PG3", "R1", "PG3"],
        "status": ["达标", "未达标", "偏紧", "缺数据"],
    })
    fig = charts.status_heatmap(frame, title="t")
    hm = fig.data[0]
    kinds = {k: i for i, k in enumerate(ca.CELL_KINDS)}
    assert [list(r) for r in hm.z] == [[kinds["达标"], kinds["未达标"]], [kinds["偏紧"], kinds["缺数据"]]]
    assert hm.showscale is False
    # each kind its own colour band, and a symbol in every cell (grayscale)
    assert "○" in hm.text[0][0]
    assert "×" in hm.text[0][1]
    assert "△" in hm.text[1][0]
    assert "缺" in hm.text[1][1]
    legend = [t.name for t in fig.data[1:]]
    assert legend == ["○ 达标", "△ 偏紧（达标但余量小）", "× 未达标", "缺 缺数据"]


def test_status_heatmap_rejects_other_meanings():
    frame = pd.DataFrame({"county": ["宜丰县"], "code": ["R1"], "status": ["0.93"]})
    with pytest.raises(ChartInputError, match="status"):
        charts.status_heatmap(frame)


def test_status_heatmap_absent_cell_is_missing_not_met():
    frame = pd.DataFrame({"county": ["宜丰县", "靖安县"], "code": ["R1", "R2"], "status": ["达标", "达标"]})
    z = np.asarray(charts.status_heatmap(frame).data[0].z)
    assert z[0][1] == ca.CELL_KINDS.index("缺数据")
    assert z[1][0] == ca.CELL_KINDS.index("缺数据")


# --- web pages ------------------------------------------------------------------------


def test_page_config_is_chinese_with_a_trimmed_toolbar():
    import plotly.graph_objects as go

    html = web.figure_html(go.Figure(go.Bar(x=[1], y=[2])), "宜丰县_差异系数")
    assert "plotly.min.js" not in html and "<script src" not in html  # the page loads plotly.js once
    assert web.config("宜丰县_差异系数")["toImageButtonOptions"]["filename"] == "宜丰县_差异系数"
    assert '"locale": "zh-CN"' in html
    assert '"displaylogo": false' in html
    assert '"modeBarButtons": [["toImage", "resetScale2d"]]' in html


def test_zh_cn_locale_ships_offline_and_registers_itself(tmp_path):
    written = web.write_assets(tmp_path)
    assert [p.name for p in written] == ["plotly.min.js", "plotly-locale-zh-cn.js"]
    js = (tmp_path / "plotly-locale-zh-cn.js").read_text(encoding="utf-8")
    assert "name: 'zh-CN'" in js
    assert "Plotly.register(locale)" in js
    assert "'Download plot': '下载图表'" in js
    assert (tmp_path / "plotly.min.js").stat().st_size > 1_000_000
