"""Dressing the simulated truth up as county workbooks, messy the way real ones are.

`Mess` holds the habits of one file (title rows, units row, two-row headers, 合计 row,
synonym headers, numbers as text, …), drawn deterministically per county and year;
`workbook_bytes` renders one county-year to byte-stable .xlsx bytes (fixed document
dates and zip timestamps), so the same call always gives the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import zipfile
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from yichun.dictionary import Sheet, dictionary, sheets
from yichun.sample import scenario as sc
from yichun.sample.model import CountyData, YearData, story

MARKER = "yichun 合成样例数据（非真实数据）"
ZIP_DATE = (2025, 1, 1, 0, 0, 0)
_FULLWIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


@dataclass(frozen=True)
class Mess:
    """One file's habits. `Mess.clean()` is a tidy template-like workbook."""

    title_rows: int = 0
    units_row: bool = False
    two_row_header: bool = False
    blank_rows: bool = False
    total_row: bool = False
    footer: bool = False
    sheet_suffix: bool = False
    synonyms: bool = False
    text_numbers: float = 0.0  # share of numeric cells written as text
    thousands: bool = False
    fullwidth: bool = False
    stray_spaces: bool = False
    missing: str = ""  # how a genuinely missing optional value is written
    percent_text: bool = False
    county_variant: str = ""
    yuan: bool = False
    numeric_ids: bool = False
    year_text: bool = False

    @classmethod
    def clean(cls) -> Mess:
        return cls()

    @classmethod
    def draw(cls, county: str, year: int, rng: np.random.Generator, story: str | None = None) -> Mess:
        """The habits of one file; `story` names the scenario.PROFILES entry the unit follows (default: its name)."""
        profile = sc.PROFILES[story or county]
        variants = sc.COUNTY_NAME_VARIANTS.get(county, ())
        text_share = float(rng.choice([0.0, 0.0, 0.05, 0.15, 0.3]))
        return cls(
            title_rows=int(rng.choice([0, 1, 1, 2])),
            units_row=bool(rng.random() < 0.3),
            two_row_header=bool(rng.random() < 0.35),
            blank_rows=bool(rng.random() < 0.35),
            total_row=bool(rng.random() < 0.45),
            footer=bool(rng.random() < 0.5),
            sheet_suffix=bool(rng.random() < 0.35),
            synonyms=bool(rng.random() < 0.35),
            text_numbers=text_share,
            thousands=bool(text_share > 0 and rng.random() < 0.6),
            fullwidth=bool(text_share > 0 and rng.random() < 0.3),
            stray_spaces=bool(rng.random() < 0.4),
            missing=str(rng.choice(["", "", "—", "/", "无", "-"])),
            percent_text=bool(rng.random() < 0.5),
            county_variant=str(variants[year % len(variants)]) if variants and rng.random() < 0.7 else "",
            yuan=profile.yuan_equipment,
            numeric_ids=(county, year) == sc.NUMERIC_ID_FILE,
            year_text=bool(rng.random() < 0.15),
        )


# --------------------------------------------------------------------------- cell rendering

