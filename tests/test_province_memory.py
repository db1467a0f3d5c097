"""Memory at province scale: repeated texts are one object, cache bundles are read in place
(the peak itself is measured by benchmarks/bench.py, not here)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from yichun.assessment.core import filled
from yichun.assessment.gap_rows import GapRows
from yichun.intake.cache import _blobs, load_stored, save_cached
from yichun.intake.reader import FileResult


def test_filled_holds_one_object_for_every_row():
    out = filled(4, "幼儿园")
    assert out.tolist() == ["幼儿园"] * 4
    assert len({id(v) for v in out}) == 1


def test_a_gap_block_holds_a_scalar_text_once():
    rows = GapRows()
    rows.add(3, g=np.arange(3), item="音乐专用教室", shortfall=np.ones(3))
    block = rows.blocks[0]
    assert block["item"].tolist() == ["音乐专用教室"] * 3
    assert len({id(v) for v in block["item"]}) == 1
    assert block["g"].tolist() == [0, 1, 2]


def test_binary_values_are_slices_of_the_columns_own_buffer():
    column = pa.chunked_array([pa.array([b"ab", b"", b"cde"], pa.binary()), pa.array([b"xyz"], pa.binary())])
    blobs = _blobs(column)
    assert [b.to_pybytes() for b in blobs] == [b"ab", b"", b"cde", b"xyz"]
    data = column.chunk(0).buffers()[2]
    assert data.address <= blobs[2].address < data.address + data.size  # not a copy


def test_a_bundle_read_back_in_place_gives_the_same_parts(tmp_path):
    res = FileResult(file="2024/甲县.xlsx", sha256="0" * 64, county="甲县", year=2024, sheets={"schools": "学校"})
    res.arrow["schools"] = pa.table({"school_id": ["S1", "S2"], "students_primary": [10.0, float("nan")]})
    res.headers = [{"table": "schools", "sheet": "学校", "field": "school_id", "seen": "学校代码", "present": True}]
    path = save_cached(tmp_path, res)
    back = load_stored(path)
    assert back.arrow["schools"].column("school_id").to_pylist() == ["S1", "S2"]
    assert back.arrow["schools"].column("students_primary").to_pylist()[0] == 10.0
    assert back.header_table.column("seen").to_pylist() == ["学校代码"]
    assert (back.county, back.year, back.sheets) == ("甲县", 2024, {"schools": "学校"})
