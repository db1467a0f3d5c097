"""The counts a leader reads (学校、学校(学段)、幼儿园), one definition each, with their exclusions.

    from yichun.assessment.counts import counts
    n = counts(assessment, "宜丰县", 2024)     # county=None: every county of the year (the city)
    n.schools_text()   # 计入县域计算的义务教育学校 123 所（含民办 12 所；不含特殊教育学校 2 所、不足50人的教学点 5 个）
    n.kindergartens_text()

Definitions (the scope rules are the catalogue's rules.counted_schools, applied by
yichun.assessment.compulsory; nothing here re-decides who is counted):

- schools: one per row of the school sheet (`Assessment.school_checks`); *counted* when at least
  one of its parts enters R1–R7, the school rule and the 差异系数 (`counted`); each school left out
  is named once, by the first reason that applies: an excluded school type (特殊教育学校), a
  教学点 below the minimum enrolment, 民办 when the profile leaves private schools out, else
  no compulsory students;
- school parts (学校(学段)): the counted rows of `Assessment.school_parts`, per level;
- failing: counted schools with a counted part that does not meet the school rule; undecided:
  counted schools with no failing part but one whose verdict is missing (never a pass);
- kindergartens: one per row of the kindergarten sheet (`Assessment.kg_checks`), by 办园性质;
- with gaps: schools and kindergartens with a gap that counts toward the bill (`gaps.in_bill`).

`counts_frame(assessment)` gives one row per county and year (the result workbook, 问题清单).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from yichun.assessment.core import fmt_number
from yichun.catalogue import Catalogue, catalogue

KG_TYPES = ("公办", "普惠性民办", "非普惠性民办")
PRIVATE = "民办"
NO_STUDENTS = "无义务教育在校生的学校"


@dataclass(frozen=True)
class Excluded:
    """Schools left out of the counted scope for one reason: '特殊教育学校 2 所'."""

    what: str  # 特殊教育学校 / 不足50人的教学点 / 民办学校 / 无义务教育在校生的学校
    n: int
    unit: str  # 所, or 个 for 教学点

    def text(self) -> str:
        return f"{self.what} {self.n:,} {self.unit}"


@dataclass(frozen=True)
class Counts:
    """The counts of one county (or the city: county None) in one year; see the module docstring."""

    county: str | None
    year: int
    schools: int  # every compulsory school in the data
    counted: int  # schools counted in R1–R7, the school rule and the 差异系数
    counted_private: int  # of the counted, 民办
    excluded: tuple[Excluded, ...]  # schools left out, by reason (only reasons with at least one school)
    parts: tuple[tuple[str, int], ...]  # counted school parts per level: (("小学", 100), ("初中", 30))
    failing: int  # counted schools with a part failing the school rule
    undecided: int  # counted schools with no failing part but a part whose verdict is missing
    kindergartens: int
    kg_by_type: tuple[tuple[str, int], ...]  # (("公办", 30), ("普惠性民办", 40), ("非普惠性民办", 10)[, ("未填办园性质", n)])
    schools_with_gaps: int  # schools with a gap in the bill
    kindergartens_with_gaps: int  # kindergartens with a gap in the bill

    @property
    def n_parts(self) -> int:
        return sum(n for _, n in self.parts)

    def exclusions_text(self) -> str:
        """'不含特殊教育学校 2 所、不足50人的教学点 5 个' ('' when no school is left out)."""
        return ("不含" + "、".join(e.text() for e in self.excluded)) if self.excluded else ""

    def scope_note(self) -> str:
        """'含民办 12 所；不含特殊教育学校 2 所、不足50人的教学点 5 个' (the bracket of `schools_text`)."""
        notes = []
        if self.counted_private:
            notes.append(f"含民办 {self.counted_private:,} 所")
        if self.excluded:
            notes.append(self.exclusions_text())
        return "；".join(notes)

    def schools_text(self) -> str:
        """计入县域计算的义务教育学校 123 所（含民办 12 所；不含特殊教育学校 2 所、不足50人的教学点 5 个）"""
        note = self.scope_note()
        return f"计入县域计算的义务教育学校 {self.counted:,} 所" + (f"（{note}）" if note else "")

    def parts_text(self) -> str:
        """'学校(学段) 130 个（小学 100 个、初中 30 个）': a 九年一贯制学校 is one 小学 and one 初中 part."""
        inner = "、".join(f"{lv} {n:,} 个" for lv, n in self.parts)
        return f"学校(学段) {self.n_parts:,} 个" + (f"（{inner}）" if len(self.parts) > 1 else "")

    def failing_text(self, what: str = "不符合学校要求") -> str:
        """'7 所不符合学校要求（另有 1 所缺数据、无法判定）': `what` is the rule in words."""
        text = f"{self.failing:,} 所{what}"
        return text + (f"（另有 {self.undecided:,} 所缺数据、无法判定）" if self.undecided else "")

    def kindergartens_text(self) -> str:
        """幼儿园 80 所（公办 30 所、普惠性民办 40 所、非普惠性民办 10 所）"""
        inner = "、".join(f"{t} {n:,} 所" for t, n in self.kg_by_type if n)
        return f"幼儿园 {self.kindergartens:,} 所" + (f"（{inner}）" if inner else "")

    def with_gaps_text(self) -> str:
        """'学校 5 所、幼儿园 2 所' (the schools and kindergartens with a gap to close)."""
        parts = []
        if self.schools_with_gaps:
            parts.append(f"学校 {self.schools_with_gaps:,} 所")
        if self.kindergartens_with_gaps:
            parts.append(f"幼儿园 {self.kindergartens_with_gaps:,} 所")
        return "、".join(parts) or "学校(幼儿园) 0 所"

    def as_row(self) -> dict:
        """The counts as one flat row (Chinese headers) for workbooks."""
        row: dict = {"县(市、区)": self.county or "全市", "年度": self.year, "义务教育学校": self.schools,
                     "计入县域计算的学校": self.counted, "其中民办": self.counted_private}
        for e in self.excluded:
            row[f"不计入：{e.what}"] = e.n
        for lv, n in self.parts:
            row[f"计入的学校(学段)：{lv}"] = n
        row["不符合学校要求的学校"] = self.failing
        row["缺数据无法判定的学校"] = self.undecided
        row["幼儿园"] = self.kindergartens
        for t, n in self.kg_by_type:
            row[f"幼儿园：{t}"] = n
        row["有须补齐缺口的学校"] = self.schools_with_gaps
        row["有须补齐缺口的幼儿园"] = self.kindergartens_with_gaps
        row["口径说明"] = self.schools_text()
        return row


def _catalogue_of(assessment) -> Catalogue:
    cat = getattr(assessment, "catalogue", None)
    return cat if cat is not None else catalogue(getattr(assessment, "profile", "national"))


def _select(frame: pd.DataFrame | None, county: str | None, year: int) -> pd.DataFrame:
    if frame is None or frame.empty or "county" not in frame.columns:
        return pd.DataFrame()
    keep = frame["year"] == year
    if county is not None:
        keep &= frame["county"] == county
    return frame[keep]


def exclusion_kinds(checks: pd.DataFrame, cat: Catalogue) -> pd.Series:
    """Per school row: '' when counted, else the one reason it is left out (see the module docstring)."""
    scope = cat.scope()
    counted = checks["counted"].fillna(False).astype(bool).to_numpy()
    stype = checks["school_type"].astype(object).fillna("").to_numpy()
    owner = checks["ownership"].astype(object).fillna("").to_numpy()
    students = pd.to_numeric(checks["compulsory_students"], errors="coerce").to_numpy(dtype="float64")
    out = np.full(len(checks), "", dtype=object)
    left = ~counted
    special = left & np.isin(stype, list(scope.exclude_types))
    out[special] = stype[special]
    small = left & ~special & (stype == scope.teaching_point_type) & (students < scope.teaching_point_min_students)
    out[small] = f"不足{fmt_number(scope.teaching_point_min_students)}人的{scope.teaching_point_type}"
    private = left & ~special & ~small & (not scope.include_private) & (owner == PRIVATE)
    out[private] = "民办学校"
    out[left & (out == "")] = NO_STUDENTS
    return pd.Series(out, index=checks.index, dtype=object)


def counts(assessment, county: str | None, year: int) -> Counts:
    """The counts of `county` (None: all counties) in `year`, from the assessment's frames."""
    cat = _catalogue_of(assessment)
    year = int(year)
    sc = _select(assessment.school_checks, county, year)
    sp = _select(assessment.school_parts, county, year)
    kg = _select(assessment.kg_checks, county, year)
    if len(sc):
        kinds = exclusion_kinds(sc, cat)
        counted_mask = kinds == ""
        counted = int(counted_mask.sum())
        private = int((sc["ownership"].astype(object) == PRIVATE)[counted_mask].sum())
        tp = cat.scope().teaching_point_type
        order = list(dict.fromkeys([*cat.scope().exclude_types, *sorted(set(kinds[~counted_mask]) - set(cat.scope().exclude_types))]))
        found = kinds[~counted_mask].value_counts()
        excluded = tuple(Excluded(k, int(found[k]), "个" if k.endswith(tp) else "所") for k in order if k in found.index)
    else:
        counted = private = 0
        excluded = ()
    levels = list(cat.rules["counted_schools"]["levels"])
    parts_c = sp[sp["counted"].fillna(False).astype(bool)] if len(sp) else sp
    per_level = parts_c["level"].value_counts() if len(parts_c) else pd.Series(dtype="int64")
    parts = tuple((lv, int(per_level.get(lv, 0))) for lv in levels if lv in per_level.index)
    failing = undecided = 0
    if len(parts_c):
        passed = parts_c["passed"]
        ids = parts_c["county"].astype(str) + "\x00" + parts_c["school_id"].astype(str)
        fail_ids = set(ids[passed.eq(False).fillna(False).astype(bool)])
        na_ids = set(ids[passed.isna()]) - fail_ids
        failing, undecided = len(fail_ids), len(na_ids)
    n_kg = len(kg)
    by_type: tuple[tuple[str, int], ...] = ()
    if n_kg:
        kt = kg["kg_type"].astype(object).fillna("").replace("", "未填办园性质")
        vc = kt.value_counts()
        order_kg = [*KG_TYPES, *sorted(set(vc.index) - set(KG_TYPES))]
        by_type = tuple((t, int(vc[t])) for t in order_kg if t in vc.index)
    g = _select(assessment.gaps, county, year)
    s_gaps = k_gaps = 0
    if len(g):
        g = g[g["in_bill"].fillna(False).astype(bool) & g["school_id"].notna() & (g["school_id"].astype(str) != "")]
        key = g["county"].astype(str) + "\x00" + g["school_id"].astype(str)
        s_gaps = int(key[g["track"] == "义务教育"].nunique())
        k_gaps = int(key[g["track"] == "学前教育"].nunique())
    return Counts(county, year, int(len(sc)), counted, private, excluded, parts, failing, undecided, n_kg, by_type, s_gaps, k_gaps)


