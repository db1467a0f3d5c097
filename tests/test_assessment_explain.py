"""`explain`: inputs, formula and intermediate values of any number, in readable Chinese."""

import pytest

from yichun.assessment import assess, explain
from yichun.assessment.examples import good_kindergarten, good_primary, ready_county
from yichun.errors import YichunError


@pytest.fixture(scope="module")
def a():
    schools = [good_primary("A", "甲小学", 1000, classes_primary=25, music_rooms=2), good_primary("B", "乙小学", 500)]
    kgs = [good_kindergarten("K1", "甲幼儿园", "公办", 200, outdoor_m2=700, township_center=True)]
    return assess(ready_county(schools=schools, kindergartens=kgs, county_inputs={"G8_PAY_RATIO": 0.98, "Q6": "中"}))


def test_school_value_with_its_inputs(a):
    e = explain(a, "宜丰县", 2024, "R1", school_id="A")
    assert e.values["value"] == pytest.approx(5.0)
    assert e.values["standard"] == 4.2
    assert "teachers_qualified_primary" in str(e)
    assert "× 100" in e.formula


def test_school_checks_and_kindergartens(a):
    e = explain(a, "宜丰县", 2024, "G3", school_id="A")
    assert e.values["ok"] is False
    assert "⌈25 ÷ 12⌉ × 1 = 3 间" in str(e)
    k = explain(a, "宜丰县", 2024, "PQ1", school_id="K1")
    assert "700 ㎡ ÷ 200 = 3.5" in str(k)
    assert "未达标" in k.result


def test_county_input_items_show_what_was_typed(a):
    e = explain(a, "宜丰县", 2024, "G8")
    assert e.values["met"] is False
    assert "G8_PAY_RATIO" in str(e)
    assert "0.98" in str(e)
    b = explain(a, "宜丰县", 2024, "Q6")
    assert "中" in str(b)
    assert b.values["met"] is False


def test_explain_accepts_inputs_and_spellings():
    e = explain(ready_county(), "宜丰", 2024, "p1")
    assert e.values["numerator"] == 900
    assert e.values["denominator"] == 1000


def test_unknown_codes_and_schools_are_user_errors(a):
    with pytest.raises(YichunError, match="R9"):
        explain(a, "宜丰县", 2024, "R9")
    with pytest.raises(YichunError, match="没有标识码"):
        explain(a, "宜丰县", 2024, "R1", school_id="ZZ")
    with pytest.raises(YichunError, match="2019"):
        explain(a, "宜丰县", 2019, "R1", level="小学")
