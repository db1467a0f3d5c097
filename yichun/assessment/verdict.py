"""Readiness per county, track and year (the notice's test: 所有A类指标全部达标，B类指标取得较好评价).

ready = every A-class item met (缺数据 is not met), the share of B-class items rated
rules.b_rule.min_rating or better ≥ rules.b_rule.share, and no 一票否决 item triggered. Which item is A or B is the
catalogue's `class` field (docs/domain.md §4), so a profile changes the reading, not this code.
`unmet` lists the codes not met (failed or missing, A and B); `missing` names, for each code
lacking data, what is missing and where (schools, kindergartens, fields, 县级指标 codes), taken
from the item's detail; `missing_codes` just the codes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.assessment.core import MISSING, STR, TOL
from yichun.catalogue import Catalogue

READINESS_COLUMNS = ["county", "track", "year", "a_met", "a_total", "b_good", "b_total", "ready", "veto", "unmet", "missing",
                     "missing_codes", "b_rule"]


def missing_text(code: str, detail: str, limit: int = 160) -> str:
    """`R4（缺数据：城关小学（未填教学及辅助用房面积））`: the code and the 缺数据 part of its detail."""
    at = detail.find(MISSING)
    what = detail[at:] if at >= 0 else MISSING
    if len(what) > limit:
        what = what[: limit - 1] + "…"
    return f"{code}（{what}）"
TRACK_ORDER = ("义务教育", "学前教育")


def readiness(groups, matrices: dict, cat: Catalogue) -> pd.DataFrame:
    """Readiness from the item verdict matrices of `county_items.assemble` (county-year × item)."""
    share_needed = cat.b_rule.share
    met, veto_m = matrices["met"], matrices["veto"]
    codes = np.asarray(matrices["codes"], dtype=object)
    is_a = matrices["klass"] == "A"
    track = matrices["track"]
    details = matrices.get("details")
    frames: dict[str, list] = {k: [] for k in ("g", "track", "a_met", "a_total", "b_good", "b_total", "veto", "unmet", "missing", "missing_codes")}
    for t in [t for t in TRACK_ORDER if t in set(track)] + sorted(set(track) - set(TRACK_ORDER)):
        cols = track == t
        m = met[:, cols]
        a, c = is_a[cols], codes[cols]
        frames["g"].append(np.arange(groups.n))
        frames["track"].append(np.full(groups.n, t, dtype=object))
        frames["a_met"].append((m[:, a] == 1).sum(axis=1))
        frames["a_total"].append(np.full(groups.n, a.sum()))
        frames["b_good"].append((m[:, ~a] == 1).sum(axis=1))
        frames["b_total"].append(np.full(groups.n, (~a).sum()))
        frames["veto"].append(veto_m[:, cols].any(axis=1))
        frames["unmet"].append(np.array(["、".join(c[row != 1]) for row in m], dtype=object))
        frames["missing_codes"].append(np.array(["、".join(c[np.isnan(row)]) for row in m], dtype=object))
        idx = np.flatnonzero(cols)
        frames["missing"].append(np.array([
            "；".join(missing_text(codes[idx[j]], details[idx[j]][gi] if details is not None else "") for j in np.flatnonzero(np.isnan(row)))
            for gi, row in enumerate(m)], dtype=object))
    f = {k: np.concatenate(v) if v else np.zeros(0) for k, v in frames.items()}
    order = np.lexsort((np.arange(len(f["g"])), f["g"]))  # county, year, then track in TRACK_ORDER
    f = {k: v[order] for k, v in f.items()}
    a_met, a_total, b_good, b_total = (f[k].astype("int64") for k in ("a_met", "a_total", "b_good", "b_total"))
    with np.errstate(divide="ignore", invalid="ignore"):
        b_share = np.where(b_total > 0, b_good / np.where(b_total > 0, b_total, 1), 1.0)
    veto = f["veto"].astype(bool)
    g = f["g"].astype("int64")
    return pd.DataFrame({
        "county": pd.array(groups.county[g], dtype=STR), "track": pd.array(f["track"], dtype=STR), "year": groups.year[g],
        "a_met": a_met, "a_total": a_total, "b_good": b_good, "b_total": b_total,
        "ready": (a_met == a_total) & (b_share >= share_needed - TOL) & ~veto, "veto": veto,
        "unmet": pd.array(f["unmet"], dtype=STR), "missing": pd.array(f["missing"], dtype=STR),
        "missing_codes": pd.array(f["missing_codes"], dtype=STR), "b_rule": pd.array([cat.b_rule.text()] * len(g), dtype=STR),
    })[READINESS_COLUMNS]
