"""Second-edition rules that decide a verdict (docs/domain.md §2.1, §2.2, §3, §4), one hand-worked rule per test.

Every expected value below is worked out by hand in the comment next to it.
"""

import copy

import numpy as np
import pandas as pd
import pytest

from yichun.assessment import assess
from yichun.assessment.costs import unit_costs
from yichun.assessment.examples import (
    good_junior,
    good_kindergarten,
    good_primary,
    make_inputs,
    passing_county_inputs,
    ready_county,
    school,
)
from yichun.catalogue import CatalogueError, catalogue
from yichun.tables import Inputs


def item(a, code):
    it = a.items
    return it[it["code"] == code].iloc[0]


def ready(a, track):
    r = a.readiness
    return r[r["track"] == track].iloc[0]


def with_school(inputs: Inputs, school_id: str, **values) -> Inputs:
    s = inputs.schools.copy()
    for k, v in values.items():
        s.loc[s["school_id"] == school_id, k] = v
    return Inputs(s, inputs.kindergartens, inputs.county_inputs, inputs.population, townships=inputs.townships)


def with_kg(inputs: Inputs, kg_id: str, **values) -> Inputs:
    k = inputs.kindergartens.copy()
    for key, v in values.items():
        k.loc[k["kg_id"] == kg_id, key] = v
    return Inputs(inputs.schools, k, inputs.county_inputs, inputs.population, townships=inputs.townships)


def test_the_ready_county_is_ready_on_both_tracks():
    a = assess(ready_county())
    assert bool(ready(a, "义务教育")["ready"]) and bool(ready(a, "学前教育")["ready"])


# ------------------------------------------------------------------ scope (docs/domain.md §2.1, §2.2)
def test_cv_counts_private_schools_by_enrolment():
    # 公办 300 pupils at R4 = 4.0 ㎡, 民办 100 pupils at 6.0 ㎡: X̄ = (1200 + 600) / 400 = 4.5,
    # S² = 0.75·0.25 + 0.25·2.25 = 0.75, CV = √0.75 / 4.5 = 0.19245
    a = assess(make_inputs(schools=[good_primary("A", "公办小学", 300, teaching_area_m2=1200),
                                    good_primary("B", "民办小学", 100, ownership="民办", teaching_area_m2=600)]))
    cv = a.cv.set_index(["level", "indicator"]).loc[("小学", "R4")]
    assert cv["n_counted"] == 2
    assert cv["cv"] == pytest.approx(np.sqrt(0.75) / 4.5, abs=1e-9)


def test_g4_reads_private_schools():
    a = assess(make_inputs(schools=[good_primary("A", "公办小学", 600), good_primary("B", "民办大校", 2001, ownership="民办")]))
    g4 = item(a, "G4")
    assert g4["met"] is not pd.NA and not g4["met"] and "民办大校" in g4["detail"]


def test_g4_leaves_out_special_schools_and_small_teaching_points():
    a = assess(make_inputs(schools=[
        good_primary("A", "公办小学", 600),
        school("S", "特教学校", "特殊教育学校", students_primary=2100, students_junior=0, students_senior=0, max_class_primary=12),
        good_primary("T", "小教学点", 30, max_class_primary=46) | {"school_type": "教学点"},  # 46 > 45 but outside the scope
    ]))
    assert bool(item(a, "G4")["met"]) and bool(item(a, "G5")["met"])


def test_g12_counts_teachers_of_small_teaching_points():
    # 教学点 of 30 pupils (outside R1–R7) with 2 teachers, 1 certified: 持证上岗率 < 100%
    tp = good_primary("T", "小教学点", 30, teachers_total=2, teachers_certified=1) | {"school_type": "教学点"}
    a = assess(make_inputs(schools=[good_primary("A", "公办小学", 600), tp]))
    parts = a.school_parts.set_index("school_id")
    assert not parts.loc["T", "counted"]
    assert not item(a, "G12")["met"]
    assert item(a, "G12")["value"] == pytest.approx((36 + 1) / (36 + 2))  # ⌈600/17⌉ = 36 teachers at A


def test_a_profile_that_excludes_private_schools_still_checks_them_for_g4(tmp_path):
    prof = tmp_path / "p.yaml"
    prof.write_text("profile: p\nrules:\n  counted_schools: {include_private: false}\n", encoding="utf-8")
    a = assess(make_inputs(schools=[good_primary("A", "公办小学", 600), good_primary("B", "民办大校", 2001, ownership="民办")]),
               profile=str(prof))
    assert not a.school_parts.set_index("school_id").loc["B", "counted"]
    assert not item(a, "G4")["met"]