class _Cells:
    """Turns true values into what a county clerk would have typed."""

    def __init__(self, mess: Mess, rng: np.random.Generator):
        self.mess = mess
        self.rng = rng

    def text(self, value: str) -> str:
        if self.mess.stray_spaces and self.rng.random() < 0.08:
            return value + " " if self.rng.random() < 0.5 else " " + value
        return value

    def number(self, value, digits: int = 0):
        """A number as a number, or (sometimes) as the text a clerk typed."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.mess.missing or None
        v = round(float(value), digits)
        v = int(v) if v == int(v) else v
        m = self.mess
        if m.text_numbers and self.rng.random() < m.text_numbers:
            text = f"{v:,}" if m.thousands and abs(v) >= 1000 else str(v)
            if m.fullwidth and self.rng.random() < 0.04:
                text = text.translate(_FULLWIDTH)
            if m.stray_spaces and self.rng.random() < 0.1:
                text = f" {text} "
            return text
        return v

    def year(self, value):
        """A year as a number, or as text (`2015`, sometimes `2015年` in files that write years so)."""
        v = int(value)
        if self.mess.year_text and self.rng.random() < 0.3:
            return f"{v}年"
        if self.mess.text_numbers and self.rng.random() < self.mess.text_numbers:
            return str(v)
        return v


def _plain(value, digits=0):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    v = round(float(value), digits)
    return int(v) if v == int(v) else v


# --------------------------------------------------------------------------- table layout

@dataclass
class _Table:
    """A rendered table sheet: header rows, data rows, merged ranges."""

    title: list[str]
    header: list[list]  # one or two header rows (None where merged)
    merges: list[tuple[int, int, int, int]]  # (row0, col0, row1, col1) relative to header top, 0-based
    units: list[str] | None
    rows: list[list]
    total: list | None
    footer: list[str]


def _header_text(field, mess: Mess, rng, with_unit: bool) -> str:
    header = field.header
    if mess.synonyms and field.synonyms and rng.random() < 0.35:
        header = str(rng.choice(list(field.synonyms)))
    unit = field.unit
    if field.money and mess.yuan:
        unit = "元"
    if mess.stray_spaces and rng.random() < 0.1:
        header = header[:2] + " " + header[2:]
    if (with_unit or (field.money and mess.yuan)) and unit:
        return f"{header}({unit})"
    return header


def _layout(sheet: Sheet, mess: Mess, rng, fields: list) -> tuple[list[list], list, list[str] | None]:
    with_unit = not mess.units_row
    units = [("元" if (f.money and mess.yuan) else f.unit) for f in fields] if mess.units_row else None
    if not (mess.two_row_header and any(f.group for f in fields)):
        return [[_header_text(f, mess, rng, with_unit) for f in fields]], [], units
    top: list = []
    bottom: list = []
    merges: list = []
    k = 0
    while k < len(fields):
        f = fields[k]
        if not f.group:
            top.append(_header_text(f, mess, rng, with_unit))
            bottom.append(None)
            merges.append((0, k, 1, k))
            k += 1
            continue
        j = k
        while j < len(fields) and fields[j].group == f.group:
            j += 1
        unit = f.unit if with_unit and f.unit else ""
        top.extend([f"{f.group}({unit})" if unit else f.group] + [None] * (j - k - 1))
        bottom.extend(fld.sub for fld in fields[k:j])
        if j - k > 1:
            merges.append((0, k, 0, j - 1))
        k = j
    return [top, bottom], merges, units


def _table(sheet: Sheet, frame: pd.DataFrame, mess: Mess, rng, title: str, footer: list[str],
           id_fields: tuple[str, ...] = ()) -> _Table:
    fields = list(sheet.fields)
    header, merges, units = _layout(sheet, mess, rng, fields)
    cells = _Cells(mess, rng)
    bools = dictionary()["bool_values"]  # YAML reads the keys true/false as booleans
    yes_no = (str(bools.get(True, bools.get("true"))[0]), str(bools.get(False, bools.get("false"))[0]))
    bool_false = {str(v) for v in bools.get(False, bools.get("false", []))}
    rows: list[list] = []
    sums: dict[str, float] = {}
    for rec in frame.to_dict("records"):
        row: list = []
        for f in fields:
            v: Any = rec.get(f.field)
            missing = v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA
            if f.field in id_fields:
                row.append(int(v) if mess.numeric_ids and f.field == "school_id" else v)
            elif missing:
                # 无 means 否 in a 是/否 column: a missing answer there is left blank instead
                row.append(None if f.type == "bool" and mess.missing in bool_false else (mess.missing or None))
            elif f.type == "bool":
                row.append(cells.text(yes_no[0] if v else yes_no[1]))
            elif f.type in ("text", "enum"):
                row.append(cells.text(str(v)))
            elif f.type == "year":
                row.append(cells.year(v))
            elif f.type in ("int", "float"):
                digits = 2 if f.money else 0 if f.type in ("int", "year") else 1
                value = float(v) * (10000 if (f.money and mess.yuan) else 1)
                if f.money and mess.yuan:
                    digits = 0
                row.append(cells.number(value, digits))
                sums[f.field] = sums.get(f.field, 0.0) + round(value, digits)
            else:
                row.append(v)
        rows.append(row)
    total: list | None = None
    if mess.total_row and rows:
        total = ["合计" if k == 0 else _plain(sums[f.field], 2) if f.field in sums and f.type in ("int", "float") else None
                 for k, f in enumerate(fields)]
    if mess.blank_rows and len(rows) > 4:
        for _ in range(int(rng.integers(1, 3))):
            rows.insert(int(rng.integers(1, len(rows))), [None] * len(fields))
    titles = [title] if mess.title_rows >= 1 else []
    if mess.title_rows >= 2:
        titles.append("填报单位（盖章）：                    单位：人、个、㎡、" + ("元" if mess.yuan else "万元") + "、间")
    return _Table(titles, header, merges, units, rows, total, footer if mess.footer else [])


def _write_table(ws, table: _Table) -> None:
    from openpyxl.styles import Alignment, Font

    ncol = len(table.header[0])
    r = 1
    for text in table.title:
        ws.cell(row=r, column=1, value=text)
        if r == 1:
            ws.cell(row=r, column=1).font = Font(bold=True, size=14)
            if ncol > 1:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=min(ncol, 12))
        r += 1
    top = r
    for hrow in table.header:
        for c, value in enumerate(hrow, start=1):
            if value is not None:
                cell = ws.cell(row=r, column=c, value=value)
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        r += 1
    for r0, c0, r1, c1 in table.merges:
        ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
    if table.units:
        for c, unit in enumerate(table.units, start=1):
            if unit:
                ws.cell(row=r, column=c, value=unit)
        r += 1
    for row in table.rows:
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
        r += 1
    if table.total:
        for c, value in enumerate(table.total, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
        r += 1
    if table.footer:
        r += 1
        for line in table.footer:
            ws.cell(row=r, column=1, value=line)
            r += 1
    ws.freeze_panes = ws.cell(row=top + len(table.header) + (1 if table.units else 0), column=3)
    for c in range(1, ncol + 1):
        ws.column_dimensions[_col(c)].width = 14 if c > 2 else 20


def _col(n: int) -> str:
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


# --------------------------------------------------------------------------- sheets

def _sheet_name(sheet: Sheet, mess: Mess, rng) -> str:
    if mess.sheet_suffix and sheet.synonyms:
        longer = [s for s in sheet.synonyms if s.startswith(sheet.name)] or list(sheet.synonyms)
        return str(rng.choice(longer))
    return sheet.name


def _info_sheet(wb, county: str, year: int, mess: Mess, rng) -> None:
    sh = sheets()["info"]
    ws = wb.create_sheet(_sheet_name(sh, mess, rng))
    raw = dictionary()["sheets"]["info"]
    r = 1
    if mess.title_rows:
        ws.cell(row=1, column=1, value=f"{county}{year}年县域义务教育优质均衡发展和学前教育普及普惠指标采集表")
        r = 2
    ws.cell(row=r, column=1, value=raw.get("key_header", "项目"))
    ws.cell(row=r, column=2, value=raw.get("value_header", "内容"))
    values = {
        "county": mess.county_variant or county,
        "year": (f"{year}年" if mess.year_text else year),
        "reporter": f"{county}教育体育局",
        "contact": f"{'王李张刘陈杨黄赵吴周'[int(rng.integers(0, 10))]}{'伟芳娜敏静丽强磊军洋'[int(rng.integers(0, 10))]} 0795-{int(rng.integers(2000000, 8999999))}",
        "report_date": dt.datetime(year, 10, int(rng.integers(15, 31))),
    }
    for k, f in enumerate(sh.fields, start=1):
        label = f.header
        if mess.synonyms and f.synonyms and f.field != "county" and rng.random() < 0.3:
            label = str(rng.choice(list(f.synonyms)))
        ws.cell(row=r + k, column=1, value=label)
        cell = ws.cell(row=r + k, column=2, value=values[f.field])
        if f.field == "report_date":
            cell.number_format = "yyyy-mm-dd"
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 30


def _inputs_frame(items: list[dict], mess: Mess, rng) -> pd.DataFrame:
    cells = _Cells(replace(mess, text_numbers=0.0), rng)
    rows = []
    for it in items:
        v = it["value"]
        if it["kind"] == "percent":
            v = f"{v * 100:g}%" if mess.percent_text else v
        elif it["kind"] == "number":
            v = cells.number(v, 3) if isinstance(v, float) else v
            if mess.thousands and isinstance(v, int) and v >= 1000 and rng.random() < 0.5:
                v = f"{v:,}"
        rows.append({"code": it["code"], "name": it["name"], "value": v, "unit": it["unit"], "note": it["note"] or None})
    return pd.DataFrame(rows)


def _write_simple(ws, sheet: Sheet, frame: pd.DataFrame, mess: Mess, rng, title: str, footer: list[str]) -> None:
    """A table sheet whose values are already rendered (county inputs, population, plans)."""
    fields = list(sheet.fields)
    table = _Table(
        [title] if mess.title_rows else [],
        [[_header_text(f, replace(mess, synonyms=mess.synonyms and sheet.key != "county_inputs"), rng, True) for f in fields]],
        [], None,
        [[(None if (v is None or (isinstance(v, float) and math.isnan(v))) else v) for v in rec] for rec in
         frame[[f.field for f in fields]].itertuples(index=False, name=None)],
        None, footer if mess.footer else [],
    )
    _write_table(ws, table)


def _townships_frame(townships: pd.DataFrame, mess: Mess, rng) -> pd.DataFrame:
    cells = _Cells(mess, rng)
    return pd.DataFrame({"township": [cells.text(t) for t in townships["township"]], "township_kind": townships["township_kind"]})


def _population_frame(pop: list[tuple[int, int]], mess: Mess, rng) -> pd.DataFrame:
    cells = _Cells(mess, rng)
    return pd.DataFrame({"birth_year": [y for y, _ in pop], "births": [cells.number(b) for _, b in pop]})


def _plans_frame(plans: pd.DataFrame, mess: Mess, rng) -> pd.DataFrame:
    cells = _Cells(replace(mess, text_numbers=0.0), rng)
    out = plans.copy()
    out["quantity"] = [cells.number(v, 2) for v in out["quantity"]]
    out["investment_wan"] = [(mess.missing or None) if pd.isna(v) else cells.number(v, 1) for v in out["investment_wan"]]
    return out


# --------------------------------------------------------------------------- workbook

class _FixedZip(zipfile.ZipFile):
    """A zip archive whose members carry a fixed timestamp (byte-stable output)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl streams worksheets through temp files: take their bytes, not their mtime
        with open(filename, "rb") as fh:
            self.writestr(arcname or os.path.basename(filename), fh.read())


