"""Charts for the analysts' briefings: one theme, one function per chart, batched export.

Every function takes the frames of yichun.assessment / yichun.projection (their columns are
documented in `yichun.assessment.engine.Assessment` and `yichun.projection.outlook`) and returns a plotly Figure with Chinese labels, the
"yichun" theme and a source note. Importing this package loads neither plotly nor any
data: names resolve on first use.

    from yichun import charts
    figs = {"计划": charts.schedule_timeline(schedule(), status=outlook),
            "差异系数": charts.cv_bars(a.cv, "宜丰县", 2024)}
    charts.export(figs, paths.reports_dir() / "charts")
"""

from __future__ import annotations

import importlib

# export.py imports only the standard library; importing the function here keeps
# `charts.export` the function (not the submodule of the same name).
from yichun.charts.export import chromium_available, export

_NAMES = {
    "template": "theme",
    "use_theme": "theme",
    "apply": "theme",
    "STATUS_COLORS": "theme",
    "schedule_timeline": "schedule",
    "indicator_heatmap": "assessment",
    "county_ratio_frame": "assessment",
    "ratio_to_standard": "assessment",
    "school_distribution": "assessment",
    "status_heatmap": "assessment",
    "cv_bars": "assessment",
    "preschool_bars": "preschool",
    "projection_fan": "projection",
    "backtest_mape": "projection",
    "backtest_scatter": "projection",
    "scenario_comparison": "scenarios",
    "bill_waterfall": "costs",
    "tile_map": "tilemap",
    "completeness_figure": "completeness",
}

__all__ = [
    "STATUS_COLORS", "apply", "backtest_mape", "backtest_scatter", "bill_waterfall", "chromium_available", "completeness_figure",
    "county_ratio_frame", "cv_bars", "export",
    "indicator_heatmap", "preschool_bars", "projection_fan", "ratio_to_standard", "scenario_comparison",
    "schedule_timeline", "school_distribution", "status_heatmap", "template", "tile_map", "use_theme",
]


def __getattr__(name: str):
    if name in _NAMES:
        module = importlib.import_module(f"yichun.charts.{_NAMES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'yichun.charts' has no attribute {name!r}")
