"""The blank intake workbook (`yichun template`), generated from the data dictionary.

Every sheet of yichun/data/dictionary.yaml with its official headers and units
(`教学仪器设备值(万元)`), the field's help text as a comment on each header cell,
drop-down lists for enum and 是/否 fields, identifier columns formatted as text (leading
zeros kept), a bold frozen header row and readable column widths. 基本信息 is pre-filled
with the county and year; the optional 乡镇 sheet says what happens without it;
县级指标 lists every code of the standards catalogue with its name, unit and standard (from
the catalogue), the value left for the county to fill. A filled copy reads back through
`yichun ingest` without problems.
"""

from __future__ import annotations

from pathlib import Path

from yichun.atomic import replacing
from yichun.catalogue import Condition, catalogue
from yichun.counties import normalize_county
from yichun.dictionary import Field, sheets
from yichun.errors import YichunError

DATA_ROWS = 2000  # rows covered by drop-downs and text formatting
LISTS_SHEET = "选项"
HEADER_FILL = "DDEBF7"
TABLE_SHEETS = ("schools", "kindergartens", "townships", "county_inputs", "population", "plans")
# Beside the (optional) 乡镇 table, in a column the reader ignores; it must not start with a
# note word (注、说明…), which would end the table for the reader.
TOWNSHIPS_NOTE = (
    "本表可选：列出本县全部乡、镇和街道（没有幼儿园的乡镇也要列出），用于逐个乡镇核查公办中心园"
    "（每个乡镇至少一所公办中心园，每个街道至少一所公办园或普惠性民办园）。"
    "不填本表时，乡镇名单取自「幼儿园」表的「所在乡镇(街道)」，没有幼儿园的乡镇就无法发现，评估结果会注明这一点。"
    "名称应与「幼儿园」表一致。"
)


def default_name(county: str, year: int) -> str:
    return f"{county}{year}年县级指标采集表.xlsx"


def _width(text: str) -> float:
    # CJK characters are about two Latin widths in Excel's default font
    return sum(2.0 if ord(ch) > 0x2E7F else 1.1 for ch in str(text)) + 2


