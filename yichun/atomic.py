"""Atomic file writes: every output is written to a temporary file beside its target and
renamed over it only when complete, so a failed run never leaves a half-written file.

    with replacing(path) as tmp:      # any writer that takes a path
        workbook.save(tmp)
    write_text(path, html)
    write_csv(frame, path)            # the stable CSV form of `yichun assess` / `project`
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path


@cache
def _file_mode() -> int:
    """0666 less the process umask: what a plain open() would create (mkstemp makes 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def replacing(path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder (same suffix); on success it replaces
    `path`, on any failure it is removed and `path` is left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, _file_mode())
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path, data: bytes) -> Path:
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path, text: str, encoding: str = "utf-8") -> Path:
    with replacing(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)


def csv_text(frame) -> str:
    """A frame as CSV text: booleans true/false, missing values empty, floats at full precision;
    text that a spreadsheet could take for a formula gets a leading ' (yichun.cellsafe)."""
    import pandas as pd

    from yichun.cellsafe import neutralise_frame

    out = neutralise_frame(frame)
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.map(lambda v: "" if v is pd.NA else ("true" if v else "false")).astype(object)
    return out.to_csv(index=False, lineterminator="\n")


def write_csv(frame, path) -> Path:
    """CSV for analysts and outside checks: UTF-8 with BOM (Excel opens it), see `csv_text`."""
    return write_text(path, csv_text(frame), encoding="utf-8-sig")
