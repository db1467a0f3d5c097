"""Explain any number of an assessment: its inputs, the formula and the intermediate values.

    explain(a, "宜丰县", 2024, "R4", level="小学")                 # the 差异系数 of R4, school by school
    explain(a, "宜丰县", 2024, "R4", school_id="3609240001")       # R4 at one school (with its split)
    explain(a, "宜丰县", 2024, "P1")                               # children ÷ POP_3_5
    explain(a, "宜丰县", 2024, "义务教育")                          # the readiness verdict

An `Explanation` prints as readable Chinese (`str`) and renders as Markdown in Jupyter;
`values` holds the numbers for programmatic checks, `table` the per-school rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from yichun.assessment.compulsory import SUFFIX, r_specs, split_weights
from yichun.assessment.core import COMPULSORY, MISSING, PRESCHOOL, fmt_number, fmt_value
from yichun.errors import YichunError


@dataclass
class Explanation:
    title: str
    formula: str
    result: str
    steps: list[tuple[str, str]] = field(default_factory=list)
    table: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [self.title, f"公式：{self.formula}"]
        lines += [f"  {label}：{text}" for label, text in self.steps]
        lines.append(f"结果：{self.result}")
        lines += [f"说明：{n}" for n in self.notes]
        if self.table is not None and len(self.table):
            lines.append(self.table.to_string(index=False))
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        out = [f"**{self.title}**", "", f"公式：`{self.formula}`", ""]
        if self.steps:
            out += ["| 步骤 | 数值 |", "|---|---|"] + [f"| {a} | {b} |" for a, b in self.steps] + [""]
        out.append(f"**结果：{self.result}**")
        out += ["", *[f"- {n}" for n in self.notes]]
        if self.table is not None and len(self.table):
            out += ["", self.table.to_markdown(index=False) if _has_tabulate() else "```\n" + self.table.to_string(index=False) + "\n```"]
        return "\n".join(out)

    def __repr__(self) -> str:
        return str(self)


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


def _verdict(met) -> str:
    if met is None or met is pd.NA:
        return MISSING
    return "达标" if bool(met) else "未达标"


def _n(x, digits: int = 4) -> str:
    return fmt_number(x, digits)


def explain(assessment, county: str, year: int, indicator: str, level: str | None = None, school_id: str | None = None) -> Explanation:
    """Explain one number: indicator is a catalogue code (R1–R7, CV, G3, P1, …) or a track name.

    `assessment` is an `Assessment` or `Inputs` (assessed on the fly for that county and year).
    R1–R7 with `school_id` explain the school's value; without it, the county's 差异系数 at `level`.
    """
    from yichun.assessment.engine import Assessment, assess
    from yichun.counties import normalize_county

    county = normalize_county(county)
    year = int(year)
    if not isinstance(assessment, Assessment):
        assessment = assess(assessment.select(years=year, counties=county), years=year)
    a = assessment
    if not ((a.readiness["county"] == county) & (a.readiness["year"] == year)).any():
        raise YichunError(f"评估结果中没有 {county} {year} 年的数据（有：{'、'.join(a.counties())}；{'、'.join(map(str, a.years()))}）")
    code = str(indicator).strip().upper().replace("＿", "_")
    cat = a.catalogue
    cv_code = cat.rules["balance_rule"].get("code", "CV")
    r_codes = list(cat.rules["school_rule"]["indicators"])
    if indicator in (COMPULSORY, PRESCHOOL):
        return _readiness(a, county, year, indicator)
    for sep in (":", "-", "_", " "):
        if code.startswith(cv_code + sep) and code[len(cv_code) + 1:] in r_codes:
            return _cv(a, county, year, code[len(cv_code) + 1:], level)
    if code == cv_code:
        return _cv_summary(a, county, year, level)
    if code in ("SCHOOL", "达标", "学校达标"):
        return _school_rule(a, county, year, _need(school_id, code), level)
    if code in r_codes:
        return _r_value(a, county, year, code, school_id, level) if school_id else _cv(a, county, year, code, level)
    if code in ("G3", "G4", "G5") and school_id:
        return _school_check(a, county, year, code, school_id)
    if code == "PQ1" and school_id:
        return _kindergarten(a, county, year, school_id)
    if code in ("P1", "P2", "P3"):
        return _preschool(a, county, year, code)
    try:
        ind = cat[code]
    except KeyError:
        raise YichunError(f"无法解释「{indicator}」：不是标准目录中的指标代码（如 R4、CV、G3、P1），也不是 义务教育/学前教育") from None
    return _item(a, county, year, ind)


def _need(school_id, code):
    if not school_id:
        raise YichunError(f"解释「{code}」需要给出 school_id")
    return str(school_id)


def _part(a, county, year, school_id, level):
    p = a.school_parts
    rows = p[(p["county"] == county) & (p["year"] == year) & (p["school_id"] == str(school_id))]
    if rows.empty:
        raise YichunError(f"{county} {year} 年没有标识码为「{school_id}」的学校")
    if level is not None:
        rows = rows[rows["level"] == level]
        if rows.empty:
            raise YichunError(f"学校「{school_id}」没有{level}学段")
    elif len(rows) > 1:
        raise YichunError(f"学校「{school_id}」有{'、'.join(rows['level'])}两个学段，请用 level= 指定")
    return rows.iloc[0]


def _school_row(a, county, year, school_id) -> pd.Series:
    s = a.inputs.schools
    rows = s[(s["county"] == county) & (s["year"] == year) & (s["school_id"] == str(school_id))]
    return rows.iloc[0]


def _share_text(a, part, raw) -> tuple[str, float]:
    """How a combined school's facility share was computed."""
    st = part["school_type"]
    weights = split_weights(a.catalogue, st)
    if len([w for w in weights.values() if w]) <= 1:
        return "单一学段学校，全部计入（份额 1）", 1.0
    terms = []
    for lv, w in weights.items():
        s = raw.get(f"students_{SUFFIX[lv]}", np.nan)
        terms.append((lv, w, s))
    mine = next((w, s) for lv, w, s in terms if lv == part["level"])
    denom = " + ".join(f"{_n(w)}×{_n(s)}" for _, w, s in terms)
    ratio = "：".join(lv for lv, _, _ in terms) + " = " + "：".join(_n(w) for _, w, _ in terms)
    return (f"{st}按学生数加权分摊（{ratio}，rules.combined_splits）：{part['level']}份额 = {_n(mine[0])}×{_n(mine[1])} ÷ ({denom}) "
            f"= {_n(part['share'])}"), float(part["share"])


