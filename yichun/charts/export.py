"""Static export of many figures with one browser start (kaleido 1.5 + Debian chromium).

`export({"schedule": fig, ...}, out_dir, formats=("png", "svg"))` renders every figure in
every format in one kaleido session (starting chromium costs ~3 s, each further image a
fraction of that; `Exporter` is the same session fed batch by batch while other work goes on), writes each file atomically
(rendered into a hidden temporary folder inside out_dir, then moved with os.replace) and
returns the paths written. When chromium is missing or cannot start it emits ONE warning
(Chinese) and returns [] — HTML and Excel outputs do not depend on it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

from yichun.errors import YichunError

FORMATS = ("png", "svg", "pdf", "jpg", "jpeg", "webp")
INSTALL_HINT = "请以管理员身份运行 make system（apt-get install chromium fonts-noto-cjk）"


class ExportSkippedWarning(UserWarning):
    """Static images were not written (no browser, or the browser failed)."""


def chromium_path() -> str | None:
    """The browser kaleido would use (BROWSER_PATH, else chromium/chrome on PATH), or None."""
    try:
        from choreographer.browsers.chromium import Chromium

        path = Chromium.find_browser(skip_local=False)
    except Exception:  # a broken choreographer install means no browser either
        return None
    if path and Path(path).is_file() and os.access(path, os.X_OK):
        return str(path)
    return None


def chromium_available() -> bool:
    """True when a chromium executable is found for kaleido."""
    return chromium_path() is not None


def export(figs: dict, out_dir, formats=("png", "svg"), scale: float = 2, *, width: int | None = None, height: int | None = None) -> list[Path]:
    """Write every figure in every format to out_dir/<name>.<format>; returns the paths written."""
    exporter = Exporter(out_dir, formats, scale, width=width, height=height)
    _check_names(figs)
    if not figs:
        return []
    exporter.start()
    exporter.submit(figs)
    written, messages = exporter.close()
    for message in messages:
        _warn(message)
    return written


def _check_names(figs: dict) -> None:
    bad_names = [n for n in figs if not n or "/" in n or "\\" in n or n.startswith(".")]
    if bad_names:
        raise YichunError(f"图名不能含路径分隔符或以点开头：{'、'.join(map(repr, bad_names))}（图名即文件名，如 \"差异系数_宜丰\"）")


class Exporter:
    """ONE kaleido session in its own thread, fed batch by batch (`submit`) while other work goes on.

    `yichun brief` hands in each page's charts as soon as its notebook run has built them, so the
    images are rendered while the other pages are still running. Each batch is rendered into a
    hidden folder inside out_dir and moved into place (os.replace); `on_batch(tag, paths)` is
    called after each batch (the Word reports wait for their images). `close()` waits for the
    queue and returns (paths written, Chinese warnings): without chromium, or when it cannot
    start, nothing is written and one warning says why.
    """

    def __init__(self, out_dir, formats=("png",), scale: float = 2, *, width: int | None = None, height: int | None = None,
                 on_batch: Callable[[object, list[Path]], None] | None = None):
        import queue

        self.formats = tuple(formats) if not isinstance(formats, str) else (formats,)
        bad = [f for f in self.formats if f not in FORMATS]
        if bad:
            raise YichunError(f"不支持的图片格式：{'、'.join(bad)}（可用：{'、'.join(FORMATS)}）")
        self.out_dir = Path(out_dir)
        self.scale, self.width, self.height = scale, width, height
        self.on_batch = on_batch
        self.todo: queue.Queue = queue.Queue()
        self.written: list[Path] = []
        self.failed: list[str] = []
        self.errors: list[BaseException] = []
        self.error: BaseException | None = None
        self.n_figs = 0
        self.available = False
        self.thread: threading.Thread | None = None
        self.busy = 0.0  # seconds spent rendering (from the first batch to the last image)

    def start(self) -> None:
        self.available = chromium_available()
        if self.available:
            self.thread = threading.Thread(target=self._thread, name="yichun-export", daemon=True)
            self.thread.start()

    def submit(self, figs: dict, tag: object = None) -> None:
        """Queue a batch {name: figure or figure dict}; names are file stems."""
        _check_names(figs)
        self.n_figs += len(figs)
        if self.thread is not None:
            self.todo.put((dict(figs), tag))
        elif self.on_batch is not None:
            self.on_batch(tag, [])

    def close(self) -> tuple[list[Path], list[str]]:
        if not self.available:
            hint = f"未找到 chromium 浏览器，跳过 {self.n_figs} 张图的静态图片导出（{'/'.join(self.formats)}）。{INSTALL_HINT}"
            return [], [hint] if self.n_figs else []
        assert self.thread is not None
        self.todo.put(None)
        self.thread.join()
        if self.error is not None:
            exc = self.error
            return self.written, [f"chromium 无法启动，跳过 {self.n_figs} 张图的静态图片导出：{type(exc).__name__}: {_first_line(exc)}。{INSTALL_HINT}"]
        if self.failed:
            why = _first_line(self.errors[0]) if self.errors else "未生成文件"
            return self.written, [f"有 {len(self.failed)} 个图片文件未能导出：{'、'.join(self.failed)}（{why}）"]
        return self.written, []

    # the worker thread -------------------------------------------------------------------------
    def _thread(self) -> None:
        import asyncio

        # own event loop in its own thread (as kaleido's *_sync functions do): the caller may run one (Jupyter)
        try:
            asyncio.run(self._run())
        except BaseException as exc:  # browser failed to start or died: reported by close()
            self.error = exc
            self._drain()

    def _drain(self) -> None:
        """After a failure: answer the remaining batches (nothing written) so nobody waits for them."""
        while True:
            item = self.todo.get()
            if item is None:
                return
            if self.on_batch is not None:
                self.on_batch(item[1], [])

    async def _run(self) -> None:
        import asyncio
        import time

        from kaleido import Kaleido

        class _Kaleido(Kaleido):
            # kaleido reloads the page (and re-parses plotly.js, ~0.3 s) after every image; Plotly.toImage
            # draws each figure in a throw-away element, so the tab can be reused as it is (2–3× faster).
            async def _return_kaleido_tab(self, tab):
                queue = getattr(self, "tabs_ready", None)
                if queue is None:  # a kaleido without this internal: its own behaviour
                    return await super()._return_kaleido_tab(tab)
                await queue.put(tab)

        loop = asyncio.get_running_loop()
        # mathjax=False: our charts have no LaTeX, and the page then never tries to fetch MathJax from a CDN.
        async with _Kaleido(mathjax=False) as k:
            while True:
                item = await loop.run_in_executor(None, self.todo.get)
                if item is None:
                    return
                figs, tag = item
                start = time.perf_counter()
                written = await self._batch(k, figs)
                self.busy += time.perf_counter() - start
                if self.on_batch is not None:
                    self.on_batch(tag, written)

    async def _batch(self, k, figs: dict) -> list[Path]:
        if not figs:
            return []
        self.out_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=self.out_dir))
        try:
            specs, targets = [], []
            for name, fig in figs.items():
                fig_dict = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
                for fmt in self.formats:
                    opts: dict = {"format": fmt, "scale": self.scale}
                    if self.width:
                        opts["width"] = self.width
                    if self.height:
                        opts["height"] = self.height
                    specs.append({"fig": fig_dict, "path": tmp / f"{name}.{fmt}", "opts": opts})
                    targets.append(self.out_dir / f"{name}.{fmt}")
            result = await k.write_fig_from_object(specs, cancel_on_error=False)
            self.errors += [e for e in (result or ()) if isinstance(e, BaseException)]
            written = []
            for target in targets:
                src = tmp / target.name
                if src.exists() and src.stat().st_size > 0:
                    os.replace(src, target)
                    written.append(target)
                else:
                    self.failed.append(target.name)
            self.written += written
            return written
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _first_line(exc) -> str:
    text = str(exc.args[0]) if getattr(exc, "args", None) else str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _warn(message: str) -> None:
    warnings.warn(message, ExportSkippedWarning, stacklevel=3)
