"""Projection parameters (yichun/data/projection.yaml), optionally overridden by a user file.

`parameters()` returns the package defaults; `parameters("my.yaml")` or
`parameters({"thin_margin": 0.1})` deep-merges a user's overrides on top. Unknown keys
and malformed values raise `YichunError` naming the key.
"""

from __future__ import annotations

import copy
from pathlib import Path

from yichun._yaml import package_yaml, read_yaml
from yichun.dictionary import level_suffix
from yichun.errors import YichunError

VARIANTS = ("central", "low", "high")
VARIANT_LABELS = {"central": "中方案", "low": "低方案", "high": "高方案"}

# statistical levels the cohort model projects, and the tidy column holding each (suffixes: the data dictionary)
SCHOOL_LEVELS = ("小学", "初中")
STUDENT_FIELDS = {lv: f"students_{level_suffix()[lv]}" for lv in SCHOOL_LEVELS}
CLASS_FIELDS = {lv: f"classes_{level_suffix()[lv]}" for lv in SCHOOL_LEVELS}
KINDERGARTEN = "幼儿园"
POP_LEVEL = "3—5岁人口"
POP_CODE = "POP_3_5"
FREE_MAPPINGS = ("resource_fields", "action_costs")  # user files may add keys to these
LEVELS = ("小学", "初中", KINDERGARTEN, POP_LEVEL)
STATUS_KEYS = ("due_met", "due_unmet", "on_track", "at_risk", "late", "beyond")


def _merge(base: dict, over: dict, where: str = "") -> dict:
    out = dict(base)
    for key, value in over.items():
        name = f"{where}.{key}" if where else str(key)
        if key not in base:
            raise YichunError(f"预测参数中的键「{name}」不是已知参数（可用：{'、'.join(map(str, base))}）")
        if isinstance(base[key], dict) and key not in FREE_MAPPINGS:
            if not isinstance(value, dict):
                raise YichunError(f"预测参数「{name}」应为映射（键: 值），实为「{value}」")
            out[key] = _merge(base[key], value, name)
        else:
            out[key] = value
    return out


def _check(p: dict) -> dict:
    n = p["recent_years"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise YichunError(f"预测参数「recent_years」应为正整数，实为「{n}」")
    if p["band"] not in ("minmax", "sd"):
        raise YichunError(f"预测参数「band」应为 minmax 或 sd，实为「{p['band']}」")
    if p["share_trend"] not in ("linear", "constant"):
        raise YichunError(f"预测参数「share_trend」应为 linear 或 constant，实为「{p['share_trend']}」")
    if p["pop_ratio_variant"] not in ("central", "same"):
        raise YichunError(f"预测参数「pop_ratio_variant」应为 central 或 same，实为「{p['pop_ratio_variant']}」")
    for key in ("thin_margin", "band_k"):
        v = p[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
            raise YichunError(f"预测参数「{key}」应为非负数，实为「{v}」")
    for variant in VARIANTS:
        v = p["future_births"].get(variant)
        if isinstance(v, bool) or not isinstance(v, int | float) or v <= -1:
            raise YichunError(f"预测参数「future_births.{variant}」应为大于 -1 的年变化率（如 -0.05），实为「{v}」")
    names = p["statuses"]
    if not isinstance(names, dict) or set(names) != set(STATUS_KEYS) or not all(isinstance(v, str) and v for v in names.values()) \
            or len(set(names.values())) != len(names):
        raise YichunError(f"预测参数「statuses」应为 {'、'.join(STATUS_KEYS)} 各对应一个不同的状态名称，实为「{names}」")
    if sorted(p["variant_order"] or []) != sorted(VARIANTS):
        raise YichunError(f"预测参数「variant_order」应为 {'、'.join(VARIANTS)} 的一种排列，实为「{p['variant_order']}」")
    n = p["reason_schools"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise YichunError(f"预测参数「reason_schools」应为正整数，实为「{n}」")
    for level in LEVELS:
        c = p["cohorts"].get(level)
        if not isinstance(c, dict) or not all(isinstance(c.get(k), int) for k in ("youngest", "oldest")) or c["youngest"] > c["oldest"]:
            raise YichunError(f"预测参数「cohorts.{level}」应为 {{youngest: 整数, oldest: 整数}}（youngest ≤ oldest），实为「{c}」")
    return p


def parameters(override: str | Path | dict | None = None) -> dict:
    """The projection parameters: package defaults, deep-merged with a user's overrides."""
    base = copy.deepcopy(package_yaml("projection.yaml"))
    if override is None:
        return _check(base)
    if isinstance(override, dict):
        data = override
    else:
        path = Path(override)
        if not path.exists():
            raise YichunError(f"找不到预测参数文件 {path}")
        try:
            data = read_yaml(path) or {}
        except Exception as exc:  # a YAML syntax error or an unreadable file: say which file
            raise YichunError(f"预测参数文件 {path} 无法解析：{exc}") from exc
        if not isinstance(data, dict):
            raise YichunError(f"预测参数文件 {path} 应为 YAML 映射")
    return _check(_merge(base, copy.deepcopy(data)))
