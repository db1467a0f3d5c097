"""Planner (达标方案测算): the cheapest set of additions that makes a county pass by its year.

`plan_cheapest(inputs, county, track)` takes the county's inputs in the target year — its
scheduled year (yichun.schedule), or the first projected year when the scheduled year has
already passed — projected under the chosen variant, and repeats until the county passes
or nothing more can be added:

1. assess the target year (`yichun.assessment.assess`) and read its `gaps` frame (the rows
   the county must close, `required`);
2. turn them into additions (scenario actions at named schools/kindergartens):
   * a school part failing the school rule (每所学校至少6项达标、余项不低于85%): every
     below-standard indicator is raised to its standard except the one(s) the rule lets stay
     below it (7 − min_met), which are raised only to remainder_ratio (85%) of the standard —
     the one whose partial top-up saves the most money. This is the cheapest physical fix of
     that part at the unit costs (costs are linear in the quantities);
   * 差异系数 above its limit: the assessment's own water-filling additions;
   * G3 rooms, PQ1 areas (per kindergarten), PQ3 teachers (county minimum, to the
     kindergartens with the most children per teacher), P1 places (a new public
     kindergarten built to standard, taking newly enrolled children), P3 / P2 (converting
     the largest private kindergartens to 公办 / 普惠性民办), PG4 (the non-inclusive estate
     kindergartens converted to 普惠性民办);
3. apply them to the target-year inputs and go back to 1.

It optimises the priced cost (yichun/data/unit_costs.yaml) school part by school part; it does
not search across parts (moving students or teachers between schools, merging schools may be
cheaper) and it prices teachers for one year. What additions cannot fix — B-class ratings,
county policy figures read from 县级指标, school size (G4), class size (G5), certification
(G12, PQ4), township centre designation (PG3), oversized kindergarten classes (PQ2) and missing
data — is listed in `policy` as 需政策措施. Finally the plan, as a `Scenario`, is applied to
fresh inputs and re-assessed: `passes` says whether the county then passes in the target year.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from yichun.assessment.costs import UnitCosts
from yichun.catalogue import catalogue
from yichun.counties import normalize_county
from yichun.dictionary import level_suffix
from yichun.errors import YichunError
from yichun.projection import cohort
from yichun.projection.params import VARIANTS, parameters
from yichun.projection.projected import project_inputs
from yichun.projection.tracks import assess_track, schedule_track
from yichun.scenarios.actions import apply_actions, new_kindergarten
from yichun.scenarios.model import Action, Scenario
from yichun.schedule import scheduled_year
from yichun.tables import Inputs

if TYPE_CHECKING:
    from yichun.assessment.compulsory import RSpec

POLICY = "需政策措施"
LEFT = "新增资源后仍未达标（多为缺数据），需逐校核实"
LINE_COLUMNS = ["kind", "target_id", "target_name", "level", "indicator", "field", "quantity", "unit", "cost_wan", "basis"]
POLICY_COLUMNS = ["code", "name", "klass", "measure", "quantity", "unit", "detail"]
KG_FIELD = {"kindergarten_outdoor_m2": "outdoor_m2", "kindergarten_activity_m2": "activity_m2", "kindergarten_teacher": "teachers"}


@dataclass
class Plan:
    county: str
    track: str
    year: int
    variant: str
    scenario: Scenario  # the additions, effective from `year`
    lines: pd.DataFrame  # one row per addition, priced
    policy: pd.DataFrame  # what additions cannot fix (需政策措施)
    cost_wan: float  # priced total (万元)
    passes: bool  # re-assessed with the plan applied to fresh inputs
    rounds: int
    before: pd.Series  # readiness row without the plan (first variant)
    after: pd.Series  # readiness row with the plan (first variant)
    variants: tuple = ()  # the variants the plan makes pass
    before_all: dict = field(default_factory=dict)  # variant → readiness row without the plan
    after_all: dict = field(default_factory=dict)  # variant → readiness row with the plan

    @property
    def cost_once_wan(self) -> float:
        """Priced one-off investment (一次性投入) in 万元."""
        return _kind_sum(self.lines, "一次性投入")

    @property
    def cost_annual_wan(self) -> float:
        """Priced yearly cost (每年经费: staff, one year) in 万元."""
        return _kind_sum(self.lines, "每年经费")

    def summary(self) -> str:
        from yichun.projection.params import VARIANT_LABELS

        verdict = "可通过" if self.passes else "仍不能通过"
        which = "低、中、高三种方案" if len(self.variants) > 1 else VARIANT_LABELS.get(self.variant, self.variant)
        unpriced = int(self.lines["cost_wan"].isna().sum()) if len(self.lines) else 0
        text = (f"{self.county}{self.track}（{self.year}年，{which}）：新增措施 {len(self.lines)} 项，"
                f"一次性投入 {self.cost_once_wan:,.1f} 万元，另每年经费 {self.cost_annual_wan:,.1f} 万元（人员经费按一年计）"
                + (f"，{unpriced} 项未计价" if unpriced else "") + f"；实施后{verdict}评估")
        if len(self.policy):
            text += f"；另需政策措施 {len(self.policy)} 项：{'、'.join(self.policy['code'])}"
        return text


def _kind_sum(lines: pd.DataFrame, kind: str) -> float:
    if lines is None or lines.empty:
        return 0.0
    return float(np.nansum(lines.loc[lines["cost_kind"] == kind, "cost_wan"].to_numpy(float)))


def _r_fields(cat) -> dict[str, RSpec]:
    """R1–R7 (and other school-rule codes) → their spec: the resource field and whether it is per level."""
    from yichun.assessment.compulsory import r_specs

    return r_specs(cat)


def _field(code: str, level: str, rf: dict[str, RSpec]) -> str:
    spec = rf[code]
    return f"{spec.resource}_{level_suffix()[level]}" if spec.per_level else spec.resource


def _round_unit(q: float, unit: str) -> float:
    from yichun.assessment.costs import round_up

    return float(round_up(np.array([q]), unit)[0])


def _school_fixes(g: pd.DataFrame, parts: pd.DataFrame, cat) -> list[dict]:
    """Per failing part: full fixes but the allowed partial ones (max saving), as school additions.

    The partial quantity is worked out from the part itself — the addition that brings the
    item to exactly remainder_ratio (85%) of its standard, rounded up once to whole units —
    not as a share of the full shortfall (rounding that share up again could top an item at
    0 up to 100%: 200 pupils without a multimedia room need 5 rooms for 2.3/百生 but 4 for 85%).
    """
    from yichun.assessment.compulsory import r_specs
    from yichun.assessment.gap_rows import resource_addition as _addition

    rule = cat.rules["school_rule"]
    allowed = len(rule["indicators"]) - int(rule["min_met"])
    rr = float(rule["remainder_ratio"])
    specs = r_specs(cat)
    by_part = parts.set_index(["school_id", "level"]).to_dict("index")  # (school_id, level) → the part's values
    out = []
    for (part_id, part_level), part in g.groupby(["school_id", "level"], sort=False):
        sid, level = str(part_id), str(part_level)
        part = part.copy()
        q = part["shortfall"].to_numpy(float)
        p = by_part[(sid, level)]
        q_each: list[float] = []
        for (_, r), full in zip(part.iterrows(), q):
            spec = specs[r["indicator"]]
            exact = _addition(spec, rr * float(r["standard"]), float(p["students"]), float(p["share"]), float(p[spec.resource]))
            q_each.append(min(full, _round_unit(max(float(exact), 0.0), r["unit"])))
        q_part = np.array(q_each)
        cost = part["cost_wan"].to_numpy(float)
        cost_part = np.where(q > 0, cost * q_part / np.where(q > 0, q, 1), 0.0)
        qty = q.copy()
        if allowed > 0:
            saving = np.nan_to_num(cost - cost_part, nan=0.0)
            for i in np.argsort(-saving, kind="stable")[:allowed]:
                qty[i] = q_part[i]
        for (_, r), n in zip(part.iterrows(), qty):
            if n > 0:
                out.append({"kind": "school", "target_id": sid, "target_name": r["school_name"], "level": level,
                            "indicator": r["indicator"], "field": r["field"], "quantity": float(n),
                            "unit": r["unit"], "cost_key": r["cost_key"], "basis": "学校达标" if n == r["shortfall"] else
                            f"学校达标（允许项补到标准的{rr * 100:.0f}%）"})
    # a shared facility of a combined school: the larger of its parts' additions serves both
    merged: dict[tuple, dict] = {}
    for line in out:
        key = (line["target_id"], line["field"])
        if key not in merged or line["quantity"] > merged[key]["quantity"]:
            merged[key] = line
    return list(merged.values())


def _kg_conversions(kgs: pd.DataFrame, need: float, pools: list[str], to: str) -> list[str]:
    """The fewest kindergartens (largest first, from the pools in order) covering `need` children."""
    chosen: list[str] = []
    got = 0.0
    for pool in pools:
        cand = kgs[kgs["kg_type"] == pool].sort_values(["children", "kg_id"], ascending=[False, True])
        for _, r in cand.iterrows():
            if got >= need:
                return chosen
            chosen.append(r["kg_id"])
            got += float(r["children"] or 0.0)
    return chosen


def _fixes(a, work: Inputs, county: str, year: int, track: str, cat, rf) -> list[dict]:
    """Additions for the county-year's required gaps."""
    g = a.gaps[(a.gaps["county"] == county) & (a.gaps["year"] == year) & (a.gaps["track"] == track) & a.gaps["required"]]
    lines: list[dict] = []
    school_rule = g[g["basis"] == "学校达标"]
    if len(school_rule):
        school_rule = school_rule.assign(field=[_field(c, lv, rf) for c, lv in zip(school_rule["indicator"], school_rule["level"])])
        parts = a.school_parts[(a.school_parts["county"] == county) & (a.school_parts["year"] == year)]
        lines += _school_fixes(school_rule, parts, cat)
    for _, r in g[g["basis"] == "差异系数"].iterrows():
        lines.append({"kind": "school", "target_id": r["school_id"], "target_name": r["school_name"], "level": r["level"],
                      "indicator": "CV", "field": _field(r["indicator"], r["level"], rf), "quantity": float(r["shortfall"]),
                      "unit": r["unit"], "cost_key": r["cost_key"], "basis": "差异系数"})
    checks = a.school_checks
    for _, r in g[g["indicator"] == "G3"].iterrows():
        kind = "music" if r["cost_key"] == "music_room" else "art"
        c = checks[(checks["county"] == county) & (checks["year"] == year) & (checks["school_id"] == r["school_id"])].iloc[0]
        short = float(c[f"{kind}_short"])
        if short > 0:
            lines.append({"kind": "school", "target_id": r["school_id"], "target_name": r["school_name"], "level": "全校",
                          "indicator": "G3", "field": f"{kind}_rooms", "quantity": short, "unit": r["unit"],
                          "cost_key": r["cost_key"], "basis": "政府保障程度"})
        if bool(c[f"{kind}_undersized"]):
            m2 = float(cat["G3"].thresholds[f"{kind}_room_m2"]) - float(c[f"{kind}_room_min_m2"])
            lines.append({"kind": "school", "target_id": r["school_id"], "target_name": r["school_name"], "level": "全校",
                          "indicator": "G3", "field": f"{kind}_room_min_m2", "quantity": m2, "unit": "㎡",
                          "cost_key": r["cost_key"], "cost_units": 1.0, "basis": "改扩建面积不足的专用教室"})
    for _, r in g[g["indicator"] == "PQ1"].iterrows():
        lines.append({"kind": "kindergarten", "target_id": r["school_id"], "target_name": r["school_name"], "level": "幼儿园",
                      "indicator": "PQ1", "field": KG_FIELD[r["cost_key"]], "quantity": float(r["shortfall"]),
                      "unit": r["unit"], "cost_key": r["cost_key"], "basis": "保教质量保障情况"})
    county_rows = g[g["school_id"] == ""]
    kgs = work.kindergartens[(work.kindergartens["county"] == county) & (work.kindergartens["year"] == year)]
    failing = set(county_rows["indicator"])
    for _, r in county_rows.iterrows():
        code, n = r["indicator"], float(r["shortfall"])
        if code == "PQ3":
            lines.append({"kind": "kindergarten_county", "target_id": "", "target_name": "全县", "level": "幼儿园",
                          "indicator": "PQ3", "field": "teachers", "quantity": n, "unit": r["unit"],
                          "cost_key": r["cost_key"], "basis": "全县按1:15配足所需最少新增数"})
        elif code == "P1":
            lines.append({"kind": "open_kindergarten", "target_id": "", "target_name": "新建公办幼儿园", "level": "幼儿园",
                          "indicator": "P1", "field": "children", "quantity": n, "unit": "人", "cost_key": "",
                          "basis": "新增公办园学位(新入园幼儿)"})
        elif code == "P3":
            pools = ["非普惠性民办", "普惠性民办"] if "P2" in failing else ["普惠性民办", "非普惠性民办"]
            for kid in _kg_conversions(kgs, n, pools, "公办"):
                lines.append(_conversion(kgs, kid, "公办", "P3"))
        elif code == "P2" and "P3" not in failing:
            for kid in _kg_conversions(kgs, n, ["非普惠性民办"], "普惠性民办"):
                lines.append(_conversion(kgs, kid, "普惠性民办", "P2"))
        elif code == "PG4":
            bad = kgs[kgs["estate_kindergarten"].fillna(False).astype(bool) & (kgs["kg_type"] == "非普惠性民办")]
            for kid in bad["kg_id"]:
                lines.append(_conversion(kgs, kid, "普惠性民办", "PG4"))
    return lines


