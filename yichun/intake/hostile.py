"""Guards run on a workbook before anything parses it: refuse what is unsafe or unreadable.

Every check is bounded in time and memory and looks only at the zip directory and at
capped, streamed reads of the parts: a file that is not a zip, an encrypted or legacy
OLE2 file renamed to .xlsx, a zip bomb (declared sizes, compression ratio, and the bytes
actually inflated), a macro-enabled workbook (.xlsm, xl/vbaProject.bin, or a macroEnabled
content type) are refused with one Chinese message. Nothing in a workbook is ever executed.

What parsing would cost is worked out from what the file really holds, not from how its XML
is spelt: every XML part is streamed through expat (any quote style, spacing, namespace
prefix, transitional or Strict OOXML), cell positions are followed as the reader follows
them (from `r` attributes, or counted when they are missing), and the rectangle the cells
span is checked against the row, column and cell budgets; a shared-strings table is checked
on its declared counts before the reader would allocate for them. The same pass notes, per
sheet, formula cells that carry no cached value (the reader reads them as empty and they are
reported cell by cell). `.ods` (repeated rows and columns expanded) and `.xls` (BIFF
DIMENSIONS and SST records) get the same budgets.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

import numpy as np
from defusedxml import ElementTree as SafeET

from yichun.intake.rules import Limits, rules

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
CHUNK = 1 << 20


class Refused(Exception):
    """A workbook that must not be read; the message is for the user (Chinese)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class FormulaCell:
    row: int  # Excel row (1-based)
    col: int  # 0-based column
    ref: str  # A1 reference
    formula: str


@dataclass
class Scan:
    """What the guards learnt: sheet parts and formula cells without cached values."""

    sheet_parts: dict[str, str] = field(default_factory=dict)  # sheet name → zip member
    format: str = "xlsx"  # xlsx | xls | ods
    uncached_formulas: dict[str, list[FormulaCell]] = field(default_factory=dict)
    error_cells: dict[str, list[FormulaCell]] = field(default_factory=dict)  # Excel error values (#REF! …); `formula` holds the error


