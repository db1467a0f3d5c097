"""The enrolment-weighted 差异系数 against the published worked example, its drivers and the
additions that bring it under the limit."""

import numpy as np
import pytest

from yichun.assessment import assess, explain
from yichun.assessment.compulsory import balance
from yichun.assessment.cv_additions import water_fill
from yichun.assessment.examples import good_primary, make_inputs, passing_county_inputs, school

# published calculation note: five schools, students and books
STUDENTS = [45, 37, 89, 76, 55]
BOOKS = [279, 137, 935, 160, 402]


def _county(schools):
    return make_inputs(schools=schools, county_inputs=passing_county_inputs() | {"POP_3_5": 1000, "TOWNSHIPS": 1})


def test_worked_example_arrays():
    p = np.array(STUDENTS, float)
    x = np.array(BOOKS, float) / p
    b = balance(np.zeros(5, dtype=int), np.zeros(5, dtype=int), p, x.reshape(-1, 1), 1)
    assert b.students[0] == 302
    assert b.mean[0] == pytest.approx(1913 / 302)  # X̄ = total books / total students
    assert b.cv[0] == pytest.approx(0.515, abs=5e-4)


def test_worked_example_through_assess_weighted_0_515():
    # R2 = 100 × backbone ÷ students: books as the resource, the ×100 does not change a CV
    schools = [school(f"S{i}", f"学校{i}", students_primary=p, teachers_backbone_primary=b) for i, (p, b) in enumerate(zip(STUDENTS, BOOKS))]
    a = assess(_county(schools))
    row = a.cv[(a.cv["level"] == "小学") & (a.cv["indicator"] == "R2")].iloc[0]
    assert row["cv"] == pytest.approx(0.515, abs=5e-4)
    assert row["n_schools"] == 5
    assert row["limit"] == 0.5
    assert bool(row["met"]) is False  # 0.515 > 0.50
    assert row["county_value"] == pytest.approx(100 * 1913 / 302)


def test_unweighted_would_be_0_489():
    ratios = np.array(BOOKS, float) / np.array(STUDENTS, float)
    schools = [school(f"S{i}", f"学校{i}", students_primary=100, teachers_backbone_primary=r) for i, r in enumerate(ratios)]
    a = assess(_county(schools))
    row = a.cv[(a.cv["level"] == "小学") & (a.cv["indicator"] == "R2")].iloc[0]
    assert row["cv"] == pytest.approx(0.489, abs=5e-4)


def test_fewer_than_two_schools_is_missing_not_zero():
    a = assess(_county([good_primary("S1", "独校", 600)]))
    cv = a.cv[a.cv["level"] == "小学"]
    assert len(cv) == 7
    assert cv["cv"].isna().all()
    assert cv["met"].isna().all()
    item = a.items[a.items["code"] == "CV"].iloc[0]
    assert "不足2所" in item["detail"]


def test_drivers_shares_sum_to_one_and_rank_the_biggest_first():
    schools = [good_primary(f"S{i}", f"学校{i}", p * 10, teachers_backbone_primary=b) for i, (p, b) in enumerate(zip(STUDENTS, BOOKS))]
    a = assess(_county(schools))
    d = a.cv_drivers[a.cv_drivers["indicator"] == "R2"]
    assert d["variance_share"].sum() == pytest.approx(1.0)
    # by hand: (Pᵢ/P)(xᵢ−X̄)² is largest for school 2 (89 students, 10.5 books each), then 3 (76, 2.1)
    assert list(d["school_id"][:2]) == ["S2", "S3"]
    assert d["variance_share"].iloc[0] == pytest.approx(0.4813, abs=1e-3)
    assert list(d["rank"]) == [1, 2, 3, 4, 5]


def test_water_fill_is_the_smallest_floor_reaching_the_limit():
    p = np.array(STUDENTS, float)
    x = np.array(BOOKS, float) / p

    def cv(v):
        m = (p * v).sum() / p.sum()
        return np.sqrt((p / p.sum() * (v - m) ** 2).sum()) / m

    t, new = water_fill(p, x, 0.45)
    assert cv(new) <= 0.45 + 1e-9
    assert cv(np.maximum(x, t * 0.999)) > 0.45
    assert t > x.min()


def test_cv_additions_bring_the_county_under_its_limit():
    schools = [good_primary(f"S{i}", f"学校{i}", p * 10, teachers_backbone_primary=b) for i, (p, b) in enumerate(zip(STUDENTS, BOOKS))]
    a = assess(_county(schools))
    add = a.gaps[(a.gaps["basis"] == "差异系数") & (a.gaps["indicator"] == "R2")]
    assert len(add) >= 1
    assert (add["unit"] == "人").all() and (add["shortfall"] == np.floor(add["shortfall"])).all()
    assert "S3" in set(add["school_id"])  # the weakest school (2.1 per student) gets teachers first
    extra = dict(zip(add["school_id"], add["shortfall"]))
    fixed = [good_primary(f"S{i}", f"学校{i}", p * 10, teachers_backbone_primary=b + extra.get(f"S{i}", 0))
             for i, (p, b) in enumerate(zip(STUDENTS, BOOKS))]
    b = assess(_county(fixed))
    row = b.cv[(b.cv["level"] == "小学") & (b.cv["indicator"] == "R2")].iloc[0]
    assert row["cv"] <= 0.5
    assert bool(row["met"])
    cost = a.bill[a.bill["cost_key"] == "teacher_backbone"]["cost_wan"].sum()
    assert cost == pytest.approx(add["shortfall"].sum() * 13.0)  # 130,000 元 per teacher-year


def test_explain_cv_lists_each_school():
    schools = [school(f"S{i}", f"学校{i}", students_primary=p, teachers_backbone_primary=b) for i, (p, b) in enumerate(zip(STUDENTS, BOOKS))]
    a = assess(_county(schools))
    e = explain(a, "宜丰县", 2024, "R2", level="小学")
    assert e.values["cv"] == pytest.approx(0.515, abs=5e-4)
    assert e.values["students"] == 302
    assert len(e.table) == 5
    assert e.table["占方差比例"].sum() == pytest.approx(1.0)
    text = str(e)
    assert "差异系数" in text and "0.515" in text and "X̄" in text
    assert "**" in e._repr_markdown_()