def _conversion(kgs: pd.DataFrame, kid: str, to: str, code: str) -> dict:
    name = kgs.loc[kgs["kg_id"] == kid, "kg_name"].iloc[0]
    return {"kind": "convert", "target_id": kid, "target_name": name, "level": "幼儿园", "indicator": code, "field": "kg_type",
            "quantity": 1.0, "unit": "所", "cost_key": "", "to": to, "basis": f"转为{to}"}


def _action(line: dict, county: str, year: int, index: int) -> Action:
    base = {"county": county, "year": year}
    if line["kind"] == "school":
        return Action("add_resource", {**base, "item": line["field"], "quantity": line["quantity"], "schools": [line["target_id"]]}, index)
    if line["kind"] == "kindergarten":
        return Action("add_resource", {**base, "item": line["field"], "quantity": line["quantity"],
                                       "kindergartens": [line["target_id"]]}, index)
    if line["kind"] == "kindergarten_county":
        return Action("add_resource", {**base, "item": line["field"], "quantity": line["quantity"], "kindergartens": None}, index)
    if line["kind"] == "open_kindergarten":
        return Action("open_kindergarten", {**base, "children": line["quantity"], "kg_type": "公办",
                                            "kg_id": f"规划新建园{index + 1}", "kg_name": f"规划新建公办幼儿园{index + 1}"}, index)
    return Action("convert_kindergartens", {**base, "to": line["to"], "kindergartens": [line["target_id"]]}, index)


