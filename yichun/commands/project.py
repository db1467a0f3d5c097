"""`yichun project`: enrolment projection and readiness outlook to 2030 (按期达标预测).

Writes (CSV, UTF-8 with BOM) into --out:
  enrolment_projection.csv  county, level, year, variant, kind, cohort_births, ratio, enrolment
  indicator_projection.csv  county, year, variant, kind, track, code, level, value, cv, limit, met
  readiness_projection.csv  county, track, year, variant, kind, a_met, a_total, b_good, b_total, ready, unmet
  status.csv                county, track, scheduled_year, base_year, status, reason_variant, reason_year,
                            reason_codes, reason_text, lapse_year, lapse_variant, scheduled_result,
                            first_pass_central/low/high, lapse_central, binding, margin(_central/_low/_high),
                            unmet, planned
  planned_changes.csv       county, track, school_id, school_name, year, field, label, quantity, unit, cost_wan:
                            the 建设计划 items the baseline includes
and prints the status table in Chinese. With --scenario every table gets a first column
`scenario` (基准, then the scenario's name) and `scenario_costs.csv` prices the scenario's
actions (cost_kind 一次性投入 / 每年经费); the default folder is then
reports/projection/情景_<name>, so the all-county status table is never overwritten.
"""

from __future__ import annotations

NAME = "project"
HELP = "预测在校生和各项指标至2030年，判断各县(市、区)能否按计划年度通过评估"
ORDER = 40


def register(parser) -> None:
    from yichun.commands import _args as A

    parser.add_argument("--county", action="append", metavar="县(市、区)", help="只预测该县(市、区)；可重复给出")
    parser.add_argument("--scenario", type=A.file_in, metavar="情景.yaml", help="在预测年度实施的情景文件（见 yichun/data/scenarios/）")
    parser.add_argument("--to-year", type=A.year, default=2030, metavar="年度", help="预测截止的统计年度（默认 2030）")
    parser.add_argument("--raw", type=A.folder_in, metavar="目录", help="工作簿所在目录（默认 data/raw）")
    parser.add_argument("--out", type=A.folder_out, metavar="目录", help="输出目录（默认 reports/projection）")
    parser.add_argument("--profile", default="national", metavar="标准配置", help="标准配置名或 YAML 路径（默认 national）")
    parser.add_argument("--params", type=A.file_in, metavar="参数.yaml", help="覆盖预测参数（yichun/data/projection.yaml）的 YAML 文件")
    parser.add_argument("--growth", action="store_true", help="延续近年资源增长（默认只计存量和建设计划）")


def run(args) -> int:
    from pathlib import Path

    import pandas as pd

    from yichun import paths
    from yichun.atomic import folder, locked, write_csv
    from yichun.counties import normalize_county
    from yichun.errors import YichunError
    from yichun.intake import load
    from yichun.projection.outlook import DISPLAY, outlook, status_table
    from yichun.projection.params import parameters

    params = parameters(args.params) if args.params else parameters()
    scenario = None
    if args.scenario:
        from yichun.scenarios import Scenario

        scenario = Scenario.from_yaml(args.scenario)
    counties = [normalize_county(c) for c in args.county] if args.county else None
    inputs = load(Path(args.raw) if args.raw else None)
    if counties:
        missing = [c for c in counties if c not in inputs.counties()]
        if missing:
            raise YichunError(f"数据中没有 {'、'.join(missing)}；已有：{'、'.join(inputs.counties())}")
    years = inputs.years()
    if not years:
        raise YichunError("没有可用于预测的数据：请先导入工作簿（yichun ingest）")
    if args.to_year <= max(years):
        raise YichunError(f"--to-year {args.to_year} 应晚于数据的最后年度 {max(years)}")
    out = Path(args.out) if args.out else paths.reports_dir() / "projection"
    if scenario is not None and not args.out:
        out = out / f"情景_{_safe(scenario.name)}"
    if scenario is None:
        result = outlook(inputs, args.to_year, growth=args.growth, profile=args.profile, params=params, counties=counties)
        tables = {"enrolment_projection": result.enrolment, "indicator_projection": result.indicators,
                  "readiness_projection": result.readiness, "status": result.status, "planned_changes": result.planned}
        shown = result
    else:
        from yichun.scenarios.comparison import side_by_side

        both = side_by_side(inputs, scenario, to_year=args.to_year, growth=args.growth, profile=args.profile, params=params,
                            counties=counties)
        tables = {k: v for k, v in both.items() if k != "outlook"}
        shown = both["outlook"]
    with locked(out), folder(out) as tmp:  # everything is computed first; the CSVs are swapped in as one set
        for name, frame in tables.items():
            write_csv(frame, tmp / f"{name}.csv")

    title = "按期达标预测" + (f"（情景：{scenario.name}）" if scenario else "")
    print(f"{title}：数据截至 {max(years)} 年，预测至 {args.to_year} 年；中/低/高方案见 yichun/data/projection.yaml")
    status = tables["status"]
    runs = [(name, status[status["scenario"] == name]) for name in dict.fromkeys(status["scenario"])] if scenario else [("", status)]
    with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 40,
                           "display.unicode.east_asian_width", True):
        for name, st in runs:
            table = status_table(st, DISPLAY)
            for track, group in table.groupby("评估类别", sort=False):
                print(f"\n【{track}】" + (f"（{name}）" if name else ""))
                print(group.drop(columns=["评估类别"]).to_string(index=False))
            print("\n原因：")
            for _, r in st.iterrows():
                print(f"  {r['county']}{r['track']}（{r['status']}）：{r['reason_text']}")
            counts = st["status"].value_counts()
            print("\n" + "，".join(f"{k} {v} 个" for k, v in counts.items()))
    if len(shown.problems):
        print(f"\n预测提示 {len(shown.problems)} 条：")
        for _, p in shown.problems.head(20).iterrows():
            print(f"  [{p['severity']}] {p['message']}")
    print(f"已写入 {out}：{'、'.join(f'{n}.csv' for n in tables)}")
    return 0


def _safe(name: str) -> str:
    """A folder name from a scenario name (path separators and the like replaced)."""
    import re

    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "情景"
