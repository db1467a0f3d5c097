"""Chinese number formatting for chart labels: percentages, thousands separators, 万 and 亿.

`pct(0.8512)` → "85.1%"; `num(12345)` → "12,345"; `wan(123456)` → "12.3万";
`money_wan(1234.5)` → "1,234.5万元", `money_wan(25000)` → "2.50亿元".
Missing values (None, NaN, NA) format as "—", never as 0. A value that fails its standard is
cut, not rounded (`floor=True`): 99.96% of a 100% standard is "99.9%", never "100.0%".
"""

from __future__ import annotations

import math

MISSING_TEXT = "—"


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x) or str(x) == "<NA>"
    except TypeError:  # pd.NA compares to NA
        return True


def num(x, digits: int = 0) -> str:
    """A number with thousands separators: 12345.6 → "12,346" (digits=0)."""
    if _missing(x):
        return MISSING_TEXT
    return f"{float(x):,.{digits}f}"


def _cut(v: float, digits: int) -> float:
    """v cut (toward zero) to `digits` decimals; the 1e-9 absorbs binary noise such as 0.29 * 100 = 28.999…"""
    step = 10.0 ** digits
    return math.floor(v * step + 1e-9) / step if v >= 0 else math.ceil(v * step - 1e-9) / step


def pct(x, digits: int = 1, *, floor: bool = False) -> str:
    """A fraction as a percentage: 0.8512 → "85.1%"; floor=True cuts instead of rounding (failing values)."""
    if _missing(x):
        return MISSING_TEXT
    if math.isinf(float(x)):
        return "∞"
    v = float(x) * 100
    if floor:
        v = _cut(v, digits)
    return f"{v:,.{digits}f}%"


def pct_judged(x, met, digits: int = 1) -> str:
    """A percentage next to its verdict: a value that does not meet its standard (met is False) is cut, not rounded up."""
    return pct(x, digits, floor=not _missing(met) and not bool(met))


def _scaled(x, steps: tuple[tuple[float, str, int], ...], below) -> str:
    """x in the first unit of `steps` (size, suffix, decimals) it reaches, else `below(x)`; "—" when missing."""
    if _missing(x):
        return MISSING_TEXT
    v = float(x)
    for size, suffix, places in steps:
        if abs(v) >= size:
            return f"{v / size:,.{places}f}{suffix}"
    return below(v)


def wan(x, digits: int = 1) -> str:
    """A count in 万 when it reaches 10,000: 123456 → "12.3万", 8650 → "8,650"."""
    return _scaled(x, ((1e8, "亿", digits + 1), (1e4, "万", digits)), lambda v: num(v, 0))


def money_wan(x_wan, digits: int = 1) -> str:
    """An amount already in 万元: 1234.5 → "1,234.5万元"; from 1亿 on → "2.50亿元"."""
    return _scaled(x_wan, ((1e4, "亿元", 2),), lambda v: f"{v:,.{digits}f}万元")


def ratio(x, digits: int = 2) -> str:
    """A plain ratio such as a 差异系数: 0.4512 → "0.45"."""
    if _missing(x):
        return MISSING_TEXT
    return f"{float(x):.{digits}f}"


def value(x, unit: str = "", digits: int | None = None, *, floor: bool = False) -> str:
    """An indicator value in its unit: percentages as %, 元 with separators, else 2 decimals (floor: cut, for failing values)."""
    if _missing(x):
        return MISSING_TEXT
    if unit == "%":
        return pct(x, 1 if digits is None else digits, floor=floor)
    if unit.startswith("元") or abs(float(x)) >= 1000:
        d = 0 if digits is None else digits
    else:
        d = 2 if digits is None else digits
    text = num(_cut(float(x), d) if floor else x, d)
    return f"{text}{unit}" if unit and unit not in ("是/否",) else text
