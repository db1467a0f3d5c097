"""The standards catalogue: every indicator of both assessments, as data.

`catalogue()` loads `yichun/data/catalogue.yaml` (the national profile);
`catalogue("plan-2025")` applies that profile's overrides; `catalogue("my.yaml")` applies a
user's profile file. Profiles override single fields of single entries and may deep-merge
into `rules`; they never copy the catalogue. A malformed catalogue or profile raises
`CatalogueError` naming the entry and the field.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from yichun._yaml import package_yaml, read_yaml
from yichun.errors import CatalogueError
from yichun.paths import package_data

TRACKS = ("义务教育", "学前教育")
CLASSES = ("A", "B")
SCOPES = ("school", "county")
NUMERIC_COMPARATORS = (">=", "<=", ">", "<", "==")
ANSWER_COMPARATORS = ("yes", "no")
DEFAULT_PROFILE = "national"
ENTRY_FIELDS = {
    "code", "track", "dimension", "name", "class", "scope", "unit", "comparator", "thresholds",
    "conditions", "computed_from", "note", "source", "veto", "county_threshold", "class_limits",
}
CONDITION_FIELDS = {"input", "label", "unit", "comparator", "threshold"}


@dataclass(frozen=True)
class Condition:
    """One check of a county indicator against one 县级指标 input."""

    input: str
    comparator: str
    threshold: float | None
    label: str = ""
    unit: str = ""

    def holds(self, value) -> bool | None:
        """True/False for a value; None when the value is missing."""
        return compare(value, self.comparator, self.threshold)


@dataclass(frozen=True)
class Indicator:
    code: str
    track: str
    dimension: str
    name: str
    klass: str  # "A" or "B" (`class` in the YAML)
    scope: str
    source: str
    unit: str = ""
    comparator: str | None = None
    thresholds: dict = field(default_factory=dict)
    conditions: tuple[Condition, ...] = ()
    computed_from: tuple[str, ...] = ()
    note: str = ""
    veto: bool = False
    extra: dict = field(default_factory=dict)  # county_threshold, class_limits, ...

    def threshold(self, level: str = "all") -> float:
        """The threshold for a level (小学/初中), or the single county threshold."""
        if level in self.thresholds:
            return self.thresholds[level]
        if "all" in self.thresholds:
            return self.thresholds["all"]
        raise KeyError(f"{self.code} 没有「{level}」的标准值（有：{'、'.join(self.thresholds)}）")

    @property
    def is_rating(self) -> bool:
        return self.klass == "B"

    @property
    def input_codes(self) -> tuple[str, ...]:
        """The 县级指标 codes a county supplies for this indicator (empty when computed)."""
        if self.scope != "county":
            return ()
        if self.conditions:
            return tuple(c.input for c in self.conditions)
        if self.computed_from:
            return tuple(c for c in self.computed_from if c.isupper() and not c[:1].isdigit())
        return (self.code,)

    def checks(self) -> tuple[Condition, ...]:
        """The conditions to test for a county-scope A-class entry read from 县级指标."""
        if self.conditions:
            return self.conditions
        return (Condition(self.code, self.comparator, self.thresholds.get("all"), self.name, self.unit),)


def compare(value, comparator: str, threshold) -> bool | None:
    """Apply a catalogue comparator. Missing values give None (never a pass or a fail)."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if comparator == "yes":
        return bool(value)
    if comparator == "no":
        return not bool(value)
    v = float(value)
    t = float(threshold)
    return {
        ">=": v >= t,
        "<=": v <= t,
        ">": v > t,
        "<": v < t,
        "==": v == t,
    }[comparator]


