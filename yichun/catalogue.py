"""The standards catalogue: every indicator of both assessments, as data.

`catalogue()` loads `yichun/data/catalogue.yaml` (the national profile);
`catalogue("plan-2025")` applies that profile's overrides; `catalogue("my.yaml")` applies a
user's profile file. Profiles override single fields of single entries and may deep-merge
into `rules`; they never copy the catalogue. A malformed catalogue or profile raises
`CatalogueError` naming the file, the entry and the key; a profile with an unknown key, a
code not in the catalogue, a value of the wrong type or an impossible threshold is refused.

The catalogue a caller gets is read-only (`FrozenDict`, tuples): a notebook cell that tries
to edit the cached national catalogue gets an error instead of silently changing every
later `assess()`. `copy.deepcopy(cat.rules)` gives a mutable copy to experiment with.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import hashlib
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
    "township_kinds", "design_year_rule",
}
EXTRA_FIELDS = ("county_threshold", "class_limits", "township_kinds", "design_year_rule")
CONDITION_FIELDS = {"input", "label", "unit", "comparator", "threshold"}
PROFILE_KEYS = {"profile", "base", "description", "source", "overrides", "rules"}
# every key `rules` may hold (a profile's rules deep-merge into these; anything else is a typo)
RULE_KEYS = {
    "school_rule": {"indicators", "min_met", "remainder_ratio", "source"},
    "balance_rule": {"code", "name", "class", "limits", "weighting", "source"},
    "counted_schools": {"levels", "exclude_types", "teaching_point_type", "teaching_point_min_students", "include_private", "source"},
    "item_scopes": None,  # named scopes, each with SCOPE_KEYS
    "combined_splits": None,  # school type → {level: weight}
    "school_type_levels": None,  # school type → [levels]
    "rating_scale": None,
    "b_rule": {"min_rating", "share", "source"},
}
SCOPE_KEYS = {"codes", "exclude_types", "teaching_point_type", "teaching_point_min_students", "include_private", "label"}


class FrozenDict(dict):
    """A dict that refuses changes (the cached catalogue and unit costs are shared by every caller)."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("标准目录和单价表是只读的：请先 copy.deepcopy(...) 得到可修改的副本，或用配置文件(--profile)修改标准")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        return {k: copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self):
        return (FrozenDict, (dict(self),))


def freeze(value):
    """Dicts → FrozenDict and lists → tuples, all the way down."""
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class BRule:
    """How B-class items are read (rules.b_rule): the lowest acceptable rating and the share of B items that must reach it."""

    scale: tuple[str, ...]
    min_rating: str
    share: float

    @property
    def good(self) -> frozenset[str]:
        return frozenset(self.scale[: self.scale.index(self.min_rating) + 1])

    def text(self) -> str:
        better = "及以上" if self.scale.index(self.min_rating) > 0 else ""
        if self.share >= 1:
            return f"B类指标每项均须达到「{self.min_rating}」{better}"
        return f"B类指标中至少 {self.share * 100:.0f}% 须达到「{self.min_rating}」{better}"


@dataclass(frozen=True)
class SchoolScope:
    """Which schools a school-by-school figure reads (rules.counted_schools, rules.item_scopes)."""

    exclude_types: tuple[str, ...]
    teaching_point_type: str
    teaching_point_min_students: float
    include_private: bool
    label: str = ""


@dataclass(frozen=True)
class Condition:
    """One check of a county indicator against one 县级指标 input."""

    input: str
    comparator: str
    threshold: float | None
    label: str = ""
    unit: str = ""


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
    def op(self) -> str:
        """The comparator of an indicator judged by a number (a rated B-class entry has none)."""
        if self.comparator is None:
            raise CatalogueError(f"指标 {self.code} 没有比较方式(comparator)，不能按数值判定")
        return self.comparator

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
        return (Condition(self.code, self.op, self.thresholds.get("all"), self.name, self.unit),)


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

    @property
    def b_rule(self) -> BRule:
        b = self.rules.get("b_rule") or {}
        return BRule(tuple(self.rules.get("rating_scale") or ("优", "良", "中", "差")), str(b.get("min_rating", "良")),
                     float(b.get("share", 1.0)))

    def scope(self, code: str | None = None) -> SchoolScope:
        """The schools a figure covers: the item scope naming `code`, else the counted schools of R1–R7."""
        raw = self.rules["counted_schools"]
        label = "计入县域计算的义务教育学校"
        for sc in (self.rules.get("item_scopes") or {}).values():
            if code is not None and code in (sc.get("codes") or ()):
                raw, label = sc, sc.get("label", "")
                break
        else:
            if raw.get("include_private", True):
                label = "全县义务教育学校（公办、民办；不含特殊教育学校和不足50人的教学点）"
            else:
                label = "全县公办义务教育学校（民办学校按配置不计入；不含特殊教育学校和不足50人的教学点）"
        return SchoolScope(tuple(raw.get("exclude_types") or ()), str(raw.get("teaching_point_type", "教学点")),
                           float(raw.get("teaching_point_min_students", 0) or 0), bool(raw.get("include_private", True)),
                           label)

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
                std = f"评价等级 {self.b_rule.min_rating} 及以上"
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
    _check_thresholds(raw, thresholds, conditions, at)
    extra = {k: raw[k] for k in EXTRA_FIELDS if k in raw}
    return Indicator(
        code=code, track=raw["track"], dimension=raw["dimension"], name=raw["name"], klass=raw["class"],
        scope=raw["scope"], source=raw["source"], unit=raw.get("unit", ""), comparator=comparator,
        thresholds=freeze(dict(thresholds)), conditions=tuple(conditions),
        computed_from=tuple(raw.get("computed_from") or ()), note=raw.get("note", ""),
        veto=bool(raw.get("veto", False)), extra=freeze(extra),
    )


