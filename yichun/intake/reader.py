"""Reading one county workbook into parsed frames and problems (no cross-file checks here).

`read_workbook(path, file, sha256, folder_year)` runs the hostile-file guards, reads each
needed sheet once with calamine (`to_python(skip_empty_area=False)`, so grid row i is Excel
row i + 1), finds the sheets by name or by header row, detects the header, skips title,
units, blank, 合计 (checked against the column sums) and note rows, and parses each field
column at once. Everything it finds wrong becomes a `Problem`; nothing raises for bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from yichun.catalogue import catalogue, profile_key
from yichun.counties import NotAssessedError, UnknownCountyError, counties, normalize_county
from yichun.dictionary import Field, Sheet, sheets
from yichun.errors import ERROR, WARNING, Problem
from yichun.intake import values as V
from yichun.intake.frames import DATA_TABLES, arrow_types, dtypes, raw_dtypes, to_arrow, to_pandas
from yichun.intake.headers import Header, detect_header, lookup, normalize_header, seen_text, sheet_name_candidates
from yichun.intake.hostile import FormulaCell, Refused, col_letters, scan
from yichun.intake.rules import nfkc, rules

LEVEL_SUFFIX = {"小学": "_primary", "初中": "_junior", "高中": "_senior"}
_FILE_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


@dataclass
class FileResult:
    """One workbook, parsed: per-table Arrow tables (+ the same rows as typed), header map, problems."""

    file: str  # path relative to the raw folder (posix)
    sha256: str
    status: str = "read"  # read | refused
    county: str | None = None
    year: int | None = None
    # "schools", "raw.schools", ... → pyarrow.Table, without the columns that are the same on every
    # row of a file (county, year, source_file, source_sheet, source_sha256: see `constants`)
    arrow: dict = field(default_factory=dict)
    sheets: dict = field(default_factory=dict)  # table → the sheet it was read from
    headers: list[dict] = field(default_factory=list)  # table, sheet, field, seen, present
    header_table: object = None  # the same as a pyarrow.Table, when read back from the cache (headers then empty)
    problems: list[Problem] = field(default_factory=list)
    # the bundle this result was read back from without its as-typed parts (yichun.intake.cache.load_stored)
    stored_at: Path | None = None

    def constants(self, part: str) -> dict[str, object]:
        """The columns of a part that hold one value for the whole file (stored once, not per row)."""
        table = part[4:] if part.startswith("raw.") else part
        return {"county": self.county, "year": self.year, "source_file": self.file,
                "source_sheet": self.sheets.get(table, ""), "source_sha256": self.sha256}

    def full(self, part: str):
        """One part as an Arrow table with every column, in the table's order."""
        table = gather_parts([self], part)
        return to_arrow({}, _spec(part), 0) if table is None else table

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The parsed tables as pandas frames (for inspection; ingest works on the Arrow tables)."""
        return {k: to_pandas(self.full(k)) for k in self.arrow if not k.startswith("raw.")}

    @property
    def raw(self) -> dict[str, pd.DataFrame]:
        return {k[4:]: to_pandas(self.full(k)) for k in self.arrow if k.startswith("raw.")}

    @property
    def has_errors(self) -> bool:
        return any(p.severity == ERROR for p in self.problems)


class _Ctx:
    """Problem factory bound to one file (and its county/year once known)."""

    def __init__(self, result: FileResult):
        self.r = result

    def add(self, severity, kind, message, sheet="", row=None, column="", value=""):
        self.r.problems.append(
            Problem(severity, kind, message, self.r.file, sheet, row, column, "" if value is None else str(value), self.r.county or "", self.r.year)
        )


# ----------------------------------------------------------------------------- entry point


def read_workbook(path: Path, file: str, sha256: str = "", folder_year: int | None = None) -> FileResult:
    result = FileResult(file=file, sha256=sha256)
    ctx = _Ctx(result)
    try:
        sc = scan(path)
    except Refused as exc:
        result.status = "refused"
        ctx.add(ERROR, exc.kind, exc.message)
        return result
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        meta = [m for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")]
        names = [m.name for m in meta]
        hidden = {m.name for m in meta if not str(m.visible).endswith(".Visible")}
    except Exception:  # noqa: BLE001 — calamine raises several types for a damaged file
        result.status = "refused"
        ctx.add(ERROR, "不是有效的工作簿", "工作簿无法读取：文件已损坏，或内容不是其扩展名所说的格式。请在 Excel 中打开并重新保存为 .xlsx。")
        return result
    grids: dict[str, list[list]] = {}
    merges: dict[str, list] = {}

    def grid(name: str) -> list[list]:
        if name not in grids:
            try:
                sheet = wb.get_sheet_by_name(name)
                grids[name] = sheet.to_python(skip_empty_area=False)
                merges[name] = list(getattr(sheet, "merged_cell_ranges", None) or [])
            except Exception as exc:  # noqa: BLE001
                ctx.add(ERROR, "工作表无法读取", f"工作表无法读取（{type(exc).__name__}: {exc}）。", sheet=name)
                grids[name] = []
        return grids[name]

    grid.merges = merges  # type: ignore[attr-defined]
    grid.hidden = hidden  # type: ignore[attr-defined]
    grid.errors = sc.error_cells  # type: ignore[attr-defined]
    try:
        _read(result, ctx, names, grid, sc.uncached_formulas, path, folder_year)
    finally:
        wb.close()
    return result


def _looks_like_table(g) -> bool:
    return any((h := detect_header(g, sheets()[k])) is not None and _has_key(h, sheets()[k]) for k in DATA_TABLES)


def _read(result, ctx, names, grid, formulas, path, folder_year):
    assigned, ambiguous, disputed = _assign_by_name(names, grid, ctx)
    unassigned = [n for n in names if n not in assigned.values() and n not in disputed]
    # 基本信息 (county and year) first: every problem after it carries them
    info_sheet = assigned.get("info")
    if info_sheet is None and "info" not in disputed.values():
        found = [n for n in unassigned if _info_pairs(grid(n)) and not _looks_like_table(grid(n))]
        visible = [n for n in found if n not in grid.hidden]
        found = visible or found
        if len(found) > 1:
            _two_info_sheets(ctx, found, grid)
            disputed.update({n: "info" for n in found})
            for n in found:
                unassigned.remove(n)
        elif found:
            info_sheet = found[0]
            unassigned.remove(info_sheet)
    if info_sheet is None:
        if "info" not in disputed.values():
            ctx.add(ERROR, "缺少基本信息", "找不到「基本信息」工作表（项目 | 内容，含 县(市、区) 与 统计年度），无法确定本工作簿属于哪个县、哪一年。请按模板补充。")
    else:
        _read_info(result, ctx, info_sheet, grid(info_sheet), formulas.get(info_sheet, []), grid.errors.get(info_sheet, []))
    _check_names(result, ctx, path, folder_year)
    tables: dict[str, str] = {k: v for k, v in assigned.items() if k != "info"}
    # sheets not found by name: look for their header row in the remaining sheets
    wanted = [k for k in DATA_TABLES if k not in tables and k not in disputed.values()]
    if wanted and unassigned:
        candidates = []
        for n in unassigned:
            g = grid(n)
            for key in wanted:
                h = detect_header(g, sheets()[key])
                if h is not None and _has_key(h, sheets()[key]):
                    candidates.append((h.score, n, key))
        # a visible sheet before a hidden one with the same header score
        for _score, _hidden, n, key in sorted(((sc, n in grid.hidden, n, k) for sc, n, k in candidates), key=lambda t: (-t[0], t[1])):
            if key not in tables and n not in tables.values():
                tables[key] = n
                if n in ambiguous:
                    said = "、".join(f"「{sheets()[k].name}」" for k in ambiguous[n])
                    ctx.add(WARNING, "工作表名称不规范", f"工作表「{n}」的名称既像{said}表，无法按名称判断；按表头识别为{sheets()[key].name}表。", sheet=n)
                else:
                    ctx.add(WARNING, "工作表名称不规范", f"工作表「{n}」的名称不是「{sheets()[key].name}」，按表头识别为{sheets()[key].name}表。", sheet=n)
    for key in DATA_TABLES:
        spec = sheets()[key]
        if key not in tables:
            if key in disputed.values():
                continue  # reported: two sheets, no choice made
            if not spec.optional:
                ctx.add(ERROR, "缺少工作表", f"找不到「{spec.name}」工作表（按名称和表头都未找到）。请按模板补充该表。")
            continue
        name = tables[key]
        _read_table(result, ctx, spec, name, grid(name), formulas.get(name, []), grid.merges.get(name, []), grid.errors.get(name, []))


def _has_key(header: Header, spec: Sheet) -> bool:
    need = spec.key_fields or tuple(f.field for f in spec.fields if f.required)[:1]
    return all(k in header.columns for k in need)


def _assign_by_name(names: list[str], grid, ctx: _Ctx) -> tuple[dict[str, str], dict[str, dict], dict[str, str]]:
    """Sheets found by name: ({key: sheet}, {ambiguous sheet: candidates}, {disputed sheet: key}).

    The strongest name wins (an exact name over one with a suffix), a visible sheet over a
    hidden one (said so). Two sheets equally good for one key are an error and neither is read:
    no silent choice between two readings. A name that points to two keys is left to the content.
    """
    hidden = grid.hidden
    groups: dict[str, list[tuple[int, bool, str]]] = {}
    ambiguous: dict[str, dict] = {}
    for n in names:
        found = sheet_name_candidates(n)
        if not found:
            continue
        if len(found) > 1:
            ambiguous[n] = found
            continue
        [(key, strength)] = found.items()
        groups.setdefault(key, []).append((strength, n not in hidden, n))
    assigned: dict[str, str] = {}
    disputed: dict[str, str] = {}
    for key, group in groups.items():
        group.sort(key=lambda t: (-t[0], not t[1]))
        best = group[0]
        ties = [g for g in group if g[:2] == best[:2]]
        label = sheets()[key].name
        if len(ties) > 1:
            if key == "info":
                _two_info_sheets(ctx, [t[2] for t in ties], grid)
            else:
                listed = "、".join(f"「{t[2]}」" for t in ties)
                ctx.add(ERROR, "重复工作表", f"工作表{listed}都是「{label}」表，无法判断以哪个为准，均未读取；请只保留一个（或改名区分）。", sheet=ties[0][2])
            disputed.update({t[2]: key for t in ties})
            continue
        assigned[key] = best[2]
        for strength, visible, n in group[1:]:
            if strength == best[0] and not visible:
                ctx.add(WARNING, "隐藏工作表未读取", f"隐藏的工作表「{n}」也像「{label}」表，已读取可见的「{best[2]}」，隐藏表未读取；请核对。", sheet=n)
            else:
                ctx.add(WARNING, "重复工作表", f"工作表「{n}」与「{best[2]}」都像「{label}」表，只读取名称更贴切的「{best[2]}」。", sheet=n)
    return assigned, ambiguous, disputed


def _two_info_sheets(ctx: _Ctx, found: list[str], grid) -> None:
    said = []
    for n in found:
        pairs = _info_pairs(grid(n))
        values = "，".join(f"{pairs[f][2]} {V.cell_text(pairs[f][3])}" for f in ("county", "year") if f in pairs)
        said.append(f"「{n}」" + (f"（{values}）" if values else ""))
    ctx.add(ERROR, "基本信息不唯一", f"工作簿有 {len(found)} 张「基本信息」表：{'、'.join(said)}；一个工作簿只能描述一个县一个年度，无法判断以哪张为准，整个工作簿未导入。请只保留一张。", sheet=found[0])


# ----------------------------------------------------------------------------- 基本信息


def _info_entries(g) -> dict[str, list[tuple[int, int, str, object]]]:
    """field → every (row, value column, label as seen, value) of a key | value sheet."""
    table = lookup("info")
    out: dict[str, list[tuple[int, int, str, object]]] = {}
    for r, row in enumerate(g[:60]):
        for c in range(min(len(row), 4)):
            key, _ = normalize_header(row[c])
            if key in table:
                vc = next((j for j in range(c + 1, len(row)) if row[j] not in ("", None)), c + 1)
                out.setdefault(table[key], []).append((r, vc, seen_text(row[c]), row[vc] if vc < len(row) else ""))
                break
            if type(row[c]) is str and ("：" in row[c] or ":" in row[c]):  # 统计年度：2025 in one cell
                label, _, value = row[c].replace("：", ":").partition(":")
                key, _ = normalize_header(label)
                if key in table and value.strip():
                    out.setdefault(table[key], []).append((r, c, seen_text(label), value.strip()))
                    break
    return out if {"county", "year"} & set(out) else {}


def _info_pairs(g) -> dict[str, tuple[int, int, str, object]]:
    """field → (row, value column, label as seen, value): the first entry of each field."""
    return {k: v[0] for k, v in _info_entries(g).items()}


def _info_value(fname: str, value):
    """The comparable reading of a 基本信息 value (county name or year), None when unreadable."""
    text = V.cell_text(value)
    if fname == "county":
        try:
            return normalize_county(text)
        except (UnknownCountyError, NotAssessedError):
            return nfkc(text) or None
    years, _bad = V.parse_year([value])
    return years[0]


def _read_info(result: FileResult, ctx: _Ctx, sheet: str, g, formulas: list[FormulaCell], errors: list[FormulaCell]) -> None:
    entries = _info_entries(g)
    fcells = {(f.row, f.col): f for f in formulas}
    ecells = {(f.row, f.col): f for f in errors}
    for fname, label in (("county", "县(市、区)"), ("year", "统计年度")):
        if fname not in entries:
            ctx.add(ERROR, "缺少基本信息", f"「基本信息」表中找不到「{label}」一项，无法确定本工作簿属于哪个县、哪一年。", sheet=sheet)
            continue
        found = entries[fname]
        readings: dict = {}
        for r, _c, seen, value in found:
            reading = _info_value(fname, value)
            if reading is not None:
                readings.setdefault(reading, (r, seen, V.cell_text(value)))
        if len(readings) > 1:
            said = "、".join(f"第 {r + 1} 行「{seen}」为「{text}」" for r, seen, text in readings.values())
            first = next(iter(readings.values()))
            ctx.add(ERROR, "基本信息矛盾", f"「基本信息」表中{label}填了不同的值：{said}；一个工作簿只能描述一个县一个年度，无法判断以哪个为准，整个工作簿未导入。", sheet, first[0] + 1, first[1], first[2])
            continue
        r, c, seen, value = found[0]
        if (r + 1, c) in ecells:
            e = ecells[(r + 1, c)]
            ctx.add(ERROR, "Excel 错误值", f"「{label}」单元格 {e.ref} 是 Excel 错误值 {e.formula}，不是有效内容；请直接填写{label}。", sheet, r + 1, seen, e.formula)
            continue
        if (r + 1, c) in fcells:
            f = fcells[(r + 1, c)]
            ctx.add(ERROR, "公式无缓存值", f"「{label}」是公式 {f.formula}，但文件中没有保存计算结果；请直接填写{label}。", sheet, r + 1, seen, f.formula)
            continue
        text = V.cell_text(value)
        if text == "" or nfkc(text) in rules().missing_markers:
            ctx.add(ERROR, "缺少基本信息", f"「{label}」未填写，无法确定本工作簿属于哪个县、哪一年。", sheet, r + 1, seen, text)
            continue
        if fname == "county":
            try:
                result.county = normalize_county(text)
            except UnknownCountyError as exc:
                ctx.add(ERROR, "未知县(市、区)", str(exc), sheet, r + 1, seen, text)
            except NotAssessedError as exc:
                ctx.add(ERROR, "管理区不单独评估", str(exc), sheet, r + 1, seen, text)
        else:
            years, _bad = V.parse_year([value])
            if years[0] is None or not 2000 <= years[0] <= 2100:
                ctx.add(ERROR, "统计年度无效", "「统计年度」应为四位年份，如 2025（表示 2025—2026 学年）。", sheet, r + 1, seen, text)
            else:
                result.year = years[0]


def _check_names(result: FileResult, ctx: _Ctx, path: Path, folder_year: int | None) -> None:
    # problems recorded before county/year were known get them now
    result.problems[:] = [
        Problem(p.severity, p.kind, p.message, p.file, p.sheet, p.row, p.column, p.value, result.county or "", result.year) for p in result.problems
    ]
    stem = nfkc(path.stem)
    if result.year is not None:
        years = {int(y) for y in _FILE_YEAR.findall(stem)}
        if years and result.year not in years:
            ctx.add(WARNING, "文件名与内容不符", f"文件名中的年份 {'、'.join(map(str, sorted(years)))} 与「基本信息」的统计年度 {result.year} 不一致；以「基本信息」为准，请核对。")
        if folder_year is not None and folder_year != result.year:
            ctx.add(WARNING, "年度与文件夹不符", f"工作簿在 {folder_year} 年度的文件夹中，但「基本信息」的统计年度是 {result.year}；以「基本信息」为准，请核对是否放错文件夹。")
    if result.county:
        named = {c.name for c in counties() if c.name in stem or c.short in stem}
        if named and result.county not in named:
            ctx.add(WARNING, "文件名与内容不符", f"文件名提到 {'、'.join(sorted(named))}，但「基本信息」的县(市、区)是 {result.county}；以「基本信息」为准，请核对。")


# ----------------------------------------------------------------------------- tables


@cache
def _row_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    r = rules()

    def alternation(words) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    note = re.compile(rf"^({alternation(r.note_prefixes)})(?:$|[:0-9])")
    subtotal = re.compile(rf"^({alternation(r.subtotal_markers)})(?:$|[(:])")
    total = re.compile(rf"^({alternation(r.total_markers)})(?:$|[(:])")
    return note, subtotal, total


@lru_cache(maxsize=1 << 16)
def _marker(text: str) -> tuple[bool, str]:
    """(starts a note, "subtotal" | "total" | "") of one text cell: worked out once per distinct text."""
    note, subtotal, total = _row_patterns()
    t = V.norm(text)
    return bool(note.match(t)), "subtotal" if subtotal.match(t) else "total" if total.match(t) else ""


def _classify_rows(g, start: int, cols: list[int]) -> tuple[list[int], list[int]]:
    """(data rows, total rows) below the header (grid indices): each row as `_row_kind` tells it,
    the common data row without a call."""
    data_rows: list[int] = []
    total_rows: list[int] = []
    after_note = False
    first = cols[0] if cols else -1
    for r in range(start, len(g)):
        row = g[r]
        # the common data row, told inline: three plain cells (no text that may be a marker: a
        # number, or a text whose marker result is cached as none) and the first field filled
        if not after_note and len(row) > max(first, 2) and first >= 0:
            a, b, c, v = row[0], row[1], row[2], row[first]
            if (a != "" and a is not None and b != "" and b is not None and c != "" and c is not None and v != "" and v is not None
                    and (type(a) is not str or _marker(a) == _PLAIN) and (type(b) is not str or _marker(b) == _PLAIN)
                    and (type(c) is not str or _marker(c) == _PLAIN)):
                data_rows.append(r)
                continue
        kind = _row_kind(row, cols, after_note)
        if kind == "data":
            data_rows.append(r)
        elif kind == "total":
            total_rows.append(r)
        elif kind == "note":
            after_note = True
    return data_rows, total_rows


_PLAIN = (False, "")  # _marker of a text that starts no note and is no total


def _row_kind(row: list, field_cols: list[int], after_note: bool) -> str:
    """blank | note | total | subtotal | empty | data for one grid row: the first three filled
    cells decide (and, below a note, their count)."""
    firsts: list = []
    count = 0
    for v in row:
        if v != "" and v is not None:
            count += 1
            if len(firsts) < 3:
                firsts.append(v)
            elif not after_note:
                break
    if not firsts:
        return "blank"
    if type(firsts[0]) is str and _marker(firsts[0])[0]:
        return "note"
    if after_note and count == 1:
        return "note"
    for v in firsts:
        if type(v) is str and (kind := _marker(v)[1]):
            return kind
    width = len(row)
    for c in field_cols:
        if c < width and row[c] != "" and row[c] is not None:
            return "data"
    return "empty"


def _county_input_units() -> dict[str, str]:
    return _units_for(profile_key())


@cache
def _units_for(key: str) -> dict[str, str]:  # per profile: the active one (catalogue.use_profile)
    return {r["code"]: r["unit"] for r in catalogue().county_input_codes()}


def _type_levels() -> dict[str, set[str]]:
    return _levels_for(profile_key())


@cache
def _levels_for(key: str) -> dict[str, set[str]]:
    return {k: set(v) for k, v in catalogue().rules["school_type_levels"].items()}


def field_level(f: Field) -> str:
    return f.sub if f.sub in LEVEL_SUFFIX else ""


@dataclass
class _Block:
    """The data rows of one sheet: Excel row numbers and each field's cells (lists)."""

    rows: list[int]  # Excel rows (1-based)
    cells: dict[str, list]

    @classmethod
    def take(cls, g, grid_rows: list[int], fields: list[Field], header: Header) -> _Block:
        width = max((header.columns[f.field].index for f in fields), default=-1) + 1
        rows = [g[r] if len(g[r]) >= width else [*g[r], *([""] * (width - len(g[r])))] for r in grid_rows]
        columns = list(zip(*rows)) if rows else [()] * width  # transposed once, at C speed
        cells = {f.field: list(columns[header.columns[f.field].index]) for f in fields}
        return cls([r + 1 for r in grid_rows], cells)


