"""The hostile-file scan's fast path for plain worksheets agrees with the expat walk, byte for byte:
same Scan, same charge on the shared budgets, and every refusal is the walk's own message."""

from __future__ import annotations

import dataclasses
import re
import zipfile

import pytest
from hostile_corpus import BAD, rewrite, valid
from hypothesis import given, settings
from hypothesis import strategies as st

import yichun.intake.hostile as H
from yichun.intake.hostile import Refused, scan
from yichun.intake.rules import rules


def _walk_only(monkeypatch):
    monkeypatch.setattr(H, "_fast_sheet", lambda *a: False)


def _member(path, name):
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def test_a_plain_sheet_takes_the_fast_path(tmp_path):
    data = _member(valid(tmp_path), "xl/worksheets/sheet2.xml")
    budget, elements = [10**9], [10**6]
    assert H._fast_sheet(data, rules().limits, budget, elements)
    assert budget == [10**9 - len(data)]


def test_fast_path_charges_the_budgets_as_the_walk_does(tmp_path):
    path = valid(tmp_path)
    limits = rules().limits
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet2.xml")
        fast = ([10**9], [10**6])
        assert H._fast_sheet(zf.read(info), limits, *fast)
        walk = ([10**9], [10**6])
        parser = H.expat.ParserCreate()
        w = H._SheetWalk("s", limits, parser, walk[1])
        with zf.open(info) as fh:
            H._parse_xml(fh, parser, info, walk[0], limits, b"", w)
    assert fast == walk


def test_fast_and_walk_give_the_same_scan(tmp_path, monkeypatch):
    path = valid(tmp_path)
    fast = scan(path)
    _walk_only(monkeypatch)
    assert scan(path) == fast


@pytest.mark.parametrize("name", sorted(BAD))
def test_every_hostile_case_is_refused_with_the_walks_message(tmp_path, monkeypatch, name):
    folder = tmp_path / "case"
    folder.mkdir()
    path = BAD[name](folder)
    outcome = {}
    for mode in ("fast", "walk"):
        if mode == "walk":
            _walk_only(monkeypatch)
        try:
            outcome[mode] = ("ok", scan(path))
        except Refused as exc:
            outcome[mode] = (exc.kind, exc.message)
    assert outcome["fast"] == outcome["walk"]


def test_a_far_cell_in_a_plain_sheet_is_refused_as_by_the_walk(tmp_path, monkeypatch):
    def far(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b'<row r="900000"><c r="A900000"><v>1</v></c></row></sheetData>', 1)

    path = rewrite(valid(tmp_path), tmp_path / "far.xlsx", edit={"xl/worksheets/sheet2.xml": far})
    with pytest.raises(Refused) as fast:
        scan(path)
    _walk_only(monkeypatch)
    with pytest.raises(Refused) as walk:
        scan(path)
    assert fast.value.kind == "工作表范围过大" and (fast.value.kind, fast.value.message) == (walk.value.kind, walk.value.message)


@pytest.mark.parametrize("edit", [
    (rb'<c r="A1"', b'<c r="&#65;1"'),  # a character reference: only the walk decodes it
    (rb"<sheetData>", b"<!-- <c r=\"XFD1\"/> --><sheetData>"),  # a comment
    (rb'<c r="A1"', b'<c  r="A1"'),  # not the plain spelling
    (rb'<c r="A1"', b'<x:c xmlns:x="urn:x" r="A1"'),  # a prefixed cell
])
def test_anything_unusual_goes_to_the_walk(tmp_path, edit):
    data = _member(valid(tmp_path), "xl/worksheets/sheet1.xml")
    assert re.search(edit[0], data)
    changed = data.replace(edit[0], edit[1], 1)
    assert not H._fast_sheet(changed, rules().limits, [10**9], [10**6])


def test_a_formula_sends_the_sheet_to_the_walk(tmp_path):
    data = _member(valid(tmp_path), "xl/worksheets/sheet2.xml")
    with_formula = data.replace(b"<v>", b"<f>SUM(A1:A2)</f><v>", 1)
    assert with_formula != data
    assert not H._fast_sheet(with_formula, rules().limits, [10**9], [10**6])


