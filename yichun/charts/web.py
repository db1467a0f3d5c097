"""Charts on web pages: plotly's interface in Chinese, a trimmed toolbar, one shared plotly.js.

- `CONFIG`: the plotly config of every chart on a briefing page (locale zh-CN, only the
  download and reset buttons, no plotly logo).
- `figure_html(fig)`: a chart as an HTML fragment WITHOUT plotly.js (the page loads it once).
- `head_scripts()`: the two <script> tags a page puts in its <head> (relative paths).
- `write_assets(out_dir)`: copies plotly.min.js (from the installed plotly package) and the
  zh-CN locale (charts/assets, from plotly.js-locales) next to the pages; fully offline.
"""

from __future__ import annotations

from pathlib import Path

PLOTLY_JS = "plotly.min.js"
LOCALE_JS = "plotly-locale-zh-cn.js"
LOCALE = "zh-CN"
ASSETS = Path(__file__).resolve().parent / "assets" / "vendor"  # third-party files, copied as published

CONFIG = {
    "locale": LOCALE,
    "displaylogo": False,
    "responsive": False,
    "modeBarButtons": [["toImage", "resetScale2d"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def config(name: str | None = None) -> dict:
    """CONFIG, with the download file named after the chart."""
    button: dict = dict(CONFIG["toImageButtonOptions"])  # type: ignore[call-overload]
    out = {**CONFIG, "toImageButtonOptions": button}
    if name:
        button["filename"] = name
    return out


def figure_html(fig, name: str | None = None) -> str:
    """One chart as a <div> + script fragment that expects plotly.js already loaded by the page."""
    return fig.to_html(include_plotlyjs=False, include_mathjax=False, full_html=False, config=config(name))


def head_scripts() -> str:
    return f'<script src="{PLOTLY_JS}" charset="utf-8"></script>\n<script src="{LOCALE_JS}" charset="utf-8"></script>'


def plotly_js_path() -> Path:
    from plotly.offline import offline

    return Path(offline.__file__).resolve().parent.parent / "package_data" / PLOTLY_JS


def write_assets(out_dir) -> list[Path]:
    """plotly.min.js and the zh-CN locale into out_dir (atomically; skipped when already identical)."""
    from yichun.atomic import write_bytes

    out_dir = Path(out_dir)
    written = []
    for src, name in ((plotly_js_path(), PLOTLY_JS), (ASSETS / LOCALE_JS, LOCALE_JS)):
        data = src.read_bytes()
        target = out_dir / name
        if not (target.exists() and target.stat().st_size == len(data) and target.read_bytes() == data):
            write_bytes(target, data)
        written.append(target)
    return written
