"""Leading-group briefings (领导小组简报): the city's and each county's, from the same data.

    from yichun.briefing import compute, content, build_briefing
    data = compute()                                  # assessment of the latest year + outlook to 2030
    content.city_headlines(data).numbers["ready"]     # {"义务教育": 5, "学前教育": 7}
    result = build_briefing(county="宜丰县")           # notebook 06 → HTML, charts, 问题清单

Modules: data (BriefingData, computed once and pickled for the notebook runs), content
(headlines and the shared wording helpers), tables, figures (which charts, their titles),
page (the notebook's parts), report (the 汇报材料's four sections as text), word (GB/T 9704
layout), slides (the leading group's 16:9 deck), pdf (A4 printing with chromium), fonts, and
build (papermill + nbconvert + PDF + Word + slides + export + Excel).
Importing this package loads no data and no plotly.
"""

from __future__ import annotations

from yichun.briefing.data import BriefingData, compute

__all__ = ["BriefingData", "BriefingResult", "build_briefing", "compute"]


def __getattr__(name: str):
    if name in ("build_briefing", "BriefingResult"):
        from yichun.briefing import build

        return getattr(build, name)
    raise AttributeError(f"module 'yichun.briefing' has no attribute {name!r}")
