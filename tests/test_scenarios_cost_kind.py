"""Costs told honestly: every gap, bill and plan line says whether it is paid once or every year."""

from __future__ import annotations

import pandas as pd
import pytest
from projection_toy import county_rows, kindergarten, make_inputs, school

from yichun.assessment import assess
from yichun.assessment.costs import COST_KINDS, cost_kind, unit_costs
from yichun.errors import YichunError

C = "宜丰县"


def test_every_unit_cost_has_a_kind():
    costs = unit_costs()
    assert {cost_kind(costs, k) for k in costs} == set(COST_KINDS)
    assert cost_kind(costs, "teacher_pe_arts") == "每年经费"
    assert cost_kind(costs, "teaching_building_m2") == "一次性投入"
    assert cost_kind(costs, None) == ""
    assert cost_kind(costs, "no_such_item") == ""


def test_a_cost_kind_off_the_list_is_refused_when_the_costs_are_read():
    with pytest.raises(YichunError, match="teacher_pe_arts.*cost_kind 为「偶尔」"):
        unit_costs({"teacher_pe_arts": {"cost_kind": "偶尔"}})


def test_gaps_and_bill_carry_both_kinds_and_unpriced_gaps_have_no_cost():
    # S2 lacks PE/arts teachers (每年经费) and teaching area (一次性投入); its largest class is above 45 (G5, unpriced)
    schools = [school(C, 2023, "S1", 600),
               school(C, 2023, "S2", 300, teachers_pe_arts_primary=1.0, teaching_area_m2=300 * 4.5 * 0.5, max_class_primary=50.0)]
    inputs = make_inputs(schools, [kindergarten(C, 2023, "K1", 200)], county_rows(C, 2023, 200), {C: {2010: 100.0}})
    a = assess(inputs, years=[2023])
    g = a.gaps.set_index("cost_key")
    assert g.loc["teacher_pe_arts", "cost_kind"] == "每年经费"
    assert g.loc["teaching_building_m2", "cost_kind"] == "一次性投入"
    excess = g.loc["class_excess"]
    assert excess["shortfall"] == 5 and pd.isna(excess["cost_wan"])  # listed with its quantity, no price: empty, never 0
    bill = a.bill.set_index("cost_key")
    assert {"一次性投入", "每年经费"} <= set(bill["cost_kind"])
    assert bill.loc["class_excess", "quantity"] == 5 and pd.isna(bill.loc["class_excess", "cost_wan"])