def _r_value(a, county, year, code, school_id, level) -> Explanation:
    part = _part(a, county, year, school_id, level)
    spec = r_specs(a.catalogue)[code]
    ind = a.catalogue[code]
    raw = _school_row(a, county, year, school_id)
    t = float(ind.thresholds[part["level"]])
    steps = [("学段在校生数 P", _n(part["students"]))]
    field_name = f"{spec.resource}_{SUFFIX[part['level']]}" if spec.per_level else spec.resource
    steps.append((f"资源 {field_name}", _n(raw.get(field_name, np.nan))))
    scale = {100.0: " × 100", 10000.0: " × 10000(万元→元)", 1.0: ""}[spec.scale]
    if spec.per_level:
        formula = f"{code} = {field_name}{scale} ÷ 学段在校生数"
    else:
        share_text, _ = _share_text(a, part, raw)
        steps.append(("分摊份额", share_text))
        formula = f"{code} = 全校{field_name} × 份额{scale} ÷ 学段在校生数"
    v = part[code]
    ratio = part[f"{code}_ratio"]
    result = (f"{_n(v)} {ind.unit}（标准 ≥ {_n(t)}，达标准的 {ratio * 100:.1f}%，{_verdict(part[f'{code}_met'])}）"
              if v == v else f"{MISSING}")
    return Explanation(f"{county} {year}年 {part['school_name']}（{part['level']}）{code} {ind.name}", formula, result, steps,
                       values={"value": v, "standard": t, "ratio": ratio, "share": part["share"], "students": part["students"]})


