"""School parts: R1–R7, the 6-of-7 school rule at its edges, combined-school splits, who is counted,
and the school-by-school checks G3, G4, G5 and G12."""

import pandas as pd
import pytest

from yichun.assessment import assess, explain
from yichun.assessment.examples import good_primary, make_inputs, passing_county_inputs, school

CI = passing_county_inputs() | {"POP_3_5": 1000, "TOWNSHIPS": 1}


def exact_primary(sid="P1", name="标准小学", **over):
    """1000 pupils with every R1–R7 exactly at the 小学 standard."""
    fields = dict(students_primary=1000, students_junior=0, teachers_qualified_primary=42, teachers_backbone_primary=10,
                  teachers_pe_arts_primary=9, teaching_area_m2=4500, sports_area_m2=7500, equipment_value_wan=200, multimedia_rooms=23)
    fields.update(over)
    return school(sid, name, "小学", **fields)


def part(a, sid="P1", level="小学"):
    p = a.school_parts
    return p[(p["school_id"] == sid) & (p["level"] == level)].iloc[0]


def run(*schools, **kw):
    return assess(make_inputs(schools=list(schools), county_inputs=CI), **kw)


def test_seven_met_exactly_on_the_standard_passes():
    p = part(run(exact_primary()))
    assert [p[f"R{i}"] for i in range(1, 8)] == pytest.approx([4.2, 1.0, 0.9, 4.5, 7.5, 2000, 2.3])
    assert p["n_met"] == 7 and bool(p["passed"])
    assert p["fail_reason"] == ""


def test_six_met_and_the_seventh_at_exactly_85_percent_passes():
    p = part(run(exact_primary(teaching_area_m2=3825)))  # 3.825 ÷ 4.5 = 85%
    assert p["R4_ratio"] == pytest.approx(0.85)
    assert p["n_met"] == 6 and bool(p["passed"])


def test_six_met_and_the_seventh_at_84_9_percent_fails():
    p = part(run(exact_primary(teaching_area_m2=3820.5)))  # 3.8205 ÷ 4.5 = 84.9%
    assert p["n_met"] == 6 and not p["passed"]
    assert "R4达标准的84.9%（低于85%）" in p["fail_reason"]


def test_five_met_fails_even_when_both_others_reach_85_percent():
    p = part(run(exact_primary(teaching_area_m2=3825, sports_area_m2=6375)))
    assert p["n_met"] == 5 and not p["passed"]
    assert "仅5项达标" in p["fail_reason"]


def test_a_missing_indicator_makes_the_school_rule_missing_not_a_pass():
    # six met and R7 missing: R7 could be met or not, so the school rule is 缺数据 (NA), never true
    p = part(run(exact_primary(multimedia_rooms=None)))
    assert p["n_met"] == 6 and p["passed"] is pd.NA
    assert "R7缺数据" in p["fail_reason"]
    assert p["R7_met"] is pd.NA


def test_a_missing_value_does_not_hide_a_known_failure():
    # R7 missing, and R6 known at 80% of its standard (< 85%): the school fails whatever R7 is
    p = part(run(exact_primary(multimedia_rooms=None, equipment_value_wan=160)))  # 1600 元/生 = 80% of 2000
    assert p["passed"] is not pd.NA and not p["passed"]


def test_nine_year_school_split_1_to_1_1():
    s = school("C1", "九年一贯制", "九年一贯制学校", students_primary=400, students_junior=300, students_senior=0,
               teachers_qualified_primary=20, teachers_qualified_junior=18, teaching_area_m2=7300, equipment_value_wan=73, multimedia_rooms=73)
    a = run(s)
    pri, jun = part(a, "C1", "小学"), part(a, "C1", "初中")
    assert pri["share"] == pytest.approx(400 / 730)  # A / (A + 1.1·B)
    assert jun["share"] == pytest.approx(330 / 730)
    assert pri["R4"] == pytest.approx(10.0) and jun["R4"] == pytest.approx(11.0)
    assert pri["R6"] == pytest.approx(1000.0) and jun["R6"] == pytest.approx(1100.0)  # 万元 → 元
    assert pri["R7"] == pytest.approx(10.0) and jun["R7"] == pytest.approx(11.0)
    assert pri["R1"] == pytest.approx(5.0) and jun["R1"] == pytest.approx(6.0)  # teachers per level, not shared


