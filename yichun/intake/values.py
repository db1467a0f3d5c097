"""Parsing cell values, one column at a time: numbers, ids, enums, booleans, years, ratings.

Cells arrive as calamine gives them: float for every number, str for text, bool, dates.
Each parser takes one column (a list of cells) and returns the parsed column (a numpy
array or a list) and a mask of the cells that could not be read (the caller turns those
into problems). One pass per column with cached text normalisation: for the few hundred
rows of a county sheet this is many times faster than chains of pandas string methods.

Rules:
- numbers: numbers stored as text, thousands separators (`1,234`), full-width digits
  (`１２３`), stray spaces are all read; the dictionary's missing markers (`—`, `-`, `/`,
  `无`, empty...) become NaN — never 0.
- identifiers stay text (leading zeros kept); a cell typed as a number (or text in
  scientific notation) is read as its digits and flagged: the caller warns.
- 是/否 → boolean; enum values are matched after NFKC, with the aliases of intake_rules.yaml.
- county figures (县级指标 数值): `96.5%` → 0.965; a bare number whose unit is `%` and that
  is greater than 1 is a percentage too (`96.5` → 0.965), while `0.965` stays 0.965 and
  `1` means 100%; 是 → 1.0, 否 → 0.0 (无 means 否 only where the unit is 是/否, else it is
  a missing marker); 优/良/中/差 → rating (value NaN).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import lru_cache

import numpy as np

from yichun.intake.rules import nfkc, rules, strip_invisible

# Excel's error values: a cell showing one of these holds no number (reported as such)
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
                          "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"})


def excel_error(v) -> str | None:
    """The Excel error value a text cell holds (#REF!, #DIV/0! …), else None."""
    if type(v) is str and v[:1] in "#＃" and v:
        t = nfkc(v).upper()
        if t in EXCEL_ERRORS:
            return t
    return None

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_YEAR = re.compile(r"^(\d{4})(?:年|$|[-—－~至/]|\.0$|年度|学年)")
_SCI = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """NFKC with all whitespace removed (cached: the same strings recur in every file)."""
    return nfkc(text)


def cell_text(v) -> str:
    """A cell as the user typed it (numbers without a spurious `.0`)."""
    t = type(v)
    if t is str:
        return strip_invisible(v)
    if v is None:
        return ""
    if t is bool or isinstance(v, np.bool_):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float | np.floating):  # numpy floats too (values restored from a frame)
        v = float(v)
        if math.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    return str(v).strip()


def texts(cells: list) -> list[str]:
    """The column as typed ('' for empty cells)."""
    out = []
    for v in cells:
        t = type(v)
        if t is str:
            out.append(v.strip())
        elif t is float and v.is_integer() and abs(v) < 1e16:
            out.append(str(int(v)))
        else:
            out.append(cell_text(v))
    return out


def typed_text(cells: list) -> list:
    """The text cells as typed, None for number cells (their text is the number itself).

    Cheaper than `texts` for numeric columns; `fill_typed` restores the numbers' text.
    """
    return [v.strip() if type(v) is str else None for v in cells]


def is_missing(v) -> bool:
    """Empty, NaN or a dictionary missing marker."""
    t = type(v)
    if t is str:
        return norm(v) in rules().missing_markers
    if t is float:
        return math.isnan(v)
    return v is None


def missing_mask(cells: list) -> np.ndarray:
    return np.fromiter((is_missing(v) for v in cells), dtype=bool, count=len(cells))


def _number(text: str) -> float | None:
    """A normalised text as a number, or None when it is not one."""
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        return None
    x = float(text)
    return x if math.isfinite(x) else None  # 1e999 overflows to inf: not a number a county can mean


_UNREADABLE = math.inf  # parse_number's mark for a cell that is not a number (a real infinity is unreadable too)


@lru_cache(maxsize=65536)
def _text_number(text: str) -> float:
    """A text cell as a number: NaN for a missing marker, _UNREADABLE when it is not a number."""
    s = norm(text)
    if s in rules().missing_markers:
        return math.nan
    x = _number(s)
    return _UNREADABLE if x is None else x


def _other_number(v) -> float:
    """A cell that is neither a float nor text: an int is a number, None is missing, a bool or a date is unreadable."""
    if v is None:
        return math.nan
    if type(v) is int:
        return float(v) if math.isfinite(v) else _UNREADABLE
    return _UNREADABLE


def parse_number(cells: list) -> tuple[np.ndarray, np.ndarray]:
    """(float64 values, unreadable mask). Missing markers → NaN and not unreadable.

    One pass at C speed over the cells: a float is taken as it is (NaN and ±inf are marked
    unreadable: `v - v` is 0 only for a finite float), a text is read once per distinct text."""
    n = len(cells)
    out = np.fromiter(
        ((v if v - v == 0 else _UNREADABLE) if type(v) is float else _text_number(v) if type(v) is str else _other_number(v) for v in cells),
        dtype="float64", count=n,
    )
    bad = np.isinf(out)
    if bad.any():
        out[bad] = np.nan
    return out, bad