# ------------------------------------------------------------------ missing is never a pass
def test_a_blank_school_value_makes_a_ready_county_not_ready_naming_school_and_field():
    inputs = with_school(ready_county(), "3609240002", teaching_area_m2=np.nan)
    a = assess(inputs)
    r = ready(a, "义务教育")
    assert not r["ready"]
    assert "R4" in r["missing_codes"].split("、")
    assert "城关第二小学" in r["missing"] and "教学及辅助用房面积" in r["missing"]
    assert item(a, "R4")["met"] is pd.NA


def test_a_blank_school_value_leaves_the_cv_missing():
    a = assess(with_school(ready_county(), "3609240002", sports_area_m2=np.nan))
    cv = a.cv.set_index(["level", "indicator"]).loc[("小学", "R5")]
    assert cv["met"] is pd.NA and cv["n_missing"] == 1
    assert item(a, "CV")["met"] is pd.NA


def test_a_blank_class_size_makes_g5_missing():
    a = assess(with_school(ready_county(), "3609240001", max_class_primary=np.nan))
    assert item(a, "G5")["met"] is pd.NA
    detail = item(a, "G5")["detail"]
    assert "城关第一小学（未填小学最大班额）" in detail and "初中最大班额" not in detail  # a 小学 has no 初中 classes
    assert not ready(a, "义务教育")["ready"]


def test_a_blank_certificate_count_makes_g12_missing():
    a = assess(with_school(ready_county(), "3609240101", teachers_certified=np.nan))
    assert item(a, "G12")["met"] is pd.NA and "城关中学" in item(a, "G12")["detail"]


def test_a_blank_kindergarten_area_makes_a_ready_county_not_ready_naming_the_field():
    a = assess(with_kg(ready_county(), "K002", outdoor_m2=np.nan))
    r = ready(a, "学前教育")
    assert not r["ready"] and "PQ1" in r["missing_codes"]
    assert "石市中心幼儿园" in r["missing"] and "室外游戏场地面积" in r["missing"]


def test_a_kindergarten_without_type_leaves_p2_and_p3_missing():
    a = assess(with_kg(ready_county(), "K003", kg_type=pd.NA))
    p = a.preschool.set_index("indicator")
    assert p.loc["P2", "met"] is pd.NA and p.loc["P3", "met"] is pd.NA


def test_a_head_without_an_answer_leaves_pq4_missing():
    a = assess(with_kg(ready_county(), "K001", head_certified=pd.NA))
    assert item(a, "PQ4")["met"] is pd.NA and "城关中心幼儿园" in item(a, "PQ4")["detail"]


def test_a_non_inclusive_kindergarten_without_the_estate_answer_leaves_pg4_missing():
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 300, township_center=True),
           good_kindergarten("K2", "贝贝幼儿园", "非普惠性民办", 100, estate_kindergarten=None)]
    a = assess(make_inputs(kindergartens=kgs, county_inputs=passing_county_inputs() | {"POP_3_5": 450, "TOWNSHIPS": 1}))
    assert item(a, "PG4")["met"] is pd.NA


# ------------------------------------------------------------------ preschool standards (docs/domain.md §3)
def _kgs_county(kgs, **ci):
    return assess(make_inputs(kindergartens=kgs, county_inputs=passing_county_inputs() | {"POP_3_5": 1000, "TOWNSHIPS": 1} | ci))


def test_pq1_building_area_standard_10_44():
    # 100 children, 1043 ㎡ of 园舍: 10.43 < 10.44 ㎡ per child; designed 2018, so it must meet it
    a = _kgs_county([good_kindergarten("K1", "城关中心幼儿园", "公办", 100, township_center=True, building_m2=1043)])
    assert not item(a, "PQ1")["met"]
    a = _kgs_county([good_kindergarten("K1", "城关中心幼儿园", "公办", 100, township_center=True, building_m2=1044)])
    assert bool(item(a, "PQ1")["met"])


def test_pq1_half_of_the_kindergartens_designed_before_2017_is_enough():
    ok = dict(township_center=False, design_year=2010)
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 100, township_center=True),
           good_kindergarten("O1", "老园一", "公办", 100, **ok),
           good_kindergarten("O2", "老园二", "公办", 100, **ok, activity_m2=700)]  # 7 < 8.17: 1 of 2 old ones (50%)
    assert bool(item(_kgs_county(kgs), "PQ1")["met"])


