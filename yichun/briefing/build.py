"""Build the leading-group briefings: notebook 06 run per scope, HTML, PDF, Word, slides, chart images and 问题清单.

`build_briefing(out_dir=None, county=None, year=None, raw_dir=None)`:

1. computes the `BriefingData` once and pickles it into a hidden work folder;
2. runs notebooks/06_领导小组简报.ipynb with papermill for the city and each county (all
   counties, or the one given) in a small thread pool, each run loading the pickle, and
   converts each executed notebook to an offline HTML page (no code, no prompts, no CDN
   scripts) that loads the ONE plotly.min.js and its zh-CN locale written beside the pages;
3. prints each page to `<名称>简报.pdf` (A4 portrait, yichun.briefing.pdf) as soon as it is
   written, in one browser of its own;
4. meanwhile exports the charts each run built (saved as JSON by the run: every chart is built
   once) as PNG (and SVG on request) in one kaleido session fed page by page
   (`yichun.charts.export.Exporter`), writes each `<名称>汇报材料.docx` (yichun.briefing.word)
   as soon as its images are there and then the city's `领导小组汇报.pptx`
   (yichun.briefing.slides); each county's 问题清单 workbook (yichun.problem_list) is written
   in a process of its own from the start;
5. returns a `BriefingResult` listing what was written (`summary()` in Chinese, with a timing
   line whose steps add up).

Every file is written atomically. Without chromium the images and PDFs are skipped with one
warning and everything else is still produced.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yichun import paths
from yichun.atomic import write_text
from yichun.errors import YichunError

NOTEBOOK = "06_领导小组简报.ipynb"
WORKERS = 2
KERNEL_NAME = "python3"
REMOVE_TAG = "remove_cell"  # cells kept out of the exported HTML (e.g. the nbval key-figure cell)
# <script src="https://…"> tags (MathJax from plotly's notebook renderer): the HTML must open offline
CDN_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>', re.IGNORECASE)

# nbconvert template: the JupyterLab page without require.js, MathJax and mermaid (all from CDNs)
# and with a print-friendly style for the briefing's tables.
TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
@@HEAD_SCRIPTS@@
{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
body.jp-Notebook { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
.jp-RenderedHTMLCommon { font-size: 15px; line-height: 1.7; }
.jp-RenderedHTMLCommon h1, .jp-RenderedHTMLCommon h2 { border-bottom: 2px solid #44546A; padding-bottom: 6px; }
.jp-RenderedHTMLCommon table.yichun-table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; table-layout: auto; }
.jp-RenderedHTMLCommon table.yichun-table th { background: #D9E1F2; text-align: center; white-space: nowrap; padding: 4px 8px;
  border-bottom: 1.5px solid #44546A; }
.jp-RenderedHTMLCommon table.yichun-table td { padding: 4px 8px; text-align: left; vertical-align: top; border-top: 1px solid #D0D0D0; }
.jp-RenderedHTMLCommon table.yichun-table td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.jp-RenderedHTMLCommon table.yichun-table tbody tr:nth-child(odd) { background: #F7F7F7; }
.jp-RenderedHTMLCommon table.yichun-table td.short { white-space: nowrap; }
.jp-RenderedHTMLCommon p.legend { font-size: 12px; color: #555; margin-top: 0; }
.jp-OutputArea-output { overflow-x: auto; }
/* Print (A4 portrait, the PDF): everything fits the width, no chart or table row split, header rows repeat. */
@media print {
  body.jp-Notebook { max-width: none; margin: 0; padding: 0; }
  .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output, .jp-Cell-outputWrapper { overflow: visible !important; }
  ::-webkit-scrollbar { display: none; }
  .jp-RenderedHTMLCommon table.yichun-table { width: 100%; font-size: 12.5px; page-break-inside: auto; }
  .jp-RenderedHTMLCommon table.yichun-table th { white-space: normal; }
  .jp-RenderedHTMLCommon table.yichun-table thead { display: table-header-group; }
  .jp-RenderedHTMLCommon table.yichun-table tr, .plotly-graph-div, .js-plotly-plot, img { break-inside: avoid; page-break-inside: avoid; }
  .jp-RenderedHTMLCommon h1, .jp-RenderedHTMLCommon h2, .jp-RenderedHTMLCommon h3 { break-after: avoid; page-break-after: avoid; }
  .jp-Cell, .jp-OutputArea-child { break-inside: auto; }
  .js-plotly-plot { zoom: 0.92; }  /* 960 px charts in the ≈ 895 px the A4 page offers at the print scale */
  .modebar-container { display: none !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
{%- endblock extra_css -%}
"""


