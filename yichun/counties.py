"""The assessed county-level units of the active region pack and how any spelling of their names resolves.

The units come from the active region pack (yichun.region; Yichun's ten by default).
`normalize_county("江西省宜春市 袁州")` → "袁州区". Unknown names raise `UnknownCountyError`
naming the closest valid units; management areas raise `NotAssessedError` saying which
county reports their schools.
"""

from __future__ import annotations

import difflib
import re

from yichun.errors import YichunError
from yichun.region import ManagementArea, Region, active_region, clean
from yichun.region import Unit as County

__all__ = ["County", "ManagementArea", "NotAssessedError", "UnknownCountyError", "by_name", "counties",
           "is_management_area", "management_areas", "names", "normalize_county"]

LIST_ALL_UP_TO = 20  # an unknown name's message lists every unit of a region this small


class UnknownCountyError(YichunError):
    """A name that matches none of the region's units."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        region = active_region()
        hint = f"，最接近的是：{'、'.join(suggestions)}" if suggestions else ""
        which = f"应为{region.name}{region.count_text}个县(市、区)之一"
        if len(region.units) <= LIST_ALL_UP_TO:
            which += f"：{'、'.join(region.names())}"
        else:
            which += f"（见区域配置 {region.path.name}）"
        super().__init__(f"无法识别的县(市、区)名称「{name}」{hint}。{which}")


class NotAssessedError(YichunError):
    """A management area: known, but not assessed as a county."""

    def __init__(self, name: str, area: str, parent: str):
        self.name, self.area, self.parent = name, area, parent
        super().__init__(f"「{name}」指管理区「{area}」，不作为县(市、区)单独评估，其学校应填报在{parent}的工作簿中。")


def counties() -> tuple[County, ...]:
    """The assessed units, in the order of the pack (Yichun's: by 行政区划代码)."""
    return active_region().units


def management_areas() -> tuple[ManagementArea, ...]:
    return active_region().management_areas


def names() -> list[str]:
    return active_region().names()


def by_name(name: str) -> County:
    return {c.name: c for c in counties()}[normalize_county(name)]


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    for p in prefixes:
        if text.startswith(p) and len(text) > len(p):
            return text[len(p) :]
    return text


def _resolve(region: Region, name: str) -> str:
    exact, areas, prefixes = region.exact, region.areas, region.prefixes
    text = clean(name)
    candidates = [text, _strip_prefix(text, prefixes)]
    for cand in candidates:
        if cand in exact:
            return exact[cand]
        if cand in areas:
            m = areas[cand]
            raise NotAssessedError(str(name), m.name, m.administered_by)
        # 县/市/区 suffix present but spelt with a different one, or the short form
        # followed by a stray suffix (e.g. 袁州县): compare on the stem.
        stem = re.sub(r"[县市区]$", "", cand)
        if stem in exact and len(stem) >= 2:
            return exact[stem]
    pool = sorted({*region.names(), *(c.short for c in region.units)})
    close = difflib.get_close_matches(candidates[-1], pool, n=3, cutoff=0.3)
    suggestions = list(dict.fromkeys(exact[c] for c in close))
    raise UnknownCountyError(str(name), suggestions)


def normalize_county(name: str) -> str:
    """Resolve any spelling of a county name (or its 行政区划代码) to the canonical name."""
    if name is None or (isinstance(name, float) and name != name):
        raise UnknownCountyError("", [])
    region = active_region()
    key = (region.key, name) if isinstance(name, str) else None
    hit = _MEMO.get(key) if key is not None else None
    if hit is None:
        hit = _resolve(region, name)
        if key is not None and len(_MEMO) < 100_000:
            _MEMO[key] = hit
    return hit


_MEMO: dict[tuple[str, str], str] = {}  # (pack, spelling) → unit: names repeat in every row of a frame


def is_management_area(name: str) -> bool:
    region = active_region()
    return _strip_prefix(clean(name), region.prefixes) in region.areas