def test_pq1_fewer_than_half_of_the_old_ones_fails():
    ok = dict(design_year=2010)
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 100, township_center=True),
           good_kindergarten("O1", "老园一", "公办", 100, **ok),
           good_kindergarten("O2", "老园二", "公办", 100, **ok, activity_m2=700),
           good_kindergarten("O3", "老园三", "公办", 100, **ok, activity_m2=700)]  # 1 of 3 = 33% < 50%
    a = _kgs_county(kgs)
    assert item(a, "PQ1")["met"] is not pd.NA and not item(a, "PQ1")["met"]
    need = a.kg_checks.set_index("kg_id")["activity_m2_needed"]
    assert need.sum() == 1  # ⌈0.5 × 3⌉ − 1 = 1 of the two failing old ones must be fixed


def test_pq1_one_new_kindergarten_below_standard_fails():
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 100, township_center=True, design_year=2017, outdoor_m2=399)]
    assert not item(_kgs_county(kgs), "PQ1")["met"]  # 3.99 < 4 and 2017 is "in or after 2017"


def test_pq1_a_failing_kindergarten_without_design_year_is_missing():
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 100, township_center=True),
           good_kindergarten("O1", "老园一", "公办", 100, design_year=2010),
           good_kindergarten("X", "无年份园", "公办", 100, design_year=None, outdoor_m2=300)]
    # if X is old: 1 of 2 old ones meets (50%) → pass; if new: fail → 缺数据
    a = _kgs_county(kgs)
    assert item(a, "PQ1")["met"] is pd.NA and "规划设计年份" in item(a, "PQ1")["detail"]


def test_pq4_counts_the_heads():
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 150, township_center=True, head_certified=False)]
    a = _kgs_county(kgs)
    assert item(a, "PQ4")["value"] == pytest.approx(10 / 11) and not item(a, "PQ4")["met"]  # (10 + 0) ÷ (10 + 1)


@pytest.mark.parametrize(("public", "private", "met"), [(500, 500, True), (499, 900, False), (800, 499.9, False)])
def test_pg5_per_child_funding_is_a_number_of_500_yuan(public, private, met):
    a = _kgs_county([good_kindergarten("K1", "城关中心幼儿园", "公办", 150, township_center=True)],
                    PG5_PUBLIC=public, PG5_PRIVATE=private)
    assert bool(item(a, "PG5")["met"]) is met


@pytest.mark.parametrize(("ratio", "met"), [(0.80, True), (0.75, True), (0.749, False)])
def test_pg7_non_staff_pay_at_75_percent(ratio, met):
    a = _kgs_county([good_kindergarten("K1", "城关中心幼儿园", "公办", 150, township_center=True)], PG7=ratio)
    assert bool(item(a, "PG7")["met"]) is met


def test_pg3_two_centres_in_one_township_do_not_cover_another():
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 150, township_center=True, township="城关镇"),
           good_kindergarten("K2", "城关第二中心园", "公办", 150, township_center=True, township="城关镇"),
           good_kindergarten("K3", "石市幼儿园", "普惠性民办", 150, township="石市镇")]
    a = _kgs_county(kgs, TOWNSHIPS=2)  # 2 centres = 2 townships, but 石市镇 has none
    pg3 = item(a, "PG3")
    assert not pg3["met"] and "石市镇" in pg3["detail"]
    gap = a.gaps[a.gaps["indicator"] == "PG3"]
    assert gap["shortfall"].tolist() == [1]


def test_pg3_a_street_needs_a_public_or_inclusive_kindergarten():
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 150, township_center=True, township="城关镇"),
           good_kindergarten("K2", "秀江幼儿园", "普惠性民办", 150, township="秀江街道")]
    assert bool(item(_kgs_county(kgs), "PG3")["met"])  # the street is served by a 普惠 kindergarten
    kgs[1] = good_kindergarten("K2", "秀江幼儿园", "非普惠性民办", 150, township="秀江街道")
    assert not item(_kgs_county(kgs), "PG3")["met"]


def test_pg3_the_township_sheet_shows_a_township_without_any_kindergarten():
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 150, township_center=True, township="城关镇")]
    inputs = make_inputs(kindergartens=kgs, county_inputs=passing_county_inputs() | {"POP_3_5": 1000},
                         townships={"城关镇": "镇", "石市乡": "乡"})
    pg3 = item(assess(inputs), "PG3")
    assert not pg3["met"] and "石市乡" in pg3["detail"] and "乡镇表" in pg3["detail"]


