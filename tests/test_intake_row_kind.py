"""How the grid rows below the header are classified (data, blank, note, total, subtotal, empty):
the inline check for the common data row agrees with `_row_kind` row by row, on any sheet."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from yichun.intake.reader import _classify_rows, _row_kind

CELLS = st.one_of(st.sampled_from(["", None, "合计", "小计", "其中：", "注：", "注1", "说明", "学校", "宜丰县第一小学", " ", 0.0, 1.0, 0, True]),
                  st.floats(allow_nan=False, width=32), st.text(max_size=4))


def _row_by_row(g, start, cols):
    """The reference: `_row_kind` called on every row, a note switching on the rule for the rows after it."""
    data, totals, after_note = [], [], False
    for r in range(start, len(g)):
        kind = _row_kind(g[r], cols, after_note)
        if kind == "data":
            data.append(r)
        elif kind == "total":
            totals.append(r)
        elif kind == "note":
            after_note = True
    return data, totals


def test_a_filled_row_with_a_field_is_data():
    assert _classify_rows([["S1", "第一小学", "小学", 600.0]], 0, [0, 3]) == ([0], [])


def test_a_total_in_the_second_cell_is_a_total():
    assert _classify_rows([["1", "合计", 600.0]], 0, [2]) == ([], [0])


def test_a_note_in_the_first_cell_is_a_note():
    assert _row_kind(["注：", "x", "y"], [1], False) == "note"


def test_filled_cells_outside_the_fields_are_an_empty_row():
    assert _classify_rows([["a", "b", "c", ""]], 0, [3]) == ([], [])


def test_below_a_note_a_row_of_one_cell_goes_on_with_the_note():
    grid = [["S1", "a", "b", 1.0], ["注：以上为", "", "", ""], ["", "", "", 9.0], ["S2", "a", "b", 2.0]]
    assert _classify_rows(grid, 0, [3]) == ([0, 3], [])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=6), max_size=8), st.lists(st.integers(0, 7), max_size=4), st.integers(0, 2))
def test_a_sheet_is_classified_as_row_by_row_calls_would(grid, field_cols, start):
    assert _classify_rows(grid, start, field_cols) == _row_by_row(grid, start, field_cols)
