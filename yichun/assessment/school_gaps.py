"""Gaps at school level: school parts that fail the 6-of-7 school rule (R1–R7 brought to the
standard), and schools failing G3 (music and art rooms), G4 (size), G5 (class size), G12
(teacher certificates). The arithmetic of combined schools is in `gaps` (docs/domain.md §2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from yichun.assessment.compulsory import RSpec, SchoolFrames
from yichun.assessment.core import COMPULSORY, TOL, Groups, fmt_array, fmt_number
from yichun.assessment.costs import R_COST, UnitCosts, price_wan, round_up
from yichun.assessment.gap_rows import GapRows, level_thresholds, resource_addition
from yichun.catalogue import Catalogue


def school_rule_gaps(rows: GapRows, sf: SchoolFrames, groups: Groups, cat: Catalogue, specs: dict[str, RSpec], costs: UnitCosts) -> None:
    """R1–R7 below standard at each counted part; billed where the part fails the school rule."""
    p = sf.part_arrays
    counted = p["counted"] & (sf.g_parts >= 0)
    passed = p["passed"]
    level, share, students = p["level"], p["share"], p["students"]
    sid, name = p["school_id"], p["school_name"]
    shared_rows = []  # (block index, rows) of billed shared-facility gaps
    for code, spec in specs.items():
        sel = np.flatnonzero(counted & (p[f"{code}_met"] == 0))
        if not len(sel):
            continue
        key = R_COST[code]
        unit = costs[key]["unit"]
        t = level_thresholds(level[sel], cat[code].thresholds)
        qty = round_up(resource_addition(spec, t, students[sel], share[sel], p[spec.resource][sel]), unit)
        sh = share[sel]
        note = np.full(len(sel), "", dtype=object)
        if not spec.per_level:
            note = np.where(sh >= 1 - TOL, note, "全校新增量（按" + fmt_array(sh * 100, 1) + "%分摊给本学段）")
        billed = ~passed[sel]
        rows.add(len(sel), g=sf.g_parts[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level=level[sel],
                 indicator=code, item=costs[key]["name"], basis="学校达标", value=p[code][sel], standard=t,
                 shortfall=qty, unit=unit, cost_wan=price_wan(qty, key, costs), required=billed.copy(), in_bill=billed.copy(),
                 cost_key=key, note=note)
        if not spec.per_level:
            shared_rows.append(len(rows.blocks) - 1)
    # one addition to a shared facility serves both parts of a school: bill the larger one only
    for b in shared_rows:
        block = rows.blocks[b]
        cand = np.flatnonzero(block["in_bill"])
        if len(cand) < 2:
            continue
        school = pd.factorize(block["school_id"][cand])[0]
        order = np.lexsort((-block["shortfall"][cand], school, block["g"][cand]))
        pair = np.stack([block["g"][cand][order], school[order]])
        first = np.r_[True, (pair[:, 1:] != pair[:, :-1]).any(axis=0)]
        drop = cand[order[~first]]
        block["in_bill"][drop] = False
        block["note"][drop] = "已由同校另一学段的新增量满足"


def check_gaps(rows: GapRows, sf: SchoolFrames, groups: Groups, cat: Catalogue, costs: UnitCosts) -> None:
    """G3 rooms to add, G4 students above the size limit, G5 oversize classes, G12 uncertified teachers."""
    c = sf.school_arrays
    counted = c["checked"] & (sf.g_schools >= 0)  # the G3–G5 scope (rules.item_scopes), private schools included
    g = sf.g_schools
    sid, name = c["school_id"], c["school_name"]
    g3 = cat["G3"].thresholds
    for kind, key in (("music", "music_room"), ("art", "art_room")):
        under = c[f"{kind}_undersized"]
        qty = np.nan_to_num(c[f"{kind}_short"]) + under
        sel = np.flatnonzero(counted & (qty > 0))
        note = np.where(under[sel], f"含改扩建面积不足{fmt_number(g3[f'{kind}_room_m2'])}㎡的1间", "").astype(object)
        rows.add(len(sel), g=g[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level="全校", indicator="G3",
                 item=costs[key]["name"], basis="政府保障程度", value=c[f"{kind}_rooms"][sel],
                 standard=c["rooms_needed"][sel], shortfall=qty[sel], unit=costs[key]["unit"],
                 cost_wan=price_wan(qty[sel], key, costs), required=np.ones(len(sel), bool), in_bill=np.ones(len(sel), bool),
                 cost_key=key, note=note)
    excess = c["size_excess"]
    sel = np.flatnonzero(counted & (excess > 0))
    key = "oversize_students"
    rows.add(len(sel), g=g[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level="全校", indicator="G4",
             item=costs[key]["name"], basis="政府保障程度", value=c["compulsory_students"][sel],
             standard=c["size_limit"][sel], shortfall=excess[sel], unit=costs[key]["unit"],
             cost_wan=np.full(len(sel), np.nan), required=np.ones(len(sel), bool), in_bill=np.ones(len(sel), bool), cost_key=key, note="")
    g5 = cat["G5"].thresholds
    key = "class_excess"
    for level, sfx in (("小学", "primary"), ("初中", "junior")):
        if f"class_excess_{sfx}" not in c:
            continue
        ex = c[f"class_excess_{sfx}"]
        sel = np.flatnonzero(counted & (ex > 0))
        rows.add(len(sel), g=g[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level=level, indicator="G5",
                 item=costs[key]["name"], basis="政府保障程度", value=c[f"max_class_{sfx}"][sel],
                 standard=np.full(len(sel), float(g5[level])), shortfall=ex[sel], unit=costs[key]["unit"],
                 cost_wan=np.full(len(sel), np.nan), required=np.ones(len(sel), bool), in_bill=np.ones(len(sel), bool), cost_key=key, note="")
    total, cert = c["teachers_total"], c["teachers_certified"]
    unc = total - cert
    sel = np.flatnonzero(c["teachers_counted"] & (sf.g_schools >= 0) & (unc > 0))
    key = "uncertified_teachers"
    rows.add(len(sel), g=g[sel], track=COMPULSORY, school_id=sid[sel], school_name=name[sel], level="全校", indicator="G12",
             item=costs[key]["name"], basis="政府保障程度", value=cert[sel] / total[sel], standard=np.full(len(sel), float(cat["G12"].threshold())),
             shortfall=unc[sel], unit=costs[key]["unit"], cost_wan=np.full(len(sel), np.nan), required=np.ones(len(sel), bool),
             in_bill=np.ones(len(sel), bool), cost_key=key, note="")