def _fill_merged(ctx, sheet: str, g, header: Header, cols: list[int], merges: list) -> None:
    """A value merged down several data rows applies to each of them (with a warning)."""
    by_col = {c.index: c for c in header.columns.values()}
    for (r0, c0), (r1, c1) in merges:
        if r1 <= r0 or r0 < header.data_start or r0 >= len(g) or not any(c0 <= c <= c1 for c in cols):
            continue
        v = g[r0][c0] if c0 < len(g[r0]) else ""
        if v in ("", None):
            continue
        for r in range(r0 + 1, min(r1, len(g) - 1) + 1):
            row = g[r]
            if len(row) <= c0:
                row.extend([""] * (c0 + 1 - len(row)))
            if row[c0] in ("", None):
                row[c0] = v
        col = by_col.get(c0)
        ref = f"{col_letters(c0)}{r0 + 1}:{col_letters(c1)}{r1 + 1}"
        ctx.add(WARNING, "合并单元格", f"单元格 {ref} 是合并单元格，值「{V.cell_text(v)}」已用于合并范围内的每一行（第 {r0 + 1}—{r1 + 1} 行）；请核对，最好取消合并、逐行填写。",
                sheet, r0 + 1, col.seen if col else "", V.cell_text(v))


def _read_table(result: FileResult, ctx: _Ctx, spec: Sheet, sheet: str, g, formulas: list[FormulaCell], merges=(), errors=()) -> None:
    header = detect_header(g, spec)
    if header is None:
        ctx.add(ERROR, "找不到表头", f"工作表「{sheet}」中找不到「{spec.name}」的表头行（前 {rules().header_scan_rows} 行内应有 {'、'.join(f.header for f in spec.fields[:4])} 等列）。", sheet)
        return
    at = header.rows[-1] + 1
    must = set(rules().required_columns.get(spec.key, ()))
    for fdef in spec.fields:
        col = header.columns.get(fdef.field)
        result.headers.append({"table": spec.key, "sheet": sheet, "field": fdef.field, "seen": col.seen if col else fdef.header, "present": col is not None})
        if col is None:
            if fdef.required or fdef.field in must:
                ctx.add(ERROR, "缺少必填列", f"缺少必填列「{fdef.header}」，本表各行都无法使用。请按模板补充该列。", sheet, at, fdef.header)
            elif spec.key in ("schools", "kindergartens"):
                ctx.add(WARNING, "缺少列", f"缺少列「{fdef.header_with_unit}」，该项按缺失处理（不按 0 计）。", sheet, at, fdef.header)
    for c, seen in header.unknown:
        ctx.add(WARNING, "未识别的列", f"列「{seen}」（{col_letters(c)}列）不是数据字典中的字段，已忽略。可用的列名见 yichun template 生成的模板。", sheet, at, seen)
    for dup in header.duplicates:
        first = header.columns[dup.field]
        ctx.add(WARNING, "重复列", f"列「{dup.seen}」（{col_letters(dup.index)}列）与「{first.seen}」（{col_letters(first.index)}列）对应同一字段，只读取后者。", sheet, at, dup.seen)

    fields = [f for f in spec.fields if f.field in header.columns]
    cols = [header.columns[f.field].index for f in fields]
    if merges:
        _fill_merged(ctx, sheet, g, header, cols, merges)
    data_rows, total_rows = _classify_rows(g, header.data_start, cols)
    if not data_rows and not spec.optional:
        ctx.add(WARNING, "没有数据行", f"工作表「{sheet}」在表头下没有数据行。", sheet, at)

    block = _Block.take(g, data_rows, fields, header)
    ecells = _report_errors(ctx, sheet, header, fields, block, {(e.row, e.col): e for e in errors})
    parsed, raw, unreadable, factors = _parse(ctx, spec, sheet, header, fields, block)
    fcells = {(f.row, f.col): f for f in formulas}
    formula_totals = _report_formulas(ctx, sheet, header, fields, fcells, set(block.rows), total_rows)
    if total_rows and spec.key in ("schools", "kindergartens", "population"):
        _check_totals(ctx, sheet, header, fields, parsed, factors, _Block.take(g, total_rows, fields, header), formula_totals)
    if spec.key in ("schools", "kindergartens"):
        _report_missing(ctx, spec, sheet, header, parsed, unreadable, {**fcells, **ecells}, block.rows)
    n = len(block.rows)
    result.sheets[spec.key] = sheet
    result.arrow[spec.key] = to_arrow({"source_row": block.rows, **parsed}, _varying(spec.key), n)
    result.arrow[f"raw.{spec.key}"] = to_arrow({"source_row": block.rows, **raw}, _varying(f"raw.{spec.key}"), n)


