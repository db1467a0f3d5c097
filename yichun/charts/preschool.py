"""Chart of the preschool 普及普惠 indicators P1–P3 by county (教督〔2020〕1号).

`preschool_bars(assessment.preschool, year)`: grouped bars per county (P1 毛入园率,
P2 普惠覆盖率, P3 公办在园占比) on a percent axis from zero, each indicator's standard as a
line in the bar's colour; a bar below its standard gets a red outline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.charts import format as fmt
from yichun.charts import theme
from yichun.charts._frames import nonempty, pick_year, require, short_name, sort_counties

P_CODES = ("P1", "P2", "P3")
CHART = "学前教育普及普惠指标图"


def preschool_bars(
    preschool: pd.DataFrame,
    year: int | None = None,
    *,
    title: str | None = None,
    source: str | None = None,
):
    """P1–P3 by county: grouped bars with standard lines, percent axis from 0."""
    import plotly.graph_objects as go

    require(preschool, ["county", "year", "indicator", "value", "standard"], CHART)
    data, year = pick_year(preschool, year, CHART)
    nonempty(data, CHART, f"{year}年没有数据")
    counties = sort_counties(data["county"])
    codes = [c for c in P_CODES if c in set(data["indicator"])] + sorted(set(data["indicator"]) - set(P_CODES))
    x = [short_name(c) for c in counties]
    fig = go.Figure()
    missing: list[str] = []
    below: list[str] = []
    ymax = 1.0
    for i, code in enumerate(codes):
        sub = data[data["indicator"] == code].drop_duplicates("county", keep="last").set_index("county").reindex(counties)
        values = sub["value"].astype("float64").to_numpy()
        standards = sub["standard"].astype("float64").to_numpy()
        short = values < standards  # NaN compares False: missing is listed separately
        missing += [f"{short_name(c)}{code}" for c, v in zip(counties, values) if v != v]
        below += [f"{short_name(c)}{code}" for c, s in zip(counties, short) if s]
        color = theme.CATEGORICAL[i % len(theme.CATEGORICAL)]
        fig.add_trace(
            go.Bar(
                x=x, y=values, name=theme.short_label(code),
                marker={"color": color, "line": {"color": [theme.RED if s else color for s in short], "width": [2.5 if s else 0 for s in short]},
                        "pattern": {"shape": ["x" if s else "" for s in short], "fgcolor": "white", "size": 6, "fillmode": "overlay"}},
                # a value below its standard is cut, never rounded up to it; ▼ marks it without colour
                text=[(fmt.pct(v, 1, floor=bool(s)) + ("▼" if s else "")) if v == v else theme.NO_DATA for v, s in zip(values, short)],
                textposition="outside", textangle=-90, textfont={"size": 10}, cliponaxis=False,
                customdata=np.column_stack([[fmt.pct(v, 1, floor=bool(s)) for v, s in zip(values, short)],
                                            [fmt.pct(t, 0) for t in standards]]),
                hovertemplate="%{x} " + theme.short_label(code) + "<br>%{customdata[0]}（标准 %{customdata[1]}）<extra></extra>",
            )
        )
        for std in np.unique(standards[~np.isnan(standards)]):
            fig.add_hline(y=float(std), layer="below", line={"color": color, "width": 1.5, "dash": ("solid", "dash", "dot")[i % 3]})
            fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=float(std), text=f"{code}标准 {fmt.pct(std, 0)}",
                               showarrow=False, font={"size": 11, "color": color})
        ymax = max(ymax, np.nanmax(values, initial=0))
    fig.update_yaxes(range=[0, ymax * 1.2], rangemode="tozero", tickformat=theme.PERCENT_TICKFORMAT, title_text="比例（%）")
    fig.update_xaxes(title_text="县(市、区)", showgrid=False)
    fig.update_layout(barmode="group", bargap=0.18, bargroupgap=0.05, margin={"r": 110}, uniformtext={"minsize": 10, "mode": "show"})
    parts = [f"低于标准：{'、'.join(below)}（红框、交叉线、数值后▼）" if below else "各县三项指标均达到标准"]
    if missing:
        parts.append(f"缺数据：{'、'.join(missing)}")
    n_below = len({b[:-2] for b in below})
    finding = f"{n_below}个县(市、区)有指标低于标准" if below else "各县(市、区)三项指标均达到标准"
    title = title or f"{year}年学前教育普及普惠水平：{finding}"
    return theme.apply(fig, title=title, subtitle="；".join(parts), source=source or theme.default_source("preschool"))
