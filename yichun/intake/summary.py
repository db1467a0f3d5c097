"""Summaries of an intake for notebooks: problems by kind, data completeness per county and year.

- `counts_by_year(inputs)`: schools and kindergartens read per statistical year.
- `problem_summary(problems)`: one row per severity and kind: count, files, first example.
- `problems_view(problems)`: the problem records with Chinese column labels.
- `completeness(inputs)`: share of the expected cells that are filled, per county, year and
  table. Expected cells: every numeric, 是/否 and year field of a school or kindergarten, and
  its optional text fields (a kindergarten's 所在乡镇(街道)), except a
  level the school type does not have (a 小学's 初中 columns) and the fields that are empty
  by nature (intake_rules.yaml `empty_when_zero`: no music room, no smallest music room);
  for 县级指标, every code the standards catalogue asks for (a value or a rating).
- `completeness_table(inputs)`: the same as a county × year table per sheet (percent text).
  (The heatmap of it is `yichun.charts.completeness.completeness_figure`: intake does not draw.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.catalogue import catalogue
from yichun.dictionary import sheets
from yichun.errors import ERROR, WARNING
from yichun.intake.rules import rules

TABLE_LABELS = {"schools": "义务教育学校", "kindergartens": "幼儿园", "county_inputs": "县级指标"}
LEVEL_OF = {"小学": "小学", "初中": "初中", "高中": "高中"}


PROBLEM_LABELS = {"severity": "级别", "kind": "类别", "file": "文件", "sheet": "工作表", "row": "行号", "column": "列",
                  "value": "值", "message": "说明", "county": "县(市、区)", "year": "统计年度"}


def counts_by_year(inputs) -> pd.DataFrame:
    """统计年度 | 学校数 | 幼儿园数 | 县(市、区)数 of the clean tables."""
    frames = {"学校数": inputs.schools, "幼儿园数": inputs.kindergartens}
    out = pd.DataFrame({label: f.groupby("year").size() for label, f in frames.items() if f is not None and not f.empty})
    out["县(市、区)数"] = inputs.schools.groupby("year")["county"].nunique() if not inputs.schools.empty else 0
    out = out.fillna(0).astype(int)
    out.index.name = "统计年度"
    return out


def problems_view(problems: pd.DataFrame) -> pd.DataFrame:
    """The problem records with Chinese column labels, in a reading order."""
    return problems[list(PROBLEM_LABELS)].rename(columns=PROBLEM_LABELS)


def problem_summary(problems: pd.DataFrame) -> pd.DataFrame:
    """级别 | 类别 | 个数 | 文件数 | 示例, errors first, then by count."""
    cols = ["级别", "类别", "个数", "文件数", "示例"]
    if problems is None or problems.empty:
        return pd.DataFrame(columns=cols)
    order = {ERROR: 0, WARNING: 1}
    g = problems.groupby(["severity", "kind"], sort=False)
    out = pd.DataFrame({
        "个数": g.size(),
        "文件数": g["file"].nunique(),
        "示例": g["message"].first(),
    }).reset_index().rename(columns={"severity": "级别", "kind": "类别"})
    out["_o"] = out["级别"].map(order).fillna(9)
    return out.sort_values(["_o", "个数"], ascending=[True, False]).drop(columns="_o")[cols].reset_index(drop=True)


def _expected_filled(table: str, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row: (expected cells, filled cells) over the numeric and 是/否 fields."""
    spec = sheets()[table]
    levels = {k: set(v) for k, v in catalogue().rules["school_type_levels"].items()}
    expected = np.zeros(len(frame))
    filled = np.zeros(len(frame))
    for f in spec.fields:
        # numbers, 是/否, years and optional text an indicator reads (规划设计年份, 所在乡镇)
        if not (f.type in ("int", "float", "bool", "year") or (f.type == "text" and not f.required)) or f.field not in frame:
            continue
        applies = np.ones(len(frame), dtype=bool)
        if table == "schools" and f.sub in LEVEL_OF:
            applies = frame["school_type"].map(lambda t, lv=f.sub: t in levels and lv in levels[t]).to_numpy(dtype=bool)
        parent = rules().empty_when_zero.get(f.field)
        if parent in frame:
            applies &= ~(frame[parent].to_numpy(dtype=float, na_value=np.nan) == 0)
        present = frame[f.field].notna().to_numpy()
        expected += applies
        filled += applies & present
    return expected, filled


def completeness(inputs) -> pd.DataFrame:
    """county | year | table (Chinese sheet name) | expected | filled | share."""
    rows = []
    for table in ("schools", "kindergartens"):
        frame = getattr(inputs, table)
        if frame is None or frame.empty:
            continue
        expected, filled = _expected_filled(table, frame)
        part = pd.DataFrame({"county": frame["county"].to_numpy(), "year": frame["year"].to_numpy(), "expected": expected, "filled": filled})
        agg = part.groupby(["county", "year"], as_index=False)[["expected", "filled"]].sum()
        agg["table"] = TABLE_LABELS[table]
        rows.append(agg)
    ci = inputs.county_inputs
    if ci is not None and not ci.empty:
        codes = [e["code"] for e in catalogue().county_input_codes()]
        known = ci[ci["code"].isin(codes)]
        has = known["value"].notna() | known["rating"].notna()
        agg = known.assign(filled=has).groupby(["county", "year"], as_index=False)["filled"].sum()
        agg["expected"] = float(len(codes))
        agg["table"] = TABLE_LABELS["county_inputs"]
        rows.append(agg)
    if not rows:
        return pd.DataFrame(columns=["county", "year", "table", "expected", "filled", "share"])
    out = pd.concat(rows, ignore_index=True)
    out["filled"] = out["filled"].astype(float)
    out["share"] = out["filled"] / out["expected"].where(out["expected"] > 0)
    return out[["county", "year", "table", "expected", "filled", "share"]].sort_values(["table", "county", "year"]).reset_index(drop=True)


def completeness_table(inputs, digits: int = 1) -> pd.DataFrame:
    """Rows (表, 县(市、区)), columns years, cells like '99.2%'."""
    frame = completeness(inputs)
    if frame.empty:
        return pd.DataFrame()
    order = {t: k for k, t in enumerate(TABLE_LABELS.values())}
    wide = frame.pivot_table(index=["table", "county"], columns="year", values="share", aggfunc="first")
    wide = wide.iloc[sorted(range(len(wide)), key=lambda k: (order.get(wide.index[k][0], 9), wide.index[k][1]))]
    text = wide.map(lambda v: "—" if pd.isna(v) else f"{v * 100:.{digits}f}%")
    text.index.names = ["表", "县(市、区)"]
    text.columns = [f"{y}年" for y in text.columns]
    return text
