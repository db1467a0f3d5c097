"""Intake: county workbooks (.xlsx, .xls, .ods) → tidy tables (yichun.tables.Inputs) and problem records.

- `load(raw_dir=None, *, use_processed=True) -> Inputs` for notebooks
- `ingest(raw_dir, out_dir) -> IngestResult` reads, checks and writes parquet (used by `yichun ingest`)
- `read_folder(raw_dir) -> (Inputs, problems)` in memory (used by `yichun assess --raw`)
- `read_workbook(path, file)` one workbook, parsed, without the cross-file checks

Modules: folder (every file of the folder accounted for), hostile (refuse unsafe files before
parsing, whatever their XML spelling), isolate (each file parsed in a bounded child process),
reader (calamine → parsed frames), headers (header detection and normalisation), values (cell
parsing), validate (pandera schemas and rules), cache (per-file Arrow IPC bundles), ingest
(manifest, locking, the tables committed as one set), report (the text report of a run),
summary (problem and completeness tables for notebooks).
"""

from __future__ import annotations

from yichun.intake.ingest import IngestResult, ingest, load, read_folder
from yichun.intake.reader import FileResult, read_workbook

__all__ = ["FileResult", "IngestResult", "ingest", "load", "read_folder", "read_workbook"]
