"""完成时限 as counties type it: a date cell, an Excel serial number, or text such as 2025-06-30,
2025/6/30, 2025.6.30, 2025年6月30日, 2025年6月 (end of that month), 2025年底 / 2025年 (31 December)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_YM = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*(?:底|末|前|份)?")
_Y = re.compile(r"(\d{4})\s*年?\s*(?:年底|年末|底|末|前|内|)")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _end_of_month(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def parse_deadline(value) -> dt.date | None:
    """The date a 完成时限 means, or None for an empty cell; ValueError when it cannot be read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        if 20000 < value < 80000:  # an Excel serial day number (1954–2119)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        if 1990 <= value <= 2100 and float(value).is_integer():
            return dt.date(int(value), 12, 31)
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        if m := _YMD.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _YM.fullmatch(text):
            return _end_of_month(int(m[1]), int(m[2]))
        if m := _Y.fullmatch(text):
            return dt.date(int(m[1]), 12, 31)
    except ValueError:
        pass
    raise ValueError(value)