def test_pg3_without_the_township_sheet_the_count_of_townships_is_checked():
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 150, township_center=True, township="城关镇")]
    pg3 = item(_kgs_county(kgs, TOWNSHIPS=3), "PG3")
    assert not pg3["met"] and "2 个乡镇没有任何幼儿园" in pg3["detail"]


def test_pg3_a_public_kindergarten_without_township_leaves_it_missing():
    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 150, township_center=True, township="城关镇"),
           good_kindergarten("K2", "石市幼儿园", "普惠性民办", 150, township="石市镇"),
           good_kindergarten("K3", "某中心园", "公办", 150, township_center=True, township=None)]
    assert item(_kgs_county(kgs, TOWNSHIPS=2), "PG3")["met"] is pd.NA  # K3 may be 石市镇's centre


# ------------------------------------------------------------------ the B rule (docs/domain.md §4)
def test_every_b_item_must_be_good_by_default():
    a = assess(ready_county(county_inputs={"Q6": "中"}))
    r = ready(a, "义务教育")
    assert not r["ready"] and r["b_good"] == r["b_total"] - 1
    assert "良" in r["b_rule"]


def test_the_b_rule_lowest_rating_is_a_setting(tmp_path):
    prof = tmp_path / "lenient.yaml"
    prof.write_text("profile: lenient\nrules:\n  b_rule: {min_rating: 中}\n", encoding="utf-8")
    a = assess(ready_county(county_inputs={"Q6": "中"}), profile=str(prof))
    assert bool(ready(a, "义务教育")["ready"]) and "中" in ready(a, "义务教育")["b_rule"]
    b = assess(ready_county(county_inputs={"Q6": "差"}), profile=str(prof))
    assert not ready(b, "义务教育")["ready"]


# ------------------------------------------------------------------ profiles are validated
@pytest.mark.parametrize(("text", "named"), [
    ("profile: x\noverrides:\n  P1: {thresold: {all: 0.9}}\n", "thresold"),
    ("profile: x\noveride:\n  P1: {thresholds: {all: 0.9}}\n", "overide"),
    ("profile: x\noverrides:\n  P9: {thresholds: {all: 0.9}}\n", "P9"),
    ("profile: x\noverrides:\n  P1: {thresholds: {all: 高}}\n", "thresholds.all"),
    ("profile: x\noverrides:\n  P1: {thresholds: {all: 1.5}}\n", "thresholds.all"),
    ("profile: x\nrules:\n  school_rule: {remainder_ratio: 0}\n", "remainder_ratio"),
    ("profile: x\nrules:\n  school_rule: {min_met: 9}\n", "min_met"),
    ("profile: x\nrules:\n  b_rule: {min_rating: 好}\n", "min_rating"),
    ("profile: x\nrules:\n  counted_schools: {include_privat: true}\n", "include_privat"),
    ("profile: x\nrules:\n  readiness: {b_good_share: 0.8}\n", "readiness"),
])
def test_a_bad_profile_is_refused_naming_the_key_and_the_file(tmp_path, text, named):
    prof = tmp_path / "bad.yaml"
    prof.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        catalogue(str(prof))
    assert named in str(err.value) and "bad.yaml" in str(err.value)


def test_cli_refuses_a_misspelt_profile_with_exit_2(tmp_path, capsys):
    from yichun.cli import main

    prof = tmp_path / "bad.yaml"
    prof.write_text("profile: x\noverrides:\n  P1: {thresold: {all: 0.9}}\n", encoding="utf-8")
    code = main(["assess", "--raw", "data/raw", "--year", "2025", "--out", str(tmp_path / "out"), "--profile", str(prof)])
    err = capsys.readouterr().err
    assert code == 2 and "thresold" in err and "Traceback" not in err


# ------------------------------------------------------------------ cached tables are read-only
def test_editing_the_cached_catalogue_is_refused_and_changes_no_verdict():
    inputs = ready_county(county_inputs={"POP_3_5": 1040})  # P1 = 900 ÷ 1040 = 86.5% ≥ 85%
    before = bool(ready(assess(inputs), "学前教育")["ready"])
    cat = catalogue()
    with pytest.raises(TypeError):
        cat["P1"].thresholds["all"] = 0.99
    with pytest.raises(TypeError):
        cat.rules["school_rule"]["min_met"] = 1
    with pytest.raises(TypeError):
        cat.rules["counted_schools"].update(include_private=False)
    assert bool(ready(assess(inputs), "学前教育")["ready"]) is before is True
    copy.deepcopy(cat.rules)["school_rule"]["min_met"] = 1  # a copy is the way to experiment


