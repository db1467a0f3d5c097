"""Region packs: the assessed units of one city or province, their schedule and layout, as one YAML file.

A pack (docs/region-packs.md) holds the region's name, its assessed county-level units (code, name,
short name, aliases, population for the synthetic sample), the management areas that are not
assessed, the name prefixes to drop, the assessment schedule (inline, or a CSV file) with its
deadline, and optionally a tile-map layout. Yichun's pack, `yichun/data/regions/yichun.yaml`, is the
default. Like the standards profiles (yichun.catalogue): `use_region("my.yaml")` makes another pack
active within a block (a contextvar; it also sets YICHUN_REGION so that helper interpreters and
notebook kernels started inside the block read the same pack); `active_region()` is the pack in force
(the block's, else the setting YICHUN_REGION, else Yichun's); `region_key()` identifies its content
(part of the intake cache key). A pack is validated on load: an unknown key, a duplicate code, name or
alias, a schedule naming an unknown unit, a unit without a schedule → `RegionError` naming the file
and the key.

`pack_for_folder(raw_dir, explicit)` decides which pack reads a raw folder: an explicit pack
(`--region` or YICHUN_REGION), else `region.yaml` in that folder, else the default; an explicit pack
that differs from the folder's is an error, never a silent choice.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from yichun._yaml import read_yaml
from yichun.errors import YichunError
from yichun.paths import package_data, raw_dir

DEFAULT_REGION = "yichun"
ENV = "YICHUN_REGION"
FOLDER_PACK = "region.yaml"  # a raw folder's own pack (written by `yichun sample --counties N`)
COMPULSORY = "义务教育优质均衡"
PRESCHOOL = "学前教育普及普惠"
TRACKS = (COMPULSORY, PRESCHOOL)
DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR, DEFAULT_DEADLINE = 2020, 2029, 2030

TOP_KEYS = {"region", "units", "management_areas", "prefixes", "schedule", "tiles"}
REGION_KEYS = {"name", "short", "whole", "code", "source"}
UNIT_KEYS = {"code", "name", "short", "aliases", "population_10k", "sample_profile"}
AREA_KEYS = {"name", "short", "aliases", "administered_by"}
SCHEDULE_KEYS = {"file", "years", "first_year", "last_year", "deadline", "source"}
TILE_KEYS = {"col", "row"}
RAW_PREFIX = "$raw/"  # a schedule file in the raw data folder (paths.raw_dir()), e.g. Yichun's schedule.csv


class RegionError(YichunError):
    """A region pack that cannot be read or breaks its rules."""


@dataclass(frozen=True)
class Unit:
    """One assessed county-level unit (县、县级市、区)."""

    code: str  # 行政区划代码
    name: str  # 袁州区
    short: str  # 袁州
    population_10k: float | None = None  # sizes the synthetic sample only
    aliases: tuple[str, ...] = ()
    sample_profile: str = ""  # the synthetic sample's story this unit follows (yichun.sample.scenario); "" → its name


@dataclass(frozen=True)
class ManagementArea:
    name: str
    short: str
    aliases: tuple[str, ...]
    administered_by: str


@dataclass(frozen=True)
class Region:
    """A loaded, validated pack."""

    path: Path
    key: str  # content identity: name|sha256 prefix of the file
    name: str  # 宜春市
    short: str  # 宜春
    whole: str  # 全市 / 全省: how the region as a whole is named in briefings
    source: str
    units: tuple[Unit, ...]
    management_areas: tuple[ManagementArea, ...]
    prefixes: tuple[str, ...]  # longest first
    schedule_file: str | None  # a CSV year,track,county (relative to the pack's folder, or $raw/…); else `schedule_rows`
    schedule_rows: tuple[tuple[str, str, int], ...]  # (unit, track, year) of an inline schedule
    first_year: int
    last_year: int
    deadline: int
    schedule_source: str  # where the schedule comes from (the schedule chart's source note)
    tiles: dict[str, tuple[int, int]] | None  # unit → (col, row); None: automatic grid
    exact: dict[str, str] = field(repr=False, default_factory=dict)  # cleaned spelling → unit name
    areas: dict[str, ManagementArea] = field(repr=False, default_factory=dict)

    def schedule_path(self) -> Path | None:
        """The schedule CSV, when the pack names one ($raw/… lies in the raw data folder of the moment)."""
        if self.schedule_file is None:
            return None
        if self.schedule_file.startswith(RAW_PREFIX):
            return raw_dir() / self.schedule_file[len(RAW_PREFIX):]
        return self.path.parent / self.schedule_file

    def names(self) -> list[str]:
        return [u.name for u in self.units]

    @property
    def count_text(self) -> str:
        """十 for ten units, 一百 for a hundred (as in 「宜春市十个县(市、区)」)."""
        return chinese_count(len(self.units))


def clean(text: str) -> str:
    """NFKC and no white space: the form every spelling is compared in."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


