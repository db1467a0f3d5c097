"""Cohort arithmetic of the enrolment projection, checked by hand on a tiny county."""

from __future__ import annotations

import pandas as pd
import pytest
from projection_toy import county_rows, kindergarten, make_inputs, school

from yichun.errors import YichunError
from yichun.projection.cohort import (
    DemographicFactors,
    Factor,
    allocate,
    cohort_births,
    extend_births,
    observed_ratios,
    project_enrolment,
    ratio_bands,
)
from yichun.projection.params import parameters
from yichun.projection.projected import project_inputs

C = "靖安县"
# births: 1000 a year 2005–2014, then 900, 800, … 400 in 2015–2020
BIRTHS = {**{y: 1000.0 for y in range(2005, 2015)}, **{2015 + i: 900.0 - 100 * i for i in range(6)}}


def toy(primary_2019=(3600, 1800), primary_2020=(4000, 2000), kg=(140, 70), pop=(3000, 3100)):
    """Two primary schools, one junior school, two kindergartens; 2019 and 2020 observed."""
    schools, kgs, ci = [], [], []
    for i, y in enumerate((2019, 2020)):
        p = primary_2019 if y == 2019 else primary_2020
        schools += [school(C, y, "P1", p[0]), school(C, y, "P2", p[1]), school(C, y, "J1", 0, 2700)]
        kgs += [kindergarten(C, y, "K1", kg[0] * 10), kindergarten(C, y, "K2", kg[1] * 10, "普惠性民办")]
        ci += county_rows(C, y, pop[i])
    return make_inputs(schools, kgs, ci, {C: BIRTHS})


def test_cohort_sums_follow_the_age_convention():
    b = pd.DataFrame({"county": C, "birth_year": list(BIRTHS), "births": list(BIRTHS.values())})
    # 小学 in 2021 = born 2010–2015: 5 × 1000 + 900
    got = cohort_births(b, [2021, 2026], youngest=6, oldest=11).set_index("year")["cohort_births"]
    assert got[2021] == 5900.0
    assert got[2026] == 900 + 800 + 700 + 600 + 500 + 400  # born 2015–2020
    # a cohort year missing from the data gives a missing sum, never a partial one
    assert pd.isna(cohort_births(b, [2015], youngest=6, oldest=11).set_index("year").loc[2015, "cohort_births"])


def test_ratios_and_bands_by_hand():
    inputs = toy()
    params = parameters({"recent_years": 4})
    r = observed_ratios(inputs, params).set_index(["level", "year"])
    # 小学 2019: 5400 students ÷ births 2008–2013 (6000) = 0.9; 2020: 6000 ÷ 6000 = 1.0
    assert r.loc[("小学", 2019), "ratio"] == pytest.approx(0.9)
    assert r.loc[("小学", 2020), "ratio"] == pytest.approx(1.0)
    # 初中 2020: 2700 ÷ births 2006–2008 (3000) = 0.9
    assert r.loc[("初中", 2020), "ratio"] == pytest.approx(0.9)
    # 幼儿园 2020: 2100 children ÷ births 2015–2017 (900 + 800 + 700) = 0.875
    assert r.loc[("幼儿园", 2020), "ratio"] == pytest.approx(2100 / 2400)
    bands = ratio_bands(observed_ratios(inputs, params), params).set_index("level")
    assert bands.loc["小学", "central"] == pytest.approx(0.95)
    assert (bands.loc["小学", "low"], bands.loc["小学", "high"]) == pytest.approx((0.9, 1.0))


def test_projected_enrolment_exact():
    inputs = toy()
    e = project_enrolment(inputs, 2027, params=parameters({"recent_years": 4}))
    e = e.set_index(["level", "variant", "year"])["enrolment"]
    # 2021: born 2010–2015 = 5900; central 0.95 × 5900, low 0.9 ×, high 1.0 ×
    assert e[("小学", "central", 2021)] == pytest.approx(5605.0)
    assert e[("小学", "low", 2021)] == pytest.approx(5310.0)
    assert e[("小学", "high", 2021)] == pytest.approx(5900.0)
    # 2027 needs births of 2021 (after the data): central holds 2020's 400, low takes 400 × 0.95
    assert e[("小学", "central", 2027)] == pytest.approx(0.95 * (800 + 700 + 600 + 500 + 400 + 400))
    assert e[("小学", "low", 2027)] == pytest.approx(0.9 * (800 + 700 + 600 + 500 + 400 + 380))
    # observed years are carried under every variant
    assert e[("小学", "low", 2019)] == 5400.0
    # POP_3_5 uses the central ratio (3000/2700, 3100/2400 → mean) in every variant
    pop_ratio = (3000 / 2700 + 3100 / 2400) / 2  # 2019: born 2014–2016, 2020: born 2015–2017
    assert e[("3—5岁人口", "low", 2021)] == pytest.approx(pop_ratio * (800 + 700 + 600))
    assert e[("3—5岁人口", "high", 2021)] == pytest.approx(pop_ratio * (800 + 700 + 600))


def test_migration_and_birth_factors():
    inputs = toy()
    params = parameters({"recent_years": 4})
    factors = DemographicFactors(births=(Factor(0.5, from_year=2015),), ratios=(Factor(1.1, from_year=2022, levels=("小学",)),))
    e = project_enrolment(inputs, 2022, ("central",), params, factors=factors)
    e = e.set_index(["level", "year"])["enrolment"]
    assert e[("小学", 2021)] == pytest.approx(0.95 * (5000 + 450))  # 2015 births halved
    assert e[("小学", 2022)] == pytest.approx(0.95 * 1.1 * (4000 + 450 + 400))


