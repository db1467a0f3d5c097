"""Validation of the parsed tables: pandera schemas from the data dictionary, plus cross-field rules.

`schema(table)` builds a pandera DataFrameSchema from yichun/data/dictionary.yaml (required →
not nullable, counts and areas ≥ 0, counts whole numbers, enum values in the dictionary's
list). `validate(...)` runs it lazily over all files at once and adds the rules no single
column can express: duplicate ids within a county-year, teachers above headcount limits,
students in a level the school type does not have, 县级指标 answers of the wrong kind, and
year-on-year jumps (warnings). Every failure becomes a Problem with file, sheet, Excel row,
the header as seen in the workbook, the value as typed and a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from yichun.catalogue import catalogue
from yichun.dictionary import sheets
from yichun.errors import ERROR, WARNING, Problem
from yichun.intake.frames import DATA_TABLES
from yichun.intake.rules import nfkc, rules
from yichun.intake.values import cell_text

KEY_KINDS = {"school_id": "重复学校标识码", "kg_id": "重复园所标识码", "code": "重复指标代码", "birth_year": "重复出生年份", "township": "重复乡镇"}
OWN_YEAR_RULE = {"design_year"}  # year fields with a rule of their own (design_years), not the generic range
TYPE_LABEL = {"int": "整数", "float": "数值"}

# (smaller field, larger field, table): the first may never exceed the second
HEADCOUNT_LIMITS = [
    ("teachers_qualified_primary", "teachers_total", "schools"),
    ("teachers_qualified_junior", "teachers_total", "schools"),
    ("teachers_backbone_primary", "teachers_total", "schools"),
    ("teachers_backbone_junior", "teachers_total", "schools"),
    ("teachers_pe_arts_primary", "teachers_total", "schools"),
    ("teachers_pe_arts_junior", "teachers_total", "schools"),
    ("teachers_certified", "teachers_total", "schools"),
    ("teachers_certified", "teachers", "kindergartens"),
    ("teachers", "staff", "kindergartens"),
    ("oversized_classes", "classes", "kindergartens"),
]


def _integer(s: pd.Series) -> pd.Series:
    return s.isna() | (s % 1 == 0)


def _isin(values) -> pa.Check:
    """Membership, vectorised (pandera's own isin goes through the text column one value at a time)."""
    allowed = list(values)
    return pa.Check(lambda s: s.isin(allowed), name="isin")


@cache
def schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of one tidy table, generated from the data dictionary."""
    spec = sheets()[table]
    columns = {}
    for f in spec.fields:
        if table == "county_inputs" and f.field == "value":
            continue  # parsed into value/rating; checked by the county-input rules
        checks = []
        if f.type in ("int", "float") and not (table == "plans" and f.field == "quantity"):
            checks.append(pa.Check.ge(0, name="nonnegative"))
        if f.type == "int":
            checks.append(pa.Check(_integer, name="integer"))
        if f.type == "enum":
            checks.append(_isin(f.values))
        if f.type == "year" and f.field not in OWN_YEAR_RULE:
            checks.append(pa.Check.in_range(1950, 2100, name="year_range"))
        columns[f.field] = pa.Column(None, checks=checks, nullable=not f.required, required=False)
    if table == "county_inputs":
        columns["rating"] = pa.Column(None, _isin(rules().ratings), nullable=True, required=False)
    return pa.DataFrameSchema(columns, name=table, strict=False, coerce=False)


def _message(table: str, fname: str, check: str) -> tuple[str, str]:
    """(kind, message) for a failed schema check."""
    f = sheets()[table].field(fname) if fname != "rating" else None
    header = f.header if f else "数值"
    if check == "not_nullable":
        return "必填项缺失", f"必填项「{header}」为空；{f.help if f and f.help else '请填写'}。"
    if check == "nonnegative":
        return "负数", f"「{header}」不能为负数；应为 ≥ 0 的{TYPE_LABEL.get(f.type, '数值') if f else '数值'}。"
    if check == "integer":
        return "非整数", f"「{header}」应为整数（人数、班数、间数不能有小数）。"
    if check == "isin":
        allowed = list(f.values) if f else list(rules().ratings)
        return f"未知{header}", f"「{header}」不是可用的取值；应为 {'、'.join(allowed)} 之一。"
    if check == "year_range":
        return "年份无效", f"「{header}」应为 1950—2100 之间的四位年份。"
    return "校验未通过", f"「{header}」未通过检查 {check}。"


class Located:
    """Turns (table, row index, field) into a Problem with provenance, header as seen and value as typed."""

    def __init__(self, tables: dict[str, pd.DataFrame], typed, headers: pd.DataFrame):
        """`typed`: the cells as typed (yichun.intake.astyped.AsTyped: `value(table, i, field)`)."""
        self.tables, self.typed = tables, typed
        if headers.empty:
            self.seen: dict[tuple, str] = {}
            self.absent: set[tuple] = set()
            return
        keys = list(zip(headers["file"].tolist(), headers["sheet"].tolist(), headers["field"].tolist()))
        self.seen = dict(zip(keys, headers["seen"].tolist()))
        self.absent = {k for k, present in zip(keys, headers["present"].tolist()) if not present}

    def header(self, table: str, i, fname: str) -> str:
        row = self.tables[table].loc[i]
        return str(self.seen.get((row["source_file"], row["source_sheet"], fname), ""))

    def value(self, table: str, i, fname: str) -> str:
        """The cell as typed (a number cell's text is restored from its parsed value)."""
        v = self.typed.value(table, i, fname)
        if v is not None:
            return v
        w: Any = self.tables[table].at[i, fname]
        return "" if pd.isna(w) else cell_text(w)

    def problem(self, severity: str, kind: str, message: str, table: str, i, fname: str = "", value: str | None = None) -> Problem:
        row = self.tables[table].loc[i]
        year = row["year"]
        return Problem(
            severity, kind, message, row["source_file"], row["source_sheet"], int(row["source_row"]),
            self.header(table, i, fname) if fname else "", self.value(table, i, fname) if value is None and fname else (value or ""),
            row["county"] if isinstance(row["county"], str) else "", None if pd.isna(year) else int(year),
        )

    def is_absent(self, table: str, i, fname: str) -> bool:
        row = self.tables[table].loc[i]
        return (row["source_file"], row["source_sheet"], fname) in self.absent


def warm() -> None:
    """Build the schemas and let pandera register its backends (its first validation costs most of
    a second); `ingest` calls this while the workers parse."""
    for t in DATA_TABLES:
        schema(t)
    pa.DataFrameSchema({"x": pa.Column(float)}).validate(pd.DataFrame({"x": [0.0]}), lazy=True)


def run_schema(table: str, frame: pd.DataFrame, loc: Located, skip: set[tuple]) -> list[Problem]:
    """Schema failures of one table as problems; `skip` holds (file, sheet, row, header) already reported."""
    if frame.empty:
        return []
    try:
        schema(table).validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    out = []
    cases = cases[cases["index"].notna() & cases["column"].notna()]
    columns = schema(table).columns
    for case in cases.itertuples(index=False):
        i, fname, check = case.index, case.column, case.check
        if check != "not_nullable" and case.check_number is not None and not pd.isna(case.check_number):
            check = columns[fname].checks[int(case.check_number)].name  # builtin checks report their own text
        if check == "not_nullable" and loc.is_absent(table, i, fname):
            continue  # one 缺少必填列 problem was given for the whole sheet
        kind, message = _message(table, fname, check)
        p = loc.problem(ERROR, kind, message, table, i, fname)
        if (p.file, p.sheet, p.row, p.column) not in skip:
            out.append(p)
    return out


def duplicate_keys(table: str, frame: pd.DataFrame, loc: Located) -> list[Problem]:
    spec = sheets()[table]
    if not spec.key_fields or frame.empty:
        return []
    key = spec.key_fields[0]
    valid = frame[frame[key].notna()]
    dup = valid[valid.duplicated(["county", "year", key], keep=False)]
    out = []
    header = spec.field(key).header
    for (county, year, value), group in dup.groupby(["county", "year", key], sort=False):
        rows = group["source_row"].astype(int).tolist()
        files = sorted(set(group["source_file"]))
        where = f"第 {'、'.join(map(str, rows))} 行" if len(files) == 1 else "、".join(files)
        for i in group.index:
            message = f"「{header}」{value} 在 {county} {year} 年出现 {len(group)} 次（{where}），应唯一；这些行都未计入，请删除重复的行或改正{header}。"
            out.append(loc.problem(ERROR, KEY_KINDS.get(key, "重复记录"), message, table, i, key))
    return out


def headcount_limits(tables: dict[str, pd.DataFrame], loc: Located) -> list[Problem]:
    out = []
    for small, big, table in HEADCOUNT_LIMITS:
        frame = tables.get(table)
        if frame is None or frame.empty:
            continue
        bad = frame[small] > frame[big]  # NaN compares False: missing is reported elsewhere
        spec = sheets()[table]
        for i in frame.index[bad.to_numpy()]:
            a, b = float(frame.at[i, small]), float(frame.at[i, big])  # type: ignore[arg-type]  # numeric columns
            message = (
                f"「{spec.field(small).header}」({a:g}) 大于「{spec.field(big).header}」({b:g})；"
                f"前者是后者的一部分，不能更多。请核对这两项。"
            )
            out.append(loc.problem(ERROR, "人数超过上限", message, table, i, small))
    return out


def school_levels(frame: pd.DataFrame, loc: Located) -> list[Problem]:
    if frame is None or frame.empty:
        return []
    levels = catalogue().rules["school_type_levels"]
    out = []
    spec = sheets()["schools"]
    for f in spec.fields:
        if f.group != "在校生数" or not f.sub:
            continue
        allowed_types = [t for t, lv in levels.items() if f.sub in lv]
        bad = frame["school_type"].notna() & frame["school_type"].isin(list(levels)) & ~frame["school_type"].isin(allowed_types) & (frame[f.field] > 0)
        for i in frame.index[bad.to_numpy()]:
            t = str(frame.at[i, "school_type"])
            n = float(frame.at[i, f.field])  # type: ignore[arg-type]  # a numeric column
            message = f"办学类型为「{t}」的学校不应有{f.sub}在校生（填了 {n:g} 人）；{t}只有{'、'.join(levels[t])}阶段。请核对办学类型或在校生数。"
            out.append(loc.problem(ERROR, "学段与办学类型不符", message, "schools", i, f.field))
    return out


def county_input_kinds(frame: pd.DataFrame, loc: Located) -> list[Problem]:
    """Unknown codes (warning) and answers of the wrong kind (error) in 县级指标."""
    if frame is None or frame.empty:
        return []
    known = {r["code"]: r for r in catalogue().county_input_codes()}
    r = rules()
    words = (r.true_values | r.false_values) - {"0", "1"}
    out = []
    typed_column = frame["raw"].tolist()
    for i, code, value, rating, typed in zip(frame.index, frame["code"].tolist(), frame["value"].tolist(), frame["rating"].tolist(), typed_column):
        if not isinstance(code, str):
            continue
        if code not in known:
            out.append(loc.problem(WARNING, "未知指标代码", f"指标代码「{code}」不在标准目录中，本行不参与评估；请核对代码（模板已列出全部代码）。", "county_inputs", i, "code"))
            continue
        entry = known[code]
        has_rating = isinstance(rating, str)
        has_value = value == value  # not NaN
        typed = nfkc(typed) if isinstance(typed, str) else ""
        if entry["class"] == "B":
            if has_value and not has_rating:
                out.append(loc.problem(ERROR, "县级指标取值不符", f"指标 {code} 是 B 类评价指标，「数值」应填等级 优、良、中 或 差。", "county_inputs", i, "value"))
        elif "是" in entry["unit"] and "否" in entry["unit"]:
            if has_rating or (has_value and value not in (0.0, 1.0)):
                out.append(loc.problem(ERROR, "县级指标取值不符", f"指标 {code}（{entry['name']}）应填 是 或 否。", "county_inputs", i, "value"))
        elif has_rating or typed in words:
            out.append(loc.problem(ERROR, "县级指标取值不符", f"指标 {code}（{entry['name']}）应填数值（单位：{entry['unit']}），不是等级或是/否。", "county_inputs", i, "value"))
        elif has_value:
            problem = _county_number(code, entry, value, typed)
            if problem:
                out.append(loc.problem(ERROR, "县级指标取值不符", problem, "county_inputs", i, "value"))
    return out


def _county_kind(unit: str) -> str:
    """whole | share | number for a catalogue unit (intake_rules.yaml county_figures)."""
    r = rules()
    u = nfkc(unit or "")
    if u in r.county_whole_units:
        return "whole"
    if any(s in u for s in r.county_share_units):
        return "share"
    return "number"


def _county_number(code: str, entry: dict, value: float, typed: str) -> str | None:
    """The message for a numeric county figure outside what its unit allows, else None."""
    unit, name = entry["unit"], entry["name"]
    kind = _county_kind(unit)
    if kind == "whole":
        if typed.endswith("%"):
            return f"指标 {code}（{name}）应为{unit}数，是不小于 0 的整数，不是百分比；填写的是「{typed}」。"
        if value < 0 or value % 1 != 0:
            return f"指标 {code}（{name}）应为不小于 0 的整数（单位：{unit}）；填写的是「{typed}」。"
    elif kind == "share":
        if not 0 <= value <= 1:
            return f"指标 {code}（{name}）是百分比，应在 0—100% 之间（可写 96.5% 或 0.965）；填写的是「{typed}」。"
    elif value < 0:
        return f"指标 {code}（{name}）不能为负数（单位：{unit}）；填写的是「{typed}」。"
    return None


def county_year_on_year(frame: pd.DataFrame, loc: Located) -> list[Problem]:
    """Warnings for county figures that move implausibly between two consecutive years: a share
    by more than `share_points` percentage points, a count or amount by more than the factor."""
    if frame is None or frame.empty:
        return []
    known = {r["code"]: r for r in catalogue().county_input_codes()}
    r = rules()
    base = frame[frame["code"].isin(list(known)) & frame["value"].notna() & frame["year"].notna()]
    base = base[~base.duplicated(["county", "year", "code"], keep=False)]
    if base.empty:
        return []
    prev = base[["county", "year", "code", "value"]].copy()
    prev["year"] = prev["year"] + 1
    pairs = base[["county", "year", "code", "value"]].reset_index(names="idx").merge(prev, on=["county", "year", "code"], suffixes=("", "_prev"))
    out = []
    for row in pairs.itertuples(index=False):
        entry = known[row.code]
        if entry["class"] == "B" or ("是" in entry["unit"] and "否" in entry["unit"]):
            continue
        a, b = float(row.value_prev), float(row.value)  # type: ignore[arg-type]  # float64 columns
        y = int(row.year)  # type: ignore[arg-type]  # an integer column
        if _county_kind(entry["unit"]) == "share":
            if abs(b - a) * 100 <= r.county_share_points:
                continue
            message = (f"指标 {row.code}（{entry['name']}）从 {y - 1} 年的 {a * 100:g}% 变为 {y} 年的 {b * 100:g}%，"
                       f"变化超过 {r.county_share_points:g} 个百分点，常见原因是录入错误（如 0.965 写成 96.5 以外的数），请核对。")
            seen = f"{a * 100:g}% → {b * 100:g}%"
        else:
            hi, lo = max(a, b), min(a, b)
            if hi < r.jump_min_value or hi <= r.jump_factor * lo:
                continue
            message = (f"指标 {row.code}（{entry['name']}）从 {y - 1} 年的 {a:g} 变为 {y} 年的 {b:g}，变化超过 {r.jump_factor:g} 倍，"
                       "常见原因是录入错误或单位错误，请核对。")
            seen = f"{a:g} → {b:g}"
        out.append(loc.problem(WARNING, "年度变化异常", message, "county_inputs", row.idx, "value", seen))
    return out


def plan_references(plans: pd.DataFrame, schools: pd.DataFrame, loc: Located) -> list[Problem]:
    if plans is None or plans.empty:
        return []
    known = set(zip(schools["county"].tolist(), schools["school_id"].tolist())) if schools is not None and not schools.empty else set()
    out = []
    for i, county, sid in zip(plans.index, plans["county"].tolist(), plans["school_id"].tolist()):
        if isinstance(sid, str) and (county, sid) not in known:
            out.append(loc.problem(WARNING, "计划学校不存在", f"建设计划中的学校标识码「{sid}」在{county}的义务教育学校表中找不到；请核对标识码。", "plans", i, "school_id"))
    return out


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def design_years(frame: pd.DataFrame, loc: Located) -> list[Problem]:
    """规划设计年份: a whole year from rules().design_year_min up to the workbook's 统计年度 (error otherwise)."""
    if frame is None or frame.empty or "design_year" not in frame:
        return []
    low = rules().design_year_min
    header = sheets()["kindergartens"].field("design_year").header
    out = []
    for i, y, year in zip(frame.index, frame["design_year"].tolist(), frame["year"].tolist()):
        if y is None or y is pd.NA or pd.isna(year) or low <= int(y) <= int(year):
            continue
        typed = loc.value("kindergartens", i, "design_year")
        hint = ""
        m = _ISO_DATE.match(typed)
        if m:
            serial = (dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) - dt.date(1899, 12, 30)).days
            hint = f"单元格是日期 {m.group(0)}，若本意是年份 {serial}，请把单元格格式改为「常规」后重填四位年份；"
        message = (
            f"「{header}」{int(y)} 不在 {low}—{int(year)} 年之间（不能晚于统计年度 {int(year)}）；{hint}"
            f"应填园舍规划设计的四位年份，如 2018，不清楚请留空（按缺失处理）。"
        )
        out.append(loc.problem(ERROR, "规划设计年份无效", message, "kindergartens", i, "design_year"))
    return out


def township_references(kgs: pd.DataFrame, townships: pd.DataFrame, county_inputs: pd.DataFrame, loc: Located) -> list[Problem]:
    """Where a county-year has a 乡镇 sheet: kindergartens in a township it does not list, and a
    县级指标 乡镇数 (TOWNSHIPS) that disagrees with its count of 乡 and 镇 (warnings)."""
    if townships is None or townships.empty:
        return []
    listed: dict[tuple, set[str]] = {}
    towns: dict[tuple, set[str]] = {}
    for county, year, name, kind in zip(townships["county"].tolist(), townships["year"].tolist(), townships["township"].tolist(), townships["township_kind"].tolist()):
        if isinstance(name, str):
            listed.setdefault((county, year), set()).add(name)
            if kind in ("乡", "镇"):
                towns.setdefault((county, year), set()).add(name)
    out = []
    header = sheets()["kindergartens"].field("township").header
    if kgs is not None and not kgs.empty:
        for i, county, year, name in zip(kgs.index, kgs["county"].tolist(), kgs["year"].tolist(), kgs["township"].tolist()):
            names = listed.get((county, year))
            if names is None or not isinstance(name, str) or name in names:
                continue
            message = (
                f"「{header}」「{name}」不在{county} {int(year)} 年「乡镇」表列出的 {len(names)} 个乡镇(街道)中；"
                "请核对名称写法（两表应一致），或在「乡镇」表中补充该乡镇(街道)。"
            )
            out.append(loc.problem(WARNING, "乡镇不在乡镇表中", message, "kindergartens", i, "township"))
    if county_inputs is not None and not county_inputs.empty:
        rows = county_inputs[county_inputs["code"] == "TOWNSHIPS"]
        for i, county, year, value in zip(rows.index, rows["county"].tolist(), rows["year"].tolist(), rows["value"].tolist()):
            n = len(towns.get((county, year), ()))
            if (county, year) in listed and value == value and value != n:
                message = (
                    f"县级指标 TOWNSHIPS（乡镇数）为 {value:g}，但「乡镇」表列出 {n} 个乡、镇（街道不计）；请核对其中之一。"
                )
                out.append(loc.problem(WARNING, "乡镇数不符", message, "county_inputs", i, "value"))
    return out


def year_on_year(table: str, frame: pd.DataFrame, loc: Located) -> list[Problem]:
    """Warnings for numeric fields that move by more than the configured factor between consecutive years."""
    if frame is None or frame.empty:
        return []
    spec = sheets()[table]
    key = spec.key_fields[0]
    numeric = [f.field for f in spec.fields if f.type in ("int", "float")]
    r = rules()
    base = frame[frame[key].notna() & frame["year"].notna()]
    base = base[~base.duplicated(["county", "year", key], keep=False)]
    if base.empty:
        return []
    prev = base[["county", "year", key, *numeric]].copy()
    prev["year"] = prev["year"] + 1
    cur = base[["county", "year", key, *numeric]].reset_index(names="_i")
    pairs = cur.merge(prev, on=["county", "year", key], suffixes=("", "_prev"))
    out = []
    for fname in numeric:
        a, b = pairs[f"{fname}_prev"].to_numpy(dtype=float), pairs[fname].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            hi, lo = np.fmax(a, b), np.fmin(a, b)
            jump = ~np.isnan(a) & ~np.isnan(b) & (hi >= r.jump_min_value) & (hi > r.jump_factor * lo)
        header = spec.field(fname).header
        for k in np.flatnonzero(jump):
            i = pairs.at[k, "_i"]
            y = int(pairs.at[k, "year"])  # type: ignore[arg-type]  # an integer column
            ratio = f"{hi[k] / lo[k]:.1f} 倍" if lo[k] > 0 else "从 0 起"
            message = (
                f"「{header}」从 {y - 1} 年的 {a[k]:g} 变为 {y} 年的 {b[k]:g}（{ratio}），变化超过 {r.jump_factor:g} 倍，"
                "常见原因是录入错误或单位错误（如元与万元），请核对。"
            )
            out.append(loc.problem(WARNING, "年度变化异常", message, table, i, fname, f"{a[k]:g} → {b[k]:g}"))
    return out
