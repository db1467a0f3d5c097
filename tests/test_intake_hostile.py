"""Hostile or broken files fail cleanly: one 错误 for the file, no traceback, bounded work."""

from __future__ import annotations

import dataclasses
import re
import zipfile

import pytest
from intake_helpers import by_kind, school, standard_sheets, table_rows, write_sheets

from yichun.errors import ERROR, WARNING
from yichun.intake import read_folder, read_workbook
from yichun.intake.hostile import Refused, scan
from yichun.intake.rules import rules


def good(tmp_path, name="宜丰县.xlsx", **kwargs):
    return write_sheets(tmp_path / name, standard_sheets(**kwargs))


def rewrite(path, out, edit=None, add=None):
    """Copy a zip, editing members (name → bytes → bytes) and adding new ones."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if edit and info.filename in edit:
                data = edit[info.filename](data)
            dst.writestr(info.filename, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out


def refused(path):
    result = read_workbook(path, path.name)
    assert result.status == "refused"
    [p] = result.problems
    assert p.severity == ERROR and p.file == path.name and p.row is None
    assert result.arrow == {}
    return p


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK?\x00 this is not really a workbook" * 10)
    assert refused(path).kind == "不是有效的工作簿"


def test_truncated_zip(tmp_path):
    src = good(tmp_path)
    path = tmp_path / "cut.xlsx"
    path.write_bytes(src.read_bytes()[:2000])
    assert refused(path).kind == "不是有效的工作簿"


def test_zip_bomb_by_compression_ratio(tmp_path):
    path = rewrite(good(tmp_path), tmp_path / "bomb.xlsx", add={"xl/media/image1.bin": b"\0" * (2 * 1024 * 1024)})
    p = refused(path)
    assert p.kind == "疑似压缩炸弹" and "xl/media/image1.bin" in p.message and "压缩比" in p.message


def test_zip_bomb_by_declared_total_size(tmp_path):
    path = good(tmp_path)
    small = dataclasses.replace(rules().limits, max_uncompressed_bytes=10_000)
    with pytest.raises(Refused) as exc:
        scan(path, small)
    assert exc.value.kind == "疑似压缩炸弹"
    assert scan(path).sheet_parts["义务教育学校"].startswith("xl/worksheets/")


def test_enormous_declared_dimension(tmp_path):
    sheet = "xl/worksheets/sheet2.xml"  # 义务教育学校
    path = rewrite(good(tmp_path), tmp_path / "big.xlsx",
                   edit={sheet: lambda b: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', b)})
    p = refused(path)
    assert p.kind == "工作表范围过大" and "1048576 行 × 16384 列" in p.message and "义务教育学校" in p.message


def test_enormous_actual_extent_without_dimension(tmp_path):
    rows = table_rows("schools", [school(1)])
    rows += [[None]] * 100_001 + [["迷路的单元格"]]
    sheets_ = standard_sheets()
    sheets_["义务教育学校"] = rows
    path = write_sheets(tmp_path / "far.xlsx", sheets_)
    path = rewrite(path, tmp_path / "far2.xlsx", edit={"xl/worksheets/sheet2.xml": lambda b: re.sub(rb"<dimension[^>]*/>", b"", b)})
    p = refused(path)
    assert p.kind == "工作表范围过大" and "实际内容" in p.message


def test_xlsm_extension_is_refused(tmp_path):
    path = good(tmp_path, name="宜丰县.xlsm")
    p = refused(path)
    assert p.kind == "含宏的工作簿" and ".xlsx" in p.message


def test_renamed_xlsm_with_a_vba_project_is_refused(tmp_path):
    path = rewrite(good(tmp_path), tmp_path / "renamed.xlsx", add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake vba"})
    assert refused(path).kind == "含宏的工作簿"


def test_macro_enabled_content_type_is_refused(tmp_path):
    edit = {"[Content_Types].xml": lambda b: b.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")}
    path = rewrite(good(tmp_path), tmp_path / "ct.xlsx", edit=edit)
    assert refused(path).kind == "含宏的工作簿"


def test_encrypted_workbook(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 4000)
    p = refused(path)
    assert p.kind == "文件已加密" and "密码" in p.message


def test_legacy_ole2_renamed_to_xlsx(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    p = refused(path)
    assert p.kind == "不支持的文件格式" and "另存为" in p.message


def test_broken_xls_is_refused(tmp_path):
    # second edition: .xls is read like .xlsx; one that is only an OLE2 header fails cleanly
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    p = refused(path)
    assert p.kind == "不是有效的工作簿" and ".xlsx" in p.message


def test_formula_cells_without_cached_values(tmp_path):
    rows = table_rows("schools", [school(1), school(2, school_name='="宜丰县"&"第二小学"', sports_area_m2="=100*50")])
    rows.append(["合计"] + [None] * 5 + ["=SUM(G2:G3)"])
    sheets_ = standard_sheets()
    sheets_["义务教育学校"] = rows
    path = write_sheets(tmp_path / "f.xlsx", sheets_)
    assert scan(path).uncached_formulas["义务教育学校"][0].ref == "B3"
    result = read_workbook(path, "f.xlsx")
    found = by_kind(result.problems, "公式无缓存值")
    assert [(p.severity, p.row, p.column, p.value) for p in found] == [
        (ERROR, 3, "学校名称", '="宜丰县"&"第二小学"'),  # required: an error
        (WARNING, 3, "体育运动场馆面积(㎡)", "=100*50"),  # optional: a warning, read as missing
        (WARNING, 4, "小学在校生数(人)", "=SUM(G2:G3)"),  # 合计 row: cannot be checked
    ]
    assert "B3" in found[0].message
    assert by_kind(result.problems, "合计不符") == []
    assert by_kind(result.problems, "缺失值") == []  # not reported twice


def test_a_hostile_file_does_not_stop_the_others(tmp_path):
    raw = tmp_path / "raw"
    write_sheets(raw / "宜丰县.xlsx", standard_sheets())
    (raw / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    inputs, problems = read_folder(raw)
    assert [(p.severity, p.kind, p.file) for p in problems.itertuples()] == [(ERROR, "不是有效的工作簿", "坏文件.xlsx")]
    assert len(inputs.schools) == 2


def test_out_of_order_far_row_is_caught(tmp_path):
    path = good(tmp_path)

    def far_row_first(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension[^>]*/>", b"", xml)
        return xml.replace(b"<sheetData>", b'<sheetData><row r="999999"><c r="A999999"><v>1</v></c></row>', 1)

    path = rewrite(path, tmp_path / "liar.xlsx", edit={"xl/worksheets/sheet2.xml": far_row_first})
    p = refused(path)
    assert p.kind == "工作表范围过大" and "999999 行" in p.message
