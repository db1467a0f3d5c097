"""Text cells that a spreadsheet could read as a formula, made safe in every file the project writes.

The rule (docs/outputs-safety.md): a TEXT value that starts with = + - @, a tab or a carriage
return is written so that no spreadsheet runs it —

- in .xlsx (openpyxl): the cell is typed as a string (never a formula) and carries Excel's
  quote prefix, so it shows exactly as typed and stays text when the cell is edited;
- in CSV: the value gets a leading single quote (OWASP "CSV injection" advice), e.g.
  `=HYPERLINK(…)` → `'=HYPERLINK(…)`.

Numbers are never touched: −3.5 is a number, not text; only str values are neutralised.
Characters that the xlsx format cannot hold (control characters) are dropped from text cells.
"""

from __future__ import annotations

import math
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def risky(value) -> bool:
    """True for a text value a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_value(value):
    """The CSV form of one value: risky text gets a leading single quote; anything else as is."""
    return "'" + value if risky(value) else value


def neutralise_frame(frame):
    """A copy of `frame` whose text cells are safe for CSV (see `csv_value`); numbers untouched."""
    import pandas as pd

    out = frame.copy()
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
            continue
        if s.map(risky).any():
            out[c] = s.map(csv_value).astype(object)
    return out


def set_text(cell, text: str) -> None:
    """Write `text` into an openpyxl cell as text, never as a formula."""
    text = _ILLEGAL.sub("", text)
    cell.value = text
    cell.data_type = "s"  # openpyxl would make "=…" a formula
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def set_value(cell, value) -> None:
    """Write any scalar into an openpyxl cell: text as text, missing as empty, booleans as 是/否."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
    elif isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, float) and math.isinf(value):
        set_text(cell, "∞" if value > 0 else "-∞")
    elif isinstance(value, int | float):
        cell.value = value
    elif hasattr(value, "year") and hasattr(value, "month"):  # date / datetime / Timestamp
        cell.value = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    elif hasattr(value, "item"):  # numpy scalar
        set_value(cell, value.item())
    else:
        set_text(cell, str(value))


def write_table(frame, path, sheet: str = "Sheet1") -> None:
    """A plain frame as .xlsx (bold frozen header, filter, text as text) or, for any other suffix,
    as CSV (UTF-8 with BOM, text neutralised). Written atomically."""
    from pathlib import Path

    from yichun.atomic import replacing

    path = Path(path)
    with replacing(path) as tmp:
        if path.suffix.lower() != ".xlsx":
            neutralise_frame(frame).to_csv(tmp, index=False, encoding="utf-8-sig")
            return
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        wb = Workbook()
        ws = wb.active
        ws.title = sheet[:31]
        bold = Font(bold=True)
        for j, name in enumerate(frame.columns, start=1):
            set_text(ws.cell(row=1, column=j), str(name))
            ws.cell(row=1, column=j).font = bold
        for i, row in enumerate(frame.itertuples(index=False), start=2):
            for j, v in enumerate(row, start=1):
                set_value(ws.cell(row=i, column=j), v)
        ws.freeze_panes = "A2"
        if len(frame.columns):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(1, len(frame) + 1)}"
        wb.save(tmp)
