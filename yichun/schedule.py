"""The assessment schedule (督导评估计划表): the year each county applies, from the active region pack.

`schedule()` returns a tidy frame county | track | year, checked on load: each unit of the
region exactly once per track, years within the pack's range (Yichun: 2020–2029, the 2021
notice transcribed in data/raw/schedule.csv), a CSV file matches its provenance checksum.
`deadline()` is the year by which every unit must pass (Yichun: 2030). A pack may list the
schedule inline (yichun.region); `schedule(path)` reads a CSV file instead.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from yichun._yaml import read_yaml
from yichun.counties import YichunError, names, normalize_county
from yichun.region import COMPULSORY, PRESCHOOL, TRACKS, active_region

__all__ = ["COMPULSORY", "DEADLINE", "FIRST_YEAR", "LAST_YEAR", "PRESCHOOL", "TRACKS", "ScheduleError", "deadline",
           "schedule", "scheduled_year", "year_range"]

# The default (Yichun) pack's values; the active pack's come from year_range() and deadline().
FIRST_YEAR, LAST_YEAR = 2020, 2029
DEADLINE = 2030  # 确保2030年前所有县(市、区)通过


def deadline() -> int:
    """The year by which every unit of the active region must pass (Yichun: 2030)."""
    return active_region().deadline


def year_range() -> tuple[int, int]:
    """The first and last year a unit may be scheduled in (Yichun: 2020–2029)."""
    r = active_region()
    return r.first_year, r.last_year


class ScheduleError(YichunError):
    """The schedule file breaks the once-per-track rule or cannot be read."""


def schedule(path: Path | None = None, check_checksum: bool = True) -> pd.DataFrame:
    """The schedule as county | track | year, sorted by track then year."""
    region = active_region()
    if path is None and region.schedule_path() is None:  # listed in the pack itself (checked when it was loaded)
        frame = pd.DataFrame(list(region.schedule_rows), columns=["county", "track", "year"])
        return _sorted(frame)
    path = Path(path) if path else region.schedule_path()
    assert path is not None
    try:
        frame = pd.read_csv(path, dtype={"year": "Int64"})
    except (OSError, ValueError) as exc:
        raise ScheduleError(f"无法读取评估计划表 {path}：{exc}") from exc
    missing = {"year", "track", "county"} - set(frame.columns)
    if missing:
        raise ScheduleError(f"评估计划表 {path} 缺少列：{'、'.join(sorted(missing))}（应有 year, track, county）")
    frame["county"] = [normalize_county(c) for c in frame["county"]]
    _check(frame, path)
    provenance = path.with_name(f"{path.stem}.provenance.yaml")
    if check_checksum and path == region.schedule_path() and provenance.exists():
        expected = read_yaml(provenance).get("sha256")
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if expected and expected != actual:
            raise ScheduleError(
                f"评估计划表 {path.name} 与来源说明 {provenance.name} 中记录的校验值不一致：文件被改动过，请同时更新来源说明。"
            )
    frame["year"] = frame["year"].astype(int)
    return _sorted(frame)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[["county", "track", "year"]]
    order = {t: i for i, t in enumerate(TRACKS)}
    return frame.sort_values(["track", "year", "county"], key=lambda s: s.map(order) if s.name == "track" else s).reset_index(drop=True)


def _check(frame: pd.DataFrame, path: Path) -> None:
    errors = []
    first_year, last_year = year_range()
    bad_tracks = sorted(set(frame["track"]) - set(TRACKS))
    if bad_tracks:
        errors.append(f"未知的评估类别：{'、'.join(map(str, bad_tracks))}（应为 {COMPULSORY} 或 {PRESCHOOL}）")
    bad_years = frame[frame["year"].isna() | (frame["year"] < first_year) | (frame["year"] > last_year)]
    for _, r in bad_years.iterrows():
        errors.append(f"{r['county']} {r['track']} 的年份 {r['year']} 不在 {first_year}—{last_year} 之间")
    for track in TRACKS:
        sub = frame[frame["track"] == track]
        counts = sub["county"].value_counts()
        for county in names():
            n = int(counts.get(county, 0))
            if n != 1:
                years = "、".join(str(y) for y in sub.loc[sub["county"] == county, "year"])
                errors.append(
                    f"{track}：{county} 出现 {n} 次{f'（{years}年）' if years else ''}，每个县(市、区)应恰好出现一次"
                )
    if errors:
        raise ScheduleError(f"评估计划表 {path} 不符合规则：\n  " + "\n  ".join(errors))


def scheduled_year(county: str, track: str, frame: pd.DataFrame | None = None) -> int:
    frame = schedule() if frame is None else frame
    county = normalize_county(county)
    return int(frame.loc[(frame["county"] == county) & (frame["track"] == track), "year"].iloc[0])
