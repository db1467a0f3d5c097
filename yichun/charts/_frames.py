"""Checks and small selections on the frames the chart functions receive.

A frame without the columns a chart needs is a user error (YichunError, Chinese message
naming the chart and the missing columns), not a KeyError deep inside plotly.
"""

from __future__ import annotations

import pandas as pd

from yichun.counties import counties, normalize_county
from yichun.errors import YichunError


class ChartInputError(YichunError):
    """A frame handed to a chart function lacks columns or rows the chart needs."""


def require(frame: pd.DataFrame, columns, chart: str) -> pd.DataFrame:
    if frame is None or not isinstance(frame, pd.DataFrame):
        raise ChartInputError(f"{chart}：需要一个数据表（pandas DataFrame），收到的是 {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ChartInputError(
            f"{chart}：数据表缺少列 {'、'.join(missing)}（应有 {'、'.join(columns)}；现有 {'、'.join(map(str, frame.columns))}）"
        )
    return frame


def nonempty(frame: pd.DataFrame, chart: str, what: str) -> pd.DataFrame:
    if frame.empty:
        raise ChartInputError(f"{chart}：没有可画的数据（{what}）")
    return frame


def pick_year(frame: pd.DataFrame, year: int | None, chart: str) -> tuple[pd.DataFrame, int | None]:
    """Rows of one statistical year: the given one, else the latest in the frame."""
    if "year" not in frame.columns:
        return frame, year
    years = sorted({int(y) for y in frame["year"].dropna().unique()})
    if not years:
        return frame, year
    if year is None:
        year = years[-1]
    elif int(year) not in years:
        raise ChartInputError(f"{chart}：数据中没有 {year} 年（有：{'、'.join(map(str, years))}）")
    return frame[frame["year"] == int(year)], int(year)


def county_order() -> list[str]:
    """The ten counties in the order of their 行政区划代码."""
    return [c.name for c in counties()]


def short_name(county: str) -> str:
    """袁州区 → 袁州; names that are not one of the ten are returned unchanged."""
    shorts = {c.name: c.short for c in counties()}
    try:
        return shorts.get(normalize_county(county), str(county))
    except YichunError:
        return str(county)


def canonical(county: str) -> str:
    return normalize_county(county)


def sort_counties(names) -> list[str]:
    order = {n: i for i, n in enumerate(county_order())}
    return sorted(dict.fromkeys(names), key=lambda n: (order.get(n, len(order)), str(n)))