def _school_rule(a, county, year, school_id, level) -> Explanation:
    part = _part(a, county, year, school_id, level)
    rule = a.catalogue.rules["school_rule"]
    rows = []
    for code in rule["indicators"]:
        ind = a.catalogue[code]
        rows.append({"指标": code, "名称": ind.name, "数值": part[code], "标准": ind.thresholds[part["level"]],
                     "达标准比例": part[f"{code}_ratio"], "达标": part[f"{code}_met"]})
    table = pd.DataFrame(rows)
    passed = part["passed"]
    res = ("符合" if passed else f"不符合：{part['fail_reason']}") if passed is not pd.NA else f"{MISSING}（无法判定）：{part['fail_reason']}"
    if not part["counted"]:
        res += f"（不计入县域计算：{part['excluded_reason']}）"
    return Explanation(f"{county} {year}年 {part['school_name']}（{part['level']}）学校达标情况",
                       f"至少 {rule['min_met']} 项达标，其余每项 ≥ 标准的 {rule['remainder_ratio'] * 100:.0f}%",
                       res, [("达标项数", str(part["n_met"]))], table, values={"n_met": int(part["n_met"]), "passed": None if passed is pd.NA else bool(passed)})


def _cv_rows(a, county, year, code, level):
    p = a.school_parts
    sel = p[(p["county"] == county) & (p["year"] == year) & p["counted"]]
    levels = list(dict.fromkeys(sel["level"]))
    if level is None:
        if len(levels) > 1:
            raise YichunError(f"{county} 有{'、'.join(levels)}两个学段的差异系数，请用 level= 指定")
        level = levels[0] if levels else "小学"
    return sel[sel["level"] == level], level


def _cv(a, county, year, code, level) -> Explanation:
    rows, level = _cv_rows(a, county, year, code, level)
    rows = rows[rows[code].notna() & (rows["students"] > 0)]
    ind = a.catalogue[code]
    limit = float(a.catalogue.rules["balance_rule"]["limits"][level])
    p = rows["students"].to_numpy(float)
    x = rows[code].to_numpy(float)
    total = p.sum()
    mean = (p * x).sum() / total if total > 0 else np.nan
    w = p / total if total > 0 else p
    dev2 = (x - mean) ** 2
    term = w * dev2
    s = float(np.sqrt(term.sum())) if len(x) >= 2 else np.nan
    cv = s / mean if len(x) >= 2 and mean else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        share = term / term.sum() if term.sum() > 0 else np.full(len(term), np.nan)
    table = pd.DataFrame({"学校标识码": rows["school_id"].to_numpy(), "学校名称": rows["school_name"].to_numpy(), "在校生 Pᵢ": p,
                          f"{code} xᵢ": x, "权重 Pᵢ/P": w, "(xᵢ−X̄)²": dev2, "加权平方差": term, "占方差比例": share})
    table = table.sort_values("占方差比例", ascending=False, na_position="last").reset_index(drop=True)
    steps = [("学校数", str(len(x))), ("P = ΣPᵢ", _n(total)), ("X̄ = Σ(xᵢPᵢ) ÷ P", _n(mean)),
             ("S = √Σ(Pᵢ/P)(xᵢ−X̄)²", _n(s)), ("CV = S ÷ X̄", _n(cv)), ("上限", _n(limit))]
    if len(x) < 2:
        result = "计入学校不足2所，差异系数无定义（不是0）"
    else:
        result = f"{_n(cv, 3)}（上限 {_n(limit)}，{'达标' if cv <= limit + 1e-12 else '超过上限'}）"
    return Explanation(f"{county} {year}年 {level} {code} {ind.name} 的校际差异系数",
                       "CV = S ÷ X̄，S = √Σ(Pᵢ/P)(xᵢ − X̄)²，X̄ = Σ(xᵢPᵢ) ÷ ΣPᵢ（按在校生数加权）", result, steps, table,
                       ["占方差比例 = (Pᵢ/P)(xᵢ−X̄)² ÷ S²：比例最大的学校最拉高差异系数"],
                       {"cv": cv, "mean": mean, "std": s, "students": total, "limit": limit, "n_schools": len(x)})


