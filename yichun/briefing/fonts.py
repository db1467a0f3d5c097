"""Fonts of the Word and slide deliverables: the official faces, or the closest installed CJK font.

GB/T 9704 names 小标宋 (title), 黑体 (一、), 楷体 ((一)), 仿宋 (body). `font(role)` gives the first
candidate of a role that is installed on this machine (asked of fontconfig, `fc-list :lang=zh`);
on a machine without fontconfig (Windows, where the office fonts live) the first, official,
name. The font is written into every run (w:eastAsia / a:ea), so Word never falls back silently.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

CANDIDATES = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "小标宋", "华文中宋", "Noto Serif CJK SC", "Noto Sans CJK SC"),
    "hei": ("黑体", "SimHei", "Noto Sans CJK SC"),
    "kai": ("楷体_GB2312", "楷体", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC", "Noto Sans CJK SC"),
    "fang": ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", "Noto Sans CJK SC"),
    "song": ("宋体", "SimSun", "Noto Serif CJK SC", "Noto Sans CJK SC"),
    "slide": ("微软雅黑", "Microsoft YaHei", "黑体", "SimHei", "Noto Sans CJK SC"),
}


@cache
def installed_families() -> frozenset[str] | None:
    """Chinese-capable font families known to fontconfig; None when there is no fontconfig to ask."""
    exe = shutil.which("fc-list")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names: set[str] = set()
    for line in out.splitlines():
        names.update(n.strip() for n in line.split(",") if n.strip())
    return frozenset(names)


def font(role: str) -> str:
    """The font of a role ("title", "hei", "kai", "fang", "song", "slide")."""
    candidates = CANDIDATES[role]
    have = installed_families()
    if have is None:
        return candidates[0]
    return next((f for f in candidates if f in have), candidates[0])
