"""`assess` against a plain, loop-by-loop reading of docs/domain.md §2.1 and §3 on random counties.

The reference below is written from the text, not from the engine: school parts by level,
facilities shared 1 : 1.1 (九年一贯制) / 1 : 1.2 (完全中学) / 1 : 1.1 : 1.32 (十二年一贯制),
private schools counted, special-education schools and 教学点 under 50 pupils left out, the
6-of-7 rule with the 85% allowance, the enrolment-weighted 差异系数, P1–P3. Values must agree
to 1e-6.
"""

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yichun.assessment import assess
from yichun.assessment.examples import kindergarten, make_inputs, passing_county_inputs, school

STANDARD = {"小学": [4.2, 1.0, 0.9, 4.5, 7.5, 2000, 2.3], "初中": [5.3, 1.0, 0.9, 5.8, 10.2, 2500, 2.4]}
WEIGHTS = {"小学": {"小学": 1.0}, "教学点": {"小学": 1.0}, "初级中学": {"初中": 1.0}, "九年一贯制学校": {"小学": 1.0, "初中": 1.1},
           "完全中学": {"初中": 1.0, "高中": 1.2}, "十二年一贯制学校": {"小学": 1.0, "初中": 1.1, "高中": 1.32}}
LIMIT = {"小学": 0.50, "初中": 0.45}
SFX = {"小学": "primary", "初中": "junior", "高中": "senior"}


def reference_parts(schools):
    parts = []
    for s in schools:
        t = s["school_type"]
        if t == "特殊教育学校":
            continue
        w = WEIGHTS[t]
        denom = sum(wt * s[f"students_{SFX[lv]}"] for lv, wt in w.items())
        single = len(w) == 1
        for lv in ("小学", "初中"):
            if lv not in w:
                continue
            p = s[f"students_{SFX[lv]}"]
            if not single and p == 0:
                continue
            if t == "教学点" and p < 50:
                continue
            if p == 0:
                continue
            share = 1.0 if single else w[lv] * p / denom
            sfx = SFX[lv]
            x = [100 * s[f"teachers_qualified_{sfx}"] / p, 100 * s[f"teachers_backbone_{sfx}"] / p, 100 * s[f"teachers_pe_arts_{sfx}"] / p,
                 s["teaching_area_m2"] * share / p, s["sports_area_m2"] * share / p, s["equipment_value_wan"] * 10000 * share / p,
                 100 * s["multimedia_rooms"] * share / p]
            ratios = [v / t_ for v, t_ in zip(x, STANDARD[lv])]
            met = [r >= 1 - 1e-9 for r in ratios]
            passed = sum(met) >= 6 and all(m or r >= 0.85 - 1e-9 for m, r in zip(met, ratios))
            parts.append({"school_id": s["school_id"], "level": lv, "students": p, "x": x, "passed": passed})
    return parts


def reference_cv(parts, level, k):
    sel = [p for p in parts if p["level"] == level]
    if len(sel) < 2:
        return None
    total = sum(p["students"] for p in sel)
    mean = sum(p["x"][k] * p["students"] for p in sel) / total
    if mean == 0:
        return None  # 0/0: undefined, never 0
    var = sum(p["students"] / total * (p["x"][k] - mean) ** 2 for p in sel)
    return math.sqrt(var) / mean


TYPES = ["小学", "初级中学", "九年一贯制学校", "完全中学", "十二年一贯制学校", "教学点", "特殊教育学校"]


@st.composite
def a_school(draw, i):
    t = draw(st.sampled_from(TYPES))
    levels = {"小学": ["小学"], "教学点": ["小学"], "初级中学": ["初中"], "九年一贯制学校": ["小学", "初中"], "完全中学": ["初中", "高中"],
              "十二年一贯制学校": ["小学", "初中", "高中"], "特殊教育学校": ["小学", "初中"]}[t]
    hi = 120 if t == "教学点" else 2400
    students = {lv: (draw(st.integers(20 if t == "教学点" else 30, hi)) if lv in levels else 0) for lv in ("小学", "初中", "高中")}
    total = sum(students.values())
    f = {"students_primary": students["小学"], "students_junior": students["初中"], "students_senior": students["高中"]}
    for lv, sfx in (("小学", "primary"), ("初中", "junior")):
        p = students[lv]
        f[f"teachers_qualified_{sfx}"] = draw(st.integers(0, max(1, p // 12)))
        f[f"teachers_backbone_{sfx}"] = draw(st.integers(0, max(1, p // 50)))
        f[f"teachers_pe_arts_{sfx}"] = draw(st.integers(0, max(1, p // 60)))
        f[f"classes_{sfx}"] = math.ceil(p / 45) if p else 0
        f[f"max_class_{sfx}"] = 45 if p else None
    f["teaching_area_m2"] = draw(st.floats(2.0, 9.0)) * total
    f["sports_area_m2"] = draw(st.floats(4.0, 14.0)) * total
    f["equipment_value_wan"] = draw(st.floats(0.1, 0.4)) * total
    f["multimedia_rooms"] = draw(st.integers(0, max(1, total // 25)))
    f["teachers_total"] = max(1, total // 15)
    f["teachers_certified"] = f["teachers_total"]
    own = draw(st.sampled_from(["公办", "公办", "民办"]))
    return school(f"S{i:03d}", f"学校{i}", t, ownership=own, **f)


@st.composite
def a_county(draw):
    n = draw(st.integers(2, 9))
    schools = [draw(a_school(i)) for i in range(n)]
    kgs = [kindergarten(f"K{i}", f"园{i}", draw(st.sampled_from(["公办", "普惠性民办", "非普惠性民办"])), children=draw(st.integers(20, 400)))
           for i in range(draw(st.integers(1, 6)))]
    pop = draw(st.integers(200, 3000))
    return schools, kgs, pop


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a_county())
def test_assess_matches_the_reference_reading(county):
    schools, kgs, pop = county
    a = assess(make_inputs(schools=schools, kindergartens=kgs, county_inputs=passing_county_inputs() | {"POP_3_5": pop}))
    ref = reference_parts(schools)
    counted = a.school_parts[a.school_parts["counted"]]
    assert len(counted) == len(ref)
    got = counted.set_index(["school_id", "level"])
    for p in ref:
        row = got.loc[(p["school_id"], p["level"])]
        assert np.allclose([row[f"R{k}"] for k in range(1, 8)], p["x"], rtol=1e-6, atol=1e-9)
        assert bool(row["passed"]) is p["passed"]
    cv = a.cv.set_index(["level", "indicator"])
    for level in ("小学", "初中"):
        for k in range(7):
            expected = reference_cv(ref, level, k)
            if expected is None:
                assert (level, f"R{k + 1}") not in cv.index or np.isnan(cv.loc[(level, f"R{k + 1}"), "cv"])
            else:
                assert math.isclose(cv.loc[(level, f"R{k + 1}"), "cv"], expected, rel_tol=1e-6, abs_tol=1e-9)
                assert bool(cv.loc[(level, f"R{k + 1}"), "met"]) is (expected <= LIMIT[level] + 1e-9)
    children = sum(k["children"] for k in kgs)
    inclusive = sum(k["children"] for k in kgs if k["kg_type"] in ("公办", "普惠性民办"))
    public = sum(k["children"] for k in kgs if k["kg_type"] == "公办")
    p = a.preschool.set_index("indicator")["value"]
    assert math.isclose(p["P1"], children / pop, rel_tol=1e-9)
    assert math.isclose(p["P2"], inclusive / children, rel_tol=1e-9)
    assert math.isclose(p["P3"], public / children, rel_tol=1e-9)
