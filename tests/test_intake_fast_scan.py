"""The hostile-file scan's fast path for plain worksheets agrees with the expat walk, byte for byte:
same Scan, same charge on the shared budgets, and every refusal is the walk's own message."""

from __future__ import annotations

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
