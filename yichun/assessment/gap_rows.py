"""The gap table's shape and the pieces every kind of gap shares: the row collector, the
resource addition that brings a school part to a standard, and the per-level thresholds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from yichun.assessment.compulsory import RSpec
from yichun.assessment.core import PRESCHOOL, STR, Groups, filled

GAP_COLUMNS = ["county", "year", "track", "school_id", "school_name", "level", "indicator", "item", "basis", "value",
               "standard", "shortfall", "unit", "cost_wan", "required", "in_bill", "cost_key", "note"]
ROW_COLUMNS = ["g", *GAP_COLUMNS[2:]]
COUNTY_ROW = "全县"
NUMERIC = ("g", "value", "standard", "shortfall", "cost_wan")


class GapRows:
    """Gap rows collected as column arrays and turned into one frame at the end."""

    def __init__(self):
        self.blocks: list[dict] = []

    def add(self, n: int, **cols) -> None:
        if n:
            self.blocks.append({k: np.asarray(v) if np.ndim(v) else filled(n, v) if isinstance(v, str) else np.full(n, v)
                                for k, v in cols.items()})

    def arrays(self) -> dict[str, np.ndarray]:
        """Every column, the blocks concatenated."""
        data = {}
        for c in ROW_COLUMNS:
            arrays = [b.pop(c) for b in self.blocks]  # each block's column let go once concatenated (peak memory)
            data[c] = np.concatenate(arrays) if arrays else np.zeros(0, dtype=object if c not in NUMERIC else float)
        self.blocks = []
        return data


def finish_gaps(data: dict[str, np.ndarray], groups: Groups) -> pd.DataFrame:
    """The collected rows with a shortfall, as the gap table in county-year, track, indicator, level, school order
    (the columns are taken out of `data` as they are converted)."""
    g = data["g"].astype("int64")
    keep = data["shortfall"].astype(float) > 0
    track_rank = (data["track"] == PRESCHOOL).astype("int64")
    codes = [pd.factorize(data[c], sort=True)[0] for c in ("indicator", "level", "school_id")]
    order = np.lexsort((*codes, track_rank, g))
    idx = order[keep[order]]
    frame = {"county": pd.array(groups.county[g[idx]], dtype=STR), "year": groups.year[g[idx]]}
    for c in GAP_COLUMNS[2:]:
        v = data.pop(c)[idx]
        if c in ("value", "standard", "shortfall", "cost_wan"):
            frame[c] = v.astype(float)
        elif c in ("required", "in_bill"):
            frame[c] = v.astype(bool)
        else:
            frame[c] = pd.array(v, dtype=STR)
    return pd.DataFrame(frame)


def resource_addition(spec: RSpec, standard: Any, students: Any, share: Any, resource: Any) -> np.ndarray:
    """Whole-school resource to add so that scale × (resource + Δ) × share ÷ students = standard."""
    sh = 1.0 if spec.per_level else share
    with np.errstate(divide="ignore", invalid="ignore"):
        return standard * students / (spec.scale * sh) - resource


def level_thresholds(level: np.ndarray, thresholds: Any) -> np.ndarray:
    """Each part's threshold by its 学段 (NaN for a level the indicator has none for)."""
    t = np.full(len(level), np.nan)
    for lv, v in thresholds.items():
        t[level == lv] = float(v)
    return t