def test_editing_the_cached_unit_costs_is_refused():
    costs = unit_costs()
    with pytest.raises(TypeError):
        costs["teacher_qualified"]["price_yuan"] = 0
    assert unit_costs()["teacher_qualified"]["price_yuan"] > 0


def test_a_junior_school_part_missing_students_is_missing_not_a_pass():
    a = assess(make_inputs(schools=[good_junior("J", "某中学", 900, students_junior=np.nan), good_junior("J2", "二中", 900)]))
    parts = a.school_parts.set_index("school_id")
    assert parts.loc["J", "passed"] is pd.NA
    assert item(a, "R1")["met"] is pd.NA


def test_items_14_and_15_carry_their_b_type_judgements():
    # docs/domain.md §2.2: 「并向农村初中倾斜」 and the left-behind children's care system are rated, next to the numbers
    cat = catalogue()
    assert cat["G14"].klass == "A" and cat["G14B"].klass == "B"
    assert cat["G15"].klass == "A" and cat["G15B"].klass == "B"
    a = assess(ready_county(county_inputs={"G15B": "中"}))
    assert not ready(a, "义务教育")["ready"] and ready(a, "义务教育")["unmet"] == "G15B"


def test_the_missing_table_names_the_school_and_the_empty_field():
    a = assess(with_school(ready_county(), "3609240002", teaching_area_m2=np.nan))
    m = a.missing
    row = m[(m["indicator"] == "R4")].iloc[0]
    assert (row["school_name"], row["fields"]) == ("城关第二小学", "教学及辅助用房面积")
    assert assess(ready_county()).missing.empty


def test_the_missing_table_names_an_empty_county_figure():
    a = assess(ready_county(county_inputs={"SATISFACTION": None}))
    row = a.missing[a.missing["indicator"] == "S1"].iloc[0]
    assert row["school_name"] == "全县" and "SATISFACTION" in row["fields"]


def test_the_problem_list_carries_a_row_for_missing_data():
    from yichun.ledger.problems import problem_rows

    a = assess(with_school(ready_county(), "3609240002", teaching_area_m2=np.nan))
    rows = problem_rows(a, "宜丰县", 2024)
    row = rows[rows["indicator"] == "R4"].iloc[0]
    assert row["school_name"] == "城关第二小学" and "教学及辅助用房面积" in row["note"] and "缺数据" in row["indicator_name"]
    assert pd.isna(row["cost_wan"])


def test_an_uncertified_head_and_uncertified_teachers_are_two_problems():
    from yichun.ledger.problems import problem_rows

    kgs = [good_kindergarten("K1", "城关中心幼儿园", "公办", 150, township_center=True, head_certified=False, teachers_certified=9)]
    a = _kgs_county(kgs)
    rows = problem_rows(a, "宜丰县", 2024)
    pq4 = rows[rows["indicator"] == "PQ4"]
    assert len(pq4) == 2 and pq4["problem_id"].is_unique


def test_intake_reads_county_codes_under_the_chosen_profile(tmp_path):
    from yichun.catalogue import use_profile
    from yichun.intake import reader

    prof = tmp_path / "p.yaml"
    prof.write_text("profile: p\noverrides:\n  G7: {unit: 元/生·年}\n", encoding="utf-8")
    assert reader._county_input_units()["G7"] == "元/生"
    with use_profile(str(prof)):
        assert reader._county_input_units()["G7"] == "元/生·年"
        assert catalogue().profile == "p"
    assert catalogue().profile == "national"


def test_ingest_refuses_a_misspelt_profile_with_exit_2(tmp_path, capsys):
    from yichun.cli import main

    prof = tmp_path / "bad.yaml"
    prof.write_text("profile: x\nrules:\n  b_rule: {min_ratin: 中}\n", encoding="utf-8")
    code = main(["ingest", "--raw", str(tmp_path), "--out", str(tmp_path / "out"), "--profile", str(prof)])
    err = capsys.readouterr().err
    assert code == 2 and "min_ratin" in err and "bad.yaml" in err