def _clean(action: Action) -> Action:
    return replace(action, params={k: v for k, v in action.params.items() if v is not None})


def _target_inputs(inputs: Inputs, county: str, year: int, base: int, variant: str, params: dict) -> Inputs:
    if year <= base:
        return inputs.select(years=[year], counties=[county])
    return project_inputs(inputs.select(counties=[county]), year, variant, params=params).select(years=[year])


def _policy(a, county: str, year: int, track: str, cat) -> pd.DataFrame:
    """Items still unmet after the plan: those additions cannot fix (需政策措施), and any physical
    item the plan could not close (usually missing data), with the assessment's detail text."""
    physical = {"P1", "P2", "P3", "PQ1", "PQ3", "PG4", "G3", "CV", *cat.rules["school_rule"]["indicators"]}
    items = a.items[(a.items["county"] == county) & (a.items["year"] == year) & (a.items["track"] == track)]
    met = items["met"].to_numpy(dtype=float, na_value=np.nan)
    bad = items[met != 1]
    g = a.gaps[(a.gaps["county"] == county) & (a.gaps["year"] == year) & (a.gaps["track"] == track)]
    qty = g.groupby("indicator").agg(quantity=("shortfall", "sum"), unit=("unit", "first"))
    rows = []
    for _, r in bad.iterrows():
        q = qty.loc[r["code"]] if r["code"] in qty.index else None
        rows.append({"code": r["code"], "name": cat[r["code"]].name if r["code"] in cat.indicators else r["code"], "klass": r["klass"],
                     "measure": POLICY if r["code"] not in physical else LEFT, "quantity": float(q["quantity"]) if q is not None else np.nan,
                     "unit": q["unit"] if q is not None else "", "detail": r["detail"]})
    return pd.DataFrame(rows, columns=POLICY_COLUMNS)


