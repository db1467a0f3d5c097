"""Benchmarks of yichun at province scale: prints figures (this is not a test).

    .venv/bin/python benchmarks/bench.py                    # 100 counties × 7 years, every section
    .venv/bin/python benchmarks/bench.py --sets 2 --only ingest
    .venv/bin/python benchmarks/bench.py --workdir /tmp/yb  # keep (and reuse) the generated files

Data: `yichun.sample.generate_sets` writes N independent replicas ("provinces") of the ten
synthetic counties, 7 statistical years each, into <workdir>/raw/setNN. A county name must
be unique within one raw folder, so each set is ingested on its own and the figures are
summed over the sets (10 sets = 100 county file sets = 700 workbooks).

Sections (--only, repeatable): ingest, assess, project, brief. A section whose module does
not exist yet is skipped with a note; new sections add a `bench_<name>(ctx)` function
returning rows for the summary table and an entry in SECTIONS.

Timing is wall clock on this machine. Ingest runs in a child process per set, so peak
memory (ru_maxrss) is that of the ingest alone (plus the interpreter and imports, shown
separately); the child times only the call itself, not interpreter start-up.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TABLES = ("schools", "kindergartens", "county_inputs", "population", "plans")
TARGET_COLD_RATIO = 8.0  # cold ingest ≥ 8× faster than pandas.read_excel(engine="openpyxl")
TARGET_WARM_S = 2.0  # warm ingest (nothing changed) < 2 s


@dataclass
class Row:
    section: str
    metric: str
    value: float | str
    unit: str = ""
    target: str = ""
    ok: bool | None = None


@dataclass
class Context:
    workdir: Path
    sets: list[Path]
    years: tuple[int, int]
    rows: list[Row] = field(default_factory=list)
    processed: list[Path] = field(default_factory=list)  # ingest outputs per set (after the ingest section)

    @property
    def n_files(self) -> int:
        return sum(len(list(s.glob("20*/*.xlsx"))) for s in self.sets)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _say(text: str) -> None:
    print(text, flush=True)


# --------------------------------------------------------------------------- child processes

def _child(argv: list[str]) -> int:
    """Measured work in a fresh process; prints one JSON line."""
    kind = argv[0]
    base_rss = None
    if kind == "ingest":
        raw, out = Path(argv[1]), Path(argv[2])
        from yichun.intake import ingest

        base_rss = _maxrss_mb()
        start = time.perf_counter()
        result = ingest(raw, out, progress=False)
        seconds = time.perf_counter() - start
        rows = sum(len(getattr(result.inputs, t)) for t in TABLES)
        info = {"seconds": seconds, "rows": rows, "errors": result.n_errors, "warnings": result.n_warnings,
                "unchanged": bool(result.unchanged), "files": len(result.files)}
    elif kind == "baseline":
        import pandas as pd

        files = sorted(Path(argv[1]).glob("20*/*.xlsx"))
        base_rss = _maxrss_mb()
        start = time.perf_counter()
        cells = 0
        for path in files:
            for frame in pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None).values():
                cells += frame.size
        seconds = time.perf_counter() - start
        info = {"seconds": seconds, "cells": cells, "files": len(files)}
    elif kind == "calamine":
        from python_calamine import CalamineWorkbook

        files = sorted(Path(argv[1]).glob("20*/*.xlsx"))
        base_rss = _maxrss_mb()
        start = time.perf_counter()
        cells = 0
        for path in files:
            wb = CalamineWorkbook.from_path(str(path))
            for name in wb.sheet_names:
                cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
        seconds = time.perf_counter() - start
        info = {"seconds": seconds, "cells": cells, "files": len(files)}
    else:
        raise SystemExit(f"unknown child task {kind}")
    info["maxrss_mb"] = _maxrss_mb()
    info["base_rss_mb"] = base_rss
    print(json.dumps(info))
    return 0


def _run_child(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--_child", *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- preparing data

def prepare(ctx_dir: Path, n_sets: int, years: tuple[int, int], workers: int, seed: int) -> tuple[list[Path], float | None]:
    from yichun.sample import generate_sets, planned_files

    raw = ctx_dir / "raw"
    sets = [raw / f"set{k + 1:02d}" for k in range(n_sets)]
    ready = all(
        {str(p.relative_to(s)) for p in s.glob("20*/*.xlsx")} == set(planned_files(seed=seed, years=years, replica=k + 1))
        for k, s in enumerate(sets)
    )
    if ready:
        _say(f"使用已有的样例数据：{raw}（{n_sets} 套）")
        return sets, None
    _say(f"生成 {n_sets} 套 × 10 个县 × {years[1] - years[0] + 1} 年的合成工作簿到 {raw} …")
    start = time.perf_counter()
    generate_sets(raw, n_sets, seed=seed, years=years, workers=workers)
    return sets, time.perf_counter() - start


# --------------------------------------------------------------------------- sections

def bench_ingest(ctx: Context) -> list[Row]:
    if importlib.util.find_spec("yichun.intake") is None:
        _say("[ingest] 跳过：yichun.intake 尚不存在")
        return [Row("ingest", "跳过", "yichun.intake 尚不存在")]
    cold = warm = rows = 0.0
    peak = base = 0.0
    errors = warnings = 0
    warm_max = 0.0
    unchanged = True
    ctx.processed = []
    for s in ctx.sets:
        out = ctx.workdir / "processed" / s.name
        shutil.rmtree(out, ignore_errors=True)
        c = _run_child("ingest", str(s), str(out))
        w = _run_child("ingest", str(s), str(out))
        cold += c["seconds"]
        warm += w["seconds"]
        warm_max = max(warm_max, w["seconds"])
        rows += c["rows"]
        peak = max(peak, c["maxrss_mb"])
        base = max(base, c["base_rss_mb"])
        errors += c["errors"]
        warnings += c["warnings"]
        unchanged &= w["unchanged"]
        ctx.processed.append(out)
        _say(f"[ingest] {s.name}: 冷 {c['seconds']:.2f} s，热 {w['seconds']:.3f} s，{c['rows']:,} 行，"
             f"错误 {c['errors']}，警告 {c['warnings']}，峰值内存 {c['maxrss_mb']:.0f} MB")
    _say("[baseline] pandas.read_excel(engine='openpyxl') 读取同样文件的全部工作表 …")
    base_s = 0.0
    base_peak = 0.0
    cells = 0
    for s in ctx.sets:
        b = _run_child("baseline", str(s))
        base_s += b["seconds"]
        cells += b["cells"]
        base_peak = max(base_peak, b["maxrss_mb"])
        _say(f"[baseline] {s.name}: {b['seconds']:.2f} s（{b['files']} 个文件，{b['cells']:,} 个单元格）")
    floor = sum(_run_child("calamine", str(s))["seconds"] for s in ctx.sets)
    _say(f"[calamine] 只用 python-calamine 读出全部单元格：{floor:.2f} s")
    ratio = base_s / cold if cold else float("nan")
    n = ctx.n_files
    return [
        Row("ingest", "工作簿", n, "个"),
        Row("ingest", "冷导入（全部新读）", cold, "s"),
        Row("ingest", "热导入（无改动），合计", warm, "s"),
        Row("ingest", "热导入，单个 raw 文件夹最长", warm_max, "s", f"< {TARGET_WARM_S:g} s", warm_max < TARGET_WARM_S),
        Row("ingest", "热导入识别为无改动", "是" if unchanged else "否", "", "是", unchanged),
        Row("ingest", "行数（五张表）", int(rows), "行"),
        Row("ingest", "吞吐量（冷）", rows / cold if cold else float("nan"), "行/s"),
        Row("ingest", "每个工作簿（冷）", cold / n * 1000 if n else float("nan"), "ms"),
        Row("ingest", "峰值内存（含解释器与导入）", peak, "MB"),
        Row("ingest", "其中解释器与导入", base, "MB"),
        Row("ingest", "错误 / 警告", f"{errors} / {warnings}", "", "错误 0", errors == 0),
        Row("ingest", "基线 pandas+openpyxl", base_s, "s"),
        Row("ingest", "基线峰值内存", base_peak, "MB"),
        Row("ingest", "参考：仅 calamine 读出全部单元格", floor, "s"),
        Row("ingest", "冷导入比基线快", ratio, "倍", f"≥ {TARGET_COLD_RATIO:g} 倍", ratio >= TARGET_COLD_RATIO),
    ]


def _inputs_per_set(ctx: Context):
    """Tidy inputs of every set: the ingest outputs when the ingest section ran, else read in memory."""
    if ctx.processed:
        from yichun.intake.ingest import read_outputs

        return [read_outputs(p) for p in ctx.processed]
    from yichun.intake import read_folder

    return [read_folder(s)[0] for s in ctx.sets]


def bench_assess(ctx: Context) -> list[Row]:
    if importlib.util.find_spec("yichun.assessment") is None:
        _say("[assess] 跳过：yichun.assessment 尚不存在")
        return [Row("assess", "跳过", "yichun.assessment 尚不存在")]
    from yichun.assessment import assess

    per_set = []
    county_years = 0
    first = None
    for inputs in _inputs_per_set(ctx):
        first = first or inputs
        start = time.perf_counter()
        assess(inputs).bill  # noqa: B018 — gaps, bill and CV drivers are worked out on first access
        per_set.append(time.perf_counter() - start)
        county_years += len(inputs.counties()) * len(inputs.years())
    total = sum(per_set)
    worst = max(per_set)
    _say(f"[assess] {len(per_set)} 套，合计 {total:.2f} s，单套（10 县 × 7 年）最长 {worst:.2f} s")
    rows = [
        Row("assess", "评估（全部县年）", total, "s"),
        Row("assess", "单套 10 县 × 7 年，最长", worst, "s", "< 2 s", worst < 2.0),
        Row("assess", "每个县年", total / county_years * 1000 if county_years else float("nan"), "ms", "≈ 20 ms",
            None if not county_years else total / county_years < 0.02),
    ]
    if first is not None and county_years:
        # one county-year on its own (what a what-if slider recomputes): the biggest county, latest year
        sizes = first.schools.groupby("county").size()
        one = first.select(years=max(first.years()), counties=str(sizes.idxmax()))
        for label, full in (("达标判定", False), ("含缺口与费用", True)):
            times = []
            for _ in range(21):
                start = time.perf_counter()
                a = assess(one)
                if full:
                    a.bill  # noqa: B018
                times.append(time.perf_counter() - start)
            median = sorted(times[1:])[len(times) // 2] * 1000
            _say(f"[assess] 单个县年（{sizes.idxmax()}，{len(one.schools)} 校、{len(one.kindergartens)} 园，{label}）中位数 {median:.1f} ms")
            rows.append(Row("assess", f"单个县年（最大县，{label}）中位数", median, "ms", "< 100 ms", median < 100))
    return rows


def bench_project(ctx: Context) -> list[Row]:
    if importlib.util.find_spec("yichun.projection") is None:
        _say("[project] 跳过：yichun.projection 尚不存在")
        return [Row("project", "跳过", "yichun.projection 尚不存在")]
    import yichun.projection as proj

    if not hasattr(proj, "project_inputs"):
        _say("[project] 跳过：yichun.projection.project_inputs 尚不存在")
        return [Row("project", "跳过", "project_inputs 尚不存在")]
    t_project = t_outlook = 0.0
    for inputs in _inputs_per_set(ctx):
        start = time.perf_counter()
        proj.project_inputs(inputs, to_year=2030)
        t_project += time.perf_counter() - start
        if hasattr(proj, "readiness_outlook"):
            start = time.perf_counter()
            proj.readiness_outlook(inputs)
            t_outlook += time.perf_counter() - start
    _say(f"[project] project_inputs 合计 {t_project:.2f} s，readiness_outlook 合计 {t_outlook:.2f} s")
    rows = [Row("project", "project_inputs 至 2030（全部套）", t_project, "s")]
    if hasattr(proj, "readiness_outlook"):
        rows.append(Row("project", "readiness_outlook（全部套）", t_outlook, "s"))
    return rows


def bench_brief(ctx: Context) -> list[Row]:
    if importlib.util.find_spec("yichun.commands.brief") is None:
        _say("[brief] 跳过：`yichun brief` 尚不存在")
        return [Row("brief", "跳过", "yichun brief 尚不存在")]
    # `yichun brief` on the first set, in a throw-away project root (YICHUN_ROOT)
    root = Path(tempfile.mkdtemp(prefix="bench-root-", dir=ctx.workdir))
    (root / "data").mkdir()
    shutil.copytree(ctx.sets[0], root / "data" / "raw")
    for name in ("schedule.csv", "schedule.provenance.yaml"):
        shutil.copy(ROOT / "data" / "raw" / name, root / "data" / "raw" / name)
    env = {**os.environ, "YICHUN_ROOT": str(root)}
    yichun = Path(sys.executable).parent / "yichun"
    cmd = [str(yichun)] if yichun.exists() else [sys.executable, "-m", "yichun"]
    subprocess.run([*cmd, "ingest"], env=env, capture_output=True, text=True, check=False)
    start = time.perf_counter()
    proc = subprocess.run([*cmd, "brief"], env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    ok = proc.returncode == 0
    _say(f"[brief] yichun brief：{seconds:.1f} s，退出码 {proc.returncode}")
    if not ok:
        _say(proc.stderr[-1500:])
    rows = [Row("brief", "yichun brief（10 县 × 7 年，含进程启动）", seconds, "s", "< 60 s", ok and seconds < 60)]
    # the command's own breakdown, e.g. "用时：数据 1.7 秒，图表导出 9.5 秒，…" (steps overlap: they do not add up)
    for line in proc.stdout.splitlines():
        if line.strip().startswith("用时："):
            for step, value in re.findall(r"([^：，\s]+) ([\d.]+) 秒", line):
                rows.append(Row("brief", f"  其中 {step}", float(value), "s"))
    return rows


SECTIONS = {"ingest": bench_ingest, "assess": bench_assess, "project": bench_project, "brief": bench_brief}


# --------------------------------------------------------------------------- main

def summary(rows: list[Row]) -> str:
    head = ("部分", "指标", "数值", "单位", "目标", "达标")
    table = [head] + [(r.section, r.metric, _fmt(r.value), r.unit, r.target, "" if r.ok is None else ("是" if r.ok else "否"))
                      for r in rows]

    def width(text: str) -> int:  # CJK characters take two columns
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    cols = [max(width(row[k]) for row in table) for k in range(len(head))]
    lines = []
    for n, row in enumerate(table):
        cells = [row[k] + " " * (cols[k] - width(row[k])) for k in range(len(head))]
        cells[2] = " " * (cols[2] - width(row[2])) + row[2]  # numbers right-aligned
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * c for c in cols))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_child"]:
        return _child(argv[1:])
    from yichun.sample import DEFAULT_SEED

    ap = argparse.ArgumentParser(description="yichun 性能基准（打印数字，不是测试）")
    ap.add_argument("--sets", type=int, default=10, help="十县数据的套数（默认 10，即 100 个县 × 7 年）")
    ap.add_argument("--years", default="2019-2025", help="统计年度范围（默认 2019-2025）")
    ap.add_argument("--only", action="append", choices=list(SECTIONS), help="只运行某些部分（可重复）")
    ap.add_argument("--workdir", help="工作目录（保留并复用生成的数据；默认用临时目录，结束后删除）")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="生成数据的并行进程数")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    first, last = (int(x) for x in args.years.split("-"))
    keep = args.workdir is not None
    workdir = Path(args.workdir) if keep else Path(tempfile.mkdtemp(prefix="yichun-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    wanted = args.only or list(SECTIONS)
    if "ingest" not in wanted and any(s in wanted for s in ("assess", "project")):
        _say("提示：未运行 ingest，assess/project 将在内存中读取工作簿（计时不含读取）。")
    try:
        sets, gen_s = prepare(workdir, args.sets, (first, last), args.workers, args.seed)
        ctx = Context(workdir, sets, (first, last))
        rows = [Row("data", "样例数据", f"{len(sets)} 套 × 10 县 × {last - first + 1} 年 = {ctx.n_files} 个工作簿"),
                Row("data", "合计大小", sum(p.stat().st_size for s in sets for p in s.glob("20*/*.xlsx")) / 1e6, "MB")]
        if gen_s is not None:
            rows.append(Row("data", f"生成（{args.workers} 个进程）", gen_s, "s"))
        for name in wanted:
            try:
                rows += SECTIONS[name](ctx)
            except Exception as exc:  # noqa: BLE001 — a broken section is reported, the others still run
                _say(f"[{name}] 失败：{type(exc).__name__}: {exc}")
                rows.append(Row(name, "失败", f"{type(exc).__name__}: {str(exc)[:80]}"))
        print()
        print("汇总（本机墙钟时间）")
        print(summary(rows))
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
