"""Reading back a 问题清单 a county filled in: untrusted input, read under the intake's guards.

The file goes through the intake's hostile-file checks (yichun.intake.hostile.scan: not a zip,
encrypted, macro-enabled, zip bomb, absurd sheet size are refused) and is read with calamine
(cached values only; nothing in the workbook is evaluated). Then, leniently where a county's
habits are harmless and strictly where a guess could mislead:

- the sheet is 问题清单, or else the one sheet whose header row has 问题编号 (a renamed sheet);
- the header row is found by 问题编号 in the first 20 rows; columns are matched by header
  (spaces and full-width forms ignored) in any order; unknown columns are ignored;
- merged cells are read as if every cell of the range held the value of its first cell;
- 完成时限 may be a date, an Excel day number or text (yichun.ledger.dates); 进度 may use the
  usual synonyms (ledger.yaml);
- rows that begin with a note word (填表人, 备注, …) are notes; blank rows are skipped.

Everything else is an error naming the file, sheet, cell and value: an unreadable date or
进度, a row with entries but no 问题编号, an id that is not one of ours, an id twice, a row of
another county. `read_returned` raises InputError with all of them at once (exit 2 in the CLI).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from yichun.errors import ERROR, WARNING, InputError, Problem, YichunError
from yichun.ledger.config import config, norm
from yichun.ledger.dates import parse_deadline

HEADER_SCAN_ROWS = 20
TEXT_FIELDS = ("measure", "responsible_unit", "responsible_person", "funding", "completion_note",
               "county", "school_id", "school_name", "level", "indicator", "indicator_name", "unit")
NUMBER_FIELDS = ("value", "standard", "shortfall", "cost_wan")


@dataclass
class Returned:
    """A returned ledger: one row per problem id with the county's entries and the earlier facts."""

    frame: pd.DataFrame  # problem_id, excel_row, and every ledger field the file has
    file: str
    sheet: str
    notes: list[Problem] = field(default_factory=list)  # warnings: renamed sheet, ignored columns


def _cell(row: int, col: int) -> str:
    from yichun.intake.hostile import col_letters

    return f"{col_letters(col)}{row + 1}"


def _text(v) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    t = str(v).strip()
    return t or None


def _number(v):
    if v is None or v == "" or isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(str(v).replace(",", "").strip())
    except ValueError:
        return None


def _fill_merged(grid: list[list], ranges) -> None:
    for (r0, c0), (r1, c1) in ranges or ():
        if r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if r != r0 or c != c0:
                    row[c] = value


def _header_row(grid: list[list]) -> int | None:
    """The row holding 问题编号 and at least one of the county's fill-in columns (so that the
    summary and 一校一策 sheets, which also list 问题编号, are not taken for the ledger)."""
    cfg = config()
    key = norm(cfg.headers["problem_id"])
    fill = {norm(cfg.headers[f]) for f in cfg.fill_in}
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        cells = {norm(v) for v in row if isinstance(v, str)}
        if key in cells and cells & fill:
            return i
    return None


