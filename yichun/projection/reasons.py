"""Why a county has its status: the variant, year, indicators and schools that decide it.

`decide(...)` gives, per county and track, the status and the reason columns of status.csv
(reason_variant, reason_year, reason_codes, reason_text, lapse_year, lapse_variant). With
Y the scheduled year, b the base year (the last year of data) and T the last projected year:

* Y ≤ b — 已过计划年份: the verdict on the latest data (year b, the same in every variant):
  `已过计划年份·达标` or `已过计划年份·未达标`. A county that meets the standards is searched
  for a lapse: the first year after b up to T in which it fails in some variant (ties broken
  by projection.yaml `variant_order`). Its reason is the lapse — that variant, that year and
  the codes failing there ("已通过，但预计 2027 年 G5 回落") — else the thinnest margin of the
  latest data; a county that does not meet them: the codes failing in b.
* b < Y ≤ T — 难以按期: the central variant fails in Y; reason: central, Y, its failing codes.
  有风险: the central variant passes but another fails in Y; reason: that variant (the first
  failing one in `variant_order`), Y, ITS failing codes — not the central variant's thinnest
  margin. 有风险 by a thin margin (every variant passes): the variant and item with the
  thinnest margin. 按期可达: the variant and item with the thinnest margin; the text lists the
  thinnest item of every variant. A lapse after Y (a failing year after Y in a variant that
  passes in Y) is flagged and told as well.
* Y > T — 超出预测期.

The text names each failing indicator with the assessment's own detail (schools, values,
standards for G3–G5, PQ1 …; for R1–R7 the school parts that fail the school rule, each with
its value and standard) and says when the baseline includes the county's 建设计划.
Status names are data (projection.yaml `statuses`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from yichun._yaml import package_yaml
from yichun.assessment.core import fmt_number
from yichun.projection.params import VARIANT_LABELS, parameters

_names = parameters()["statuses"]
DUE_MET, DUE_UNMET = _names["due_met"], _names["due_unmet"]
ON_TRACK, AT_RISK, LATE, BEYOND = _names["on_track"], _names["at_risk"], _names["late"], _names["beyond"]
DUE = (DUE_MET, DUE_UNMET)
STATUS_ORDER = (LATE, AT_RISK, ON_TRACK, DUE_UNMET, DUE_MET, BEYOND)
REASON_COLUMNS = ["reason_variant", "reason_year", "reason_codes", "reason_text", "lapse_year", "lapse_variant"]


@cache
def short_names() -> dict:
    """Short indicator labels (yichun/data/chart_theme.yaml), e.g. G3 → 音乐美术专用教室."""
    return package_yaml("chart_theme.yaml").get("short_names", {})


def code_label(code: str) -> str:
    name = short_names().get(code)
    return f"{code}（{name}）" if name else code


# ------------------------------------------------------------------------------ details

def _school_rule_texts(assessment, cat, limit: int) -> list[dict]:
    """Per county-year and R-code: the school parts that fail the school rule on it."""
    parts = assessment.school_parts
    if parts is None or parts.empty:
        return []
    codes = list(cat.rules["school_rule"]["indicators"])
    bad = parts[parts["counted"].astype(bool) & ~parts["passed"].astype("boolean").fillna(False).astype(bool)]
    rows = []
    for code in codes:
        sel = bad[bad[f"{code}_met"].astype(float) == 0]
        if sel.empty:
            continue
        ind = cat[code]
        unit = ind.unit
        for (county, year), g in sel.sort_values(f"{code}_ratio").groupby(["county", "year"], sort=False):
            names = []
            for _, r in g.head(limit).iterrows():
                standard = float(ind.threshold(r["level"]))
                names.append(f"{r['school_name']}({r['level']}) {fmt_number(r[code])}（标准 {fmt_number(standard)} {unit}，"
                             f"达标准的 {float(r[f'{code}_ratio']) * 100:.1f}%）")
            more = f" 等 {len(g)} 所(学段)" if len(g) > limit else ""
            rows.append({"county": county, "year": int(year), "track": "义务教育", "code": code,
                         "text": f"{code_label(code)}：使学校不符合「6项达标、余项≥85%」的有 {'、'.join(names)}{more}"})
    return rows


def failing_details(assessment, cat, limit: int = 5) -> pd.DataFrame:
    """county, year, track, code, text: every item not met, told with its schools and values."""
    cols = ["county", "year", "track", "code", "text"]
    if assessment is None:
        return pd.DataFrame(columns=cols)
    items = assessment.items
    rule_codes = set(cat.rules["school_rule"]["indicators"])
    rows = _school_rule_texts(assessment, cat, limit)
    if items is not None and not items.empty:
        met = items["met"].astype("boolean").fillna(False).astype(bool)
        bad = items[~met & ~items["code"].isin(rule_codes)]
        for _, r in bad.iterrows():
            detail = str(r["detail"]) if pd.notna(r["detail"]) and str(r["detail"]) else "缺数据"
            rows.append({"county": r["county"], "year": int(r["year"]), "track": r["track"], "code": r["code"],
                         "text": f"{code_label(r['code'])}：{detail}"})
        # an R-code failing without a failing part (missing data): the assessment's detail
        have = {(d["county"], d["year"], d["code"]) for d in rows}
        for _, r in items[~met & items["code"].isin(rule_codes)].iterrows():
            if (r["county"], int(r["year"]), r["code"]) not in have:
                rows.append({"county": r["county"], "year": int(r["year"]), "track": r["track"], "code": r["code"],
                             "text": f"{code_label(r['code'])}：{r['detail'] if pd.notna(r['detail']) else '缺数据'}"})
    return pd.DataFrame(rows, columns=cols)


# ------------------------------------------------------------------------------ decision

@dataclass(frozen=True)
class Lapse:
    """The first failing year after a passing one, and the variant it fails in."""

    year: int
    variant: str


@dataclass
class Evidence:
    """Lookups over the per-year results of every variant (keys: county, track, variant, year)."""

    ready: pd.Series
    unmet: pd.Series
    thinnest: pd.DataFrame  # label, margin, code of the thinnest A-class item
    details: pd.Series  # (county, track, variant, year, code) → text
    planned: dict  # (county, track) → text on the 建设计划 in the baseline
    variants: tuple[str, ...]
    order: tuple[str, ...]  # variant_order restricted to the variants present

    @classmethod
    def build(cls, readiness, marg, details, planned, variants, params) -> Evidence:
        keys = ["county", "track", "variant", "year"]
        ready = readiness.set_index(keys)["ready"].astype("boolean").fillna(False).astype(bool)
        unmet = readiness.set_index(keys)["unmet"].fillna("").astype(str)
        thin = marg.dropna(subset=["margin"]).sort_values("margin", kind="stable").drop_duplicates(keys).set_index(keys)
        if details is None or details.empty:
            det = pd.Series(dtype=object)
        else:
            det = details.drop_duplicates([*keys, "code"]).set_index([*keys, "code"])["text"]
        order = tuple(v for v in params.get("variant_order", variants) if v in variants)
        return cls(ready=ready, unmet=unmet, thinnest=thin, details=det, planned=planned or {}, variants=tuple(variants),
                   order=order)

    def passes(self, county, track, variant, year) -> bool:
        return bool(self.ready.get((county, track, variant, year), False))

    def known(self, county, track, variant, year) -> bool:
        return (county, track, variant, year) in self.ready.index

    def codes(self, county, track, variant, year) -> list[str]:
        text = self.unmet.get((county, track, variant, year), "")
        return [c for c in str(text).split("、") if c]

    def text(self, county, track, variant, year, codes) -> str:
        parts = [self.details.get((county, track, variant, year, c), c) for c in codes]
        return "；".join(str(p) for p in parts)

    def thinnest_of(self, county, track, variant, year):
        key = (county, track, variant, year)
        return self.thinnest.loc[key] if key in self.thinnest.index else None

    def lapse(self, county, track, start: int, to_year: int, variants) -> Lapse | None:
        """The first year after `start` in which a variant that passes in `start` fails (ties: variant_order)."""
        best: Lapse | None = None
        for v in self.order:
            if v not in variants or not self.passes(county, track, v, start):
                continue
            for y in range(start + 1, to_year + 1):
                if self.known(county, track, v, y) and not self.passes(county, track, v, y):
                    if best is None or y < best.year:
                        best = Lapse(y, v)
                    break
        return best


def _pct(m) -> str:
    return f"{m * 100:.1f}%"


def _thin_text(t) -> str:
    return f"{t['label']} 余量 {_pct(t['margin'])}"


def decide(ev: Evidence, county: str, track: str, year: int, base: int, to_year: int, thin: float) -> dict[str, Any]:
    """Status, reason and lapse of one county and track (see the module docstring)."""
    out: dict[str, Any] = {"reason_variant": "", "reason_year": pd.NA, "reason_codes": "", "reason_text": "", "lapse_year": pd.NA,
           "lapse_variant": "", "binding": "", "margin": np.nan, "unmet": ""}
    out.update({f"margin_{v}": np.nan for v in VARIANT_LABELS})
    central = "central" if "central" in ev.variants else ev.variants[0]
    lapse_text = ""
    if year <= base:
        met = ev.passes(county, track, central, base)
        out["status"] = DUE_MET if met else DUE_UNMET
        out["unmet"] = "、".join(ev.codes(county, track, central, base))
        t = ev.thinnest_of(county, track, central, base)
        if t is not None and met:
            out["margin"] = float(t["margin"])
        if not met:
            codes = ev.codes(county, track, central, base)
            out.update(reason_variant=central, reason_year=base, reason_codes="、".join(codes), binding="、".join(codes))
            what = ev.text(county, track, central, base, codes) if codes else "缺数据，不能判定为达标"
            out["reason_text"] = f"{base}年实际数据仍有 {len(codes)} 项未达标：{what}" if codes else f"{base}年{what}"
        else:
            lapse = ev.lapse(county, track, base, to_year, ev.variants)
            if lapse:
                ly, lv = lapse.year, lapse.variant
                codes = ev.codes(county, track, lv, ly)
                out.update(reason_variant=lv, reason_year=ly, reason_codes="、".join(codes), lapse_year=ly, lapse_variant=lv,
                           binding=f"{'、'.join(codes)}（预计{ly}年回落）")
                out["reason_text"] = (f"已通过，但预计 {ly} 年 {'、'.join(codes)} 回落（{VARIANT_LABELS[lv]}）："
                                      f"{ev.text(county, track, lv, ly, codes)}")
            else:
                out.update(reason_variant=central, reason_year=base)
                if t is not None:
                    out.update(reason_codes=str(t["code"]), binding=f"{t['label']}（余量 {_pct(t['margin'])}）")
                    out["reason_text"] = f"{base}年实际数据已达到认定要求，预测至 {to_year} 年各方案均保持；最小余量：{_thin_text(t)}"
                else:
                    out["reason_text"] = f"{base}年实际数据已达到认定要求，预测至 {to_year} 年各方案均保持"
    elif year > to_year:
        out["status"] = BEYOND
        out["reason_text"] = f"计划年份 {year} 年晚于预测期末 {to_year} 年"
    else:
        passes = {v: ev.passes(county, track, v, year) for v in ev.variants}
        out["unmet"] = "、".join(ev.codes(county, track, central, year))
        thinnest = {v: ev.thinnest_of(county, track, v, year) for v in ev.variants if passes[v]}
        thinnest = {v: t for v, t in thinnest.items() if t is not None}
        for v, t in thinnest.items():
            out[f"margin_{v}"] = float(t["margin"])
        out["margin"] = min((float(t["margin"]) for t in thinnest.values()), default=np.nan)
        out["reason_year"] = year
        if not passes[central]:
            codes = ev.codes(county, track, central, year)
            out.update(status=LATE, reason_variant=central, reason_codes="、".join(codes), binding="、".join(codes))
            out["reason_text"] = f"中方案下{year}年仍有 {len(codes)} 项未达标：{ev.text(county, track, central, year, codes)}"
        else:
            failing = [v for v in ev.order if not passes[v]]
            if failing:
                v = failing[0]
                codes = ev.codes(county, track, v, year)
                out.update(status=AT_RISK, reason_variant=v, reason_codes="、".join(codes), binding="、".join(codes))
                others = "、".join(VARIANT_LABELS[f] for f in failing[1:])
                also = f"（{others}也未达标）" if others else ""
                out["reason_text"] = (f"中方案{year}年可达标，但{VARIANT_LABELS[v]}下{year}年 {'、'.join(codes)} 未达标{also}："
                                      f"{ev.text(county, track, v, year, codes)}")
            elif thinnest:
                v = min(thinnest, key=lambda k: (float(thinnest[k]["margin"]), ev.order.index(k)))
                t = thinnest[v]
                out.update(reason_variant=v, reason_codes=str(t["code"]), binding=f"{t['label']}（余量 {_pct(t['margin'])}）")
                listing = "，".join(f"{VARIANT_LABELS[k]} {_thin_text(thinnest[k])}" for k in ev.order if k in thinnest)
                if float(t["margin"]) < thin:
                    out["status"] = AT_RISK
                    out["reason_text"] = (f"三种方案{year}年均达标，但余量很小（不足 {_pct(thin)}）：{VARIANT_LABELS[v]} "
                                          f"{_thin_text(t)}；各方案最小余量：{listing}")
                else:
                    out["status"] = ON_TRACK
                    out["reason_text"] = f"三种方案{year}年均达标；各方案最小余量：{listing}"
            else:
                out.update(status=ON_TRACK, reason_variant=central)
                out["reason_text"] = f"三种方案{year}年均达标"
        lapse = ev.lapse(county, track, year, to_year, ev.variants)  # only variants that pass in Y
        if lapse:
            ly, lv = lapse.year, lapse.variant
            codes = ev.codes(county, track, lv, ly)
            out.update(lapse_year=ly, lapse_variant=lv)
            lapse_text = (f"；另预计 {ly} 年 {'、'.join(codes)} 回落（{VARIANT_LABELS[lv]}）："
                          f"{ev.text(county, track, lv, ly, codes)}")
    text = out["reason_text"] + lapse_text
    plan = ev.planned.get((county, track))
    if plan:
        text += f"；{plan}" if year > base else f"；预测中{plan[2:]}"
    out["reason_text"] = text + "。" if text else ""
    return out
