"""Projection (按期达标预测): enrolment by cohort ratios, resources carried forward, readiness to 2030.

Projected years are new `Inputs` judged by the same `yichun.assessment.assess` as the actual
data; nothing here re-implements a rule.

    from yichun.projection import project_inputs, outlook, backtest
    future = project_inputs(inputs, to_year=2030, variant="central")   # future years only
    result = outlook(inputs)            # status per county and track, enrolment, indicators
    result.status                       # county, track, scheduled_year, status, first_pass_*, binding
    bt = backtest(inputs, base_year=2021)

Modules: cohort (enrolment and POP_3_5), resources (stock, plans, growth, classes),
projected (project_inputs), outlook (readiness and status), backtest (forecast accuracy),
params (yichun/data/projection.yaml), tracks (track names).
"""

from __future__ import annotations

from yichun.projection.backtest import Backtest, backtest
from yichun.projection.cohort import project_enrolment
from yichun.projection.outlook import Outlook, outlook, readiness_outlook, status_table
from yichun.projection.params import VARIANTS, parameters
from yichun.projection.projected import project_inputs, with_actual

__all__ = ["Backtest", "Outlook", "VARIANTS", "backtest", "outlook", "parameters", "project_enrolment", "project_inputs",
           "readiness_outlook", "status_table", "with_actual"]
