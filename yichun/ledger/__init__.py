"""The 问题清单 as a rectification ledger (整改台账): rows, read-back, 销号 and round history.

    from yichun.ledger import problem_rows, read_returned, ledger_round, round_history
    rows = problem_rows(a, "宜丰县", 2025, plans=inputs.plans, outlook=o)   # one row per problem
    r = ledger_round(a, "宜丰县", 2025, "宜丰县2024年问题清单（已填）.xlsx")  # 销号 against the data
    r.closing                 # every earlier problem with its 状态, then the 新增 ones
    round_history(r.closing)  # per county: 已销号 / 未销号 / 其中逾期 / 其中县报已完成但数据仍未达标 / 新增

Modules: config (ledger.yaml), problems (rows and ids), dates (完成时限), readback (the
returned workbook, under the intake's guards), closing (销号, carry-forward, history),
sheets (the 问题清单 and 销号情况 sheets), demo (fill a ledger in as a county would).
"""

from __future__ import annotations

from yichun.ledger.closing import CLOSING_LABELS, Round, carry_forward, close_out, ledger_round, present_units, round_history
from yichun.ledger.config import config
from yichun.ledger.dates import parse_deadline
from yichun.ledger.demo import fill_in
from yichun.ledger.problems import problem_id, problem_rows
from yichun.ledger.readback import Returned, read_returned

__all__ = ["CLOSING_LABELS", "Returned", "Round", "carry_forward", "close_out", "config", "fill_in", "ledger_round", "parse_deadline",
           "present_units", "problem_id", "problem_rows", "read_returned", "round_history"]
