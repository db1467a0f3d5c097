"""Facts the code takes from the data dictionary (yichun/data/dictionary.yaml)."""

from __future__ import annotations

from yichun.dictionary import level_suffix


def test_level_suffix_names_the_per_level_fields_of_the_school_sheet():
    assert dict(level_suffix()) == {"小学": "primary", "初中": "junior", "高中": "senior"}