def test_complete_middle_school_split_1_to_1_2():
    s = school("W1", "完全中学", "完全中学", students_primary=0, students_junior=300, students_senior=500, teaching_area_m2=9000)
    a = run(s)
    assert set(a.school_parts["level"]) == {"初中"}
    jun = part(a, "W1", "初中")
    assert jun["share"] == pytest.approx(300 / 900)  # B / (B + 1.2·C)
    assert jun["R4"] == pytest.approx(10.0)


def test_twelve_year_school_split_1_to_1_1_to_1_32():
    s = school("T1", "十二年一贯制", "十二年一贯制学校", students_primary=400, students_junior=300, students_senior=200, teaching_area_m2=9940)
    a = run(s)
    pri, jun = part(a, "T1", "小学"), part(a, "T1", "初中")
    assert pri["share"] == pytest.approx(400 / 994)  # 400 + 1.1×300 + 1.32×200 = 994
    assert jun["share"] == pytest.approx(330 / 994)
    assert pri["R4"] == pytest.approx(10.0) and jun["R4"] == pytest.approx(11.0)


def test_split_weights_are_data(tmp_path):
    prof = tmp_path / "split.yaml"
    prof.write_text("profile: split\nrules:\n  combined_splits:\n    九年一贯制学校: {小学: 1.0, 初中: 1.2}\n", encoding="utf-8")
    s = school("C1", "九年一贯制", "九年一贯制学校", students_primary=400, students_junior=300, students_senior=0, teaching_area_m2=7600)
    assert part(run(s, profile=str(prof)), "C1", "小学")["share"] == pytest.approx(400 / 760)


def test_nine_year_school_without_junior_pupils_gives_one_part():
    s = school("C2", "九年一贯制", "九年一贯制学校", students_primary=400, students_junior=0, students_senior=0, teaching_area_m2=2000)
    a = run(s)
    assert list(a.school_parts["level"]) == ["小学"]
    assert part(a, "C2")["share"] == 1.0


def test_private_schools_count_and_special_schools_do_not():
    # docs/domain.md §2.1 (second edition): 「所有义务教育阶段学校」, public and private alike
    a = run(good_primary("PR", "民办小学", 300, ownership="民办"),
            school("SP", "特殊教育学校", "特殊教育学校", students_primary=40, students_junior=20, students_senior=0), good_primary("OK", "公办小学", 300))
    p = a.school_parts.set_index(["school_id", "level"])
    assert bool(p.loc[("OK", "小学"), "counted"])
    assert bool(p.loc[("PR", "小学"), "counted"]) and p.loc[("PR", "小学"), "excluded_reason"] == ""
    assert not p.loc[("SP", "小学"), "counted"] and not p.loc[("SP", "初中"), "counted"]
    assert "特殊教育学校" in p.loc[("SP", "初中"), "excluded_reason"]
    assert a.cv[(a.cv["indicator"] == "R1")]["n_counted"].tolist() == [2]  # 公办 and 民办 enter the CV


def test_teaching_points_below_50_pupils_are_excluded():
    a = run(school("TP49", "甲教学点", "教学点", students_primary=49), school("TP50", "乙教学点", "教学点", students_primary=50))
    p = a.school_parts.set_index("school_id")
    assert not p.loc["TP49", "counted"]
    assert p.loc["TP49", "excluded_reason"] == "在校生不足50人的教学点（实有49人）不计入"
    assert bool(p.loc["TP50", "counted"]) and p.loc["TP50", "excluded_reason"] == ""


def test_a_profile_can_exclude_private_schools_and_says_why(tmp_path):
    prof = tmp_path / "public-only.yaml"
    prof.write_text("profile: public-only\nrules:\n  counted_schools: {include_private: false}\n", encoding="utf-8")
    s = good_primary("PR", "民办小学", 300, ownership="民办")
    assert bool(run(s).school_parts["counted"].iloc[0])
    part_ = run(s, profile=str(prof)).school_parts.iloc[0]
    assert not part_["counted"] and part_["excluded_reason"] == "民办学校按所选标准配置不计入"


def _checks(a, sid):
    c = a.school_checks
    return c[c["school_id"] == sid].iloc[0]


