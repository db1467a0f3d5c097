"""整改台账核对 in the briefings: per county, what became of the previous ledger's problems.

`read_ledgers(folder)` reads every .xlsx of a folder of ledgers the counties returned (any file
names) with the ledger's read-back (hostile-file checks included) and recognises each county's
file by its 县(市、区) column. `compute_rounds(assessment, year, counties, ...)` checks, per
county, the previous ledger against this year's problems: the county's returned ledger when there
is one, else the ledger of the previous statistical year generated from the data (then nothing
can be "claimed done"). The `Round` of each county also gives the rows of its 问题清单 workbook,
so the briefing computes them once.

`round_numbers(data, county)` is the one source of every number the county page, the Word
汇报材料 and the city table show; the prose is built from those numbers.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from yichun.errors import YichunError

RETURNED = "returned"  # basis: the county's returned ledger
GENERATED = "generated"  # basis: the previous year's ledger generated from the data
TITLE = "整改台账核对"
# the briefing's columns, in round_history's wording
COLUMNS = ("上期问题数", "已销号", "未销号", "其中逾期", "其中县报已完成但数据仍未达标", "新增")


@dataclass
class LedgerRounds:
    """The round of every county: its `Round` (yichun.ledger), the basis and the file read."""

    year: int
    previous_year: int | None  # the previous statistical year in the data (None: none before `year`)
    rounds: dict = field(default_factory=dict)  # county → yichun.ledger.Round
    basis: dict = field(default_factory=dict)  # county → RETURNED / GENERATED
    files: dict = field(default_factory=dict)  # county → file name of the returned ledger


def read_ledgers(folder) -> dict:
    """county → `Returned`, one per .xlsx in `folder`, the county read from the 县(市、区) column."""
    from yichun.counties import normalize_county
    from yichun.ledger import read_returned

    folder = Path(folder)
    if not folder.is_dir():
        raise YichunError(f"找不到返回的问题清单文件夹 {folder}")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("~$", ".")))
    if not files:
        raise YichunError(f"文件夹 {folder} 中没有文件：--ledgers 应指向各县(市、区)返回的问题清单（.xlsx）所在的文件夹")
    out: dict = {}
    for path in files:
        returned = read_returned(path)  # raises a Chinese InputError / YichunError naming the file
        names = set()
        for v in returned.frame.get("county", pd.Series(dtype=object)).dropna():
            try:
                names.add(normalize_county(str(v)))
            except YichunError:
                raise YichunError(f"返回的问题清单 {path.name} 的「县(市、区)」列有不认识的县(市、区)「{v}」") from None
        if len(names) != 1:
            what = f"有 {len(names)} 个县(市、区)（{'、'.join(sorted(names))}）" if names else "没有填写县(市、区)的行"
            raise YichunError(f"返回的问题清单 {path.name} {what}，无法确定是哪个县(市、区)的问题清单：每个文件应只含一个县(市、区)的问题")
        county = names.pop()
        if county in out:
            raise YichunError(f"返回的问题清单 {out[county].file} 和 {path.name} 都是{county}的，请只保留一份")
        out[county] = returned
    return out


def compute_rounds(assessment, year: int, counties, *, previous_assessment=None, previous_year: int | None = None,
                   returned: dict | None = None, as_of: _dt.date | None = None) -> LedgerRounds:
    """Each county's round: its returned ledger against `assessment`, or else the ledger of
    `previous_year` generated from `previous_assessment` (no earlier ledger when neither)."""
    from yichun.ledger import Round, carry_forward, close_out, present_units, problem_rows

    as_of = as_of or _dt.date.today()
    returned = returned or {}
    out = LedgerRounds(int(year), previous_year)
    for county in counties:
        rows = problem_rows(assessment, county, year)
        units = present_units(assessment, county, year)
        if county in returned:
            r = returned[county]
            closing = close_out(r, rows, units, as_of)
            out.rounds[county] = Round(carry_forward(rows, r, closing), closing, r)
            out.basis[county], out.files[county] = RETURNED, r.file
        elif previous_assessment is not None and previous_year is not None:
            prev = problem_rows(previous_assessment, county, previous_year)
            closing = close_out(prev, rows, units, as_of)
            out.rounds[county] = Round(rows, closing)  # nothing to carry forward; the workbook keeps no 销号情况 sheet
            out.basis[county] = GENERATED
        else:
            out.rounds[county] = Round(rows, pd.DataFrame())
    return out


def with_returned(data, returned: dict, as_of: _dt.date | None = None):
    """A copy of the briefing data whose counties with a returned ledger are checked against it
    (the others keep their round); counties of `returned` not in the data are left out."""
    import copy

    have = {c: r for c, r in returned.items() if c in data.counties}
    new = compute_rounds(data.assessment, data.year, list(have), returned=have, as_of=as_of)
    old = data.rounds or LedgerRounds(data.year, None)
    merged = LedgerRounds(data.year, old.previous_year, {**old.rounds, **new.rounds}, {**old.basis, **new.basis}, {**old.files, **new.files})
    out = copy.copy(data)
    out.__dict__.pop("_memo", None)
    out.rounds = merged
    return out


def round_numbers(data, county: str) -> dict | None:
    """上期问题数, 已销号, 未销号, 其中逾期, 其中县报已完成但数据仍未达标, 新增 (and 无法核实) of
    `county`, from `round_history`; None when the briefing has no earlier ledger for it."""
    from yichun.ledger import round_history

    lr = getattr(data, "rounds", None)
    if lr is None or county not in lr.basis:
        return None
    h = round_history(lr.rounds[county].closing)
    zero = dict.fromkeys((*COLUMNS, "无法核实"), 0)
    if h.empty:
        return zero
    row = h.iloc[0]
    return {k: int(row[k]) for k in zero}


def basis_text(data, county: str) -> str:
    """The one sentence that says which comparison the numbers are."""
    lr = data.rounds
    if lr.basis.get(county) == RETURNED:
        return f"核对依据：{county}返回的问题清单（{lr.files[county]}），逐个问题与 {lr.year} 年数据核对。"
    return (f"核对依据：未读取县里返回的问题清单，以数据生成的 {lr.previous_year} 年问题清单与 {lr.year} 年数据逐个核对"
            "（县里没有填报进度，「县报已完成但数据仍未达标」记为 0）。")


def county_round_text(data, county: str) -> str:
    """The 整改台账核对 paragraph of a county, every number from `round_numbers`."""
    n = round_numbers(data, county)
    if n is None:
        return f"{data.year} 年之前没有可核对的问题清单（数据中没有上一统计年度），本期不作销号核对。"
    lr = data.rounds
    prev = "县里返回的上期问题清单" if lr.basis[county] == RETURNED else f"{lr.previous_year} 年问题清单"
    text = (f"{prev}共 {n['上期问题数']} 个问题，对照 {lr.year} 年数据：已销号 {n['已销号']} 个，未销号 {n['未销号']} 个"
            f"（其中逾期 {n['其中逾期']} 个、县报已完成但数据仍未达标 {n['其中县报已完成但数据仍未达标']} 个）")
    if n["无法核实"]:
        text += f"，{n['无法核实']} 个因学校(幼儿园)不在本期数据中无法核实"
    text += f"；本期新增 {n['新增']} 个问题。"
    return text + basis_text(data, county)


def county_round_table(data, county: str) -> pd.DataFrame:
    """One row: the six counts of `round_numbers` (empty frame when there is no earlier ledger)."""
    n = round_numbers(data, county)
    if n is None:
        return pd.DataFrame(columns=list(COLUMNS))
    cols = _columns([n])
    return pd.DataFrame([[f"{n[k]:,}" for k in cols]], columns=cols)


def _columns(numbers: list) -> list[str]:
    """The six counts, with 无法核实 before 新增 when some earlier problem could not be verified
    (so that 上期问题数 = 已销号 + 未销号 + 无法核实 can be read off the table)."""
    cols = list(COLUMNS)
    if any(n["无法核实"] for n in numbers):
        cols.insert(cols.index("新增"), "无法核实")
    return cols


def city_round_table(data) -> pd.DataFrame:
    """One row per county: the six counts and the basis."""
    nums = {county: round_numbers(data, county) for county in data.counties}
    have: dict[str, dict] = {k: v for k, v in nums.items() if v is not None}
    cols = _columns(list(have.values()))
    rows = []
    for county, n in have.items():
        basis = "返回的问题清单" if data.rounds.basis[county] == RETURNED else f"{data.rounds.previous_year}年数据生成"
        rows.append([county, *(f"{n[k]:,}" for k in cols), basis])
    return pd.DataFrame(rows, columns=["县(市、区)", *cols, "核对依据"])


def city_round_text(data) -> str:
    """The city's sentence: which comparison, and the totals."""
    lr = getattr(data, "rounds", None)
    table = city_round_table(data)
    if lr is None or table.empty:
        return f"{data.year} 年之前没有可核对的问题清单（数据中没有上一统计年度），本期不作销号核对。"
    nums = [n for n in (round_numbers(data, c) for c in data.counties) if n is not None]
    tot = {k: sum(n[k] for n in nums) for k in COLUMNS}
    k_ret = sum(b == RETURNED for b in lr.basis.values())
    how = (f"{k_ret} 个县(市、区)按其返回的问题清单核对，其余按数据生成的 {lr.previous_year} 年问题清单核对" if k_ret
           else f"未读取县里返回的问题清单，各县(市、区)按数据生成的 {lr.previous_year} 年问题清单与 {lr.year} 年数据核对（「县报已完成但数据仍未达标」记为 0）")
    return (f"{how}。上期问题共 {tot['上期问题数']:,} 个：已销号 {tot['已销号']:,} 个，未销号 {tot['未销号']:,} 个"
            f"（其中逾期 {tot['其中逾期']:,} 个、县报已完成但数据仍未达标 {tot['其中县报已完成但数据仍未达标']:,} 个）"
            + (f"，{unverified:,} 个因学校(幼儿园)不在本期数据中无法核实" if (unverified := sum(n["无法核实"] for n in nums)) else "")
            + f"；本期新增 {tot['新增']:,} 个。")


def widths(frame: pd.DataFrame) -> tuple:
    """Relative column widths of a 整改台账核对 table in Word (the long header gets the most)."""
    wide = {"其中县报已完成但数据仍未达标": 20, "县(市、区)": 12, "核对依据": 14}
    return tuple(wide.get(c, 10) for c in frame.columns)
