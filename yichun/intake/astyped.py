"""The cells as typed, read only for the files a problem concerns.

Every parsed workbook keeps, beside its tables, the same rows as typed (its `raw.<table>`
parts): the text a problem quotes («值»), and the cells of a row that goes to quarantine.
Most files have no problem, so ingest does not gather these parts: a file's are taken from
the file itself when they are in memory, or read back from its stored bundle (the cache entry,
or the worker's scratch file; `FileResult.stored_at`) the first time a problem needs them.
When a bundle can no longer be read, the parsed values stand in for the typed ones.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from yichun.intake.cache import load_typed
from yichun.intake.frames import raw_dtypes, to_pandas
from yichun.intake.reader import FileResult, gather_parts
from yichun.intake.values import cell_text


class AsTyped:
    """The as-typed cells of the rows of the gathered tables (row label i of `tables[t]`)."""

    def __init__(self, results: list[FileResult], tables: dict[str, pd.DataFrame]):
        self.by_file = {r.file: r for r in results}
        self.tables = tables
        self._parts: dict[tuple[str, str], tuple[Any, dict[int, int]] | None] = {}
        self._stored: dict[str, dict | None] = {}  # file → its as-typed parts read back from its bundle (one read per file)

    def _part(self, file: str, table: str):
        """(the file's as-typed part with every column, Excel row → its position), or None."""
        key = (file, table)
        if key not in self._parts:
            r = self.by_file.get(file)
            name = f"raw.{table}"
            part = None
            if r is not None:
                part = r.arrow.get(name)
                if part is None and r.stored_at is not None:
                    if file not in self._stored:
                        self._stored[file] = load_typed(r.stored_at)
                    part = (self._stored[file] or {}).get(name)
            full = gather_parts([r], name, [part]) if r is not None and part is not None else None
            self._parts[key] = None if full is None else (full, {int(v): k for k, v in enumerate(full.column("source_row").to_pylist())})
        return self._parts[key]

    def value(self, table: str, i, fname: str) -> str | None:
        """The cell of row label `i`, field `fname` as typed; None when it kept no text (a number cell) or is unknown."""
        frame = self.tables[table]
        got = self._part(str(frame.at[i, "source_file"]), table)
        if got is None:
            return None
        part, at = got
        row: Any = frame.at[i, "source_row"]
        k = at.get(int(row))
        if k is None or fname not in part.column_names:
            return None
        v = part.column(fname)[k].as_py()
        return None if v is None else str(v)

    def rows(self, table: str, labels: pd.Index) -> pd.DataFrame:
        """The rows with these labels as typed: every column of the as-typed table, indexed by `labels`."""
        frame = self.tables[table]
        columns = list(raw_dtypes(table))
        where = frame.loc[labels, ["source_file", "source_row"]]
        pieces = []
        for file, group in where.groupby("source_file", sort=False):
            got = self._part(str(file), table)
            if got is None:
                pieces.append(self._from_parsed(table, group.index, columns))
                continue
            part, at = got
            picked = to_pandas(part.take([at[int(r)] for r in group["source_row"]]))
            picked.index = group.index
            pieces.append(picked.reindex(columns=columns))
        out = pd.concat(pieces) if pieces else pd.DataFrame(columns=columns)
        return out.loc[labels]

    def _from_parsed(self, table: str, labels: pd.Index, columns: list[str]) -> pd.DataFrame:
        """Rows whose bundle cannot be read: the parsed values written out as text."""
        frame = self.tables[table].loc[labels]
        out = {}
        for col in columns:
            if col not in frame:
                out[col] = pd.Series(None, index=labels, dtype="str")
            elif col in ("year", "source_row"):
                out[col] = frame[col]
            else:
                out[col] = frame[col].map(lambda v: None if pd.isna(v) else cell_text(v)).astype("str")
        return pd.DataFrame(out, index=labels)
