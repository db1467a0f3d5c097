"""What is missing behind each 缺数据 verdict: one row per school, kindergarten or county figure and
indicator, naming the empty fields (docs/domain.md §1).

`missing_frame` lists only the inputs of items whose county verdict is 缺数据 (an item that fails
anyway needs fixing first); the 问题清单 turns each row into a problem to fill in, and
`readiness.missing` carries the same facts as text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.assessment.compulsory import SchoolFrames
from yichun.assessment.core import STR, Groups
from yichun.assessment.county_items import check_missing, missing_fields
from yichun.catalogue import Catalogue
from yichun.dictionary import field_header

MISSING_COLUMNS = ["county", "year", "track", "indicator", "school_id", "school_name", "level", "fields"]
COUNTY_ROW = "全县"


# indicator → the kindergarten fields it reads (listed for a kindergarten when empty)
KG_FIELDS = {
    "P1": ("children",), "P2": ("children", "kg_type"), "P3": ("children", "kg_type"),
    "PQ1": ("children", "outdoor_m2", "activity_m2", "building_m2"), "PQ2": ("classes", "oversized_classes"),
    "PQ3": ("children", "teachers"), "PQ4": ("teachers", "teachers_certified", "head_certified"), "PG3": ("township",),
}


def _empty(values: pd.Series) -> np.ndarray:
    return values.isna().to_numpy() if len(values) else np.zeros(0, bool)


def missing_frame(sf: SchoolFrames, kg: pd.DataFrame, g_kg: np.ndarray, groups: Groups, cat: Catalogue,
                  met_by_code: dict[str, np.ndarray], values: dict, ratings: dict) -> pd.DataFrame:
    """One row per (unit, indicator) whose empty fields leave the indicator's county verdict 缺数据."""
    rows: list[dict] = []

    def undecided(code: str) -> np.ndarray:
        return np.isnan(met_by_code.get(code, np.zeros(groups.n)))

    def add(gi, track, code, sid, name, level, fields):
        rows.append({"county": groups.county[gi], "year": int(groups.year[gi]), "track": track, "indicator": code,
                     "school_id": sid, "school_name": name, "level": level, "fields": fields})

    p = sf.part_arrays
    cv_code = cat.rules["balance_rule"].get("code", "CV")
    for code in cat.rules["school_rule"]["indicators"]:
        und = undecided(code) | undecided(cv_code)
        sel = np.flatnonzero(p["counted"] & (sf.g_parts >= 0) & np.isnan(p[code]))
        sel = sel[und[sf.g_parts[sel]]]
        if len(sel):
            fields = missing_fields(sf, code, sel)
            for i, f in zip(sel, fields):
                add(sf.g_parts[i], "义务教育", code, p["school_id"][i], p["school_name"][i], p["level"][i], f)
    c = sf.school_arrays
    for code in ("G3", "G4", "G5"):
        und = undecided(code)
        sel = np.flatnonzero(c["checked"] & (sf.g_schools >= 0) & np.isnan(c[f"{code}_ok"]))
        sel = sel[und[sf.g_schools[sel]]]
        for i, f in zip(sel, check_missing(code, c, sel) if len(sel) else []):
            add(sf.g_schools[i], "义务教育", code, c["school_id"][i], c["school_name"][i], "全校", f)
    und = undecided("G12")
    tt, tc = c["teachers_total"], c["teachers_certified"]
    sel = np.flatnonzero(c["teachers_counted"] & (sf.g_schools >= 0) & (np.isnan(tt) | np.isnan(tc)))
    for i in sel[und[sf.g_schools[sel]]]:
        blank = [field_header("schools", f) for f, v in (("teachers_total", tt[i]), ("teachers_certified", tc[i])) if np.isnan(v)]
        add(sf.g_schools[i], "义务教育", "G12", c["school_id"][i], c["school_name"][i], "全校", "、".join(blank))

    if len(kg):
        sid = kg["kg_id"].to_numpy(dtype=object, na_value="")
        name = kg["kg_name"].to_numpy(dtype=object, na_value="")
        empty = {f: _empty(kg[f]) for f in ("children", "kg_type", "outdoor_m2", "activity_m2", "building_m2", "classes",
                                             "oversized_classes", "teachers", "teachers_certified", "head_certified",
                                             "township", "design_year") if f in kg.columns}
        pq1_open = ~(kg["PQ1_ok"].fillna(False).to_numpy(bool))
        for code, kg_fields in KG_FIELDS.items():
            und = undecided(code)
            at = np.flatnonzero(g_kg >= 0)
            at = at[und[g_kg[at]]]
            for i in at:
                names = [field_header("kindergartens", f) for f in kg_fields if f in empty and empty[f][i]]
                if code == "PQ1" and "design_year" in empty and empty["design_year"][i] and pq1_open[i]:
                    names.append(field_header("kindergartens", "design_year"))
                if names:
                    add(g_kg[i], "学前教育", code, sid[i], name[i], "幼儿园", "、".join(names))

    # county figures (县级指标): A items read through their conditions, B items through their rating
    for ind in cat:
        if ind.scope != "county" or (ind.computed_from and not ind.conditions and ind.klass == "A"):
            continue
        und = undecided(ind.code)
        if ind.klass == "B":
            r = ratings.get(ind.code, np.full(groups.n, None, dtype=object))
            for gi in np.flatnonzero(und):
                if r[gi] is None:
                    add(gi, ind.track, ind.code, "", COUNTY_ROW, COUNTY_ROW, f"县级指标「{ind.code}」评价等级")
            continue
        for gi in np.flatnonzero(und):
            empty_codes = [f"县级指标「{ch.input}」{ch.label}" for ch in ind.checks()
                           if np.isnan(values.get(ch.input, np.full(groups.n, np.nan))[gi])]
            if empty_codes:
                add(gi, ind.track, ind.code, "", COUNTY_ROW, COUNTY_ROW, "、".join(empty_codes))
    for code in ("P1",):
        und = undecided(code)
        pop = values.get("POP_3_5", np.full(groups.n, np.nan))
        for gi in np.flatnonzero(und & np.isnan(pop)):
            add(gi, "学前教育", code, "", COUNTY_ROW, COUNTY_ROW, "县级指标「POP_3_5」3—5岁常住人口数")
    frame = pd.DataFrame(rows, columns=MISSING_COLUMNS)
    for col in ("county", "track", "indicator", "school_id", "school_name", "level", "fields"):
        frame[col] = frame[col].astype(STR)
    frame["year"] = frame["year"].astype("int64")
    return frame