@dataclass
class BriefingResult:
    """What `build_briefing` wrote, where, and how long each step took."""

    out_dir: Path
    year: int
    html: dict = field(default_factory=dict)  # "全市" / county → HTML path
    pdf: dict = field(default_factory=dict)  # "全市" / county → PDF path (A4, printed from the HTML)
    docx: dict = field(default_factory=dict)  # "全市" / county → 汇报材料 (Word)
    pptx: Path | None = None  # 领导小组汇报.pptx
    assets: list = field(default_factory=list)  # plotly.min.js and its zh-CN locale, shared by the pages
    charts: list = field(default_factory=list)  # PNG and SVG paths
    excel: dict = field(default_factory=dict)  # county → 问题清单 path
    warnings: list = field(default_factory=list)  # Chinese messages (at most one for the images)
    timings: dict = field(default_factory=dict)  # step → seconds

    def summary(self) -> str:
        """A short Chinese list of the files produced (paths relative to the output folder)."""
        out = self.out_dir
        lines = [f"简报已生成（{self.year} 年数据）：{out}"]
        for who, p in self.html.items():
            extra = [q.name for q in (self.pdf.get(who), self.docx.get(who)) if q is not None]
            lines.append(f"  · {who}简报：{p.relative_to(out)}" + (f"（{'、'.join(extra)}）" if extra else ""))
        if self.pptx is not None:
            lines.append(f"  · 领导小组汇报幻灯片：{self.pptx.relative_to(out)}")
        if self.excel:
            lines.append(f"  · 问题清单 {len(self.excel)} 份：" + "、".join(str(p.relative_to(out)) for p in self.excel.values()))
        if self.charts:
            n_png = sum(p.suffix == ".png" for p in self.charts)
            n_svg = sum(p.suffix == ".svg" for p in self.charts)
            lines.append(f"  · 图表 PNG {n_png} 张" + (f"、SVG {n_svg} 张" if n_svg else "") + f"：{self.charts[0].parent.relative_to(out)}/")
        else:
            lines.append("  · 图表图片：未导出" + ("（见上方警告）" if self.warnings else ""))
        if self.timings:
            lines.append("  用时：" + timing_line(self.timings))
        return "\n".join(lines)


def notebook_path() -> Path:
    """notebooks/06_领导小组简报.ipynb of the project; with YICHUN_ROOT elsewhere, the checkout's copy."""
    path = paths.notebooks_dir() / NOTEBOOK
    return path if path.exists() else paths.PACKAGE_DIR.parent / "notebooks" / NOTEBOOK


def default_out_dir() -> Path:
    """reports/<YYYY-MM-DD>/"""
    return paths.reports_dir() / _dt.date.today().isoformat()


PARALLEL = ("笔记本与网页", "PDF打印", "图表导出", "问题清单", "Word与幻灯片")
STAGES = ("数据", "并行生成", "PDF收尾")  # one after the other: they add up to 合计


