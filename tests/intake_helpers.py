"""Builders for real .xlsx workbooks used by the intake tests (written with openpyxl in tmp_path).

`standard_sheets(...)` returns {sheet name: rows (list of lists)} of a valid workbook built
from the data dictionary; tests edit those rows (insert title rows, units rows, bad values)
and write them with `write_sheets(path, sheets, merges=...)`.
"""

from __future__ import annotations

from pathlib import Path

from yichun.catalogue import catalogue
from yichun.dictionary import sheets

SCHOOL = {
    "school_id": "3609240001", "school_name": "宜丰县第一小学", "school_type": "小学", "ownership": "公办", "area": "城区",
    "boarding": "否", "students_primary": 600, "students_junior": 0, "students_senior": 0, "classes_primary": 14,
    "classes_junior": 0, "max_class_primary": 45, "max_class_junior": None, "teachers_qualified_primary": 40,
    "teachers_qualified_junior": 0, "teachers_backbone_primary": 8, "teachers_backbone_junior": 0,
    "teachers_pe_arts_primary": 6, "teachers_pe_arts_junior": 0, "teachers_total": 42, "teachers_certified": 42,
    "teaching_area_m2": 3000.5, "sports_area_m2": 5000, "equipment_value_wan": 150, "multimedia_rooms": 16,
    "music_rooms": 1, "art_rooms": 1, "music_room_min_m2": 96, "art_room_min_m2": 90,
}
KINDERGARTEN = {
    "kg_id": "3609245001", "kg_name": "宜丰县第一幼儿园", "kg_type": "公办", "area": "城区", "township_center": "是",
    "estate_kindergarten": "否", "children": 300, "classes": 10, "oversized_classes": 0, "staff": 40, "teachers": 22,
    "teachers_certified": 22, "nurses": 10, "building_m2": 3000, "activity_m2": 2500, "outdoor_m2": 1500,
    "township": "新昌镇", "design_year": 2018, "head_certified": "是",
}


def school(n: int = 1, **overrides) -> dict:
    row = dict(SCHOOL, school_id=f"36092400{n:02d}", school_name=f"宜丰县第{n}小学")
    row.update(overrides)
    return row


def kindergarten(n: int = 1, **overrides) -> dict:
    row = dict(KINDERGARTEN, kg_id=f"36092450{n:02d}", kg_name=f"宜丰县第{n}幼儿园")
    row.update(overrides)
    return row


def county_input_value(entry: dict):
    unit = entry["unit"]
    if entry["class"] == "B":
        return "良"
    if "是" in unit and "否" in unit:
        return "否" if entry["code"].startswith("V") else "是"
    if "%" in unit:
        return "96.5%"
    return {"POP_3_5": 9000, "TOWNSHIPS": 12, "G7": 6500, "Q9_LEVEL": 3, "Q9_DIFF": 0.1}.get(entry["code"], 1.05)


def county_inputs() -> list[dict]:
    return [{"code": e["code"], "name": e["name"], "value": county_input_value(e), "unit": e["unit"], "note": ""}
            for e in catalogue().county_input_codes()]


def population(year: int) -> list[dict]:
    return [{"birth_year": y, "births": 3000 + 10 * (y - year)} for y in range(year - 14, year + 1)]


def table_rows(key: str, records: list[dict], with_units: bool = True) -> list[list]:
    spec = sheets()[key]
    header = [f.header_with_unit if with_units else f.header for f in spec.fields]
    return [header] + [[r.get(f.field) for f in spec.fields] for r in records]


def standard_sheets(county: str = "宜丰县", year: int = 2025, schools=None, kindergartens=None, inputs=None, births=None, plans=None,
                    townships=None) -> dict:
    out = {
        "基本信息": [["项目", "内容"], ["县(市、区)", county], ["统计年度", year], ["填报单位", f"{county}教育体育局"]],
        "义务教育学校": table_rows("schools", schools if schools is not None else [school(1), school(2)]),
        # default kindergartens were designed no later than the statistical year (a later design year is an error)
        "幼儿园": table_rows("kindergartens", kindergartens if kindergartens is not None
                           else [kindergarten(1, design_year=min(2018, year)), kindergarten(2, design_year=min(2018, year))]),
        "县级指标": table_rows("county_inputs", inputs if inputs is not None else county_inputs()),
        "人口": table_rows("population", births if births is not None else population(year)),
    }
    if plans is not None:
        out["建设计划"] = table_rows("plans", plans)
    if townships is not None:  # [(name, kind), ...]
        out["乡镇"] = table_rows("townships", [{"township": t, "township_kind": k} for t, k in townships])
    return out


