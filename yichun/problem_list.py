"""The 问题清单 and 一校(园)一策 workbook of one county and year (`yichun problems`).

`write_problem_list(assessment, county, year, path=None)` writes a formatted .xlsx:

- 汇总: readiness per track (A/B status), the largest gaps, the bill with its unit-cost basis;
- one sheet per track and dimension (义务·资源配置, 义务·政府保障程度, …, 学前·保教质量保障情况):
  every indicator with its standard, value and status, plus the school-by-school tables behind
  the computed ones (R1–R7 per school part, 差异系数, G3/G4/G5 offenders, kindergartens);
- 一校一策 / 一园一策: one block per school (kindergarten) with its gaps, quantities and cost.

Formatting: Chinese headers, frozen panes, number formats (0.00, 0.0%, #,##0 for whole-unit shortfalls), red/amber/green
fills on status cells only, column widths fitted to the text (CJK characters count double).
Text is always written as text: a value starting with = + - @ never becomes a formula. The file
is written atomically (temporary file in the same folder, then os.replace).
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

import pandas as pd

from yichun import paths
from yichun.atomic import replacing
from yichun.errors import YichunError

GREEN, AMBER, RED, HEAD = "C6EFCE", "FFEB9C", "FFC7CE", "D9E1F2"
FORMULA_START = ("=", "+", "-", "@")
PCT, TWO, INT, MONEY = "0.0%", "0.00", "#,##0", "#,##0.00"


def quantity_format(unit: str) -> str:
    """Shortfalls in whole units (teachers, rooms, ㎡: rounded up by the assessment) show no decimals."""
    from yichun.assessment.gaps import INTEGER_UNITS

    return INT if unit in INTEGER_UNITS else TWO
TRACK_PREFIX = {"义务教育": "义务", "学前教育": "学前"}
MAX_WIDTH = 60


def default_path(county: str, year: int) -> Path:
    return paths.reports_dir() / f"{county}{year}年问题清单与一校一策.xlsx"


def write_problem_list(assessment, county: str, year: int, path: str | Path | None = None) -> Path:
    """Write the workbook for one county and year; returns the path written."""
    from openpyxl import Workbook

    from yichun.counties import normalize_county

    county = normalize_county(county)
    year = int(year)
    a = assessment
    if not ((a.readiness["county"] == county) & (a.readiness["year"] == year)).any():
        have = sorted({f"{c}{y}年" for c, y in zip(a.readiness["county"], a.readiness["year"])})
        raise YichunError(f"评估结果中没有 {county} {year} 年的数据（有：{'、'.join(have) or '无'}）")
    path = Path(path) if path else default_path(county, year)
    if path.suffix.lower() != ".xlsx":
        raise YichunError(f"输出文件应为 .xlsx：{path}")
    sel = {name: _pick(getattr(a, name), county, year) for name in
           ("school_parts", "cv", "preschool", "items", "readiness", "gaps", "bill", "cv_drivers", "school_checks", "kg_checks")}
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    _summary(ws, a, sel, county, year)
    for track in ("义务教育", "学前教育"):
        items = sel["items"][sel["items"]["track"] == track]
        for dim in dict.fromkeys(items["dimension"]):
            sheet = wb.create_sheet(f"{TRACK_PREFIX[track]}·{dim}"[:31])
            _dimension(sheet, a, sel, track, dim, items[items["dimension"] == dim])
    _plans(wb.create_sheet("一校一策"), sel, "义务教育", "学校")
    _plans(wb.create_sheet("一园一策"), sel, "学前教育", "幼儿园")
    _costs_sheet(wb.create_sheet("单价依据"), a)
    for ws in wb.worksheets:  # printed for meetings: landscape A4, all columns on one page width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_title_rows = None
    with replacing(path) as tmp:
        wb.save(tmp)
    return path


def _pick(frame: pd.DataFrame, county: str, year: int) -> pd.DataFrame:
    if frame is None or frame.empty:
        return frame
    return frame[(frame["county"] == county) & (frame["year"] == year)].reset_index(drop=True)


# ----------------------------------------------------------------------------- cell writing
class Sheet:
    """Row-by-row writer that tracks column widths and applies the house formats."""

    def __init__(self, ws):
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = ws
        self.row = 1
        self.widths: dict[int, float] = {}
        self._fills: dict[str, PatternFill] = {}
        self._fill_cls = PatternFill
        self._bold = Font(bold=True)
        self._wrap = Alignment(wrap_text=True, vertical="top")

    def _fill(self, color: str):
        if color not in self._fills:
            self._fills[color] = self._fill_cls("solid", start_color=color, end_color=color)
        return self._fills[color]

    def put(self, row: int, col: int, value, fmt: str | None = None, fill: str | None = None, bold: bool = False, wrap: bool = False):
        cell = self.ws.cell(row=row, column=col)
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            cell.value = None
        elif isinstance(value, bool):
            cell.value = "是" if value else "否"
        elif isinstance(value, int | float):
            cell.value = float(value) if isinstance(value, float) else int(value)
            if math.isinf(cell.value):
                cell.value = "∞"
            elif fmt:
                cell.number_format = fmt
        else:
            text = str(value)
            cell.value = text
            if text.startswith(FORMULA_START):
                cell.data_type = "s"  # text, never a formula
                cell.quotePrefix = True
        if fill:
            cell.fill = self._fill(fill)
        if bold:
            cell.font = self._bold
        if wrap:
            cell.alignment = self._wrap
        shown = _shown(cell.value, fmt)
        self.widths[col] = max(self.widths.get(col, 0), min(_width(shown), MAX_WIDTH))
        return cell

    def title(self, text: str, note: str = "") -> None:
        from openpyxl.styles import Font

        c = self.put(self.row, 1, text)
        c.font = Font(bold=True, size=14)
        self.widths[1] = min(self.widths.get(1, 0), 20)  # a title does not size the first column
        self.row += 1
        if note:
            self.put(self.row, 1, note)
            self.widths[1] = min(self.widths.get(1, 0), 20)
            self.row += 1
        self.row += 1

    def table(self, frame: pd.DataFrame, formats: dict | None = None, status: dict | None = None, wrap: tuple = (),
              heading: str | None = None) -> tuple[int, int]:
        """Write a table with a header row; returns (header row, last row). status: column → fill function."""
        from openpyxl.styles import Font

        formats, status = formats or {}, status or {}
        if heading:
            c = self.put(self.row, 1, heading)
            c.font = Font(bold=True, size=12)
            self.widths[1] = min(self.widths.get(1, 0), 20)
            self.row += 1
        head = self.row
        for j, name in enumerate(frame.columns, start=1):
            self.put(head, j, name, fill=HEAD, bold=True)
        self.row += 1
        cols = list(frame.columns)
        for values in frame.itertuples(index=False):
            row = dict(zip(cols, values))
            for j, (name, v) in enumerate(row.items(), start=1):
                fill = status[name](v) if name in status else None
                fmt = formats.get(name)
                self.put(self.row, j, v, fmt(row) if callable(fmt) else fmt, fill, wrap=name in wrap)
            self.row += 1
        if frame.empty:
            self.put(self.row, 1, "（无）")
            self.row += 1
        last = self.row - 1
        self.row += 1
        return head, last

    def finish(self, freeze: str | None = None) -> None:
        from openpyxl.utils import get_column_letter

        for col, w in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = max(6.0, w + 2)
        if freeze:
            self.ws.freeze_panes = freeze


def _width(text: str) -> float:
    """Display width: East Asian wide/full-width characters count double."""
    lines = str(text).split("\n") or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line) for line in lines)


def _shown(value, fmt) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if fmt == PCT:
            return f"{value * 100:.1f}%"
        if fmt in (MONEY, TWO):
            return f"{value:,.2f}"
        if fmt == INT:
            return f"{value:,.0f}"
        return f"{value:.6g}"
    return str(value)


def met_fill(v) -> str | None:
    """Status colours: 达标 green, 未达标 red, 缺数据 amber."""
    if v in ("达标", "是", "具备", True):
        return GREEN
    if v in ("未达标", "否", "不具备", False):
        return RED
    if v in ("缺数据", "低于标准(容差内)", "不适用"):
        return AMBER
    return None


def _status(met) -> str:
    if met is None or met is pd.NA or (isinstance(met, float) and math.isnan(met)):
        return "缺数据"
    return "达标" if bool(met) else "未达标"


# ----------------------------------------------------------------------------- sheets
def _summary(ws, a, sel, county, year) -> None:
    s = Sheet(ws)
    desc = a.catalogue.description if a.catalogue is not None else ""
    s.title(f"{county}{year}年 县域义务教育优质均衡与学前教育普及普惠 问题清单",
            f"评估标准：{a.profile}（{desc}）；A类指标须全部达标，B类指标须评为良及以上；费用为估算，供测算参考")
    r = sel["readiness"].copy()
    rows = pd.DataFrame({
        "评估类别": r["track"], "A类指标达标": [f"{m}/{t}" for m, t in zip(r["a_met"], r["a_total"])],
        "B类指标良及以上": [f"{m}/{t}" for m, t in zip(r["b_good"], r["b_total"])],
        "一票否决": ["有" if v else "无" for v in r["veto"]], "是否具备申报条件": ["具备" if v else "不具备" for v in r["ready"]],
        "未达标指标": r["unmet"], "缺数据指标": r["missing"],
        "补短板费用(万元)": [a.total_cost(county, year, t) for t in r["track"]],
    })
    s.table(rows, {"补短板费用(万元)": MONEY}, {"是否具备申报条件": met_fill, "一票否决": lambda v: RED if v == "有" else GREEN},
            heading="一、是否具备申报条件")
    gaps = sel["gaps"]
    top = gaps[gaps["in_bill"] & gaps["cost_wan"].notna()].sort_values("cost_wan", ascending=False).head(15)
    s.table(pd.DataFrame({"学校/幼儿园": top["school_name"], "学段": top["level"], "指标": top["indicator"], "项目": top["item"],
                          "依据": top["basis"], "缺口": top["shortfall"], "单位": top["unit"], "费用(万元)": top["cost_wan"]}),
            {"缺口": lambda r: quantity_format(r["单位"]), "费用(万元)": MONEY}, heading="二、费用最大的缺口（前15项）")
    bill = sel["bill"]
    frame = pd.DataFrame({"评估类别": bill["track"], "类别": bill["category"], "数量": bill["quantity"], "单位": bill["unit"],
                          "费用(万元)": bill["cost_wan"], "计价依据": bill["basis"]})
    total = pd.DataFrame({"评估类别": ["合计"], "类别": ["已计价项目合计"], "数量": [None], "单位": [""],
                          "费用(万元)": [a.total_cost(county, year)], "计价依据": ["不计价的项目（学位、班额、持证等）只列数量"]})
    s.table(pd.concat([frame, total], ignore_index=True), {"数量": lambda r: quantity_format(r["单位"]), "费用(万元)": MONEY}, wrap=("计价依据",), heading="三、达标费用测算")
    s.widths[6] = min(s.widths.get(6, 0), 50)
    s.finish("A2")


def _items_table(items: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "代码": items["code"], "指标": items["name"], "类别": items["klass"], "标准": items["standard"], "数值": items["value"],
        "评价等级": items["rating"], "是否达标": [_status(m) for m in items["met"]],
        "一票否决": ["是" if v else "" for v in items["veto"]], "情况说明": items["detail"],
    })


def _dimension(ws, a, sel, track, dim, items) -> None:
    s = Sheet(ws)
    s.title(f"{track} · {dim}")
    frame = _items_table(items)
    head, last = s.table(frame, {"数值": TWO}, {"是否达标": met_fill, "一票否决": lambda v: RED if v == "是" else None},
                         wrap=("指标", "情况说明", "标准"))
    # percentages read better as %: apply per row from the catalogue unit
    for i, code in enumerate(items["code"], start=head + 1):
        unit = a.catalogue[code].unit if code in a.catalogue.indicators else ""
        if unit == "%" or code in ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "G3", "G4", "G5", "PQ1", "PG4", "CV"):
            ws.cell(row=i, column=5).number_format = PCT
    for col, cap in ((2, 40), (4, 36), (9, 70)):
        s.widths[col] = min(s.widths.get(col, 0), cap)
    freeze = f"A{head + 1}"
    if track == "义务教育" and dim == "资源配置":
        _resource_tables(s, a, sel)
    elif track == "义务教育" and dim == "政府保障程度":
        _school_check_table(s, sel)
    elif track == "学前教育" and dim == "保教质量保障情况":
        _kindergarten_table(s, sel)
    s.finish(freeze)


def _resource_tables(s: Sheet, a, sel) -> None:
    cv = sel["cv"]
    s.table(pd.DataFrame({"学段": cv["level"], "指标": cv["indicator"], "差异系数": cv["cv"], "上限": cv["limit"],
                          "是否达标": [("不适用" if n < 2 else "缺数据") if m is pd.NA else _status(m) for m, n in zip(cv["met"], cv["n_counted"])],
                          "计入学校数": cv["n_schools"], "县域均值": cv["county_value"]}),
            {"差异系数": "0.000", "上限": TWO, "县域均值": TWO, "计入学校数": INT}, {"是否达标": met_fill}, heading="校际差异系数（按在校生数加权）")
    d = sel["cv_drivers"]
    if len(d):
        d = d[d["rank"] <= 5]
        s.table(pd.DataFrame({"学段": d["level"], "指标": d["indicator"], "学校": d["school_name"], "在校生": d["students"],
                              "生均值": d["x"], "县域均值": d["county_value"], "占方差比例": d["variance_share"]}),
                {"在校生": INT, "生均值": TWO, "县域均值": TWO, "占方差比例": PCT}, heading="差异系数超限的主要来源（每项前5所）")
    p = sel["school_parts"]
    codes = list(a.catalogue.rules["school_rule"]["indicators"])
    frame = pd.DataFrame({"学校标识码": p["school_id"], "学校名称": p["school_name"], "办学类型": p["school_type"], "学段": p["level"],
                          "在校生": p["students"], **{c: p[c] for c in codes}, "达标项数": p["n_met"],
                          "是否符合学校要求": [("缺数据" if ok is pd.NA else "达标" if ok else "未达标") if c else "不计入" for ok, c in zip(p["passed"], p["counted"])],
                          "说明": [r if c else e for r, e, c in zip(p["fail_reason"], p["excluded_reason"], p["counted"])]})
    frame = frame.sort_values(["是否符合学校要求", "达标项数"], key=lambda x: x.map({"未达标": 0, "达标": 1, "不计入": 2}) if x.name == "是否符合学校要求" else x)
    s.table(frame, {"在校生": INT, **{c: TWO for c in codes}, "达标项数": INT},
            {"是否符合学校要求": lambda v: met_fill(v) if v != "不计入" else None}, wrap=("说明",),
            heading=f"各校(学段)资源配置七项指标（至少{a.catalogue.rules['school_rule']['min_met']}项达标、其余不低于标准的"
                    f"{a.catalogue.rules['school_rule']['remainder_ratio'] * 100:.0f}%）")


def _school_check_table(s: Sheet, sel) -> None:
    c = sel["school_checks"]
    c = c[c["counted"]]
    bad = c[~(c["G3_ok"].fillna(False) & c["G4_ok"].fillna(False) & c["G5_ok"].fillna(False))]
    s.table(pd.DataFrame({"学校标识码": bad["school_id"], "学校名称": bad["school_name"], "义务教育班级数": bad["compulsory_classes"],
                          "应有音乐/美术教室(间)": bad["rooms_needed"], "音乐教室(间)": bad["music_rooms"], "美术教室(间)": bad["art_rooms"],
                          "G3": [_status(v) for v in bad["G3_ok"]], "义务教育在校生": bad["compulsory_students"],
                          "规模上限": bad["size_limit"], "G4": [_status(v) for v in bad["G4_ok"]],
                          "G5": [_status(v) for v in bad["G5_ok"]]}),
            {"义务教育班级数": INT, "应有音乐/美术教室(间)": INT, "音乐教室(间)": INT, "美术教室(间)": INT, "义务教育在校生": INT, "规模上限": INT},
            {"G3": met_fill, "G4": met_fill, "G5": met_fill}, heading="逐校核查：G3 专用教室、G4 学校规模、G5 班额（仅列有问题的学校）")


def _kindergarten_table(s: Sheet, sel) -> None:
    k = sel["kg_checks"]
    bad = k[~k["PQ1_ok"].fillna(False) | (k["oversized_classes"].fillna(0) > 0) | (k["children_per_teacher"] > 15)
            | (k["teachers_certified"] < k["teachers"])]
    s.table(pd.DataFrame({"园所标识码": bad["kg_id"], "园所名称": bad["kg_name"], "办园性质": bad["kg_type"], "在园幼儿": bad["children"],
                          "生均室外游戏场地(㎡)": bad.get("outdoor_m2_per_child"), "生均活动用房(㎡)": bad.get("activity_m2_per_child"),
                          "PQ1": [_status(v) for v in bad["PQ1_ok"]], "超标班额班级": bad["oversized_classes"],
                          "幼儿/专任教师": bad["children_per_teacher"], "未持证专任教师": bad["teachers"] - bad["teachers_certified"]}),
            {"在园幼儿": INT, "生均室外游戏场地(㎡)": TWO, "生均活动用房(㎡)": TWO, "超标班额班级": INT, "幼儿/专任教师": TWO, "未持证专任教师": INT},
            {"PQ1": met_fill}, heading="逐园核查（仅列有问题的幼儿园）")


def _plans(ws, sel, track, label) -> None:
    """一校一策 / 一园一策: one block per school with its gaps, quantities and cost, costliest first."""
    from openpyxl.styles import Font

    s = Sheet(ws)
    s.title(f"{'一校一策' if label == '学校' else '一园一策'}（{track}）",
            "「必需」= 县域达标必须补齐；「计入测算」= 计入达标费用（同校两学段共用的设施只计一次）")
    g = sel["gaps"]
    g = g[g["track"] == track]
    if g.empty:
        s.put(s.row, 1, "无需补齐的缺口")
        s.finish()
        return
    cost = g["cost_wan"].where(g["in_bill"], 0.0).fillna(0.0).groupby(g["school_id"], sort=False).sum()
    order = sorted(cost.index, key=lambda k: (k != "", -cost[k]))  # the county-wide block first, then by cost
    header = ["指标", "依据", "项目", "学段", "现值", "标准", "缺口", "单位", "费用(万元)", "必需", "计入测算", "说明"]
    for j, h in enumerate(header, start=1):
        s.put(s.row, j, h, fill=HEAD, bold=True)
    head_row = s.row
    s.row += 1
    for sid in order:
        block = g[g["school_id"] == sid]
        name = block["school_name"].iloc[0]
        c = s.put(s.row, 1, f"{name}（{sid}）" if sid else f"{name}（县域层面）")
        c.font = Font(bold=True, size=12)
        s.widths[1] = min(s.widths.get(1, 0), 12)
        s.put(s.row, 9, float(block.loc[block["in_bill"], "cost_wan"].sum()), MONEY, bold=True)
        s.row += 1
        for r in block.itertuples(index=False):
            pct = r.indicator in ("G12", "PQ4", "P1", "P2", "P3", "PQ2")
            values = [r.indicator, r.basis, r.item, r.level, r.value, r.standard, r.shortfall, r.unit, r.cost_wan,
                      "是" if r.required else "否", "是" if r.in_bill else "否", r.note]
            fmts = [None, None, None, None, PCT if pct else TWO, PCT if pct else TWO, quantity_format(r.unit), None, MONEY, None, None, None]
            for j, (v, f) in enumerate(zip(values, fmts), start=1):
                fill = (RED if v == "是" else AMBER) if j == 10 else None
                s.put(s.row, j, v, f, fill, wrap=j == 12)
            s.row += 1
        s.row += 1
    s.widths[12] = min(s.widths.get(12, 0), 50)
    s.finish(f"A{head_row + 1}")


def _costs_sheet(ws, a) -> None:
    s = Sheet(ws)
    s.title("补短板测算单价及来源", "均为估算，供测算参考；可在 yichun/data/unit_costs.yaml 或自定义单价文件中修改")
    rows = [{"项目": c["name"], "单位": c["unit"], "单价(元)": c.get("price_yuan"), "计价口径": c.get("per", c["unit"]),
             "依据": c.get("basis", ""), "来源": c.get("source", ""), "是否估算": "是" if c.get("assumption") else ""}
            for c in a.costs.values()]
    s.table(pd.DataFrame(rows), {"单价(元)": INT}, wrap=("依据", "来源"))
    s.widths[5] = min(s.widths.get(5, 0), 50)
    s.widths[6] = min(s.widths.get(6, 0), 70)
    s.finish("A4")
