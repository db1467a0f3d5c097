"""A generator of hostile, malformed and messy-but-valid county workbooks (nothing binary is committed).

`BAD` and `GOOD` map a case name to a builder `f(folder) -> Path` that writes one file (or link)
into a folder; `BAD_EXPECT[name]` is the problem kind (and a word of its message) the intake must
report for that file. Every builder is deterministic and cheap (the largest, the zip bomb, takes
well under a second to write and stays a few hundred KB on disk).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from intake_helpers import (
    county_inputs,
    kindergarten,
    messy_school_merges,
    messy_school_rows,
    school,
    standard_sheets,
    table_rows,
    write_sheets,
)
from xls_writer import write_xls

from yichun.dictionary import sheets

MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
SCHOOL_SHEET = "xl/worksheets/sheet2.xml"  # 义务教育学校 in write_sheets' standard order


def valid(folder: Path, name: str = "宜丰县.xlsx", **kwargs) -> Path:
    """A clean workbook (宜丰县 2025 unless told otherwise)."""
    return write_sheets(Path(folder) / name, standard_sheets(**kwargs))


def rewrite(src: Path, out: Path, edit: dict | None = None, add: dict | None = None, drop=()) -> Path:
    """Copy a zip, editing members (name → bytes → bytes), adding and dropping some."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info)
            if edit and info.filename in edit:
                data = edit[info.filename](data)
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return out


def _from_valid(folder: Path, name: str, year: int = 2025, **kw) -> Path:
    folder = Path(folder)
    src = valid(folder / ".src", name, year=year)
    out = rewrite(src, folder / name, **kw)
    src.unlink()
    (folder / ".src").rmdir()
    return out


# ----------------------------------------------------------------------------- hostile files


def zip_bomb(folder: Path, year: int = 2025) -> Path:
    """A 210 MB sheet part that deflates to a few hundred KB."""
    path = Path(folder) / "压缩炸弹.xlsx"
    src = valid(Path(folder) / ".src", year=year)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != SCHOOL_SHEET:
                zout.writestr(info.filename, zin.read(info))
        info = zipfile.ZipInfo(SCHOOL_SHEET)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zout.open(info, "w", force_zip64=True) as fh:
            fh.write(b'<worksheet xmlns="' + MAIN_NS + b'"><sheetData>')
            block = b" " * (1 << 20)
            for _ in range(210):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    src.unlink()
    (Path(folder) / ".src").rmdir()
    return path


def _far_sheet(ns: bytes, prefix: bytes, quote: bytes, spaced: bool, with_r: bool, dimension: bool) -> bytes:
    """A sheet whose cells span the whole Excel grid, spelt oddly; about 12 KB once deflated."""
    p = prefix + b":" if prefix else b""
    eq = b" = " if spaced else b"="
    q = quote
    xmlns = b"xmlns:" + prefix if prefix else b"xmlns"
    parts = [b"<" + p + b"worksheet " + xmlns + eq + q + ns + q + b">"]
    if dimension:
        parts.append(b"<" + p + b"dimension  ref" + eq + q + b"A1:XFD1048576" + q + b" />")
    parts.append(b"<" + p + b"sheetData>")
    if with_r:
        parts.append(b"<" + p + b"row r" + eq + q + b"1" + q + b"><" + p + b"c r" + eq + q + b"A1" + q + b"><" + p + b"v>1</" + p + b"v></" + p + b"c></" + p + b"row>")
        parts.append(b"<" + p + b"row r" + eq + q + b"1048576" + q + b"><" + p + b"c r" + eq + q + b"XFD1048576" + q + b"><" + p + b"v>1</" + p + b"v></" + p + b"c></" + p + b"row>")
    else:  # no r attributes at all: positions are counted, as the reader counts them (under 1 MB inflated)
        parts.append(b"<" + p + b"row><" + p + b"c><" + p + b"v>1</" + p + b"v></" + p + b"c></" + p + b"row>")
        parts.append((b"<" + p + b"row/>") * 120_000)
        parts.append(b"<" + p + b"row>" + (b"<" + p + b"c/>") * 600 + b"<" + p + b"c><" + p + b"v>1</" + p + b"v></" + p + b"c></" + p + b"row>")
    parts.append(b"</" + p + b"sheetData></" + p + b"worksheet>")
    return b"".join(parts)


def far_cells_single_quotes(folder: Path, year: int = 2025) -> Path:
    return _from_valid(folder, year=year, name="单引号.xlsx", edit={SCHOOL_SHEET: lambda _b: _far_sheet(MAIN_NS, b"", b"'", True, True, False)})


