"""Benchmarks of yichun at province scale: prints figures and writes them (this is not a test).

    .venv/bin/python benchmarks/bench.py                    # 100 units × 7 years, every section
    .venv/bin/python benchmarks/bench.py --units 20 --only ingest --no-write
    .venv/bin/python benchmarks/bench.py --workdir /tmp/yb  # keep (and reuse) the generated files

Everything is measured in ONE run on the same files: cold ingest, a raw python-calamine parse
(one process), a naive pandas.read_excel(engine="openpyxl") of every sheet, warm ingest, peak
memory of ingest plus assessment, assess, project and `yichun brief`; the speed goals are
ratios against the baselines of the same run (never timed tests). The summary goes to stdout,
to benchmarks/results.md and to README.md between the `bench:begin`/`bench:end` markers.

Data: `build_province` (the one place to swap): `yichun sample --counties N` writes N distinct
synthetic county-level units and their region pack (region.yaml) into ONE raw folder, which one
`ingest` call reads (folders of ten-county sets written by older versions are still measured).

Ingest runs in child processes (`--_child`) with a fixed number of parse workers
(YICHUN_WORKERS = --parse-workers), so timings exclude interpreter start-up and imports. Timings are wall
clock on a shared machine: cold ingest and the calamine floor are repeated (--repeat) and
reported as median with the spread (min–max). Peak memory comes from one more cold run, not
timed, that also assesses: the summed PSS of the child and its parse workers (shared pages
counted once), sampled every 50 ms; the sum of each process's own peak RSS is shown as an
upper bound.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import statistics
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
TARGET_FLOOR_RATIO = 1.5  # cold ingest ≤ 1.5× a raw python-calamine parse of the same files
TARGET_WARM_S = 2.0  # warm ingest (nothing changed) < 2 s
TARGET_MB_PER_WORKBOOK = 1.1  # "well under today's 1.47 MB per workbook": at least 25 % under
NATIONAL_UNITS, NATIONAL_YEARS = 2850, 7  # county-level units in China × statistical years
RESULTS = ROOT / "benchmarks" / "results.md"
README = ROOT / "README.md"
MARKERS = ("<!-- bench:begin -->", "<!-- bench:end -->")


@dataclass
class Row:
    section: str
    metric: str
    value: float | str
    unit: str = ""
    target: str = ""
    ok: bool | None = None


@dataclass
class Province:
    """The benchmark's raw data: folders each read by one `ingest` call."""

    folders: list[Path]
    units: int
    years: tuple[int, int]
    how: str  # one line saying how it was built

    @property
    def files(self) -> list[Path]:
        return sorted(p for f in self.folders for p in f.rglob("*.xlsx"))


