"""Finding a sheet's header row(s) and mapping header cells to data-dictionary fields.

Header text is normalised before matching: NFKC (full-width → half-width), whitespace and
line breaks removed, a leading `*`, and a trailing unit in brackets dropped but remembered
(`教学仪器设备值(元)` → field equipment_value_wan, unit 元). Known synonyms come from the
dictionary. The header row is the row (or pair of rows, for merged two-row headers such as
`在校生数` over `小学 | 初中 | 高中`) whose cells match the most fields; a units row right
under it is skipped and its units remembered. Sheets are found by name (with suffixes such
as `义务教育学校基本情况`) or, failing that, by their header row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from yichun.dictionary import Sheet, sheets
from yichun.intake.rules import nfkc, rules

_UNIT_TAIL = re.compile(r"^(.*?)[(\[【]([^()\[\]【】]*)[)\]】]$")
_LEADING_MARKS = re.compile(r"^[*★※]+")
_TRAILING_PUNCT = re.compile(r"[:：]+$")


def normalize_header(text) -> tuple[str, str]:
    """(key, unit): the matching key of a header cell and the unit in its trailing brackets."""
    if type(text) is not str or not text:
        return "", ""
    return _normalize_header(text)


@lru_cache(maxsize=65536)
def _normalize_header(text: str) -> tuple[str, str]:
    key = _TRAILING_PUNCT.sub("", _LEADING_MARKS.sub("", nfkc(text)))
    unit = ""
    m = _UNIT_TAIL.match(key)
    if m and m.group(1):
        key, unit = m.group(1), m.group(2)
    return key, unit


def seen_text(value) -> str:
    """A header cell as the user sees it, on one line."""
    return " ".join(str(value).split()) if value not in (None, "") else ""


@cache
def lookup(sheet_key: str) -> dict[str, str]:
    """Normalised header or synonym → field name, for one dictionary sheet."""
    spec = sheets()[sheet_key]
    out: dict[str, str] = {}
    for f in spec.fields:
        for text in (f.header, f.header_with_unit, *f.synonyms):
            key, _ = normalize_header(text)
            out.setdefault(key, f.field)
    return out


def is_unit_word(text) -> str | None:
    """The unit when a cell is a bare unit (人, 万元, (㎡)...), else None."""
    if not isinstance(text, str):
        return None
    t = nfkc(text).strip("()[]【】")
    return t if t and t in rules().unit_words else None


@dataclass
class Column:
    index: int  # 0-based column in the sheet grid
    field: str
    seen: str  # header as it appears in the workbook
    unit: str = ""  # unit from the header brackets, the units row or the lower header row


@dataclass
class Header:
    rows: list[int]  # 0-based grid rows holding the header (one or two)
    data_start: int  # first 0-based grid row after the header and units row
    columns: dict[str, Column]  # field → column (first occurrence)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # unmatched header cells
    duplicates: list[Column] = field(default_factory=list)  # a field matched a second time
    units_row: int | None = None

    @property
    def score(self) -> int:
        return len(self.columns)


def _cell(grid, r, c):
    row = grid[r]
    return row[c] if c < len(row) else ""


def _match_single(grid, r: int, table: dict[str, str]) -> list[tuple[int, str, str, str]]:
    out = []
    for c, v in enumerate(grid[r]):
        key, unit = normalize_header(v)
        if key and key in table:
            out.append((c, table[key], seen_text(v), unit))
    return out


def _match_double(grid, r: int, table: dict[str, str]) -> list[tuple[int, str, str, str]]:
    upper, lower = grid[r], grid[r + 1]
    width = max(len(upper), len(lower))
    out = []
    carried = ""  # upper label carried across a horizontally merged range
    for c in range(width):
        up = upper[c] if c < len(upper) else ""
        lo = lower[c] if c < len(lower) else ""
        up_key, up_unit = normalize_header(up)
        if up_key:
            carried = up
        lo_key, lo_unit = normalize_header(lo)
        if not lo_key:
            carried = "" if up_key == "" else carried
            if up_key in table:
                out.append((c, table[up_key], seen_text(up), up_unit))
            continue
        unit_below = is_unit_word(lo)
        if unit_below and up_key in table:
            out.append((c, table[up_key], seen_text(up), up_unit or unit_below))
            continue
        group_key, group_unit = normalize_header(carried)
        for cand in (lo_key + group_key, group_key + lo_key):
            if group_key and cand in table:
                out.append((c, table[cand], f"{seen_text(carried)}/{seen_text(lo)}", lo_unit or group_unit))
                break
        else:
            if lo_key in table:
                out.append((c, table[lo_key], seen_text(lo), lo_unit))
    return out


def _build(grid, rows: list[int], matches, spec: Sheet) -> Header:
    columns: dict[str, Column] = {}
    duplicates: list[Column] = []
    for c, fname, seen, unit in matches:
        col = Column(c, fname, seen, unit)
        if fname in columns:
            duplicates.append(col)
        else:
            columns[fname] = col
    matched = {m[0] for m in matches}
    ignored = rules().ignored_headers
    unknown = []
    width = max(len(grid[r]) for r in rows)
    for c in range(width):
        texts = [_cell(grid, r, c) for r in rows if normalize_header(_cell(grid, r, c))[0]]
        if c in matched or not texts:
            continue
        keys = [normalize_header(t)[0] for t in texts]
        if any(k in ignored for k in keys) or is_unit_word(texts[-1]):
            continue
        unknown.append((c, seen_text(texts[-1])))
    header = Header(rows=rows, data_start=rows[-1] + 1, columns=columns, unknown=unknown, duplicates=duplicates)
    _units_row(grid, header)
    return header


def _units_row(grid, header: Header) -> None:
    r = header.data_start
    if r >= len(grid):
        return
    cells = [(c, v) for c, v in enumerate(grid[r]) if v not in ("", None)]
    if not cells or not all(is_unit_word(v) for _, v in cells):
        return
    units = {c: is_unit_word(v) for c, v in cells}
    for col in header.columns.values():
        unit = units.get(col.index)
        if not col.unit and unit:
            col.unit = unit
    header.units_row = r
    header.data_start = r + 1


def min_score(spec: Sheet) -> int:
    return min(3, len(spec.fields))


def detect_header(grid, spec: Sheet) -> Header | None:
    """The best header row (or row pair) of a sheet for one dictionary sheet, or None."""
    table = lookup(spec.key)
    n = min(len(grid), rules().header_scan_rows)
    best = None
    best_score = 0
    memo: dict[int, tuple[list, int]] = {}

    def single_row(r: int) -> tuple[list, int]:
        if r not in memo:
            found = _match_single(grid, r, table)
            memo[r] = (found, len({m[1] for m in found}))
        return memo[r]

    for r in range(n):
        if best is not None and best_score >= min_score(spec) and r > best[0][-1] + 2:
            break  # well into the data rows below a good header
        single, score = single_row(r)
        if score > best_score:
            best, best_score = ([r], single), score
        # a two-row header: the upper row holds group labels (or nothing) over sub labels
        if r + 1 < len(grid) and score < len(spec.fields) and any(v not in ("", None) for v in grid[r + 1]):
            double = _match_double(grid, r, table)
            dscore = len({m[1] for m in double})
            # two rows must beat both rows read alone, else it is a title or units row
            below = single_row(r + 1)[1]
            if dscore > best_score and dscore > below:
                best, best_score = ([r, r + 1], double), dscore
    if best is None:
        return None
    required = {f.field for f in spec.fields if f.required}
    matched = {m[1] for m in best[1]}
    if best_score < min_score(spec) and not (required <= matched and best_score >= 2):
        return None
    return _build(grid, best[0], best[1], spec)


# ----------------------------------------------------------------------------- sheet names


@cache
def _sheet_terms() -> list[tuple[str, str]]:
    """(normalised name or synonym, dictionary sheet key), longest first."""
    terms = []
    for key, spec in sheets().items():
        for name in (spec.name, *spec.synonyms):
            terms.append((nfkc(name), key))
    return sorted(terms, key=lambda t: len(t[0]), reverse=True)


def sheet_name_candidates(name: str) -> dict[str, int]:
    """Dictionary sheet key → strength for a workbook sheet name (empty when none matches).

    Strength 1000 for an exact name or synonym, else the length of the longest name or
    synonym the sheet name contains. A term that lies inside a longer term found in the same
    name does not count (`义务教育学校基本情况汇总` is 义务教育学校, not also 基本信息 by its
    `基本情况`), so several keys left means the name is ambiguous (`学校基本情况`: 学校 or
    基本情况?) and the caller decides by the sheet's content.
    """
    text = nfkc(name)
    for term, key in _sheet_terms():
        if text == term:
            return {key: 1000}
    found = [(term, key) for term, key in _sheet_terms() if term in text]
    out: dict[str, int] = {}
    for term, key in found:  # longest first
        if any(term in longer and key != k for longer, k in found if len(longer) > len(term)):
            continue
        out[key] = max(out.get(key, 0), len(term))
    return out


def match_sheet_name(name: str) -> tuple[str, int] | None:
    """(dictionary sheet key, strength) for a workbook sheet name when the name points to one
    sheet only (see `sheet_name_candidates`), else None."""
    found = sheet_name_candidates(name)
    if len(found) != 1:
        return None
    [(key, strength)] = found.items()
    return key, strength