def _price(lines: list[dict], costs: UnitCosts, cat, mapping: dict) -> list[float]:
    """Cost in 万元 of each plan line, with the assessment's unit costs (NaN where unpriced)."""
    from yichun.assessment.costs import price_wan

    out = []
    for line in lines:
        key = line.get("cost_key")
        out.append(float(price_wan(line.get("cost_units", line["quantity"]), key, costs)) if isinstance(key, str) and key in costs
                   else np.nan)
    return out


def _name_county_lines(new: list[dict], work: Inputs, county: str, year: int, params: dict, cat) -> list[dict]:
    """County-wide kindergarten teachers (PQ3) allocated to named kindergartens, as the unnamed
    addition would spread them (most children per teacher first), so every variant gets the same."""
    out = []
    for line in new:
        if line["kind"] != "kindergarten_county":
            out.append(line)
            continue
        act = _clean(_action(line, county, year, 0))
        after = apply_actions(work, [act], params=params, profile=cat)
        k0 = work.kindergartens[(work.kindergartens["county"] == county) & (work.kindergartens["year"] == year)].set_index("kg_id")
        k1 = after.kindergartens[(after.kindergartens["county"] == county) & (after.kindergartens["year"] == year)].set_index("kg_id")
        added = (k1[line["field"]] - k0[line["field"]]).dropna()
        for kid, n in added[added > 0].items():
            out.append({**line, "kind": "kindergarten", "target_id": kid, "target_name": k0.loc[kid, "kg_name"], "quantity": float(n)})
    return out


