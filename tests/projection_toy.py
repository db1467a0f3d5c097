"""Hand-made `Inputs` for the projection and scenario tests (no workbook, no intake).

A toy county has a few schools and kindergartens, a births series and the 县级指标 rows
the catalogue needs; values are chosen so that results can be worked out by hand.
"""

from __future__ import annotations

import pandas as pd

from yichun.catalogue import catalogue
from yichun.tables import PROVENANCE, Inputs

SCHOOL_NUMERIC = [
    "students_primary", "students_junior", "students_senior", "classes_primary", "classes_junior", "max_class_primary",
    "max_class_junior", "teachers_qualified_primary", "teachers_qualified_junior", "teachers_backbone_primary",
    "teachers_backbone_junior", "teachers_pe_arts_primary", "teachers_pe_arts_junior", "teachers_total",
    "teachers_certified", "teaching_area_m2", "sports_area_m2", "equipment_value_wan", "multimedia_rooms", "music_rooms",
    "art_rooms", "music_room_min_m2", "art_room_min_m2",
]
KG_NUMERIC = ["children", "classes", "oversized_classes", "staff", "teachers", "teachers_certified", "nurses",
              "building_m2", "activity_m2", "outdoor_m2"]


def _prov(frame: pd.DataFrame) -> pd.DataFrame:
    for col in PROVENANCE:
        frame[col] = pd.Series("toy.xlsx" if col == "source_file" else pd.NA, index=frame.index, dtype="str")
    frame["source_row"] = pd.array(range(2, len(frame) + 2), dtype="Int64")
    return frame


def school(county, year, sid, students_primary=0, students_junior=0, *, school_type=None, ownership="公办", area="镇区",
           per_student=1.0, **over) -> dict:
    """A school meeting every standard with a margin `per_student` (1.0 = 2× the standard-ish)."""
    p, j = float(students_primary), float(students_junior)
    school_type = school_type or ("小学" if j == 0 else "初级中学" if p == 0 else "九年一贯制学校")
    k = per_student
    row = {
        "county": county, "year": year, "school_id": sid, "school_name": f"{sid}学校", "school_type": school_type,
        "ownership": ownership, "area": area, "boarding": False,
        "students_primary": p, "students_junior": j, "students_senior": 0.0,
        "classes_primary": float(-(-p // 40)) if p else 0.0, "classes_junior": float(-(-j // 45)) if j else 0.0,
        "max_class_primary": 42.0 if p else float("nan"), "max_class_junior": 48.0 if j else float("nan"),
        "teachers_qualified_primary": round(p * 0.084 * k), "teachers_qualified_junior": round(j * 0.106 * k),
        "teachers_backbone_primary": round(p * 0.02 * k), "teachers_backbone_junior": round(j * 0.02 * k),
        "teachers_pe_arts_primary": round(p * 0.018 * k), "teachers_pe_arts_junior": round(j * 0.018 * k),
        "teaching_area_m2": (p * 9.0 + j * 11.6) * k, "sports_area_m2": (p * 15.0 + j * 20.4) * k,
        "equipment_value_wan": (p * 0.4 + j * 0.5) * k, "multimedia_rooms": round((p * 0.046 + j * 0.048) * k),
        "music_rooms": 2.0, "art_rooms": 2.0, "music_room_min_m2": 100.0, "art_room_min_m2": 95.0,
    }
    row["teachers_total"] = float(row["teachers_qualified_primary"] + row["teachers_qualified_junior"])
    row["teachers_certified"] = row["teachers_total"]
    row.update(over)
    return row


def kindergarten(county, year, kid, children, kg_type="公办", **over) -> dict:
    c = float(children)
    row = {"county": county, "year": year, "kg_id": kid, "kg_name": f"{kid}幼儿园", "kg_type": kg_type, "area": "镇区",
           "township_center": kg_type == "公办", "estate_kindergarten": False, "children": c, "classes": float(-(-c // 30)),
           "oversized_classes": 0.0, "staff": round(c / 7), "teachers": round(c / 10), "teachers_certified": round(c / 10),
           "nurses": round(c / 30), "building_m2": c * 15, "activity_m2": c * 9.0, "outdoor_m2": c * 6.0,
           "township": "城关镇", "design_year": 2018, "head_certified": True}
    row.update(over)
    return row


def county_rows(county, year, pop_3_5, townships=1, **over) -> list[dict]:
    """Every 县级指标 code the catalogue expects, at a passing value (ratings 优)."""
    rows = []
    cat = catalogue()
    for item in cat.county_input_codes():
        code = item["code"]
        rating = pd.NA
        if item["class"] == "B":
            value, rating = float("nan"), "优"
        elif code == "POP_3_5":
            value = float(pop_3_5)
        elif code == "TOWNSHIPS":
            value = float(townships)
        elif code in ("V1", "V2", "V3"):
            value = 0.0
        elif code == "Q9_LEVEL":
            value = 4.0
        elif code == "Q9_DIFF":
            value = 0.1
        elif code in ("G7",):
            value = 7000.0
        elif code == "G8_PAY_RATIO":
            value = 1.1
        elif code == "PG7":
            value = 0.9  # 非在编 ÷ 在编 pay, standard 75%
        elif code in ("PG5_PUBLIC", "PG5_PRIVATE"):
            value = 800.0  # 元/生·年, standard 500
        else:
            value = 1.0
        if code in over:
            v = over[code]
            if isinstance(v, str):
                value, rating = float("nan"), v
            else:
                value = float(v)
        rows.append({"county": county, "year": year, "code": code, "name": item["name"], "value": value, "rating": rating,
                     "unit": item["unit"], "note": "", "raw": "" if pd.isna(value) else str(value)})
    return rows


def make_inputs(schools: list[dict], kgs: list[dict], county_inputs: list[dict], births: dict[str, dict[int, float]],
                plans: list[dict] | None = None, births_each_year: bool = False) -> Inputs:
    """Inputs from rows. Births sit in the last year's workbook, or (births_each_year) every
    workbook lists the births up to its own year, as real county workbooks do."""
    s = pd.DataFrame(schools)
    for c in SCHOOL_NUMERIC:
        s[c] = s[c].astype("float64")
    s["year"] = s["year"].astype("int64")
    s["boarding"] = s["boarding"].astype("boolean")
    k = pd.DataFrame(kgs)
    for c in KG_NUMERIC:
        k[c] = k[c].astype("float64")
    k["year"] = k["year"].astype("int64")
    for c in ("township_center", "estate_kindergarten"):
        k[c] = k[c].astype("boolean")
    ci = pd.DataFrame(county_inputs)
    ci["year"] = ci["year"].astype("int64")
    ci["rating"] = ci["rating"].astype("str").where(ci["rating"].notna(), pd.NA)
    last = int(s["year"].max())
    books = sorted(s["year"].unique()) if births_each_year else [last]
    pop = pd.DataFrame([{"county": c, "year": int(w), "birth_year": y, "births": float(b)} for w in books for c, by in births.items()
                        for y, b in by.items() if not births_each_year or y <= w])
    p = pd.DataFrame(plans or [], columns=["county", "year", "school_id", "plan_year", "item", "quantity", "investment_wan"])
    if not p.empty:
        p["plan_year"] = p["plan_year"].astype("int64")
        p["quantity"] = p["quantity"].astype("float64")
    return Inputs(_prov(s), _prov(k), _prov(ci), _prov(pop), _prov(p), pd.DataFrame(), pd.DataFrame())