def _check_thresholds(raw: dict, thresholds: dict, conditions: list[Condition], at: str) -> None:
    """Impossible standards: a percentage outside 0–100 %, a negative count or area, a ratio of 0."""
    pairs = [(f"thresholds.{k}", v, raw.get("unit", "")) for k, v in thresholds.items()]
    pairs += [(f"conditions[{n}].threshold", c.threshold, c.unit or raw.get("unit", "")) for n, c in enumerate(conditions)
              if c.threshold is not None]
    for where, v, unit in pairs:
        v = float(v)
        if v != v or v in (float("inf"), float("-inf")):
            raise _fail(at, where, f"为「{v}」，不是有限数值")
        if str(unit).strip() == "%" and not 0 <= v <= 1:
            raise _fail(at, where, f"为 {v}：百分比标准以小数填写，应在 0 到 1 之间（如 85% 写 0.85）")
        if v < 0:
            raise _fail(at, where, f"为 {v}：标准值不能为负数")


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
    where_label = ""
    if profile != DEFAULT_PROFILE:
        data, where = _profile_data(profile)
        unknown = sorted(set(data) - PROFILE_KEYS)
        if unknown:
            raise CatalogueError(f"标准配置文件 {where}：键「{'、'.join(unknown)}」不是已知的配置项（可用：{'、'.join(sorted(PROFILE_KEYS))}）")
        name = str(data.get("profile") or Path(where).stem)
        description = str(data.get("description", ""))
        overrides = data.get("overrides") or {}
        if not isinstance(overrides, dict):
            raise CatalogueError(f"标准配置文件 {where}：overrides 应为 {{指标代码: {{字段: 值}}}} 的映射")
        by_code = {e["code"]: e for e in raw_entries}
        for code, fields_ in overrides.items():
            if code not in by_code:
                raise CatalogueError(f"标准配置文件 {where}：overrides 中的指标代码「{code}」不在标准目录中"
                                     f"（可用：{'、'.join(by_code)}）")
            if not isinstance(fields_, dict):
                raise CatalogueError(f"标准配置文件 {where}，指标 {code}：覆盖内容应为 {{字段: 值}} 的映射")
            bad = sorted(set(fields_) - ENTRY_FIELDS)
            if bad:
                raise CatalogueError(f"标准配置文件 {where}，指标 {code}：键「{'、'.join(bad)}」不是已知字段"
                                     f"（可用：{'、'.join(sorted(ENTRY_FIELDS))}）")
            by_code[code].update(_deep_merge(by_code[code], fields_))
        if data.get("rules") is not None:
            if not isinstance(data["rules"], dict):
                raise CatalogueError(f"标准配置文件 {where}：rules 应为映射")
            _check_rule_keys(data["rules"], where)
            rules = _deep_merge(rules, data["rules"])
        where_label = f"（配置文件 {where}）"
    indicators: dict[str, Indicator] = {}
    for n, raw in enumerate(raw_entries):
        if not isinstance(raw, dict):
            raise CatalogueError(f"标准目录第 {n + 1} 个条目不是映射")
        ind = _validate_entry(raw, where_label)
        if ind.code in indicators:
            raise _fail(where_label, "code", f"「{ind.code}」重复")
        indicators[ind.code] = ind
    _check_rules(rules, indicators, where_label or "（catalogue.yaml）")
    return Catalogue(str(base.get("version", "")), name, freeze(indicators), freeze(rules), freeze(list(base.get("inputs") or ())),
                     description)