def timing_line(t: dict) -> str:
    """'合计 52.0 秒 = 数据 6.1 秒 + 并行生成 43.2 秒 + PDF收尾 2.4 秒；同时进行：…' — the steps that add up
    (合计 is the sum of the rounded steps), and what ran side by side within 并行生成."""
    if "并行生成" not in t:
        return "，".join(f"{k} {v:.1f} 秒" for k, v in t.items())
    steps = [(k, round(float(t.get(k, 0.0)), 1)) for k in STAGES]
    inner = "，".join(f"{k} {t[k]:.1f} 秒" for k in PARALLEL if k in t)
    return (f"合计 {sum(v for _, v in steps):.1f} 秒 = " + " + ".join(f"{k} {v:.1f} 秒" for k, v in steps)
            + f"；同时进行：{inner}")


class _Progress:
    """A tqdm bar on stderr counting the files written (no bar when disabled); safe to step from threads."""

    def __init__(self, total: int, enabled: bool):
        self.lock = threading.Lock()
        self.bar = None
        if enabled:
            import sys

            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="生成简报", unit="份", file=sys.stderr, leave=False, dynamic_ncols=True)

    def total(self, n: int) -> None:
        if self.bar is not None:
            self.bar.total = n
            self.bar.refresh()

    def step(self, what=None) -> None:
        if self.bar is None:
            return
        with self.lock:
            if what is not None:
                self.bar.set_postfix_str(Path(str(what)).name, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def build_briefing(out_dir=None, county: str | None = None, year: int | None = None, raw_dir=None, *,
                   profile: str = "national", workers: int = WORKERS, formats=("png",), data=None,
                   progress: bool = False, ledgers=None) -> BriefingResult:
    """The city briefing plus every county's (or only `county`'s), with charts and 问题清单; see the module docstring.

    ledgers: a folder of 问题清单 the counties returned (整改台账核对 against them; default: the
    previous statistical year's ledger generated from the data)."""
    import copy

    from yichun.briefing.data import compute, save
    from yichun.briefing.figures import city_figures, county_figures, load_figures
    from yichun.counties import normalize_county

    start_all = time.perf_counter()
    timings: dict[str, float] = {}
    nb_in = notebook_path()
    if not nb_in.exists():
        raise YichunError(f"找不到简报笔记本 {nb_in}（应在项目的 notebooks 文件夹中）")
    if county is not None:
        county = normalize_county(county)  # an unknown name fails before any work
    returned = None
    if ledgers is not None:
        from yichun.briefing.rounds import read_ledgers, with_returned

        returned = read_ledgers(ledgers)  # a bad file fails before any work
    inputs = None
    if data is None:  # the workbooks read and the year checked before anything is started
        from yichun.intake import load

        inputs = load(raw_dir)
        year = inputs.resolve_year(year, where=str(raw_dir) if raw_dir else "数据")
    out = Path(out_dir) if out_dir else default_out_dir()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".brief-", dir=out))
    from yichun.briefing.pdf import Printer
    from yichun.charts.export import Exporter

    # Started first, while the data are computed (one core is free then): the kernels import what the
    # notebook needs, the 问题清单 process its libraries, the two browsers start.
    bar = _Progress(0, progress)
    lists = _ProblemLists(out, bar.step)
    lists.start()
    runner = _NotebookRunner(nb_in, out, work, workers if county is None else min(workers, 2), on_html=None)
    runner.start()
    printer = Printer(on_written=bar.step)  # one browser printing each page to PDF as soon as its notebook run wrote it
    printer.start()
    docs: _Documents | None = None
    exporter: Exporter | None = None
    def assessed(assessment, rounds, yr, present) -> None:
        """The 问题清单 need only the assessment and the ledger rounds: they start before the outlook is computed."""
        import pickle

        from yichun.atomic import write_bytes

        if county is not None and county not in present:
            return  # the error is raised once the data are complete
        f = write_bytes(work / "problem-lists.pkl", pickle.dumps(ListsData(int(yr), assessment, rounds), protocol=pickle.HIGHEST_PROTOCOL))
        lists.begin(f, [county] if county is not None else list(present))

    try:
        if data is None:
            data = compute(year=year, inputs=inputs, raw_dir=raw_dir, profile=profile, ledgers=returned, on_assessed=assessed)
        elif returned is not None:
            data = with_returned(data, returned)
        if county is not None:
            if county not in data.counties:
                raise YichunError(f"{data.year} 年的数据中没有{county}（有：{'、'.join(data.counties)}）")
            counties = [county]
        else:
            counties = data.counties
        result = BriefingResult(out_dir=out, year=data.year)
        from yichun.charts import web

        result.assets = web.write_assets(out)  # the pages' one shared plotly.js (and its Chinese locale)
        # the notebook runs save the charts they build into work/figures (each chart is built once)
        shipped = copy.copy(data)
        shipped.figure_dir = str(work / "figures")
        data_file = save(shipped, work / "briefing.pkl")
        timings["数据"] = time.perf_counter() - start_all
        start_par = time.perf_counter()
        scopes: list[str | None] = [None, *counties]
        bar.total(3 * len(scopes) + len(counties) + 1)  # html, pdf and docx per scope, the workbooks, the slides
        if not lists.begun:
            lists.begin(data_file, counties)
        docs = _Documents(data, scopes, out, bar.step)  # each Word report as soon as its images are there, then the slides
        exporter = Exporter(out / "charts", formats, on_batch=docs.images_ready) if formats else None
        if exporter is not None:
            exporter.start()
        docs.start(wait_for_images=exporter is not None)

        def page_done(page: Path, scope) -> None:
            bar.step(page)
            printer.submit(page, page.with_suffix(".pdf"))
            if exporter is not None:
                from yichun.briefing.content import briefing_name

                figs = load_figures(shipped.figure_dir, briefing_name(scope))
                if not figs:  # the run saved none (a notebook that does not build its page with Briefing): build them here
                    figs = city_figures(data) if scope is None else county_figures(data, scope)
                exporter.submit(figs, tag=scope)

        runner.on_html = page_done
        runner.begin(scopes, data_file, data.year)
        html = runner.join()
        messages: list[str] = []
        if exporter is not None:
            result.charts, messages = exporter.close()
            timings["图表导出"] = exporter.busy
            exporter = None
        result.warnings += messages
        result.docx, result.pptx = docs.close()
        timings["Word与幻灯片"] = docs.seconds
        result.excel = lists.join()
        timings["问题清单"] = lists.seconds
    except BaseException:
        runner.cancel()  # no new notebooks; the running ones finish and their kernels stop
        runner.join(raise_errors=False)
        lists.cancel()
        if exporter is not None:
            exporter.close()
        if docs is not None:
            docs.close(abandon=True)
        printer.close()
        bar.close()
        shutil.rmtree(work, ignore_errors=True)
        raise
    try:
        timings["笔记本与网页"] = (runner.finished or start_par) - start_par
        timings["并行生成"] = time.perf_counter() - start_par
        start = time.perf_counter()
        written, message = printer.close()
        timings["PDF收尾"] = time.perf_counter() - start
        timings["PDF打印"] = printer.busy
        bar.close()
        if message:
            result.warnings.append(message)
        done = set(written)
        for scope in scopes:
            result.html["全市" if scope is None else scope] = html[scope]
        result.pdf = {who: p.with_suffix(".pdf") for who, p in result.html.items() if p.with_suffix(".pdf") in done}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    timings["合计"] = time.perf_counter() - start_all
    timings["PDF收尾"] += timings["合计"] - (timings["数据"] + timings["并行生成"] + timings["PDF收尾"])  # the clean-up: the steps add up
    result.timings = timings
    if len(result.warnings) > 1:  # one warning, however many steps were skipped
        result.warnings = ["；".join(dict.fromkeys(result.warnings))]
    if result.warnings:
        from yichun.charts.export import ExportSkippedWarning

        warnings.warn(result.warnings[0], ExportSkippedWarning, stacklevel=2)
    return result


