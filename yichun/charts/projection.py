"""Charts of the projection: the fan of one projected indicator and the backtest scorecard.

`projection_fan(frame, standard=0.85, scheduled_year=2025, label="学前三年毛入园率", unit="%")`
with frame columns year | variant | value, variant one of actual/low/central/high (or
实际/低/中/高). The standard is a horizontal line, the scheduled assessment year a
vertical one; the subtitle states the projection in the scheduled year.

`backtest_mape(bt)` — MAPE of enrolment by level and years ahead (bars);
`backtest_scatter(bt)` — projected against actual enrolment, one point per county, level, year;
`bt` is a `yichun.projection.Backtest`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from yichun.charts import format as fmt
from yichun.charts import theme
from yichun.charts._frames import ChartInputError, nonempty, require
from yichun.projection.params import LEVELS

if TYPE_CHECKING:
    from yichun.projection.backtest import Backtest

VARIANTS = {"actual": "actual", "实际": "actual", "low": "low", "低": "low", "低方案": "low",
            "central": "central", "中": "central", "中方案": "central", "high": "high", "高": "high", "高方案": "high"}
CHART = "预测扇形图"
BAND_FILL = "rgba(86, 180, 233, 0.28)"  # Okabe–Ito sky blue, translucent


def _series(data: pd.DataFrame, variant: str) -> pd.Series:
    sub = data[data["variant"] == variant]
    return sub.groupby("year")["value"].last().sort_index()


def projection_fan(
    frame: pd.DataFrame,
    standard: float | None = None,
    scheduled_year: int | None = None,
    *,
    label: str = "指标值",
    unit: str = "",
    percent: bool | None = None,
    comparator: str = ">=",
    title: str | None = None,
    source: str | None = None,
):
    """Actual (solid), central projection (dashed), low–high band, standard and scheduled year."""
    import plotly.graph_objects as go

    require(frame, ["year", "variant", "value"], CHART)
    nonempty(frame, CHART, "数据表为空")
    data = frame[["year", "variant", "value"]].copy()
    unknown = sorted(set(map(str, data["variant"])) - set(VARIANTS))
    if unknown:
        raise ChartInputError(f"{CHART}：未知的方案「{'、'.join(unknown)}」（应为 actual/low/central/high 或 实际/低/中/高）")
    data["variant"] = data["variant"].map(lambda v: VARIANTS[str(v)])
    data["year"] = data["year"].astype(int)
    data["value"] = data["value"].astype("float64")
    percent = (unit == "%") if percent is None else percent

    actual = _series(data, "actual")
    low, central, high = (_series(data, v) for v in ("low", "central", "high"))
    if len(actual):
        # the fan starts from the last actual point
        last_year, last_value = actual.index[-1], actual.iloc[-1]
        low, central, high = (
            s if s.empty or s.index[0] <= last_year else pd.concat([pd.Series({last_year: last_value}), s])
            for s in (low, central, high)
        )
    hover_fmt = "%{y:.1%}" if percent else "%{y:,.2f}"
    fig = go.Figure()
    if len(low) and len(high):
        band = pd.concat([low.rename("low"), high.rename("high")], axis=1).dropna()
        fig.add_trace(go.Scatter(x=band.index, y=band["high"], mode="lines", line={"width": 0}, showlegend=False,
                                 name="高方案", hovertemplate="高方案 %{x}年：" + hover_fmt + "<extra></extra>"))
        fig.add_trace(go.Scatter(x=band.index, y=band["low"], mode="lines", line={"width": 0}, fill="tonexty",
                                 fillcolor=BAND_FILL, name="低—高方案区间", hovertemplate="低方案 %{x}年：" + hover_fmt + "<extra></extra>"))
    if len(central):
        fig.add_trace(go.Scatter(x=central.index, y=central.values, mode="lines+markers", name="中方案预测",
                                 line={"color": theme.OKABE_ITO["blue"], "width": 2.5, "dash": "dash"}, marker={"size": 6},
                                 hovertemplate="中方案 %{x}年：" + hover_fmt + "<extra></extra>"))
    if len(actual):
        fig.add_trace(go.Scatter(x=actual.index, y=actual.values, mode="lines+markers", name="实际",
                                 line={"color": theme.TEXT_COLOR, "width": 2.5}, marker={"size": 7},
                                 hovertemplate="实际 %{x}年：" + hover_fmt + "<extra></extra>"))

    shown = lambda v: fmt.pct(v, 1) if percent else fmt.value(v, unit)  # noqa: E731
    values = data["value"].to_numpy()
    lo, hi = np.nanmin(values), np.nanmax(values)
    if standard is not None:
        fig.add_hline(y=float(standard), line={"color": theme.TEXT_COLOR, "width": 1.5, "dash": "dot"})
        fig.add_annotation(x=0.0, xref="paper", xanchor="left", y=float(standard), yanchor="bottom",
                           text=f"标准 {'≤' if comparator in ('<=', '<') else '≥'} {shown(standard)}", showarrow=False, font={"size": 11})
        lo, hi = min(lo, standard), max(hi, standard)
    pad = (hi - lo) * 0.12 or abs(hi) * 0.1 or 1.0
    years = data["year"]
    if scheduled_year is not None:
        fig.add_vline(x=int(scheduled_year), line={"color": theme.MUTED_COLOR, "width": 1.5, "dash": "dash"})
        fig.add_annotation(x=int(scheduled_year), y=1.0, yref="paper", yanchor="bottom", text=f"计划评估 {int(scheduled_year)}年",
                           showarrow=False, font={"size": 12})
    x_lo = min(years.min(), scheduled_year or years.min()) - 0.5
    x_hi = max(years.max(), scheduled_year or years.max()) + 0.5
    fig.update_xaxes(range=[x_lo, x_hi], dtick=1 if x_hi - x_lo <= 16 else 2, tickformat="d", title_text="年份（统计年度）")
    yaxis = {"range": [lo - pad, hi + pad], "title_text": f"{label}（{'%' if percent else unit}）" if (percent or unit) else label}
    if percent:
        yaxis["tickformat"] = theme.PERCENT_TICKFORMAT
    fig.update_yaxes(**yaxis)
    fig.update_layout(legend={"traceorder": "reversed"})
    subtitle = _subtitle(actual, low, central, high, standard, scheduled_year, comparator, shown)
    title = title or f"{label}：实际与预测"
    return theme.apply(fig, title=title, subtitle=subtitle, source=source or theme.default_source("projection"))


def _subtitle(actual, low, central, high, standard, year, comparator, shown) -> str:
    if year is None:
        return "阴影为低、高方案之间的区间"
    if year in actual.index:
        return f"计划评估年 {year}年实际值 {shown(actual[year])}" + (f"（标准 {shown(standard)}）" if standard is not None else "")
    if year not in central.index:
        return f"预测未覆盖计划评估年 {year}年"
    text = f"计划评估年 {year}年：中方案 {shown(central[year])}"
    if year in low.index and year in high.index:
        text += f"，区间 {shown(min(low[year], high[year]))}—{shown(max(low[year], high[year]))}"
    if standard is not None:
        text += f"（标准 {shown(standard)}）"
    return text


# ------------------------------------------------------------------------------ backtest

BACKTEST_SOURCE = "数据：各县(市、区)报送的县级指标采集工作簿；回测：以基年已知数据按出生队列法预测，与其后实际数据比较"


def backtest_mape(bt: Backtest, title: str | None = None):
    """Bars: mean absolute percentage error per level, grouped by years ahead of the base year."""
    import plotly.graph_objects as go

    e = bt.enrolment.dropna(subset=["ape"])
    g = e.groupby(["level", "horizon"])["ape"].mean().reset_index()
    fig = go.Figure()
    for i, h in enumerate(sorted(g["horizon"].unique())):
        sub = g[g["horizon"] == h].set_index("level").reindex([lv for lv in LEVELS if lv in set(g["level"])])
        fig.add_trace(go.Bar(x=list(sub.index), y=sub["ape"], name=f"提前 {h} 年", marker_color=theme.CATEGORICAL[i % len(theme.CATEGORICAL)],
                             text=[f"{v:.1%}" for v in sub["ape"]], textposition="outside",
                             hovertemplate="%{x} 提前" + str(h) + "年：%{y:.2%}<extra></extra>"))
    fig.update_yaxes(tickformat=".0%", title_text="平均绝对百分比误差（MAPE）", rangemode="tozero")
    fig.update_xaxes(title_text="学段")
    fig.update_layout(barmode="group")
    return theme.apply(fig, title=title or f"回测：以{bt.base_year}年为基年的在校(园)人数预测误差",
                       subtitle=f"各县(市、区)平均；{bt.base_year + 1}—{max(bt.years)}年实际数据", source=BACKTEST_SOURCE)


def backtest_scatter(bt: Backtest, title: str | None = None):
    """Points: projected (y) against actual (x) enrolment; the diagonal is a perfect forecast."""
    import plotly.graph_objects as go

    e = bt.enrolment.dropna(subset=["projected", "actual"])
    fig = go.Figure()
    for i, level in enumerate(lv for lv in LEVELS if lv in set(e["level"])):
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
                       subtitle="每点为一个县(市、区)一个学段一年；越靠近对角线越准", source=BACKTEST_SOURCE)
