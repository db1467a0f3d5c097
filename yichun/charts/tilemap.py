"""Schematic tile map of the region's counties coloured by status (no outside map data).

Tile positions are hand-placed in the region pack's `tiles` (Yichun: yichun/data/regions/yichun.yaml;
col grows east, row grows south); a pack without them gets an automatic grid in the pack's order
(`auto_grid`), and a large grid (more than MAX_SIDE_BY_SIDE columns) stacks the tracks' panels with
smaller text, so that 100 units stay readable. `tile_map(status)` with columns county | status (and optionally track: one panel
per track when several are present). Counties absent from the frame are drawn as 缺数据.
With a `lapse_year` column (yichun.projection outlook), a county expected to stop meeting
the standards says so on its tile ("预计2027年回落") and gets a dashed border.
"""

from __future__ import annotations

import math

import pandas as pd

from yichun.charts import theme
from yichun.charts._frames import ChartInputError, county_order, require, short_name
from yichun.counties import normalize_county
from yichun.region import active_region

CHART = "县域状态示意图"
TILE = 0.92  # tile side, grid step 1
MAX_SIDE_BY_SIDE = 6  # wider grids put one track's panel under the other
STACKED_WIDTH = 1000  # px, a stacked figure (fits a portrait page)


def auto_grid(units: list[str]) -> dict[str, tuple[int, int]]:
    """Units in order, row by row, on a grid about 1.5 times as wide as it is high."""
    n = len(units)
    cols = max(1, min(n, math.ceil(math.sqrt(n * 1.5))))
    return {u: (k % cols, k // cols) for k, u in enumerate(units)}


def tile_positions() -> dict[str, tuple[int, int]]:
    """county → (col, row): the pack's hand-placed layout (checked on load to cover every unit once),
    else an automatic grid."""
    tiles = active_region().tiles
    return dict(tiles) if tiles is not None else auto_grid(county_order())


def _track_label(track) -> str:
    text = str(track)
    if text.startswith("义务教育"):
        return "义务教育优质均衡"
    if text.startswith("学前教育"):
        return "学前教育普及普惠"
    return text


def tile_map(
    status: pd.DataFrame,
    track: str | None = None,
    *,
    title: str = "各县(市、区)状态示意图",
    subtitle: str | None = None,
    source: str | None = None,
):
    """One square tile per unit (in rough geographic arrangement when the pack places them), coloured by status, with a legend."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    require(status, ["county", "status"], CHART)
    data = status.copy()
    data["county"] = data["county"].map(normalize_county)
    if "track" in data.columns:
        data["track"] = data["track"].map(_track_label)
        if track is not None:
            data = data[data["track"] == _track_label(track)]
        tracks = list(dict.fromkeys(data["track"]))
    else:
        data["track"] = _track_label(track) if track else ""
        tracks = [data["track"].iloc[0] if len(data) else ""]
    if not tracks:
        raise ChartInputError(f"{CHART}：没有「{track}」的状态数据")
    pos = tile_positions()
    placed = active_region().tiles is not None
    ncols = max(c for c, _ in pos.values()) + 1
    nrows = max(r for _, r in pos.values()) + 1
    stacked = ncols > MAX_SIDE_BY_SIDE  # a wide grid: one panel per row, smaller text
    titles = [t for t in tracks] if any(tracks) else None
    if stacked:
        fig = make_subplots(rows=len(tracks), cols=1, subplot_titles=titles, vertical_spacing=0.08 / len(tracks))
        tile_px = (STACKED_WIDTH - 120) / ncols
    else:
        fig = make_subplots(rows=1, cols=len(tracks), subplot_titles=titles, horizontal_spacing=0.06)
        tile_px = 110.0
    name_size = int(max(8, min(16, tile_px / 6.5)))
    note_size = int(max(7, min(11, tile_px / 9)))
    seen: list[str] = []
    for k, tr in enumerate(tracks, start=1):
        at = {"row": k, "col": 1} if stacked else {"row": 1, "col": k}
        rows = data[data["track"] == tr].drop_duplicates("county", keep="last").set_index("county")
        st = rows["status"]
        lapse = rows["lapse_year"] if "lapse_year" in rows else pd.Series(dtype=object)
        xs, ys, texts, hover = [], [], [], []
        for county in county_order():
            c, r = pos[county]
            label = st.get(county)
            label = theme.NO_DATA if label is None or pd.isna(label) else str(label)
            seen.append(label)
            fill = theme.status_color(label)
            ly = lapse.get(county)
            ly = None if ly is None or pd.isna(ly) else int(ly)
            border = {"color": theme.TEXT_COLOR, "width": 2, "dash": "dash"} if ly else {"color": "white", "width": 2}
            fig.add_shape(type="rect", x0=c - TILE / 2, x1=c + TILE / 2, y0=r - TILE / 2, y1=r + TILE / 2,
                          fillcolor=fill, line=border, layer="below", **at)
            color = theme.TEXT_COLOR if fill in (theme.AMBER, theme.GREY, theme.MISSING) else "white"
            xs.append(c)
            ys.append(r)
            note = f"<br><span style='font-size:{max(7, note_size - 1)}px'>预计{ly}年回落</span>" if ly else ""
            shown = label.replace("·", "<br>")  # 已过计划年份·达标 on two lines: it fits the tile
            texts.append(f"<b>{short_name(county)}</b><br><span style='font-size:{note_size}px'>{shown}</span>{note}")
            hover.append(f"{county}：{label}" + (f"，预计{ly}年回落" if ly else ""))
            fig.add_annotation(x=c, y=r, text=texts[-1], showarrow=False, font={"size": name_size, "color": color}, **at)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", marker={"size": min(40, tile_px * 0.4), "opacity": 0}, hovertext=hover,
                                 hoverinfo="text", showlegend=False), **at)
        fig.update_xaxes(range=[-0.55, ncols - 0.45], visible=False, **at)
        fig.update_yaxes(range=[nrows - 0.45, -0.55], visible=False, scaleanchor=f"x{'' if k == 1 else k}", scaleratio=1, **at)
    for label in theme.status_order(seen):
        theme.legend_marker(fig, label, theme.status_color(label), size=14)
    if stacked:
        fig.update_layout(width=STACKED_WIDTH, height=int(len(tracks) * (tile_px * nrows + 90) + 150),
                          legend={"y": 1.0 + 60 / (len(tracks) * (tile_px * nrows + 90))})
    else:
        fig.update_layout(width=max(700, 480 * len(tracks)), height=520, legend={"y": 1.08})
    note_text = "示意图：方块位置仅表示大致方位，非地图" if placed else "示意图：按区域配置中的顺序自动排列，不表示地理方位"
    fig.add_annotation(x=1.0, y=0.0, xref="paper", yref="paper", xanchor="right", yanchor="top", text=note_text,
                       showarrow=False, font={"size": 10, "color": theme.MUTED_COLOR}, yshift=-4)
    kinds = {"compulsory" if t.startswith("义务") else "preschool" if t.startswith("学前") else "both" for t in tracks}
    return theme.apply(fig, title=title, subtitle=subtitle, source=source or theme.default_source(kinds.pop() if len(kinds) == 1 else "both"))
