"""The cells as typed (yichun.intake.astyped): a problem found across files quotes the cell as the
county typed it, and a quarantined row keeps its cells as typed, whether the file was parsed in
this run, taken from the cache or read in memory; when the stored bundle is gone, the parsed
value stands in."""

from __future__ import annotations

import pandas as pd
from intake_helpers import school, standard_sheets, write_sheets

from yichun.intake import ingest, read_folder
from yichun.intake.astyped import AsTyped
from yichun.intake.cache import load_stored, save_cached
from yichun.intake.reader import Gathering, read_workbook

TYPED = "－５"  # a full-width minus five: read as -5, quoted as typed


def _raw(tmp_path):
    raw = tmp_path / "raw"
    write_sheets(raw / "2025" / "宜丰县2025.xlsx", standard_sheets(schools=[school(1), school(2, students_primary=TYPED)]))
    return raw


def _negative(problems: pd.DataFrame) -> pd.DataFrame:
    return problems[problems["kind"] == "负数"]


def test_a_cross_file_problem_quotes_the_cell_as_typed_after_a_cold_run(tmp_path):
    result = ingest(_raw(tmp_path), tmp_path / "out")
    assert _negative(result.problems)["value"].tolist() == [TYPED]


def test_a_quarantined_row_keeps_its_cells_as_typed_after_a_cold_run(tmp_path):
    result = ingest(_raw(tmp_path), tmp_path / "out")
    q = result.inputs.quarantine
    assert q["students_primary"].tolist() == [TYPED]
    assert q["school_id"].tolist() == ["3609240002"]
    assert q["source_row"].tolist() == [int(_negative(result.problems)["row"].iloc[0])]


def test_cells_as_typed_come_from_the_cache_on_the_next_run(tmp_path):
    raw, out = _raw(tmp_path), tmp_path / "out"
    ingest(raw, out)  # fails (an error), but the workbook's cache entry is written
    again = ingest(raw, out)
    assert again.files_cached == ["2025/宜丰县2025.xlsx"]
    assert _negative(again.problems)["value"].tolist() == [TYPED]
    assert again.inputs.quarantine["students_primary"].tolist() == [TYPED]


def test_cells_as_typed_when_reading_in_memory(tmp_path):
    inputs, problems = read_folder(_raw(tmp_path))
    assert _negative(problems)["value"].tolist() == [TYPED]
    assert inputs.quarantine["students_primary"].tolist() == [TYPED]


def _stored(tmp_path):
    path = _raw(tmp_path) / "2025" / "宜丰县2025.xlsx"
    res = read_workbook(path, "2025/宜丰县2025.xlsx", "0" * 64, 2025)
    back = load_stored(save_cached(tmp_path, res), typed=False)
    assert back is not None and back.stored_at is not None
    assert not any(k.startswith("raw.") for k in back.arrow)  # left in the bundle
    gathering = Gathering()
    gathering.add(back)
    frame = gathering.table("schools").to_pandas()
    return back, {"schools": frame}, frame.index[frame["school_id"] == "3609240002"]


def test_a_stored_bundle_gives_the_typed_cell_of_a_row(tmp_path):
    back, tables, label = _stored(tmp_path)
    typed = AsTyped([back], tables)
    assert typed.value("schools", label[0], "students_primary") == TYPED
    assert typed.rows("schools", label)["students_primary"].tolist() == [TYPED]


def test_when_the_bundle_is_gone_the_parsed_value_stands_in(tmp_path):
    back, tables, label = _stored(tmp_path)
    back.stored_at.unlink()
    typed = AsTyped([back], tables)
    assert typed.value("schools", label[0], "students_primary") is None  # the caller then quotes the parsed value
    rows = typed.rows("schools", label)
    assert rows["students_primary"].tolist() == ["-5"]
    assert rows["school_id"].tolist() == ["3609240002"]


def test_rows_come_in_the_order_of_the_labels(tmp_path):
    back, tables, _ = _stored(tmp_path)
    typed = AsTyped([back], tables)
    labels = tables["schools"].index[::-1]
    assert typed.rows("schools", labels)["school_id"].tolist() == tables["schools"]["school_id"].tolist()[::-1]
