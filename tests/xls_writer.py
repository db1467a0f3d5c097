"""A minimal Excel 97-2003 (.xls, BIFF8 in an OLE2 compound file) writer for tests: text and number cells only."""

from __future__ import annotations

import struct
from pathlib import Path

SECTOR = 512
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _text(value: str, wide_len: bool) -> bytes:
    raw = value.encode("utf-16-le")
    n = len(value)
    return (struct.pack("<HB", n, 1) if wide_len else struct.pack("<BB", n, 1)) + raw


def _sheet(rows: list[list]) -> bytes:
    out = [_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))]
    width = max((len(r) for r in rows), default=0)
    out.append(_record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, int | float) and not isinstance(v, bool):
                out.append(_record(0x0203, struct.pack("<HHHd", r, c, 15, float(v))))
            else:
                out.append(_record(0x0204, struct.pack("<HHH", r, c, 15) + _text(str(v), True)))
    out.append(_record(0x000A, b""))
    return b"".join(out)


def workbook_stream(sheets: dict[str, list[list]]) -> bytes:
    bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
    codepage = _record(0x0042, struct.pack("<H", 1200))
    bodies = [_sheet(rows) for rows in sheets.values()]
    bound = [_record(0x0085, struct.pack("<IBB", 0, 0, 0) + _text(name, False)) for name in sheets]
    eof = _record(0x000A, b"")
    offset = len(bof) + len(codepage) + sum(len(b) for b in bound) + len(eof)
    fixed = []
    for name, body in zip(sheets, bodies):
        fixed.append(_record(0x0085, struct.pack("<IBB", offset, 0, 0) + _text(name, False)))
        offset += len(body)
    return bof + codepage + b"".join(fixed) + eof + b"".join(bodies)


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0" if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) + struct.pack("<III", NOSTREAM, NOSTREAM, child)
            + b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16 + struct.pack("<III", start, size, 0))


def write_xls(path: Path, sheets: dict[str, list[list]]) -> Path:
    stream = workbook_stream(sheets)
    stream += b"\0" * max(0, 4096 - len(stream))  # at least the mini-stream cutoff: stored in regular sectors
    n = -(-len(stream) // SECTOR)
    data = stream.ljust(n * SECTOR, b"\0")
    dir_sector = 1 + n
    fat = [FATSECT] + [i + 2 for i in range(n - 1)] + [END] + [END]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, dir_sector, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    directory = _entry("Root Entry", 5, 1, END, 0) + _entry("Workbook", 2, NOSTREAM, 1, len(stream))
    directory = directory.ljust(SECTOR, b"\0")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + struct.pack(f"<{SECTOR // 4}I", *fat) + data + directory)
    return path
