"""Speed of projection and what-if (prints figures; this is not a test).

    .venv/bin/python benchmarks/bench_project.py            # the sample in data/raw (10 counties × 7 years)
    .venv/bin/python benchmarks/bench_project.py --raw DIR  # another folder of workbooks

Goals (brief): one scenario recomputation for one county (apply the actions + assess one
county-year) < 100 ms, fast enough for a slider; all ten counties, three variants, every
year to 2030 < 5 s. Province scale (100 counties): `benchmarks/bench.py --only project`.
Each figure is the median of several runs, wall clock on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="预测与情景推演的性能基准（打印数字，不是测试）")
    ap.add_argument("--raw", help="工作簿目录（默认 data/raw）")
    ap.add_argument("--county", default="宜丰县")
    args = ap.parse_args(argv)

    import yichun
    from yichun.assessment import assess
    from yichun.projection import outlook
    from yichun.projection.outlook import prepare, run
    from yichun.scenarios.actions import STRUCTURAL, apply_scenario
    from yichun.scenarios.whatif import WhatIf

    inputs = yichun.load(Path(args.raw) if args.raw else None)
    county = args.county
    rows = []

    t_all = timed(lambda: outlook(inputs, to_year=2030), repeat=3)
    n = len(inputs.counties())
    rows.append((f"全部 {n} 县 × 3 方案 × 至2030年（预测 + 逐年评估 + 状态）", t_all, "< 5 s", t_all < 5))

    w = WhatIf(inputs)
    prep = w.prepared(county)
    year = w.years(county)[0]
    scenario = w.build(county, teachers=40, area=5000, conversions=2)
    proj = prep.projected["central"].select(years=[year])
    cache = prep.counted("central")

    def one():
        changed = apply_scenario(scenario, proj, params=prep.params, profile=prep.catalogue, kinds=STRUCTURAL, cache=cache)
        assess(changed, years=[year], profile=prep.catalogue)

    t_one = timed(one, repeat=9)
    rows.append((f"一县一年情景重算（{county} {year}年：施加措施 + 评估）", t_one, "< 100 ms", t_one < 0.1))
    t_assess = timed(lambda: assess(proj, years=[year], profile=prep.catalogue), repeat=9)
    rows.append(("  其中仅评估一县一年", t_assess, "", None))
    t_slider = timed(lambda: run(prep, scenario, years=w.years(county)), repeat=5)
    rows.append((f"滑块刷新（{county}，3 方案 × 计划年份，含状态判定）", t_slider, "", None))
    t_prep = timed(lambda: prepare(inputs, counties=[county]), repeat=3)
    rows.append(("一县预测准备（首次选择该县时）", t_prep, "", None))

    print("\n预测与情景推演性能（本机墙钟时间，中位数）")
    for label, seconds, target, ok in rows:
        flag = "" if ok is None else ("  达标" if ok else "  未达标")
        shown = f"{seconds * 1000:,.0f} ms" if seconds < 1 else f"{seconds:,.2f} s"
        print(f"  {label}：{shown}" + (f"（目标 {target}）" if target else "") + flag)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
