"""学前教育: P1–P3 and the items computed from the kindergarten sheet, with hand-worked values."""

import pytest

from yichun.assessment import assess, explain
from yichun.assessment.examples import good_kindergarten, make_inputs, passing_county_inputs


def county(pop=500, towns=2, **kw):
    kgs = [
        good_kindergarten("A", "城关中心幼儿园", "公办", 200, classes=10, oversized_classes=2, teachers=14, teachers_certified=14, township_center=True),
        good_kindergarten("B", "阳光幼儿园", "普惠性民办", 100, classes=4, oversized_classes=1, teachers=7, teachers_certified=7, estate_kindergarten=True,
                          township="石市镇"),
        good_kindergarten("C", "贝贝幼儿园", "非普惠性民办", 100, classes=4, oversized_classes=0, teachers=6, teachers_certified=5,
                          outdoor_m2=350, estate_kindergarten=True, township="石市镇"),
    ]
    return assess(make_inputs(kindergartens=kgs, county_inputs=passing_county_inputs() | {"POP_3_5": pop, "TOWNSHIPS": towns}), **kw)


def item(a, code):
    return a.items[a.items["code"] == code].iloc[0]


def test_p1_p2_p3_by_hand():
    a = county()
    p = a.preschool.set_index("indicator")
    assert p.loc["P1", "value"] == pytest.approx(400 / 500) and not p.loc["P1", "met"]  # 80% < 85%
    assert p.loc["P2", "value"] == pytest.approx(300 / 400) and not p.loc["P2", "met"]  # 75% < 80%
    assert p.loc["P3", "value"] == pytest.approx(200 / 400) and bool(p.loc["P3", "met"])  # exactly 50%
    assert list(p["standard"]) == [0.85, 0.80, 0.50]
    assert (p.loc["P1", "numerator"], p.loc["P1", "denominator"]) == (400, 500)


def test_kindergarten_sheet_items_by_hand():
    a = county()
    assert item(a, "PQ2")["value"] == pytest.approx(1 - 3 / 18) and not item(a, "PQ2")["met"]  # 83.3% < 85%
    assert item(a, "PQ3")["value"] == pytest.approx(400 / 27) and bool(item(a, "PQ3")["met"])  # 14.8 ≤ 15
    assert item(a, "PQ4")["value"] == pytest.approx((26 + 3) / (27 + 3)) and not item(a, "PQ4")["met"]  # heads counted
    assert item(a, "PQ1")["value"] == pytest.approx(2 / 3) and not item(a, "PQ1")["met"]  # 贝贝: 3.5 ㎡ outdoor per child
    assert "贝贝幼儿园" in item(a, "PQ1")["detail"]
    assert item(a, "PG3")["value"] == 1 and not item(a, "PG3")["met"]  # 城关镇 has a public centre, 石市镇 none
    assert item(a, "PG4")["value"] == pytest.approx(0.5)
    assert not item(a, "PG4")["met"]
    assert "贝贝幼儿园" in item(a, "PG4")["detail"]


def test_preschool_gaps_in_physical_units():
    a = county()
    g = a.gaps
    p1 = g[g["indicator"] == "P1"].iloc[0]
    assert p1["shortfall"] == 25 and p1["school_name"] == "全县"  # 0.85 × 500 − 400
    outdoor = g[(g["indicator"] == "PQ1") & (g["school_id"] == "C")].iloc[0]
    assert outdoor["shortfall"] == 50 and outdoor["unit"] == "㎡"  # 4 × 100 − 350
    assert outdoor["cost_wan"] == pytest.approx(50 * 300 / 10000)
    pq2 = g[(g["indicator"] == "PQ2") & (g["school_name"] == "全县")].iloc[0]
    assert pq2["shortfall"] == 1  # ⌈3 − 0.15 × 18⌉


def test_missing_population_is_missing_not_a_pass():
    a = county(pop=None)
    p1 = a.preschool.set_index("indicator").loc["P1"]
    assert p1["value"] != p1["value"] and p1["met"] is None or str(p1["met"]) == "<NA>"
    r = a.readiness[a.readiness["track"] == "学前教育"].iloc[0]
    assert "P1" in r["missing"]
    assert not r["ready"]
    assert "POP_3_5" in item(a, "P1")["detail"]


def test_explain_p1():
    e = explain(county(), "宜丰县", 2024, "P1")
    assert e.values["numerator"] == 400
    assert e.values["denominator"] == 500
    assert "80.00%" in str(e)
