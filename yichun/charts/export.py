"""Static export of many figures with one browser start (kaleido 1.5 + Debian chromium).

`export({"schedule": fig, ...}, out_dir, formats=("png", "svg"))` renders every figure in
every format in one kaleido session (`kaleido.write_fig_from_object_sync`: starting
chromium costs ~3 s, each further image a fraction of that), writes each file atomically
(rendered into a hidden temporary folder inside out_dir, then moved with os.replace) and
returns the paths written. When chromium is missing or cannot start it emits ONE warning
(Chinese) and returns [] — HTML and Excel outputs do not depend on it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
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
    formats = tuple(formats) if not isinstance(formats, str) else (formats,)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise YichunError(f"不支持的图片格式：{'、'.join(bad)}（可用：{'、'.join(FORMATS)}）")
    if not figs:
        return []
    bad_names = [n for n in figs if not n or "/" in n or "\\" in n or n.startswith(".")]
    if bad_names:
        raise YichunError(f"图名不能含路径分隔符或以点开头：{'、'.join(map(repr, bad_names))}（图名即文件名，如 \"差异系数_宜丰\"）")
    out_dir = Path(out_dir)
    if not chromium_available():
        _warn(f"未找到 chromium 浏览器，跳过 {len(figs)} 张图的静态图片导出（{'/'.join(formats)}）。{INSTALL_HINT}")
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir))
    try:
        specs, targets = [], []
        for name, fig in figs.items():
            fig_dict = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
            for fmt in formats:
                opts = {"format": fmt, "scale": scale}
                if width:
                    opts["width"] = width
                if height:
                    opts["height"] = height
                specs.append({"fig": fig_dict, "path": tmp / f"{name}.{fmt}", "opts": opts})
                targets.append(out_dir / f"{name}.{fmt}")
        try:
            errors = _render(specs)
        except Exception as exc:  # browser failed to start or died: the one warning, no crash
            _warn(f"chromium 无法启动，跳过 {len(figs)} 张图的静态图片导出：{type(exc).__name__}: {_first_line(exc)}。{INSTALL_HINT}")
            return []
        written = []
        for spec, target in zip(specs, targets):
            src = spec["path"]
            if src.exists() and src.stat().st_size > 0:
                os.replace(src, target)
                written.append(target)
        if errors or len(written) < len(specs):
            failed = [t.name for s, t in zip(specs, targets) if t not in written]
            _warn(f"有 {len(failed)} 个图片文件未能导出：{'、'.join(failed)}（{_first_line(errors[0]) if errors else '未生成文件'}）")
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _render(specs: list[dict]) -> list[Exception]:
    import asyncio
    import threading

    # mathjax=False: our charts have no LaTeX, and the page then never tries to fetch MathJax from a CDN.
    # Own thread and event loop (as kaleido's *_sync functions do): the caller may run a loop (Jupyter).
    out: dict = {}

    def run() -> None:
        try:
            out["result"] = asyncio.run(_write_all(specs))
        except BaseException as exc:  # handed back to the caller's thread
            out["error"] = exc

    worker = threading.Thread(target=run, name="yichun-export")
    worker.start()
    worker.join()
    if "error" in out:
        raise out["error"]
    return [e for e in (out.get("result") or ()) if isinstance(e, BaseException)]


async def _write_all(specs: list[dict]):
    from kaleido import Kaleido

    class _Kaleido(Kaleido):
        # kaleido reloads the page (and re-parses plotly.js, ~0.3 s) after every image; Plotly.toImage
        # draws each figure in a throw-away element, so the tab can be reused as it is (2–3× faster).
        async def _return_kaleido_tab(self, tab):
            queue = getattr(self, "tabs_ready", None)
            if queue is None:  # a kaleido without this internal: its own behaviour
                return await super()._return_kaleido_tab(tab)
            await queue.put(tab)

    async with _Kaleido(mathjax=False) as k:
        return await k.write_fig_from_object(specs, cancel_on_error=False)


def _first_line(exc) -> str:
    text = str(exc.args[0]) if getattr(exc, "args", None) else str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _warn(message: str) -> None:
    warnings.warn(message, ExportSkippedWarning, stacklevel=3)
