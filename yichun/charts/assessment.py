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


def ratio_to_standard(value, standard, comparator: str | np.ndarray = ">=") -> np.ndarray:
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
    max_schools: int | None = None,
):
    """Each school's value of one indicator (dots by county) against the standard and its 85%.

    Dots at or above the standard are neutral; between 85% and 100% amber (有风险: one such
    indicator is allowed by the 6-of-7 rule); below 85% red (未达标). With `county` the chart is
    one bar per school, limited to the `max_schools` (chart_theme.yaml) lowest against the
    standard; the schools left out are counted in the subtitle. The title states the finding.
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
    from yichun.assessment.counts import counted_parts

    n_counted = counted_parts(data) if counted_only and "counted" in data.columns else len(data)  # the counts module's definition
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
    below = int((data["class"] != "达到标准").sum())
    left_out = ""
    if county is not None:
        limit = int(max_schools if max_schools is not None else theme.settings().get("max_schools", 20))
        data = data.sort_values("value", ascending=True, kind="stable")
        shown, rest = data.head(limit), data.iloc[limit:]
        if len(rest):
            rest_below = int((rest["class"] != "达到标准").sum())
            left_out = (f"；图中为最低的 {len(shown)} 所，另有 {len(rest)} 所未画出（"
                        + (f"其中 {rest_below} 所低于标准" if rest_below else f"均达到标准，最低 {fmt.value(rest['value'].min(), unit)}") + "）")
        shown.attrs.update(data.attrs)
        data = shown
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
    scope = "计入县域计算的 " if counted_only and "counted" in school_parts.columns else ""
    subtitle = f"{year}年 {level} · {scope}{n_counted} 所学校中 {below} 所未达到标准"
    if n_missing:
        subtitle += f"、{n_missing} 所缺数据（未画出）"
    subtitle += left_out
    where = short_name(county) if county else ""
    if below:
        finding = f"{below} 所学校低于标准"
    else:
        finding = f"各校均达到标准，最低为标准的 {fmt.pct(float(data['value'].min()) / standard, 1, floor=True)}" if standard else "各校均达到标准"
    title = title or f"{where}{level}{indicator}{name}：{finding}"
    return theme.apply(fig, title=title, subtitle=subtitle, source=source or theme.default_source("compulsory"))


_CLASS_COLORS = {"达到标准": theme.NEUTRAL, "有风险": theme.AMBER, "未达标": theme.RED}
_CLASS_PATTERNS = {"达到标准": "", "有风险": "/", "未达标": "x"}  # status readable in grayscale too


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
    county = str(data["county"].iloc[0]) if len(data) else ""
    # "丰城市东洲镇荷坪小学" → "东洲镇荷坪小学": the county is in the title already
    names = data["school_name"].astype(str).map(lambda n: n[len(county):] if county and n.startswith(county) and len(n) > len(county) + 1 else n)
    labels = _unique_labels(names)
    legend = _class_names(data.attrs["remainder"])
    fig = go.Figure()
    for cls in ("达到标准", "有风险", "未达标"):
        mask = (data["class"] == cls).to_numpy()
        sub = data[mask]
        fig.add_trace(
            go.Bar(
                y=[lab for lab, m in zip(labels, mask) if m], x=sub["value"], orientation="h",
                marker={"color": _CLASS_COLORS[cls], "opacity": 0.7 if cls == "达到标准" else 1.0,
                        "pattern": {"shape": _CLASS_PATTERNS[cls], "fgcolor": "white", "size": 6, "fillmode": "overlay"}},
                name=f"{legend[cls]}（{len(sub)}所）",
                customdata=np.column_stack([sub["students"].astype("float64"),
                                            [fmt.value(v, floor=cls != "达到标准") for v in sub["value"]]]) if len(sub) else None,
                hovertemplate="%{y}<br>" + f"{indicator}：" + "%{customdata[1]}" + f" {unit}<br>学生 " + "%{customdata[0]:,.0f} 人<extra></extra>",
                # the value at the end of each bar (a failing value cut, never rounded up to the standard)
                text=[fmt.value(v, floor=cls != "达到标准") for v in sub["value"]], textposition="outside", cliponaxis=False,
                textfont={"size": 10, "color": theme.MUTED_COLOR},
            )
        )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels[::-1], title_text="", showgrid=False,
                     tickfont={"size": 12})
    fig.update_xaxes(rangemode="tozero", title_text=axis_title, tickformat=",")
    height = max(480, 250 + 22 * len(labels))
    # legend placed in pixels below the title and subtitle (a paper-relative y drifts onto the subtitle in tall charts)
    fig.update_layout(barmode="overlay", bargap=0.25, height=height, margin={"t": 135}, showlegend=True,
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
                                                                                  "width": [3 if e else 0 for e in exceeded]},
                                                        "pattern": {"shape": ["x" if e else "" for e in exceeded], "fgcolor": "white", "size": 7, "fillmode": "overlay"}},
                text=[(fmt.ratio(v) + ("▲" if e else "")) if v == v else "无" for v, e in zip(values, exceeded)],
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
        parts.append(f"超过限值：{'、'.join(over)}（红框、交叉线、数值后▲）")
    else:
        parts.append("各项差异系数均未超过限值")
    if undefined:
        parts.append(f"学校不足两所、无法计算：{'、'.join(undefined)}")
    finding = f"{'、'.join(over)}差异系数超过限值" if over else "各项差异系数均在限值以内"
    title = title or f"{short_name(county)}{year}年资源配置校际差异系数：{finding}"
    return theme.apply(fig, title=title, subtitle="；".join(parts), source=source or theme.default_source("compulsory"))


# ----------------------------------------------------------------------------- met / thin / unmet

CELL_MET, CELL_THIN, CELL_UNMET, CELL_MISSING = "达标", "偏紧", "未达标", "缺数据"
CELL_KINDS = (CELL_MET, CELL_THIN, CELL_UNMET, CELL_MISSING)
# light for good news, dark for bad; a symbol in every cell so the picture reads in grayscale too
CELL_STYLE = {
    CELL_MET: ("#CFEBDD", "○", theme.TEXT_COLOR),
    CELL_THIN: (theme.AMBER, "△", theme.TEXT_COLOR),
    CELL_UNMET: (theme.RED, "×", "white"),
    CELL_MISSING: ("#F2F2F2", "缺", theme.MUTED_COLOR),
}


def status_heatmap(
    frame: pd.DataFrame,
    *,
    title: str = "各县(市、区)指标达标情况",
    subtitle: str | None = None,
    source: str | None = None,
    thin_note: str = "达标但余量小",
):
    """Counties × indicators, each cell ONE verdict: 达标 / 偏紧 / 未达标 / 缺数据 (colour and symbol).

    `frame`: county | code | status (one of CELL_KINDS) and optionally label (the column's tick
    text, default the code) and hover (the cell's hover text). Columns keep the frame's order.
    """
    import plotly.graph_objects as go

    chart = "县域指标达标情况图"
    require(frame, ["county", "code", "status"], chart)
    nonempty(frame, chart, "数据表为空")
    bad = sorted(set(map(str, frame["status"])) - set(CELL_KINDS))
    if bad:
        raise ChartInputError(f"{chart}：status 只能是 {'、'.join(CELL_KINDS)}，收到 {'、'.join(bad)}")
    data = frame.copy()
    if "label" not in data.columns:
        data["label"] = data["code"]
    if "hover" not in data.columns:
        data["hover"] = data["county"].astype(str) + " " + data["code"].astype(str) + "：" + data["status"].astype(str)
    counties = sort_counties(data["county"])
    codes = list(dict.fromkeys(data["code"]))
    labels = data.drop_duplicates("code").set_index("code")["label"].reindex(codes).tolist()
    cell = data.drop_duplicates(["county", "code"], keep="last").set_index(["county", "code"])
    kinds = {k: i for i, k in enumerate(CELL_KINDS)}
    z, text, hover = [], [], []
    for c in counties:
        zr, tr, hr = [], [], []
        for code in codes:
            if (c, code) in cell.index:
                st, hv = str(cell.at[(c, code), "status"]), str(cell.at[(c, code), "hover"])
            else:
                st, hv = CELL_MISSING, f"{c} {code}：缺数据"
            zr.append(kinds[st])
            fill, sym, color = CELL_STYLE[st]
            tr.append(f"<span style='color:{color}'>{sym}</span>")
            hr.append(hv)
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    n = len(CELL_KINDS)
    scale = []
    for i, k in enumerate(CELL_KINDS):  # a stepped colour scale: value i is exactly its kind's colour
        scale += [[i / n, CELL_STYLE[k][0]], [(i + 1) / n, CELL_STYLE[k][0]]]
    fig = go.Figure(go.Heatmap(
        z=z, x=labels, y=[short_name(c) for c in counties], text=text, texttemplate="%{text}", textfont={"size": 15},
        customdata=hover, hovertemplate="%{customdata}<extra></extra>", colorscale=scale, zmin=-0.5, zmax=n - 0.5,
        showscale=False, xgap=2, ygap=2,  # kind i sits in the middle of its colour band
    ))
    present = {CELL_KINDS[v] for row in z for v in row}
    for k in CELL_KINDS:
        if k not in present and k != CELL_MET:
            continue
        fill, sym, _ = CELL_STYLE[k]
        name = f"{sym} {k}" + (f"（{thin_note}）" if k == CELL_THIN else "")
        theme.legend_marker(fig, name, fill, size=14)
    fig.update_yaxes(autorange="reversed", title_text="", showgrid=False, showline=False, ticks="", tickfont={"size": 13})
    tick_lines = max(str(lab).count("<br>") + 1 for lab in labels)
    fig.update_xaxes(title_text="", showgrid=False, showline=False, ticks="", side="top", tickangle=0, tickfont={"size": 11})
    width = theme.WIDTH  # the page and slide width of every chart; narrow tables get wider cells
    height = int(200 + 34 * len(counties) + 16 * tick_lines)
    fig.update_layout(width=width, height=height, plot_bgcolor="white",
                      margin={"t": 150 + 16 * tick_lines, "b": 60, "l": 70, "r": 20},
                      legend={"yref": "container", "y": 1 - 78 / height, "yanchor": "top", "x": 0, "font": {"size": 12}})
    return theme.apply(fig, title=title, subtitle=subtitle, source=source or _default_source(codes))


__all__ = [
    "comparator_for",
    "county_ratio_frame",
    "cv_bars",
    "indicator_heatmap",
    "ratio_to_standard",
    "school_distribution",
    "status_heatmap",
]
