"""yichun: 宜春市县域义务教育优质均衡发展与学前教育普及普惠分析工具.

The public API: everything an analyst's notebook needs is a name of this package (docs/api.md).

    import yichun
    inputs = yichun.load()                                  # data/processed, or data/raw read afresh
    a = yichun.assess(inputs, years=2025)                   # both assessments, every county
    yichun.explain(a, "宜丰县", 2025, "R4", level="小学")     # any number, step by step
    yichun.views.readiness_table(a)                         # tables for notebooks (Chinese labels)
    out = yichun.outlook(inputs)                            # who will be ready by its scheduled year
    plan = yichun.plan_cheapest(inputs, "丰城市", "义务教育")  # the cheapest additions that pass
    yichun.write_problem_list(a, "丰城市", 2025)             # the 问题清单 / 整改台账 workbook
    yichun.charts.schedule_timeline(yichun.assessment_schedule())  # charts, one theme

Importing yichun does no I/O and loads nothing heavy: each name loads its module on first use.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

# python-docx and python-pptx bring lxml, and openpyxl then switches to a different XML
# writer: the generated sample workbooks (and every xlsx we write) would change byte for
# byte with an optional library. Keep openpyxl's standard-library writer unless told otherwise.
os.environ.setdefault("OPENPYXL_LXML", "False")

__version__ = "0.1.0"

# public name → (module, attribute in that module; None for the module itself). A public name
# never equals a submodule's name (yichun.catalogue, yichun.schedule …): once the submodule is
# imported, Python binds that name on the package and the function would be shadowed.
_API: dict[str, tuple[str, str | None]] = {
    # reference data: the standards catalogue, the schedule, paths, births
    "standards_catalogue": ("yichun.catalogue", "catalogue"),
    "assessment_schedule": ("yichun.schedule", "schedule"),
    "COMPULSORY": ("yichun.schedule", "COMPULSORY"),
    "PRESCHOOL": ("yichun.schedule", "PRESCHOOL"),
    "DEADLINE": ("yichun.schedule", "DEADLINE"),
    "paths": ("yichun.paths", None),
    "Inputs": ("yichun.tables", "Inputs"),
    "births": ("yichun.tables", "births"),
    # intake
    "load": ("yichun.intake", "load"),
    "ingest": ("yichun.intake", "ingest"),
    "read_folder": ("yichun.intake", "read_folder"),
    # assessment
    "assess": ("yichun.assessment", "assess"),
    "explain": ("yichun.assessment", "explain"),
    "Assessment": ("yichun.assessment", "Assessment"),
    "Explanation": ("yichun.assessment", "Explanation"),
    "unit_costs": ("yichun.assessment.costs", "unit_costs"),
    # projection
    "outlook": ("yichun.projection", "outlook"),
    "backtest": ("yichun.projection", "backtest"),
    "project_inputs": ("yichun.projection", "project_inputs"),
    "projection_parameters": ("yichun.projection", "parameters"),
    "VARIANT_LABELS": ("yichun.projection.params", "VARIANT_LABELS"),
    # scenarios and plans
    "Scenario": ("yichun.scenarios", "Scenario"),
    "ScenarioError": ("yichun.scenarios", "ScenarioError"),
    "compare_scenarios": ("yichun.scenarios.comparison", "compare"),
    "BASELINE": ("yichun.scenarios.comparison", "BASELINE"),
    "scenario_row": ("yichun.scenarios.comparison", "pick"),
    "scenario_chart_frame": ("yichun.scenarios.comparison", "chart_frame"),
    "plan_cheapest": ("yichun.scenarios.planner", "plan_cheapest"),
    "plan_all_variants": ("yichun.scenarios.planner", "plan_all_variants"),
    "plan_check": ("yichun.scenarios.planner", "plan_check"),
    "price_actions": ("yichun.scenarios.pricing", "price_actions"),
    "WhatIf": ("yichun.scenarios.whatif", "WhatIf"),
    "whatif_controls": ("yichun.scenarios.whatif", "controls"),
    "scenario_from_controls": ("yichun.scenarios.whatif", "scenario_from_controls"),
    # problem lists and the rectification ledger (整改台账)
    "write_problem_list": ("yichun.problem_list", "write_problem_list"),
    "problem_rows": ("yichun.ledger", "problem_rows"),
    "ledger_round": ("yichun.ledger", "ledger_round"),
    "fill_in_ledger": ("yichun.ledger", "fill_in"),
    # briefings
    "briefing_data": ("yichun.briefing.data", "get"),
    "Briefing": ("yichun.briefing.content", "Briefing"),
    "city_headlines": ("yichun.briefing.content", "city_headlines"),
    "build_briefing": ("yichun.briefing.build", "build_briefing"),
    # presentation modules
    "charts": ("yichun.charts", None),
    "views": ("yichun.views", None),
}

__all__ = ["__version__", "Assessment", "BASELINE", "Briefing", "COMPULSORY", "DEADLINE", "Explanation", "Inputs",
           "PRESCHOOL", "Scenario", "ScenarioError", "VARIANT_LABELS", "WhatIf", "assess", "assessment_schedule",
           "backtest", "births", "briefing_data", "build_briefing", "charts", "city_headlines", "compare_scenarios",
           "explain", "fill_in_ledger", "ingest", "ledger_round", "load", "outlook", "paths", "plan_all_variants",
           "plan_cheapest", "plan_check", "price_actions", "problem_rows", "project_inputs", "projection_parameters",
           "read_folder", "scenario_chart_frame", "scenario_from_controls", "scenario_row", "standards_catalogue",
           "unit_costs", "views", "whatif_controls", "write_problem_list"]


def __getattr__(name: str) -> Any:
    try:
        module, attr = _API[name]
    except KeyError:
        raise AttributeError(f"module 'yichun' has no attribute {name!r}") from None
    value = importlib.import_module(module) if attr is None else getattr(importlib.import_module(module), attr)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})


if TYPE_CHECKING:  # the same names, for type checkers and editors
    from yichun import charts, paths, views
    from yichun.assessment import Assessment, Explanation, assess, explain
    from yichun.assessment.costs import unit_costs
    from yichun.briefing.build import build_briefing
    from yichun.briefing.content import Briefing, city_headlines
    from yichun.briefing.data import get as briefing_data
    from yichun.catalogue import catalogue as standards_catalogue
    from yichun.intake import load, read_folder
    from yichun.intake.ingest import ingest as ingest
    from yichun.ledger import fill_in as fill_in_ledger
    from yichun.ledger import ledger_round, problem_rows
    from yichun.problem_list import write_problem_list
    from yichun.projection import parameters as projection_parameters
    from yichun.projection import project_inputs
    from yichun.projection.backtest import backtest as backtest
    from yichun.projection.outlook import outlook as outlook
    from yichun.projection.params import VARIANT_LABELS
    from yichun.scenarios import Scenario, ScenarioError
    from yichun.scenarios.comparison import BASELINE
    from yichun.scenarios.comparison import chart_frame as scenario_chart_frame
    from yichun.scenarios.comparison import compare as compare_scenarios
    from yichun.scenarios.comparison import pick as scenario_row
    from yichun.scenarios.planner import plan_all_variants, plan_cheapest, plan_check
    from yichun.scenarios.pricing import price_actions
    from yichun.scenarios.whatif import WhatIf, scenario_from_controls
    from yichun.scenarios.whatif import controls as whatif_controls
    from yichun.schedule import COMPULSORY, DEADLINE, PRESCHOOL
    from yichun.schedule import schedule as assessment_schedule
    from yichun.tables import Inputs, births