def test_future_births_compound():
    b = pd.DataFrame({"county": C, "birth_year": [2019, 2020], "births": [500.0, 400.0]})
    got = extend_births(b, 2023, -0.1).set_index("birth_year")
    assert got.loc[2023, "births"] == pytest.approx(400 * 0.9**3)
    assert not got.loc[2021, "observed"] and got.loc[2020, "observed"]


def test_allocation_keeps_totals_and_follows_share_trend():
    hist = pd.DataFrame({"county": C, "year": [2019, 2019, 2020, 2020], "school_id": ["A", "B", "A", "B"],
                         "value": [60.0, 40.0, 70.0, 30.0]})
    base = pd.Series({C: 2020})
    totals = pd.DataFrame({"county": C, "year": [2021, 2022, 2023, 2024], "enrolment": [101.0, 100.0, 100.0, 100.0]})
    out = allocate(hist, "school_id", totals, base, parameters()).set_index(["school_id", "year"])["value"]
    # shares 0.6 → 0.7: +0.1 a year → 0.8 / 0.2 in 2021 (101 → 80.8 / 20.2 → 81 / 20), 1.0 / 0 from 2023 on
    assert (out[("A", 2021)], out[("B", 2021)]) == (81.0, 20.0)
    assert (out[("A", 2022)], out[("B", 2022)]) == (90.0, 10.0)
    assert (out[("A", 2024)], out[("B", 2024)]) == (100.0, 0.0)
    flat = allocate(hist, "school_id", totals, base, parameters({"share_trend": "constant"})).set_index(["school_id", "year"])["value"]
    assert (flat[("A", 2022)], flat[("B", 2022)]) == (70.0, 30.0)


def test_project_inputs_schools_and_pop():
    inputs = toy()
    proj = project_inputs(inputs, 2022, params=parameters({"recent_years": 4, "share_trend": "constant"}))
    s = proj.schools.set_index(["school_id", "year"])
    # 2021: 5605 split 2 : 1 (4000 : 2000 in 2020) → 3736.67 / 1868.33 → 3737 / 1868
    assert s.loc[("P1", 2021), "students_primary"] == 3737.0
    assert s.loc[("P2", 2021), "students_primary"] == 1868.0
    # classes follow students at the base year's average size (4000 students in 100 classes)
    assert s.loc[("P1", 2021), "classes_primary"] == 94.0  # ⌈3737 / 40⌉
    # resources carried forward unchanged, provenance cleared
    base = inputs.schools.set_index(["school_id", "year"])
    assert s.loc[("P1", 2022), "teaching_area_m2"] == base.loc[("P1", 2020), "teaching_area_m2"]
    assert s["source_file"].isna().all()
    pop = proj.county_inputs[proj.county_inputs["code"] == "POP_3_5"].set_index("year")["value"]
    assert pop[2021] == round((3000 / 2700 + 3100 / 2400) / 2 * 2100)
    assert sorted(proj.years()) == [2021, 2022]


def test_falling_births_lower_students_with_stock_unchanged():
    inputs = toy()
    proj = project_inputs(inputs, 2030)
    tot = proj.schools.groupby("year")[["students_primary", "teaching_area_m2"]].sum()
    assert tot["students_primary"].is_monotonic_decreasing and tot["students_primary"].iloc[-1] < 0.7 * 6000
    assert tot["teaching_area_m2"].nunique() == 1
    per_student = tot["teaching_area_m2"] / tot["students_primary"]
    assert per_student.is_monotonic_increasing


def test_missing_births_fall_back_with_a_warning():
    inputs = toy()
    inputs.population = inputs.population[inputs.population["birth_year"] >= 2012]
    proj = project_inputs(inputs, 2021, params=parameters({"recent_years": 4}))
    # no ratio can be formed for 小学 (needs births from 2008): held at the base year, warned
    assert proj.schools["students_primary"].sum() == 6000.0
    warned = proj.problems[proj.problems["kind"] == "无法按出生队列预测"]
    assert any("小学" in m for m in warned["message"])


def test_bad_parameters_name_the_key():
    with pytest.raises(YichunError, match="recent_yaers"):
        parameters({"recent_yaers": 3})
    with pytest.raises(YichunError, match="future_births.low"):
        parameters({"future_births": {"low": -2}})


# births 2^(y − 2000) for 2000–2020: a sum of births names exactly the birth years it covers
POWERS = {y: float(2 ** (y - 2000)) for y in range(2000, 2021)}


@pytest.mark.parametrize(("level", "born"), [
    ("小学", range(2009, 2015)),  # grade 1 entered in September 2020 at 6: born 2014; grade 6 born 2009
    ("初中", range(2006, 2009)),  # grades 7–9: born 2006–2008
    ("幼儿园", range(2015, 2018)),  # 3–5 year olds: born 2015–2017
    ("3—5岁人口", range(2015, 2018)),
])
def test_the_cohort_window_of_each_level_in_the_package_parameters(level, born):
    y = 2020
    inputs = make_inputs([school(C, y, "P1", 600), school(C, y, "J1", 0, 300)], [kindergarten(C, y, "K1", 200)],
                         county_rows(C, y, 250), {C: POWERS})
    r = observed_ratios(inputs, parameters()).set_index(["level", "year"])
    # e.g. 小学 2020: 2^9 + … + 2^14 = 32256; a window one year off or one year longer gives another sum
    assert r.loc[(level, y), "cohort_births"] == sum(2.0 ** (b - 2000) for b in born)
