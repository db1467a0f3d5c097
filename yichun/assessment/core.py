"""Shared pieces of the assessment engine: comparisons with a float tolerance, value formatting,
the county-year universe, and small frame helpers.

Every threshold comes from the catalogue; this module only knows how to compare and print.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

# Relative tolerance for "meets the standard": R1 = 42 teachers / 1000 students × 100 is
# 4.2 on paper but 4.200000000000001 or 4.199999999999999 in floating point. The standards
# are published with at most two decimals, so 1e-9 never changes a real verdict.
TOL = 1e-9

KEYS = ["county", "year"]
COMPULSORY = "义务教育"
PRESCHOOL = "学前教育"
MISSING = "缺数据"
STR = pd.StringDtype(na_value=np.nan)  # pandas 3 default text dtype ("str"), resolved once


def filled(n: int, value) -> np.ndarray:
    """An object array of `n` references to one value. (`np.full(n, text, dtype=object)` makes a new
    str per element: tens of MB of copies of one word in a province's gap rows.)"""
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def meets(values, comparator: str, threshold) -> np.ndarray:
    """Vectorised `yichun.catalogue.compare`: 1.0 met, 0.0 not met, NaN when the value is missing.

    `threshold` may be a scalar or an array aligned with `values`. Comparisons allow the
    relative tolerance TOL so that a value exactly on the standard meets it.
    """
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, np.nan)
    ok = ~np.isnan(v)
    if comparator == "yes":
        res = v != 0
    elif comparator == "no":
        res = v == 0
    else:
        t = np.asarray(threshold, dtype=float)
        tol = TOL * np.maximum(1.0, np.abs(t))
        with np.errstate(invalid="ignore"):
            if comparator == ">=":
                res = v >= t - tol
            elif comparator == "<=":
                res = v <= t + tol
            elif comparator == ">":
                res = v > t + tol
            elif comparator == "<":
                res = v < t - tol
            elif comparator == "==":
                res = np.abs(v - t) <= tol
            else:
                raise ValueError(f"未知的比较符「{comparator}」")
        ok &= ~np.isnan(t)
    out[ok] = res[ok] if np.ndim(res) else res
    return out


def ratio_to_standard(values, comparator: str, threshold) -> np.ndarray:
    """How far a value reaches its standard: value ÷ standard for ≥, standard ÷ value for ≤."""
    v = np.asarray(values, dtype=float)
    t = np.asarray(threshold, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if comparator in ("<=", "<"):
            r = np.where(v > 0, t / v, np.where(v == 0, np.inf, np.nan))
        else:
            r = v / t
    return np.where(np.isnan(v), np.nan, r)


def to_boolean(flags: np.ndarray) -> pd.arrays.BooleanArray:
    """1.0/0.0/NaN → pandas nullable boolean (NaN → NA)."""
    f = np.asarray(flags, dtype=float)
    return pd.arrays.BooleanArray(f == 1.0, np.isnan(f))


def all_met(*flags: np.ndarray) -> np.ndarray:
    """Combine several 1/0/NaN flags: 0 if any is 0, else NaN if any is NaN, else 1."""
    stack = np.vstack([np.asarray(f, dtype=float) for f in flags])
    out = np.ones(stack.shape[1])
    out[np.isnan(stack).any(axis=0)] = np.nan
    out[(stack == 0).any(axis=0)] = 0.0
    return out


OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "yes": "是", "no": "否"}


def is_percent(unit: str) -> bool:
    return unit.strip() == "%"


def fmt_number(x, digits: int = 2) -> str:
    """A number for reading: up to `digits` decimals, trailing zeros dropped, 千分位 from 10,000."""
    if x is None or x is pd.NA:
        return MISSING
    x = float(x)
    if x != x:
        return MISSING
    if x in (math.inf, -math.inf):
        return "∞"
    if abs(x) >= 10000:
        return f"{x:,.0f}"
    r = round(x, digits)
    return str(int(r)) if r == int(r) else repr(r)