def far_cells_no_r_attributes(folder: Path, year: int = 2025) -> Path:
    return _from_valid(folder, year=year, name="无r属性.xlsx", edit={SCHOOL_SHEET: lambda _b: _far_sheet(MAIN_NS, b"", b'"', False, False, False)})


def far_columns_no_r_attributes(folder: Path, year: int = 2025) -> Path:
    xml = (b'<worksheet xmlns="' + MAIN_NS + b'"><sheetData><row>' + b"<c/>" * 600 + b"<c><v>1</v></c></row></sheetData></worksheet>")
    return _from_valid(folder, year=year, name="无r属性的列.xlsx", edit={SCHOOL_SHEET: lambda _b: xml})


def far_cells_strict_prefixed(folder: Path, year: int = 2025) -> Path:
    return _from_valid(folder, year=year, name="Strict命名空间.xlsx", edit={SCHOOL_SHEET: lambda _b: _far_sheet(STRICT_NS, b"x", b'"', True, True, False)})


def declared_dimension_spaced(folder: Path, year: int = 2025) -> Path:
    def edit(xml: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]+"\s*/>', b"<dimension   ref = 'A1:XFD1048576'/>", xml)

    return _from_valid(folder, year=year, name="声明范围.xlsx", edit={SCHOOL_SHEET: edit})


def shared_strings_count(folder: Path, year: int = 2025) -> Path:
    sst = b"<sst xmlns='" + MAIN_NS + b"' count = '4000000000' uniqueCount = '4000000000'><si><t>x</t></si></sst>"
    return _from_valid(folder, year=year, name="共享字符串.xlsx", add={"xl/sharedStrings.xml": sst})


def deeply_nested(folder: Path, year: int = 2025) -> Path:
    def edit(xml: bytes) -> bytes:
        return xml.replace(b"</styleSheet>", b"<a>" * 5000 + b"</a>" * 5000 + b"</styleSheet>")

    return _from_valid(folder, year=year, name="嵌套过深.xlsx", edit={"xl/styles.xml": edit})


def not_a_zip(folder: Path, year: int = 2025) -> Path:
    path = Path(folder) / "不是工作簿.xlsx"
    path.write_bytes(b"PK?\x00 this is not really a workbook" * 10)
    return path


def truncated(folder: Path, year: int = 2025) -> Path:
    src = valid(Path(folder) / ".src", year=year)
    path = Path(folder) / "截断.xlsx"
    path.write_bytes(src.read_bytes()[:2000])
    src.unlink()
    (Path(folder) / ".src").rmdir()
    return path


def encrypted(folder: Path, year: int = 2025) -> Path:
    path = Path(folder) / "加密.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 4000)
    return path