def write_sheets(path: Path, sheets_: dict, merges: dict | None = None, text_cells: bool = True) -> Path:
    """Write {sheet: rows} to an .xlsx; None cells stay empty; `merges` {sheet: ["B3:D3", ...]}."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets_.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    ws.cell(row=r, column=c, value=v)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_workbook(path: Path, **kwargs) -> Path:
    return write_sheets(path, standard_sheets(**kwargs))


def column(key: str, field: str) -> int:
    """0-based column of a field in the standard layout."""
    return sheets()[key].field_names.index(field)


def messy_school_rows(records: list[dict], *, title: bool = True, units: bool = True, yuan: bool = False, total: dict | None = None,
                      notes: bool = True) -> list[list]:
    """A 义务教育学校 sheet as counties send it: title rows, a two-row merged header (group over
    小学/初中/高中), a units row, data, a blank row, a 合计 row and note/signature lines.

    Data starts at Excel row 6 when `title` and `units` are set (rows 1–2 titles, 3–4 header, 5 units).
    Merge ranges for the upper header row are returned by `messy_school_merges`.
    """
    spec = sheets()["schools"]
    upper, lower = [], []
    for i, f in enumerate(spec.fields):
        if f.group:
            first = i == 0 or spec.fields[i - 1].group != f.group
            upper.append(f.group if first else None)
            lower.append(f.sub)
        else:
            text = "教学仪器设备值(元)" if (f.money and yuan) else f.header_with_unit
            upper.append(text)
            lower.append(None)
    rows: list[list] = []
    if title:
        rows += [["宜丰县2025年义务教育学校基本情况表"], ["填报单位：宜丰县教育体育局（盖章）"]]
    rows += [upper, lower]
    if units:
        rows.append([f.unit if f.group else None for f in spec.fields])
    rows += [[r.get(f.field) for f in spec.fields] for r in records]
    rows.append([])
    if total is not None:
        row = [None] * len(spec.fields)
        row[0] = "合计"
        for k, v in total.items():
            row[spec.field_names.index(k)] = v
        rows.append(row)
    if notes:
        rows += [["注：1. 在校生数以秋季开学统计为准。"], ["2. 面积单位为平方米。"], ["填表人：张三", None, None, "审核人：李四"]]
    return rows


def messy_school_merges(title: bool = True) -> list[str]:
    """Merge ranges of the upper header row of `messy_school_rows` (group labels over their subs)."""
    from openpyxl.utils import get_column_letter

    spec = sheets()["schools"]
    r = 3 if title else 1
    out, i = [], 0
    fields = spec.fields
    while i < len(fields):
        if fields[i].group:
            j = i
            while j + 1 < len(fields) and fields[j + 1].group == fields[i].group:
                j += 1
            if j > i:
                out.append(f"{get_column_letter(i + 1)}{r}:{get_column_letter(j + 1)}{r}")
            i = j + 1
        else:
            out.append(f"{get_column_letter(i + 1)}{r}:{get_column_letter(i + 1)}{r + 1}")
            i += 1
    if title:
        out.append(f"A1:{get_column_letter(len(fields))}1")
    return out


def by_kind(problems, kind: str) -> list:
    """Problems (a frame from ingest, or a list of Problem) of one kind, as Problem-like rows."""
    if isinstance(problems, list):
        return [p for p in problems if p.kind == kind]
    sub = problems[problems["kind"] == kind]
    return list(sub.itertuples(index=False))


def fill_template(path: Path, schools: list[dict], kindergartens: list[dict], county_values: dict | None = None,
                  townships: tuple[tuple[str, str], ...] = (), plans: tuple[list, ...] = ()) -> Path:
    """Fill a template written by `yichun template` (yichun.template.write_template): school and
    kindergarten rows, the 县级指标 values (passing ones unless overridden), births 2010–2024,
    and optional 乡镇 rows (name, kind) and 建设计划 rows."""
    import openpyxl

    from yichun.assessment.examples import passing_county_inputs

    wb = openpyxl.load_workbook(path)
    for key, records in (("schools", schools), ("kindergartens", kindergartens)):
        spec = sheets()[key]
        ws = wb[spec.name]
        for r, rec in enumerate(records, start=2):
            for c, f in enumerate(spec.fields, start=1):
                if rec.get(f.field) is not None:
                    ws.cell(row=r, column=c, value=rec[f.field])
    values = passing_county_inputs() | {"POP_3_5": 320, "TOWNSHIPS": 1} | (county_values or {})
    ws = wb[sheets()["county_inputs"].name]
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=1).value in values:
            ws.cell(row=r, column=3, value=values[ws.cell(row=r, column=1).value])
    ws = wb[sheets()["population"].name]
    for r, y in enumerate(range(2010, 2025), start=2):
        ws.cell(row=r, column=1, value=y)
        ws.cell(row=r, column=2, value=3000)
    for key, rows in (("townships", townships), ("plans", plans)):
        ws = wb[sheets()[key].name]
        for r, row in enumerate(rows, start=2):
            for c, v in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=v)
    wb.save(path)
    return path