def test_a_truncated_part_is_left_to_the_walk(tmp_path):
    data = _member(valid(tmp_path), "xl/worksheets/sheet2.xml")
    assert not H._fast_sheet(data[: len(data) // 2], rules().limits, [10**9], [10**6])


_REFS = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_ODD = re.compile(rb"<c[>/\t\n\r]")


def _extent_by_regex(data: bytes):
    """The cell extent as the regular expression reads it (the fast path's numpy reading must agree)."""
    refs = _REFS.findall(data)
    if len(refs) != data.count(b"<c ") or _ODD.search(data):
        return None
    if not refs:
        return ()
    rows = {int(r) for _, r in refs}
    cols = {H.col_index(c.decode("ascii")) for c, _ in refs}
    return min(rows), max(rows), min(cols), max(cols) + 1


def _extent_by_numpy(data: bytes):
    import numpy as np

    return H._cell_extent(np.frombuffer(data + bytes(H._PAD), np.uint8), data.count(b"<c "))


@pytest.mark.parametrize("data", [
    b'<c r="A1"/>', b'<c r="B2"/><c r="AA10"/><c r="C3"/>', b'<c r="XFD1048576"/>', b'<c r="ZZZ9"/>',
    b'<c r="AAAA1"/>', b'<c r="A12345678"/>', b'<c r="a1"/>', b"<c r='A1'/>", b'<c  r="A1"/>', b'<c\tr="A1"/>',
    b"<c>", b"<c/>", b'<c r="1"/>', b'<c r="A"/>', b'<cols><col min="1"/></cols><c r="B7"/>', b"", b'x<c r="A1"',
])
def test_numpy_cell_extent_reads_references_as_the_regular_expression(data):
    assert _extent_by_numpy(data) == _extent_by_regex(data)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b"<", b"c", b" ", b"r", b"=", b'"', b"'", b"A", b"Z", b"a", b"0", b"1", b"9", b"/", b">", b"\t", b"<c r=\""]),
                max_size=40).map(b"".join))
def test_numpy_cell_extent_agrees_on_any_bytes(data):
    assert _extent_by_numpy(data) == _extent_by_regex(data)


def test_numpy_cell_extent_agrees_on_a_real_sheet(tmp_path):
    data = _member(valid(tmp_path), "xl/worksheets/sheet2.xml")
    assert _extent_by_numpy(data) == _extent_by_regex(data)
    assert _extent_by_numpy(data)[1] > 1


def _decision_by_regex(data: bytes, limits) -> bool | None:
    """What the fast path decides from the exact extent: inside the limits, outside, or no plain references."""
    extent = _extent_by_regex(data)
    if extent is None:
        return None
    if not extent:
        return True
    min_row, max_row, min_col, max_col = extent
    return not (max_row > limits.max_rows or max_col > limits.max_cols or (max_row - min_row + 1) * (max_col - min_col) > limits.max_cells)


def _within(data: bytes, limits):
    import numpy as np

    return H._within_limits(data, np.frombuffer(data + bytes(H._PAD), np.uint8), limits)


_TIGHT = dataclasses.replace(rules().limits, max_rows=120, max_cols=30, max_cells=2000)


def test_the_small_region_of_the_default_limits_is_rows_below_10000_and_columns_up_to_jz():
    pattern = H._outside_small(rules().limits)
    assert pattern is not None
    assert pattern.search(b'<c r="JZ9999"/>') is None  # column 286, row 9,999: 10,000 × 286 ≤ 3,000,000
    assert pattern.search(b'<c r="KA1"/>') and pattern.search(b'<c r="A10000"/>') and pattern.search(b'<c r="AAA1"/>')


def test_tight_limits_shrink_the_small_region():
    pattern = H._outside_small(_TIGHT)
    assert pattern is not None  # rows 0 … 9 (with two digits, 100 rows × 26 columns > 2,000 cells), columns A … Z (52 > 30)
    assert pattern.search(b'<c r="A9"/>') is None and pattern.search(b'<c r="A10"/>')


@pytest.mark.parametrize("limits", [rules().limits, _TIGHT])
@pytest.mark.parametrize("data", [
    b'<c r="A1"/>', b'<c r="JZ9999"/>', b'<c r="KA1"/>', b'<c r="A10000"/>', b'<c r="A100000"/>', b'<c r="A100001"/>',
    b'<c r="SF1"/><c r="A1"/>', b'<c r="SG1"/>', b'<c r="XFD1048576"/>', b'<c r="A0"/>', b'<c r="ZZZ9"/>',
    b'<c r="A1"/><c r="KZ9000"/>', b'<c r="A1"/><c r="A1"><c r="B2">', b"<c>", b'<c  r="A1"/>', b"", b'<cols/><col r="ZZZ1"/>',
])
def test_the_small_region_shortcut_decides_as_the_exact_extent(data, limits):
    assert _within(data, limits) == _decision_by_regex(data, limits)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b'<c r="', b"A", b"J", b"K", b"Z", b"0", b"1", b"9", b'"', b"/>", b" ", b"<c", b"\t", b"<col "]),
                max_size=40).map(b"".join), st.sampled_from([rules().limits, _TIGHT]))
def test_the_small_region_shortcut_agrees_on_any_bytes(data, limits):
    assert _within(data, limits) == _decision_by_regex(data, limits)
