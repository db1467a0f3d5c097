"""Guards run on a workbook before anything parses it: refuse what is unsafe or unreadable.

Every check is bounded in time and memory and looks only at the zip directory and at
capped, streamed reads of the parts: a file that is not a zip, an encrypted or legacy
OLE2 file, a zip bomb (declared sizes, compression ratio, and the bytes actually
inflated), an absurd sheet size (`<dimension ref=...>` and the last row/column present),
a macro-enabled workbook (.xlsm, xl/vbaProject.bin, or a macroEnabled content type) are
refused with one Chinese message. Nothing in a workbook is ever executed.

The same streaming pass notes, per sheet, formula cells that carry no cached value (Excel
saved them without calculating, typical of generated files): the reader reads them as
empty and reports them cell by cell.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from defusedxml import ElementTree as SafeET

from yichun.intake.rules import Limits, rules

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
CHUNK = 1 << 20

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_CELL_COL = re.compile(rb'\sr="([A-Z]+)\d+"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


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
    uncached_formulas: dict[str, list[FormulaCell]] = field(default_factory=dict)


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
    if suffix == ".xls":
        raise Refused("不支持的文件格式", "这是旧版 Excel 97-2003 工作簿(.xls)，不能读取。请在 Excel 中打开后「另存为」Excel 工作簿(.xlsx)再导入。")
    if suffix in (".xlsm", ".xltm"):
        raise _macro()
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise Refused("文件过大", f"文件大小 {_mb(size)}，超过上限 {_mb(limits.max_file_bytes)}；县级采集工作簿通常不足 5 MB，请检查是否误放了其他文件。")
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == CFB_MAGIC:
            if _contains(fh, ENCRYPTED_MARK, limits.max_file_bytes):
                raise Refused("文件已加密", "工作簿设置了打开密码（已加密），无法读取。请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再导入。")
            raise Refused("不支持的文件格式", "这是旧版 Excel 97-2003 格式(OLE2)的文件，只是扩展名为 .xlsx。请在 Excel 中打开后「另存为」Excel 工作簿(.xlsx)再导入。")
        if head[:4] not in ZIP_MAGIC:
            raise Refused("不是有效的工作簿", "文件不是有效的 .xlsx 工作簿（不是 zip 格式）：可能已损坏、未下载完整，或是改了扩展名的其他文件。请重新导出为 .xlsx。")
    try:
        with zipfile.ZipFile(path) as zf:
            return _scan_zip(zf, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, NotImplementedError) as exc:
        raise Refused("不是有效的工作簿", f"文件不是有效的 .xlsx 工作簿（zip 结构损坏：{exc}）。请在 Excel 中重新保存为 .xlsx。") from exc
    except SafeET.ParseError as exc:
        raise Refused("不是有效的工作簿", f"工作簿内部的 XML 无法解析（{exc}）。请在 Excel 中重新保存为 .xlsx。") from exc


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
    ct = names.get("[content_types].xml")
    if ct is None or "xl/workbook.xml" not in names:
        raise Refused("不是有效的工作簿", "文件是 zip 压缩包，但不是 Excel 工作簿（缺少 xl/workbook.xml）。请重新导出为 .xlsx。")
    if b"macroenabled" in _read_capped(zf, ct, 4 * CHUNK).lower():
        raise _macro()
    result = Scan(sheet_parts=_sheet_parts(zf, names))
    budget = limits.max_uncompressed_bytes
    for name, member in result.sheet_parts.items():
        info = names.get(member.lower())
        if info is None:
            continue
        budget, has_formula = _stream_sheet(zf, info, name, limits, budget)
        if has_formula:
            cells = _uncached_formulas(zf, info)
            if cells:
                result.uncached_formulas[name] = cells
    return result


def _sheet_parts(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    wb = SafeET.fromstring(_read_capped(zf, names["xl/workbook.xml"], 8 * CHUNK))
    rels_info = names.get("xl/_rels/workbook.xml.rels")
    targets: dict[str, str] = {}
    if rels_info is not None:
        for rel in SafeET.fromstring(_read_capped(zf, rels_info, 8 * CHUNK)).iter(f"{NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = member
    out = {}
    for sheet in wb.iter(f"{NS_MAIN}sheet"):
        rid = sheet.get(f"{NS_REL}id", "")
        if rid in targets:
            out[sheet.get("name", "")] = targets[rid]
    return out


@lru_cache(maxsize=8)
def _columns_beyond(limit: int, separator: bytes = rb"\s") -> re.Pattern:
    """A regex matching any cell reference whose column is beyond `limit` columns.

    With a literal space as `separator` the regex engine can skip ahead on the literal
    prefix, which is about ten times faster; `\\s` is the fallback for pretty-printed XML.
    """
    last = col_letters(limit - 1)
    alts = [f"[A-Z]{{{len(last) + 1},}}"]
    for i, ch in enumerate(last):
        if ch < "Z":
            alts.append(f"{last[:i]}[{chr(ord(ch) + 1)}-Z][A-Z]{{{len(last) - i - 1}}}")
    return re.compile(separator + rf'r="(?:{"|".join(alts)})\d'.encode())


def _has_formula(data: bytes, plain: bool) -> bool:
    """`<f` elements in sheet XML: plain substring tests unless the XML uses a namespace prefix."""
    if not plain:
        return _FORMULA.search(data) is not None
    i = data.find(b"<f")
    while i >= 0:
        if data[i + 2 : i + 3] in (b">", b" ", b"/"):
            return True
        i = data.find(b"<f", i + 2)
    return False


def _stream_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits, budget: int) -> tuple[int, bool]:
    """Inflate one sheet part in chunks (bounded), checking its size and extent."""
    has_formula = False
    max_row = 0
    tail = b""
    first = True
    plain = True  # the main namespace is the default one (no x: prefixes)
    beyond = _columns_beyond(limits.max_cols, b" ")
    loose = _columns_beyond(limits.max_cols)
    long_rows = re.compile(rb' r="(\d{%d,})"' % len(str(limits.max_rows)))
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            budget -= len(chunk)
            if budget < 0:
                raise Refused("疑似压缩炸弹", f"工作簿解压后超过 {_mb(limits.max_uncompressed_bytes)}（疑似压缩炸弹），不予读取。")
            data = tail + chunk
            if first:
                plain = b"<worksheet" in data[:4096]
                m = _DIMENSION.search(data[:65536])
                if m:
                    last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
                    _check_extent(name, int(last_row), col_index(last_col.decode()) + 1, limits, declared=True)
                first = False
            at = data.rfind(b"<row ")  # rows are in order: the last one is the furthest ...
            m = _ROW.match(data, at) if at >= 0 else None
            if m:
                max_row = max(max_row, int(m.group(1)))
            for far in long_rows.findall(data):  # ... unless a file lies: any long row number counts
                max_row = max(max_row, int(far))
            spaced = plain and not (b"\n" in data or b"\t" in data or b"\r" in data)
            if (beyond if spaced else loose).search(data):
                widest = max(_CELL_COL.findall(data), key=lambda c: (len(c), c))
                _check_extent(name, max_row, col_index(widest.decode()) + 1, limits, declared=False)
            if not has_formula and _has_formula(data, plain):
                has_formula = True
            _check_extent(name, max_row, 0, limits, declared=False)
            tail = data[-256:]
    return budget, has_formula


def _check_extent(name: str, rows: int, cols: int, limits: Limits, declared: bool) -> None:
    what = "声明的范围" if declared else "实际内容"
    if rows > limits.max_rows or cols > limits.max_cols:
        raise Refused(
            "工作表范围过大",
            f"工作表「{name}」{what}达 {rows} 行 × {cols} 列，超过上限 {limits.max_rows} 行 × {limits.max_cols} 列，不予读取。"
            "县级采集表不会有这么多行列，请删除多余的空行空列或检查文件。",
        )


def _uncached_formulas(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[FormulaCell]:
    """Formula cells whose value was never calculated (<f> with no or an empty <v>)."""
    out = []
    with zf.open(info) as fh:
        for _event, elem in SafeET.iterparse(fh, events=("end",)):
            tag = elem.tag.rsplit("}", 1)[-1]
            if tag == "c":
                f = elem.find(f"{NS_MAIN}f")
                if f is not None:
                    v = elem.find(f"{NS_MAIN}v")
                    is_ = elem.find(f"{NS_MAIN}is")
                    if (v is None or not (v.text or "").strip()) and is_ is None:
                        ref = elem.get("r", "")
                        m = re.match(r"([A-Z]+)(\d+)$", ref)
                        if m:
                            out.append(FormulaCell(int(m.group(2)), col_index(m.group(1)), ref, "=" + (f.text or "")))
            elif tag == "row":
                elem.clear()
    return out