def fmt_array(x, digits: int = 2) -> np.ndarray:
    """`fmt_number` over an array (vectorised: numpy's shortest float repr after rounding)."""
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, MISSING, dtype=object)
    finite = np.isfinite(x)
    r = np.round(np.where(finite, x, 0.0), digits)
    whole = finite & (r == np.trunc(r))
    out[whole] = r[whole].astype("int64").astype(str)
    frac = finite & ~whole
    out[frac] = r[frac].astype(str)
    big = finite & (np.abs(x) >= 10000)
    if big.any():
        out[big] = [f"{v:,.0f}" for v in x[big]]
    out[np.isinf(x)] = "∞"
    return out


def fmt_value(x, unit: str = "", comparator: str | None = None) -> str:
    """A value with its unit as a reader expects it: 92.5%, 是/否, 4.2 人/百生."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    if comparator in ("yes", "no") or unit == "是/否":
        return "是" if float(x) != 0 else "否"
    if is_percent(unit):
        return f"{float(x) * 100:.1f}%"
    text = fmt_number(x)
    return f"{text} {unit}" if unit and unit not in ("比率",) else text


def fmt_standard(comparator: str, threshold, unit: str = "") -> str:
    if comparator in ("yes", "no"):
        return f"应为「{'是' if comparator == 'yes' else '否'}」"
    return f"{OPS.get(comparator, comparator)} {fmt_value(threshold, unit)}"


class Groups:
    """The county-year universe of one assessment and fast per-group reductions.

    Rows of any input frame get an integer code (their county-year's position in `frame`);
    sums and counts per county-year are `np.bincount`, so nothing loops over schools.
    """

    def __init__(self, cy: pd.DataFrame):
        self.frame = cy.reset_index(drop=True)
        self.n = len(cy)
        self.county = self.frame["county"].to_numpy(object)
        self.year = self.frame["year"].to_numpy("int64")
        self._county_pos = {c: i for i, c in enumerate(pd.unique(self.county))}
        self._keys = np.array([self._county_pos[c] for c in self.county], dtype="int64") * 100000 + self.year
        self.pairs = list(zip(self.county, self.year.tolist()))

    def codes(self, frame: pd.DataFrame) -> np.ndarray:
        """Each row's county-year position (-1 when the county-year is not assessed)."""
        if not len(frame):
            return np.zeros(0, dtype="int64")
        codes, uniq = pd.factorize(frame["county"])
        pos = np.array([self._county_pos.get(c, -1) for c in uniq], dtype="int64")
        cpos = np.where(codes >= 0, pos[codes], -1)
        keys = cpos * 100000 + frame["year"].to_numpy("int64")
        at = np.searchsorted(self._keys, keys)
        at = np.minimum(at, max(self.n - 1, 0))
        found = (cpos >= 0) & (self.n > 0) & (self._keys[at] == keys if self.n else False)
        return np.where(found, at, -1)

    def sum(self, codes: np.ndarray, weights, skipna: bool = False) -> np.ndarray:
        """Per county-year sum; NaN when any row is NaN unless skipna (missing is never zero)."""
        w = np.asarray(weights, dtype=float)
        ok = codes >= 0
        if skipna:
            w = np.nan_to_num(w)
        return np.bincount(codes[ok], weights=w[ok], minlength=self.n)[: self.n]

    def count(self, codes: np.ndarray, mask=None) -> np.ndarray:
        ok = codes >= 0
        if mask is not None:
            ok &= np.asarray(mask, dtype=bool)
        return np.bincount(codes[ok], minlength=self.n)[: self.n].astype(float)

    def lists(self, codes: np.ndarray, mask, texts, limit: int | None = 8) -> tuple[list[list[str]], np.ndarray]:
        """Per county-year, the texts of (at most `limit` of) the rows where mask holds, and how many there are.

        `texts` is an array aligned with the rows, or a function of row positions returning
        texts for just those rows (so only the offenders shown are ever formatted).
        """
        out: list[list[str]] = [[] for _ in range(self.n)]
        sel = np.flatnonzero(np.asarray(mask, dtype=bool) & (codes >= 0))
        totals = np.bincount(codes[sel], minlength=self.n)[: self.n] if len(sel) else np.zeros(self.n, dtype="int64")
        if not len(sel):
            return out, totals
        sel = sel[np.argsort(codes[sel], kind="stable")]
        if limit is not None:
            c = codes[sel]
            start = np.r_[True, c[1:] != c[:-1]]
            pos = np.arange(len(sel))
            rank = pos - np.maximum.accumulate(np.where(start, pos, 0))
            sel = sel[rank < limit]
        shown = texts(sel) if callable(texts) else np.asarray(texts, dtype=object)[sel]
        for i, t in zip(codes[sel], shown):
            out[i].append(t)
        return out, totals


def county_years(inputs, years: list[int] | None) -> pd.DataFrame:
    """Every county-year that has any data (schools, kindergartens or 县级指标) in `years`, sorted."""
    found: set[tuple[str, int]] = set()
    for frame in (inputs.schools, inputs.kindergartens, inputs.county_inputs):
        if frame is None or frame.empty or not {"county", "year"} <= set(frame.columns):
            continue
        codes, uniq = pd.factorize(frame["county"])
        year = frame["year"].to_numpy(dtype="float64", na_value=np.nan)
        ok = (codes >= 0) & ~np.isnan(year)
        key = np.unique(codes[ok].astype("int64") * 100000 + year[ok].astype("int64"))
        found.update((str(uniq[k // 100000]), int(k % 100000)) for k in key)
    if years is not None:
        wanted = set(years)
        found = {p for p in found if p[1] in wanted}
    pairs = sorted(found)
    return pd.DataFrame({"county": pd.array([p[0] for p in pairs], dtype=STR),
                         "year": np.array([p[1] for p in pairs], dtype="int64")})


def column(frame: pd.DataFrame, name: str, dtype=float) -> pd.Series:
    """A column if present, else an all-missing one (a template without the column still assesses)."""
    if name in frame.columns:
        return frame[name]
    if dtype is float:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    return pd.Series(pd.NA, index=frame.index, dtype=dtype)


def compliance_details(n_total, n_ok, bad, n_bad, missing, n_missing, *, what: str, ok_text: str, bad_label: str, none_text: str) -> list[str]:
    """Per county-year detail of a school-by-school check: "80 所学校中 76 所符合；不符合：…；缺数据：…"."""
    detail = []
    for total, good, b, nb, m, nm in zip(n_total, n_ok, bad, n_bad, missing, n_missing):
        if total == 0:
            detail.append(f"{MISSING}：{none_text}")
            continue
        text = f"{total:.0f} 所{what}中 {good:.0f} 所{ok_text}"
        if b:
            text += f"；{bad_label}：{join_names(b, nb)}"
        if m:
            text += f"；{MISSING}：{join_names(m, nm)}"
        detail.append(text)
    return detail


def join_names(names, total: int | None = None, limit: int = 8) -> str:
    """'甲、乙、丙等12项' style list for a detail text (`total` when `names` is already cut short)."""
    names = [str(n) for n in names]
    total = len(names) if total is None else int(total)
    if total <= limit and len(names) >= total:
        return "、".join(names)
    return "、".join(names[:limit]) + f"等{total}项"


def numeric_columns(frame: pd.DataFrame, names) -> dict[str, np.ndarray]:
    """Several numeric columns as float arrays in one extraction (absent columns: all NaN)."""
    names = list(dict.fromkeys(names))
    present = [c for c in names if c in frame.columns]
    n = len(frame)
    out = {}
    if present:
        block = np.ascontiguousarray(frame[present].to_numpy(dtype=float, na_value=np.nan).T)
        out = {c: block[i] for i, c in enumerate(present)}
    for c in names:
        if c not in out:
            out[c] = np.full(n, np.nan)
    return out


def item_rows(code: str, value, met, detail, rating=None) -> dict:
    """A computed item for every county-year: code, value, met (1/0/NaN), detail [, rating]."""
    return {"code": code, "value": np.asarray(value, dtype=float), "met": np.asarray(met, dtype=float),
            "detail": list(detail), "rating": rating}


def objects(column: pd.Series) -> np.ndarray:
    """A column as an object array with None where it is missing (for text compared value by value)."""
    return column.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]  # pandas-stubs omits na_value=None