def col_index(letters: str) -> int:
    """0-based column of Excel letters (A → 0, AA → 26)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def col_letters(index: int) -> str:
    index += 1
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def scan(path: Path, limits: Limits | None = None) -> Scan:
    """Check a workbook file; raise `Refused` with a Chinese message, else return a `Scan`."""
    limits = limits or rules().limits
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        raise _macro()
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise Refused("文件过大", f"文件大小 {_mb(size)}，超过上限 {_mb(limits.max_file_bytes)}；县级采集工作簿通常不足 5 MB，请检查是否误放了其他文件。")
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == CFB_MAGIC:
            if _contains(fh, ENCRYPTED_MARK, limits.max_file_bytes):
                raise Refused("文件已加密", "工作簿设置了打开密码（已加密），无法读取。请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再导入。")
            if suffix == ".xls":
                fh.seek(0)
                return _scan_xls(fh.read(limits.max_file_bytes), limits)
            raise Refused("不支持的文件格式", "这是旧版 Excel 97-2003 格式(OLE2)的文件，只是扩展名为 .xlsx。请在 Excel 中打开后「另存为」Excel 工作簿(.xlsx)再导入。")
        if suffix == ".xls":
            raise Refused("不是有效的工作簿", "文件扩展名是 .xls，但内容不是 Excel 97-2003 工作簿：可能已损坏，或是改了扩展名的其他文件。请在 Excel 中打开后「另存为」Excel 工作簿(.xlsx)再导入。")
        if head[:4] not in ZIP_MAGIC:
            raise Refused("不是有效的工作簿", "文件不是有效的 .xlsx 工作簿（不是 zip 格式）：可能已损坏、未下载完整，或是改了扩展名的其他文件。请重新导出为 .xlsx。")
    try:
        with zipfile.ZipFile(path) as zf:
            return _scan_zip(zf, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, NotImplementedError) as exc:
        raise Refused("不是有效的工作簿", "文件不是有效的 .xlsx 工作簿（zip 结构损坏，可能未下载完整或已被截断）。请在 Excel 中重新保存为 .xlsx。") from exc
    except (SafeET.ParseError, expat.ExpatError) as exc:
        raise Refused("不是有效的工作簿", f"工作簿内部的 XML 无法解析（第 {getattr(exc, 'lineno', '?')} 行附近格式错误）。请在 Excel 中重新保存为 .xlsx。") from exc


_BIFF_DIMENSIONS = re.compile(rb"\x00\x02\x0e\x00(.{4})(.{4})(.{2})(.{2})", re.S)
_BIFF_SST = re.compile(rb"\xfc\x00(.{2})(.{4})(.{4})", re.S)


def _scan_xls(data: bytes, limits: Limits) -> Scan:
    """Excel 97-2003 (BIFF8 in an OLE2 container): the DIMENSIONS and SST records say what the
    reader will allocate; both are checked before parsing (the parse itself is isolated too)."""
    import struct

    for m in _BIFF_DIMENSIONS.finditer(data):
        first_row, last_row = struct.unpack("<I", m.group(1))[0], struct.unpack("<I", m.group(2))[0]
        first_col, last_col = struct.unpack("<H", m.group(3))[0], struct.unpack("<H", m.group(4))[0]
        if last_row < first_row or last_col < first_col:
            continue
        _check_extent("（.xls 文件中的一张）", last_row, last_col, limits, declared=True)
        if (last_row - first_row) * (last_col - first_col) > limits.max_cells:
            raise Refused("工作表范围过大", f"工作表声明的范围为 {last_row - first_row} 行 × {last_col - first_col} 列，超过上限 {limits.max_cells:,} 个单元格，不予读取。")
    for m in _BIFF_SST.finditer(data):
        total, unique = struct.unpack("<I", m.group(2))[0], struct.unpack("<I", m.group(3))[0]
        if struct.unpack("<H", m.group(1))[0] >= 8 and max(total, unique) > limits.max_shared_strings:
            raise Refused("共享字符串过多", f"工作簿的共享字符串表声明 {max(total, unique):,} 项，超过上限 {limits.max_shared_strings:,} 项，不予读取（疑似恶意文件）。")
    return Scan(format="xls")


def _macro() -> Refused:
    return Refused("含宏的工作簿", "工作簿启用了宏（.xlsm 或内含 VBA 工程），为安全起见不予读取，其中的宏也不会被运行。请在 Excel 中「另存为」普通的 Excel 工作簿(.xlsx)后再导入。")


def _contains(fh, needle: bytes, cap: int) -> bool:
    tail = b""
    read = 0
    while read < cap:
        chunk = fh.read(CHUNK)
        if not chunk:
            return False
        read += len(chunk)
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle) :]
    return False


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    with zf.open(info) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise Refused("疑似压缩炸弹", f"工作簿内部文件 {info.filename} 解压后超过 {_mb(cap)}，不予读取。")
    return data


def _scan_zip(zf: zipfile.ZipFile, limits: Limits) -> Scan:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise Refused("疑似压缩炸弹", f"工作簿内部有 {len(infos)} 个文件，超过上限 {limits.max_members}，不予读取。")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise Refused("疑似压缩炸弹", f"工作簿解压后共 {_mb(total)}，超过上限 {_mb(limits.max_uncompressed_bytes)}（疑似压缩炸弹），不予读取。")
    for i in infos:
        if i.file_size > limits.ratio_min_member_bytes and i.file_size / max(i.compress_size, 1) > limits.max_ratio:
            raise Refused(
                "疑似压缩炸弹",
                f"工作簿内部文件 {i.filename} 的压缩比为 {i.file_size / max(i.compress_size, 1):.0f} 倍，超过上限 {limits.max_ratio:.0f} 倍（疑似压缩炸弹），不予读取。",
            )
    names = {i.filename.lower(): i for i in infos}
    if any(n.endswith("vbaproject.bin") for n in names):
        raise _macro()
    mimetype = names.get("mimetype")
    if mimetype is not None and b"opendocument.spreadsheet" in _read_capped(zf, mimetype, 4096):
        return _scan_ods(zf, names, limits)
    ct = names.get("[content_types].xml")
    workbook = _workbook_part(zf, names) if ct is not None else None
    if ct is None or workbook is None:
        raise Refused("不是有效的工作簿", "文件是 zip 压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）。请重新导出为 .xlsx。")
    if b"macroenabled" in _read_capped(zf, ct, 4 * CHUNK).lower():
        raise _macro()
    result = Scan(sheet_parts=_sheet_parts(zf, names, workbook))
    by_member = {member.lower(): name for name, member in result.sheet_parts.items()}
    budget = [limits.max_uncompressed_bytes]
    elements = [limits.max_elements]
    # every XML part is scanned, not only the ones the relationships name: a reader may find a
    # sheet or the shared strings by a path the relationships do not give
    for info in infos:
        if info.is_dir():
            continue
        sheet = by_member.get(info.filename.lower(), info.filename)
        cells, errors = _scan_xml(zf, info, sheet, limits, budget, elements)
        if info.filename.lower() in by_member:
            if cells:
                result.uncached_formulas[sheet] = cells
            if errors:
                result.error_cells[sheet] = errors
    return result


_REF = re.compile(r"\s*\$?([A-Za-z]{1,6})\$?(\d{1,12})\s*")
_INT = re.compile(r"\s*\+?(\d{1,12})\s*")


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _attr(attrs: dict, local: str) -> str | None:
    """An attribute by local name, whatever its prefix."""
    v = attrs.get(local)
    if v is not None:
        return v
    for k, v in attrs.items():
        if _local(k) == local:
            return v
    return None


def _parse_xml(fh, parser, info: zipfile.ZipInfo, budget: list[int], limits: Limits, first: bytes = b"", walk=None) -> None:
    """Feed a part to an expat parser in bounded chunks (the decompressed-bytes budget is shared)."""
    def no_dtd(*_args):
        raise Refused("不是有效的工作簿", f"工作簿内部文件 {info.filename} 含有 DTD 声明（Excel 不会写入），为安全起见不予读取。")

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    chunk = first
    tail = b""
    while True:
        if chunk:
            if walk is not None and not walk.formulas_on and _FORMULA_TAG.search(tail + chunk):
                walk.enable_formulas()
            tail = chunk[-64:]
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise Refused("疑似压缩炸弹", f"工作簿解压后超过 {_mb(limits.max_uncompressed_bytes)}（疑似压缩炸弹），不予读取。")
            parser.Parse(chunk, False)
        chunk = fh.read(CHUNK)
        if not chunk:
            break
    parser.Parse(b"", True)


_DIGITS = "0123456789"
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]|\st\s*=\s*[\"']e[\"']")
_PLAIN_COLS = {col_letters(i): i for i in range(702)}  # A … ZZ, the common case of the hot path
SHEET_ROOTS = frozenset({"worksheet", "chartsheet", "dialogsheet", "macrosheet"})


@lru_cache(maxsize=4096)
def _letters_index(letters: str) -> int:
    return col_index(letters.upper()) if letters.isascii() and letters.isalpha() and len(letters) <= 6 else -1


def _split_ref(ref: str) -> tuple[int, int] | None:
    """(row, 0-based column) of an A1 reference, tolerating spaces, `$` and lower case."""
    ref = ref.strip().replace("$", "")
    letters = ref.rstrip(_DIGITS)
    digits = ref[len(letters):]
    col = _letters_index(letters) if letters else -1
    if col < 0 or not digits or len(digits) > 12:
        return None
    return int(digits), col


class _SheetWalk:
    """Expat handlers for one XML part: cell extent (with or without r attributes), declared
    dimension, shared-strings counts, nesting depth (small parts) and formula cells without
    cached values. Hot paths are kept short: a county sheet has tens of thousands of cells."""

    def __init__(self, sheet: str, limits: Limits, parser, elements: list[int]):
        self.sheet, self.limits, self.parser = sheet, limits, parser
        self.left = elements  # elements the whole workbook may still hold (shared by its parts)
        self.root = ""
        self.depth = 0
        self.row = 0  # current Excel row (1-based)
        self.col = -1  # last 0-based column in the row
        self.min_row = self.min_col = 1 << 60
        self.max_row = self.max_col = 0  # max_col counts columns (1-based)
        self.cell = (0, 0)
        self.formula: list[str] | None = None
        self.value = False
        self.text_target: list[str] | None = None
        self.uncached: list[FormulaCell] = []
        self.errors: list[FormulaCell] = []
        self.is_error = False
        self.value_text = ""
        self.strings = 0
        self.formulas_on = False
        parser.StartElementHandler = self.first

    # the root element decides what kind of part this is
    def first(self, name: str, attrs: dict) -> None:
        self.root = _local(name)
        p = self.parser
        if self.root in SHEET_ROOTS:
            p.StartElementHandler = self.sheet_start
        elif self.root == "sst":
            for key in ("count", "uniqueCount"):
                self._strings(_attr(attrs, key), declared=True)
            p.StartElementHandler = self.sst_start
            p.EndElementHandler = self.depth_end
            self.depth = 1
        else:
            p.StartElementHandler = self.other_start
            p.EndElementHandler = self.depth_end
            self.depth = 1

    def _too_many(self) -> None:
        raise Refused("工作表范围过大", f"工作簿内部的 XML 元素超过 {self.limits.max_elements:,} 个，远超正常的县级采集表，解析代价过高，不予读取。")

    def other_start(self, name: str, attrs: dict) -> None:
        self.left[0] -= 1
        if self.left[0] < 0:
            self._too_many()
        self.depth += 1
        if self.depth > self.limits.max_xml_depth:
            raise Refused("XML 嵌套过深", f"工作簿内部的 XML 嵌套超过 {self.limits.max_xml_depth} 层，不是正常的工作簿，不予读取。")

    def depth_end(self, name: str) -> None:
        self.depth -= 1

    def sst_start(self, name: str, attrs: dict) -> None:
        self.left[0] -= 1
        if self.left[0] < 0:
            self._too_many()
        self.depth += 1
        if self.depth == 2 and (name == "si" or name.endswith(":si")):
            self.strings += 1
            if self.strings > self.limits.max_shared_strings:
                self._strings(str(self.strings), declared=False)
        elif self.depth > self.limits.max_xml_depth:
            self.other_start(name, attrs)

    def enable_formulas(self) -> None:
        """Called before a chunk holding a formula element is parsed (the start tag is complete only in it)."""
        if not self.formulas_on:
            self.formulas_on = True
            self.parser.EndElementHandler = self.sheet_end
            self.parser.CharacterDataHandler = self.text

    def sheet_start(self, name: str, attrs: dict) -> None:
        self.left[0] -= 1
        if self.left[0] < 0:
            self._too_many()
        if name == "c" or name[-2:] == ":c":
            r = attrs.get("r")
            pos = None
            if r is not None:
                letters = r.rstrip(_DIGITS)
                col = _PLAIN_COLS.get(letters)
                n = len(r) - len(letters)
                if col is not None and 0 < n <= 12:
                    pos = (int(r[-n:]), col)
                else:
                    pos = _split_ref(r)
            elif attrs:
                r = _attr(attrs, "r")
                pos = _split_ref(r) if r is not None else None
            if pos is None:
                pos = (self.row or 1, self.col + 1)
            row, col = pos
            self.col = col
            self.cell = pos
            self.formula, self.value = None, False
            if self.formulas_on:
                t = attrs.get("t")
                self.is_error = t is not None and t.strip() == "e"
            if row > self.max_row or col >= self.max_col or row < self.min_row or col < self.min_col:
                self._grow(row, col)
        elif name == "row" or name[-4:] == ":row":
            r = attrs.get("r")
            if r is None and attrs:
                r = _attr(attrs, "r")
            r = r.strip() if r is not None else ""
            self.row = int(r) if r.isdigit() and len(r) <= 12 else self.row + 1
            self.col = -1
        elif name == "f" or name[-2:] == ":f":
            self.formula = []
            self.text_target = self.formula
        elif name == "v" or name[-2:] == ":v":
            self.text_target = []
        elif name == "is" or name[-3:] == ":is":
            self.value = True
        elif name == "dimension" or name[-10:] == ":dimension":
            ref = (_attr(attrs, "ref") or "").split(":")[-1]
            pos = _split_ref(ref)
            if pos:
                _check_extent(self.sheet, pos[0], pos[1] + 1, self.limits, declared=True)

    def sheet_end(self, name: str) -> None:
        if name == "v" or name[-2:] == ":v":
            self.value_text = "".join(self.text_target or ()).strip()
            if self.value_text:
                self.value = True
            self.text_target = None
        elif name == "f" or name[-2:] == ":f":
            self.text_target = None
        elif name == "c" or name[-2:] == ":c":
            if self.formula is not None and not self.value:
                row, col = self.cell
                self.uncached.append(FormulaCell(row, col, f"{col_letters(col)}{row}", "=" + "".join(self.formula)[:500]))
            elif self.is_error:
                row, col = self.cell
                self.errors.append(FormulaCell(row, col, f"{col_letters(col)}{row}", self.value_text[:50] or "#错误"))
            self.formula, self.is_error = None, False

    def text(self, data: str) -> None:
        if self.text_target is not None and len(self.text_target) < 64:
            self.text_target.append(data)

    def _grow(self, row: int, col: int) -> None:
        lim = self.limits
        self.min_row, self.min_col = min(self.min_row, row), min(self.min_col, col)
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col + 1)
        if self.max_row > lim.max_rows or self.max_col > lim.max_cols:
            _check_extent(self.sheet, self.max_row, self.max_col, lim, declared=False)
        rows, cols = self.max_row - self.min_row + 1, self.max_col - self.min_col
        if rows * cols > lim.max_cells:
            raise Refused(
                "工作表范围过大",
                f"工作表「{self.sheet}」的内容跨 {rows} 行 × {cols} 列，共 {rows * cols:,} 个单元格，超过上限 {lim.max_cells:,} 个，不予读取。"
                "县级采集表不会有这么多单元格，请删除多余的行列或检查文件。",
            )

    def _strings(self, text: str | None, declared: bool) -> None:
        text = (text or "").strip()
        n = int(text) if text.isdigit() and len(text) < 30 else 0
        if n > self.limits.max_shared_strings:
            what = "声明" if declared else "实际含有"
            raise Refused("共享字符串过多", f"工作簿的共享字符串表{what} {n:,} 项，超过上限 {self.limits.max_shared_strings:,} 项，不予读取（疑似恶意文件）。")


def _scan_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, limits: Limits, budget: list[int], elements: list[int]) -> tuple[list, list]:
    """Scan one zip member if it is XML; returns (formula cells without cached values, error cells)."""
    with zf.open(info) as fh:
        first = fh.read(CHUNK)
        head = first[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"<"):
            budget[0] -= len(first)  # a binary part (an image): counted, not parsed
            while chunk := fh.read(CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise Refused("疑似压缩炸弹", f"工作簿解压后超过 {_mb(limits.max_uncompressed_bytes)}（疑似压缩炸弹），不予读取。")
            return [], []
        data, whole = first, len(first) < CHUNK
        if not whole:  # the rest of the part, up to what the fast path takes
            want = max(0, min(budget[0], FAST_MAX_BYTES) + 1 - len(first))
            more = fh.read(want) if want else b""
            data, whole = data + more, len(more) < want
        if whole and _fast_sheet(data, limits, budget, elements):
            return [], []
        parser = expat.ParserCreate()
        parser.buffer_text = True
        walk = _SheetWalk(sheet, limits, parser, elements)
        _parse_xml(_Chain(data[CHUNK:], fh), parser, info, budget, limits, data[:CHUNK], walk)
    return walk.uncached, walk.errors


# The fast path for the common worksheet: when a part is plain (no comment, CDATA, DTD, processing
# instruction after the declaration, character reference, namespace prefix on a cell or dimension,
# formula or error cell) and every cell carries a plain `r="A1"` reference, everything the walk
# would learn follows from byte counts and two regular expressions (C speed), and expat checks
# well-formedness without Python callbacks. It accepts a part only when the walk would accept it
# with the same effect on the shared budgets; anything else — including every refusal — goes
# through the walk, so each message is the walk's own.
FAST_MAX_BYTES = 64 << 20
_FAST_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)[\s/>]")
_FAST_DIM = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3}[0-9]{1,7})"')
_FAST_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|dimension)[\s/>]")


class _Chain:
    """A file object reading `data` first, then the rest of `fh` (the walk reads a part the fast path began)."""

    def __init__(self, data: bytes, fh):
        self.data, self.fh = data, fh

    def read(self, n: int) -> bytes:
        out, self.data = self.data[:n], self.data[n:]
        if len(out) < n:
            out += self.fh.read(n - len(out))
        return out


_PAD = 16  # NUL bytes after a part in the fast path's array: room for the widest look-ahead (a cell reference)


def _bytes_after(a, byte: int):
    """The byte that follows each occurrence of `byte` in `a` (a uint8 array padded with _PAD NULs)."""
    return a[np.flatnonzero(a[:-_PAD] == byte) + 1]


def _place_values(base: int):
    """[k, position] → base ** (k - 1 - position) for the positions before k, else 0 (k = 0 … 11)."""
    k, pos = np.arange(12)[:, None], np.arange(11)[None, :]
    return np.where(pos < k, base ** np.maximum(k - 1 - pos, 0), 0).astype(np.int64)


_LETTER_WEIGHTS, _DIGIT_WEIGHTS = _place_values(26), _place_values(10)


def _cell_extent(a, cells: int) -> tuple[int, int, int, int] | None | tuple[()]:
    """(min row, max row, min column, max column + 1) of the cells of a part, read as the regular
    expression `<c r="([A-Z]{1,3})([0-9]{1,7})"` would read them, in numpy passes; None when any of
    the `cells` tags `<c ` lacks such a plain reference or a cell tag is followed by >, / or a
    white space other than the blank (the walk then follows positions); () when there are no cells."""
    lt = np.flatnonzero(a[:-_PAD] == ord("<"))
    tag_c = lt[a[lt + 1] == ord("c")]
    odd = a[tag_c + 2]
    if ((odd == ord(">")) | (odd == ord("/")) | (odd == ord("\t")) | (odd == ord("\n")) | (odd == ord("\r"))).any():
        return None
    starts = tag_c[(odd == ord(" ")) & (a[tag_c + 3] == ord("r")) & (a[tag_c + 4] == ord("=")) & (a[tag_c + 5] == ord('"'))]
    if len(starts) != cells:
        return None
    if not cells:
        return ()
    w = a[starts[:, None] + 6 + np.arange(11)].astype(np.int64)  # up to 3 letters, 7 digits and the closing quote
    pos = np.arange(11)
    letter = (w >= ord("A")) & (w <= ord("Z"))
    digit = (w >= ord("0")) & (w <= ord("9"))
    n_letters = np.argmin(letter, axis=1)  # the first position that is not a letter
    after_letters = pos >= n_letters[:, None]
    n_digits = np.argmin(digit | ~after_letters, axis=1) - n_letters
    end = n_letters + n_digits
    closing = w[np.arange(cells), np.minimum(end, 10)]
    if not (((n_letters >= 1) & (n_letters <= 3) & (n_digits >= 1) & (n_digits <= 7) & (end <= 10) & (closing == ord('"'))).all()):
        return None
    col = ((w - (ord("A") - 1)) * _LETTER_WEIGHTS[n_letters]).sum(axis=1) - 1
    row = ((w - ord("0")) * _DIGIT_WEIGHTS[end] * after_letters).sum(axis=1)
    return int(row.min()), int(row.max()), int(col.min()), int(col.max()) + 1


@lru_cache(maxsize=8)
def _outside_small(limits: Limits) -> re.Pattern | None:
    """A regular expression that finds the first cell tag which is not plain or may lie outside a
    small region every rectangle of which the limits allow; None when the limits allow no such region.

    The region is rows 0 … 10**d − 1 (references of at most d digits, d ≤ 4: a county sheet has a
    few hundred rows) and columns A … Z plus two-letter columns up to the k-th first letter. When
    no cell tag is found, every cell has a plain `r="A1"` reference inside the region, so the cell
    extent is within the limits without being worked out; otherwise `_cell_extent` works it out
    exactly. This only saves time: it accepts a part only when the exact extent would."""
    for d in range(4, 0, -1):
        rows = 10**d  # rows 0 … 10**d - 1: at most this many in any span
        if rows - 1 > limits.max_rows:
            continue
        k = 26
        while k >= 0 and (26 * (k + 1) > limits.max_cols or rows * 26 * (k + 1) > limits.max_cells):
            k -= 1
        if k < 0:
            continue
        two = f"|[A-{chr(ord('A') + k - 1)}][A-Z]" if k else ""
        return re.compile(rb'<c(?:[>/\t\n\r]| (?!r="(?:[A-Z]' + two.encode() + rb")[0-9]{1," + str(d).encode() + rb'}"))')
    return None


def _within_limits(data: bytes, a, limits: Limits) -> bool | None:
    """True when every cell of a part is plainly referenced and inside the limits, False when the
    cells lie outside them, None when a cell lacks a plain reference (the walk then follows positions)."""
    small = _outside_small(limits)
    if small is not None and small.search(data) is None:
        return True
    extent = _cell_extent(a, data.count(b"<c "))
    if extent is None:
        return None
    if extent:
        min_row, max_row, min_col, max_col = extent
        if max_row > limits.max_rows or max_col > limits.max_cols or (max_row - min_row + 1) * (max_col - min_col) > limits.max_cells:
            return False
    return True


def _fast_sheet(data: bytes, limits: Limits, budget: list[int], elements: list[int]) -> bool:
    """True when `data` (a whole part) is a plain worksheet the walk would accept; the budgets are then charged.

    The byte tests (`<!`, `<?`, `</`, `<f`, `&#`, NUL, a prefix before `c`, `f` or `dimension`, a
    quoted `e`) are read off the bytes that follow each `<`, `&`, `:` and quote, in a few numpy
    passes over the part; a regular expression runs only where they say it might match."""
    if len(data) > budget[0] or len(data) > FAST_MAX_BYTES:
        return False
    head = data[:256].lstrip(b"\xef\xbb\xbf \t\r\n")
    declared = head.startswith(b"<?")
    at = data.find(b"<", data.find(b"?>") + 2 if declared else 0)
    root = _FAST_ROOT.match(data, at) if at >= 0 else None
    if root is None or _local(root.group(1).decode("ascii")) not in SHEET_ROOTS:
        return False
    if b"\0" in data:
        return False
    a = np.frombuffer(data + bytes(_PAD), dtype=np.uint8)  # padded: what follows the last byte reads as NULs
    after_lt = np.bincount(_bytes_after(a, ord("<")), minlength=256)
    if after_lt[ord("!")] or after_lt[ord("?")] > declared or (_bytes_after(a, ord("&")) == ord("#")).any():
        return False
    after_colon = _bytes_after(a, ord(":"))
    quotes = np.flatnonzero((a == ord('"')) | (a == ord("'")))
    e_quoted = quotes[a[quotes + 1] == ord("e")]
    maybe_error = bool(((a[e_quoted + 2] == ord('"')) | (a[e_quoted + 2] == ord("'"))).any())
    if (after_lt[ord("f")] or (after_colon == ord("f")).any() or maybe_error) and _FORMULA_TAG.search(data):
        return False
    if ((after_colon == ord("c")).any() or (after_colon == ord("d")).any()) and _FAST_PREFIXED.search(data):
        return False
    starts = int(after_lt.sum() - after_lt[ord("/")] - after_lt[ord("?")])
    if elements[0] - (starts - 1) < 0:  # the root element is not counted
        return False
    if not _within_limits(data, a, limits):
        return False  # a cell without a plain reference (the walk follows positions), or cells too far
    dims = _FAST_DIM.findall(data)
    if len(dims) != data.count(b"<dimension"):
        return False
    for ref in dims:
        pos = _split_ref(ref.decode("ascii"))
        if pos is not None and (pos[0] > limits.max_rows or pos[1] + 1 > limits.max_cols):
            return False
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError:
        return False
    budget[0] -= len(data)
    elements[0] -= starts - 1
    return True


def _xml_root(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    return SafeET.fromstring(_read_capped(zf, info, 8 * CHUNK))


def _rels(zf: zipfile.ZipFile, names: dict, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, zip member) of one part, whatever the namespaces."""
    folder, base = posixpath.split(part)
    info = names.get(posixpath.join(folder, "_rels", base + ".rels").lower())
    out: dict[str, tuple[str, str]] = {}
    if info is None:
        return out
    for rel in _xml_root(zf, info).iter():
        if _local(rel.tag.rsplit("}", 1)[-1]) != "Relationship":
            continue
        target = (rel.get("Target") or "").strip()
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), member)
    return out


