"""Build small `Inputs` by hand: for tests, documentation and what-if sketches.

    inputs = make_inputs(
        schools=[school("0001", "城东小学", "小学", students_primary=600, teachers_qualified_primary=30, ...)],
        kindergartens=[kindergarten("K01", "城东幼儿园", "公办", children=300, ...)],
        county_inputs=passing_county_inputs() | {"POP_3_5": 4000},
    )

Frames carry every data-dictionary column with the intake dtypes (float64 numbers, boolean
flags, str text), so what works here works on ingested workbooks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from yichun.catalogue import Catalogue, catalogue
from yichun.dictionary import field_dtype, sheet
from yichun.tables import Inputs

RATING_VALUES = ("优", "良", "中", "差")


def school(school_id: str, name: str, school_type: str = "小学", ownership: str = "公办", area: str = "城区", **fields) -> dict:
    return {"school_id": school_id, "school_name": name, "school_type": school_type, "ownership": ownership, "area": area, **fields}


def kindergarten(kg_id: str, name: str, kg_type: str = "公办", area: str = "城区", **fields) -> dict:
    return {"kg_id": kg_id, "kg_name": name, "kg_type": kg_type, "area": area, **fields}


def table(key: str, records: list[dict], county: str, year: int) -> pd.DataFrame:
    """A tidy table for one dictionary sheet from records; unspecified fields are missing."""
    fields = sheet(key).fields
    data = {"county": pd.array([r.get("county", county) for r in records], dtype="str"),
            "year": np.array([r.get("year", year) for r in records], dtype="int64")}
    for f in fields:
        values = [r.get(f.field) for r in records]
        dtype = field_dtype(f)
        if dtype == "float64":
            data[f.field] = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
        else:
            data[f.field] = pd.Series([pd.NA if v is None else v for v in values], dtype=dtype).array
    for c in ("source_file", "source_sheet"):
        data[c] = pd.array([""] * len(records), dtype="str")
    data["source_row"] = pd.array([i + 2 for i in range(len(records))], dtype="Int64")
    data["source_sha256"] = pd.array([""] * len(records), dtype="str")
    return pd.DataFrame(data)


def county_inputs_frame(values: dict, county: str, year: int, cat: Catalogue | None = None) -> pd.DataFrame:
    """县级指标 rows from {code: value}: numbers (fractions for %), True/False or 是/否, or a rating 优/良/中/差."""
    cat = cat or catalogue()
    names = {r["code"]: (r["name"], r["unit"]) for r in cat.county_input_codes()}
    rows = []
    for code, v in values.items():
        rating = v if isinstance(v, str) and v in RATING_VALUES else None
        if rating is not None or v is None:
            value = np.nan
        elif isinstance(v, str):
            value = {"是": 1.0, "否": 0.0}[v]
        else:
            value = float(v)
        name, unit = names.get(code, ("", ""))
        rows.append({"county": county, "year": year, "code": code, "name": name, "value": value, "rating": rating,
                     "unit": unit, "note": "", "raw": "" if v is None else str(v)})
    frame = pd.DataFrame(rows, columns=["county", "year", "code", "name", "value", "rating", "unit", "note", "raw"])
    for c in ("county", "code", "name", "rating", "unit", "note", "raw"):
        frame[c] = frame[c].astype("str")
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def passing_county_inputs(cat: Catalogue | None = None, rating: str = "优") -> dict:
    """A 县级指标 answer that meets every A-class condition and rates every B item `rating`."""
    cat = cat or catalogue()
    out: dict = {}
    for ind in cat:
        if ind.scope != "county" or ind.computed_from:
            continue
        if ind.klass == "B":
            out[ind.code] = rating
            continue
        for c in ind.checks():
            if c.comparator == "yes":
                out[c.input] = "是"
            elif c.comparator == "no":
                out[c.input] = "否"
            elif c.comparator in (">=", "=="):
                out[c.input] = float(c.threshold)
            elif c.comparator == ">":
                out[c.input] = float(c.threshold) * 1.1 + 0.01
            elif c.comparator == "<=":
                out[c.input] = float(c.threshold)
            else:  # "<"
                out[c.input] = float(c.threshold) * 0.5
    return out


def townships_frame(towns: dict[str, str], county: str, year: int) -> pd.DataFrame:
    """The optional 乡镇 sheet from {name: 乡/镇/街道}."""
    return pd.DataFrame({"county": pd.array([county] * len(towns), dtype="str"), "year": np.array([year] * len(towns), dtype="int64"),
                         "township": pd.array(list(towns), dtype="str"), "township_kind": pd.array(list(towns.values()), dtype="str")})


def make_inputs(schools: Sequence[dict] = (), kindergartens: Sequence[dict] = (), county_inputs: dict | None = None,
                county: str = "宜丰县", year: int = 2024, births: dict | None = None, townships: dict[str, str] | None = None) -> Inputs:
    """One county-year of hand-made data (concatenate several with `combine`); `townships` is the 乡镇 sheet."""
    pop = pd.DataFrame({"county": pd.array([county] * len(births or {}), dtype="str"),
                        "year": np.array([year] * len(births or {}), dtype="int64"),
                        "birth_year": np.array(list((births or {}).keys()), dtype="int64"),
                        "births": np.array(list((births or {}).values()), dtype=float)})
    return Inputs(
        schools=table("schools", list(schools), county, year),
        kindergartens=table("kindergartens", list(kindergartens), county, year),
        county_inputs=county_inputs_frame(county_inputs or {}, county, year),
        population=pop,
        townships=townships_frame(townships, county, year) if townships is not None else pd.DataFrame(),
    )


def combine(*many: Inputs) -> Inputs:
    """Several hand-made Inputs as one (e.g. two counties or two years)."""
    def cat_(name):
        frames = [getattr(i, name) for i in many if getattr(i, name) is not None and len(getattr(i, name).columns)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return Inputs(cat_("schools"), cat_("kindergartens"), cat_("county_inputs"), cat_("population"), townships=cat_("townships"))


def good_primary(school_id: str, name: str, students: float = 1000, **over) -> dict:
    """A 小学 meeting every R1–R7 standard and G3–G5, scaled to `students`."""
    s = students
    fields = dict(
        students_primary=s, students_junior=0, students_senior=0, classes_primary=np.ceil(s / 42), classes_junior=0,
        max_class_primary=42, teachers_qualified_primary=np.ceil(s * 0.05), teachers_backbone_primary=np.ceil(s * 0.012),
        teachers_pe_arts_primary=np.ceil(s * 0.011), teachers_total=np.ceil(s / 17), teachers_certified=np.ceil(s / 17),
        teaching_area_m2=s * 5, sports_area_m2=s * 8, equipment_value_wan=s * 0.25, multimedia_rooms=np.ceil(s * 0.025),
        music_rooms=np.ceil(np.ceil(s / 42) / 12), art_rooms=np.ceil(np.ceil(s / 42) / 12), music_room_min_m2=100, art_room_min_m2=95,
    )
    fields.update(over)
    return school(school_id, name, "小学", **fields)


def good_junior(school_id: str, name: str, students: float = 900, **over) -> dict:
    """An 初级中学 meeting every R1–R7 standard and G3–G5, scaled to `students`."""
    s = students
    classes = np.ceil(s / 48)
    fields = dict(
        students_primary=0, students_junior=s, students_senior=0, classes_primary=0, classes_junior=classes,
        max_class_junior=48, teachers_qualified_junior=np.ceil(s * 0.06), teachers_backbone_junior=np.ceil(s * 0.012),
        teachers_pe_arts_junior=np.ceil(s * 0.011), teachers_total=np.ceil(s / 13), teachers_certified=np.ceil(s / 13),
        teaching_area_m2=s * 6.5, sports_area_m2=s * 11, equipment_value_wan=s * 0.3, multimedia_rooms=np.ceil(s * 0.026),
        music_rooms=np.ceil(classes / 12), art_rooms=np.ceil(classes / 12), music_room_min_m2=100, art_room_min_m2=95,
    )
    fields.update(over)
    return school(school_id, name, "初级中学", **fields)


def good_kindergarten(kg_id: str, name: str, kg_type: str = "公办", children: float = 300, **over) -> dict:
    """A kindergarten meeting PQ1–PQ4 (1:15 teachers, all certified and a certified head; 4.5, 8.5 and 12 ㎡ per
    child, designed 2018) in 城关镇."""
    c = children
    fields = dict(children=c, classes=np.ceil(c / 30), oversized_classes=0, teachers=np.ceil(c / 15), teachers_certified=np.ceil(c / 15),
                  staff=np.ceil(c / 8), nurses=np.ceil(c / 30), outdoor_m2=c * 4.5, activity_m2=c * 8.5, building_m2=c * 12,
                  township_center=False, estate_kindergarten=False, township="城关镇", design_year=2018, head_certified=True)
    fields.update(over)
    return kindergarten(kg_id, name, kg_type, **fields)


def ready_county(county: str = "宜丰县", year: int = 2024, **inputs_over) -> Inputs:
    """A small county that passes both assessments: 3 小学, 2 初中, 3 kindergartens, every county item met."""
    schools = [good_primary("3609240001", "城关第一小学", 1200), good_primary("3609240002", "城关第二小学", 900),
               good_primary("3609240003", "石市小学", 400, area="乡村"), good_junior("3609240101", "城关中学", 1000),
               good_junior("3609240102", "石市中学", 500, area="乡村")]
    kgs = [good_kindergarten("K001", "城关中心幼儿园", "公办", 400, township_center=True),
           good_kindergarten("K002", "石市中心幼儿园", "公办", 200, township_center=True, township="石市镇"),
           good_kindergarten("K003", "阳光幼儿园", "普惠性民办", 300, estate_kindergarten=True)]
    ci = passing_county_inputs() | {"POP_3_5": 1000, "TOWNSHIPS": 2}
    ci.update(inputs_over.pop("county_inputs", {}))
    return make_inputs(schools=inputs_over.pop("schools", schools), kindergartens=inputs_over.pop("kindergartens", kgs),
                       county_inputs=ci, county=county, year=year)
