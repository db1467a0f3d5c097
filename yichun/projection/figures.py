"""Figures of the projection that yichun.charts does not draw: the backtest scorecard.

`backtest_mape(bt)` — MAPE of enrolment by level and years ahead (bars);
`backtest_scatter(bt)` — projected against actual enrolment, one point per county, level, year.
Both use the yichun chart theme (yichun.charts.theme) and return plotly Figures.
"""

from __future__ import annotations

LEVEL_ORDER = ("小学", "初中", "幼儿园", "3—5岁人口")
SOURCE = "数据：各县(市、区)报送的县级指标采集工作簿；回测：以基年已知数据按出生队列法预测，与其后实际数据比较"


def backtest_mape(bt, title: str | None = None):
    """Bars: mean absolute percentage error per level, grouped by years ahead of the base year."""
    import plotly.graph_objects as go

    from yichun.charts import theme

    e = bt.enrolment.dropna(subset=["ape"])
    g = e.groupby(["level", "horizon"])["ape"].mean().reset_index()
    fig = go.Figure()
    for i, h in enumerate(sorted(g["horizon"].unique())):
        sub = g[g["horizon"] == h].set_index("level").reindex([lv for lv in LEVEL_ORDER if lv in set(g["level"])])
        fig.add_trace(go.Bar(x=list(sub.index), y=sub["ape"], name=f"提前 {h} 年", marker_color=theme.CATEGORICAL[i % len(theme.CATEGORICAL)],
                             text=[f"{v:.1%}" for v in sub["ape"]], textposition="outside",
                             hovertemplate="%{x} 提前" + str(h) + "年：%{y:.2%}<extra></extra>"))
    fig.update_yaxes(tickformat=".0%", title_text="平均绝对百分比误差（MAPE）", rangemode="tozero")
    fig.update_xaxes(title_text="学段")
    fig.update_layout(barmode="group")
    return theme.apply(fig, title=title or f"回测：以{bt.base_year}年为基年的在校(园)人数预测误差",
                       subtitle=f"各县(市、区)平均；{bt.base_year + 1}—{max(bt.years)}年实际数据", source=SOURCE)


def backtest_scatter(bt, title: str | None = None):
    """Points: projected (y) against actual (x) enrolment; the diagonal is a perfect forecast."""
    import plotly.graph_objects as go

    from yichun.charts import theme

    e = bt.enrolment.dropna(subset=["projected", "actual"])
    fig = go.Figure()
    for i, level in enumerate(lv for lv in LEVEL_ORDER if lv in set(e["level"])):
        sub = e[e["level"] == level]
        fig.add_trace(go.Scatter(x=sub["actual"], y=sub["projected"], mode="markers", name=level,
                                 marker={"size": 8, "color": theme.CATEGORICAL[i % len(theme.CATEGORICAL)]},
                                 customdata=list(zip(sub["county"], sub["year"], sub["ape"])),
                                 hovertemplate="%{customdata[0]} %{customdata[1]}年<br>实际 %{x:,.0f}，预测 %{y:,.0f}"
                                               "（误差 %{customdata[2]:.1%}）<extra></extra>"))
    top = float(max(e["actual"].max(), e["projected"].max())) * 1.05 if len(e) else 1.0
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", name="预测 = 实际",
                             line={"color": theme.MUTED_COLOR, "dash": "dot", "width": 1}, hoverinfo="skip"))
    fig.update_xaxes(title_text="实际人数", range=[0, top], tickformat=",d")
    fig.update_yaxes(title_text="预测人数", range=[0, top], tickformat=",d")
    return theme.apply(fig, title=title or f"回测：预测与实际在校(园)人数（基年{bt.base_year}年）",
                       subtitle="每点为一个县(市、区)一个学段一年；越靠近对角线越准", source=SOURCE)
