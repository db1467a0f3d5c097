"""Fan chart of one projected indicator: actual series, central projection, low–high band.

`projection_fan(frame, standard=0.85, scheduled_year=2025, label="学前三年毛入园率", unit="%")`
with frame columns year | variant | value, variant one of actual/low/central/high (or
实际/低/中/高). The standard is a horizontal line, the scheduled assessment year a
vertical one; the subtitle states the projection in the scheduled year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.charts import format as fmt
from yichun.charts import theme
from yichun.charts._frames import ChartInputError, nonempty, require

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