def plan_cheapest(inputs: Inputs, county: str, track: str = "义务教育", year: int | None = None, variant: str = "central", *,
                  variants=None, profile="national", params: dict | None = None, max_rounds: int = 8) -> Plan:
    """The cheapest additions (by unit costs) that make `county` pass `track` in `year` (see module docstring).

    `variants` (e.g. ("central", "low", "high")): one plan with which the county passes in
    every one of them; without it, in `variant` only. The variants are worked through from the
    one with the largest bill: its additions are applied to every variant, then whatever a
    variant still lacks is added, until all pass or nothing more can be added.
    """
    from yichun.assessment import assess
    from yichun.assessment.costs import unit_costs

    params = params or parameters()
    cat = catalogue(profile)
    costs = unit_costs()
    county, track = normalize_county(county), assess_track(track)
    variants = tuple(variants) if variants else (variant,)
    sel = inputs.select(counties=[county])
    bases = cohort.base_years(sel)
    if county not in bases.index:
        raise YichunError(f"数据中没有{county}")
    base = int(bases[county])
    if year is None:
        year = max(scheduled_year(county, schedule_track(track)), base + 1)
    rf = _r_fields(cat)
    works = {v: _target_inputs(inputs, county, year, base, v, params) for v in variants}
    assessed = {v: assess(works[v], years=[year], profile=cat) for v in variants}
    ready_row = lambda a: a.readiness[(a.readiness["track"] == track)].iloc[0]  # noqa: E731
    before = {v: ready_row(assessed[v]) for v in variants}
    order = sorted(variants, key=lambda v: -assessed[v].total_cost(county, year, track))
    lines: list[dict] = []
    actions: list[Action] = []
    rounds = 0
    while rounds < max_rounds:
        failing = [v for v in order if not bool(ready_row(assessed[v])["ready"])]
        new, source = [], None
        for v in failing:
            new = _fixes(assessed[v], works[v], county, year, track, cat, rf)
            if new:
                source = v
                new = _name_county_lines(new, works[v], county, year, params, cat)
                break
        if not new:
            break
        rounds += 1
        batch = [_clean(_action(line, county, year, len(actions) + i)) for i, line in enumerate(new)]
        works = {v: apply_actions(w, batch, params=params, profile=cat) for v, w in works.items()}
        assessed = {v: assess(w, years=[year], profile=cat) for v, w in works.items()}
        actions += batch
        lines += [{**line, "variant": source} for line in new]
    policy = pd.concat([_policy(assessed[v], county, year, track, cat) for v in order], ignore_index=True)
    policy = policy.drop_duplicates("code").reset_index(drop=True) if len(policy) else policy
    scenario = Scenario(f"{county}{track}达标方案（{year}年）", tuple(actions),
                        f"按单价测算的最低新增方案：{year}年投入使用", county, year, variants[0] if len(variants) == 1 else None)
    # proof: the plan applied to fresh inputs of the target year, re-assessed in every variant
    after = {}
    for v in variants:
        check = apply_actions(_target_inputs(inputs, county, year, base, v, params), scenario.actions, params=params, profile=cat)
        after[v] = ready_row(assess(check, years=[year], profile=cat))
    lines = _expand(lines, cat, params["action_costs"], costs)
    cost = _price(lines, costs, cat, params["action_costs"])
    frame = pd.DataFrame(lines)
    if frame.empty:
        frame = pd.DataFrame(columns=[*LINE_COLUMNS, "variant"])
    frame["cost_wan"] = cost if lines else []
    frame["cost_kind"] = [_line_kind(line, costs) for line in lines]
    frame = frame[[*LINE_COLUMNS, "cost_kind", "variant"]]
    # several rounds may add to the same school and field: one line each (the variant that first asked for it)
    if len(frame):
        frame = frame.groupby(["kind", "target_id", "target_name", "level", "indicator", "field", "unit", "basis", "cost_kind"],
                              sort=False, as_index=False, dropna=False).agg(
            quantity=("quantity", "sum"), cost_wan=("cost_wan", lambda c: c.sum(min_count=1)), variant=("variant", "first"))
        frame = frame[[*LINE_COLUMNS, "cost_kind", "variant"]]
    first = variants[0]
    plan = Plan(county, track, year, first if len(variants) == 1 else "all", scenario, frame.reset_index(drop=True), policy,
                float(np.nansum(frame["cost_wan"].to_numpy(float))) if len(frame) else 0.0,
                all(bool(r["ready"]) for r in after.values()), rounds, before[first], after[first])
    plan.variants, plan.before_all, plan.after_all = variants, before, after
    return plan


