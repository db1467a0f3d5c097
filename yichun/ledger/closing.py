"""销号: an earlier ledger checked against this year's data, the county's entries carried forward,
and the round history per county.

Status of each problem of the earlier ledger (matched by 问题编号):

- 已销号: no longer in this year's data, while the school (kindergarten, county) is in the data;
- 无法核实: no longer in the data because the school is not in this year's data at all (missing
  is never a pass: a school that did not report is not closed off);
- 县报已完成但数据仍未达标: still in the data although the county marked it 已完成;
- 逾期: still in the data and its 完成时限 is before `as_of` (the date of the run by default);
- 仍存在: still in the data otherwise.

Problems of this year that were not in the earlier ledger are 新增.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from yichun.ledger.config import config
from yichun.ledger.problems import county_code, problem_rows
from yichun.ledger.readback import Returned, read_returned

CLOSING_COLUMNS = ["problem_id", "county", "school_id", "school_name", "level", "indicator", "indicator_name",
                   "previous_shortfall", "current_shortfall", "unit", "progress", "deadline", "status", "check_note", "excel_row"]
CLOSING_LABELS = {"problem_id": "问题编号", "county": "县(市、区)", "school_id": "学校(幼儿园)标识码", "school_name": "学校(幼儿园)名称",
                  "level": "学段", "indicator": "指标代码", "indicator_name": "指标名称", "previous_shortfall": "上期缺口",
                  "current_shortfall": "本期缺口", "unit": "单位", "progress": "县报进度", "deadline": "完成时限", "status": "状态",
                  "check_note": "核对说明", "excel_row": "上期清单行号"}


@dataclass
class Round:
    """One round of the ledger: this year's rows (entries carried forward), the 销号 table, the counts."""

    rows: pd.DataFrame
    closing: pd.DataFrame
    returned: Returned | None = None

    def history(self) -> pd.DataFrame:
        return round_history(self.closing)


def present_units(assessment, county: str, year: int) -> set[str]:
    """Ids of the schools and kindergartens in the county's data of `year`, and the county code."""
    units = {county_code(county)}
    for name, col in (("school_parts", "school_id"), ("school_checks", "school_id"), ("kg_checks", "kg_id")):
        f = getattr(assessment, name, None)
        if f is not None and len(f):
            units |= set(f.loc[(f["county"] == county) & (f["year"] == year), col].astype(str))
    return units


def _fmt(q, unit) -> str:
    if q is None or pd.isna(q):
        return "—"
    return f"{float(q):,.0f} {unit}" if float(q).is_integer() else f"{float(q):,.2f} {unit}"


def close_out(previous: Returned | pd.DataFrame, rows: pd.DataFrame, units: set[str], as_of: dt.date) -> pd.DataFrame:
    """The 销号 table: every earlier problem with its status, then this year's new problems."""
    st = config().statuses
    prev = previous.frame if isinstance(previous, Returned) else previous
    current = rows.set_index("problem_id")
    out = []
    for p in prev.to_dict("records"):
        pid = p["problem_id"]
        unit = p.get("unit") or ""
        base = {k: p.get(k) for k in CLOSING_COLUMNS if k in p}
        base["previous_shortfall"] = p.get("shortfall")
        deadline = p.get("deadline")
        if pid in current.index:
            c = current.loc[pid]
            base.update({k: c[k] for k in ("county", "school_id", "school_name", "level", "indicator", "indicator_name")})
            base["current_shortfall"] = c["shortfall"]
            unit = c["unit"]
            still = f"本期数据仍缺 {_fmt(c['shortfall'], unit)}"
            if p.get("progress") == "已完成":
                status, note = st["claimed"], f"县报已完成，但{still}"
            elif deadline is not None and deadline < as_of:
                status, note = st["overdue"], f"完成时限 {deadline.isoformat()} 已过（核对日 {as_of.isoformat()}），{still}"
            else:
                status, note = st["remains"], still
        else:
            base["current_shortfall"] = None
            uid = p.get("school_id") or str(pid).rsplit("-", 2)[0]
            if uid in units:
                status, note = st["closed"], "本期数据已无此缺口"
            else:
                status, note = st["unverifiable"], "本期数据中没有该校(园)，无法核实是否已整改（不作销号）"
        base.update(unit=unit, status=status, check_note=note)
        out.append(base)
    new = rows[~rows["problem_id"].isin(set(prev["problem_id"]))]
    for c in new.to_dict("records"):
        out.append({**{k: c.get(k) for k in CLOSING_COLUMNS if k in c}, "previous_shortfall": None, "current_shortfall": c["shortfall"],
                    "progress": None, "deadline": None, "status": st["new"], "check_note": "上期问题清单中没有的问题", "excel_row": None})
    return pd.DataFrame(out, columns=CLOSING_COLUMNS)


def carry_forward(rows: pd.DataFrame, previous: Returned | pd.DataFrame, closing: pd.DataFrame | None = None) -> pd.DataFrame:
    """This year's rows with the county's entries from the earlier ledger, for problems that persist."""
    cfg = config()
    prev = (previous.frame if isinstance(previous, Returned) else previous).set_index("problem_id")
    earlier = prev.to_dict("index")  # problem_id → {field: entry}
    out = rows.copy()
    status = closing.set_index("problem_id")["status"] if closing is not None else pd.Series(dtype=object)
    for i, pid in out["problem_id"].items():
        if pid not in earlier:
            continue
        for f in cfg.fill_in:
            v = earlier[pid].get(f)
            if f in prev.columns and v is not None and not (isinstance(v, float) and pd.isna(v)):
                out.at[i, f] = v
        s = status.get(pid)
        if s and s != cfg.statuses["remains"]:
            out.at[i, "note"] = f"{out.at[i, 'note']!s}；上期销号核对：{s}"
    return out


def round_history(closing: pd.DataFrame) -> pd.DataFrame:
    """Per county, since the earlier ledger: how many problems were closed, remain (of which
    overdue, claimed done but not), could not be verified, and are new."""
    st = config().statuses
    cols = ["县(市、区)", "上期问题数", st["closed"], "未销号", f"其中{st['overdue']}", f"其中{st['claimed']}", st["unverifiable"], st["new"]]
    if closing is None or closing.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for county, c in closing.groupby("county", sort=True):
        s = c["status"]
        earlier = int((s != st["new"]).sum())
        persist = int(s.isin([st["remains"], st["overdue"], st["claimed"]]).sum())
        rows.append([county, earlier, int((s == st["closed"]).sum()), persist, int((s == st["overdue"]).sum()),
                     int((s == st["claimed"]).sum()), int((s == st["unverifiable"]).sum()), int((s == st["new"]).sum())])
    return pd.DataFrame(rows, columns=cols)


def ledger_round(assessment, county: str, year: int, previous, *, plans=None, outlook=None, as_of: dt.date | None = None) -> Round:
    """This year's ledger rows checked against an earlier, returned ledger (a path or a `Returned`)."""
    rows = problem_rows(assessment, county, year, plans=plans, outlook=outlook)
    if previous is None:
        return Round(rows, pd.DataFrame(columns=CLOSING_COLUMNS))
    returned = previous if isinstance(previous, Returned) else read_returned(previous, county=county)
    closing = close_out(returned, rows, present_units(assessment, county, year), as_of or dt.date.today())
    return Round(carry_forward(rows, returned, closing), closing, returned)
