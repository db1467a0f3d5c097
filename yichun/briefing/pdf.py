"""Print briefing pages to A4 portrait PDF with the headless chromium the charts already use.

`print_pdfs({html_path: pdf_path, ...})` (or a `Printer` fed page by page) opens ONE browser
(choreographer, as kaleido does), loads every page from disk, waits until each plotly chart is drawn, prints it through the
DevTools protocol (`Page.printToPDF`: A4, chromium's own footer with 第 n 页 / 共 m 页, the
page's print stylesheet) and writes each PDF atomically. Returns (paths written, a Chinese
warning or None): without chromium nothing is printed and the one warning says why.

The print stylesheet lives with the page (yichun.briefing.build.TEMPLATE): tables and charts
fit the width, a chart or a table row is never split, header rows repeat on every page.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import threading
from pathlib import Path

from yichun.atomic import write_bytes

A4_INCHES = (8.27, 11.69)
MARGINS_INCHES = {"top": 0.55, "bottom": 0.7, "left": 0.5, "right": 0.5}
# The page is laid out 1 / SCALE times wider than the paper (≈ 960 px charts fit); text stays ≥ 9 pt.
SCALE = 0.78
LOAD_TIMEOUT = 60.0
FOOTER = ('<div style="width:100%;text-align:center;font-size:9px;color:#444;'
          'font-family:\'Noto Sans CJK SC\',\'Microsoft YaHei\',sans-serif;">'
          '— 第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页 —</div>')
HEADER = ('<div style="width:100%;padding:0 0.5in;font-size:8px;color:#777;text-align:right;'
          'font-family:\'Noto Sans CJK SC\',\'Microsoft YaHei\',sans-serif;"><span class="title"></span></div>')
# true once every plotly div on the page has been drawn (plotly adds .main-svg when it draws)
CHARTS_DRAWN = ("(() => { const divs = document.querySelectorAll('.plotly-graph-div');"
                " return Array.from(divs).every(d => d.querySelector('.main-svg')) && document.fonts.status === 'loaded'; })()")


def print_params() -> dict:
    w, h = A4_INCHES
    return {
        "paperWidth": w, "paperHeight": h, "landscape": False, "printBackground": True, "scale": SCALE,
        "marginTop": MARGINS_INCHES["top"], "marginBottom": MARGINS_INCHES["bottom"],
        "marginLeft": MARGINS_INCHES["left"], "marginRight": MARGINS_INCHES["right"],
        "displayHeaderFooter": True, "headerTemplate": HEADER, "footerTemplate": FOOTER,
        "preferCSSPageSize": False,
    }


def print_pdfs(pages: dict) -> tuple[list[Path], str | None]:
    """Print every html → pdf pair with one browser start; (paths written, warning or None)."""
    printer = Printer()
    printer.start()
    for html, pdf in pages.items():
        printer.submit(html, pdf)
    return printer.close()


class Printer:
    """A browser in its own thread that prints pages as they are handed in (`submit`), TABS at a time.

    `yichun brief` submits each page the moment its notebook run has written it, so printing
    overlaps the other runs. `close()` waits for the queue and returns (paths written, warning).
    """

    TABS = 2

    def __init__(self, on_written=None):
        import queue

        self.on_written = on_written  # called with each PDF written (progress)
        self.todo: queue.Queue = queue.Queue()
        self.written: list[Path] = []
        self.failed: list[tuple[Path, str]] = []
        self.error: BaseException | None = None
        self.n = 0
        self.thread: threading.Thread | None = None
        self.browser = None
        self.busy = 0.0  # seconds from the first page handed in to the last PDF written
        self._first: float | None = None

    def start(self) -> None:
        from yichun.charts.export import chromium_path

        self.browser = chromium_path()
        if self.browser is not None:
            # own event loop in its own thread: the caller may run one (Jupyter)
            self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), name="yichun-pdf", daemon=True)
            self.thread.start()

    def submit(self, html, pdf) -> None:
        import time

        if self._first is None:
            self._first = time.perf_counter()
        self.n += 1
        self.todo.put((Path(html), Path(pdf)))

    def close(self) -> tuple[list[Path], str | None]:
        from yichun.charts.export import INSTALL_HINT

        if self.browser is None:
            return [], (f"未找到 chromium 浏览器，跳过 {self.n} 份简报的 PDF 打印。{INSTALL_HINT}" if self.n else None)
        self.todo.put(None)
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            exc = self.error
            first = str(exc).splitlines()[0] if str(exc) else ""
            return self.written, f"chromium 无法打印 PDF：{type(exc).__name__}: {first}。{INSTALL_HINT}"
        message = None
        if self.failed:
            message = "有 {} 份 PDF 未能打印：{}".format(len(self.failed), "、".join(f"{p.name}（{why}）" for p, why in self.failed))
        return self.written, message

    async def _run(self) -> None:
        import time

        import choreographer as choreo

        loop = asyncio.get_running_loop()
        try:
            async with choreo.Browser(self.browser, headless=True) as browser:
                async def worker():
                    tab = None  # one tab per worker for all its pages: plotly.js is compiled once, not once a page
                    try:
                        while True:
                            item = await loop.run_in_executor(None, self.todo.get)
                            if item is None:
                                self.todo.put(None)  # let the other workers stop too
                                return
                            html, pdf = item
                            try:
                                if tab is None:
                                    tab = await browser.create_tab("")
                                    await tab.send_command("Page.enable")
                                data = await _print_one(tab, html)
                            except Exception as exc:  # noqa: BLE001 — one page failing does not stop the others
                                self.failed.append((pdf, f"{type(exc).__name__}: {exc}"))
                                if tab is not None:  # a fresh tab for the next page
                                    with contextlib.suppress(Exception):
                                        await browser.close_tab(tab.target_id)
                                    tab = None
                                continue
                            self.written.append(write_bytes(pdf, data))
                            self.busy = time.perf_counter() - (self._first or time.perf_counter())
                            if self.on_written is not None:
                                self.on_written(pdf)
                    finally:
                        if tab is not None:
                            with contextlib.suppress(Exception):
                                await browser.close_tab(tab.target_id)

                await asyncio.gather(*(worker() for _ in range(self.TABS)))
        except BaseException as exc:  # browser failed to start or died: reported by close()
            self.error = exc


async def _print_one(tab, html: Path) -> bytes:
    """Load one page in `tab` (screen media, as a reader sees it), wait for its charts, print it."""
    await tab.send_command("Emulation.setEmulatedMedia", params={"media": ""})
    loaded = tab.subscribe_once("Page.loadEventFired")
    await tab.send_command("Page.navigate", params={"url": html.resolve().as_uri()})
    await asyncio.wait_for(loaded, LOAD_TIMEOUT)
    await tab.send_command("Emulation.setEmulatedMedia", params={"media": "print"})
    for _ in range(int(LOAD_TIMEOUT / 0.1)):
        r = await tab.send_command("Runtime.evaluate", params={"expression": CHARTS_DRAWN, "returnByValue": True})
        if r.get("result", {}).get("result", {}).get("value"):
            break
        await asyncio.sleep(0.1)
    else:
        raise TimeoutError("图表未能在网页中绘出")
    res = await tab.send_command("Page.printToPDF", params=print_params())
    if "error" in res:
        raise RuntimeError(str(res["error"]))
    return base64.b64decode(res["result"]["data"])
