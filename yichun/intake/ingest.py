"""Reading a folder of county workbooks into tidy tables: walk, cache, cross-file checks, write.

`read_folder(raw_dir)` reads every workbook below a folder in memory and returns
(Inputs, problems). `ingest(raw_dir, out_dir)` does the same with a per-file cache
(out/.cache) and a manifest (out/manifest.json: each file's sha256 and cache entry), and
writes the tables as parquet atomically, only when there is no 错误: a failed run leaves
the previous outputs untouched. When no workbook changed since the last successful run,
nothing is re-read: the written tables are returned as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from yichun import paths
from yichun.catalogue import profile_key
from yichun.errors import ERROR, WARNING, InputError, Problem
from yichun.intake import validate as VAL
from yichun.intake.astyped import AsTyped
from yichun.intake.cache import CACHE_VERSION, SUFFIX, cache_key, header_table, load_cached, load_stored, save_cached
from yichun.intake.folder import Survey, survey
from yichun.intake.frames import DATA_TABLES, empty, finalize, problems_frame, to_pandas
from yichun.intake.reader import FileResult, Gathering, read_workbook
from yichun.intake.rules import rules
from yichun.intake.values import cell_text
from yichun.memory import give_back
from yichun.region import region_key
from yichun.tables import TABLES, Inputs

MANIFEST = "manifest.json"
RUN_KEY = b"yichun_run"  # parquet metadata: the id of the run that wrote the table (= manifest "run")
CACHE_DIR = ".cache"
_YEAR_DIR = re.compile(r"^(20\d{2})(年|年度)?$")
SEVERITY_ORDER = {ERROR: 0, WARNING: 1}


@dataclass
class IngestResult:
    """What one run read, found and wrote."""

    inputs: Inputs
    problems: pd.DataFrame
    raw_dir: Path
    out_dir: Path | None = None
    files: list[str] = field(default_factory=list)  # every workbook found (relative paths)
    files_read: list[str] = field(default_factory=list)  # parsed in this run
    files_cached: list[str] = field(default_factory=list)  # taken from the cache or the previous outputs
    files_skipped: list[tuple[str, str]] = field(default_factory=list)  # refused: (file, reason)
    files_other: list[tuple[str, str]] = field(default_factory=list)  # not workbooks, not read: (file, why)
    ok: bool = True
    written: bool = False
    unchanged: bool = False  # nothing changed since the last successful run
    seconds: float = 0.0

    @property
    def n_errors(self) -> int:
        return int((self.problems["severity"] == ERROR).sum()) if not self.problems.empty else 0

    @property
    def n_warnings(self) -> int:
        return int((self.problems["severity"] == WARNING).sum()) if not self.problems.empty else 0

    def report(self, examples: int = 3) -> str:
        from yichun.intake.report import render

        return render(self, examples)

    def __str__(self) -> str:
        return self.report()


# ----------------------------------------------------------------------------- folder walk


def discover(raw_dir: Path) -> list[tuple[Path, str]]:
    """Workbook files below a folder as (path, path relative to it), sorted (see yichun.intake.folder)."""
    return survey(Path(raw_dir)).workbooks


def folder_year(relpath: str) -> int | None:
    """The year of the nearest enclosing folder named like 2025 (or 2025年), if any."""
    for part in reversed(relpath.split("/")[:-1]):
        m = _YEAR_DIR.match(part)
        if m:
            return int(m.group(1))
    return None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------- reading


@dataclass
class _Run:
    results: list[FileResult]
    read: list[str]
    cached: list[str]
    gathered: Gathering  # the files' tables, gathered in the order of `results` (their own tables let go)
    scratch: tempfile.TemporaryDirectory | None = None  # where the workers stored what no cache keeps (read back by AsTyped)

    def close(self) -> None:
        if self.scratch is not None:
            self.scratch.cleanup()
            self.scratch = None


def _read_files(found: list[tuple[Path, str, str]], cache_dir: Path | None, write_cache: bool, progress: bool | None) -> _Run:
    results: dict[str, FileResult] = {}
    read, cached, todo = [], [], []
    gathering, next_k = Gathering(), 0

    def gather_ready() -> None:  # every file, in folder order, up to the first not yet parsed
        nonlocal next_k
        while next_k < len(found) and (r := results.get(found[next_k][1])) is not None:
            gathering.add(r)
            next_k += 1
    for path, rel, sha in found:
        hit = load_cached(cache_dir, rel, sha, typed=False) if cache_dir is not None and cache_dir.is_dir() else None
        if hit is not None:
            results[rel] = hit
            cached.append(rel)
        else:
            todo.append((path, rel, sha))
    workers = _workers(len(todo))  # decided before tqdm starts its monitor thread
    bar = None
    if todo and (progress or (progress is None and len(todo) > 20)):
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: parsing forks its workers, which needs a single thread
        bar = tqdm(total=len(todo), desc="读取工作簿", unit="个", file=sys.stderr, leave=False)
    # workers store each parsed file (the cache entry, or a scratch file kept until the run is closed) and send back its path
    scratch = None
    if write_cache and cache_dir is not None:
        save_to = cache_dir
    else:
        scratch = tempfile.TemporaryDirectory(prefix="yichun-parsed-")
        save_to = Path(scratch.name)
    try:
        for k, got in enumerate(_parse_all([(*item, save_to) for item in todo], workers)):
            res = _fetch(got)
            results[res.file] = res
            read.append(res.file)
            if k == 0:
                VAL.warm()  # while the workers parse the other files
            gather_ready()
            if bar is not None:
                bar.update(1)
    except BaseException:
        if scratch is not None:
            scratch.cleanup()
        raise
    if bar is not None:
        bar.close()
    gather_ready()
    return _Run([results[rel] for _, rel, _ in found], read, cached, gathering, scratch)


@dataclass(frozen=True)
class _Stored:
    """A workbook parsed and stored by its worker: what the worker sends back instead of its tables."""

    file: str
    sha256: str
    path: Path


def _fetch(got: FileResult | _Stored) -> FileResult:
    """The parsed workbook a worker sent back (read from where it stored it)."""
    if not isinstance(got, _Stored):
        return got
    res = load_stored(got.path, typed=False)
    if res is None:
        res = FileResult(file=got.file, sha256=got.sha256, status="refused")
        res.problems.append(Problem(ERROR, "工作簿无法读取", f"读取解析结果 {got.path.name} 时出错，请检查磁盘空间与权限后重新导入。", got.file))
    return res


def _parse_one(item: tuple[Path, str, str, Path | None]) -> FileResult | _Stored:
    """Parse one workbook (in the worker); given a folder, store the result there and return where."""
    path, rel, sha, cache_dir = item
    try:
        res = read_workbook(path, rel, sha, folder_year(rel))
    except Exception as exc:  # noqa: BLE001 — one odd file must not stop the others
        res = FileResult(file=rel, sha256=sha, status="refused")
        res.problems.append(Problem(ERROR, "工作簿无法读取", f"读取时发生意外错误（{type(exc).__name__}: {exc}），请检查文件或联系维护人员。", rel))
    if cache_dir is not None:
        stored = save_cached(cache_dir, res)
        if stored is not None:
            return _Stored(rel, sha, stored)
    return res


def _workers(n_files: int) -> int:
    """Child processes parsing at once: YICHUN_WORKERS, else one per core once a batch is large
    enough; 1 whenever this process runs other threads (then one helper interpreter parses)."""
    import threading

    if threading.active_count() > 1:
        return 1
    env = os.environ.get("YICHUN_WORKERS")
    if env:
        return max(1, int(env))
    return min(os.cpu_count() or 1, 8) if n_files >= rules().parallel_min_files else 1


def _parse_all(todo: list[tuple[Path, str, str, Path | None]], n: int) -> Iterator[FileResult | _Stored]:
    """Parse workbooks, each in a bounded child process (yichun.intake.isolate), `n` at a time;
    yields results in input order. A file that crashes, overruns its time or exhausts its memory
    comes back as one 错误 for that file; the others are read.
    """
    from yichun.intake.isolate import parse_isolated

    yield from parse_isolated(todo, n, _parse_one)


def _gather(gathered: Gathering, part: str) -> pd.DataFrame:
    """One table over all files, converted once from Arrow (a chunk per batch of files, see Gathering)."""
    table = gathered.table(part)
    return empty(part) if table is None else to_pandas(table)


def _headers(results: list[FileResult]) -> pd.DataFrame:
    """The header maps of all files in one frame (table, sheet, field, seen, present, file)."""
    import pyarrow as pa

    pieces = []
    for r in results:
        t = header_table(r)
        if t.num_rows:
            pieces.append(t.append_column("file", pa.array([r.file] * t.num_rows, pa.string())))
    return to_pandas(pa.concat_tables(pieces)) if pieces else pd.DataFrame()


def assemble(results: list[FileResult], others: Sequence[Problem] = (), gathered: Gathering | None = None) -> tuple[Inputs, pd.DataFrame]:
    """Cross-file checks over parsed files; returns the clean Inputs and every problem
    (`others`: the files of the folder that are not workbooks, see yichun.intake.folder;
    `gathered`: the files' tables already gathered, in the order of `results`)."""
    if gathered is None:
        gathered = Gathering()
        for r in results:
            gathered.add(r)
    problems: list[Problem] = [*others, *(p for r in results for p in r.problems)]
    # several workbooks for one county-year: none of them can be trusted over the other
    by_key: dict[tuple, list[FileResult]] = {}
    for r in results:
        if r.status == "read" and r.county and r.year is not None:
            by_key.setdefault((r.county, r.year), []).append(r)
    excluded: dict[str, str] = {}
    for (county, year), group in by_key.items():
        if len(group) > 1:
            names = "、".join(g.file for g in group)
            for g in group:
                msg = f"{county} {year} 年有 {len(group)} 个工作簿（{names}），无法判断以哪个为准，均未导入；请只保留一个。"
                problems.append(Problem(ERROR, "重复工作簿", msg, g.file, county=county, year=year))
                excluded[g.file] = msg
    for r in results:
        if r.status == "read" and (not r.county or r.year is None):
            excluded.setdefault(r.file, "工作簿的县(市、区)或统计年度无法确定（见「基本信息」的问题），整个工作簿未导入。")

    tables = {t: _gather(gathered, t) for t in DATA_TABLES}
    # the as-typed twins are not gathered: only the cells a problem quotes and the quarantined rows are read
    typed = AsTyped(results, tables)
    headers = _headers(results)
    loc = VAL.Located(tables, typed, headers)
    eligible = {t: f[~f["source_file"].isin(list(excluded))] if excluded and not f.empty else f for t, f in tables.items()}
    # one problem per cell: a cell already reported unreadable is not reported again as missing
    skip = {(p.file, p.sheet, p.row, p.column) for p in problems if p.row is not None and p.severity == ERROR}
    checks: list[Problem] = []
    for t in DATA_TABLES:
        checks += VAL.run_schema(t, eligible[t], loc, skip)
        checks += VAL.duplicate_keys(t, eligible[t], loc)
    checks += VAL.headcount_limits(eligible, loc)
    checks += VAL.school_levels(eligible["schools"], loc)
    checks += VAL.county_input_kinds(eligible["county_inputs"], loc)
    checks += VAL.plan_references(eligible["plans"], eligible["schools"], loc)
    checks += VAL.design_years(eligible["kindergartens"], loc)
    checks += VAL.township_references(eligible["kindergartens"], eligible["townships"], eligible["county_inputs"], loc)
    problems += checks
    clean, quarantine = _split(tables, typed, problems, excluded)
    # year-on-year jumps only compare rows that made it into the clean tables
    for t in ("schools", "kindergartens"):
        problems += VAL.year_on_year(t, clean[t], loc)
    problems += VAL.county_year_on_year(clean["county_inputs"], loc)
    frame = _sorted_problems(problems)
    inputs = Inputs(**{t: finalize(t, clean[t]) for t in DATA_TABLES}, problems=frame, quarantine=finalize("quarantine", quarantine))
    return inputs, frame


def _split(tables, typed: AsTyped, problems: list[Problem], excluded: dict[str, str]):
    """Rows with an error go to quarantine (with the reasons, and the cells as typed), the rest are clean."""
    row_reasons: dict[tuple, list[str]] = {}
    sheet_reasons: dict[tuple, list[str]] = {}
    for p in problems:
        if p.severity != ERROR:
            continue
        if p.kind in ("缺少必填列", "无法识别的单位"):
            sheet_reasons.setdefault((p.file, p.sheet), []).append(p.message)
        elif p.row is not None and p.sheet:
            text = f"{p.column}：{p.message}" if p.column else p.message
            row_reasons.setdefault((p.file, p.sheet, p.row), []).append(text)
    row_text = {"\0".join(map(str, k)): "；".join(dict.fromkeys(v)) for k, v in row_reasons.items()}
    sheet_text = {"\0".join(k): "；".join(dict.fromkeys(v)) for k, v in sheet_reasons.items()}
    row_files, sheet_files = {k[0] for k in row_reasons}, {k[0] for k in sheet_reasons}
    clean, quarantined = {}, []
    for t in DATA_TABLES:
        frame = tables[t]
        if frame.empty:
            clean[t] = frame
            continue
        # each reason is looked up only where it can apply (most files have no 错误 at all)
        parts = [pd.Series(None, index=frame.index, dtype="object")]
        if excluded:
            parts.append(frame["source_file"].map(excluded))
        unknown = frame["county"].isna() | frame["year"].isna()
        if unknown.any():
            parts.append(unknown.map({True: "工作簿的县(市、区)或统计年度无法确定，整个工作簿未导入。", False: None}))
        for texts, files in ((row_text, row_files), (sheet_text, sheet_files)):
            if not texts:
                continue
            sub = frame[frame["source_file"].isin(list(files))]
            key = sub["source_file"] + "\0" + sub["source_sheet"]
            if texts is row_text:
                key = key + "\0" + sub["source_row"].astype("str")
            parts.append(key.map(texts).reindex(frame.index))
        found = pd.concat(parts, axis=1).astype("object")
        bad = found.notna().any(axis=1).to_numpy()
        clean[t] = frame[~bad] if bad.any() else frame
        if bad.any():
            q = typed.rows(t, frame.index[bad])
            for col in q.columns:  # number cells kept no text: restore it from the parsed number
                if col in frame and frame[col].dtype == "float64" and q[col].isna().any():
                    q[col] = q[col].fillna(frame.loc[bad, col].map(lambda v: "" if pd.isna(v) else cell_text(v)))
            q.insert(0, "table", t)
            rows = found[bad].to_numpy().tolist()
            q["reason"] = ["；".join(dict.fromkeys(x for x in row if isinstance(x, str) and x)) for row in rows]
            quarantined.append(q)
    quarantine = pd.concat(quarantined, ignore_index=True) if quarantined else empty("quarantine")
    return clean, quarantine


def _sorted_problems(problems: list[Problem]) -> pd.DataFrame:
    frame = problems_frame(problems)
    if frame.empty:
        return frame
    frame["_sev"] = frame["severity"].map(SEVERITY_ORDER).fillna(9)
    frame["_row"] = frame["row"].fillna(0)
    frame = frame.sort_values(["file", "_sev", "sheet", "_row"], kind="stable").drop(columns=["_sev", "_row"])
    return frame.reset_index(drop=True)


def _found(raw_dir: Path) -> tuple[list[tuple[Path, str, str]], Survey]:
    raw_dir = Path(raw_dir)
    if raw_dir.exists() and not raw_dir.is_dir():
        raise InputError(f"{raw_dir} 是一个文件，不是文件夹。请用 --raw 指定存放各县工作簿(.xlsx)的文件夹。")
    if not raw_dir.is_dir():
        raise InputError(f"找不到原始数据文件夹 {raw_dir}。请用 --raw 指定存放各县工作簿(.xlsx)的文件夹。")
    try:
        found = survey(raw_dir)
        return [(p, rel, sha256_file(p)) for p, rel in found.workbooks], found
    except PermissionError as exc:
        raise InputError(f"没有权限读取 {exc.filename or raw_dir}。请检查文件夹的访问权限。") from None
    except OSError as exc:
        raise InputError(f"读取文件夹 {raw_dir} 时出错（{exc.strerror or '系统错误'}：{exc.filename or ''}）。") from None


def _no_workbooks(raw_dir: Path, found: Survey) -> InputError:
    if found.problems:
        return InputError(f"文件夹 {raw_dir} 及其子文件夹中没有可读取的工作簿(.xlsx/.xls/.ods)，只有下列文件：", found.problems)
    return InputError(f"文件夹 {raw_dir} 及其子文件夹中没有找到任何工作簿(.xlsx)。")


def read_folder(raw_dir: Path | str | None = None, *, progress: bool | None = False) -> tuple[Inputs, pd.DataFrame]:
    """Every workbook below `raw_dir`, read in memory (the processed cache is used read-only)."""
    raw_dir = Path(raw_dir) if raw_dir else paths.raw_dir()
    found, folder = _found(raw_dir)
    cache_dir = paths.processed_dir() / CACHE_DIR
    run = _read_files(found, cache_dir, write_cache=False, progress=progress)
    inputs, problems = assemble(run.results, folder.problems, run.gathered)
    run.close()
    del run
    give_back()
    return inputs, problems


# ----------------------------------------------------------------------------- ingest with outputs


def _manifest_files(found) -> dict[str, str]:
    return {rel: sha for _, rel, sha in found}


def _read_manifest(out_dir: Path) -> dict | None:
    try:
        with open(out_dir / MANIFEST, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def _table_runs(out_dir: Path) -> set:
    """The run ids the written tables carry (one id: they were written by one run)."""
    import pyarrow.parquet as pq

    runs = set()
    for t in TABLES:
        meta = pq.read_schema(out_dir / f"{t}.parquet").metadata or {}
        runs.add(meta.get(RUN_KEY, b"").decode())
    return runs


def _up_to_date(manifest: dict | None, found, out_dir: Path, folder: Survey | None = None) -> bool:
    if (not manifest or manifest.get("cache_version") != CACHE_VERSION or manifest.get("rules") != rules().fingerprint
            or manifest.get("profile", "national") != profile_key() or manifest.get("region") != region_key()):
        return False
    if {k: v["sha256"] for k, v in manifest.get("files", {}).items()} != _manifest_files(found):
        return False
    if folder is not None and manifest.get("others", {}) != folder.others:
        return False
    if not all((out_dir / f"{t}.parquet").exists() for t in TABLES):
        return False
    return _table_runs(out_dir) == {manifest.get("run", "")}


def read_outputs(out_dir: Path) -> Inputs:
    """The tables written by the last successful ingest, all of one run (checked: a reader that
    overlaps a new run's commit reads again rather than mixing two runs' tables)."""
    import pyarrow.parquet as pq

    for _attempt in range(3):
        frames, runs = {}, set()
        for t in TABLES:
            table = pq.read_table(out_dir / f"{t}.parquet")
            runs.add((table.schema.metadata or {}).get(RUN_KEY, b"").decode())
            frames[t] = table.to_pandas()
        if len(runs) == 1:
            return Inputs(**frames)
    raise InputError(f"{out_dir} 中的数据表来自不同的导入运行，无法使用。请重新运行 yichun ingest。")


def _write_outputs(out_dir: Path, inputs: Inputs, manifest: dict) -> None:
    """Every table and the manifest, committed as one set (yichun.atomic.folder); the cache moves along."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from yichun.atomic import folder

    run = manifest["run"].encode()
    with folder(out_dir, move=(CACHE_DIR,)) as tmp:
        for t in TABLES:
            table = pa.Table.from_pandas(getattr(inputs, t), preserve_index=False)
            pq.write_table(table.replace_schema_metadata({**(table.schema.metadata or {}), RUN_KEY: run}), tmp / f"{t}.parquet")
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def _manifest(raw_dir: Path, run: _Run, inputs: Inputs, folder: Survey) -> dict:
    files = {}
    for r in run.results:
        sev = [p.severity for p in r.problems]
        files[r.file] = {
            "sha256": r.sha256, "status": r.status, "county": r.county, "year": r.year,
            "cache": f"{CACHE_DIR}/{cache_key(r.file, r.sha256)}{SUFFIX}",
            "errors": sev.count(ERROR), "warnings": sev.count(WARNING),
        }
    return {
        "format": 1, "run": uuid.uuid4().hex, "cache_version": CACHE_VERSION, "rules": rules().fingerprint, "profile": profile_key(), "region": region_key(),
        "raw_dir": str(raw_dir),
        "created": dt.datetime.now().isoformat(timespec="seconds"), "ok": True, "files": files, "others": folder.others,
        "tables": {t: {"file": f"{t}.parquet", "rows": len(getattr(inputs, t))} for t in TABLES},
    }


def _prune_cache(out_dir: Path, manifest: dict) -> None:
    keep = {Path(v["cache"]).name for v in manifest["files"].values()}
    cache_dir = out_dir / CACHE_DIR
    if cache_dir.is_dir():
        for p in cache_dir.iterdir():  # entries of other runs, and of an earlier cache format
            if p.is_file() and p.name not in keep:
                p.unlink(missing_ok=True)


def ingest(raw_dir: Path | str | None = None, out_dir: Path | str | None = None, *, progress: bool | None = None) -> IngestResult:
    """Read every workbook below `raw_dir` and, when there is no 错误, write the tables to `out_dir`.

    One run at a time per output folder (another is refused with a message); the tables are
    committed as one set, so an interrupted or failed run leaves the previous set as it was."""
    from yichun.atomic import locked, recover

    out_dir = Path(out_dir) if out_dir else paths.processed_dir()
    with locked(out_dir):
        recover(out_dir)
        return _ingest(raw_dir, out_dir, progress)


def _ingest(raw_dir, out_dir: Path, progress) -> IngestResult:
    start = time.perf_counter()
    raw_dir = Path(raw_dir) if raw_dir else paths.raw_dir()
    found, folder = _found(raw_dir)
    if not found:
        raise _no_workbooks(raw_dir, folder)
    files = [rel for _, rel, _ in found]
    others = [(p.file, f"{p.kind}：{p.message}") for p in folder.problems if p.severity != ERROR] + folder.notes
    manifest = _read_manifest(out_dir)
    if _up_to_date(manifest, found, out_dir, folder):
        inputs = read_outputs(out_dir)
        return IngestResult(inputs, inputs.problems, raw_dir, out_dir, files, [], files, [], others, ok=True, written=False,
                            unchanged=True, seconds=time.perf_counter() - start)
    run = _read_files(found, out_dir / CACHE_DIR, write_cache=True, progress=progress)
    inputs, problems = assemble(run.results, folder.problems, run.gathered)
    skipped = [(r.file, r.problems[0].message if r.problems else "") for r in run.results if r.status == "refused"]
    skipped += [(p.file, p.message) for p in folder.problems if p.severity == ERROR]
    ok = not (problems["severity"] == ERROR).any()
    result = IngestResult(inputs, problems, raw_dir, out_dir, files, run.read, run.cached, skipped, others, ok=ok)
    if ok:
        m = _manifest(raw_dir, run, inputs, folder)
        _write_outputs(out_dir, inputs, m)
        _prune_cache(out_dir, m)
        result.written = True
    run.close()
    del run
    give_back()  # what the per-file tables held, before the caller goes on (assessment)
    result.seconds = time.perf_counter() - start
    return result


def load(raw_dir: Path | str | None = None, *, use_processed: bool = True) -> Inputs:
    """Tidy tables for notebooks: the processed parquet when it matches the raw files, else read in memory.

    Reading in memory never writes anything; problems and quarantined rows are in
    `inputs.problems` and `inputs.quarantine`.
    """
    raw_dir = Path(raw_dir) if raw_dir else paths.raw_dir()
    out_dir = paths.processed_dir()
    found, folder = _found(raw_dir)
    if use_processed and _up_to_date(_read_manifest(out_dir), found, out_dir, folder):
        return read_outputs(out_dir)
    run = _read_files(found, out_dir / CACHE_DIR, write_cache=False, progress=False)
    inputs, _ = assemble(run.results, folder.problems, run.gathered)
    run.close()
    del run
    give_back()
    return inputs