def read_returned(path, county: str | None = None) -> Returned:
    """Read a returned 问题清单 (.xlsx). `county`: the rows must all be this county's."""
    from python_calamine import CalamineWorkbook

    from yichun.intake.hostile import Refused, scan

    cfg = config()
    path = Path(path)
    file = path.name
    if not path.exists():
        raise YichunError(f"找不到上期问题清单文件 {path}")
    if path.suffix.lower() != ".xlsx":
        raise YichunError(f"上期问题清单 {file} 应为 .xlsx 工作簿（请在 Excel 中「另存为」Excel 工作簿后再读取）")
    try:
        sc = scan(path)
    except Refused as exc:
        raise InputError(f"上期问题清单 {file} 不能读取：{exc.message}", [Problem(ERROR, exc.kind, exc.message, file=file)]) from None
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 — calamine raises several types for a damaged file
        raise YichunError(f"上期问题清单 {file} 无法读取（{type(exc).__name__}: {exc}）。请在 Excel 中打开并重新保存为 .xlsx。") from None
    try:
        names = [m.name for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")]
        notes: list[Problem] = []

        def grid_of(name):
            sheet = wb.get_sheet_by_name(name)
            grid = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            _fill_merged(grid, getattr(sheet, "merged_cell_ranges", None))
            return grid

        chosen = next((n for n in names if norm(n) == norm(cfg.sheet)), None)
        grid = grid_of(chosen) if chosen else None
        head = _header_row(grid) if grid is not None else None
        if chosen is None or grid is None or head is None:
            found = [(n, g, h) for n in names if n not in (chosen, cfg.closing_sheet)
                     for g in [grid_of(n)] for h in [_header_row(g)] if h is not None]
            if not found:
                raise YichunError(f"上期问题清单 {file} 中找不到表头含「{cfg.headers['problem_id']}」和填写列（如「{cfg.headers['progress']}」）的工作表"
                                  f"（工作簿中的工作表：{'、'.join(names) or '无'}）。请使用 yichun problems 生成的问题清单填写后返回。")
            if len(found) > 1:
                raise YichunError(f"上期问题清单 {file} 中有 {len(found)} 个工作表的表头含「{cfg.headers['problem_id']}」"
                                  f"（{'、'.join(n for n, _, _ in found)}），无法确定读取哪一个：请只保留一个，或把要读取的工作表命名为「{cfg.sheet}」。")
            chosen, grid, head = found[0]
            notes.append(Problem(WARNING, "工作表已改名", f"没有名为「{cfg.sheet}」的工作表，已读取表头含「{cfg.headers['problem_id']}」的工作表「{chosen}」",
                                 file=file, sheet=chosen))
    finally:
        wb.close()
    for f in sc.uncached_formulas.get(chosen, []):
        notes.append(Problem(WARNING, "公式没有计算结果", f"单元格 {f.ref} 是公式（{f.formula}）但保存时没有计算结果，按空白读取；"
                             "请在 Excel 中打开、重新计算并保存", file=file, sheet=chosen, row=f.row, value=f.formula))
    frame, problems = _rows(grid, head, file, chosen, county, notes)
    if problems:
        raise InputError(f"上期问题清单 {file}（工作表「{chosen}」）有 {len(problems)} 处无法读取，请修改后重试：", problems)
    return Returned(frame, file, chosen, notes)


def _rows(grid: list[list], head: int, file: str, sheet: str, county: str | None, notes: list[Problem]):
    """The ledger rows below the header row `head` (0-based) of `grid`."""
    from yichun.counties import normalize_county
    from yichun.dictionary import dictionary

    cfg = config()
    by_header = {norm(c.header): c.field for c in cfg.columns}
    cols: dict[str, int] = {}
    problems: list[Problem] = []
    ignored = []
    for j, h in enumerate(grid[head]):
        key = norm(h) if h not in (None, "") else ""
        if not key:
            continue
        f = by_header.get(key)
        if f is None:
            ignored.append(str(h))
        elif f in cols:
            problems.append(Problem(ERROR, "表头重复", f"表头「{h}」出现两次（{_cell(head, cols[f])} 和 {_cell(head, j)}），只能保留一列",
                                    file=file, sheet=sheet, row=head + 1, column=str(h), value=str(h)))
        else:
            cols[f] = j
    if ignored:
        notes.append(Problem(WARNING, "未识别的列", f"这些列不是问题清单的列，已忽略：{'、'.join(ignored)}", file=file, sheet=sheet, row=head + 1))
    note_words = tuple(dictionary().get("note_prefixes", ()))
    id_pattern = re.compile(rf"\S+-[A-Z]{{1,3}}\d{{0,2}}-[0-9A-F]{{{cfg.id_digits}}}")
    headers = cfg.headers
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}

    def bad(i, f, value, message, kind):
        problems.append(Problem(ERROR, kind, f"单元格 {_cell(i, cols[f])}：{message}", file=file, sheet=sheet, row=i + 1,
                                column=headers[f], value=_text(value) or ""))

    for i in range(head + 1, len(grid)):
        row = grid[i]

        def get(f, row=row):
            j = cols.get(f)
            return row[j] if j is not None and j < len(row) else ""

        if all(v in (None, "") for v in row):
            continue
        raw_id = get("problem_id")
        pid = _text(raw_id)
        if pid is None:
            if any(get(f) not in (None, "") for f in cols if f != "problem_id"):
                bad(i, "problem_id", raw_id, f"这一行有内容但没有{headers['problem_id']}；问题按编号核对，请勿删除或改动编号", "缺少问题编号")
            continue
        if pid.startswith(note_words):
            continue
        if not id_pattern.fullmatch(pid):
            bad(i, "problem_id", raw_id, f"「{pid}」不是 yichun 生成的{headers['problem_id']}（形如 3609240001-R4-1A2B3C）；请勿改动编号", "问题编号无效")
            continue
        if pid in seen:
            bad(i, "problem_id", raw_id, f"编号「{pid}」在第 {seen[pid]} 行已出现；每个问题只能有一行", "问题编号重复")
            continue
        seen[pid] = i + 1
        rec: dict[str, Any] = {"problem_id": pid, "excel_row": i + 1}
        for f in cols:
            if f == "problem_id":
                continue
            v = get(f)
            if f == "deadline":
                try:
                    rec[f] = parse_deadline(v)
                except ValueError:
                    bad(i, f, v, f"无法识别的日期「{_text(v)}」；请填写如 2025-06-30 或 2025年6月30日", "完成时限无法识别")
            elif f == "progress":
                t = _text(v)
                if t is None:
                    rec[f] = None
                elif norm(t) in cfg.progress_synonyms:
                    rec[f] = cfg.progress_synonyms[norm(t)]
                else:
                    bad(i, f, v, f"「{t}」不是可选的进度；应为 {'、'.join(cfg.progress)} 之一", "进度无法识别")
            elif f in NUMBER_FIELDS:
                rec[f] = _number(v)
            elif f == "required":
                rec[f] = _text(v) == "是" if _text(v) else None
            else:
                rec[f] = _text(v)
        if county is not None and rec.get("county"):
            try:
                other = normalize_county(rec["county"])
            except YichunError:
                other = rec["county"]
            if other != county:
                bad(i, "county", rec["county"], f"这一行是「{rec['county']}」的问题，不是{county}的；请使用{county}的问题清单", "县(市、区)不符")
        records.append(rec)
    columns = ["problem_id", "excel_row"] + [c.field for c in cfg.columns if c.field != "problem_id"]
    frame = pd.DataFrame(records).reindex(columns=columns).astype(object)
    frame = frame.where(frame.notna(), None)
    return frame, problems