_DIGITS = "零一二三四五六七八九"


def chinese_count(n: int) -> str:
    """A count in Chinese numerals: 3 → 三, 10 → 十, 12 → 十二, 100 → 一百, 105 → 一百零五."""
    if n < 0 or n >= 10000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero:
                parts.append("零")
            parts.append(("" if (unit == "十" and n < 20) else _DIGITS[d]) + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


# ----------------------------------------------------------------------------- loading


def _fail(path: Path, key: str, problem: str) -> RegionError:
    return RegionError(f"区域配置 {path}：「{key}」{problem}")


def _text(path: Path, key: str, value, required: bool = True) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _fail(path, key, "缺失")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _fail(path, key, f"应为文本，实为「{value}」")
    return str(value).strip()


def _keys(path: Path, key: str, raw, allowed: set[str]) -> dict:
    if not isinstance(raw, dict):
        raise _fail(path, key, f"应为映射（键: 值），实为「{raw}」")
    unknown = sorted(set(map(str, raw)) - allowed)
    if unknown:
        raise _fail(path, f"{key}.{unknown[0]}" if key else unknown[0],
                    f"不是已知的键（可用：{'、'.join(sorted(allowed))}）")
    return raw


def _year(path: Path, key: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
        raise _fail(path, key, f"应为四位年份，实为「{value}」")
    return int(value)


def _short_of(name: str) -> str:
    stem = re.sub(r"(自治县|县|市|区)$", "", name)
    return stem if len(stem) >= 2 else name


def _units(path: Path, raw) -> tuple[Unit, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(path, "units", "应为至少一个县(市、区)的列表")
    units = []
    for i, u in enumerate(raw):
        at = f"units[{i}]"
        u = _keys(path, at, u, UNIT_KEYS)
        code = _text(path, f"{at}.code", u.get("code"))
        if not re.fullmatch(r"\d{6}", code):
            raise _fail(path, f"{at}.code", f"为「{code}」，应为六位行政区划代码（写成文本，如 \"360902\"）")
        name = clean(_text(path, f"{at}.name", u.get("name")))
        short = clean(_text(path, f"{at}.short", u.get("short"), required=False)) or _short_of(name)
        aliases = u.get("aliases") or []
        if not isinstance(aliases, list):
            raise _fail(path, f"{at}.aliases", "应为列表")
        pop = u.get("population_10k")
        if pop is not None and (isinstance(pop, bool) or not isinstance(pop, int | float) or not pop > 0):
            raise _fail(path, f"{at}.population_10k", f"应为正数（万人），实为「{pop}」")
        units.append(Unit(code, name, short, None if pop is None else float(pop),
                          tuple(clean(_text(path, f"{at}.aliases", a)) for a in aliases),
                          _text(path, f"{at}.sample_profile", u.get("sample_profile"), required=False)))
    return tuple(units)


def _areas(path: Path, raw, names: set[str]) -> tuple[ManagementArea, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(path, "management_areas", "应为列表")
    out = []
    for i, m in enumerate(raw):
        at = f"management_areas[{i}]"
        m = _keys(path, at, m, AREA_KEYS)
        name = clean(_text(path, f"{at}.name", m.get("name")))
        parent = clean(_text(path, f"{at}.administered_by", m.get("administered_by")))
        if parent not in names:
            raise _fail(path, f"{at}.administered_by", f"为「{parent}」，不是本配置中的县(市、区)")
        aliases = m.get("aliases") or []
        if not isinstance(aliases, list):
            raise _fail(path, f"{at}.aliases", "应为列表")
        out.append(ManagementArea(name, clean(_text(path, f"{at}.short", m.get("short"), required=False)) or name,
                                  tuple(clean(_text(path, f"{at}.aliases", a)) for a in aliases), parent))
    return tuple(out)


def _lookups(path: Path, units: tuple[Unit, ...], areas: tuple[ManagementArea, ...]):
    """Every spelling → its unit (or management area); a spelling claimed by two is an error."""
    exact: dict[str, str] = {}
    owner: dict[str, tuple[int, str]] = {}  # spelling → (unit index, key that claimed it)
    for i, u in enumerate(units):
        claims = [(f"units[{i}].code", u.code), (f"units[{i}].name", u.name), (f"units[{i}].short", u.short),
                  *((f"units[{i}].aliases", a) for a in u.aliases)]
        for key, alias in claims:
            if alias in owner and owner[alias][0] != i:
                raise _fail(path, key, f"「{alias}」与 {owner[alias][1]} 重复：每个代码、名称和别名只能指一个县(市、区)")
            owner.setdefault(alias, (i, key))
            exact[alias] = u.name
    found: dict[str, ManagementArea] = {}
    for i, m in enumerate(areas):
        for alias in (m.name, m.short, *m.aliases):
            if alias in exact:
                raise _fail(path, f"management_areas[{i}]", f"「{alias}」与 {owner[alias][1]} 重复：管理区的名称不能与县(市、区)相同")
            if alias in found and found[alias].name != m.name:
                raise _fail(path, f"management_areas[{i}]", f"「{alias}」与管理区 {found[alias].name} 重复")
            found[alias] = m
    return exact, found


def _schedule(path: Path, raw, exact: dict[str, str], names: list[str]):
    s = _keys(path, "schedule", raw, SCHEDULE_KEYS)
    first = _year(path, "schedule.first_year", s.get("first_year", DEFAULT_FIRST_YEAR))
    last = _year(path, "schedule.last_year", s.get("last_year", DEFAULT_LAST_YEAR))
    deadline = _year(path, "schedule.deadline", s.get("deadline", DEFAULT_DEADLINE))
    if last < first:
        raise _fail(path, "schedule.last_year", f"为 {last}，早于 first_year {first}")
    if deadline <= last:
        raise _fail(path, "schedule.deadline", f"为 {deadline}：应晚于最后的计划年份 {last}（「{deadline}年前全部通过」）")
    if ("file" in s) == ("years" in s):
        raise _fail(path, "schedule", "应给出 file（评估计划表 CSV：year,track,county）或 years（按评估类别列出每个县的计划年份）之一")
    if "file" in s:
        text = _text(path, "schedule.file", s["file"])
        return text, (), first, last, deadline, _text(path, "schedule.source", s.get("source"), required=False)
    years = _keys(path, "schedule.years", s["years"], set(TRACKS))
    rows = []
    for track in TRACKS:
        if track not in years:
            raise _fail(path, f"schedule.years.{track}", "缺失：两类评估都要列出每个县(市、区)的计划年份")
        per = years[track]
        if not isinstance(per, dict):
            raise _fail(path, f"schedule.years.{track}", "应为 {县(市、区): 年份} 的映射")
        got: dict[str, int] = {}
        for unit, year in per.items():
            at = f"schedule.years.{track}.{unit}"
            canonical = exact.get(clean(unit))
            if canonical is None:
                raise _fail(path, at, f"不是本配置 units 中的县(市、区)（有：{_listing(names)}）")
            if canonical in got:
                raise _fail(path, at, f"重复：{canonical} 在{track}中已列出（每个县(市、区)每类评估恰好一次）")
            y = _year(path, at, year)
            if not first <= y <= last:
                raise _fail(path, at, f"为 {y}，不在 {first}—{last} 之间")
            got[canonical] = y
        for unit in names:
            if unit not in got:
                raise _fail(path, f"schedule.years.{track}", f"缺少 {unit}：每个县(市、区)每类评估都要有计划年份")
        rows += [(unit, track, got[unit]) for unit in names]
    return None, tuple(rows), first, last, deadline, _text(path, "schedule.source", s.get("source"), required=False)


def _tiles(path: Path, raw, exact: dict[str, str], names: list[str]) -> dict[str, tuple[int, int]] | None:
    if raw is None:
        return None
    raw = _keys(path, "tiles", raw, set(map(str, raw)) if isinstance(raw, dict) else set())
    pos: dict[str, tuple[int, int]] = {}
    taken: dict[tuple[int, int], str] = {}
    for unit, v in raw.items():
        at = f"tiles.{unit}"
        canonical = exact.get(clean(unit))
        if canonical is None:
            raise _fail(path, at, "不是本配置 units 中的县(市、区)")
        v = _keys(path, at, v, TILE_KEYS)
        col, row = v.get("col"), v.get("row")
        if not (isinstance(col, int) and isinstance(row, int)) or isinstance(col, bool) or isinstance(row, bool) or col < 0 or row < 0:
            raise _fail(path, at, f"应为 {{col: 列, row: 行}}（非负整数），实为「{v}」")
        if (col, row) in taken:
            raise _fail(path, at, f"位置 ({col}, {row}) 与 {taken[(col, row)]} 重复")
        taken[(col, row)] = canonical
        pos[canonical] = (col, row)
    missing = [u for u in names if u not in pos]
    if missing:
        raise _fail(path, "tiles", f"缺少 {_listing(missing)}：给出示意图布局时要包含每个县(市、区)；不给 tiles 则自动排成网格")
    return pos


def _listing(names: list[str], limit: int = 12) -> str:
    return "、".join(names) if len(names) <= limit else "、".join(names[:limit]) + f" 等 {len(names)} 个"


def _load(path: Path) -> Region:
    try:
        data = path.read_bytes()
        raw = read_yaml(path)
    except OSError as exc:
        raise RegionError(f"无法读取区域配置 {path}：{exc.strerror or exc}") from exc
    except Exception as exc:  # noqa: BLE001 — a YAML syntax error: say where, in Chinese
        raise RegionError(f"区域配置 {path} 不是有效的 YAML：{exc}") from exc
    if not isinstance(raw, dict):
        raise RegionError(f"区域配置 {path} 应为一个映射（region、units、schedule…），实为「{raw}」")
    _keys(path, "", raw, TOP_KEYS)
    for key in ("region", "units", "schedule"):
        if key not in raw:
            raise _fail(path, key, "缺失")
    head = _keys(path, "region", raw["region"], REGION_KEYS)
    name = clean(_text(path, "region.name", head.get("name")))
    units = _units(path, raw["units"])
    names = [u.name for u in units]
    areas = _areas(path, raw.get("management_areas"), set(names))
    exact, found = _lookups(path, units, areas)
    prefixes = raw.get("prefixes") or []
    if not isinstance(prefixes, list):
        raise _fail(path, "prefixes", "应为列表")
    cleaned = list(dict.fromkeys(clean(_text(path, "prefixes", p)) for p in prefixes))
    file, rows, first, last, deadline, schedule_source = _schedule(path, raw["schedule"], exact, names)
    return Region(
        path=path, key=f"{name}|{hashlib.sha256(data).hexdigest()[:16]}", name=name,
        short=clean(_text(path, "region.short", head.get("short"), required=False)) or _short_of(name),
        whole=clean(_text(path, "region.whole", head.get("whole"), required=False)) or "全" + name[-1:],
        source=_text(path, "region.source", head.get("source"), required=False),
        units=units, management_areas=areas, prefixes=tuple(sorted(cleaned, key=len, reverse=True)),
        schedule_file=file, schedule_rows=rows, first_year=first, last_year=last, deadline=deadline,
        schedule_source=schedule_source,
        tiles=_tiles(path, raw.get("tiles"), exact, names), exact=exact, areas=found,
    )


_LOADED: dict[tuple[str, int, int], Region] = {}


def builtin_regions() -> list[str]:
    return sorted(p.stem for p in package_data("regions").glob("*.yaml"))


def pack_path(spec: str | Path) -> Path:
    """The file a pack spec names: a built-in name (yichun), a YAML file, or a folder holding region.yaml."""
    text = str(spec).strip()
    if not text:
        raise RegionError("区域配置不能为空：应为内置配置名（" + "、".join(builtin_regions()) + "）或 YAML 文件路径")
    builtin = package_data("regions") / f"{text}.yaml"
    if not (text.endswith((".yaml", ".yml")) or "/" in text or os.sep in text) and (builtin.is_file() or not Path(text).exists()):
        if not builtin.is_file():
            raise RegionError(f"没有名为「{text}」的内置区域配置（有：{'、'.join(builtin_regions())}）；自定义配置请给出 YAML 文件路径")
        return builtin
    path = Path(text).expanduser().absolute()
    if path.is_dir():
        path = path / FOLDER_PACK
    if not path.is_file():
        raise RegionError(f"找不到区域配置文件 {path}")
    return path


def load_region(spec: str | Path = DEFAULT_REGION, *, fresh: bool = True) -> Region:
    """A pack, validated. Cached per file (reloaded when the file changes);
    `fresh=False` skips the file check for a spec already loaded (the hot path of name lookups)."""
    text = str(spec)
    remembered = _BY_SPEC.get(text)
    if remembered is not None and not fresh:
        return remembered
    path = pack_path(spec)
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _LOADED:
        _LOADED[key] = _load(path)
    _BY_SPEC[text] = _LOADED[key]
    return _LOADED[key]


_BY_SPEC: dict[str, Region] = {}


_ACTIVE: contextvars.ContextVar[str | None] = contextvars.ContextVar("yichun_region", default=None)


def active_spec() -> str:
    """The pack in force as given: the `use_region` block's, else YICHUN_REGION, else yichun."""
    return _ACTIVE.get() or os.environ.get(ENV, "").strip() or DEFAULT_REGION


def active_region() -> Region:
    """The pack in force (its file is re-read when it changed at the next `use_region` or `load_region`)."""
    return load_region(active_spec(), fresh=False)


def region_key() -> str:
    """Identifies the active pack's content: part of the intake cache key."""
    return active_region().key


@contextlib.contextmanager
def use_region(region: str | Path | Region | None):
    """Within the block, county names, the schedule and the tile map come from `region` (validated first)."""
    if isinstance(region, Region):
        spec = str(region.path)
    else:
        spec = DEFAULT_REGION if region is None else str(region)
        load_region(spec)  # an invalid pack is refused before anything is read
        if spec != DEFAULT_REGION:
            spec = str(pack_path(spec))
    token = _ACTIVE.set(spec)
    before = os.environ.get(ENV)
    os.environ[ENV] = spec  # child interpreters and notebook kernels started in the block read the same pack
    try:
        yield
    finally:
        _ACTIVE.reset(token)
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before


def same_pack(a: str | Path, b: str | Path) -> bool:
    """Two specs naming the same content (a copy of a pack is the same pack)."""
    return load_region(a).key == load_region(b).key


def pack_for_folder(folder: Path | str | None, explicit: str | Path | None = None) -> str:
    """The pack that reads a raw folder: `explicit` (--region, else YICHUN_REGION), else the folder's
    region.yaml, else the default. An explicit pack that disagrees with the folder's is an error."""
    from_env = explicit in (None, "")
    chosen = (os.environ.get(ENV, "").strip() or None) if from_env else explicit
    if chosen and from_env:
        try:
            load_region(chosen)
        except RegionError as exc:
            raise RegionError(f"环境变量 {ENV} 指定的区域配置无法使用：{exc}") from exc
    here = Path(folder) / FOLDER_PACK if folder is not None else None
    if here is None or not here.is_file():
        return str(chosen) if chosen else DEFAULT_REGION
    if chosen and not same_pack(chosen, here):
        told, drop = (f"环境变量 {ENV}", f"取消环境变量 {ENV}") if from_env else ("参数 --region", "去掉 --region")
        raise RegionError(
            f"{told} 指定的区域配置 {pack_path(chosen)}（{load_region(chosen).name}）与工作簿文件夹中的 {here}"
            f"（{load_region(here).name}）不一致；请{drop}（使用文件夹中的配置），或改用与文件夹一致的配置。"
        )
    load_region(here)
    return str(here)