@dataclass
class Context:
    workdir: Path
    province: Province
    repeat: int = 3
    parse_workers: int = 2
    rows: list[Row] = field(default_factory=list)
    processed: list[Path] = field(default_factory=list)  # ingest outputs per folder (after the ingest section)
    cold_s: float | None = None

    @property
    def sets(self) -> list[Path]:
        return self.province.folders

    @property
    def n_files(self) -> int:
        return len(self.province.files)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _pss_mb(pid: int) -> float:
    """Proportional set size of one process in MB (its private pages plus its share of the pages
    it shares: the parse workers are forked and share the parent's pages); 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return out


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _say(text: str) -> None:
    print(text, flush=True)


# --------------------------------------------------------------------------- child processes

def _files(folders: list[str]) -> list[Path]:
    return sorted(p for f in folders for p in Path(f).rglob("*.xlsx"))


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the parse workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _child(argv: list[str]) -> int:
    """Measured work in a fresh process; prints one JSON line."""
    kind = argv[0]
    base_rss = None
    info: dict = {}
    if kind in ("ingest", "ingest+assess"):
        raw, out = Path(argv[1]), Path(argv[2])
        from yichun.intake import ingest

        if kind == "ingest+assess":
            from yichun.assessment import assess
        base_rss = _maxrss_mb()
        cpu0 = _cpu()
        start = time.perf_counter()
        result = ingest(raw, out, progress=False)
        seconds = time.perf_counter() - start
        cpu = _cpu() - cpu0
        rows = sum(len(getattr(result.inputs, t)) for t in TABLES)
        info = {"seconds": seconds, "rows": rows, "errors": result.n_errors, "warnings": result.n_warnings,
                "unchanged": bool(result.unchanged), "files": len(result.files), "cpu": cpu,
                "table_bytes": int(sum(getattr(result.inputs, t).memory_usage(deep=True).sum() for t in TABLES)),
                "parquet_bytes": sum(p.stat().st_size for p in out.glob("*.parquet"))}
        if kind == "ingest+assess":
            start = time.perf_counter()
            assess(result.inputs).bill  # noqa: B018 — gaps, bill and CV drivers are worked out on first access
            info["assess_seconds"] = time.perf_counter() - start
    elif kind == "baseline":
        import pandas as pd

        files = _files(argv[1:])
        base_rss = _maxrss_mb()
        start = time.perf_counter()
        cells = 0
        for path in files:
            for frame in pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None).values():
                cells += frame.size
        info = {"seconds": time.perf_counter() - start, "cells": cells, "files": len(files)}
    elif kind == "calamine":
        from python_calamine import CalamineWorkbook

        files = _files(argv[1:])
        base_rss = _maxrss_mb()
        cpu0 = _cpu()
        start = time.perf_counter()
        cells = 0
        for path in files:
            wb = CalamineWorkbook.from_path(str(path))
            for name in wb.sheet_names:
                cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
        info = {"seconds": time.perf_counter() - start, "cells": cells, "files": len(files), "cpu": _cpu() - cpu0}
    else:
        raise SystemExit(f"unknown child task {kind}")
    info["maxrss_mb"] = _maxrss_mb()
    info["worker_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    info["base_rss_mb"] = base_rss
    print(json.dumps(info))
    return 0


PSS_EVERY_S = 0.05  # sampling interval of the process tree's memory (the peaks are plateaus of seconds)


def _run_child(*args: str, workers: int | None = None, sample: bool = False) -> dict:
    """Run one measured task in a fresh interpreter; with `sample`, also the peak of the summed
    PSS of its process tree (the child and its parse workers), sampled every PSS_EVERY_S."""
    env = dict(os.environ)
    if workers is not None:
        env["YICHUN_WORKERS"] = str(workers)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, __file__, "--_child", *args], stdout=out, stderr=err, text=True, cwd=ROOT, env=env)
        peak = 0.0
        while proc.poll() is None:
            if sample:
                peak = max(peak, sum(_pss_mb(p) for p in _tree(proc.pid)))
            time.sleep(PSS_EVERY_S if sample else 0.01)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{stderr[-3000:]}")
    info = json.loads(stdout.strip().splitlines()[-1])
    if sample:
        info["tree_pss_mb"] = peak
    return info


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f} s，{len(values)} 次" if len(values) > 1 else "1 次"


# --------------------------------------------------------------------------- preparing data

def build_province(workdir: Path, units: int, years: tuple[int, int], workers: int, seed: int) -> tuple[Province, float | None]:
    """The benchmark's data, built (or reused) in one place, with `yichun sample --counties N`:
    one raw folder when the sample command writes a province into one folder (region packs),
    else the ⌈N/10⌉ set folders it writes today. Returns the province and the seconds spent."""
    from yichun.sample import planned_files

    raw = workdir / "raw"
    marker = workdir / "sample.json"  # not in the raw folder: ingest would list it as a stray file
    args = {"units": units, "years": list(years), "seed": seed}

    def found() -> Province:
        sets = sorted(p for p in raw.glob("set[0-9][0-9]") if p.is_dir())[: -(-units // 10)]
        span = f"{years[1] - years[0] + 1} 年"
        if sets:
            return Province(sets, units, years, f"yichun sample --counties {units}：{len(sets)} 套十县数据 × {span}（每套一个 raw 文件夹，逐个导入后合计）")
        return Province([raw], units, years, f"yichun sample --counties {units}：{units} 个县级单位 × {span}，一个 raw 文件夹，一次导入")

    ready = marker.exists() and json.loads(marker.read_text(encoding="utf-8")) == args
    if not ready and units > 10 and units % 10 == 0:  # the sets written by an earlier run (same generator, same seed)
        sets = [raw / f"set{k + 1:02d}" for k in range(units // 10)]
        ready = all({str(p.relative_to(s)) for p in s.glob("20*/*.xlsx")} == set(planned_files(seed=seed, years=years, replica=k + 1))
                    for k, s in enumerate(sets))
    if ready:
        _say(f"使用已有的样例数据：{raw}")
        return found(), None
    shutil.rmtree(raw, ignore_errors=True)
    cmd = [sys.executable, "-m", "yichun", "sample", "--counties", str(units), "--years", f"{years[0]}-{years[1]}",
           "--seed", str(seed), "--workers", str(workers), "--out", str(raw)]
    _say(f"生成样例数据：{' '.join(cmd[2:])} …")
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
    marker.write_text(json.dumps(args), encoding="utf-8")
    return found(), time.perf_counter() - start


# --------------------------------------------------------------------------- sections

def bench_ingest(ctx: Context) -> list[Row]:
    if importlib.util.find_spec("yichun.intake") is None:
        _say("[ingest] 跳过：yichun.intake 尚不存在")
        return [Row("ingest", "跳过", "yichun.intake 尚不存在")]
    folders = [str(s) for s in ctx.sets]
    n = ctx.n_files
    colds: list[float] = []
    floors: list[float] = []
    cold_cpu: list[float] = []
    floor_cpu: list[float] = []
    warm_max = 0.0
    first: list[dict] = []
    unchanged = True
    ctx.processed = [ctx.workdir / "processed" / s.name for s in ctx.sets]
    # cold ingest and the calamine floor alternate, so that both see the same load on a shared machine
    for rep in range(ctx.repeat):
        total = cpu = 0.0
        for s, out in zip(ctx.sets, ctx.processed):
            shutil.rmtree(out, ignore_errors=True)
            c = _run_child("ingest", str(s), str(out), workers=ctx.parse_workers)
            total += c["seconds"]
            cpu += c["cpu"]
        colds.append(total)
        cold_cpu.append(cpu)
        f = _run_child("calamine", *folders)
        floors.append(f["seconds"])
        floor_cpu.append(f["cpu"])
        _say(f"[ingest] 第 {rep + 1} 次：冷导入 {total:.2f} s（CPU {cpu:.1f} s，{ctx.parse_workers} 个解析进程）；"
             f"calamine 读出 {f['seconds']:.2f} s（CPU {f['cpu']:.1f} s）；比值 {total / f['seconds']:.2f}")
    # peak memory of ingest + assessment: one more cold run, untimed, that also assesses in the
    # same process while the process tree's PSS is sampled (sampling costs CPU: not in the timings)
    for s, out in zip(ctx.sets, ctx.processed):
        shutil.rmtree(out, ignore_errors=True)
        first.append(_run_child("ingest+assess", str(s), str(out), workers=ctx.parse_workers, sample=True))
    _say(f"[memory] 导入 + 评估：进程树 PSS 峰值 {max(c['tree_pss_mb'] for c in first):,.0f} MB")
    for s, out in zip(ctx.sets, ctx.processed):
        for _ in range(ctx.repeat):
            w = _run_child("ingest", str(s), str(out), workers=ctx.parse_workers)
            warm_max = max(warm_max, w["seconds"])
            unchanged &= w["unchanged"]
    _say(f"[ingest] 热导入：单个文件夹最长 {warm_max:.3f} s")
    _say("[baseline] pandas.read_excel(engine='openpyxl') 读取同样文件的全部工作表（一个进程）…")
    b = _run_child("baseline", *folders)
    _say(f"[baseline] {b['seconds']:.2f} s（{b['files']} 个文件，{b['cells']:,} 个单元格）")

    cold, floor = statistics.median(colds), statistics.median(floors)
    ctx.cold_s = cold
    rows_read = sum(c["rows"] for c in first)
    errors, warnings = sum(c["errors"] for c in first), sum(c["warnings"] for c in first)
    parent = max(c["maxrss_mb"] for c in first)
    worker = max(c["worker_rss_mb"] for c in first)
    base = max(c["base_rss_mb"] for c in first)
    per_folder = max(c["files"] for c in first)
    tree = parent + ctx.parse_workers * worker  # upper bound: forked workers share pages with the parent
    upper_wb = tree / per_folder if per_folder else float("nan")
    pss = max(c["tree_pss_mb"] for c in first)
    per_wb = pss / per_folder if per_folder else float("nan")
    assess_s = sum(c.get("assess_seconds", 0.0) for c in first)
    ratio = b["seconds"] / cold
    floor_ratio = statistics.median(c / f for c, f in zip(colds, floors))
    cpu_ratio = statistics.median(c / f for c, f in zip(cold_cpu, floor_cpu))
    table_b = sum(c["table_bytes"] for c in first) / n
    parquet_b = sum(c["parquet_bytes"] for c in first) / n
    national = NATIONAL_UNITS * NATIONAL_YEARS
    nat_s = cold / n * national
    rows = [
        Row("ingest", "工作簿", n, "个"),
        Row("ingest", f"冷导入（{ctx.parse_workers} 个解析进程），中位数", cold, "s", _spread(colds)),
        Row("ingest", "参考：一个进程只用 calamine 读出全部单元格，中位数", floor, "s", _spread(floors)),
        Row("ingest", "基线 pandas+openpyxl（一个进程）", b["seconds"], "s"),
        Row("ingest", "冷导入比 pandas+openpyxl 快", ratio, "倍", f"≥ {TARGET_COLD_RATIO:g} 倍", ratio >= TARGET_COLD_RATIO),
        Row("ingest", "冷导入 ÷ calamine 读出（每次之比的中位数）", floor_ratio, "倍", f"≤ {TARGET_FLOOR_RATIO:g} 倍", floor_ratio <= TARGET_FLOOR_RATIO),
        Row("ingest", "CPU 时间：冷导入（含解析进程）÷ calamine 读出", cpu_ratio, "倍", f"冷导入 CPU 中位数 {statistics.median(cold_cpu):.1f} s"),
        Row("ingest", "热导入（无改动），单个文件夹最长", warm_max, "s", f"< {TARGET_WARM_S:g} s", warm_max < TARGET_WARM_S),
        Row("ingest", "热导入识别为无改动", "是" if unchanged else "否", "", "是", unchanged),
        Row("ingest", "行数（五张表）", int(rows_read), "行"),
        Row("ingest", "吞吐量（冷）", rows_read / cold, "行/s"),
        Row("ingest", "每个工作簿（冷）", cold / n * 1000, "ms"),
        Row("ingest", "错误 / 警告", f"{errors} / {warnings}", "", "错误 0", errors == 0),
        Row("memory", "导入 + 评估：主进程峰值（含解释器与导入）", parent, "MB"),
        Row("memory", "其中解释器与导入", base, "MB"),
        Row("memory", "单个解析进程峰值", worker, "MB"),
        Row("memory", f"每个工作簿：主进程峰值减去解释器与导入，÷ 每个文件夹 {per_folder} 个", (parent - base) / per_folder if per_folder else float("nan"), "MB"),
        Row("memory", f"导入 + 评估：进程树 PSS 峰值（主进程与 {ctx.parse_workers} 个解析进程合计，每 {PSS_EVERY_S * 1000:.0f} ms 采样，含解释器）", pss, "MB"),
        Row("memory", f"每个工作簿：进程树 PSS 峰值 ÷ 每个文件夹 {per_folder} 个", per_wb, "MB",
            f"远低于 1.47 MB（≤ {TARGET_MB_PER_WORKBOOK:g} MB）", per_wb <= TARGET_MB_PER_WORKBOOK),
        Row("memory", f"上限估计：（主进程峰值 + {ctx.parse_workers} × 解析进程峰值）÷ {per_folder}", upper_wb, "MB",
            "各进程峰值之和，共享页重复计算"),
        Row("memory", "整理后的表：内存 / parquet，每个工作簿", f"{table_b / 1024:.0f} KB / {parquet_b / 1024:.0f} KB"),
        Row("assess", "评估（导入后同一进程，全部文件夹）", assess_s, "s"),
        Row("national", f"全国估算：{NATIONAL_UNITS:,} 个县级单位 × {NATIONAL_YEARS} 年 = {national:,} 个工作簿，冷导入", nat_s / 60, "分钟",
            f"本机 {ctx.parse_workers} 个解析进程，线性外推"),
        Row("national", "全国估算：整理后的表在内存 / parquet", f"{table_b * national / 1e9:.1f} GB / {parquet_b * national / 1e9:.2f} GB"),
    ]
    _say(f"[national] 全国 {national:,} 个工作簿：解析按文件独立，随核数线性扩展；一台机器的上限是把全国的表同时放进内存"
         f"（约 {table_b * national / 1e9:.1f} GB）做跨县校验与评估。超过时按省导入（每省一个 raw 文件夹、一组 parquet），"
         "跨省汇总由 DuckDB 或 Spark 直接读这些 parquet 表完成。")
    return rows


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
    widest = 0
    for inputs in _inputs_per_set(ctx):
        first = first or inputs
        start = time.perf_counter()
        assess(inputs).bill  # noqa: B018 — gaps, bill and CV drivers are worked out on first access
        per_set.append(time.perf_counter() - start)
        county_years += len(inputs.counties()) * len(inputs.years())
        widest = max(widest, len(inputs.counties()))
    total = sum(per_set)
    worst = max(per_set)
    span = f"{len(first.years())} 年" if first is not None else ""
    limit = 2.0 * max(widest, 10) / 10  # the goal: 2 s for ten counties × 7 years, in proportion
    _say(f"[assess] {len(per_set)} 个文件夹，合计 {total:.2f} s，单个文件夹（{widest} 县 × {span}）最长 {worst:.2f} s")
    rows = [
        Row("assess", "评估（全部县年）", total, "s"),
        Row("assess", f"单个文件夹（{widest} 县 × {span}），最长", worst, "s", f"< {limit:g} s（每 10 县 2 s）", worst < limit),
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
    # `yichun brief` on the bundled sample (the ten Yichun counties, what the leading group gets),
    # in a throw-away project root (YICHUN_ROOT) under the default region pack
    root = Path(tempfile.mkdtemp(prefix="bench-root-", dir=ctx.workdir))
    (root / "data").mkdir()
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    env = {k: v for k, v in os.environ.items() if k != "YICHUN_REGION"} | {"YICHUN_ROOT": str(root)}
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
    rows = [Row("brief", "yichun brief（宜春样例 10 县，含进程启动）", seconds, "s", "< 60 s", ok and seconds < 60)]
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


def markdown(rows: list[Row], province: Province, when: str) -> str:
    """The summary as a markdown table (results.md and the README section)."""
    load = os.getloadavg()[2]  # 15-minute load average at the end of the run: how shared the machine was
    lines = [f"`benchmarks/bench.py` 于 {when} 在本开发机（{os.cpu_count()} 核，与其他任务共用，结束时 15 分钟平均负载 {load:.1f}）上一次运行测得；"
             f"数据：{province.how}。此表由基准脚本生成，请勿手工修改。", "",
             "| 部分 | 指标 | 数值 | 单位 | 目标 / 说明 | 达标 |", "|---|---|---:|---|---|---|"]
    for r in rows:
        ok = "" if r.ok is None else ("是" if r.ok else "**否**")
        lines.append(f"| {r.section} | {r.metric} | {_fmt(r.value)} | {r.unit} | {r.target} | {ok} |")
    lines += ["", "速度目标都是与同一次运行中的基线之比（不是计时测试）。全国规模的估算按本机实测线性外推：解析按文件独立，"
              "随核数扩展；一台机器的上限是全国的表同时在内存中做跨县校验与评估。超过时按省导入（每省一组 parquet），"
              "跨省汇总由 DuckDB 或 Spark 直接读取这些 parquet 表。"]
    return "\n".join(lines) + "\n"


def write_results(text: str) -> None:
    """benchmarks/results.md, and README.md between the markers (when they are there)."""
    RESULTS.write_text("# 性能基准结果\n\n" + text, encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    begin, end = MARKERS
    if begin in readme and end in readme:
        head, rest = readme.split(begin, 1)
        _, tail = rest.split(end, 1)
        README.write_text(f"{head}{begin}\n{text}{end}{tail}", encoding="utf-8")
    _say(f"已写入 {RESULTS.relative_to(ROOT)} 与 README.md 的性能表")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_child"]:
        return _child(argv[1:])
    import datetime as dt

    from yichun.sample import DEFAULT_SEED

    ap = argparse.ArgumentParser(description="yichun 性能基准（打印并写入数字，不是测试）")
    ap.add_argument("--units", type=int, default=100, help="县级单位数（默认 100，即一个省）")
    ap.add_argument("--years", default="2019-2025", help="统计年度范围（默认 2019-2025）")
    ap.add_argument("--only", action="append", choices=list(SECTIONS), help="只运行某些部分（可重复）")
    ap.add_argument("--workdir", help="工作目录（保留并复用生成的数据；默认用临时目录，结束后删除）")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="生成数据的并行进程数")
    ap.add_argument("--parse-workers", type=int, default=min(2, os.cpu_count() or 1), help="导入时的解析进程数（YICHUN_WORKERS，固定以便比较）")
    ap.add_argument("--repeat", type=int, default=3, help="冷导入、热导入与 calamine 基线各重复几次（报告中位数与范围）")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--no-write", action="store_true", help="只打印，不写 benchmarks/results.md 与 README")
    args = ap.parse_args(argv)
    first, last = (int(x) for x in args.years.split("-"))
    keep = args.workdir is not None
    workdir = Path(args.workdir) if keep else Path(tempfile.mkdtemp(prefix="yichun-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    wanted = args.only or list(SECTIONS)
    if "ingest" not in wanted and any(s in wanted for s in ("assess", "project")):
        _say("提示：未运行 ingest，assess/project 将在内存中读取工作簿（计时不含读取）。")
    try:
        province, gen_s = build_province(workdir, args.units, (first, last), args.workers, args.seed)
        pack = province.folders[0] / "region.yaml"
        if len(province.folders) == 1 and pack.is_file():  # the synthetic region's own pack, for this process and its children
            os.environ["YICHUN_REGION"] = str(pack)
        ctx = Context(workdir, province, repeat=max(1, args.repeat), parse_workers=max(1, args.parse_workers))
        rows = [Row("data", "样例数据", f"{province.how} = {ctx.n_files} 个工作簿"),
                Row("data", "合计大小", sum(p.stat().st_size for p in province.files) / 1e6, "MB")]
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
        if not args.no_write:
            write_results(markdown(rows, province, dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")))
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