def _cv_summary(a, county, year, level) -> Explanation:
    cv = a.cv[(a.cv["county"] == county) & (a.cv["year"] == year)]
    if level is not None:
        cv = cv[cv["level"] == level]
    table = cv[["level", "indicator", "cv", "limit", "met", "n_schools", "county_value"]].rename(
        columns={"level": "学段", "indicator": "指标", "cv": "差异系数", "limit": "上限", "met": "达标", "n_schools": "学校数", "county_value": "县域均值"})
    item = a.items[(a.items["county"] == county) & (a.items["year"] == year) & (a.items["code"] == a.catalogue.rules["balance_rule"].get("code", "CV"))]
    detail = item["detail"].iloc[0] if len(item) else ""
    return Explanation(f"{county} {year}年 资源配置校际差异系数", "各项指标分别计算：CV = S ÷ X̄（按在校生数加权）", detail, [], table.reset_index(drop=True))


def _school_check(a, county, year, code, school_id) -> Explanation:
    c = a.school_checks
    row = c[(c["county"] == county) & (c["year"] == year) & (c["school_id"] == str(school_id))]
    if row.empty:
        raise YichunError(f"{county} {year} 年没有标识码为「{school_id}」的学校")
    r = row.iloc[0]
    ind = a.catalogue[code]
    t = ind.thresholds
    if code == "G3":
        per = t.get("classes_per_group", 12)
        steps = [("义务教育班级数", _n(r["compulsory_classes"])),
                 ("每类专用教室应有", f"⌈{_n(r['compulsory_classes'])} ÷ {_n(per)}⌉ × {_n(t.get('rooms_per_12_classes', 1))} = {_n(r['rooms_needed'])} 间"),
                 ("音乐专用教室", f"{_n(r['music_rooms'])} 间，最小 {_n(r['music_room_min_m2'])} ㎡（标准 ≥ {_n(t['music_room_m2'])}）"),
                 ("美术专用教室", f"{_n(r['art_rooms'])} 间，最小 {_n(r['art_room_min_m2'])} ㎡（标准 ≥ {_n(t['art_room_m2'])}）")]
        formula = f"音乐、美术专用教室各 ≥ ⌈班级数 ÷ {_n(per)}⌉ 间，且每间面积达标"
    elif code == "G4":
        steps = [("义务教育阶段在校生", _n(r["compulsory_students"])), ("规模上限", _n(r["size_limit"]))]
        formula = "义务教育阶段在校生数 ≤ 上限（九年/十二年一贯制用 combined，其余 single；完全中学按其初中部计）"
    else:
        steps = [(f"{lv}最大班额", _n(r.get(f"max_class_{SUFFIX[lv]}", np.nan))) for lv in ("小学", "初中") if f"max_class_{SUFFIX[lv]}" in r]
        formula = "、".join(f"{lv} ≤ {_n(v)}" for lv, v in t.items())
    ok = r[f"{code}_ok"]
    result = MISSING if ok is pd.NA else ("符合" if ok else "不符合")
    return Explanation(f"{county} {year}年 {r['school_name']} {code}", formula, result, steps, values={"ok": None if ok is pd.NA else bool(ok)})


def _kindergarten(a, county, year, kg_id) -> Explanation:
    k = a.kg_checks
    row = k[(k["county"] == county) & (k["year"] == year) & (k["kg_id"] == str(kg_id))]
    if row.empty:
        raise YichunError(f"{county} {year} 年没有标识码为「{kg_id}」的幼儿园")
    r = row.iloc[0]
    pq1 = a.catalogue["PQ1"]
    steps = [("在园幼儿数", _n(r["children"]))]
    for key, v in pq1.thresholds.items():
        f = key.removesuffix("_per_child")
        steps.append((key, f"{_n(r[f])} ㎡ ÷ {_n(r['children'])} = {_n(r[key])}（标准 ≥ {_n(v)}）"))
    ok = r["PQ1_ok"]
    return Explanation(f"{county} {year}年 {r['kg_name']} PQ1 办园条件", "面积 ÷ 在园幼儿数 ≥ 标准（各项均须达标）",
                       MISSING if ok is pd.NA else ("达标" if ok else "未达标"), steps)


