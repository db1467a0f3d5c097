"""Whole numbers that keep a total: largest-remainder rounding (base layer, no yichun imports).

`round_total([2.4, 1.3, 0.3])` → [3, 1, 0] (target 4): every value is rounded down, then the
units still missing go, one each, to the largest remainders (ties: the earlier value first).
Used wherever a total of teachers, rooms or pupils is shared out and must stay whole.
"""

from __future__ import annotations

import numpy as np

EPS = 1e-9  # floating-point noise: 2.9999999999 is floored to 3


def round_total(values: np.ndarray, total: float | None = None) -> np.ndarray:
    """Whole numbers summing to round(total) (default: round of the sum), by largest remainder."""
    v = np.asarray(values, float)
    target = int(round(v.sum() if total is None else total))
    floor = np.floor(v + EPS)
    left = target - int(floor.sum())
    if left > 0:
        floor[np.argsort(-(v - floor), kind="stable")[:left]] += 1
    return floor
