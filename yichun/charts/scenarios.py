"""Side-by-side comparison of what-if scenarios: status, pass year and bill per county.

`scenario_comparison(frame)` with frame columns scenario | county | status | pass_year |
cost_wan. Left panel: a tile per county and scenario coloured by status, the expected pass
year written on it; right panel: each county's bill (万元) per scenario, from zero.
"""

from __future__ import annotations

import pandas as pd

from yichun.charts import format as fmt
from yichun.charts import theme
from yichun.charts._frames import nonempty, require, short_name, sort_counties

CHART = "情景比较图"
DARK_TEXT_ON = {theme.AMBER, theme.GREY, theme.MISSING}


def text_color(fill: str) -> str:
    """Black or white text, whichever reads on a status fill."""
    return theme.TEXT_COLOR if fill in DARK_TEXT_ON else "white"


def _year_text(y) -> str:
    if pd.isna(y):
        return "—"
    return f"{int(y)}"


def scenario_comparison(
    frame: pd.DataFrame,
    *,
    title: str = "各情景下的按期达标前景与投入",
    source: str | None = None,
):
    """Status and pass year (tiles) next to the bill (bars) for each county and scenario."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    require(frame, ["scenario", "county", "status", "pass_year", "cost_wan"], CHART)
    nonempty(frame, CHART, "数据表为空")
    data = frame.copy()
    data["status"] = data["status"].astype(object).where(data["status"].notna(), theme.NO_DATA).astype(str)
    scenarios = list(dict.fromkeys(map(str, data["scenario"])))
    data["scenario"] = data["scenario"].astype(str)
    counties = sort_counties(data["county"])
    ylabels = {c: short_name(c) for c in counties}
    data["y"] = data["county"].map(ylabels)

    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.42, 0.58], horizontal_spacing=0.03,
                        subplot_titles=("状态（格内为预计达标年份）", "达标所需投入（万元）"))
    for st in theme.status_order(data["status"]):
        sub = data[data["status"] == st]
        fill = theme.status_color(st)
        fig.add_trace(
            go.Scatter(
                x=sub["scenario"], y=sub["y"], mode="markers+text",
                marker={"symbol": "square", "size": 34, "color": fill, "line": {"width": 1, "color": "white"}},
                text=[_year_text(v) for v in sub["pass_year"]], textfont={"size": 11, "color": text_color(fill)},
                name=st, legendgroup="status", legendgrouptitle_text="状态",
                customdata=list(zip(sub["county"], sub["status"], [_year_text(v) for v in sub["pass_year"]])),
                hovertemplate="%{customdata[0]} · %{x}<br>%{customdata[1]}，预计达标 %{customdata[2]}<extra></extra>",
            ),
            row=1, col=1,
        )
    # horizontal groups stack the first trace at the bottom: add in reverse, rank the legend forwards
    for i, sc in reversed(list(enumerate(scenarios))):
        sub = data[data["scenario"] == sc].set_index("county").reindex(counties)
        costs = sub["cost_wan"].astype("float64")
        fig.add_trace(
            go.Bar(
                y=[ylabels[c] for c in counties], x=costs, orientation="h", name=sc, legendgroup="scenario",
                legendgrouptitle_text="情景", marker={"color": theme.CATEGORICAL[i % len(theme.CATEGORICAL)]},
                legendrank=1000 + i,
                text=[fmt.num(v) if v == v else theme.NO_DATA for v in costs], textposition="outside",
                textfont={"size": 10}, cliponaxis=False,
                hovertemplate="%{y} · " + sc + "<br>%{x:,.1f} 万元<extra></extra>",
            ),
            row=1, col=2,
        )
    cmax = float(data["cost_wan"].astype("float64").max(skipna=True) or 0.0)
    fig.update_xaxes(row=1, col=1, type="category", categoryorder="array", categoryarray=scenarios, showgrid=False,
                     showline=False, ticks="", title_text="情景")
    fig.update_xaxes(row=1, col=2, rangemode="tozero", range=[0, max(cmax, 1.0) * 1.3], title_text="费用（万元）", tickformat=",")
    fig.update_yaxes(row=1, col=1, type="category", categoryorder="array", categoryarray=[ylabels[c] for c in counties][::-1],
                     showgrid=False, title_text="县(市、区)")
    fig.update_yaxes(row=1, col=2, showgrid=False)
    n_rows, n_sc = len(counties), len(scenarios)
    fig.update_layout(
        height=max(480, 200 + 44 * n_rows),
        width=max(960, 560 + 90 * n_sc),
        barmode="group",
        bargap=0.25,
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top", "groupclick": "toggleitem"},
        margin={"r": 150, "t": 120},
        uniformtext={"minsize": 10, "mode": "show"},
    )
    fig.update_annotations(font={"size": 13})
    return theme.apply(fig, title=title, subtitle="“—”表示预测期内未达标", source=source or theme.default_source("scenario"))
