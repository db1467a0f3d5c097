"""Unit costs: the prices behind the bill (yichun/data/unit_costs.yaml, or a file or overrides the
caller names), and how quantities are rounded (whole teachers, rooms and ㎡; 万元 to 0.01)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from yichun._yaml import package_yaml, read_yaml
from yichun.catalogue import freeze
from yichun.errors import YichunError

R_COST = {  # the physical resource behind each school indicator → unit_costs.yaml entry
    "R1": "teacher_qualified", "R2": "teacher_backbone", "R3": "teacher_pe_arts", "R4": "teaching_building_m2",
    "R5": "sports_area_m2", "R6": "equipment_wan", "R7": "multimedia_room",
}
INTEGER_UNITS = ("人", "间", "所", "班", "㎡")
COST_KINDS = ("一次性投入", "每年经费")  # unit_costs.yaml `cost_kind`: paid once, or every year (staff)
UnitCosts = Mapping[str, Mapping[str, Any]]  # entry key → {name, unit, price_yuan, source, …}

@cache
def _package_costs() -> UnitCosts:
    # read-only: the cached table is shared by every assess() in the session
    return freeze(_validate_costs(package_yaml("unit_costs.yaml"), "unit_costs.yaml"))


def unit_costs(source: str | Path | dict | None = None) -> UnitCosts:
    """The unit costs: the package's yichun/data/unit_costs.yaml, a user's YAML path, or a dict
    of overrides {key: {price_yuan: …}} merged into the package's."""
    if source is None:
        return _package_costs()
    if isinstance(source, dict):
        base = {k: dict(v) for k, v in _package_costs().items()}
        for key, fields in source.items():
            if key not in base:
                raise YichunError(f"单价设置中的项目「{key}」不在 unit_costs.yaml 中（可用：{'、'.join(base)}）")
            base[key].update(fields if isinstance(fields, dict) else {"price_yuan": fields})
        return freeze(_validate_costs({"items": base}, "单价设置"))
    path = Path(source)
    if not path.exists():
        raise YichunError(f"找不到单价文件 {path}")
    return freeze(_validate_costs(read_yaml(path), str(path)))


def _validate_costs(data: object, where: str) -> dict[str, Any]:
    items = (data or {}).get("items") if isinstance(data, dict) else None
    if not isinstance(items, dict):
        raise YichunError(f"单价文件 {where} 应含 items: {{项目: {{name, unit, price_yuan, source}}}}")
    needed = set(R_COST.values())
    missing = needed - set(items)
    if missing:
        raise YichunError(f"单价文件 {where} 缺少项目：{'、'.join(sorted(missing))}")
    for key, item in items.items():
        for f in ("name", "unit", "source"):
            if not isinstance(item, dict) or not item.get(f):
                raise YichunError(f"单价文件 {where}，项目「{key}」缺少字段「{f}」")
        price = item.get("price_yuan")
        if price is not None and (isinstance(price, bool) or not isinstance(price, int | float) or price < 0):
            raise YichunError(f"单价文件 {where}，项目「{key}」的 price_yuan 为「{price}」，应为非负数值或 null(不计价)")
        kind = item.get("cost_kind")
        if kind is not None and kind not in COST_KINDS:
            raise YichunError(f"单价文件 {where}，项目「{key}」的 cost_kind 为「{kind}」，应为 {' 或 '.join(COST_KINDS)}")
    return items


def round_up(q: np.ndarray, unit: str) -> np.ndarray:
    """Whole teachers, rooms and ㎡; 万元 to 0.01. A shortfall within float noise is zero."""
    q = np.asarray(q, dtype=float)
    if unit in INTEGER_UNITS:
        return np.maximum(np.ceil(q - 1e-6), 0.0)
    return np.maximum(np.ceil(q * 100 - 1e-6) / 100, 0.0)


def price_wan(qty: Any, key: str, costs: UnitCosts) -> np.ndarray:
    """Cost in 万元 of `qty` units of unit-cost entry `key` (NaN where the entry is not priced)."""
    price = costs[key].get("price_yuan")
    if price is None:
        return np.full(np.shape(qty), np.nan)
    return np.asarray(qty, dtype=float) * float(price) / 10000.0


def cost_kind(costs: UnitCosts, key: str | None) -> str:
    """一次性投入 or 每年经费 of a unit-cost entry (the package's entry when a user's file has none); "" without an entry."""
    if not key or key not in costs:
        return ""
    return str(costs[key].get("cost_kind") or (_package_costs().get(key) or {}).get("cost_kind") or "")
