"""What it would take: gaps in physical units, the schools that drive each 差异系数, the
additions that bring it under its limit, and the priced bill per county and year.

Gap rows (`gaps`) say, per school part (or kindergarten, or the county), what to add in the
indicator's own physical unit: teachers of a kind (人), ㎡ of teaching or sports area, 万元 of
equipment, multimedia / music / art rooms (间), and as plain counts the things money alone
does not fix (students above a school's size limit, oversize classes, uncertified teachers,
preschool places). Prices come from yichun/data/unit_costs.yaml (or a file the caller names).

Whole-school facilities at combined schools: a part's value is share × resource ÷ students,
so the addition that brings the part to its standard is (standard × students ÷ share) ÷ scale
− resource, i.e. the whole school builds more than the part "needs", because the new area
is shared too. When two parts of one school fall short on the same facility only the larger
addition enters the bill (it serves both parts): `in_bill` marks the rows the bill sums.

`required` is True when the gap must close for the county to pass: a part that fails the
school rule (its below-standard indicators are brought to the standard, the simple plan an
一校一策 writes down), every school failing G3/G4/G5/G12, the county items that fail, and the
差异系数 additions. A below-standard indicator at a school that still meets the 6-of-7 rule is
listed (required = False) but not billed.

Modules: gap_rows (the table, shared arithmetic), school_gaps, preschool_gaps, cv_additions
(差异系数 additions and drivers), bill, costs (unit costs and rounding).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from yichun.assessment.bill import bill_frame
from yichun.assessment.compulsory import Balance, SchoolFrames, r_specs
from yichun.assessment.core import STR, Groups
from yichun.assessment.costs import UnitCosts, cost_kind
from yichun.assessment.cv_additions import cv_additions, cv_drivers
from yichun.assessment.gap_rows import GapRows, finish_gaps
from yichun.assessment.preschool_gaps import preschool_gaps
from yichun.assessment.school_gaps import check_gaps, school_rule_gaps
from yichun.catalogue import Catalogue


@dataclass(frozen=True)
class GapInputs:
    """What `assess` has already worked out that the gaps need; kept on the `Assessment` so that
    the gaps are computed on first access only."""

    schools: SchoolFrames
    balance: Balance  # the CVs as assessed
    cv_met: np.ndarray  # per balance group: CV within its limit (1/0/NaN)
    levels: list[str]  # the counted 学段 (小学, 初中)
    kindergartens: pd.DataFrame  # kg_checks
    kg_groups: np.ndarray  # county-year code of each kindergarten
    preschool: pd.DataFrame  # P1–P3
    met: dict[str, np.ndarray]  # each item's 1/0/NaN verdict per county-year
    values: dict[str, np.ndarray]  # county figures per county-year, plus PG3_SHORT and PG4_SHORT
    groups: Groups
    catalogue: Catalogue
    costs: UnitCosts


@dataclass(frozen=True)
class Gaps:
    """The three frames worked out from `GapInputs` (see `Assessment`)."""

    gaps: pd.DataFrame
    bill: pd.DataFrame
    cv_drivers: pd.DataFrame


def compute_gaps(inputs: GapInputs) -> Gaps:
    """Every kind of gap, the bill they add up to, and the drivers of each CV above its limit."""
    sf, groups, cat, costs = inputs.schools, inputs.groups, inputs.catalogue, inputs.costs
    rows = GapRows()
    specs = r_specs(cat)
    school_rule_gaps(rows, sf, groups, cat, specs, costs)
    cv_additions(rows, sf, inputs.levels, groups, cat, specs, costs)
    check_gaps(rows, sf, groups, cat, costs)
    preschool_gaps(rows, inputs.kindergartens, inputs.kg_groups, inputs.preschool, inputs.met, inputs.values, groups, cat, costs)
    data = rows.arrays()
    bill = bill_frame(data, groups, costs)
    gaps = finish_gaps(data, groups)  # takes the columns out of `data` one by one (peak memory)
    gaps["cost_kind"] = pd.array([cost_kind(costs, k) for k in gaps["cost_key"]], dtype=STR)
    return Gaps(gaps=gaps, bill=bill,
                cv_drivers=cv_drivers(sf, inputs.balance, inputs.cv_met, inputs.levels, groups, cat))