def _preschool(a, county, year, code) -> Explanation:
    p = a.preschool
    r = p[(p["county"] == county) & (p["year"] == year) & (p["indicator"] == code)].iloc[0]
    labels = {"P1": ("在园幼儿数", "3—5岁常住人口数(POP_3_5)"), "P2": ("公办园和普惠性民办园在园幼儿数", "在园幼儿总数"),
              "P3": ("公办园在园幼儿数", "在园幼儿总数")}[code]
    steps = [(labels[0], _n(r["numerator"])), (labels[1], _n(r["denominator"]))]
    result = MISSING if r["value"] != r["value"] else (f"{r['value'] * 100:.2f}%（标准 ≥ {r['standard'] * 100:.0f}%，"
                                                        f"{_verdict(r['met'])}）")
    return Explanation(f"{county} {year}年 {code} {r['name']}", f"{code} = {labels[0]} ÷ {labels[1]}", result, steps,
                       values={"value": r["value"], "numerator": r["numerator"], "denominator": r["denominator"], "standard": r["standard"]})


def _item(a, county, year, ind) -> Explanation:
    it = a.items
    r = it[(it["county"] == county) & (it["year"] == year) & (it["code"] == ind.code)].iloc[0]
    steps = []
    if ind.klass == "B":
        b = a.catalogue.b_rule
        formula = f"评价等级 ∈ {'、'.join(b.scale)}，{b.min_rating}及以上为较好评价（{b.text()}）"
        steps.append(("评价等级", r["rating"] if isinstance(r["rating"], str) else MISSING))
    else:
        formula = r["standard"]
        ci = a.inputs.county_inputs if a.inputs is not None else pd.DataFrame()
        for c in ind.checks() if not ind.computed_from or ind.conditions else ():
            raw = ci[(ci["county"] == county) & (ci["year"] == year) & (ci["code"] == c.input)] if len(ci) else ci
            typed = raw["raw"].iloc[0] if len(raw) and "raw" in raw else MISSING
            steps.append((f"{c.input} {c.label}", f"填报「{typed}」→ {fmt_value(raw['value'].iloc[0] if len(raw) else np.nan, c.unit or ind.unit, c.comparator)}"))
    met = r["met"]
    verdict = MISSING if met is pd.NA else ("达标" if met else "未达标")
    if r["veto"]:
        verdict += "（一票否决）"
    return Explanation(f"{county} {year}年 {ind.code} {ind.name}", formula, f"{verdict}；{r['detail']}", steps,
                       values={"value": r["value"], "met": None if met is pd.NA else bool(met)})


def _readiness(a, county, year, track) -> Explanation:
    r = a.readiness
    row = r[(r["county"] == county) & (r["year"] == year) & (r["track"] == track)].iloc[0]
    it = a.items[(a.items["county"] == county) & (a.items["year"] == year) & (a.items["track"] == track)]
    table = it[~it["met"].fillna(False).astype(bool)][["code", "klass", "name", "detail"]].rename(
        columns={"code": "代码", "klass": "类别", "name": "指标", "detail": "情况"})
    b = a.catalogue.b_rule
    steps = [("A类指标达标", f"{row['a_met']} / {row['a_total']}"), (f"B类指标{b.min_rating}及以上", f"{row['b_good']} / {row['b_total']}"),
             ("一票否决", "有" if row["veto"] else "无")]
    if row["missing"]:
        steps.append((MISSING, row["missing"]))
    return Explanation(f"{county} {year}年 {track} 是否具备申报条件",
                       f"A类全部达标（缺数据不算达标），且{b.text()}（B类{b.min_rating}及以上比例 ≥ {b.share * 100:.0f}%），且无一票否决项",
                       "具备" if row["ready"] else f"不具备（未达标：{row['unmet']}）", steps, table.reset_index(drop=True),
                       values={"ready": bool(row["ready"])})
