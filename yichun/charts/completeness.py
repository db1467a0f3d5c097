"""The completeness heatmap of an intake (notebook 01): the share of expected cells filled per
county, year and sheet, worked out by `yichun.intake.summary.completeness`, drawn here in the
yichun chart theme (presentation lives above intake)."""

from __future__ import annotations

import numpy as np

from yichun.charts import theme
from yichun.intake.summary import TABLE_LABELS, completeness


def completeness_figure(inputs, *, title: str = "各县(市、区)报送数据的完整度"):
    """Heatmap of completeness: one panel per sheet, counties × years, share of expected cells filled."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    frame = completeness(inputs)
    tables = [t for t in TABLE_LABELS.values() if t in set(frame["table"])]
    fig = make_subplots(rows=1, cols=max(1, len(tables)), shared_yaxes=True, subplot_titles=tables, horizontal_spacing=0.03)
    counties = sorted(frame["county"].unique())
    years = sorted(frame["year"].unique())
    for k, table in enumerate(tables, start=1):
        wide = frame[frame["table"] == table].pivot_table(index="county", columns="year", values="share").reindex(index=counties, columns=years)
        z = wide.to_numpy()
        fig.add_trace(
            go.Heatmap(
                z=z, x=[str(y) for y in years], y=counties, zmin=0.9, zmax=1.0, colorscale="Blues",
                text=[[("—" if np.isnan(v) else f"{v:.1%}") for v in row] for row in z], texttemplate="%{text}",
                hovertemplate="%{y} %{x}年<br>" + table + "：%{text}<extra></extra>",
                colorbar={"title": {"text": "已填比例"}, "tickformat": ".0%"}, showscale=k == len(tables),
            ),
            row=1, col=k,
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="category")
    theme.apply(fig, title=title, subtitle="应填单元格中已填写的比例（不含学校没有的学段、没有专用教室时的最小面积）；颜色从 90% 起",
                source="来源：各县(市、区)报送的指标工作簿，yichun 导入校验")
    fig.update_layout(height=max(420, 40 * len(counties) + 200))
    return fig