@dataclass(frozen=True)
class Catalogue:
    version: str
    profile: str
    indicators: dict[str, Indicator]
    rules: dict
    inputs: tuple[dict, ...]
    description: str = ""

    def __getitem__(self, code: str) -> Indicator:
        try:
            return self.indicators[code]
        except KeyError:
            raise KeyError(f"标准目录中没有指标代码「{code}」") from None

    def __iter__(self):
        return iter(self.indicators.values())

    def for_track(self, track: str) -> list[Indicator]:
        return [i for i in self if i.track == track]

    def county_input_codes(self) -> list[dict]:
        """Every 县级指标 code the template lists: code, name, unit, class, track."""
        rows: list[dict] = []
        seen: set[str] = set()
        for inp in self.inputs:
            rows.append({"code": inp["code"], "name": inp["name"], "unit": inp.get("unit", ""),
                         "class": "", "track": inp.get("track", ""), "note": inp.get("note", "")})
            seen.add(inp["code"])
        for ind in self:
            if ind.scope != "county" or (ind.computed_from and not ind.conditions):
                continue
            if ind.klass == "B":
                items = [(ind.code, ind.name, "等级(优/良/中/差)")]
            else:
                items = [(c.input, c.label or ind.name, c.unit or ind.unit) for c in ind.checks()]
            for code, name, unit in items:
                if code not in seen:
                    seen.add(code)
                    rows.append({"code": code, "name": name, "unit": unit, "class": ind.klass,
                                 "track": ind.track, "note": ind.note})
        return rows

    def frame(self) -> pd.DataFrame:
        """The catalogue as a table for display (Chinese column labels)."""
        rows = []
        for i in self:
            if i.conditions:
                std = "；".join(f"{c.label} {c.comparator} {c.threshold if c.threshold is not None else ''}".strip() for c in i.conditions)
            elif i.klass == "B":
                std = f"评价等级 {self.rules.get('rating_target', '良')} 及以上"
            else:
                std = "；".join(f"{k} {i.comparator} {v}" for k, v in i.thresholds.items())
            rows.append({"代码": i.code, "评估类别": i.track, "维度": i.dimension, "指标": i.name, "类别": i.klass,
                         "范围": "学校" if i.scope == "school" else "县域", "标准": std, "单位": i.unit, "来源": i.source})
        return pd.DataFrame(rows)


def _fail(where: str, field_name: str, problem: str) -> CatalogueError:
    return CatalogueError(f"标准目录{where}：条目字段「{field_name}」{problem}")


def _validate_entry(raw: dict, where: str) -> Indicator:
    code = raw.get("code")
    if not code or not isinstance(code, str):
        raise _fail(where, "code", "缺失或不是文本")
    at = f"{where}，指标 {code}"
    unknown = set(raw) - ENTRY_FIELDS
    if unknown:
        raise _fail(at, "、".join(sorted(unknown)), f"不是已知字段（可用：{'、'.join(sorted(ENTRY_FIELDS))}）")
    for key in ("track", "dimension", "name", "class", "scope", "source"):
        if not raw.get(key):
            raise _fail(at, key, "缺失")
    if raw["track"] not in TRACKS:
        raise _fail(at, "track", f"为「{raw['track']}」，应为 {' 或 '.join(TRACKS)}")
    if raw["class"] not in CLASSES:
        raise _fail(at, "class", f"为「{raw['class']}」，应为 A 或 B")
    if raw["scope"] not in SCOPES:
        raise _fail(at, "scope", f"为「{raw['scope']}」，应为 school 或 county")
    thresholds = raw.get("thresholds") or {}
    if not isinstance(thresholds, dict):
        raise _fail(at, "thresholds", "应为 {层级: 数值} 的映射")
    for k, v in thresholds.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise _fail(at, f"thresholds.{k}", f"为「{v}」，应为数值")
    conditions = []
    for n, c in enumerate(raw.get("conditions") or []):
        if not isinstance(c, dict) or set(c) - CONDITION_FIELDS or "input" not in c or "comparator" not in c:
            raise _fail(at, f"conditions[{n}]", f"应含 input、comparator（可选 threshold、label、unit），实为 {c}")
        comp = c["comparator"]
        if comp not in NUMERIC_COMPARATORS + ANSWER_COMPARATORS:
            raise _fail(at, f"conditions[{n}].comparator", f"为「{comp}」，不是可用的比较符")
        thr = c.get("threshold")
        if comp in NUMERIC_COMPARATORS and (isinstance(thr, bool) or not isinstance(thr, int | float)):
            raise _fail(at, f"conditions[{n}].threshold", f"为「{thr}」，应为数值")
        conditions.append(Condition(c["input"], comp, thr, c.get("label", ""), c.get("unit", "")))
    comparator = raw.get("comparator")
    if raw["class"] == "A" and not conditions:
        if comparator not in NUMERIC_COMPARATORS + ANSWER_COMPARATORS:
            raise _fail(at, "comparator", f"为「{comparator}」，A 类指标需要比较符（{'、'.join(NUMERIC_COMPARATORS + ANSWER_COMPARATORS)}）")
        if comparator in NUMERIC_COMPARATORS and not thresholds:
            raise _fail(at, "thresholds", "缺失：A 类数值指标需要标准值")
    extra = {k: raw[k] for k in ("county_threshold", "class_limits") if k in raw}
    return Indicator(
        code=code, track=raw["track"], dimension=raw["dimension"], name=raw["name"], klass=raw["class"],
        scope=raw["scope"], source=raw["source"], unit=raw.get("unit", ""), comparator=comparator,
        thresholds=dict(thresholds), conditions=tuple(conditions),
        computed_from=tuple(raw.get("computed_from") or ()), note=raw.get("note", ""),
        veto=bool(raw.get("veto", False)), extra=extra,
    )


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _profile_data(profile: str | Path) -> tuple[dict, str]:
    text = str(profile)
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        path = Path(profile)
        if not path.exists():
            raise CatalogueError(f"找不到标准配置文件 {path}")
    else:
        path = package_data(f"profiles/{text}.yaml")
        if not path.exists():
            raise CatalogueError(f"未知的标准配置「{text}」，可用：{'、'.join(available_profiles())}，或给出 YAML 文件路径")
    try:
        data = read_yaml(path)
    except Exception as exc:  # yaml.YAMLError and OSError both mean an unreadable profile
        raise CatalogueError(f"标准配置文件 {path} 无法解析：{exc}") from exc
    if not isinstance(data, dict):
        raise CatalogueError(f"标准配置文件 {path} 应为 YAML 映射（profile、overrides 等字段）")
    return data, str(path)