# ----------------------------------------------------------------------------- steps

class _Documents:
    """The Word 汇报材料 of every scope, each written as soon as its chart images are exported
    (`images_ready`, called by the exporter after each page's batch), then the city's slides."""

    def __init__(self, data, scopes: list, out: Path, step=None):
        import queue

        self.data, self.scopes, self.out, self.step = data, scopes, out, step
        self.ready: queue.Queue = queue.Queue()
        self.images: dict = {}
        self.docx: dict = {}
        self.pptx: Path | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._work, name="brief-docs", daemon=True)

    def start(self, wait_for_images: bool = True) -> None:
        if not wait_for_images:
            for scope in self.scopes:
                self.ready.put((scope, []))
        self.thread.start()

    def images_ready(self, scope, paths: list) -> None:
        self.ready.put((scope, paths))

    def close(self, abandon: bool = False) -> tuple[dict, Path | None]:
        if abandon:
            self.ready.put(None)
        self.thread.join()
        if self.error is not None and not abandon:
            raise self.error
        return self.docx, self.pptx

    def _work(self) -> None:
        from yichun.briefing import slides, word

        todo = set(self.scopes)
        try:
            while todo:
                item = self.ready.get()
                if item is None:
                    return
                scope, paths = item
                start = time.perf_counter()
                self.images.update({p.stem: p for p in paths if p.suffix == ".png"})
                if scope in todo:
                    todo.discard(scope)
                    who = "全市" if scope is None else scope
                    self.docx[who] = word.write_report(self.data, scope, self.out / word.report_name(scope), self.images)
                    if self.step:
                        self.step(self.docx[who])
                self.seconds += time.perf_counter() - start
            start = time.perf_counter()
            if None in self.scopes:
                self.pptx = slides.write_slides(self.data, self.out / slides.SLIDES_NAME, self.images)
                if self.step:
                    self.step(self.pptx)
            self.seconds += time.perf_counter() - start
        except BaseException as exc:  # re-raised by close()
            self.error = exc


