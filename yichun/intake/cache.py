"""The per-file cache of `yichun ingest`: one Arrow IPC bundle per workbook version.

A bundle holds everything `read_workbook` produced for one file (parsed tables, the same
rows as typed, the header map and the file's own problems): an Arrow IPC file (uncompressed:
written and memory-mapped back without encoding, unlike parquet) of one row per part, each
part itself an Arrow IPC stream, so a warm run reads one small file per workbook instead of
parsing it. The key covers the file's content, its path below the raw folder, the fingerprint of the
intake rules, data dictionary, catalogue and intake code, and CACHE_VERSION: change any of
them and the file is read again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa

from yichun.atomic import replacing
from yichun.catalogue import profile_key
from yichun.errors import Problem
from yichun.intake.frames import PROBLEM_DTYPES, to_arrow
from yichun.intake.reader import FileResult
from yichun.intake.rules import rules
from yichun.region import region_key

CACHE_VERSION = "3"
SUFFIX = ".arrow"
META_KEY = b"yichun"


def cache_key(relpath: str, sha256: str) -> str:
    text = f"{CACHE_VERSION}|{rules().fingerprint}|{profile_key()}|{region_key()}|{relpath}|{sha256}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


HEADER_SCHEMA = {"table": "str", "sheet": "str", "field": "str", "seen": "str", "present": "boolean"}


def header_table(result: FileResult) -> pa.Table:
    """The header map of one parsed file as an Arrow table (HEADER_SCHEMA)."""
    if result.header_table is not None:
        return result.header_table  # set from the cache: a pyarrow.Table
    return to_arrow({k: [h[k] for h in result.headers] for k in HEADER_SCHEMA}, HEADER_SCHEMA, len(result.headers))


def _parts(result: FileResult) -> dict:
    parts = dict(result.arrow)
    parts["headers"] = header_table(result)
    rows = [p.as_dict() for p in result.problems]
    parts["problems"] = to_arrow({k: [r[k] for r in rows] for k in PROBLEM_DTYPES}, PROBLEM_DTYPES, len(rows))
    return parts


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def pack(result: FileResult) -> pa.Table:
    """One row per part (table, raw table, headers, problems), each an Arrow IPC stream."""
    parts = _parts(result)
    table = pa.table({"part": pa.array(list(parts), pa.string()), "ipc": pa.array([_ipc(t) for t in parts.values()], pa.binary())})
    meta = {"file": result.file, "sha256": result.sha256, "status": result.status, "county": result.county, "year": result.year,
            "sheets": result.sheets}
    return table.replace_schema_metadata({META_KEY: json.dumps(meta, ensure_ascii=False).encode("utf-8")})


def _blobs(column: pa.ChunkedArray) -> list[pa.Buffer]:
    """Each value of a binary column as a slice of the column's own buffer: zero-copy, so the
    parts of a memory-mapped bundle are read in place. (Taking a value as a scalar, `arr[i]`,
    copies it: some 100 MB for a province's 700 bundles.)"""
    import numpy as np

    out = []
    for chunk in column.chunks:
        _validity, offsets, data = chunk.buffers()
        o = np.frombuffer(offsets, dtype=np.int32, count=len(chunk) + 1, offset=chunk.offset * 4)
        out += [data.slice(int(a), int(b - a)) for a, b in zip(o[:-1], o[1:], strict=True)]
    return out


def _part(blob: pa.Buffer) -> pa.Table:
    with pa.ipc.open_stream(blob) as reader:
        return reader.read_all()


def unpack(table: pa.Table, typed: bool = True) -> FileResult:
    """The parsed file a bundle holds; without `typed`, its as-typed parts ("raw.…") are left in
    the bundle (read back by `load_typed` for the files a problem concerns, see yichun.intake.astyped)."""
    meta = json.loads(table.schema.metadata[META_KEY])
    result = FileResult(file=meta["file"], sha256=meta["sha256"], status=meta["status"], county=meta["county"], year=meta["year"],
                        sheets=meta.get("sheets", {}))
    for name, blob in zip(table.column("part").to_pylist(), _blobs(table.column("ipc")), strict=True):
        if not typed and name.startswith("raw."):
            continue
        part = _part(blob)
        if name == "headers":
            result.header_table = part  # turned into rows only by whoever needs them (ingest gathers the tables)
        elif name == "problems":
            result.problems = [Problem(**row) for row in part.to_pylist()]
        else:
            result.arrow[name] = part
    return result


def load_cached(cache_dir: Path, relpath: str, sha256: str, typed: bool = True) -> FileResult | None:
    return load_stored(cache_dir / f"{cache_key(relpath, sha256)}{SUFFIX}", typed)


def load_stored(path: Path, typed: bool = True) -> FileResult | None:
    """A stored bundle; None when it is missing or damaged. Without `typed`, the as-typed parts
    stay in the bundle and the result remembers where it is (`FileResult.stored_at`)."""
    if not path.exists():
        return None
    try:
        with pa.memory_map(str(path)) as source:
            result = unpack(pa.ipc.open_file(source).read_all(), typed)
    except Exception:  # noqa: BLE001 — a damaged cache entry is simply re-read from the workbook
        return None
    if not typed:
        result.stored_at = path
    return result


def load_typed(path: Path) -> dict[str, pa.Table] | None:
    """The as-typed parts ("raw.…") of a stored bundle, copied out of it (the bundle is not kept
    mapped); None when it cannot be read."""
    try:
        with pa.memory_map(str(path)) as source:
            table = pa.ipc.open_file(source).read_all()
            return {part: _part(blob).combine_chunks()
                    for part, blob in zip(table.column("part").to_pylist(), _blobs(table.column("ipc")), strict=True) if part.startswith("raw.")}
    except Exception:  # noqa: BLE001 — the caller falls back to the parsed values
        return None


def save_cached(cache_dir: Path, result: FileResult) -> Path | None:
    """Store a parsed file; None when the cache cannot be written (a read-only or full disk: the
    run goes on, and writing its outputs then fails with a message naming the folder)."""
    path = cache_dir / f"{cache_key(result.file, result.sha256)}{SUFFIX}"
    try:
        table = pack(result)
        with replacing(path) as tmp, pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    except OSError:
        return None
    return path
