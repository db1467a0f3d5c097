"""The 问题清单 (整改台账) workbook of one county and year (`yichun problems`).

`write_problem_list(assessment, county, year, path=None, *, plans=None, outlook=None,
previous=None, as_of=None)` writes a formatted .xlsx:

- 问题清单: the rectification ledger, one self-contained row per problem (yichun.ledger): a
  stable 问题编号, the facts, cost and 费用类别, 建设计划已安排, 预测结论, and the columns the
  county fills in (进度 as a dropdown); filter, frozen header, print titles, A4 landscape;
- 销号情况 (with `previous`, a ledger the county filled in and sent back): every earlier
  problem with its 状态 against this year's data, then the 新增 ones; the county's entries
  are carried forward into 问题清单 for the problems that persist;
- 汇总: readiness per track (A/B status), the ledger's counts (by 状态 and 费用类别), the
  largest gaps, the bill with its unit-cost basis;
- one sheet per track and dimension (义务·资源配置, 义务·政府保障程度, …, 学前·保教质量保障情况):
  every indicator with its standard, value and status, plus the school-by-school tables behind
  the computed ones (R1–R7 per school part, 差异系数, G3/G4/G5 offenders, kindergartens);
- 一校一策 / 一园一策: the ledger's rows as one block per school (kindergarten), with 问题编号.

Formatting: Chinese headers, frozen panes, number formats (0.00, 0.0%, #,##0 for whole-unit shortfalls), red/amber/green
fills on status cells only, column widths fitted to the text (CJK characters count double).
Text is always written as text (yichun.cellsafe): a value starting with = + - @ never becomes a
formula. The file is written atomically (temporary file in the same folder, then os.replace).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from yichun import paths
from yichun.atomic import replacing
from yichun.errors import YichunError
from yichun.sheetwriter import AMBER, GREEN, HEAD, INT, MONEY, PCT, RED, TWO, Sheet, met_fill, print_setup, quantity_format

TRACK_PREFIX = {"义务教育": "义务", "学前教育": "学前"}


def default_path(county: str, year: int) -> Path:
    return paths.reports_dir() / f"{county}{year}年问题清单与一校一策.xlsx"


def write_problem_list(assessment, county: str, year: int, path: str | Path | None = None, *, plans: pd.DataFrame | None = None,
                       outlook=None, previous=None, as_of=None, ledger=None) -> Path:
    """Write the workbook for one county and year; returns the path written.

    plans: the 建设计划 table (`Inputs.plans`) for 建设计划已安排; outlook: an `Outlook` (or its
    status frame) for 预测结论; previous: a returned ledger (path or `yichun.ledger.Returned`);
    as_of: the date 完成时限 are checked against (default today); ledger: a `yichun.ledger.Round`
    already computed for this county and year (then plans, outlook, previous, as_of are not used)."""
    from openpyxl import Workbook

    from yichun.counties import normalize_county
    from yichun.ledger import ledger_round
    from yichun.ledger.sheets import write_closing_sheet, write_ledger_sheet

    county = normalize_county(county)
    year = int(year)
    a = assessment
    if not ((a.readiness["county"] == county) & (a.readiness["year"] == year)).any():
        have = sorted({f"{c}{y}年" for c, y in zip(a.readiness["county"], a.readiness["year"])})
        raise YichunError(f"评估结果中没有 {county} {year} 年的数据（有：{'、'.join(have) or '无'}）")
    path = Path(path) if path else default_path(county, year)
    if path.suffix.lower() != ".xlsx":
        raise YichunError(f"输出文件应为 .xlsx：{path}")
    rnd = ledger or ledger_round(a, county, year, previous, plans=plans, outlook=outlook, as_of=as_of)
    previous = rnd.returned
    sel = {name: _pick(getattr(a, name), county, year) for name in
           ("school_parts", "cv", "preschool", "items", "readiness", "gaps", "bill", "cv_drivers", "school_checks", "kg_checks")}
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    write_ledger_sheet(ws, rnd.rows, a.catalogue)
    if previous is not None:
        write_closing_sheet(wb.create_sheet("销号情况"), rnd.closing)
    _summary(wb.create_sheet("汇总"), a, sel, county, year, rnd, previous is not None)
    for track in ("义务教育", "学前教育"):
        items = sel["items"][sel["items"]["track"] == track]
        for dim in dict.fromkeys(items["dimension"]):
            sheet = wb.create_sheet(f"{TRACK_PREFIX[track]}·{dim}"[:31])
            _dimension(sheet, a, sel, track, dim, items[items["dimension"] == dim])
    _plans(wb.create_sheet("一校一策"), rnd.rows, a.catalogue, "义务教育", "学校")
    _plans(wb.create_sheet("一园一策"), rnd.rows, a.catalogue, "学前教育", "幼儿园")
    _costs_sheet(wb.create_sheet("单价依据"), a)
    for ws in wb.worksheets[2 if previous is not None else 1:]:  # printed for meetings: landscape A4, one page width
        print_setup(ws, ws.print_title_rows)
    with replacing(path) as tmp:
        wb.save(tmp)
    return path


def _pick(frame: pd.DataFrame, county: str, year: int) -> pd.DataFrame:
    if frame is None or frame.empty:
        return frame
    return frame[(frame["county"] == county) & (frame["year"] == year)].reset_index(drop=True)


def _status(met) -> str:
    if met is None or met is pd.NA or (isinstance(met, float) and math.isnan(met)):
        return "缺数据"
    return "达标" if bool(met) else "未达标"


# ----------------------------------------------------------------------------- sheets
def _summary(ws, a, sel, county, year, rnd, with_closing: bool) -> None:
    from yichun.ledger import config, round_history

    s = Sheet(ws)
    desc = a.catalogue.description if a.catalogue is not None else ""
    s.title(f"{county}{year}年 县域义务教育优质均衡与学前教育普及普惠 问题清单",
            f"评估标准：{a.profile}（{desc}）；A类指标须全部达标，B类指标须评为良及以上；费用为估算，供测算参考")
    from yichun.assessment.counts import counts as unit_counts

    n_units = unit_counts(a, county, year)
    s.put(s.row - 1, 1, f"统计范围：{n_units.schools_text()}，{n_units.parts_text()}；{n_units.kindergartens_text()}。")
    s.widths[1] = min(s.widths.get(1, 0), 20)
    s.row += 1
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
    p = rnd.rows
    counts = []
    for track in ("义务教育", "学前教育"):
        t = p[p["track"] == track]
        counts.append({"评估类别": track, "问题数": len(t), "其中必需": int(t["required"].sum()),
                       "一次性投入(万元)": float(t.loc[t["cost_kind"] == "一次性投入", "cost_wan"].sum()),
                       "每年经费(万元/年)": float(t.loc[t["cost_kind"] == "每年经费", "cost_wan"].sum()),
                       "不计价问题数": int((t["cost_kind"] == config().unpriced_kind).sum()),
                       "建设计划已安排": int((t["planned"] == "是").sum()), "建设计划部分安排": int((t["planned"] == "部分").sum())})
    s.table(pd.DataFrame(counts), {"问题数": INT, "其中必需": INT, "一次性投入(万元)": MONEY, "每年经费(万元/年)": MONEY,
                                   "不计价问题数": INT, "建设计划已安排": INT, "建设计划部分安排": INT},
            heading="二、问题清单（见「问题清单」工作表，每个问题一行）")
    n = 3
    if with_closing:
        h = round_history(rnd.closing)
        s.table(h.drop(columns=["县(市、区)"]), {c: INT for c in h.columns}, heading=f"{_cn(n)}、销号情况（与上期问题清单核对，见「销号情况」工作表）")
        n += 1
    top = p[p["cost_wan"].notna()].sort_values("cost_wan", ascending=False).head(15)
    s.table(pd.DataFrame({"问题编号": top["problem_id"], "学校/幼儿园": top["school_name"], "学段": top["level"], "指标": top["indicator"],
                          "项目": top["item"], "依据": top["basis"], "缺口": top["shortfall"], "单位": top["unit"], "费用(万元)": top["cost_wan"],
                          "费用类别": top["cost_kind"]}),
            {"缺口": lambda r: quantity_format(r["单位"]), "费用(万元)": MONEY}, heading=f"{_cn(n)}、费用最大的缺口（前15项）")
    bill = sel["bill"]
    frame = pd.DataFrame({"评估类别": bill["track"], "类别": bill["category"], "数量": bill["quantity"], "单位": bill["unit"],
                          "费用(万元)": bill["cost_wan"], "计价依据": bill["basis"]})
    total = pd.DataFrame({"评估类别": ["合计"], "类别": ["已计价项目合计"], "数量": [None], "单位": [""],
                          "费用(万元)": [a.total_cost(county, year)], "计价依据": ["不计价的项目（学位、班额、持证等）只列数量"]})
    s.table(pd.concat([frame, total], ignore_index=True), {"数量": lambda r: quantity_format(r["单位"]), "费用(万元)": MONEY}, wrap=("计价依据",),
            heading=f"{_cn(n + 1)}、达标费用测算（一次性投入与每年经费合计）")
    row = n_units.as_row()
    scope = pd.DataFrame({"项目": [k for k in row if k not in ("县(市、区)", "年度", "口径说明")],
                          "数量": [v for k, v in row.items() if k not in ("县(市、区)", "年度", "口径说明")]})
    s.table(scope, {"数量": INT}, heading=f"{_cn(n + 2)}、统计范围（学校和幼儿园数，口径：{n_units.schools_text()}）")
    s.widths[1] = max(s.widths.get(1, 0), 19)
    s.widths[6] = min(s.widths.get(6, 0), 50)
    s.finish("A2")


def _cn(n: int) -> str:
    return "一二三四五六七八九十"[n - 1]


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
    from yichun.resultbook import items_percent

    for i, code in enumerate(items["code"], start=head + 1):
        if items_percent(code, a.catalogue):
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
                          "计入学校数": cv["n_counted"], "其中缺数据": cv["n_missing"], "县域均值": cv["county_value"]}),
            {"差异系数": "0.000", "上限": TWO, "县域均值": TWO, "计入学校数": INT, "其中缺数据": INT}, {"是否达标": met_fill}, heading="校际差异系数（按在校生数加权）")
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


def _plans(ws, rows: pd.DataFrame, catalogue, track, label) -> None:
    """一校一策 / 一园一策: the ledger's rows as one block per school, costliest first."""
    from openpyxl.styles import Font

    from yichun.ledger.problems import is_percent

    s = Sheet(ws)
    s.title(f"{'一校一策' if label == '学校' else '一园一策'}（{track}）",
            "「必需」= 县域达标必须补齐；费用只列计入测算的项目（同校两学段共用的设施只计一次）；问题编号同「问题清单」")
    g = rows[rows["track"] == track]
    if g.empty:
        s.put(s.row, 1, "无需补齐的缺口")
        s.finish()
        return
    cost = g["cost_wan"].fillna(0.0).groupby(g["school_id"], sort=False).sum()
    order = sorted(cost.index, key=lambda k: (k != "", -cost[k]))  # the county-wide block first, then by cost
    cols = ["school_id", "school_name", "indicator", "basis", "item", "level", "value", "standard", "shortfall", "unit", "cost_wan",
            "required", "cost_kind", "note", "problem_id"]
    blocks: dict = {}
    for rec in g[cols].to_dict("records"):  # one pass (a mask and itertuples per school cost seconds per county)
        blocks.setdefault(rec["school_id"], []).append(rec)
    units: dict = {}
    header = ["指标", "依据", "项目", "学段", "现值", "标准", "缺口", "单位", "费用(万元)", "必需", "费用类别", "说明", "问题编号"]
    for j, h in enumerate(header, start=1):
        s.put(s.row, j, h, fill=HEAD, bold=True)
    head_row = s.row
    s.row += 1
    big = Font(bold=True, size=12)
    for sid in order:
        block = blocks[sid]
        name = block[0]["school_name"]
        c = s.put(s.row, 1, f"{name}（{sid}）" if sid else f"{name}（县域层面）")
        c.font = big
        s.widths[1] = min(s.widths.get(1, 0), 12)
        s.put(s.row, 9, float(sum(0.0 if pd.isna(r["cost_wan"]) else r["cost_wan"] for r in block)), MONEY, bold=True)
        s.row += 1
        for r in block:
            code = r["indicator"]
            if code not in units:
                units[code] = catalogue[code].unit if catalogue is not None and code in catalogue.indicators else ""
            pct = is_percent(units[code], r["standard"])
            values = [code, r["basis"], r["item"], r["level"], r["value"], r["standard"], r["shortfall"], r["unit"], r["cost_wan"],
                      "是" if r["required"] else "否", r["cost_kind"], r["note"], r["problem_id"]]
            fmts = [None, None, None, None, PCT if pct else TWO, PCT if pct else TWO, quantity_format(r["unit"]), None, MONEY, None, None, None, None]
            for j, (v, f) in enumerate(zip(values, fmts), start=1):
                fill = (RED if v == "是" else AMBER) if j == 10 else None
                s.put(s.row, j, v, f, fill, wrap=j == 12)
            s.row += 1
        s.row += 1
    s.widths[12] = min(s.widths.get(12, 0), 50)
    s.finish(f"A{head_row + 1}")
    print_setup(ws, f"{head_row}:{head_row}")


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
