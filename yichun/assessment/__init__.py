"""The assessment engine: both national assessments for every county and year.

    from yichun.assessment import assess, explain
    a = assess(inputs, years=2024, profile="national")
    a.readiness            # who would pass on this year's data
    explain(a, "宜丰县", 2024, "R4", level="小学")   # the 差异系数 of R4, school by school

Modules: compulsory (school parts, R1–R7, school rule, 差异系数, G3–G5 checks), preschool
(P1–P3 and the kindergarten-sheet items), county_items (the items table), verdict (readiness),
missing (what is 缺数据 and where), gaps (what it would take: `GapInputs` → `Gaps`) with
gap_rows, school_gaps, preschool_gaps, cv_additions (差异系数 additions and drivers), bill and
costs (unit costs, rounding); explain (any number, step by step), examples (hand-made Inputs
for tests and sketches), core (comparisons, formatting, county-year groups), engine (`assess`
and `Assessment`). Readable tables for notebooks are in `yichun.views`.
"""

from __future__ import annotations

from yichun.assessment.engine import Assessment, assess
from yichun.assessment.explain import Explanation, explain

__all__ = ["Assessment", "Explanation", "assess", "explain"]
