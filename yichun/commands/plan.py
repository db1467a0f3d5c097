"""`yichun plan`: the cheapest additions with which a county passes in its scheduled year in every variant.

Writes (CSV, UTF-8 with BOM) into --out (default reports/plans/<县><类别>):
  plan.csv        county, track, school_id, school_name, field, quantity, unit, cost_wan, cost_kind, …
  plan_check.csv  variant, year, ready, unmet: the projection re-assessed with the plan applied
  policy.csv      code, name, measure, …: what no addition can fix (需政策措施)
and prints the plan's totals, one-off investment and yearly cost apart.
"""

from __future__ import annotations

NAME = "plan"
HELP = "测算使某县(市、区)在计划年度于低、中、高三种方案下均能通过评估的最低新增投入"
ORDER = 45


def register(parser) -> None:
    parser.add_argument("--county", required=True, metavar="县(市、区)", help="县(市、区)名称，如 宜丰县")
    parser.add_argument("--track", required=True, metavar="评估类别", help="义务教育 或 学前教育（也可写 义务教育优质均衡、学前教育普及普惠）")
    parser.add_argument("--year", type=int, metavar="年度", help="达标年度（默认：计划评估年度；已过则为数据后第一年）")
    parser.add_argument("--raw", metavar="目录", help="工作簿所在目录（默认 data/raw）")
    parser.add_argument("--out", metavar="目录", help="输出目录（默认 reports/plans/<县><类别>）")
    parser.add_argument("--profile", default="national", metavar="标准配置", help="标准配置名或 YAML 路径（默认 national）")
    parser.add_argument("--params", metavar="参数.yaml", help="覆盖预测参数（yichun/data/projection.yaml）的 YAML 文件")
    parser.add_argument("--to-year", type=int, default=2030, metavar="年度", help="复核预测截止的统计年度（默认 2030）")


def run(args) -> int:
    from pathlib import Path

    from yichun import paths
    from yichun.atomic import write_csv
    from yichun.counties import normalize_county
    from yichun.errors import YichunError
    from yichun.intake import load
    from yichun.projection.params import VARIANT_LABELS, parameters
    from yichun.projection.tracks import ASSESS_TRACKS, assess_track
    from yichun.scenarios.planner import plan_all_variants, plan_check, plan_table, policy_table

    params = parameters(args.params) if args.params else parameters()
    county = normalize_county(args.county)
    track = assess_track(args.track.strip())
    if track not in ASSESS_TRACKS:
        raise YichunError(f"--track「{args.track}」不是评估类别；应为 {'、'.join(ASSESS_TRACKS)}")
    inputs = load(Path(args.raw) if args.raw else None)
    if county not in inputs.counties():
        raise YichunError(f"数据中没有{county}；已有：{'、'.join(inputs.counties())}")
    if inputs.years() and args.to_year <= max(inputs.years()):
        raise YichunError(f"--to-year {args.to_year} 应晚于数据的最后年度 {max(inputs.years())}")
    plan = plan_all_variants(inputs, county, track, args.year, profile=args.profile, params=params)
    tables = {"plan": plan_table(plan), "plan_check": plan_check(inputs, plan, args.to_year, profile=args.profile, params=params),
              "policy": policy_table(plan)}
    out = Path(args.out) if args.out else paths.reports_dir() / "plans" / f"{county}{track}"
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():  # all computed before the first file is written
        write_csv(frame, out / f"{name}.csv")
    print(plan.summary())
    check = tables["plan_check"]
    at = check[check["year"] == plan.year]
    print("复核（实施方案后重新预测）：" + "，".join(
        f"{VARIANT_LABELS[v]}{'达标' if bool(r) else '未达标'}" for v, r in zip(at["variant"], at["ready"])) + f"（{plan.year}年）")
    later = check[(check["year"] > plan.year) & ~check["ready"].astype(bool)]
    if len(later):
        first = later.iloc[0]
        print(f"注意：{int(first['year'])}年（{VARIANT_LABELS[first['variant']]}）预计仍有未达标项：{first['unmet']}")
    if len(plan.policy):
        print("需政策措施或逐校核实：")
        for _, p in plan.policy.iterrows():
            print(f"  {p['code']} {p['name'][:30]}：{p['measure']}")
    print(f"已写入 {out}：plan.csv、plan_check.csv、policy.csv")
    return 0