def counted_parts(school_parts: pd.DataFrame) -> int:
    """The number of counted school parts in a selection of `school_parts` (charts use it for their subtitles)."""
    if school_parts is None or school_parts.empty or "counted" not in school_parts.columns:
        return 0
    return int(school_parts["counted"].fillna(False).astype(bool).sum())


def counts_frame(assessment, years=None) -> pd.DataFrame:
    """One row per county and year (then the whole set of counties per year as 全市), Chinese headers."""
    r = assessment.readiness
    years = sorted({int(y) for y in r["year"]}) if years is None else [int(y) for y in years]
    rows = []
    for y in years:
        for county in sorted(set(r.loc[r["year"] == y, "county"]), key=_county_order):
            rows.append(counts(assessment, county, y).as_row())
        if r.loc[r["year"] == y, "county"].nunique() > 1:
            rows.append(counts(assessment, None, y).as_row())
    frame = pd.DataFrame(rows)
    text_cols = ["县(市、区)", "口径说明"]
    num_cols = [c for c in frame.columns if c not in text_cols]
    frame[num_cols] = frame[num_cols].fillna(0).astype("int64")
    return frame[[*text_cols[:1], *num_cols, text_cols[1]]] if len(frame) else frame


def _county_order(name: str):
    from yichun.counties import names

    order = {c: i for i, c in enumerate(names())}
    return (order.get(name, len(order)), name)
