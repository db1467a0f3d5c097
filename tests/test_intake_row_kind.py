"""How a grid row below the header is classified (data, blank, note, total, subtotal, empty):
the shortcut for the common row agrees with the walk over the row, on any row."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from yichun.intake.reader import _classify_rows, _row_kind, _row_kind_walk

CELLS = st.one_of(st.sampled_from(["", None, "合计", "小计", "其中：", "注：", "注1", "说明", "学校", "宜丰县第一小学", " ", 0.0, 1.0, 0, True]),
                  st.floats(allow_nan=False, width=32), st.text(max_size=4))


def test_a_filled_row_with_a_field_is_data():
    assert _row_kind(["S1", "第一小学", "小学", 600.0], [0, 3], False) == "data"


def test_a_total_in_the_second_cell_is_a_total():
    assert _row_kind(["", "合计", 600.0], [2], False) == _row_kind_walk(["", "合计", 600.0], [2], False)
    assert _row_kind(["1", "合计", 600.0], [2], False) == "total"


def test_a_note_in_the_first_cell_is_a_note():
    assert _row_kind(["注：", "x", "y"], [1], False) == "note"


def test_filled_cells_outside_the_fields_are_an_empty_row():
    assert _row_kind(["a", "b", "c", ""], [3], False) == "empty"


@settings(max_examples=600, deadline=None)
@given(st.lists(CELLS, max_size=6), st.lists(st.integers(0, 7), max_size=4), st.booleans())
def test_the_shortcut_agrees_with_the_walk_on_any_row(row, field_cols, after_note):
    assert _row_kind(row, field_cols, after_note) == _row_kind_walk(row, field_cols, after_note)


def _classify_walk(g, start, cols):
    data, totals, after_note = [], [], False
    for r in range(start, len(g)):
        kind = _row_kind_walk(g[r], cols, after_note)
        if kind == "data":
            data.append(r)
        elif kind == "total":
            totals.append(r)
        elif kind == "note":
            after_note = True
    return data, totals


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=6), max_size=8), st.lists(st.integers(0, 7), max_size=4), st.integers(0, 2))
def test_a_sheet_is_classified_as_row_by_row_walks_would(grid, field_cols, start):
    assert _classify_rows(grid, start, field_cols) == _classify_walk(grid, start, field_cols)


def test_below_a_note_a_row_of_one_cell_goes_on_with_the_note():
    grid = [["S1", "a", "b", 1.0], ["注：以上为", "", "", ""], ["", "", "", 9.0], ["S2", "a", "b", 2.0]]
    assert _classify_rows(grid, 0, [3]) == ([0, 3], [])
