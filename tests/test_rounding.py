"""Largest-remainder rounding (yichun.rounding): whole numbers that keep the total."""

from __future__ import annotations

import numpy as np

from yichun.rounding import round_total


def test_the_missing_unit_goes_to_the_largest_remainder():
    # 2.4 + 1.3 + 0.3 = 4: floors 2 + 1 + 0 = 3, the one unit left goes to 0.4 (the largest remainder)
    assert round_total(np.array([2.4, 1.3, 0.3])).tolist() == [3.0, 1.0, 0.0]


def test_a_tie_goes_to_the_earlier_value():
    assert round_total(np.array([0.4, 0.4, 0.2]), 1).tolist() == [1.0, 0.0, 0.0]


def test_the_total_is_the_one_asked_for():
    # 2.5 teachers each for two schools, 5 in all: 3 + 2, never 2 + 2 or 3 + 3
    assert round_total(np.array([2.5, 2.5]), 5).tolist() == [3.0, 2.0]