class _ProblemLists:
    """Every county's 问题清单 in a process of its own, so that writing the workbooks does not
    compete with the pages and the documents for this process's interpreter lock.

    The process (a plain child interpreter, reaped by `join`/`cancel`: no helper process is left
    behind) is started at the start and imports what it needs while the data are computed;
    `begin` hands it the pickled briefing data (the same rows as the briefing's 整改台账核对) and
    it reports each workbook as one JSON line. Without a working process the workbooks are
    written in a thread instead."""

    def __init__(self, out: Path, step=None):
        self.out, self.step = out, step
        self.data_file: Path | None = None
        self.counties: list[str] = []
        self.written: dict = {}
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.proc: Any = None
        self.thread: threading.Thread | None = None
        self.begun = False

    def start(self) -> None:
        import subprocess
        import sys

        root = str(paths.PACKAGE_DIR.parent)  # the child imports this very yichun
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])}
        try:
            self.proc = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         env=env, text=True, encoding="utf-8", bufsize=1)
        except OSError:  # no process here: the same work in a thread (begin)
            self.proc = None

    def begin(self, data_file: Path, counties: list[str]) -> None:
        import json

        self.data_file, self.counties = data_file, list(counties)
        self.begun = True
        if self.proc is not None:
            try:
                self.proc.stdin.write(json.dumps({"data": str(data_file), "counties": self.counties, "out": str(self.out)},
                                                 ensure_ascii=False) + "\n")
                self.proc.stdin.close()
                self.thread = threading.Thread(target=self._read, name="brief-excel", daemon=True)
            except OSError:
                self._reap()
        if self.thread is None:
            self.thread = threading.Thread(target=self._in_thread, name="brief-excel", daemon=True)
        self.thread.start()

    def cancel(self) -> None:
        """Stop the process (the briefing failed): at the end of its input when it has no work yet, else at once."""
        if self.proc is not None:
            if self.thread is None:
                with contextlib.suppress(OSError, ValueError):
                    self.proc.stdin.close()  # end of input: the child exits
            else:
                with contextlib.suppress(OSError):
                    self.proc.kill()
        if self.thread is not None:
            self.thread.join()
        self._reap()

    def _reap(self) -> None:
        import subprocess

        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(Exception):
                f.close()
        self.proc = None

    def _read(self) -> None:
        import json

        done = False
        try:
            for line in self.proc.stdout:
                msg = json.loads(line)
                if msg["kind"] == "file":
                    self.written[msg["county"]] = Path(msg["path"])
                    if self.step:
                        self.step(msg["path"])
                elif msg["kind"] == "done":
                    self.seconds, done = float(msg["seconds"]), True
                else:
                    self.error = YichunError(msg["message"])
        except (OSError, ValueError) as exc:
            self.error = self.error or YichunError(f"生成问题清单的进程输出无法读取：{exc}")
        rc = self.proc.wait()
        if not done and self.error is None:
            self.error = YichunError(f"生成问题清单的进程意外退出（退出码 {rc}）")

    def _in_thread(self) -> None:
        start = time.perf_counter()
        try:
            assert self.data_file is not None
            self.written = _problem_lists(load_lists_data(self.data_file), self.counties, self.out,
                                          (lambda c, p: self.step(p)) if self.step else None)
        except BaseException as exc:  # noqa: BLE001 — re-raised by join()
            self.error = exc
        self.seconds = time.perf_counter() - start

    def join(self, raise_errors: bool = True) -> dict:
        if self.thread is not None:
            self.thread.join()
        self._reap()
        if self.error is not None and raise_errors:
            raise self.error
        return {c: self.written[c] for c in self.counties if c in self.written}