def plan_all_variants(inputs: Inputs, county: str, track: str = "义务教育", year: int | None = None, **kwargs) -> Plan:
    """The cheapest plan with which the county passes in its scheduled year under low, central and high."""
    return plan_cheapest(inputs, county, track, year, variants=VARIANTS, **kwargs)


def _line_kind(line: dict, costs: UnitCosts) -> str:
    from yichun.assessment.costs import cost_kind

    return cost_kind(costs, line.get("cost_key"))


def _expand(lines: list[dict], cat, mapping: dict, costs: UnitCosts) -> list[dict]:
    """A new kindergarten as its priced parts: activity rooms and outdoor area (一次性投入) and
    teachers (每年经费), so that one-off and yearly costs stay apart."""
    out = []
    for line in lines:
        if line["kind"] != "open_kindergarten":
            out.append(line)
            continue
        row = new_kindergarten({"children": line["quantity"]}, cat)
        for f in ("activity_m2", "outdoor_m2", "teachers"):
            key = mapping.get(f"kindergarten.{f}")
            out.append({**line, "field": f, "quantity": float(row[f]), "unit": costs[key]["unit"] if key is not None and key in costs else "",
                        "cost_key": key or "", "basis": f"{line['basis']}：新建园按标准配置（在园幼儿 {line['quantity']:g} 人）"})
    return out