def parse_year(cells: list) -> tuple[list, np.ndarray]:
    """(years or None, unreadable mask): 2025, `2025年`, `2025-2026学年`, `２０２５` → 2025."""
    out: list = [None] * len(cells)
    bad = np.zeros(len(cells), dtype=bool)
    missing = rules().missing_markers
    for i, v in enumerate(cells):
        t = type(v)
        if t is str:
            m = _YEAR.match(norm(v))
            if m and 1900 <= int(m.group(1)) <= 2200:
                out[i] = int(m.group(1))
            elif norm(v) not in missing:
                bad[i] = True
        elif t is float or t is int:
            if math.isnan(v):
                continue
            if float(v).is_integer() and 1900 <= v <= 2200:
                out[i] = int(v)
            else:
                bad[i] = True
        elif isinstance(v, dt.date):
            out[i] = v.year
        elif v is not None:
            bad[i] = True
    return out, bad


def parse_bool(cells: list) -> tuple[list, np.ndarray]:
    """(True/False/None, unreadable mask): 是/否 and the dictionary's other spellings."""
    r = rules()
    out: list = [None] * len(cells)
    bad = np.zeros(len(cells), dtype=bool)
    for i, v in enumerate(cells):
        if v is True or v is False:
            out[i] = v
            continue
        s = norm(v) if type(v) is str else cell_text(v)
        if s in r.true_values:
            out[i] = True
        elif s in r.false_values:
            out[i] = False
        elif s not in r.missing_markers:
            bad[i] = True
    return out, bad


def parse_text(cells: list, normalize: bool = False) -> list:
    """Text (None when missing): stripped; NFKC without inner spaces when `normalize`."""
    missing = rules().missing_markers
    out: list = []
    for v in cells:
        if type(v) is str:
            s = norm(v)
            out.append(None if s in missing else (s if normalize else strip_invisible(v)))
        else:
            s = cell_text(v)
            out.append(s or None)
    return out


@lru_cache(maxsize=65536)
def _visible(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def parse_name(cells: list) -> list:
    """Names compared across sheets (乡镇): NFKC, no spaces, no invisible format characters
    (zero-width spaces, BOMs, bidi marks, soft hyphens); None when missing."""
    missing = rules().missing_markers
    out = []
    for s in parse_text(cells, normalize=True):
        s = None if s is None else _visible(s)
        out.append(None if not s or s in missing else s)
    return out


def parse_enum(cells: list, field: str) -> list:
    """Enum text after NFKC and the aliases of intake_rules.yaml (the schema checks membership)."""
    aliases = rules().enum_aliases.get(field, {})
    return [aliases.get(s, s) if s is not None else None for s in parse_text(cells, normalize=True)]


def parse_id(cells: list) -> tuple[list, np.ndarray]:
    """(identifier text, typed-as-number mask). Full-width digits are normalised."""
    ids = parse_text(cells, normalize=True)
    numeric = np.fromiter(
        ((type(v) in (float, int) and not math.isnan(v)) or (s is not None and bool(_SCI.match(s))) for v, s in zip(cells, ids)),
        dtype=bool, count=len(cells),
    )
    return ids, numeric


def parse_county_value(cells: list, units: list) -> tuple[np.ndarray, list, np.ndarray]:
    """(value float, rating or None, unreadable mask) for the 县级指标 数值 column.

    `units` is each row's unit (the sheet's 单位 column, else the catalogue's unit).
    """
    r = rules()
    values, bad = parse_number(cells)
    ratings: list = [None] * len(cells)
    yes_words = r.true_values - {"1"}
    no_words = r.false_values - {"0"}
    for i, (v, unit) in enumerate(zip(cells, units)):
        unit = norm(unit) if isinstance(unit, str) else ""
        if not np.isnan(values[i]):
            if "%" in unit and values[i] > 1:  # 96.5 with unit %: a percentage
                values[i] /= 100
            continue
        if type(v) is not str:
            continue
        s = norm(v)
        answer_unit = "是" in unit and "否" in unit
        if s.endswith("%"):
            x = _number(s[:-1])
            if x is not None:
                values[i], bad[i] = x / 100, False
        elif s in r.ratings:
            ratings[i], bad[i] = s, False
        elif s in yes_words and (answer_unit or s not in r.missing_markers):
            values[i], bad[i] = 1.0, False
        elif s in no_words and (answer_unit or s not in r.missing_markers):
            values[i], bad[i] = 0.0, False
    return values, ratings, bad
