"""The 问题清单 and 销号情况 sheets: one self-contained row per problem, for filtering, sorting,
pivoting, filling in and printing.

问题清单: header in row 1 (frozen, repeated on every printed page), an autofilter over the
table, 进度 as a dropdown (未启动 / 推进中 / 已完成), the county's fill-in columns shaded,
ids as text, whole units (人, 间, ㎡, 所, 班) without decimals, percentages as percentages,
完成时限 as a date; A4 landscape at one page width.
"""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.styles import Alignment

from yichun.ledger.closing import CLOSING_LABELS
from yichun.ledger.config import config
from yichun.ledger.problems import is_percent
from yichun.sheetwriter import AMBER, DATE, FILL_IN, GREEN, HEAD, MONEY, PCT, RED, TWO, Sheet, print_setup, quantity_format, text_width

LINE_HEIGHT, MAX_LINES = 16.0, 6  # points per line of 11-point text; taller rows are capped

TOP, TOP_WRAP, TOP_CENTRE = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True), Alignment(vertical="top", horizontal="center")
CENTRED = {"county", "level", "indicator", "unit", "cost_kind", "planned", "outlook", "progress", "required", "status"}
STATUS_FILL = {"已销号": GREEN, "仍存在": AMBER, "逾期": RED, "县报已完成但数据仍未达标": RED, "新增": None, "无法核实": AMBER}


def _header(s: Sheet, headers: list[str], fill_in: set[int]) -> None:
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for j, h in enumerate(headers, start=1):
        c = s.put(1, j, h, fill=FILL_IN if j in fill_in else HEAD, bold=True)
        c.alignment = centre


def _finish(s: Sheet, ncols: int, nrows: int, widths: dict[int, float], wrap: set[int]) -> None:
    from openpyxl.utils import get_column_letter

    ws = s.ws
    for j in range(1, ncols + 1):
        ws.column_dimensions[get_column_letter(j)].width = widths[j]
    for i in range(2, nrows + 2):  # wrapped text: rows as tall as their longest cell (no spreadsheet auto-fits on open)
        lines = 1
        for j in wrap:
            v = ws.cell(row=i, column=j).value
            if isinstance(v, str) and v:
                lines = max(lines, math.ceil(text_width(v) / max(1.0, widths[j])))
        if lines > 1:
            ws.row_dimensions[i].height = min(lines, MAX_LINES) * LINE_HEIGHT
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{max(2, nrows + 1)}"
    print_setup(ws, "1:1")
    ws.page_setup.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_ledger_sheet(ws, rows: pd.DataFrame, catalogue=None) -> None:
    """The 问题清单 sheet from `problem_rows` (or carried-forward) rows."""
    from openpyxl.worksheet.datavalidation import DataValidation

    cfg = config()
    cols = list(cfg.columns)
    s = Sheet(ws)
    fill_cols = {j for j, c in enumerate(cols, start=1) if c.fill_in}
    _header(s, [c.header for c in cols], fill_cols)
    for i, r in enumerate(rows.to_dict("records"), start=2):
        unit_of = catalogue[r["indicator"]].unit if catalogue is not None and r["indicator"] in catalogue.indicators else ""
        pct = is_percent(unit_of, r["standard"])
        for j, c in enumerate(cols, start=1):
            v = r.get(c.field)
            if c.field == "required":
                v = "是" if v else "否"
            fmt = {"value": PCT if pct else TWO, "standard": PCT if pct else TWO, "shortfall": quantity_format(r["unit"]),
                   "cost_wan": MONEY, "deadline": DATE}.get(c.field)
            fill = FILL_IN if c.fill_in else None
            cell = s.put(i, j, v, fmt, fill)
            if c.field == "deadline":
                cell.number_format = DATE  # what the county types becomes a date
            cell.alignment = TOP_WRAP if c.wrap else (TOP_CENTRE if c.field in CENTRED else TOP)
            if c.field in ("problem_id", "school_id") and v not in (None, ""):
                cell.number_format = "@"
    n = len(rows)
    if n:
        j = next(k for k, c in enumerate(cols, start=1) if c.field == "progress")
        from openpyxl.utils import get_column_letter

        dv = DataValidation(type="list", formula1='"' + ",".join(cfg.progress) + '"', allow_blank=True, showDropDown=False,
                            showErrorMessage=True, errorTitle="进度", error=f"请从下拉列表中选择：{'、'.join(cfg.progress)}",
                            promptTitle="进度", prompt="、".join(cfg.progress), showInputMessage=True)
        dv.add(f"{get_column_letter(j)}2:{get_column_letter(j)}{n + 1}")
        ws.add_data_validation(dv)
    else:
        s.put(2, 1, "（无问题）")
    _finish(s, len(cols), n, {j: c.width for j, c in enumerate(cols, start=1)}, {j for j, c in enumerate(cols, start=1) if c.wrap})


def write_closing_sheet(ws, closing: pd.DataFrame) -> None:
    """The 销号情况 sheet: every earlier problem with its 状态, then the 新增 ones."""
    s = Sheet(ws)
    fields = [f for f in CLOSING_LABELS]
    widths = {"problem_id": 21, "county": 7, "school_id": 12, "school_name": 16, "level": 6, "indicator": 6, "indicator_name": 26,
              "previous_shortfall": 9, "current_shortfall": 9, "unit": 5, "progress": 8, "deadline": 11, "status": 13,
              "check_note": 32, "excel_row": 7}
    wrap = {"school_name", "indicator_name", "check_note", "status"}
    _header(s, [CLOSING_LABELS[f] for f in fields], set())
    for i, r in enumerate(closing.to_dict("records"), start=2):
        for j, f in enumerate(fields, start=1):
            v = r.get(f)
            fmt = {"previous_shortfall": quantity_format(r.get("unit") or ""), "current_shortfall": quantity_format(r.get("unit") or ""),
                   "deadline": DATE, "excel_row": "0"}.get(f)
            cell = s.put(i, j, v, fmt, STATUS_FILL.get(v) if f == "status" and isinstance(v, str) else None)
            cell.alignment = TOP_WRAP if f in wrap else (TOP_CENTRE if f in CENTRED else TOP)
            if f in ("problem_id", "school_id") and v not in (None, ""):
                cell.number_format = "@"
    if closing.empty:
        s.put(2, 1, "（无上期问题清单）")
    _finish(s, len(fields), len(closing), {j: widths[f] for j, f in enumerate(fields, start=1)},
            {j for j, f in enumerate(fields, start=1) if f in wrap})
