"""Static export draws Chinese with a CJK font, not tofu boxes (needs chromium: `make system`).

Method: render two titles of the same length but different Chinese characters. With a
CJK font the glyphs differ, so the two title crops differ. Without one every character is
the same .notdef box, so the crops are identical — which the test shows by rendering the
same two titles again in a subprocess whose fontconfig knows only DejaVu (Latin).
Two browser starts in all: one batch in this process, one in the subprocess.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from yichun import charts
from yichun.charts import theme

TITLES = {"a": "宜春市袁州区", "b": "学前教育普惠"}  # same length, no character in common
TITLE_BAND = 80  # px from the top of the image that hold the title (scale 1)


def _title_figure(text: str):
    import plotly.graph_objects as go

    fig = go.Figure()
    theme.apply(fig, title=text)
    fig.update_layout(width=420, height=110, title_font_size=32, margin={"t": 90, "b": 0, "l": 10, "r": 10},
                      xaxis_visible=False, yaxis_visible=False)
    return fig


def _png_pixels(path: Path) -> np.ndarray:
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG (what chromium writes) to an array h×w×c."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    bpp = 4 if color == 6 else 3
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + width * bpp)
    out = np.zeros((height, width * bpp), dtype=np.int32)
    prev = np.zeros(width * bpp, dtype=np.int32)
    for y in range(height):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 255
        else:
            cur = np.zeros_like(line)
            for x in range(len(line)):
                a = cur[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                if f == 1:
                    p = a
                elif f == 3:
                    p = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + p) & 255
        out[y], prev = cur, cur
    return out.reshape(height, width, bpp)[:, :, :3]


def _ink(crop: np.ndarray) -> int:
    """Pixels clearly darker than the white background."""
    return int((crop.mean(axis=2) < 160).sum())


def _latin_only_render(out_dir: Path, tmp_path: Path) -> None:
    """Render the two titles in a subprocess whose fontconfig has only DejaVu (no CJK)."""
    dejavu = sorted({p.parent for p in Path("/usr/share/fonts").rglob("DejaVuSans*.ttf")})
    dirs = "".join(f"<dir>{d}</dir>" for d in dejavu)  # no dir at all still means: no CJK font
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>{dirs}'
                    f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>", encoding="utf-8")
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_chart_fonts import TITLES, _title_figure
        from yichun import charts
        paths = charts.export({{k: _title_figure(v) for k, v in TITLES.items()}}, {str(out_dir)!r}, formats=("png",), scale=1)
        print(json.dumps([str(p) for p in paths]))
    """)
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout.strip().splitlines()[-1])) == 2, done.stdout + done.stderr


def test_chinese_is_drawn_with_a_cjk_font(tmp_path):
    assert charts.chromium_available(), (
        "未找到 chromium：静态图片导出与中文字体检查需要它。请以管理员身份运行 make system"
        "（apt-get install chromium fonts-noto-cjk），或设置 BROWSER_PATH 指向 chromium。"
    )
    out = tmp_path / "normal"
    # one batch, one browser session: the two title probes and a real chart, png and svg
    figs = {k: _title_figure(v) for k, v in TITLES.items()}
    figs["tiles"] = charts.tile_map(pd.DataFrame({"county": ["宜丰县", "靖安县"], "status": ["达标", "有风险"]}))
    written = charts.export(figs, out, formats=("png", "svg"), scale=1)
    expected = sorted(f"{k}.{f}" for k in figs for f in ("png", "svg"))
    assert sorted(p.name for p in written) == expected
    assert all(p.stat().st_size > 1000 for p in written)
    assert sorted(p.name for p in out.iterdir()) == expected  # no temporary files left behind
    svg = (out / "tiles.svg").read_text(encoding="utf-8")
    assert "宜丰" in svg
    assert "Noto Sans CJK SC" in svg

    latin = tmp_path / "latin"
    _latin_only_render(latin, tmp_path)

    crop = {(kind, k): _png_pixels(d / f"{k}.png")[:TITLE_BAND] for kind, d in (("cjk", out), ("latin", latin)) for k in TITLES}
    # the method: without a CJK font both titles are the same row of boxes
    assert np.array_equal(crop[("latin", "a")], crop[("latin", "b")]), "无中文字体时两行标题应同为方框"
    # with the theme's fonts: real glyphs, different for different characters, and not boxes
    assert _ink(crop[("cjk", "a")]) > 300
    assert _ink(crop[("cjk", "b")]) > 300
    assert not np.array_equal(crop[("cjk", "a")], crop[("cjk", "b")]), "两行不同的中文标题渲染成了相同的图形（方框）"
    assert not np.array_equal(crop[("cjk", "a")], crop[("latin", "a")])
