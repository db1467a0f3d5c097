"""A synthetic region pack for province-scale samples: N invented county-level units — NOT real places.

`synthetic_pack(n, seed)` returns the pack (yichun.region format, docs/region-packs.md) as YAML text:
the invented 合成样例省 with n units named from two lists of characters (东阳县, 青川市 …, distinct,
no name or short name inside another's, none of the characters that the sample's file names use),
codes 99PPCC (99 is no province's code; PP the tenth part, CC the unit within it), and no tile layout
(the tile map draws an automatic grid). Unit k follows the synthetic story of Yichun's unit k mod 10
(`sample_profile`): its population (± 20 %), its suffix (区/县/市) and its scheduled years, so the
schedule spreads over 2020–2029 like Yichun's and every deliberate shortfall keeps its timing.
"""

from __future__ import annotations

import numpy as np
import yaml

MAX_UNITS = 600  # FIRST × SECOND distinct two-character short names
FIRST = "东西南北青白金石龙凤云松桃梅竹兰清远永康泰丰乐长平江河湖山林"
SECOND = "阳川源溪峰岭原谷塘沙桥湾洲浦陵宁昌盛德华"
REGION_NAME = "合成样例省"
HEADER = """\
# 合成样例区域配置（yichun sample 生成）：虚构的「{name}」与 {n} 个虚构的县(市、区)，不是真实的行政区划。
# Synthetic region pack written by `yichun sample --counties {n}` (seed {seed}): invented units, NOT real
# places. Unit k follows the sample story, population and schedule of Yichun's unit k mod 10
# (sample_profile). Format: docs/region-packs.md. `yichun ingest <this folder>` reads it.
"""


def synthetic_units(n: int, seed: int) -> list[dict]:
    """n invented units as pack entries (code, name, short, population_10k, sample_profile)."""
    from yichun.errors import YichunError
    from yichun.region import DEFAULT_REGION, load_region

    if not 1 <= n <= MAX_UNITS:
        raise YichunError(f"合成区域的县(市、区)个数应在 1—{MAX_UNITS} 之间，收到 {n}")
    template = load_region(DEFAULT_REGION, fresh=False).units
    rng = np.random.default_rng([seed, 99])
    pairs = rng.permutation(len(FIRST) * len(SECOND))[:n]
    jitter = rng.uniform(0.8, 1.2, n)
    units = []
    for k, pair in enumerate(pairs):
        t = template[k % len(template)]
        short = FIRST[int(pair) // len(SECOND)] + SECOND[int(pair) % len(SECOND)]
        units.append({
            "code": f"99{k // 10 + 1:02d}{k % 10 + 1:02d}", "name": short + t.name[-1], "short": short,
            "population_10k": round(float(t.population_10k or 30) * float(jitter[k]), 1), "sample_profile": t.name,
        })
    return units


def synthetic_pack(n: int, seed: int) -> str:
    """The pack as YAML text (deterministic for n and seed)."""
    from yichun.region import DEFAULT_REGION, TRACKS, use_region
    from yichun.schedule import schedule

    units = synthetic_units(n, seed)
    with use_region(DEFAULT_REGION):
        frame = schedule()
    years = {(str(c), str(t)): int(y) for c, t, y in zip(frame["county"], frame["track"], frame["year"], strict=True)}
    pack = {
        "region": {"name": REGION_NAME, "short": "合成样例", "whole": "全省",
                   "source": f"yichun sample 生成的合成数据（种子 {seed}），不是真实的行政区划"},
        "units": units,
        "prefixes": [REGION_NAME],
        "schedule": {
            "first_year": 2020, "last_year": 2029, "deadline": 2030,
            "source": "合成：每个县沿用其 sample_profile（宜春市对应县）在宜春市评估计划表中的年份",
            "years": {track: {u["name"]: years[(u["sample_profile"], track)] for u in units} for track in TRACKS},
        },
    }
    body = yaml.safe_dump(pack, allow_unicode=True, sort_keys=False, default_flow_style=None, width=200)
    return HEADER.format(name=REGION_NAME, n=n, seed=seed) + body