def test_g4_school_size():
    a = run(good_primary("P2000", "小学2000", 2000), good_primary("P2001", "小学2001", 2001),
            school("N2500", "九年2500", "九年一贯制学校", students_primary=1500, students_junior=1000, students_senior=0),
            school("N2501", "九年2501", "九年一贯制学校", students_primary=1501, students_junior=1000, students_senior=0),
            school("W2001", "完中", "完全中学", students_primary=0, students_junior=2001, students_senior=1000))
    assert bool(_checks(a, "P2000")["G4_ok"]) and not _checks(a, "P2001")["G4_ok"]
    assert bool(_checks(a, "N2500")["G4_ok"]) and not _checks(a, "N2501")["G4_ok"]
    assert not _checks(a, "W2001")["G4_ok"]  # a 完全中学's 初中 part is held to 2000
    item = a.items[a.items["code"] == "G4"].iloc[0]
    assert item["value"] == pytest.approx(2 / 5) and not item["met"]
    assert "小学2001 2001人>2000人" in item["detail"]
    g4 = a.gaps[a.gaps["indicator"] == "G4"].set_index("school_id")
    assert g4.loc["N2501", "shortfall"] == 1 and g4.loc["W2001", "shortfall"] == 1


def test_g5_largest_class():
    a = run(good_primary("A45", "甲", 450, max_class_primary=45), good_primary("A46", "乙", 460, max_class_primary=46),
            school("N", "九年", "九年一贯制学校", students_primary=300, students_junior=200, students_senior=0, max_class_primary=40, max_class_junior=51))
    assert bool(_checks(a, "A45")["G5_ok"]) and not _checks(a, "A46")["G5_ok"] and not _checks(a, "N")["G5_ok"]
    assert "九年 最大班额初中51人" in a.items[a.items["code"] == "G5"].iloc[0]["detail"]


def test_g3_rooms_per_12_classes_and_room_areas():
    a = run(good_primary("R1", "甲", 1000, classes_primary=25, music_rooms=3, art_rooms=2),
            good_primary("R2", "乙", 1000, classes_primary=24, music_rooms=2, art_rooms=2, music_room_min_m2=95),
            good_primary("R3", "丙", 1000, classes_primary=24, music_rooms=2, art_rooms=2))
    assert _checks(a, "R1")["rooms_needed"] == 3  # ⌈25 ÷ 12⌉
    assert not _checks(a, "R1")["G3_ok"] and not _checks(a, "R2")["G3_ok"] and bool(_checks(a, "R3")["G3_ok"])
    g3 = a.gaps[a.gaps["indicator"] == "G3"]
    art = g3[(g3["school_id"] == "R1") & (g3["cost_key"] == "art_room")].iloc[0]
    assert art["shortfall"] == 1 and art["cost_wan"] == pytest.approx(30.0)
    music = g3[(g3["school_id"] == "R2") & (g3["cost_key"] == "music_room")].iloc[0]
    assert music["shortfall"] == 1 and "96" in music["note"]


def test_g12_certified_teachers():
    a = run(good_primary("A", "甲", 1700, teachers_total=100, teachers_certified=99), good_primary("B", "乙", 1700, teachers_total=100, teachers_certified=100))
    item = a.items[a.items["code"] == "G12"].iloc[0]
    assert item["value"] == pytest.approx(199 / 200) and not item["met"]


def test_explain_a_combined_school_split():
    s = school("C1", "九年一贯制", "九年一贯制学校", students_primary=400, students_junior=300, students_senior=0, teaching_area_m2=7300)
    e = explain(run(s), "宜丰县", 2024, "R4", school_id="C1", level="小学")
    assert e.values["share"] == pytest.approx(400 / 730) and e.values["value"] == pytest.approx(10.0)
    text = str(e)
    assert "1.1×300" in text and "7300" in text and "份额" in text


def test_one_known_shortfall_above_85_percent_and_one_missing_value_is_undecided():
    # 5 met, R4 at 90% (3.825 → 4.05 ㎡), R7 missing: if R7 were met the school would pass (6 met, the rest ≥ 85%)
    p = part(run(exact_primary(teaching_area_m2=4050, multimedia_rooms=None)))
    assert p["n_met"] == 5 and p["passed"] is pd.NA


def test_a_shortfall_at_exactly_85_percent_and_one_missing_value_is_undecided():
    p = part(run(exact_primary(teaching_area_m2=3825, multimedia_rooms=None)))  # R4 exactly 85%
    assert p["passed"] is pd.NA


def test_the_unmet_codes_of_a_part_are_listed_in_catalogue_order():
    p = part(run(exact_primary(teaching_area_m2=4000, multimedia_rooms=20)))  # R4 88.9%, R7 2.0 < 2.3
    assert p["unmet"] == "R4、R7" and p["passed"] is not pd.NA and not p["passed"]
