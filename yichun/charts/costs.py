"""Chart of a county's bill to compliance: a waterfall from the assessment's `bill` frame.

`bill_waterfall(assessment.bill, county="宜丰县", year=2024)`: one step per category
(largest first, quantity and unit under the label), the total as the last bar, in 万元
on an axis from zero. Categories that could not be priced are named in the subtitle.
"""

from __future__ import annotations

import pandas as pd

from yichun.charts import format as fmt
from yichun.charts import theme
from yichun.charts._frames import ChartInputError, nonempty, pick_year, require, short_name

CHART = "达标费用瀑布图"


def bill_waterfall(
    bill: pd.DataFrame,
    county: str | None = None,
    year: int | None = None,
    *,
    title: str | None = None,
    source: str | None = None,
):
    """The bill of one county-year as a waterfall: categories, then 合计 (万元)."""
    import plotly.graph_objects as go

    require(bill, ["category", "cost_wan"], CHART)
    data = bill
    if "county" in data.columns:
        present = list(dict.fromkeys(data["county"]))
        if county is None:
            if len(present) != 1:
                raise ChartInputError(f"{CHART}：数据含多个县(市、区)（{'、'.join(map(str, present))}），请用 county= 指定一个")
            county = present[0]
        else:
            from yichun.counties import normalize_county

            county = normalize_county(county)
            data = data[data["county"] == county]
    nonempty(data, CHART, f"没有{county or ''}的费用明细")
    data, year = pick_year(data, year, CHART)
    data = data.copy()
    data["cost_wan"] = data["cost_wan"].astype("float64")
    has_qty = "quantity" in data.columns and "unit" in data.columns
    if not has_qty:
        data["quantity"], data["unit"] = float("nan"), ""
    unpriced = data[data["cost_wan"].isna()]
    data = data[data["cost_wan"].notna()].groupby("category", sort=False, as_index=False).agg(
        cost_wan=("cost_wan", "sum"), quantity=("quantity", lambda s: s.sum(min_count=1)), unit=("unit", "first")
    )
    data = data.sort_values("cost_wan", ascending=False)
    # characters per tick-label line so neighbouring labels do not touch (~13 px a character)
    width = max(3, int((theme.WIDTH - 140) / (len(data) + 1) / 13) - 1)
    labels = [
        f"{_wrap(c, width)}<br><span style='font-size:11px;color:{theme.MUTED_COLOR}'>{fmt.num(q, 0 if abs(q) >= 10 or float(q).is_integer() else 1)}{u}</span>"
        if has_qty and q == q else _wrap(c, width)
        for c, q, u in zip(data["category"], data["quantity"], data["unit"])
    ]
    total = float(data["cost_wan"].sum())
    fig = go.Figure(
        go.Waterfall(
            x=labels + ["合计"],
            y=list(data["cost_wan"]) + [total],
            measure=["relative"] * len(data) + ["total"],
            text=[_money(v) for v in data["cost_wan"]] + [_money(total)],
            textposition="outside",
            cliponaxis=False,
            increasing={"marker": {"color": theme.OKABE_ITO["blue"]}},
            decreasing={"marker": {"color": theme.OKABE_ITO["sky_blue"]}},
            totals={"marker": {"color": "#555555"}},
            connector={"line": {"color": "#999999", "width": 1, "dash": "dot"}},
            hovertemplate="%{x}<br>%{y:,.1f} 万元<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_yaxes(rangemode="tozero", range=[0, max(total, 1.0) * 1.15], title_text="费用（万元）", tickformat=",")
    fig.update_xaxes(title_text="补短板项目（项目下方为需补充的数量）", showgrid=False, tickangle=0, tickfont={"size": 12})
    lines = max(lab.count("<br>") + 1 for lab in labels) if labels else 1
    fig.update_layout(margin={"b": 80 + 18 * lines})
    subtitle = f"合计约 {_money(total)}，按单位造价估算"
    if len(unpriced):
        subtitle += f"；未能估价：{'、'.join(map(str, unpriced['category']))}"
    name = short_name(county) if county else ""
    title = title or f"{name}{f'{year}年' if year else ''}达标所需投入"
    return theme.apply(fig, title=title, subtitle=subtitle, source=source or theme.default_source("costs"))


def _money(v: float) -> str:
    return fmt.money_wan(v, 0 if abs(v) >= 10 else 1)


def _wrap(text, width: int = 8) -> str:
    """Break a long category name into lines of `width` characters for a horizontal tick label."""
    s = str(text)
    if len(s) <= width:
        return s
    n_lines = -(-len(s) // width)
    step = -(-len(s) // n_lines)  # balanced lines: no single orphan character
    return "<br>".join(s[i : i + step] for i in range(0, len(s), step))
