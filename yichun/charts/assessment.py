"""Charts of the compulsory-education assessment (教督〔2017〕6号) from the `Assessment` frames.

- `indicator_heatmap(frame)`: counties × indicators, each cell the ratio to standard
  (value ÷ standard; standard ÷ value for "≤" indicators such as 差异系数, so >100% is good).
  `county_ratio_frame(cv, ...)` builds its input from the cv (and preschool) frames.
- `school_distribution(school_parts, "R4", "小学")`: every counted school's value of one
  indicator against the standard and 85% of it; schools below are highlighted.
- `cv_bars(cv, county, year)`: 差异系数 of R1–R7 for 小学 and 初中 against the limits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.charts import format as fmt
from yichun.charts import theme
from yichun.charts._frames import ChartInputError, nonempty, pick_year, require, short_name, sort_counties
from yichun.errors import YichunError

R_CODES = ("R1", "R2", "R3", "R4", "R5", "R6", "R7")
LEVELS = ("小学", "初中")
RATIO_RANGE = (0.5, 1.5)
BARGAP = 0.25


def _catalogue(profile):
    from yichun.catalogue import catalogue

    return catalogue(profile)


def comparator_for(code: str, profile="national") -> str:
    """'>=' or '<=' for an indicator code; CV codes (差异系数) are '<='."""
    text = str(code)
    if text.upper().startswith("CV"):
        return "<="
    try:
        comp = _catalogue(profile)[text].comparator
    except (KeyError, YichunError):
        return ">="
    return comp if comp in ("<=", "<") else ">="


def ratio_to_standard(value, standard, comparator: str = ">=") -> np.ndarray:
    """value ÷ standard, or standard ÷ value for '≤' indicators: above 1 always means better."""
    v = np.asarray(value, dtype="float64")
    s = np.asarray(standard, dtype="float64")
    lower_is_better = np.isin(np.asarray(comparator, dtype=object), ["<=", "<"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(lower_is_better, s / v, v / s)
    return np.asarray(out, dtype="float64")


def county_ratio_frame(
    cv: pd.DataFrame,
    year: int | None = None,
    level: str = "小学",
    *,
    measure: str = "value",
    preschool: pd.DataFrame | None = None,
    profile="national",
) -> pd.DataFrame:
    """Input for `indicator_heatmap`: county | indicator | value | standard | comparator.

    measure="value": the county value X̄ of R1–R7 (cv frame's county_value) against the
    catalogue standard for `level`; measure="cv": each indicator's 差异系数 against its limit.
    With `preschool`, P1–P3 against their standards are appended.
    """
    chart = "县域指标热力图"
    require(cv, ["county", "year", "level", "indicator", "cv", "limit", "county_value"], chart)
    cv, year = pick_year(cv, year, chart)
    sub = cv[cv["level"] == level]
    if measure == "value":
        cat = _catalogue(profile)
        std = {code: cat[code].threshold(level) for code in R_CODES}
        out = pd.DataFrame({
            "county": sub["county"].to_numpy(),
            "indicator": sub["indicator"].to_numpy(),
            "value": sub["county_value"].to_numpy(dtype="float64"),
            "standard": sub["indicator"].map(std).to_numpy(dtype="float64"),
            "comparator": ">=",
        })
    elif measure == "cv":
        out = pd.DataFrame({
            "county": sub["county"].to_numpy(),
            "indicator": ("CV·" + sub["indicator"].astype(str)).to_numpy(),
            "value": sub["cv"].to_numpy(dtype="float64"),
            "standard": sub["limit"].to_numpy(dtype="float64"),
            "comparator": "<=",
        })
    else:
        raise ChartInputError(f"{chart}：measure 应为 value 或 cv，收到「{measure}」")
    if preschool is not None:
        require(preschool, ["county", "year", "indicator", "value", "standard"], chart)
        ps = preschool[preschool["year"] == year]
        out = pd.concat([out, pd.DataFrame({
            "county": ps["county"].to_numpy(), "indicator": ps["indicator"].to_numpy(),
            "value": ps["value"].to_numpy(dtype="float64"), "standard": ps["standard"].to_numpy(dtype="float64"),
            "comparator": ">=",
        })], ignore_index=True)
    out["year"] = year
    return out


def _label(code: str) -> str:
    text = str(code)
    if text.startswith("CV·"):
        return f"{theme.short_label(text[3:]).replace(' ', '<br>')}<br>差异系数"
    return theme.short_label(text).replace(" ", "<br>")


def _default_source(codes) -> str:
    codes = [str(c) for c in codes]
    pre = any(c.startswith("P") for c in codes)
    comp = any(not c.startswith("P") for c in codes)
    return theme.default_source("both" if pre and comp else "preschool" if pre else "compulsory")


def indicator_heatmap(
    frame: pd.DataFrame,
    *,
    title: str = "各县(市、区)指标达到标准的程度",
    subtitle: str | None = None,
    source: str | None = None,
    profile="national",
):
    """Counties × indicators, cell = ratio to standard (≥100% meets it), text as percent."""
    import plotly.graph_objects as go

    chart = "县域指标热力图"
    require(frame, ["county", "indicator", "value", "standard"], chart)
    nonempty(frame, chart, "数据表为空")
    data = frame.copy()
    if "comparator" not in data.columns:
        data["comparator"] = [comparator_for(c, profile) for c in data["indicator"]]
    data["ratio"] = ratio_to_standard(data["value"], data["standard"], data["comparator"].to_numpy())
    counties = sort_counties(data["county"])
    indicators = list(dict.fromkeys(data["indicator"]))
    z = data.pivot_table(index="county", columns="indicator", values="ratio", aggfunc="first", dropna=False)
    z = z.reindex(index=counties, columns=indicators)
    ratios = z.to_numpy(dtype="float64")
    text = [[_cell_text(r) for r in row] for row in ratios]
    lo, hi = RATIO_RANGE
    fig = go.Figure(
        go.Heatmap(
            z=np.clip(ratios, lo, hi),
            x=[_label(c) for c in indicators],
            y=[short_name(c) for c in counties],
            customdata=ratios,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            colorscale=[list(s) for s in theme.DIVERGING],
            zmin=lo,
            zmax=hi,
            zmid=1.0,
            xgap=2,
            ygap=2,
            hovertemplate="%{y} · %{x}<br>达到标准的 %{text}<extra></extra>",
            colorbar={
                "title": {"text": "达到标准<br>的比例", "side": "top"},
                "tickvals": [lo, 0.85, 1.0, 1.25, hi],
                "ticktext": [f"≤{fmt.pct(lo, 0)}", "85%", "100%", "125%", f"≥{fmt.pct(hi, 0)}"],
                "len": 0.8,
                "thickness": 14,
            },
        )
    )
    fig.update_yaxes(autorange="reversed", title_text="县(市、区)", showgrid=False, showline=False, ticks="")
    inverted = bool((data["comparator"].isin(["<=", "<"])).any())
    axis_note = "县域值 ÷ 标准" + ("；“≤”类指标（如差异系数）为 标准 ÷ 县域值" if inverted else "")
    fig.update_xaxes(title_text=f"指标（单元格：{axis_note}）", showgrid=False, showline=False,
                     ticks="", side="bottom", tickangle=0)
    tick_lines = max(_label(c).count("<br>") + 1 for c in indicators)
    fig.update_layout(plot_bgcolor=theme.MISSING, height=max(420, 190 + 40 * len(counties)) + 20 * tick_lines,
                      margin={"b": 80 + 20 * tick_lines})
    n_missing = int(np.isnan(ratios).sum())
    note = subtitle or "100%及以上为达到标准；橙色低于标准，蓝色高于标准"
    if n_missing:
        note += f"；灰色格 {n_missing} 个为缺数据"
    return theme.apply(fig, title=title, subtitle=note, source=source or _default_source(indicators))


def _cell_text(ratio: float) -> str:
    if ratio != ratio:
        return theme.NO_DATA
    if np.isinf(ratio) or ratio >= 10:
        return "≥1000%"
    return fmt.pct(ratio, 1)


def school_distribution(
    school_parts: pd.DataFrame,
    indicator: str = "R1",
    level: str = "小学",
    *,
    year: int | None = None,
    county: str | None = None,
    standard: float | None = None,
    counted_only: bool = True,
    title: str | None = None,
    source: str | None = None,
    profile="national",
):
    """Each school's value of one indicator (dots by county) against the standard and its 85%.

    Dots at or above the standard are neutral; between 85% and 100% amber (有风险: one such
    indicator is allowed by the 6-of-7 rule); below 85% red (未达标).
    """
    chart = "学校指标分布图"
    require(school_parts, ["county", "year", "school_name", "level", "students", indicator], chart)
    cat = _catalogue(profile)
    ind = cat[indicator]
    if standard is None:
        standard = ind.threshold(level)
    remainder = float(cat.rules.get("school_rule", {}).get("remainder_ratio", 0.85))
    data, year = pick_year(school_parts, year, chart)
    data = data[data["level"] == level]
    if counted_only and "counted" in data.columns:
        data = data[data["counted"].fillna(False).astype(bool)]
    if county is not None:
        from yichun.counties import normalize_county

        county = normalize_county(county)
        data = data[data["county"] == county]
    nonempty(data, chart, f"{year}年{level}{f' {county}' if county else ''}没有计入的学校")
    values = data[indicator].astype("float64")
    n_missing = int(values.isna().sum())
    data = data[values.notna()].copy()
    data["value"] = data[indicator].astype("float64")
    data["class"] = np.select(
        [data["value"] >= standard, data["value"] >= remainder * standard], ["达到标准", "有风险"], "未达标"
    )
    data.attrs["remainder"] = remainder
    unit = ind.unit
    name = ind.name if len(ind.name) <= 14 else theme.short_label(indicator).split(" ", 1)[-1]
    axis_title = f"{name}（{unit}）"
    fig = _school_bars(data, indicator, unit, axis_title) if county is not None else _school_strip(data, indicator, unit, axis_title)
    horizontal = county is not None
    cut = remainder * standard
    for y, label, dash in ((standard, f"标准 {fmt.value(standard, unit)}", "solid"), (cut, f"标准×{fmt.pct(remainder, 0)}", "dash")):
        line = {"color": theme.TEXT_COLOR, "width": 1.5 if dash == "solid" else 1, "dash": dash}
        if horizontal:
            fig.add_vline(x=y, line=line)
            fig.add_annotation(x=y, y=1.0, yref="paper", yanchor="bottom", xanchor="left" if dash == "solid" else "right",
                               text=label, showarrow=False, font={"size": 11})
        else:
            fig.add_hline(y=y, line=line)
            fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=y, text=label, showarrow=False, font={"size": 11})
    n = len(data)
    below = int((data["class"] != "达到标准").sum())
    subtitle = f"{year}年 {level} · 计入县域计算的 {n} 所学校中 {below} 所未达到标准"
    if n_missing:
        subtitle += f"；另有 {n_missing} 所缺数据，未画出"
    where = short_name(county) if county else ""
    title = title or f"{where}{level}{name}（{indicator}）：各校数值与标准"
    return theme.apply(fig, title=title, subtitle=subtitle, source=source or theme.default_source("compulsory"))


_CLASS_COLORS = {"达到标准": theme.NEUTRAL, "有风险": theme.AMBER, "未达标": theme.RED}


def _class_names(remainder: float) -> dict[str, str]:
    return {"达到标准": "达到标准", "有风险": f"达到标准的{fmt.pct(remainder, 0)}—100%", "未达标": f"低于标准的{fmt.pct(remainder, 0)}"}


def _school_strip(data: pd.DataFrame, indicator: str, unit: str, axis_title: str):
    """All counties: one column of jittered dots per county over a light box plot."""
    import plotly.graph_objects as go

    counties = sort_counties(data["county"])
    xpos = {c: i for i, c in enumerate(counties)}
    rng = np.random.default_rng(0)  # deterministic jitter: the same data always draws the same picture
    data = data.assign(x=data["county"].map(xpos) + rng.uniform(-0.28, 0.28, len(data)))
    fig = go.Figure()
    for c in counties:
        vals = data.loc[data["county"] == c, "value"]
        fig.add_trace(go.Box(x=np.full(len(vals), xpos[c]), y=vals, width=0.7, boxpoints=False, fillcolor="rgba(0,0,0,0)",
                             line={"color": "#B0B0B0", "width": 1}, showlegend=False, hoverinfo="skip"))
    names = _class_names(data.attrs["remainder"])
    for cls in ("达到标准", "有风险", "未达标"):
        sub = data[data["class"] == cls]
        fig.add_trace(
            go.Scatter(
                x=sub["x"], y=sub["value"], mode="markers",
                marker={"color": _CLASS_COLORS[cls], "size": 7 if cls == "达到标准" else 9,
                        "opacity": 0.55 if cls == "达到标准" else 0.95, "line": {"width": 0.5, "color": "white"}},
                name=f"{names[cls]}（{len(sub)}所）",
                customdata=np.column_stack([sub["county"], sub["school_name"], sub["students"].astype("float64")]) if len(sub) else None,
                hovertemplate="%{customdata[0]} %{customdata[1]}<br>" + f"{indicator}：" + "%{y:,.2f}" + f"{unit}<br>学生 " + "%{customdata[2]:,.0f} 人<extra></extra>",
            )
        )
    fig.update_xaxes(tickvals=list(range(len(counties))), ticktext=[short_name(c) for c in counties],
                     range=[-0.6, len(counties) - 0.4], title_text="县(市、区)", showgrid=False)
    fig.update_yaxes(rangemode="tozero", title_text=axis_title, tickformat=",")
    fig.update_layout(margin={"r": 130})
    return fig


def _school_bars(data: pd.DataFrame, indicator: str, unit: str, axis_title: str):
    """One county: a horizontal bar per school, lowest first, bars from zero."""
    import plotly.graph_objects as go

    data = data.sort_values("value", ascending=True)
    labels = _unique_labels(data["school_name"])
    names = _class_names(data.attrs["remainder"])
    fig = go.Figure()
    for cls in ("达到标准", "有风险", "未达标"):
        mask = (data["class"] == cls).to_numpy()
        sub = data[mask]
        fig.add_trace(
            go.Bar(
                y=[lab for lab, m in zip(labels, mask) if m], x=sub["value"], orientation="h",
                marker={"color": _CLASS_COLORS[cls], "opacity": 0.7 if cls == "达到标准" else 1.0},
                name=f"{names[cls]}（{len(sub)}所）",
                customdata=sub["students"].astype("float64"),
                hovertemplate="%{y}<br>" + f"{indicator}：" + "%{x:,.2f}" + f"{unit}<br>学生 " + "%{customdata:,.0f} 人<extra></extra>",
                # the value at the end of each bar: a zero-length bar still shows its 0
                text=[fmt.value(v) for v in sub["value"]], textposition="outside", cliponaxis=False,
                textfont={"size": 10, "color": theme.MUTED_COLOR},
            )
        )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels[::-1], title_text="", showgrid=False,
                     tickfont={"size": 11})
    fig.update_xaxes(rangemode="tozero", title_text=axis_title, tickformat=",")
    height = max(480, 250 + 17 * len(labels))
    # legend placed in pixels below the title and subtitle (a paper-relative y drifts onto the subtitle in tall charts)
    fig.update_layout(barmode="overlay", bargap=0.25, height=height, margin={"t": 135},
                      legend={"yref": "container", "y": 1 - 88 / height, "yanchor": "top"})
    return fig


def _unique_labels(names: pd.Series) -> list[str]:
    """School names as bar labels; a repeated name gets (2), (3)… so no bar is hidden."""
    seen: dict[str, int] = {}
    out = []
    for n in map(str, names):
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}（{seen[n]}）")
    return out


def cv_bars(
    cv: pd.DataFrame,
    county: str,
    year: int | None = None,
    *,
    title: str | None = None,
    source: str | None = None,
):
    """差异系数 of R1–R7 for 小学 and 初中 in one county-year, with each level's limit line."""
    import plotly.graph_objects as go

    chart = "差异系数图"
    require(cv, ["county", "year", "level", "indicator", "cv", "limit"], chart)
    from yichun.counties import normalize_county

    county = normalize_county(county)
    data = cv[cv["county"] == county]
    nonempty(data, chart, f"数据中没有{county}")
    data, year = pick_year(data, year, chart)
    indicators = [c for c in R_CODES if c in set(data["indicator"])] + sorted(set(data["indicator"]) - set(R_CODES))
    labels = [theme.short_label(c) for c in indicators]
    fig = go.Figure()
    undefined: list[str] = []
    over: list[str] = []
    levels = [lv for lv in LEVELS if lv in set(data["level"])]
    n_levels = len(levels)
    for i, level in enumerate(levels):
        sub = data[data["level"] == level].set_index("indicator").reindex(indicators)
        values = sub["cv"].astype("float64")
        limits = sub["limit"].astype("float64")
        exceeded = (values > limits).fillna(False).to_numpy()
        undefined += [f"{level}{c}" for c, v in zip(indicators, values) if v != v]
        group = 1 - BARGAP
        offset = -group / 2 + group / n_levels * (i + 0.5)
        for k, v in enumerate(values):
            if v != v:  # no bar: say why at its place rather than draw a zero
                fig.add_annotation(x=k + offset, y=0, yanchor="bottom", text="不足<br>两校", showarrow=False,
                                   font={"size": 10, "color": theme.MUTED_COLOR})
        over += [f"{level}{c}" for c, e in zip(indicators, exceeded) if e]
        color = theme.CATEGORICAL[i]
        fig.add_trace(
            go.Bar(
                x=labels, y=values, name=level, marker={"color": color, "line": {"color": [theme.RED if e else color for e in exceeded],
                                                                                  "width": [3 if e else 0 for e in exceeded]}},
                text=[fmt.ratio(v) if v == v else "无" for v in values],
                textposition="outside",
                textfont={"color": [theme.RED if e else theme.TEXT_COLOR for e in exceeded]},
                cliponaxis=False,
                hovertemplate=f"{level} " + "%{x}<br>差异系数 %{y:.3f}<extra></extra>",
            )
        )
        limit = limits.dropna().unique()
        for lim in limit:
            fig.add_hline(y=float(lim), line={"color": color, "width": 1.5, "dash": "dash" if i else "solid"})
            fig.add_annotation(x=1.0, xref="paper", xanchor="left", y=float(lim), yshift=6 if i == 0 else -6,
                               text=f"{level}限值 {fmt.ratio(lim)}", showarrow=False, font={"size": 11, "color": color})
    top = np.nanmax([np.nanmax(data["cv"].astype("float64").to_numpy(), initial=0), np.nanmax(data["limit"].astype("float64"), initial=0)])
    fig.update_yaxes(range=[0, max(top * 1.18, 0.1)], rangemode="tozero", title_text="差异系数（无单位）", tickformat=".2f")
    fig.update_xaxes(title_text="资源配置指标", showgrid=False, tickangle=0)
    fig.update_layout(barmode="group", bargap=BARGAP, margin={"r": 110})
    parts = []
    if over:
        parts.append(f"超过限值：{'、'.join(over)}（红框）")
    else:
        parts.append("各项差异系数均未超过限值")
    if undefined:
        parts.append(f"学校不足两所、无法计算：{'、'.join(undefined)}")
    title = title or f"{short_name(county)}{year}年资源配置校际差异系数"
    return theme.apply(fig, title=title, subtitle="；".join(parts), source=source or theme.default_source("compulsory"))


__all__ = [
    "comparator_for",
    "county_ratio_frame",
    "cv_bars",
    "indicator_heatmap",
    "ratio_to_standard",
    "school_distribution",
]