def _check_rule_keys(rules: dict, where: str) -> None:
    for key, value in rules.items():
        if key not in RULE_KEYS:
            raise CatalogueError(f"标准配置文件 {where}：rules 中的键「{key}」不是已知规则（可用：{'、'.join(RULE_KEYS)}）")
        allowed = RULE_KEYS[key]
        if allowed is not None:
            if not isinstance(value, dict):
                raise CatalogueError(f"标准配置文件 {where}：rules.{key} 应为映射")
            bad = sorted(set(value) - allowed)
            if bad:
                raise CatalogueError(f"标准配置文件 {where}：rules.{key} 中的键「{'、'.join(bad)}」不是已知设置（可用：{'、'.join(sorted(allowed))}）")
        if key == "item_scopes" and isinstance(value, dict):
            for scope_name, sc in value.items():
                bad = sorted(set(sc) - SCOPE_KEYS) if isinstance(sc, dict) else ["(应为映射)"]
                if bad:
                    raise CatalogueError(f"标准配置文件 {where}：rules.item_scopes.{scope_name} 中的键「{'、'.join(bad)}」不是已知设置"
                                         f"（可用：{'、'.join(sorted(SCOPE_KEYS))}）")


def _number(value, where: str, key: str, lo: float, hi: float, *, lo_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise CatalogueError(f"标准目录{where}：rules.{key} 为「{value}」，应为数值")
    if value < lo or value > hi or (lo_open and value == lo):
        raise CatalogueError(f"标准目录{where}：rules.{key} 为 {value}，应在 {lo} 到 {hi} 之间{'（不含 ' + str(lo) + '）' if lo_open else ''}")
    return float(value)


def _check_rules(rules: dict, indicators: dict, where: str) -> None:
    """The rules that decide verdicts hold possible values (an impossible setting is refused, naming it)."""
    sr = rules.get("school_rule") or {}
    codes = list(sr.get("indicators") or [])
    unknown = [c for c in codes if c not in indicators]
    if unknown:
        raise CatalogueError(f"标准目录{where}：rules.school_rule.indicators 中的「{'、'.join(unknown)}」不在标准目录中")
    _number(sr.get("min_met"), where, "school_rule.min_met", 1, max(len(codes), 1))
    _number(sr.get("remainder_ratio"), where, "school_rule.remainder_ratio", 0, 1, lo_open=True)
    for level, limit in ((rules.get("balance_rule") or {}).get("limits") or {}).items():
        _number(limit, where, f"balance_rule.limits.{level}", 0, 10, lo_open=True)
    scopes = [("counted_schools", rules.get("counted_schools") or {})]
    scopes += [(f"item_scopes.{k}", v) for k, v in (rules.get("item_scopes") or {}).items()]
    for key, sc in scopes:
        if "include_private" in sc and not isinstance(sc["include_private"], bool):
            raise CatalogueError(f"标准目录{where}：rules.{key}.include_private 为「{sc['include_private']}」，应为 true 或 false")
        if "teaching_point_min_students" in sc:
            _number(sc["teaching_point_min_students"], where, f"{key}.teaching_point_min_students", 0, 100000)
    scale = list(rules.get("rating_scale") or ["优", "良", "中", "差"])
    b = rules.get("b_rule") or {}
    if b.get("min_rating", "良") not in scale:
        raise CatalogueError(f"标准目录{where}：rules.b_rule.min_rating 为「{b.get('min_rating')}」，应为 {'/'.join(scale)} 之一")
    _number(b.get("share", 1.0), where, "b_rule.share", 0, 1)


_ACTIVE: contextvars.ContextVar[str] = contextvars.ContextVar("yichun_profile", default=DEFAULT_PROFILE)


def active_profile() -> str:
    """The profile that `catalogue()` without an argument reads (national unless `use_profile` says otherwise)."""
    return _ACTIVE.get()


def profile_key() -> str:
    """Identifies the active profile's content (a user's file by its bytes): part of the intake cache key."""
    text = _ACTIVE.get()
    path = Path(text)
    if text.endswith((".yaml", ".yml")) and path.exists():
        return f"{path.resolve()}|{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"
    return text


@contextlib.contextmanager
def use_profile(profile: str | Path | None):
    """Within the block, `catalogue()` reads `profile` (validated first): intake checks county codes and school
    types against the same standards that the assessment then applies."""
    text = DEFAULT_PROFILE if profile is None else str(profile)
    catalogue(text)  # an invalid profile is refused before anything is read
    token = _ACTIVE.set(text)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def catalogue(profile: str | Path | Catalogue | None = None) -> Catalogue:
    """The standards catalogue under a profile: a name (national, plan-2025) or a YAML path; None: the active profile."""
    if isinstance(profile, Catalogue):
        return profile
    text = _ACTIVE.get() if profile is None else str(profile)
    if text.endswith((".yaml", ".yml")) or "/" in text:
        return _build(text)  # a user's file may change between calls: not cached
    return _named(text)


_named = cache(_build)