def renamed_xlsm(folder: Path, year: int = 2025) -> Path:
    return _from_valid(folder, year=year, name="改名的宏工作簿.xlsx", add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake vba"})


def fake_xls(folder: Path, year: int = 2025) -> Path:
    path = Path(folder) / "旧格式.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    return path


def xls_huge_dimensions(folder: Path, year: int = 2025) -> Path:
    """A legacy .xls whose DIMENSIONS record declares the whole grid (the reader would allocate it)."""
    import struct

    path = write_xls(Path(folder) / "旧格式范围.xls", standard_sheets(year=year))
    data = bytearray(path.read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")  # the first sheet's DIMENSIONS record
    data[at + 4:at + 18] = struct.pack("<IIHHH", 0, 1_048_576, 0, 256, 0)
    path.write_bytes(bytes(data))
    return path


def wps_et(folder: Path, year: int = 2025) -> Path:
    path = Path(folder) / "万载县.et"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    return path


def csv_file(folder: Path, year: int = 2025) -> Path:
    path = Path(folder) / "学校.csv"
    path.write_text("学校标识码,学校名称\n3609240001,宜丰县第一小学\n", encoding="utf-8")
    return path


def zip_of_workbooks(folder: Path, year: int = 2025) -> Path:
    path = Path(folder) / "各县数据.zip"
    src = valid(Path(folder) / ".src", year=year)
    with zipfile.ZipFile(path, "w") as z:
        z.write(src, "宜丰县.xlsx")
    src.unlink()
    (Path(folder) / ".src").rmdir()
    return path


def symlink_outside(folder: Path, year: int = 2025) -> Path:
    outside = Path(folder).parent / "外部" / "宜丰县.xlsx"
    valid(outside.parent, outside.name, year=year)
    link = Path(folder) / "链接.xlsx"
    os.symlink(outside, link)
    return link


def two_info_sheets(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year)
    s["基本信息(2)"] = [["项目", "内容"], ["县(市、区)", "靖安县"], ["统计年度", year]]
    s = {"基本信息": s.pop("基本信息"), "基本信息 ": s.pop("基本信息(2)"), **s}
    return write_sheets(Path(folder) / "两张基本信息.xlsx", s)


def info_names_two_counties(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year)
    s["基本信息"].append(["县(市、区)", "靖安县"])
    return write_sheets(Path(folder) / "两个县.xlsx", s)


def invisible_duplicate_ids(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year, schools=[school(1), school(2, school_id="\u200b3609240001\u00a0")])
    return write_sheets(Path(folder) / "隐形字符.xlsx", s)


def error_value(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year, schools=[school(1), school(2, students_primary="#REF!")])
    return write_sheets(Path(folder) / "错误值.xlsx", s)


def infinite_number(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year, schools=[school(1, teaching_area_m2="1e999"), school(2, sports_area_m2="inf"), school(3, multimedia_rooms="NaN")])
    return write_sheets(Path(folder) / "无穷大.xlsx", s)


def missing_required_column(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year)
    i = sheets()["schools"].field_names.index("students_primary")
    s["义务教育学校"] = [row[:i] + row[i + 1 :] for row in s["义务教育学校"]]
    return write_sheets(Path(folder) / "缺列.xlsx", s)


def percent_population(folder: Path, year: int = 2025) -> Path:
    rows = [dict(r, value="92%") if r["code"] == "POP_3_5" else r for r in county_inputs()]
    return write_sheets(Path(folder) / "人口百分比.xlsx", standard_sheets(year=year, inputs=rows))


def unknown_area_unit(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year)
    i = sheets()["schools"].field_names.index("teaching_area_m2")
    s["义务教育学校"][0][i] = "教学及辅助用房面积(平方公里)"
    return write_sheets(Path(folder) / "未知单位.xlsx", s)


BAD = {
    "zip_bomb": zip_bomb,
    "far_cells_single_quotes": far_cells_single_quotes,
    "far_cells_no_r_attributes": far_cells_no_r_attributes,
    "far_columns_no_r_attributes": far_columns_no_r_attributes,
    "far_cells_strict_prefixed": far_cells_strict_prefixed,
    "declared_dimension_spaced": declared_dimension_spaced,
    "shared_strings_count": shared_strings_count,
    "deeply_nested": deeply_nested,
    "not_a_zip": not_a_zip,
    "truncated": truncated,
    "encrypted": encrypted,
    "renamed_xlsm": renamed_xlsm,
    "fake_xls": fake_xls,
    "xls_huge_dimensions": xls_huge_dimensions,
    "wps_et": wps_et,
    "csv_file": csv_file,
    "zip_of_workbooks": zip_of_workbooks,
    "symlink_outside": symlink_outside,
    "two_info_sheets": two_info_sheets,
    "info_names_two_counties": info_names_two_counties,
    "invisible_duplicate_ids": invisible_duplicate_ids,
    "error_value": error_value,
    "infinite_number": infinite_number,
    "missing_required_column": missing_required_column,
    "percent_population": percent_population,
    "unknown_area_unit": unknown_area_unit,
}

# (problem kind, a word its message must contain)
BAD_EXPECT = {
    "zip_bomb": ("疑似压缩炸弹", "超过上限"),
    "far_cells_single_quotes": ("工作表范围过大", "1048576 行"),
    "far_cells_no_r_attributes": ("工作表范围过大", "120002 行"),
    "far_columns_no_r_attributes": ("工作表范围过大", "501 列"),  # refused at the first column too many
    "far_cells_strict_prefixed": ("工作表范围过大", "1048576 行"),
    "declared_dimension_spaced": ("工作表范围过大", "声明的范围"),
    "shared_strings_count": ("共享字符串过多", "4,000,000,000"),
    "deeply_nested": ("XML 嵌套过深", "嵌套"),
    "not_a_zip": ("不是有效的工作簿", "zip"),
    "truncated": ("不是有效的工作簿", ".xlsx"),
    "encrypted": ("文件已加密", "密码"),
    "renamed_xlsm": ("含宏的工作簿", ".xlsx"),
    "fake_xls": ("不是有效的工作簿", ".xlsx"),
    "xls_huge_dimensions": ("工作表范围过大", "1048576 行"),
    "wps_et": ("无法读取的文件", "另存为"),
    "csv_file": ("无法读取的文件", "模板"),
    "zip_of_workbooks": ("无法读取的文件", "解压"),
    "symlink_outside": ("符号链接未跟随", "文件夹之外"),
    "two_info_sheets": ("基本信息不唯一", "靖安县"),
    "info_names_two_counties": ("基本信息矛盾", "靖安县"),
    "invisible_duplicate_ids": ("重复学校标识码", "3609240001"),
    "error_value": ("Excel 错误值", "#REF!"),
    "infinite_number": ("无法识别的值", "数值"),
    "missing_required_column": ("缺少必填列", "小学在校生数"),
    "percent_population": ("县级指标取值不符", "不是百分比"),
    "unknown_area_unit": ("无法识别的单位", "平方公里"),
}


# ----------------------------------------------------------------------------- messy but valid


def ods_rows(rows: list[list]) -> str:
    out = []
    for row in rows:
        cells = []
        for v in row:
            if v is None:
                cells.append("<table:table-cell/>")
            elif isinstance(v, int | float) and not isinstance(v, bool):
                cells.append(f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>')
            else:
                text = str(v).replace("&", "&amp;").replace("<", "&lt;")
                cells.append(f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>')
        out.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    # what LibreOffice writes after the data: a huge run of empty rows
    out.append('<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    return "".join(out)


def write_ods(path: Path, sheets_: dict) -> Path:
    tables = "".join(f'<table:table table:name="{name}">{ods_rows(rows)}</table:table>' for name, rows in sheets_.items())
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def good_ods(folder: Path, year: int = 2025) -> Path:
    return write_ods(Path(folder) / "靖安县.ods", standard_sheets(year=year, county="靖安县"))


def good_messy(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year, county="铜鼓县")
    s["义务教育学校"] = messy_school_rows([school(1), school(2, students_primary=500)], total={"students_primary": 1100})
    return write_sheets(Path(folder) / "铜鼓县2025年数据(终稿)(1).xlsx", s, merges={"义务教育学校": messy_school_merges()})


def good_merged_data_cells(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year, county="奉新县", schools=[school(1), school(2, area=None), school(3, area=None)])
    col = sheets()["schools"].field_names.index("area")
    letter = chr(ord("A") + col)
    return write_sheets(Path(folder) / "奉新县.xlsx", s, merges={"义务教育学校": [f"{letter}2:{letter}4"]})


def good_hidden_duplicate(folder: Path, year: int = 2025) -> Path:
    from openpyxl import load_workbook

    s = standard_sheets(year=year, county="上高县")
    s["义务教育学校(旧)"] = table_rows("schools", [school(9, students_primary="乱填")])
    path = write_sheets(Path(folder) / "上高县.xlsx", s)
    wb = load_workbook(path)
    ws = wb["义务教育学校(旧)"]
    ws.title = "义务教育学校 "
    ws.sheet_state = "hidden"
    wb.save(path)
    return path


def good_areas_in_mu_and_sheet_named_ambiguously(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year, county="万载县", kindergartens=[kindergarten(1, design_year=min(2018, year)), kindergarten(2, design_year=min(2018, year))])
    i = sheets()["schools"].field_names.index("sports_area_m2")
    s["义务教育学校"][0][i] = "体育运动场馆面积(亩)"
    s["学校基本情况"] = s.pop("义务教育学校")
    return write_sheets(Path(folder) / "万载县.xlsx", s)


def good_single_quotes_and_invisible_county(folder: Path, year: int = 2025) -> Path:
    s = standard_sheets(year=year, county="\ufeff宜丰县\u200b")
    src = write_sheets(Path(folder) / ".src" / "x.xlsx", s)

    def requote(xml: bytes) -> bytes:
        return re.sub(rb'(\s[\w:]+)="([^"<>\']*)"', rb"\1 = '\2'", xml)

    out = rewrite(src, Path(folder) / "宜丰县.xlsx", edit={SCHOOL_SHEET: requote})
    src.unlink()
    (Path(folder) / ".src").rmdir()
    return out


def good_xls(folder: Path, year: int = 2025) -> Path:
    return write_xls(Path(folder) / "樟树市.xls", standard_sheets(year=year, county="樟树市"))


GOOD = {
    "xls": good_xls,
    "ods": good_ods,
    "messy": good_messy,
    "merged_data_cells": good_merged_data_cells,
    "hidden_duplicate": good_hidden_duplicate,
    "areas_in_mu_and_ambiguous_sheet_name": good_areas_in_mu_and_sheet_named_ambiguously,
    "single_quotes_and_invisible_county": good_single_quotes_and_invisible_county,
}


def build(folder: Path, names=None, table=BAD) -> dict[str, Path]:
    """Write the named cases (all by default) into a folder, each for its own statistical year
    (2001, 2002 …, so that no two readable ones are one county-year); returns name → path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {n: table[n](folder, year=2001 + i) for i, n in enumerate(names or table)}
