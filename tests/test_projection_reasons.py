"""Reasons that agree with the verdict: the deciding variant, year, codes and schools; lapses; margins."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from projection_toy import county_rows, kindergarten, make_inputs, school

from yichun.assessment import assess
from yichun.catalogue import catalogue
from yichun.projection import outlook, project_inputs
from yichun.projection.outlook import classify, margins
from yichun.projection.params import parameters
from yichun.projection.resources import planned_changes

C = "宜丰县"  # scheduled: 义务教育 2027, 学前教育 2028
V3 = ("central", "low", "high")


def frames(results: dict, margin_rows=(), detail_rows=()):
    """readiness / margins / details frames from {(variant, year): unmet codes ('' = passes)}."""
    rows = [{"county": C, "track": "义务教育", "year": y, "variant": v, "ready": unmet == "", "unmet": unmet}
            for (v, y), unmet in results.items()]
    marg = pd.DataFrame([{"county": C, "track": "义务教育", "year": y, "variant": v, "code": code, "level": "",
                          "label": label, "margin": m} for v, y, code, label, m in margin_rows],
                        columns=["county", "track", "year", "variant", "code", "level", "label", "margin"])
    det = pd.DataFrame([{"county": C, "track": "义务教育", "year": y, "variant": v, "code": code, "text": text}
                        for v, y, code, text in detail_rows], columns=["county", "track", "year", "variant", "code", "text"])
    return pd.DataFrame(rows), marg, det


def status_of(results, margin_rows=(), detail_rows=(), base=2025):
    readiness, marg, det = frames(results, margin_rows, detail_rows)
    st = classify(readiness, marg, pd.Series({C: base}), parameters(), V3, 2030, details=det)
    return st[st["track"] == "义务教育"].iloc[0]


def test_at_risk_names_the_failing_variant_not_the_central_thinnest_margin():
    # central and low pass in 2027, the central variant's thinnest item being R4 at 1.0%; high fails on G3
    results = {("central", 2027): "", ("low", 2027): "", ("high", 2027): "G3"}
    row = status_of(results, [("central", 2027, "R4", "R4 小学·S2学校", 0.01), ("low", 2027, "R4", "R4 小学·S2学校", 0.02)],
                    [("high", 2027, "G3", "G3（音乐美术专用教室）：不符合：S1学校 音乐室1/2间")])
    assert row["status"] == "有风险"
    assert (row["reason_variant"], row["reason_year"], row["reason_codes"]) == ("high", 2027, "G3")
    assert "高方案" in row["reason_text"] and "S1学校 音乐室1/2间" in row["reason_text"]
    assert row["binding"] == "G3" and "R4" not in row["reason_text"]


def test_at_risk_by_a_thin_margin_names_the_thinnest_variant_and_item():
    results = {(v, 2027): "" for v in V3}
    row = status_of(results, [("central", 2027, "R4", "R4 小学·S2学校", 0.03), ("low", 2027, "R4", "R4 小学·S2学校", 0.04),
                              ("high", 2027, "R5", "R5 小学·S1学校", 0.02)])
    assert row["status"] == "有风险"  # 2% < thin_margin 5%
    assert (row["reason_variant"], row["reason_codes"]) == ("high", "R5")
    assert row["margin"] == pytest.approx(0.02)


def test_late_is_explained_by_the_central_variant_even_when_high_fails_on_other_items():
    results = {("central", 2027): "R5、G3", ("low", 2027): "G3", ("high", 2027): "R4、R5、G3"}
    row = status_of(results)
    assert row["status"] == "难以按期"
    assert (row["reason_variant"], row["reason_year"], row["reason_codes"]) == ("central", 2027, "R5、G3")
    assert "2 项未达标" in row["reason_text"]


def test_on_track_lists_the_thinnest_margin_of_every_variant():
    results = {(v, 2027): "" for v in V3}
    row = status_of(results, [("central", 2027, "R4", "R4 小学·S2学校", 0.10), ("low", 2027, "R6", "R6 小学·S2学校", 0.20),
                              ("high", 2027, "R5", "R5 小学·S1学校", 0.07)])
    assert row["status"] == "按期可达"
    assert (row["reason_variant"], row["reason_codes"]) == ("high", "R5")  # the thinnest of the three
    assert (row["margin_central"], row["margin_low"], row["margin_high"]) == (0.10, 0.20, 0.07)
    for text in ("中方案 R4 小学·S2学校 余量 10.0%", "低方案 R6 小学·S2学校 余量 20.0%", "高方案 R5 小学·S1学校 余量 7.0%"):
        assert text in row["reason_text"]
    assert pd.isna(row["lapse_year"]) and row["lapse_variant"] == ""


def test_a_county_past_its_year_is_judged_on_the_latest_data_and_its_lapse_flagged():
    # scheduled 2027, data to 2027: meets the standards in 2027; high fails in 2028 (R4), central in 2029 (G5)
    results = {(v, 2027): "" for v in V3}
    results.update({("central", 2028): "", ("central", 2029): "G5", ("high", 2028): "R4", ("high", 2029): "R4",
                    ("low", 2028): "", ("low", 2029): ""})
    row = status_of(results, detail_rows=[("high", 2028, "R4", "R4（教学辅助用房）：S2学校(小学) 4.4（标准 4.5 ㎡/生）")], base=2027)
    assert row["status"] == "已过计划年份·达标"
    assert (row["lapse_year"], row["lapse_variant"]) == (2028, "high")  # the earliest lapse in any variant
    assert (row["reason_variant"], row["reason_year"], row["reason_codes"]) == ("high", 2028, "R4")
    assert row["reason_text"].startswith("已通过，但预计 2028 年 R4 回落（高方案）")
    assert row["lapse_central"] == 2029  # the central variant's own lapse is kept too


def test_lapse_ties_are_broken_by_variant_order_and_a_failing_county_has_no_lapse():
    results = {(v, 2027): "" for v in V3}
    results.update({("central", 2028): "G5", ("high", 2028): "R4", ("low", 2028): ""})
    row = status_of(results, base=2027)
    assert (row["lapse_year"], row["lapse_variant"], row["reason_codes"]) == (2028, "central", "G5")
    results = {(v, 2027): "Q5" for v in V3}
    results.update({(v, 2028): "Q5" for v in V3})
    row = status_of(results, base=2027)
    assert row["status"] == "已过计划年份·未达标"
    assert (row["reason_variant"], row["reason_year"], row["reason_codes"]) == ("central", 2027, "Q5")
    assert pd.isna(row["lapse_year"])


def test_a_lapse_after_the_scheduled_year_is_flagged_for_a_county_on_track():
    results = {(v, y): "" for v in V3 for y in (2027, 2028, 2029, 2030)}
    results[("central", 2030)] = "PQ2"
    results[("low", 2030)] = "PQ2"
    row = status_of(results, [(v, 2027, "R4", "R4", 0.3) for v in V3])
    assert row["status"] == "按期可达"
    assert (row["lapse_year"], row["lapse_variant"]) == (2030, "central")
    assert "另预计 2030 年 PQ2 回落（中方案）" in row["reason_text"]


# ------------------------------------------------------------------------------ the scheduled-year boundary
# 宜丰县 is scheduled for 义务教育 in 2027; b = the last year of data, T = the last projected year

def test_a_scheduled_year_equal_to_the_last_data_year_is_judged_on_the_data():
    row = status_of({(v, 2027): "" for v in V3}, base=2027)  # Y = b
    assert row["status"] == "已过计划年份·达标"


def test_a_scheduled_year_after_the_last_data_year_is_judged_on_the_projection():
    # Y = b + 1: the failing data of 2026 do not decide; the projected 2027 (every variant passes) does
    results = {**{(v, 2026): "R4" for v in V3}, **{(v, 2027): "" for v in V3}}
    row = status_of(results, base=2026)
    assert row["status"] == "按期可达"


def test_a_scheduled_year_equal_to_the_last_projected_year_is_projected():
    readiness, marg, det = frames({(v, y): "" for v in V3 for y in (2025, 2026, 2027)})
    st = classify(readiness, marg, pd.Series({C: 2025}), parameters(), V3, 2027, details=det)  # Y = T
    assert st.set_index("track").loc["义务教育", "status"] == "按期可达"


def test_a_scheduled_year_after_the_last_projected_year_is_beyond_the_projection():
    readiness, marg, det = frames({(v, y): "" for v in V3 for y in (2025, 2026)})
    st = classify(readiness, marg, pd.Series({C: 2025}), parameters(), V3, 2026, details=det)  # Y = T + 1
    row = st.set_index("track").loc["义务教育"]
    assert row["status"] == "超出预测期"
    assert row["reason_text"] == "计划年份 2027 年晚于预测期末 2026 年。"


# ------------------------------------------------------------------------------ margins

def test_margin_of_the_item_relying_on_the_85_percent_allowance_is_measured_from_85_percent():
    schools, kgs, ci = [], [], []
    y = 2023
    # S1 (300 pupils): teaching area 0.9 × the standard (4.5 ㎡/生), everything else 2×: it passes with one item below
    # S2 (300 pupils): teaching area 0.9 ×, sports area 0.95 × the standard: two below, it fails
    schools += [school(C, y, "S1", 300, teaching_area_m2=300 * 4.5 * 0.9),
                school(C, y, "S2", 300, teaching_area_m2=300 * 4.5 * 0.9, sports_area_m2=300 * 7.5 * 0.95),
                school(C, y, "J1", 0, 450)]
    kgs += [kindergarten(C, y, "K1", 200)]
    ci += county_rows(C, y, 300)
    inputs = make_inputs(schools, kgs, ci, {C: {b: 1000.0 for b in range(2005, 2024)}})
    a = assess(inputs, years=[y])
    parts = a.school_parts.set_index("school_id")
    assert bool(parts.loc["S1", "passed"]) and not bool(parts.loc["S2", "passed"])
    m = margins(a, catalogue())
    r4 = m[m["code"] == "R4"].iloc[0]
    r5 = m[m["code"] == "R5"].iloc[0]
    # the worst R4 is S2's, which fails: 0.9 − 1 = −10% (not 0.9 ÷ 0.85 − 1, which would read as a pass)
    assert r4["margin"] == pytest.approx(-0.10) and "S2" in r4["label"]
    assert r5["margin"] == pytest.approx(-0.05)
    # without S2, S1's R4 relies on the allowance: its margin is from 85% of the standard
    a1 = assess(replace(inputs, schools=inputs.schools[inputs.schools["school_id"] != "S2"]), years=[y])
    r4 = margins(a1, catalogue()).query("code == 'R4'").iloc[0]
    assert r4["margin"] == pytest.approx(0.9 / 0.85 - 1)
    assert "按标准的85%计" in r4["label"]


# ------------------------------------------------------------------------------ end to end

def growing(county=C, plans=None):
    """S1's pupils (and so its classes) depend on the variant: 12 classes (one music and one art
    room suffice, G3 counts a room per 12 classes) in the central variant, 13 in the high one.

    County primary totals 730, 780, 770 over flat births of 1000 a year: cohort ratios 0.1217,
    0.13, 0.1283; central = their mean (770 pupils), high = the largest (780). With shares held
    (share_trend: constant) S1 keeps 470/770 of them: 470 → 12 classes of 39.2, 476 → 13 classes.
    """
    schools, kgs, ci = [], [], []
    for y, s1 in ((2021, 430), (2022, 480), (2023, 470)):
        schools += [school(county, y, "S1", s1, classes_primary=12.0, music_rooms=1.0, art_rooms=1.0),
                    school(county, y, "S2", 300), school(county, y, "J1", 0, 450)]
        kgs += [kindergarten(county, y, "K1", 200), kindergarten(county, y, "K2", 100)]
        ci += county_rows(county, y, 300)
    return make_inputs(schools, kgs, ci, {county: {b: 1000.0 for b in range(2005, 2024)}}, plans=plans)


def test_toy_whose_high_variant_fails_on_g3_is_at_risk_for_that_reason():
    result = outlook(growing(), params=parameters({"share_trend": "constant"}))
    row = result.reason(C, "义务教育")
    r = result.readiness.set_index(["track", "variant", "year"])
    assert bool(r.loc[("义务教育", "central", 2027), "ready"]) and not bool(r.loc[("义务教育", "high", 2027), "ready"])
    assert row["status"] == "有风险"
    assert (row["reason_variant"], row["reason_year"], row["reason_codes"]) == ("high", 2027, "G3")
    assert "S1学校 音乐室1/2间、美术室1/2间" in row["reason_text"]
    # every 有风险 / 难以按期 row: its reason codes fail in readiness for its reason year and variant
    for _, s in result.status[result.status["status"].isin(["有风险", "难以按期"])].iterrows():
        unmet = str(r.loc[(s["track"], s["reason_variant"], s["reason_year"]), "unmet"])
        assert set(s["reason_codes"].split("、")) <= set(unmet.split("、"))


def test_the_baseline_includes_the_countys_plan_and_says_so():
    plans = [{"county": C, "year": 2023, "school_id": "S1", "plan_year": 2025, "item": "music_rooms", "quantity": 1.0,
              "investment_wan": 34.0},
             {"county": C, "year": 2023, "school_id": "S1", "plan_year": 2025, "item": "art_rooms", "quantity": 1.0,
              "investment_wan": 30.0},
             {"county": C, "year": 2023, "school_id": "S2", "plan_year": 2026, "item": "teachers_pe_arts_primary", "quantity": 2.0,
              "investment_wan": None}]
    inputs = growing(plans=plans)
    pc = planned_changes(inputs)
    assert list(pc["field"]) == ["art_rooms", "music_rooms", "teachers_pe_arts_primary"]
    assert pc["cost_wan"].sum() == 64.0 and pd.isna(pc["cost_wan"].iloc[2])  # no investment given: empty, not 0
    assert list(pc["unit"]) == ["间", "间", "人"]
    result = outlook(inputs, params=parameters({"share_trend": "constant"}))
    row = result.reason(C, "义务教育")
    assert row["status"] == "按期可达"  # the planned rooms cover the 13th class of the high variant
    assert bool(row["planned"])
    assert "基准已计入本县建设计划：2025—2026年 3 项，计划投资 64 万元，新增教师 2 人" in row["reason_text"]
    # planned new teachers are 专任教师 too
    s = project_inputs(inputs, 2026, "central", params=parameters({"share_trend": "constant"})).schools.set_index(["school_id", "year"])
    base = inputs.schools.set_index(["school_id", "year"])
    assert s.loc[("S2", 2026), "teachers_pe_arts_primary"] - base.loc[("S2", 2023), "teachers_pe_arts_primary"] == 2
    assert s.loc[("S2", 2026), "teachers_total"] - base.loc[("S2", 2023), "teachers_total"] == 2
    assert s.loc[("S2", 2025), "teachers_total"] == base.loc[("S2", 2023), "teachers_total"]
