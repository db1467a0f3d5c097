"""Chart of the assessment schedule: each county's scheduled year on two tracks, 2020–2029.

`schedule_timeline(yichun.schedule.schedule(), status=outlook)` marks the year each county
applies for 义务教育优质均衡 (circles) and 学前教育普及普惠 (diamonds), coloured by status
when a status frame (county, track, status) is given, with today's year and the 2030
deadline as vertical lines. With a `lapse_year` column, a county expected to stop meeting
the standards gets a hollow marker of its track at that year ("预计回落").
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from yichun.charts import theme
from yichun.charts._frames import ChartInputError, require, short_name
from yichun.region import DEFAULT_REGION, active_region, load_region
from yichun.schedule import COMPULSORY, PRESCHOOL, deadline, year_range

SYMBOLS = {COMPULSORY: "circle", PRESCHOOL: "diamond"}
# status also by shape (grayscale print): a cross for 有风险, an x for 难以按期
STATUS_MARKS = {theme.AT_RISK: "-cross", theme.BEHIND: "-x"}
OFFSETS = {COMPULSORY: -0.17, PRESCHOOL: 0.17}
CHART = "评估计划时间轴"


def track_key(track: str) -> str:
    """Map 义务教育 / 义务教育优质均衡(发展) and 学前教育 / 学前教育普及普惠 to the schedule's names."""
    text = str(track)
    if text.startswith("义务教育"):
        return COMPULSORY
    if text.startswith("学前教育"):
        return PRESCHOOL
    raise ChartInputError(f"{CHART}：未知的评估类别「{track}」（应为 义务教育… 或 学前教育…）")


def schedule_timeline(
    schedule: pd.DataFrame,
    status: pd.DataFrame | None = None,
    *,
    today: int | None = None,
    title: str = "各县(市、区)督导评估计划年份",
    source: str | None = None,
):
    """The schedule as a timeline: one row per county, one marker per track at its year."""
    import plotly.graph_objects as go

    require(schedule, ["county", "track", "year"], CHART)
    today = int(today if today is not None else _dt.date.today().year)
    frame = schedule[["county", "track", "year"]].copy()
    frame["track"] = frame["track"].map(track_key)
    frame["year"] = frame["year"].astype(int)
    if status is not None:
        require(status, ["county", "track", "status"], CHART)
        st = status[["county", "track", "status", *(["lapse_year"] if "lapse_year" in status else [])]].copy()
        st["track"] = st["track"].map(track_key)
        frame = frame.merge(st.drop_duplicates(["county", "track"], keep="last"), on=["county", "track"], how="left")
        frame["status"] = frame["status"].astype(object).where(frame["status"].notna(), theme.NO_DATA).astype(str)
    else:
        frame["status"] = ""

    wide = frame.pivot_table(index="county", columns="track", values="year", aggfunc="min")
    sort_cols = [c for c in (COMPULSORY, PRESCHOOL) if c in wide.columns]
    rows = list(wide.sort_values(sort_cols).index)
    ypos = {c: i for i, c in enumerate(rows)}
    frame["y"] = frame["county"].map(ypos) + frame["track"].map(OFFSETS)

    fig = go.Figure()
    statuses = theme.status_order(frame["status"]) if status is not None else [""]
    for track in (COMPULSORY, PRESCHOOL):
        for st_name in statuses:
            sub = frame[(frame["track"] == track) & (frame["status"] == st_name)]
            if sub.empty:
                continue
            color = theme.status_color(st_name) if status is not None else theme.NEUTRAL
            fig.add_trace(
                go.Scatter(
                    x=sub["year"],
                    y=sub["y"],
                    mode="markers",
                    marker={"symbol": SYMBOLS[track] + STATUS_MARKS.get(st_name, ""), "size": 17, "color": color,
                            "line": {"width": 1.5, "color": "white"}},
                    name=f"{track}·{st_name}" if st_name else track,
                    showlegend=False,
                    customdata=list(zip(sub["county"], sub["status"])),
                    hovertemplate=f"%{{customdata[0]}}<br>{track}：%{{x}}年<br>%{{customdata[1]}}<extra></extra>",
                )
            )
    if "lapse_year" in frame:
        lapsing = frame[frame["lapse_year"].notna()]
        for track in (COMPULSORY, PRESCHOOL):
            sub = lapsing[lapsing["track"] == track]
            if sub.empty:
                continue
            fig.add_trace(go.Scatter(x=sub["lapse_year"].astype(int), y=sub["y"], mode="markers", showlegend=False,
                                     marker={"symbol": f"{SYMBOLS[track]}-open", "size": 15, "color": theme.RED, "line": {"width": 2}},
                                     customdata=list(sub["county"]), name=f"{track}·预计回落",
                                     hovertemplate=f"%{{customdata}}<br>{track}：预计%{{x}}年回落<extra></extra>"))
        if len(lapsing):
            theme.legend_marker(fig, "预计回落（空心）", theme.RED, symbol="circle-open")
    # Legend: symbols for tracks (neutral), colours for statuses.
    for track in (COMPULSORY, PRESCHOOL):
        theme.legend_marker(fig, track, theme.NEUTRAL, symbol=SYMBOLS[track])
    if status is not None:
        for st_name in statuses:
            theme.legend_marker(fig, st_name, theme.status_color(st_name), symbol="square" + STATUS_MARKS.get(st_name, ""))

    first_year, last_year = year_range()
    due = deadline()
    lo = min(first_year, today) - 0.5
    hi = max(last_year, due, today) + 0.5
    fig.add_vline(x=today, line={"color": theme.TEXT_COLOR, "width": 1.5, "dash": "dash"})
    fig.add_annotation(x=today, y=1.0, yref="paper", yanchor="bottom", text=f"今年（{today}年）", showarrow=False, font={"size": 12})
    if today != due:
        fig.add_vline(x=due, line={"color": theme.MUTED_COLOR, "width": 1, "dash": "dot"})
        fig.add_annotation(x=due, y=1.0, yref="paper", yanchor="bottom", text=f"{due}年前全部通过", showarrow=False,
                           font={"size": 11, "color": theme.MUTED_COLOR}, xanchor="right")
    fig.update_xaxes(range=[lo, hi], dtick=1, tickformat="d", title_text="计划申报评估年份（年）", showgrid=True)
    fig.update_yaxes(
        tickvals=list(range(len(rows))),
        ticktext=[short_name(c) for c in rows],
        range=[len(rows) - 0.5, -0.5],
        title_text="县(市、区)",
        showgrid=True,
        zeroline=False,
    )
    fig.update_layout(height=max(620, 24 * len(rows) + 160), legend={"orientation": "v", "x": 1.02, "y": 1.0, "yanchor": "top"}, margin={"r": 170})
    subtitle = "圆点：义务教育优质均衡；菱形：学前教育普及普惠"
    subtitle += "；颜色表示按期通过的前景" if status is not None else ""
    return theme.apply(fig, title=title, subtitle=subtitle, source=source or _source())


def _source() -> str:
    """The theme's note for Yichun's schedule; another region's pack names its own schedule's source."""
    note = theme.default_source("schedule")
    region = active_region()
    if region.key == load_region(DEFAULT_REGION, fresh=False).key or not region.schedule_source:
        return note
    return f"来源：{region.schedule_source}" + (note[note.index("；"):] if "；" in note else "")