CONSTANT_COLUMNS = ("county", "year", "source_file", "source_sheet", "source_sha256")


def _spec(part: str) -> dict[str, str]:
    """Column → dtype of a part ("schools" or its as-typed twin "raw.schools"), in the table's order."""
    return raw_dtypes(part[4:]) if part.startswith("raw.") else dtypes(part)


@cache
def _varying(part: str) -> dict[str, str]:
    """The columns of a part that are stored per row (the others are FileResult.constants)."""
    return {c: d for c, d in _spec(part).items() if c not in CONSTANT_COLUMNS}


def gather_parts(results: list[FileResult], part: str, tables: list | None = None):
    """One part of several files as one Arrow table with every column: the rows concatenated, and
    each file's constants (FileResult.constants) repeated over its rows at C speed; None when no
    file has rows. `tables`: the part of each file when it is not in FileResult.arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    given = tables if tables is not None else [r.arrow.get(part) for r in results]
    pairs = [(r, t) for r, t in zip(results, given, strict=True) if t is not None and t.num_rows]
    if not pairs:
        return None
    with_rows = [r for r, _ in pairs]
    gathered = pa.concat_tables([t for _, t in pairs], promote_options="permissive")
    which = pa.array(np.repeat(np.arange(len(pairs)), [t.num_rows for _, t in pairs]))
    constants = [r.constants(part) for r in with_rows]
    types = arrow_types()
    columns = {}
    for col, dtype in _spec(part).items():
        if col in CONSTANT_COLUMNS:
            columns[col] = pc.take(pa.array([c[col] for c in constants], types[dtype]), which)
        else:
            columns[col] = gathered.column(col)
    return pa.table(columns)


class Gathering:
    """The parsed tables of many files (not their as-typed twins, which stay with each file: see
    yichun.intake.astyped), gathered batch by batch as the files come (in the order they are
    added): while the workers parse, the parent copies what has arrived into contiguous columns,
    and each file's small per-part tables (about 10 KB of overhead each) and the cache entry their
    columns point into are let go after its batch."""

    def __init__(self, batch: int = 64):
        self.batch = batch
        self.pending: list[FileResult] = []
        self.pieces: dict[str, list] = {}

    def add(self, result: FileResult) -> None:
        self.pending.append(result)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        parts = sorted({p for r in self.pending for p in r.arrow if not p.startswith("raw.")})
        for part in parts:
            table = gather_parts(self.pending, part)
            if table is not None:  # copied into contiguous columns: the files' buffers (their cache entries) are let go
                self.pieces.setdefault(part, []).append(table.combine_chunks())
        for r in self.pending:  # the as-typed parts stay with their file (yichun.intake.astyped)
            r.arrow = {k: v for k, v in r.arrow.items() if k.startswith("raw.")}
        self.pending = []

    def table(self, part: str):
        """One part of every file added, as one Arrow table (a chunk per batch), or None when no file
        has rows. The part is handed over: the Gathering keeps no copy (a second call gives None)."""
        import pyarrow as pa

        self.flush()
        pieces = self.pieces.pop(part, None)
        if not pieces:
            return None
        return pieces[0] if len(pieces) == 1 else pa.concat_tables(pieces, promote_options="permissive")


def _parse(ctx, spec: Sheet, sheet: str, header: Header, fields: list[Field], block: _Block):
    """Parsed columns, the same columns as typed, and per field the mask of unreadable cells."""
    parsed: dict[str, object] = {}
    raw: dict[str, list] = {}
    unreadable: dict[str, np.ndarray] = {}
    factors: dict[str, float] = {}  # money fields: unit of the sheet → 万元

    def report_bad(bad: np.ndarray, fdef: Field, message: str):
        unreadable[fdef.field] = bad
        if bad.any():
            col = header.columns[fdef.field]
            for k in np.flatnonzero(bad):
                ctx.add(ERROR, "无法识别的值", message, sheet, block.rows[k], col.seen, V.cell_text(block.cells[fdef.field][k]))

    for fdef in fields:
        cells = block.cells[fdef.field]
        # as typed; numbers of plain numeric fields are restored from the parsed value when needed
        plain_number = fdef.type in ("int", "float") and not fdef.money and spec.key in ("schools", "kindergartens", "population")
        raw[fdef.field] = V.typed_text(cells) if plain_number else V.texts(cells)
        if fdef.field.endswith("_id"):
            ids, numeric = V.parse_id(cells)
            parsed[fdef.field] = ids
            if numeric.any():
                col = header.columns[fdef.field]
                _warn_numeric_ids(ctx, sheet, col.seen, col.index, block, fdef.field, ids, numeric)
        elif fdef.type == "enum":
            parsed[fdef.field] = V.parse_enum(cells, fdef.field)
        elif fdef.field == "township":  # compared between the 幼儿园 and 乡镇 sheets
            parsed[fdef.field] = V.parse_name(cells)
        elif fdef.type in ("text", "date"):
            parsed[fdef.field] = V.parse_text(cells, normalize=fdef.field == "code")
        elif fdef.type == "bool":
            vals, bad = V.parse_bool(cells)
            parsed[fdef.field] = vals
            report_bad(bad, fdef, f"「{fdef.header}」应填 是 或 否。")
        elif fdef.type == "year":
            vals, bad = V.parse_year(cells)
            parsed[fdef.field] = vals
            report_bad(bad, fdef, f"「{fdef.header}」应为四位年份，如 2025。")
        else:  # int / float
            numbers, bad = V.parse_number(cells)
            factor = _unit_factor(ctx, sheet, header, fdef)
            if factor != 1.0:
                factors[fdef.field] = factor
                numbers = numbers * factor
            parsed[fdef.field] = numbers
            unit = f"（单位：{fdef.unit}）" if fdef.unit else ""
            report_bad(bad, fdef, f"「{fdef.header}」不是可识别的数值；应填数字{unit}，缺失请留空或填「—」。")
    if spec.key == "county_inputs":
        _county_values(ctx, sheet, header, block, parsed)
    if spec.key == "plans":
        _plan_items(ctx, sheet, header, block, parsed)
    return parsed, raw, unreadable, factors


def _warn_numeric_ids(ctx, sheet: str, seen: str, col: int, block: _Block, fname: str, ids: list, numeric: np.ndarray) -> None:
    lengths = [len(t) for t, num in zip(ids, numeric) if t is not None and not num]
    usual = max(set(lengths), key=lengths.count) if lengths else None
    for k in np.flatnonzero(numeric):
        text = ids[k]
        short = f"，比其他标识码({usual}位)短 {usual - len(text)} 位，开头的0可能已丢失" if usual and len(text) < usual else ""
        ref = f"{col_letters(col)}{block.rows[k]}"
        ctx.add(
            WARNING, "标识码为数字",
            f"单元格 {ref} 的标识码以数字而非文本形式填写（可能已丢失开头的0或显示为科学计数法{short}），已按「{text}」读取。请把该列设为文本格式并核对标识码。",
            sheet, block.rows[k], seen, V.cell_text(block.cells[fname][k]),
        )


def _unit_factor(ctx, sheet: str, header: Header, fdef: Field) -> float:
    """value × factor = the dictionary unit, from the unit the header (or units row) names.

    A unit yichun does not know for the field is an error for the whole column (never ignored)."""
    col = header.columns[fdef.field]
    unit = nfkc(col.unit) if col.unit else ""
    if not unit:
        return 1.0
    factors = rules().money_units if fdef.money else rules().unit_factors.get(nfkc(fdef.unit or ""))
    if factors is None:
        return 1.0  # a field without a unit of measure (a year): brackets are only a note
    if unit in factors:
        return factors[unit]
    known = "、".join(factors)
    ctx.add(ERROR, "无法识别的单位", f"列「{col.seen}」的单位「{col.unit}」不是本项可用的单位，无法换算；应为 {known} 之一（{fdef.header}按 {fdef.unit} 计）。本表各行都无法使用。",
            sheet, header.rows[-1] + 1, col.seen, col.unit)
    return float("nan")


def _report_errors(ctx, sheet: str, header: Header, fields: list[Field], block: _Block, ecells: dict) -> dict:
    """Excel error values (#REF! …) in data cells: one error each, the cell then read as empty.

    `ecells` are the cells the file marks as errors (the reader gives them as empty); text cells
    holding an error's spelling count too. Returns the error cells found, by (row, column)."""
    found = {}
    at = {row: k for k, row in enumerate(block.rows)} if ecells else {}
    for f in fields:
        col = header.columns[f.field]
        cells = block.cells[f.field]
        # the cells that may hold an error: marked by the file, or text starting with #
        marked = {at[row] for row, c in ecells if c == col.index and row in at}
        maybe = [k for k, v in enumerate(cells) if type(v) is str and v and v[0] in "#＃"]
        for k in sorted(marked.union(maybe)):
            v = cells[k]
            row = block.rows[k]
            e = ecells.get((row, col.index))
            text = e.formula if e is not None else V.excel_error(v)
            if text is None:
                continue
            cells[k] = ""
            found[(row, col.index)] = e
            ref = f"{col_letters(col.index)}{row}"
            ctx.add(ERROR, "Excel 错误值", f"单元格 {ref} 是 Excel 错误值 {text}（公式出错或引用失效），不是有效数据；请在 Excel 中改正公式或直接填写{f.header}。", sheet, row, col.seen, text)
    return found


def _county_values(ctx, sheet: str, header: Header, block: _Block, parsed: dict) -> None:
    known = _county_input_units()
    n = len(block.rows)
    codes = parsed.get("code") or [None] * n
    sheet_units = parsed.get("unit") or [None] * n
    units = [u if u else known.get(c) for u, c in zip(sheet_units, codes)]
    parsed["unit"] = units
    cells = block.cells.get("value", [""] * n)
    value, rating, bad = V.parse_county_value(cells, units)
    parsed["value"], parsed["rating"], parsed["raw"] = value, rating, V.texts(cells)
    seen = header.columns["value"].seen if "value" in header.columns else "数值"
    for k in np.flatnonzero(bad):
        ctx.add(ERROR, "无法识别的值", "「数值」不是可识别的数值、百分比、是/否或等级；应为如 96.5% 或 0.965、是/否、优/良/中/差。", sheet, block.rows[k], seen, V.cell_text(cells[k]))
    missing = [k for k in range(n) if codes[k] is not None and V.is_missing(cells[k])]
    if missing:
        listed = "、".join(codes[k] for k in missing[:20])
        more = f" 等 {len(missing)} 项" if len(missing) > 20 else f"（共 {len(missing)} 项）"
        ctx.add(WARNING, "县级指标未填", f"以下指标未填写数值，评估时按「缺数据」处理：{listed}{more}。", sheet, block.rows[missing[0]], seen)


def _plan_items(ctx, sheet: str, header: Header, block: _Block, parsed: dict) -> None:
    if "item" not in block.cells:
        return
    table = lookup("schools")
    numeric = {f.field: f for f in sheets()["schools"].fields if f.type in ("int", "float")}
    items: list[str | None] = []
    levels: list[str] = []
    factors: list[float] = []
    seen = header.columns["item"].seen
    for k, v in enumerate(block.cells["item"]):
        key, unit = normalize_header(v)
        fname = table.get(key)
        if fname in numeric:
            f = numeric[fname]
            items.append(fname)
            levels.append(field_level(f))
            factors.append(rules().money_units.get(nfkc(unit), 1.0) if f.money and unit else 1.0)
        else:
            items.append(None)
            levels.append("")
            factors.append(1.0)
            if key:
                ctx.add(ERROR, "未知建设项目", "「项目」应为义务教育学校表中的资源字段名称，如 教学及辅助用房面积、体育运动场馆面积、小学县级及以上骨干教师数。", sheet, block.rows[k], seen, V.cell_text(v))
    parsed["item"], parsed["level"] = items, levels
    if "quantity" in parsed:
        parsed["quantity"] = parsed["quantity"] * np.array(factors)


def _report_formulas(ctx, sheet: str, header: Header, fields: list[Field], fcells: dict, data_rows: set[int], total_rows: list[int]) -> set[int]:
    """Problems for formula cells without a cached value; returns the total rows affected."""
    by_col = {header.columns[f.field].index: f for f in fields}
    totals = {r + 1 for r in total_rows}
    affected_totals = set()
    for (row, c), fc in sorted(fcells.items()):
        f = by_col.get(c)
        if f is None:
            continue
        seen = header.columns[f.field].seen
        if row in data_rows:
            severity = ERROR if f.required else WARNING
            extra = "这是必填项，本行无法使用" if f.required else "按缺失处理（不按 0 计）"
            ctx.add(severity, "公式无缓存值", f"单元格 {fc.ref} 是公式 {fc.formula}，但文件中没有保存计算结果（程序生成或未重新计算保存的文件），读作空值，{extra}。请在 Excel 中打开、重新计算并保存后再导入，或直接填写数值。", sheet, row, seen, fc.formula)
        elif row in totals:
            affected_totals.add(row)
            ctx.add(WARNING, "公式无缓存值", f"合计行单元格 {fc.ref} 是公式 {fc.formula}，但文件中没有保存计算结果，无法与各行之和核对。", sheet, row, seen, fc.formula)
    return affected_totals


def _check_totals(ctx, sheet: str, header: Header, fields: list[Field], parsed: dict, factors: dict, totals: _Block, formula_rows: set[int]) -> None:
    """Compare each 合计 row with the sum of the data rows, in the sheet's own unit."""
    tol = rules().total_tolerance
    for f in fields:
        if f.type not in ("int", "float"):
            continue
        factor = factors.get(f.field, 1.0)
        values = parsed[f.field]
        if np.isnan(values).all():
            continue
        expected = round(float(np.nansum(values)) / factor, 6)
        got, _ = V.parse_number(totals.cells[f.field])
        for k, v in enumerate(got):
            row = totals.rows[k]
            if np.isnan(v) or row in formula_rows:
                continue
            if abs(v - expected) > max(tol, 1e-9 * abs(expected)):
                seen = header.columns[f.field].seen
                ctx.add(WARNING, "合计不符", f"合计行的「{seen}」为 {_fmt(v)}，但各数据行之和为 {_fmt(expected)}（相差 {_fmt(v - expected)}）；请核对是否漏填、多填或合计有误。合计行不计入数据。", sheet, row, seen, V.cell_text(totals.cells[f.field][k]))


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _report_missing(ctx, spec: Sheet, sheet: str, header: Header, parsed: dict, unreadable: dict, fcells: dict, rows: list[int]) -> None:
    """One warning per column with empty cells (only where the school's type has that level)."""
    if not rows:
        return
    levels = _type_levels()
    types = parsed.get("school_type")
    for f in spec.fields:
        if f.required or f.field not in parsed or f.type == "date":
            continue
        col = parsed[f.field]
        missing = np.isnan(col) if isinstance(col, np.ndarray) else np.array([v is None for v in col])
        if f.field in unreadable:
            missing &= ~unreadable[f.field]
        parent = rules().empty_when_zero.get(f.field)
        if parent in parsed:
            missing &= ~(np.asarray(parsed[parent], dtype=float) == 0)
        level = field_level(f)
        c = header.columns[f.field].index
        hits = []
        for k in np.flatnonzero(missing):
            if level and types is not None and (types[k] not in levels or level not in levels[types[k]]):
                continue  # no such level in this type of school (or the type itself is wrong: reported)
            if (rows[k], c) in fcells:
                continue  # reported as a formula without a value
            hits.append(rows[k])
        if hits:
            shown = "、".join(map(str, hits[:8])) + (" 行等" if len(hits) > 8 else " 行")
            seen = header.columns[f.field].seen
            ctx.add(WARNING, "缺失值", f"列「{seen}」有 {len(hits)} 个单元格为空或填写了缺失标记（第 {shown}），按缺失处理（不按 0 计），请补填。", sheet, hits[0], seen)


def warm() -> None:
    """Load everything a parse needs once (rules, dictionary, catalogue, the native reader), so
    that child processes forked to parse one file each start with it in memory."""
    import python_calamine  # noqa: F401

    from yichun.intake.headers import _sheet_terms

    rules()
    _sheet_terms()
    _row_patterns()
    _county_input_units()
    _type_levels()
    for key in sheets():
        lookup(key)
    normalize_county(counties()[0].name)