def workbook_bytes(data: CountyData, year: int, mess: Mess, seed: int, replica: int = 0) -> bytes:
    """One county-year workbook as .xlsx bytes (deterministic)."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    yd: YearData = data.years[year]
    county = data.county.name
    rng = np.random.default_rng([seed, replica, int(data.county.code), 7, year])
    sh = sheets()
    wb = Workbook()
    wb.remove(wb.active)
    _info_sheet(wb, county, year, mess, rng)
    note = [f"注：1. 本表数据截至{year}年9月；2. 无相应学段的填0，确无数据的留空。", "填表人：              审核人：              联系电话："]
    table = _table(sh["schools"], yd.schools, mess, rng, f"{county}{year}年义务教育学校基本情况表", note, ("school_id",))
    _write_table(wb.create_sheet(_sheet_name(sh["schools"], mess, rng)), table)
    table = _table(sh["kindergartens"], yd.kindergartens, mess, rng, f"{county}{year}年幼儿园基本情况表",
                   ["注：在园幼儿数不含托班。", "填表人：              审核人："], ("kg_id",))
    kg_name = _sheet_name(sh["kindergartens"], mess, rng)
    if (county, year) == sc.DEFAULT_SHEET_NAME_FILE[:2]:
        kg_name = sc.DEFAULT_SHEET_NAME_FILE[2]
    _write_table(wb.create_sheet(kg_name), table)
    if not yd.townships.empty and story(data.county) not in sc.TOWNSHIP_SHEET_OMITTED:
        _write_simple(wb.create_sheet(_sheet_name(sh["townships"], mess, rng)), sh["townships"],
                      _townships_frame(yd.townships, mess, rng), mess, rng, f"{county}乡镇(街道)名单",
                      ["注：含没有幼儿园的乡镇。"])
    _write_simple(wb.create_sheet(_sheet_name(sh["county_inputs"], mess, rng)), sh["county_inputs"],
                  _inputs_frame(yd.county_inputs, mess, rng), mess, rng, f"{county}{year}年县级指标",
                  ["注：百分比可填 96.5% 或 0.965；B类指标填 优/良/中/差。"])
    _write_simple(wb.create_sheet(_sheet_name(sh["population"], mess, rng)), sh["population"],
                  _population_frame(yd.population, mess, rng), mess, rng, f"{county}户籍出生人口（{sc.BIRTHS_SHOWN_FROM}—{year}年）",
                  [f"注：{year}年为快报数。"])
    if not yd.plans.empty:
        _write_simple(wb.create_sheet(_sheet_name(sh["plans"], mess, rng)), sh["plans"], _plans_frame(yd.plans, mess, rng),
                      mess, rng, f"{county}义务教育学校补短板建设计划（{year + 1}—2029年）", ["注：数量为新增量。"])
    stamp = dt.datetime(year, 10, 20, 9, 0, 0)
    props = wb.properties
    props.creator = f"{county}教育体育局"
    props.lastModifiedBy = f"{county}教育体育局"
    props.title = f"{county}{year}年指标采集表"
    props.description = f"{MARKER} seed={seed} replica={replica}"
    props.keywords = f"county={county};year={year}"
    props.created = stamp
    props.modified = stamp
    buf = io.BytesIO()
    with _FixedZip(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return buf.getvalue()


def file_name(county: str, short: str, year: int, rng: np.random.Generator, code: str = "") -> str:
    if (county, year) == sc.MISNAMED_FILE[:2]:
        return sc.MISNAMED_FILE[2]
    style = sc.FILE_NAME_STYLES[int(rng.integers(0, len(sc.FILE_NAME_STYLES)))]
    return style.format(name=county, short=short, year=year, pinyin=sc.PINYIN.get(county) or f"county{code}")