def plan_lines_table(plan: Plan) -> pd.DataFrame:
    """The plan's lines with Chinese column labels (方案: the variant that asked for the line)."""
    from yichun.projection.params import VARIANT_LABELS

    labels = {"target_id": "标识码", "target_name": "学校/幼儿园", "level": "学段", "indicator": "指标", "field": "项目",
              "quantity": "数量", "unit": "单位", "cost_wan": "费用(万元)", "cost_kind": "费用类别", "basis": "依据", "variant": "方案"}
    out = plan.lines.drop(columns=["kind"]).rename(columns=labels)
    out["费用(万元)"] = out["费用(万元)"].round(1)
    if "方案" in out:
        out["方案"] = out["方案"].map(lambda v: VARIANT_LABELS.get(v, v))
    return out


PLAN_COLUMNS = ["county", "track", "school_id", "school_name", "field", "quantity", "unit", "cost_wan", "cost_kind", "indicator",
                "level", "basis", "variant"]
CHECK_COLUMNS = ["variant", "year", "ready", "unmet"]
POLICY_TABLE = ["code", "name", "measure", "klass", "quantity", "unit", "detail"]


def plan_table(plan: Plan) -> pd.DataFrame:
    """plan.csv: one row per addition at a named school or kindergarten (全县 / 新建 rows have no id),
    cost_kind 一次性投入 / 每年经费; cost empty where the item has no unit price."""
    lines = plan.lines
    out = pd.DataFrame({"county": plan.county, "track": plan.track, "school_id": lines["target_id"],
                        "school_name": lines["target_name"], "field": lines["field"], "quantity": lines["quantity"],
                        "unit": lines["unit"], "cost_wan": lines["cost_wan"], "cost_kind": lines["cost_kind"],
                        "indicator": lines["indicator"], "level": lines["level"], "basis": lines["basis"],
                        "variant": lines["variant"]})
    return out[PLAN_COLUMNS].reset_index(drop=True)


def policy_table(plan: Plan) -> pd.DataFrame:
    """policy.csv: what no addition fixes (ratings, class sizes, certificates, …) with the measure needed."""
    return plan.policy.reindex(columns=POLICY_TABLE)


def plan_check(inputs: Inputs, plan: Plan, to_year: int = 2030, *, profile="national", params: dict | None = None) -> pd.DataFrame:
    """plan_check.csv: the projection re-assessed with the plan in force from its year on, in every
    variant and year from the plan year to `to_year` (the readiness outlook, not the planner's own inputs)."""
    from yichun.projection.outlook import prepare, run

    prep = prepare(inputs, to_year, VARIANTS, profile=profile, params=params, counties=[plan.county])
    result = run(prep, plan.scenario if plan.scenario.actions else None)
    r = result.readiness
    r = r[(r["track"] == plan.track) & (r["county"] == plan.county) & (r["year"] >= plan.year)]
    out = r.assign(unmet=r["unmet"].fillna(""))[CHECK_COLUMNS]
    order = {v: i for i, v in enumerate(VARIANTS)}
    return out.sort_values(["variant", "year"], key=lambda c: c.map(order) if c.name == "variant" else c).reset_index(drop=True)