def write_template(county: str, year: int, path: Path | str | None = None, profile="national") -> Path:
    """Write the blank workbook for one county and statistical year; returns the path."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    county = normalize_county(county)
    year = int(year)
    if not 2000 <= year <= 2100:
        raise YichunError(f"统计年度「{year}」无效：应为四位年份，如 2025（表示 2025—2026 学年）。")
    path = Path(path) if path else Path.cwd() / default_name(county, year)
    specs = sheets()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    wrap = Alignment(wrap_text=True, vertical="center")

    wb = Workbook()
    lists = wb.active
    lists.title = LISTS_SHEET
    list_ranges: dict[str, str] = {}

    def list_range(name: str, values: list[str]) -> str:
        if name not in list_ranges:
            col = get_column_letter(len(list_ranges) + 1)
            lists[f"{col}1"] = name
            for i, v in enumerate(values, start=2):
                lists[f"{col}{i}"] = v
            list_ranges[name] = f"'{LISTS_SHEET}'!${col}$2:${col}${len(values) + 1}"
        return list_ranges[name]

    def header_cell(ws, row: int, col: int, text: str, help_text: str = ""):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        if help_text:
            comment = Comment(help_text, "yichun")
            comment.width, comment.height = 300, 90
            cell.comment = comment
        return cell

    def dropdown(ws, values_ref: str, cells: str, title: str):
        dv = DataValidation(type="list", formula1=values_ref, allow_blank=True, showErrorMessage=True,
                            errorTitle="取值无效", error=f"请从下拉列表中选择{title}。")
        for ref in cells.split():
            dv.add(ref)
        ws.add_data_validation(dv)

    # 基本信息
    info = specs["info"]
    ws = wb.create_sheet(info.name)
    header_cell(ws, 1, 1, "项目")
    header_cell(ws, 1, 2, "内容")
    prefill = {"county": county, "year": year, "reporter": f"{county}教育体育局"}
    for r, f in enumerate(info.fields, start=2):
        c = ws.cell(row=r, column=1, value=f.header)
        c.font = bold
        if f.help:
            c.comment = Comment(f.help, "yichun")
        if f.field in prefill:
            ws.cell(row=r, column=2, value=prefill[f.field])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 36
    ws.freeze_panes = "A2"

    # table sheets
    for key in TABLE_SHEETS:
        spec = specs[key]
        ws = wb.create_sheet(spec.name)
        for c, f in enumerate(spec.fields, start=1):
            text = f.header_with_unit
            header_cell(ws, 1, c, text, _help(f))
            letter = get_column_letter(c)
            ws.column_dimensions[letter].width = max(8.0, min(30.0, _width(text)))
            cells = f"{letter}2:{letter}{DATA_ROWS + 1}"
            if f.type == "enum":
                dropdown(ws, list_range(f.header, list(f.values)), cells, f"「{f.header}」")
            elif f.type == "bool":
                dropdown(ws, list_range("是否", ["是", "否"]), cells, " 是 或 否")
            if f.field.endswith("_id") or f.field == "code":
                ws.column_dimensions[letter].number_format = "@"
                for r in range(2, 202):
                    ws.cell(row=r, column=c).number_format = "@"
        ws.freeze_panes = "A2" if key not in ("schools", "kindergartens") else "C2"
        ws.row_dimensions[1].height = 36
        if key == "county_inputs":
            _county_inputs(ws, profile, list_range, dropdown)
        if key == "townships":
            note = ws.cell(row=2, column=len(spec.fields) + 2, value=TOWNSHIPS_NOTE)
            note.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(len(spec.fields) + 2)].width = 60
            ws.row_dimensions[2].height = 120
        if key == "plans":
            items = [f.header for f in specs["schools"].fields if f.type in ("int", "float")]
            dropdown(ws, list_range("项目", items), f"C2:C{DATA_ROWS + 1}", "「项目」（学校表中的资源字段）")
    lists.sheet_state = "hidden"
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1)
    wb.active = 0
    with replacing(path) as tmp:
        wb.save(tmp)
    return path


def _help(f: Field) -> str:
    parts = [f.help or f.header]
    if f.required:
        parts.append("（必填）")
    if f.type == "enum":
        parts.append(f"可选：{'、'.join(f.values)}")
    if f.money:
        parts.append("单位万元；如按元填写，请把表头改为(元)")
    return "\n".join(parts)


def _standards(cat) -> dict:
    """县级指标 code → the catalogue condition it is checked against (A-class county items)."""
    out: dict[str, Condition] = {}
    for ind in cat:
        if ind.scope == "county" and ind.klass == "A" and not (ind.computed_from and not ind.conditions):
            for c in ind.checks():
                out.setdefault(c.input, c)
    return out


def _standard_text(cond) -> str:
    """`标准 ≥ 500 元/生·年`, `标准 ≥ 75%`, `应为 是` for one condition ('' when it has no threshold)."""
    if cond.comparator in ("yes", "no"):
        return f"应为 {'是' if cond.comparator == 'yes' else '否'}"
    if cond.threshold is None:
        return ""
    sign = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}.get(cond.comparator, cond.comparator)
    unit = cond.unit or ""
    if "%" in unit:
        return f"标准 {sign} {float(cond.threshold) * 100:g}%"
    return f"标准 {sign} {float(cond.threshold):g} {unit}".rstrip()


def _county_inputs(ws, profile, list_range, dropdown) -> None:
    rating_cells, answer_cells = [], []
    cat = catalogue(profile)
    standards = _standards(cat)
    for r, entry in enumerate(cat.county_input_codes(), start=2):
        ws.cell(row=r, column=1, value=entry["code"]).number_format = "@"
        ws.cell(row=r, column=2, value=entry["name"])
        ws.cell(row=r, column=4, value=entry["unit"])
        note = entry.get("note") or ""
        cond = standards.get(entry["code"])
        standard = _standard_text(cond) if cond is not None else ""
        if standard and standard not in note:
            note = f"{note}；{standard}" if note else standard
        if entry["class"] == "B":
            rating_cells.append(f"C{r}")
            note = note or "B 类指标：填评价等级"
        elif "是" in entry["unit"] and "否" in entry["unit"]:
            answer_cells.append(f"C{r}")
        elif "%" in entry["unit"]:
            note = (note + "；" if note else "") + "百分比可填 96.5% 或 0.965"
        ws.cell(row=r, column=5, value=note)
    if rating_cells:
        dropdown(ws, list_range("等级", ["优", "良", "中", "差"]), " ".join(rating_cells), "等级 优、良、中、差")
    if answer_cells:
        dropdown(ws, list_range("是否", ["是", "否"]), " ".join(answer_cells), " 是 或 否")
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["E"].width = 40