CHILD = "from yichun.briefing.build import problem_lists_main; problem_lists_main()"


@dataclass
class ListsData:
    """What the 问题清单 need (`_problem_lists`): handed to their process before the outlook is computed."""

    year: int
    assessment: Any
    rounds: Any  # yichun.briefing.rounds.LedgerRounds


def load_lists_data(path):
    """A `ListsData` (or the whole `BriefingData`) pickled by `build_briefing` (only files this program wrote)."""
    import pickle

    from yichun.briefing.data import BriefingData

    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        raise YichunError(f"无法读取简报数据文件 {path}：{exc}。请重新运行 yichun brief。") from exc
    if not isinstance(data, ListsData | BriefingData):
        raise YichunError(f"{path} 不是 yichun brief 写出的简报数据文件。")
    return data


def problem_lists_main() -> None:
    """The child interpreter of `_ProblemLists`: imports, reads one job line from stdin (end of input:
    nothing to do), writes the workbooks and reports each file, then the seconds, as JSON lines."""
    import json
    import sys

    channel, sys.stdout = sys.stdout, sys.stderr  # whatever a library prints cannot garble the messages
    warnings.simplefilter("ignore")  # as `yichun brief` does for its own steps
    import yichun.briefing.data  # noqa: F401 — imported while the parent computes the data
    import yichun.problem_list  # noqa: F401

    def say(**msg) -> None:
        channel.write(json.dumps(msg, ensure_ascii=False) + "\n")
        channel.flush()

    line = sys.stdin.readline()
    if not line.strip():
        return
    job = json.loads(line)
    start = time.perf_counter()
    try:
        data = load_lists_data(job["data"])
        _problem_lists(data, job["counties"], Path(job["out"]), lambda c, p: say(kind="file", county=c, path=str(p)))
        say(kind="done", seconds=time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 — handed to the parent as its message
        say(kind="error", message=str(exc) if isinstance(exc, YichunError) else f"生成问题清单时出错：{type(exc).__name__}: {exc}")


def _problem_lists(data, counties: list[str], out: Path, step=None) -> dict:
    """Each county's 问题清单 workbook; `step(county, path)` after each (progress)."""
    from yichun.briefing.content import problem_list_name
    from yichun.problem_list import write_problem_list

    written = {}
    for c in counties:
        rnd = data.rounds.rounds.get(c) if data.rounds is not None else None  # the rows the briefing's 整改台账核对 used
        written[c] = Path(write_problem_list(data.assessment, c, data.year, out / problem_list_name(c), ledger=rnd))
        if step:
            step(c, written[c])
    return written


class _NotebookRunner:
    """Notebook 06 for every scope, on `workers` threads that each keep ONE kernel for all their runs.

    Starting a kernel and importing pandas/plotly/yichun costs several seconds; a kernel per
    worker pays that once. Each run is a fresh papermill execution of the parameterised
    notebook (its cells set every variable they use), then HTML is written atomically.
    """

    def __init__(self, nb_in: Path, out: Path, work: Path, workers: int, on_html=None):
        self.nb_in, self.out, self.work = nb_in, out, work
        self.data_file: Path | None = None
        self.year = 0
        self.on_html = on_html  # called with each page written and its scope (the PDF printer, the image export)
        self.todo: queue.Queue = queue.Queue()
        self.go = threading.Event()  # set by begin() (or cancel()): the kernels are started and warmed up before
        self.cancelled = False
        self.n = max(1, int(workers))
        self.html: dict = {}
        self.errors: dict = {}
        self.started: float | None = None
        self.finished: float | None = None
        self.threads = [threading.Thread(target=self._work, args=(i,), name=f"brief-{i}", daemon=True) for i in range(self.n)]

    def start(self) -> None:
        """Start the kernels (they import pandas, plotly and yichun while the data are computed)."""
        for t in self.threads:
            t.start()

    def begin(self, scopes: list, data_file: Path, year: int) -> None:
        """Run the notebook for every scope, with the pickled briefing data."""
        self.data_file, self.year = data_file, int(year)
        for scope in scopes:
            self.todo.put(scope)
        self.started = time.perf_counter()
        self.go.set()

    def cancel(self) -> None:
        self.cancelled = True
        with contextlib.suppress(queue.Empty):
            while True:
                self.todo.get_nowait()
        self.go.set()

    def join(self, raise_errors: bool = True) -> dict:
        for t in self.threads:
            t.join()
        while not self.todo.empty():  # a worker that could not start leaves its share undone
            scope = self.todo.get_nowait()
            self.errors[scope] = YichunError(f"{scope or '全市'}简报未能生成：笔记本内核无法启动（见上方错误）")
        if self.errors and raise_errors:
            raise YichunError("\n\n".join(str(e) for e in self.errors.values()))
        return self.html

    def _work(self, i: int) -> None:
        log = self.work / f"kernel-{i}.log"
        try:
            km = quiet_kernel_manager(log, cwd=self.nb_in.parent)(kernel_name=KERNEL_NAME)
            exporter = _exporter()
        except Exception as exc:  # noqa: BLE001
            self.go.wait()
            self.errors[f"worker-{i}"] = exc
            return
        try:
            _warm_up(km)  # a kernel that cannot start is left to papermill, whose error names it
            self.go.wait()
            while not self.cancelled:
                try:
                    scope = self.todo.get_nowait()
                except queue.Empty:
                    break
                try:
                    self.html[scope] = self._one(scope, km, exporter, log)
                except Exception as exc:  # noqa: BLE001 — reported together in join()
                    self.errors[scope] = exc
                self.finished = time.perf_counter()
        finally:
            _shutdown(km)

    def _one(self, county: str | None, km, exporter, log: Path) -> Path:
        import papermill as pm

        from yichun.briefing.content import briefing_name

        name = briefing_name(county)
        params = {"county": county, "year": self.year, "data_path": str(self.data_file), "shared_js": True}
        try:
            nb = pm.execute_notebook(str(self.nb_in), None, parameters=params, kernel_name=KERNEL_NAME, progress_bar=False,
                                     log_output=False, request_save_on_cell_execute=False, km=km)
        except Exception as exc:
            tail = _tail(log)
            raise YichunError(f"生成{name}时笔记本 {self.nb_in.name} 运行出错（参数 county={county!r}）：\n{_first_lines(str(exc), 12)}"
                              + (f"\n内核输出：\n{tail}" if tail else "")) from exc
        finally:
            km.close_clients()
        target = self.out / f"{name}.html"
        write_text(target, notebook_html(nb, title=name, exporter=exporter))
        if self.on_html is not None:
            self.on_html(target, county)
        return target


WARM_UP = "import pandas, plotly.graph_objects, IPython.display\nimport yichun.briefing.page, yichun.briefing.data, yichun.charts"


def _warm_up(km) -> None:
    """Start the kernel and import what the notebook needs, so the first run does not pay for it."""
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.start_kernel)()
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=120)
        run_sync(kc.execute_interactive)(WARM_UP, timeout=120, store_history=False, output_hook=lambda msg: None)
    except Exception:  # noqa: BLE001 — the run itself reports a kernel that does not work
        pass
    finally:
        km.close_clients()