def available_profiles() -> list[str]:
    return [DEFAULT_PROFILE] + sorted(p.stem for p in package_data("profiles").glob("*.yaml"))


def _build(profile: str) -> Catalogue:
    base = copy.deepcopy(package_yaml("catalogue.yaml"))
    raw_entries = base.get("indicators") or []
    rules = base.get("rules") or {}
    description = "国家标准（教督〔2017〕6号、教督〔2020〕1号）"
    name = DEFAULT_PROFILE
    if profile != DEFAULT_PROFILE:
        data, where = _profile_data(profile)
        name = data.get("profile") or Path(where).stem
        description = data.get("description", "")
        overrides = data.get("overrides") or {}
        if not isinstance(overrides, dict):
            raise CatalogueError(f"标准配置 {where}：overrides 应为 {{指标代码: {{字段: 值}}}} 的映射")
        by_code = {e["code"]: e for e in raw_entries}
        for code, fields_ in overrides.items():
            if code not in by_code:
                raise CatalogueError(f"标准配置 {where}：overrides 中的指标代码「{code}」不在标准目录中")
            if not isinstance(fields_, dict):
                raise CatalogueError(f"标准配置 {where}，指标 {code}：覆盖内容应为 {{字段: 值}} 的映射")
            by_code[code].update(_deep_merge(by_code[code], fields_))
        if data.get("rules"):
            rules = _deep_merge(rules, data["rules"])
        where_label = f"（配置 {name}）"
    else:
        where_label = ""
    indicators: dict[str, Indicator] = {}
    for n, raw in enumerate(raw_entries):
        if not isinstance(raw, dict):
            raise CatalogueError(f"标准目录第 {n + 1} 个条目不是映射")
        ind = _validate_entry(raw, where_label)
        if ind.code in indicators:
            raise _fail(where_label, "code", f"「{ind.code}」重复")
        indicators[ind.code] = ind
    return Catalogue(str(base.get("version", "")), name, indicators, rules, tuple(base.get("inputs") or ()), description)


def catalogue(profile: str | Path | Catalogue = DEFAULT_PROFILE) -> Catalogue:
    """The standards catalogue under a profile: a name (national, plan-2025) or a YAML path."""
    if isinstance(profile, Catalogue):
        return profile
    text = str(profile)
    if text.endswith((".yaml", ".yml")) or "/" in text:
        return _build(text)  # a user's file may change between calls: not cached
    return _named(text)


_named = cache(_build)
