"""Filling a ledger in as a county would (for notebooks, tests and demonstrations).

`fill_in(path, entries, out)` writes the county's entries into the 问题清单 sheet of a ledger
that yichun wrote: entries = {问题编号: {field or header: value}}, e.g.
{"3609240004-R4-1A2B3C": {"measure": "新建教学楼", "deadline": "2025年6月", "progress": "已完成"}}.
"""

from __future__ import annotations

from pathlib import Path

from yichun.errors import YichunError
from yichun.ledger.config import config, norm


def fill_in(path, entries: dict[str, dict], out=None) -> Path:
    """Copy of the ledger at `path` (to `out`, default in place) with the entries written in."""
    from openpyxl import load_workbook

    from yichun.atomic import replacing
    from yichun.cellsafe import set_value

    cfg = config()
    by_name = {c.field: c.header for c in cfg.columns} | {c.header: c.header for c in cfg.columns}
    wb = load_workbook(path)
    ws = wb[cfg.sheet]
    header = {norm(c.value): c.column for c in ws[1] if c.value}
    id_col = header[norm(cfg.headers["problem_id"])]
    rows = {ws.cell(row=r, column=id_col).value: r for r in range(2, ws.max_row + 1)}
    for pid, values in entries.items():
        if pid not in rows:
            raise YichunError(f"问题清单中没有编号为「{pid}」的问题")
        for key, value in values.items():
            if key not in by_name:
                raise YichunError(f"问题清单没有「{key}」列")
            set_value(ws.cell(row=rows[pid], column=header[norm(by_name[key])]), value)
    out = Path(out or path)
    with replacing(out) as tmp:
        wb.save(tmp)
    return out