def _shutdown(km) -> None:
    """Stop a worker's kernel (in the worker's thread: its event loop owns the kernel's sockets)."""
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):  # a kernel that is already gone needs no stopping
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from yichun.charts import web

    template = TEMPLATE.replace("@@HEAD_SCRIPTS@@", web.head_scripts())
    exporter = HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"briefing.html.j2": template})],
                            template_file="briefing.html.j2", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, language_code="zh")
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}, enabled=True), enabled=True)
    return exporter


def notebook_html(path_or_nb, title: str | None = None, exporter=None) -> str:
    """An executed notebook as one self-contained HTML page: outputs only, no prompts, no CDN scripts."""
    import nbformat

    nb = path_or_nb if isinstance(path_or_nb, nbformat.NotebookNode) else nbformat.read(str(path_or_nb), as_version=4)
    nb = nbformat.from_dict(nb)  # a copy: the filtering below must not change the caller's notebook
    # code cells without output (parameters, setup) would leave empty boxes
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.get("outputs")]
    if title:
        nb.metadata["title"] = title
    body, _ = (exporter or _exporter()).from_notebook_node(nb)
    body = CDN_SCRIPT.sub("", body)
    return _mark_numbers(body)


_NUM_CELL = re.compile(r"<td>([−\-]?[\d,]+(?:\.\d+)?%?|—|未估价)</td>")
_SHORT_CELL = re.compile(r"<td>([^<>]{1,8})</td>")


