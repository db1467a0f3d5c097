"""The one chart theme of yichun: fonts, colours, the plotly template "yichun", source notes.

Every chart function builds its figure and calls `apply(fig, source=...)`. Nothing is
registered at import time: `template()` builds and registers the template on first use,
`use_theme()` also makes it plotly's default.

Colours: the categorical colorway is taken from the Okabe–Ito palette (colour-blind safe)
minus its green, orange and vermillion, which are reserved for status (red/amber/green
mean 达标/有风险/未达标 or 按期可达/有风险/难以按期, grey 已到期) and are used for nothing else.
"""

from __future__ import annotations

from functools import cache

from yichun._yaml import package_yaml

TEMPLATE_NAME = "yichun"

FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
FONT_SIZE = 13
TEXT_COLOR = "#222222"
MUTED_COLOR = "#555555"
GRID_COLOR = "#E3E3E3"

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
CATEGORICAL = (
    OKABE_ITO["blue"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    "#555555",
    OKABE_ITO["yellow"],
)

# Status colours (red / amber / green / grey): the only use of these hues.
GREEN = OKABE_ITO["bluish_green"]
AMBER = OKABE_ITO["orange"]
RED = OKABE_ITO["vermillion"]
GREY = "#9E9E9E"
MISSING = "#D9D9D9"
NEUTRAL = "#44546A"  # a mark that carries no status (e.g. the schedule without a status frame)

MET, AT_RISK, NOT_MET = "达标", "有风险", "未达标"
ON_TRACK, BEHIND, OVERDUE = "按期可达", "难以按期", "已到期"
NO_DATA = "缺数据"
STATUS_COLORS = {
    MET: GREEN,
    AT_RISK: AMBER,
    NOT_MET: RED,
    ON_TRACK: GREEN,
    BEHIND: RED,
    OVERDUE: GREY,
    NO_DATA: MISSING,
}
# Legend order: good first.
STATUS_ORDER = (MET, ON_TRACK, AT_RISK, NOT_MET, BEHIND, OVERDUE, NO_DATA)

# Ratio to standard (>1 good): colour-blind-safe diverging scale, orange (short) – white – blue.
DIVERGING = (
    (0.0, "#B35806"),
    (0.25, "#F1A340"),
    (0.5, "#F7F7F7"),
    (0.75, "#67A9CF"),
    (1.0, "#2166AC"),
)

PERCENT_TICKFORMAT = ".0%"
WIDTH, HEIGHT = 960, 560
MARGIN = {"l": 80, "r": 40, "t": 110, "b": 100}
SOURCE_NAME = "yichun_source_note"


NAMED_STATUS_COLORS = {"green": GREEN, "amber": AMBER, "red": RED, "grey": GREY, "missing": MISSING}


def status_color(status) -> str:
    """The colour of a status label (here, or chart_theme.yaml `status_colors`); anything unknown is drawn neutral."""
    s = str(status)
    if s in STATUS_COLORS:
        return STATUS_COLORS[s]
    return NAMED_STATUS_COLORS.get(str(settings().get("status_colors", {}).get(s)), NEUTRAL)


def status_order(statuses) -> list[str]:
    """Statuses present, in legend order (known ones first, then the rest as they come)."""
    present = list(dict.fromkeys(str(s) for s in statuses))
    known = (*STATUS_ORDER, *settings().get("status_colors", {}))
    return [s for s in known if s in present] + [s for s in present if s not in known]


@cache
def settings() -> dict:
    """Chart text kept as data: short indicator labels and default source notes."""
    return package_yaml("chart_theme.yaml")


def short_label(code: str) -> str:
    """A short Chinese label for an indicator code, e.g. R1 → 'R1 高学历教师'."""
    name = settings().get("short_names", {}).get(code)
    return f"{code} {name}" if name else code


def default_source(kind: str) -> str:
    """The default source note for a chart kind (compulsory, preschool, schedule, ...)."""
    notes = settings()["sources"]
    return notes.get(kind, notes["compulsory"])


@cache
def template():
    """The plotly template "yichun", registered in plotly.io.templates on first call."""
    import plotly.graph_objects as go
    import plotly.io as pio

    axis = {
        "showgrid": True,
        "gridcolor": GRID_COLOR,
        "zeroline": False,
        "showline": True,
        "linecolor": "#888888",
        "ticks": "outside",
        "tickcolor": "#888888",
        "title": {"standoff": 10, "font": {"size": FONT_SIZE}},
        "automargin": True,
    }
    tpl = go.layout.Template(
        layout={
            "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOR},
            "title": {"x": 0.0, "xref": "paper", "xanchor": "left", "y": 1.0, "yref": "container", "yanchor": "top", "pad": {"t": 14},
                      "font": {"size": 19}, "subtitle": {"font": {"size": 13, "color": MUTED_COLOR}}},
            "colorway": list(CATEGORICAL),
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            # x: fixed bottom margin so the source note (placed from margin.b) sits at the bottom edge
            "xaxis": {**axis, "automargin": False},
            "yaxis": axis,
            "legend": {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.01, "yanchor": "bottom", "font": {"size": 12}, "title": {"text": ""}},
            "hoverlabel": {"font": {"family": FONT_FAMILY}},
            "margin": MARGIN,
            "width": WIDTH,
            "height": HEIGHT,
            "separators": ".,",
        }
    )
    pio.templates[TEMPLATE_NAME] = tpl
    return tpl


def use_theme() -> None:
    """Make "yichun" plotly's default template (for figures built outside yichun.charts)."""
    import plotly.io as pio

    template()
    pio.templates.default = TEMPLATE_NAME


def apply(fig, *, source: str | None = None, title: str | None = None, subtitle: str | None = None):
    """Put the theme, the title and the source note on a figure; returns the figure."""
    fig.update_layout(template=template())
    if title is not None:
        fig.update_layout(title_text=title)
    if subtitle:
        fig.update_layout(title_subtitle_text=subtitle)
    if source is not None:
        add_source(fig, source)
    return fig


def add_source(fig, text: str):
    """The source note at the bottom left, below the axes (replaces an earlier note)."""
    keep = [a for a in fig.layout.annotations if a.name != SOURCE_NAME]
    fig.layout.annotations = keep
    margin_b = fig.layout.margin.b if fig.layout.margin.b is not None else MARGIN["b"]
    fig.add_annotation(
        name=SOURCE_NAME,
        text=text,
        xref="paper",
        yref="paper",
        x=0.0,
        y=0.0,
        xanchor="left",
        yanchor="bottom",
        yshift=-margin_b + 8,
        showarrow=False,
        align="left",
        font={"size": 11, "color": MUTED_COLOR},
    )
    return fig


def source_note(fig) -> str | None:
    """The source note text of a figure (None when it has none)."""
    for a in fig.layout.annotations:
        if a.name == SOURCE_NAME:
            return a.text
    return None


def percent_axis(axis: dict | None = None) -> dict:
    """Axis settings for fractions shown as percentages."""
    return {**(axis or {}), "tickformat": PERCENT_TICKFORMAT}


def legend_marker(fig, name: str, color: str, *, symbol: str = "square", size: int = 12, legendgroup: str | None = None, row=None, col=None):
    """A legend-only entry (an invisible point) for a colour or symbol key."""
    import plotly.graph_objects as go

    trace = go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"color": color, "symbol": symbol, "size": size},
        name=name,
        legendgroup=legendgroup or name,
        showlegend=True,
        hoverinfo="skip",
    )
    if row is not None:
        fig.add_trace(trace, row=row, col=col)
    else:
        fig.add_trace(trace)
    return fig
