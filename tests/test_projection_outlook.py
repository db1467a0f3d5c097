"""Readiness outlook through the assessment engine: the demographic turn, statuses, backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from projection_toy import county_rows, kindergarten, make_inputs, school

from yichun.assessment import assess
from yichun.projection import backtest, outlook, project_inputs
from yichun.projection.outlook import classify
from yichun.projection.params import parameters

# births fall by 60 a year from 2015 (1000 → 520 in 2022)
FALLING = {y: 1000.0 - max(0, y - 2014) * 60 for y in range(2005, 2024)}


def county(name, years=(2021, 2022, 2023), pop=300, s1_area=None, **county_over):
    schools, kgs, ci = [], [], []
    for y in years:
        extra = {"teaching_area_m2": s1_area} if s1_area else {}
        schools += [school(name, y, "S1", 600, **extra), school(name, y, "S2", 300), school(name, y, "J1", 0, 450)]
        kgs += [kindergarten(name, y, "K1", 200), kindergarten(name, y, "K2", 100, "普惠性民办")]
        ci += county_rows(name, y, pop, **county_over)
    return schools, kgs, ci


def inputs_of(*counties):
    schools, kgs, ci, births = [], [], [], {}
    for name, parts in counties:
        schools += parts[0]
        kgs += parts[1]
        ci += parts[2]
        births[name] = FALLING
    return make_inputs(schools, kgs, ci, births)


def test_falling_births_raise_per_student_indicators_with_no_new_resources():
    inputs = inputs_of(("宜丰县", county("宜丰县")))
    proj = project_inputs(inputs, 2030)
    a = assess(proj)
    r4 = a.cv[(a.cv["level"] == "小学") & (a.cv["indicator"] == "R4")].set_index("year")["county_value"]
    students = proj.schools.groupby("year")["students_primary"].sum()
    assert students.is_monotonic_decreasing
    assert students[2030] < students[2024]
    assert r4.is_monotonic_increasing
    assert r4[2030] > r4[2024]
    # same area, fewer pupils: X̄ = total area ÷ total pupils exactly
    area = inputs.schools[(inputs.schools["year"] == 2023) & (inputs.schools["students_primary"] > 0)]["teaching_area_m2"].sum()
    assert r4[2030] == pytest.approx(area / students[2030])


def test_statuses_end_to_end():
    inputs = inputs_of(
        ("宜丰县", county("宜丰县")),  # 义务教育 2027, 学前教育 2028: everything well above standard
        ("奉新县", county("奉新县", Q5="中")),  # B-class rating below 良 is carried forward: 义务教育 fails
        ("袁州区", county("袁州区", G15=0.855)),  # 85.5% vs 85%: 3.3% of the way to 100%, a thin margin
        ("靖安县", county("靖安县")),  # 义务教育 2021 (in the data), 学前教育 2025
        ("上高县", county("上高县")),  # 义务教育 2020 (before the data)
    )
    result = outlook(inputs)
    st = result.status.set_index(["county", "track"])
    assert st.loc[("宜丰县", "义务教育"), "status"] == "按期可达"
    assert st.loc[("宜丰县", "义务教育"), "scheduled_year"] == 2027
    assert st.loc[("宜丰县", "学前教育"), "status"] == "按期可达"
    assert st.loc[("宜丰县", "义务教育"), "first_pass_central"] == 2023
    late = st.loc[("奉新县", "义务教育")]
    assert late["status"] == "难以按期"
    assert late["binding"] == "Q5"
    assert pd.isna(late["first_pass_central"])
    risky = st.loc[("袁州区", "义务教育")]
    assert risky["status"] == "有风险"
    assert risky["binding"] == "G15（余量 3.3%）"
    assert risky["margin"] == pytest.approx((0.855 - 0.85) / (1 - 0.85))
    assert st.loc[("靖安县", "义务教育"), "status"] == "已过计划年份·达标"  # 2021 in the data; meets them in 2023
    assert st.loc[("靖安县", "义务教育"), "scheduled_result"] == "通过"
    assert st.loc[("靖安县", "学前教育"), "status"] == "按期可达"  # 2025: projected
    assert st.loc[("上高县", "义务教育"), "scheduled_result"] == "无数据"
    assert pd.isna(st.loc[("宜丰县", "义务教育"), "lapse_central"])  # keeps passing to 2030
    # fan-chart frames: observed years once as "actual", then each variant
    fan = result.fan("宜丰县", level="小学")
    assert set(fan["variant"]) == {"actual", "central", "low", "high"}
    assert list(fan.loc[fan["variant"] == "actual", "year"]) == [2021, 2022, 2023]
    assert fan.loc[fan["variant"] == "actual", "value"].iloc[-1] == 900.0
    p1 = result.fan("宜丰县", code="P1")
    assert p1.loc[p1["variant"] == "actual", "value"].iloc[-1] == pytest.approx(1.0)  # 300 children ÷ POP_3_5 300


def test_classify_variant_rules():
    base = pd.Series({"宜丰县": 2023})
    rows = []
    for v, ok in (("central", True), ("low", True), ("high", False)):
        rows.append({"county": "宜丰县", "track": "义务教育", "year": 2027, "variant": v, "ready": ok, "unmet": "" if ok else "R4"})
        rows.append({"county": "宜丰县", "track": "义务教育", "year": 2028, "variant": v, "ready": True, "unmet": ""})
    readiness = pd.DataFrame(rows)
    margins = pd.DataFrame({"county": "宜丰县", "track": "义务教育", "year": 2027, "variant": ["central", "low"], "code": "R4",
                            "level": "小学", "label": "R4", "margin": [0.2, 0.3]})
    st = classify(readiness, margins, base, parameters(), ("central", "low", "high"), 2030)
    row = st[st["track"] == "义务教育"].iloc[0]
    assert row["status"] == "有风险"  # passes in central but not in the high variant
    assert (row["first_pass_central"], row["first_pass_high"]) == (2027, 2028)
    readiness.loc[readiness["variant"] == "central", "ready"] = False
    row = classify(readiness, margins, base, parameters(), ("central", "low", "high"), 2030).iloc[0]
    assert row["status"] == "难以按期"


def test_backtest_scores_enrolment_by_hand():
    # 2019–2021 pupils are exactly 0.9 × their cohorts; 2022 and 2023 are 0.99 × (a jump after the base year)
    schools, kgs, ci = [], [], []
    cohort = {y: sum(FALLING[b] for b in range(y - 11, y - 5)) for y in range(2019, 2024)}
    for y in range(2019, 2024):
        share = 0.9 if y <= 2021 else 0.99
        schools += [school("宜丰县", y, "S1", round(share * cohort[y]))]
        kgs += [kindergarten("宜丰县", y, "K1", 200)]
        ci += county_rows("宜丰县", y, 330)
    inputs = make_inputs(schools, kgs, ci, {"宜丰县": FALLING}, births_each_year=True)
    bt = backtest(inputs, base_year=2021)
    e = bt.enrolment[bt.enrolment["level"] == "小学"].set_index("year")
    assert list(e.index) == [2022, 2023]
    assert list(e["horizon"]) == [1, 2]
    assert e.loc[2022, "projected"] == pytest.approx(0.9 * cohort[2022], rel=1e-3)
    assert e.loc[2022, "ape"] == pytest.approx(abs(0.9 - 0.99) / 0.99, abs=2e-3)
    mape = bt.enrolment_mape.set_index(["county", "level"]).loc[("宜丰县", "小学"), "mape"]
    assert mape == pytest.approx(e["ape"].mean())
    # indicators are judged by the engine on both sides: R4's county value moves inversely to pupils
    r4 = bt.indicators[(bt.indicators["code"] == "R4") & (bt.indicators["level"] == "小学")].set_index("year")
    assert np.sign(r4.loc[2022, "error"]) == 1  # fewer pupils projected → higher area per pupil
    assert set(bt.readiness.columns) >= {"projected_ready", "actual_ready", "agree"}


def test_percentage_margin_is_the_share_of_the_way_to_100():
    # 初中三年巩固率 96% against 95%: a fifth of the way to 100% — comfortable, not thin;
    # a relative margin (96 ÷ 95 − 1 = 1.1%) would call every county below 99.75% thin.
    inputs = inputs_of(("宜丰县", county("宜丰县", Q1=0.96)), ("奉新县", county("奉新县", Q1=0.952)))
    st = outlook(inputs).status.set_index(["county", "track"])
    assert st.loc[("宜丰县", "义务教育"), "status"] == "按期可达"
    risky = st.loc[("奉新县", "义务教育")]
    assert risky["status"] == "有风险"
    assert risky["margin"] == pytest.approx((0.952 - 0.95) / 0.05)
