"""评估结果.xlsx: the tables of `yichun assess` (the CSVs) for analysts who open results in Excel.

Chinese headers and sheet names from yichun/data/result_labels.yaml (R1–R7 from the standards
catalogue), identifiers as text, shares as percentages, booleans as 是/否 (missing: empty),
frozen header row and an autofilter on every sheet (printed: landscape A4, one page width,
header repeated); text is never a formula (yichun.cellsafe).
The CSVs keep their stable English columns; this workbook is for people, not for machines.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from yichun._yaml import package_yaml
from yichun.atomic import replacing
from yichun.sheetwriter import HEAD, INT, MONEY, PCT, TWO, print_setup, shown_text, text_width

TEXT_IDS = ("school_id", "kg_id", "code", "indicator", "cost_key")


@cache
def labels() -> dict:
    return package_yaml("result_labels.yaml")


def column_labels(catalogue=None) -> dict[str, str]:
    """field → Chinese header, with R1–R7 (and their ratios) from the catalogue."""
    out = dict(labels()["columns"])
    codes = list(catalogue.rules["school_rule"]["indicators"]) if catalogue is not None else [f"R{i}" for i in range(1, 8)]
    for c in codes:
        unit = catalogue[c].unit if catalogue is not None else ""
        out[c] = f"{c}({unit})" if unit else c
        out[f"{c}_ratio"] = f"{c}与标准之比"
    return out


def items_percent(code: str, catalogue=None) -> bool:
    """Whether an item's value (Assessment.items) is a share: unit % or a share of schools meeting it."""
    if code in labels()["items_percent_codes"]:
        return True
    return catalogue is not None and code in catalogue.indicators and catalogue[code].unit == "%"


def _formats(name: str, frame: pd.DataFrame, catalogue) -> dict[str, object]:
    """field → number format, or a function of the row giving one."""
    from yichun.ledger.problems import is_percent

    cfg = labels()
    out: dict[str, object] = {}
    for c in frame.columns:
        if c in cfg["percent"] or c.endswith("_ratio") or c in cfg["percent_tables"].get(name, ()):
            out[c] = PCT
        elif c in cfg["integer"]:
            out[c] = "0"
        elif c in cfg["thousands"]:
            out[c] = INT
        elif c in cfg["money"]:
            out[c] = MONEY
        elif c in cfg["precise"]:
            out[c] = cfg["precise"][c]
        else:
            out[c] = TWO
    if name == "items":
        out["value"] = lambda r: PCT if items_percent(r["code"], catalogue) else TWO
    if name == "gaps":
        def pct(r):
            unit = catalogue[r["indicator"]].unit if catalogue is not None and r["indicator"] in catalogue.indicators else ""
            return PCT if is_percent(unit, r["standard"]) else TWO
        out["value"] = out["standard"] = pct
    if name == "gaps" or name == "bill":
        from yichun.sheetwriter import quantity_format

        key = "shortfall" if name == "gaps" else "quantity"
        out[key] = lambda r: quantity_format(r["unit"])
    return out


COUNTS_SHEET = "学校和幼儿园数"


def write_results(tables: dict[str, pd.DataFrame], path, catalogue=None, counts: pd.DataFrame | None = None) -> Path:
    """Write 评估结果.xlsx from the frames of `yichun.commands.assess.tables`.

    counts: `yichun.assessment.counts.counts_frame` (Chinese headers already): the sheet
    学校和幼儿园数, with the same counts and exclusions as the briefings and 问题清单."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from yichun.cellsafe import set_value

    cfg = labels()
    names = column_labels(catalogue)
    wb = Workbook()
    wb.remove(wb.active)
    head_fill, bold = PatternFill("solid", start_color=HEAD, end_color=HEAD), Font(bold=True)
    tables = dict(tables)
    if counts is not None:
        tables[COUNTS_SHEET] = counts
    order = [t for t in cfg["sheets"] if t in tables] + [t for t in tables if t not in cfg["sheets"]]
    for name in order:
        frame = tables[name]
        ws = wb.create_sheet(cfg["sheets"].get(name, name)[:31])
        cols = list(frame.columns)
        fmts: dict = {c: ("0" if c == "年度" else INT) for c in cols} if name == COUNTS_SHEET else _formats(name, frame, catalogue)
        widths = {}
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(row=1, column=j)
            set_value(cell, names.get(c, c))
            cell.font, cell.fill = bold, head_fill
            widths[j] = text_width(str(cell.value))
        for i, row in enumerate(frame.to_dict("records"), start=2):
            for j, c in enumerate(cols, start=1):
                v = row[c]
                cell = ws.cell(row=i, column=j)
                set_value(cell, v)
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    f = fmts.get(c)
                    cell.number_format = f(row) if callable(f) else (f or TWO)
                elif c in TEXT_IDS and cell.value is not None:
                    cell.number_format = "@"
                if i <= 200 and cell.value is not None:  # widths from the first rows, numbers as shown
                    widths[j] = max(widths[j], min(text_width(shown_text(cell.value, cell.number_format)), 40))
        for j, w in widths.items():
            ws.column_dimensions[get_column_letter(j)].width = max(6.0, min(w, 40) + 2)
        ws.freeze_panes = "A2"
        print_setup(ws, "1:1")
        if cols:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(2, len(frame) + 1)}"
    path = Path(path)
    with replacing(path) as tmp:
        wb.save(tmp)
    return path
