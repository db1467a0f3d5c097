"""The ten county-level units of Yichun and how any spelling of their names resolves.

`normalize_county("江西省宜春市 袁州")` → "袁州区". Unknown names raise `UnknownCountyError`
naming the closest valid units; the three management areas raise `NotAssessedError`
saying which county reports their schools.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from yichun._yaml import package_yaml
from yichun.errors import YichunError


class UnknownCountyError(YichunError):
    """A name that matches none of the ten counties."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f"，最接近的是：{'、'.join(suggestions)}" if suggestions else ""
        super().__init__(f"无法识别的县(市、区)名称「{name}」{hint}。应为宜春市十个县(市、区)之一：{'、'.join(names())}")


class NotAssessedError(YichunError):
    """A management area: known, but not assessed as a county."""

    def __init__(self, name: str, area: str, parent: str):
        self.name, self.area, self.parent = name, area, parent
        super().__init__(f"「{name}」指管理区「{area}」，不作为县(市、区)单独评估，其学校应填报在{parent}的工作簿中。")


@dataclass(frozen=True)
class County:
    code: str  # 行政区划代码
    name: str  # 袁州区
    short: str  # 袁州
    population_10k: float


@dataclass(frozen=True)
class ManagementArea:
    name: str
    short: str
    aliases: tuple[str, ...]
    administered_by: str


@cache
def counties() -> tuple[County, ...]:
    """The ten assessed units, in the order of their 行政区划代码."""
    data = package_yaml("counties.yaml")
    return tuple(County(str(c["code"]), c["name"], c["short"], float(c["population_10k"])) for c in data["counties"])


@cache
def management_areas() -> tuple[ManagementArea, ...]:
    data = package_yaml("counties.yaml")
    return tuple(
        ManagementArea(m["name"], m["short"], tuple(m.get("aliases", [])), m["administered_by"])
        for m in data["management_areas"]
    )


def names() -> list[str]:
    return [c.name for c in counties()]


def by_name(name: str) -> County:
    return {c.name: c for c in counties()}[normalize_county(name)]


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", text)


@cache
def _lookup() -> tuple[dict[str, str], dict[str, ManagementArea], tuple[str, ...]]:
    exact: dict[str, str] = {}
    for c in counties():
        for alias in (c.name, c.short, c.code):
            exact[alias] = c.name
    areas: dict[str, ManagementArea] = {}
    for m in management_areas():
        for alias in (m.name, m.short, *m.aliases):
            areas[_clean(alias)] = m
    prefixes = tuple(sorted(package_yaml("counties.yaml")["prefixes"], key=len, reverse=True))
    return exact, areas, prefixes


def _strip_prefix(text: str, prefixes: tuple[str, ...]) -> str:
    for p in prefixes:
        if text.startswith(p) and len(text) > len(p):
            return text[len(p) :]
    return text


def normalize_county(name: str) -> str:
    """Resolve any spelling of a county name (or its 行政区划代码) to the canonical name."""
    if name is None or (isinstance(name, float) and name != name):
        raise UnknownCountyError("", [])
    exact, areas, prefixes = _lookup()
    text = _clean(name)
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
    pool = sorted({*names(), *(c.short for c in counties())})
    close = difflib.get_close_matches(candidates[-1], pool, n=3, cutoff=0.3)
    suggestions = list(dict.fromkeys(exact[c] for c in close))
    raise UnknownCountyError(str(name), suggestions)


def is_management_area(name: str) -> bool:
    _, areas, prefixes = _lookup()
    text = _strip_prefix(_clean(name), prefixes)
    return text in areas
