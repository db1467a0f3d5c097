"""Row-by-row .xlsx writing in the house style, shared by every formatted workbook the project writes.

`Sheet` writes values (text always as text, via yichun.cellsafe), tracks column widths (CJK
characters count double), applies number formats and status fills; `print_setup` makes a sheet
print landscape on A4 at one page width with its header rows repeated.
"""

from __future__ import annotations

import math
import unicodedata
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from yichun.cellsafe import set_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

GREEN, AMBER, RED, HEAD, FILL_IN = "C6EFCE", "FFEB9C", "FFC7CE", "D9E1F2", "FCE4D6"
PCT, TWO, INT, MONEY, DATE = "0.0%", "0.00", "#,##0", "#,##0.00", "yyyy-mm-dd"
MAX_WIDTH = 60


def quantity_format(unit: str) -> str:
    """Shortfalls in whole units (teachers, rooms, ㎡: rounded up by the assessment) show no decimals."""
    from yichun.assessment.costs import INTEGER_UNITS

    return INT if unit in INTEGER_UNITS else TWO


def print_setup(ws, title_rows: str | None = None) -> None:
    """Landscape A4, all columns on one page width; `title_rows` (e.g. "1:1") repeat on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = title_rows


class Sheet:
    """Row-by-row writer that tracks column widths and applies the house formats."""

    def __init__(self, ws: Worksheet) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = ws
        self.row = 1
        self.widths: dict[int, float] = {}
        self._fills: dict[str, PatternFill] = {}
        self._fill_cls = PatternFill
        self._bold = Font(bold=True)
        self._wrap = Alignment(wrap_text=True, vertical="top")

    def _fill(self, color: str):
        if color not in self._fills:
            self._fills[color] = self._fill_cls("solid", start_color=color, end_color=color)
        return self._fills[color]

    def put(self, row: int, col: int, value, fmt: str | None = None, fill: str | None = None, bold: bool = False, wrap: bool = False):
        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, np.generic):
            value = value.item()
        if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
            cell.value = None
        elif isinstance(value, bool):
            cell.value = "是" if value else "否"
        elif isinstance(value, int | float):
            cell.value = float(value) if isinstance(value, float) else int(value)
            if math.isinf(cell.value):
                cell.value = "∞"
            elif fmt:
                cell.number_format = fmt
        elif hasattr(value, "year") and hasattr(value, "month"):  # a date
            cell.value = value.date() if isinstance(value, pd.Timestamp) else value
            cell.number_format = fmt or DATE
        else:
            set_text(cell, str(value))  # text, never a formula
        if fill:
            cell.fill = self._fill(fill)
        if bold:
            cell.font = self._bold
        if wrap:
            cell.alignment = self._wrap
        shown = shown_text(cell.value, fmt)
        self.widths[col] = max(self.widths.get(col, 0), min(text_width(shown), MAX_WIDTH))
        return cell

    def title(self, text: str, note: str = "") -> None:
        from openpyxl.styles import Font

        c = self.put(self.row, 1, text)
        c.font = Font(bold=True, size=14)
        self.widths[1] = min(self.widths.get(1, 0), 20)  # a title does not size the first column
        self.row += 1
        if note:
            self.put(self.row, 1, note)
            self.widths[1] = min(self.widths.get(1, 0), 20)
            self.row += 1
        self.row += 1

    def table(self, frame: pd.DataFrame, formats: dict | None = None, status: dict | None = None, wrap: tuple = (),
              heading: str | None = None) -> tuple[int, int]:
        """Write a table with a header row; returns (header row, last row). status: column → fill function."""
        from openpyxl.styles import Font

        formats, status = formats or {}, status or {}
        if heading:
            c = self.put(self.row, 1, heading)
            c.font = Font(bold=True, size=12)
            self.widths[1] = min(self.widths.get(1, 0), 20)
            self.row += 1
        head = self.row
        for j, name in enumerate(frame.columns, start=1):
            self.put(head, j, name, fill=HEAD, bold=True)
        self.row += 1
        cols = list(frame.columns)
        for values in frame.itertuples(index=False):
            row = dict(zip(cols, values))
            for j, (name, v) in enumerate(row.items(), start=1):
                fill = status[name](v) if name in status else None
                fmt = formats.get(name)
                self.put(self.row, j, v, fmt(row) if callable(fmt) else fmt, fill, wrap=name in wrap)
            self.row += 1
        if frame.empty:
            self.put(self.row, 1, "（无）")
            self.row += 1
        last = self.row - 1
        self.row += 1
        return head, last

    def finish(self, freeze: str | None = None) -> None:
        from openpyxl.utils import get_column_letter

        for col, w in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(6.0, w + 2)
        if freeze:
            self.ws.freeze_panes = freeze


def text_width(text: str) -> float:
    """Display width: East Asian wide/full-width characters count double."""
    lines = str(text).split("\n") or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line) for line in lines)


def shown_text(value, fmt) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if fmt == PCT:
            return f"{value * 100:.1f}%"
        if fmt in (MONEY, TWO):
            return f"{value:,.2f}"
        if fmt == INT:
            return f"{value:,.0f}"
        return f"{value:.6g}"
    return str(value)


def met_fill(v) -> str | None:
    """Status colours: 达标 green, 未达标 red, 缺数据 amber."""
    if v in ("达标", "是", "具备", True):
        return GREEN
    if v in ("未达标", "否", "不具备", False):
        return RED
    if v in ("缺数据", "低于标准(容差内)", "不适用"):
        return AMBER
    return None