def _mark_numbers(html: str) -> str:
    """Table cells holding only a number are right-aligned ("num"); short texts do not wrap ("short")."""
    html = _NUM_CELL.sub(r'<td class="num">\1</td>', html)
    return _SHORT_CELL.sub(r'<td class="short">\1</td>', html)


def _first_lines(text: str, n: int) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(lines[-n:])


def _tail(path: Path, n: int = 15) -> str:
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()
                 if ln.strip() and "running over TCP" not in ln]
    except OSError:
        return ""
    return "\n".join(lines[-n:])


# ----------------------------------------------------------------------------- a quiet kernel

def quiet_kernel_manager(log_path: Path | None = None, cwd: Path | None = None):
    """An AsyncKernelManager class whose kernel writes its stderr to `log_path` (or nowhere).

    The kernel's stderr carries only noise here ("[IPKernelApp] WARNING | Kernel is running
    over TCP" and the like); the log is shown when a notebook fails. The kernel starts in
    `cwd` (the notebooks folder, as for nbval). `close_clients()` stops the clients nbclient
    opened on a kernel it does not own.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        _opened: list

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            sink = open(log_path, "ab") if log_path else open(os.devnull, "wb")  # noqa: SIM115
            try:
                kw["stderr"] = sink
                if cwd is not None:
                    kw["cwd"] = str(cwd)
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            finally:
                sink.close()  # the kernel process holds its own copy

        def client(self, **kwargs):
            c = super().client(**kwargs)
            self.__dict__.setdefault("_opened", []).append(c)
            return c

        def close_clients(self) -> None:
            for c in self.__dict__.pop("_opened", []):
                with contextlib.suppress(Exception):
                    c.stop_channels()

    return QuietKernelManager
