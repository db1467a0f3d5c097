"""County names: every spelling docs/intake.md §2 names resolves; unknown names get the closest valid ones."""

import pytest

from yichun.counties import NotAssessedError, UnknownCountyError, by_name, counties, is_management_area, names, normalize_county

CODES = {
    "袁州区": "360902", "奉新县": "360921", "万载县": "360922", "上高县": "360923", "宜丰县": "360924",
    "靖安县": "360925", "铜鼓县": "360926", "丰城市": "360981", "樟树市": "360982", "高安市": "360983",
}


def test_ten_units_with_their_codes():
    assert {c.name: c.code for c in counties()} == CODES
    assert len(names()) == 10


@pytest.mark.parametrize("name", list(CODES))
def test_every_spelling_of_every_county(name):
    short = name[:-1]
    spellings = [
        name, short, f"宜春市{name}", f"江西省宜春市{name}", f"江西省宜春市{short}", f"宜春市{short}",
        f" {name} ", " ".join(name), f"{short}\n", f"\u3000{name}\u3000", CODES[name],
        # full-width digits of the code
        CODES[name].translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ]
    for spelling in spellings:
        assert normalize_county(spelling) == name, spelling
    assert by_name(short).code == CODES[name]


def test_full_width_letters_and_spaces_are_folded():
    assert normalize_county("江西省 宜春市 袁州区") == "袁州区"
    assert normalize_county("宜春市　高安市") == "高安市"


def test_unknown_name_names_the_closest_units():
    with pytest.raises(UnknownCountyError) as err:
        normalize_county("宜丰镇")
    assert "宜丰县" in err.value.suggestions
    assert "宜丰镇" in str(err.value) and "宜丰县" in str(err.value)
    with pytest.raises(UnknownCountyError) as err:
        normalize_county("南昌县")
    assert "南昌县" in str(err.value)


@pytest.mark.parametrize("area", ["宜春经济技术开发区", "宜阳新区", "明月山温泉风景名胜区", "宜春市明月山", "经开区"])
def test_management_areas_are_known_but_not_assessed(area):
    assert is_management_area(area)
    with pytest.raises(NotAssessedError) as err:
        normalize_county(area)
    assert err.value.parent == "袁州区"
    assert "不作为县(市、区)单独评估" in str(err.value)