def _workbook_part(zf: zipfile.ZipFile, names: dict) -> str | None:
    """The workbook part: the package's officeDocument relationship, else xl/workbook.xml."""
    for rtype, member in _rels(zf, names, "").values():
        if rtype.endswith("/officeDocument") and member.lower() in names:
            return names[member.lower()].filename
    return names["xl/workbook.xml"].filename if "xl/workbook.xml" in names else None


def _sheet_parts(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], workbook: str) -> dict[str, str]:
    wb = _xml_root(zf, names[workbook.lower()])
    targets = _rels(zf, names, workbook)
    out = {}
    for sheet in wb.iter():
        if sheet.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.rsplit("}", 1)[-1] == "id" and k.startswith("{")), "")
        if rid in targets:
            out[sheet.get("name", "")] = targets[rid][1]
    return out


def _scan_ods(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], limits: Limits) -> Scan:
    """OpenDocument spreadsheet: content.xml with repeated rows and columns expanded as the reader would."""
    info = names.get("content.xml")
    if info is None:
        raise Refused("不是有效的工作簿", "文件是 OpenDocument 压缩包，但缺少 content.xml。请在 WPS 或 LibreOffice 中重新另存为 .xlsx。")
    budget = [limits.max_uncompressed_bytes]
    sheet_names: list[str] = []
    state: dict = {"sheet": "", "row": 0, "col": 0, "rows_rep": 1, "max_row": 0, "max_col": 0, "depth": 0, "names": sheet_names}

    def repeat(attrs, key) -> int:
        m = _INT.fullmatch(_attr(attrs, key) or "1")
        return max(1, int(m.group(1))) if m else 1

    def start(name, attrs):
        state["depth"] += 1
        if state["depth"] > limits.max_xml_depth:
            raise Refused("工作表范围过大", f"content.xml 的 XML 嵌套超过 {limits.max_xml_depth} 层，不是正常的工作簿，不予读取。")
        tag = _local(name)
        if tag == "table":
            state.update(sheet=_attr(attrs, "name") or "", row=0, max_row=0, max_col=0)
            state["names"].append(state["sheet"])
        elif tag == "table-row":
            state["rows_rep"] = repeat(attrs, "number-rows-repeated")
            state["col"] = 0
        elif tag in ("table-cell", "covered-table-cell"):
            n = repeat(attrs, "number-columns-repeated")
            if _attr(attrs, "value-type") is not None or _attr(attrs, "formula") is not None:
                last_row, last_col = state["row"] + state["rows_rep"], state["col"] + n
                state["max_row"], state["max_col"] = max(state["max_row"], last_row), max(state["max_col"], last_col)
                _check_extent(state["sheet"], state["max_row"], state["max_col"], limits, declared=False)
                if state["max_row"] * state["max_col"] > limits.max_cells:
                    raise Refused("工作表范围过大", f"工作表「{state['sheet']}」的内容跨 {state['max_row']} 行 × {state['max_col']} 列，超过上限 {limits.max_cells:,} 个单元格，不予读取。")
            state["col"] += n

    def end(name):
        state["depth"] -= 1
        if _local(name) == "table-row":
            state["row"] += state["rows_rep"]
            state["rows_rep"] = 1

    with zf.open(info) as fh:
        parser = expat.ParserCreate()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        _parse_xml(fh, parser, info, budget, limits)
    return Scan(sheet_parts={n: "content.xml" for n in sheet_names}, format="ods")


def _check_extent(name: str, rows: int, cols: int, limits: Limits, declared: bool) -> None:
    what = "声明的范围" if declared else "实际内容"
    if rows > limits.max_rows or cols > limits.max_cols:
        raise Refused(
            "工作表范围过大",
            f"工作表「{name}」{what}达 {rows} 行 × {cols} 列，超过上限 {limits.max_rows} 行 × {limits.max_cols} 列，不予读取。"
            "县级采集表不会有这么多行列，请删除多余的空行空列或检查文件。",
        )
