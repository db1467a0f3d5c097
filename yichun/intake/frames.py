"""Column names and dtypes of the tidy tables intake produces, derived from the data dictionary.

Numeric fields are float64 (NaN = missing, never 0), booleans pandas "boolean", text `str`,
years Int64 while reading (int64 in the written tables when complete). Every table starts
with county, year and ends with the provenance columns of yichun.tables.PROVENANCE.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from yichun.dictionary import Field, sheets
from yichun.errors import Problem
from yichun.tables import PROVENANCE

DATA_TABLES = ("schools", "kindergartens", "county_inputs", "population", "plans", "townships")
PROVENANCE_DTYPES = dict(zip(PROVENANCE, ("str", "str", "Int64", "str"), strict=True))  # file, sheet, row, sha256
PROBLEM_DTYPES = {
    "severity": "str", "kind": "str", "message": "str", "file": "str", "sheet": "str", "row": "Int64",
    "column": "str", "value": "str", "county": "str", "year": "Int64",
}
assert list(PROBLEM_DTYPES) == Problem.columns()


def field_dtype(f: Field) -> str:
    return {"int": "float64", "float": "float64", "bool": "boolean", "year": "Int64"}.get(f.type, "str")


@cache
def dtypes(table: str) -> dict[str, str]:
    """Column → dtype of one tidy table, in output order."""
    if table == "problems":
        return dict(PROBLEM_DTYPES)
    if table == "quarantine":
        cols = {"table": "str", "county": "str", "year": "Int64"}
        for t in DATA_TABLES:
            for name in raw_dtypes(t):
                if name not in cols and name not in PROVENANCE_DTYPES:
                    cols[name] = "str"  # fields exactly as typed in the workbook
        return {**cols, **PROVENANCE_DTYPES, "reason": "str"}
    spec = sheets()[table]
    cols = {"county": "str", "year": "Int64"}
    if table == "county_inputs":
        cols.update({"code": "str", "name": "str", "value": "float64", "rating": "str", "unit": "str", "note": "str", "raw": "str"})
    elif table == "plans":
        cols.update({f.field: field_dtype(f) for f in spec.fields})
        cols = {**{k: v for k, v in cols.items() if k != "investment_wan"}, "level": "str", "investment_wan": "float64"}
    else:
        cols.update({f.field: field_dtype(f) for f in spec.fields})
    cols.update(PROVENANCE_DTYPES)
    return cols


def empty(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in dtypes(table).items()})


def conform(table: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    """The frame with exactly the table's columns, in order, with the table's dtypes."""
    if frame is None or frame.empty:
        return empty(table)
    spec = dtypes(table)
    out = {}
    for col, dtype in spec.items():
        if col in frame:
            s = frame[col]
            out[col] = s if str(s.dtype) == dtype else s.astype(dtype)  # type: ignore[call-overload]  # a dtype name from dtypes()
        else:
            out[col] = pd.Series(pd.NA if dtype != "float64" else float("nan"), index=frame.index, dtype=dtype)
    return pd.DataFrame(out, index=frame.index)


def finalize(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Written form: Int64 year columns become int64 when complete; fresh RangeIndex."""
    frame = conform(table, frame).reset_index(drop=True)
    for col in ("year", "birth_year", "plan_year"):
        if col in frame and table not in ("problems", "quarantine") and not frame[col].isna().any():
            frame[col] = frame[col].astype("int64")
    return frame


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    if not problems:
        return empty("problems")
    frame = pd.DataFrame([p.as_dict() for p in problems], columns=list(PROBLEM_DTYPES))
    return frame.astype(PROBLEM_DTYPES)


def arrow_types() -> dict:
    import pyarrow as pa

    return {"str": pa.string(), "float64": pa.float64(), "boolean": pa.bool_(), "Int64": pa.int64()}


@cache
def raw_dtypes(table: str) -> dict[str, str]:
    """The as-typed twin of a table: every dictionary field as text, plus county, year and provenance."""
    return {"county": "str", "year": "Int64", **{f.field: "str" for f in sheets()[table].fields}, **PROVENANCE_DTYPES}


def to_arrow(columns: dict[str, object], spec: dict[str, str], n: int):
    """An Arrow table from column lists/arrays with the given dtypes (absent columns all missing)."""
    import numpy as np
    import pyarrow as pa

    types = arrow_types()
    arrays = {}
    for col, dtype in spec.items():
        v = columns.get(col)
        if dtype == "float64":
            arrays[col] = pa.array(np.full(n, np.nan) if v is None else np.asarray(v, dtype="float64"))
        elif v is None:
            arrays[col] = pa.nulls(n, types[dtype])
        else:
            arrays[col] = pa.array(v, type=types[dtype])
    return pa.table(arrays)


def to_pandas(table) -> pd.DataFrame:
    """Arrow → pandas with the project's dtypes (str, float64, boolean, Int64)."""
    import pyarrow as pa

    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return table.to_pandas(types_mapper=mapping.get)
