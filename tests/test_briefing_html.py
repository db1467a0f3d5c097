"""The exported briefing opens in a real browser: no script errors, every chart drawn, a screenshot kept.

Uses the Debian chromium in headless mode (it must be installed: this test fails, never skips,
without it). The city briefing and one county briefing are built once for the module; the
screenshots go to test-artifacts/ under the project root (git-ignored) for a human to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from yichun import paths
from yichun.briefing import build, content

CHROMIUM = "/usr/bin/chromium"
COUNTY = "靖安县"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--virtual-time-budget=10000"]


def _chromium() -> str:
    path = shutil.which("chromium") or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if not path:
        pytest.fail("找不到 chromium：无法在浏览器中检查简报网页。请以管理员身份运行 make system（apt-get install chromium fonts-noto-cjk）。")
    return path


def _run(args: list[str], tmp_path, name: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{name}"
    return subprocess.run([_chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def _load(url: str, tmp_path, name: str) -> tuple[str, str]:
    """(DOM after the page ran its scripts, the browser's log with console messages)."""
    proc = _run(["--enable-logging=stderr", "--v=0", "--dump-dom", url], tmp_path, name)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def _script_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "CONSOLE" in line and "Uncaught" in line]


@pytest.fixture(scope="module")
def built(tmp_path_factory, briefing_data):
    _chromium()
    data = briefing_data
    out = tmp_path_factory.mktemp("brief-html")
    result = build.build_briefing(out, county=COUNTY, data=data, workers=2, formats=())
    return data, result


def test_chromium_is_installed():
    proc = subprocess.run([_chromium(), "--version"], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0
    assert "Chromium" in proc.stdout


def test_script_errors_are_detected(tmp_path):
    # the check below is not vacuous: a page with a broken script is caught
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>undefinedFunction();</script></body></html>", encoding="utf-8")
    _, log = _load(page.as_uri(), tmp_path, "probe")
    assert _script_errors(log)


@pytest.mark.parametrize("scope", [None, COUNTY], ids=["全市", COUNTY])
def test_briefing_loads_without_script_errors_and_draws_every_chart(built, tmp_path, scope):
    data, result = built
    html = result.html["全市" if scope is None else scope]
    dom, log = _load(html.as_uri(), tmp_path, "dom")
    assert not _script_errors(log), "\n".join(_script_errors(log))
    figs = content.city_figures(data) if scope is None else content.county_figures(data, scope)
    drawn = len(re.findall(r'class="plot-container plotly"', dom))  # plotly adds it when a chart is drawn
    assert drawn == len(figs)
    assert len(re.findall(r'class="main-svg"', dom)) >= len(figs)
    for fig in figs.values():  # every chart's title made it onto the page
        title = fig.layout.title.text
        assert title.split("（")[0] in dom


def test_screenshot_kept_as_test_artifact(built, tmp_path):
    _, result = built
    art = paths.root() / "test-artifacts"
    art.mkdir(exist_ok=True)
    for who, html in result.html.items():
        shot = art / f"briefing_{who}.png"
        shot.unlink(missing_ok=True)
        proc = _run([f"--screenshot={shot}", "--window-size=1400,4000", html.as_uri()], tmp_path, f"shot-{who}")
        assert proc.returncode == 0, proc.stderr[-2000:]
        png = shot.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert (width, height) == (1400, 4000)
