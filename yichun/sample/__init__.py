"""Synthetic sample data: county workbooks that look like the real ones — NOT real data.

`generate(out_dir)` simulates the ten counties of Yichun (sized by their population, with
births, enrolment, schools that keep their identity across years, resources that grow
unevenly and deliberate shortfalls, see `scenario`) and writes one workbook per county
per statistical year into out_dir/<year>/, messy the way county files are (see `writer`).
The output is deterministic: the same arguments give byte-identical files.

`generate_region(out_dir, n)` writes a synthetic region pack of n invented units (yichun.sample.synthetic)
as out_dir/region.yaml and their workbooks into out_dir/<year>/: one folder that `yichun ingest` reads
in one call (it finds the pack there).

`generate_sets(out_dir, n_sets)` writes several independent "provinces" (replicas of the
ten counties with other random draws) into out_dir/set01, set02, … — each a raw folder of
its own, for benchmarks at province scale.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from yichun.atomic import write_bytes

DEFAULT_SEED = 20211016  # the date of the city's 实施方案
DEFAULT_YEARS = (2019, 2025)

__all__ = ["DEFAULT_SEED", "DEFAULT_YEARS", "generate", "generate_region", "generate_sets", "planned_files", "select_counties",
           "simulate"]


def select_counties(which=None) -> list:
    """The counties to generate: None → all ten; an int N → the first N; names → those."""
    from yichun.counties import counties, normalize_county

    every = list(counties())
    if which is None:
        return every
    if isinstance(which, int):
        if not 1 <= which <= len(every):
            from yichun.errors import YichunError

            raise YichunError(f"县(市、区)个数应在 1—{len(every)} 之间（更多请用 generate_region），收到 {which}")
        return every[:which]
    wanted = {normalize_county(n) for n in which}
    return [c for c in every if c.name in wanted]


def _check_years(years) -> tuple[int, int]:
    from yichun.errors import YichunError
    from yichun.sample.scenario import FIRST_YEAR

    first, last = int(years[0]), int(years[1])
    if first < FIRST_YEAR or last < first or last > 2030:
        raise YichunError(f"年份范围应在 {FIRST_YEAR}—2030 之间且起始不晚于结束，收到 {first}-{last}")
    return first, last


def simulate(seed: int = DEFAULT_SEED, counties=None, last_year: int = DEFAULT_YEARS[1], replica: int = 0) -> dict:
    """The true (clean) data per county name: a `model.CountyData` with `.years[year]` frames."""
    from yichun.sample.model import simulate_county

    return {c.name: simulate_county(c, seed, last_year, replica) for c in select_counties(counties)}


def planned_files(*, seed: int = DEFAULT_SEED, counties=None, years: Iterable[int] = DEFAULT_YEARS,
                  replica: int = 0) -> dict[str, tuple[str, int]]:
    """The relative paths `generate` writes (year/file name) → (county, year), without writing."""
    first, last = _check_years(tuple(years))
    out = {}
    for county in select_counties(counties):
        for year in range(first, last + 1):
            out[f"{year}/{_name(seed, replica, county, year)}"] = (county.name, year)
    return out


def _file_rng(seed: int, replica: int, county, year: int) -> np.random.Generator:
    return np.random.default_rng([seed, replica, int(county.code), 6, year])


def _name(seed: int, replica: int, county, year: int) -> str:
    from yichun.sample.writer import file_name

    return file_name(county.name, county.short, year, np.random.default_rng([seed, replica, int(county.code), 8, year]), county.code)


def _marker_key(path: Path) -> str | None:
    """county=…;year=… of a workbook this generator wrote, else None."""
    from yichun.sample.writer import MARKER

    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    if MARKER not in core:
        return None
    m = re.search(r"<cp:keywords>([^<]*)</cp:keywords>", core)
    return m.group(1) if m else None


def generate(out_dir: str | Path | None = None, *, seed: int = DEFAULT_SEED, counties=None,
             years: Iterable[int] = DEFAULT_YEARS, messy: bool = True, replica: int = 0) -> list[Path]:
    """Write the sample workbooks into out_dir/<year>/ (default data/raw) and return their paths.

    A previous sample file of the same county-year (recognised by the generator's marker
    in its document properties) is replaced even when its file name differs; other files
    in the folder are left alone.
    """
    from yichun import paths
    from yichun.sample.model import simulate_county, story
    from yichun.sample.writer import Mess, workbook_bytes

    out = Path(out_dir) if out_dir is not None else paths.raw_dir()
    first, last = _check_years(tuple(years))
    written: list[Path] = []
    chosen = select_counties(counties)
    for county in chosen:
        data = simulate_county(county, seed, last, replica)
        for year in range(first, last + 1):
            rng = _file_rng(seed, replica, county, year)
            mess = Mess.draw(county.name, year, rng, story(county)) if messy else Mess.clean()
            name = _name(seed, replica, county, year)
            path = out / str(year) / name
            key = f"county={county.name};year={year}"
            if path.parent.is_dir():
                for old in path.parent.glob("*.xlsx"):
                    if old.name != name and _marker_key(old) == key:
                        old.unlink()
            write_bytes(path, workbook_bytes(data, year, mess, seed, replica))
            written.append(path)
    return written


def _one_set(args) -> list[Path]:
    out, seed, k, years, messy, counties = args
    return generate(out, seed=seed, counties=counties, years=years, messy=messy, replica=k)


def generate_sets(out_dir: str | Path, n_sets: int, *, seed: int = DEFAULT_SEED, years: Iterable[int] = DEFAULT_YEARS,
                  messy: bool = True, counties=None, workers: int = 1) -> list[Path]:
    """Write `n_sets` independent replicas of the ten counties into out_dir/setNN/<year>/.

    Replica k uses other random draws (schools, sizes, messiness) for the same counties, so
    each set folder is a valid raw folder on its own; ingest them separately.
    """
    out = Path(out_dir)
    jobs = [(out / f"set{k + 1:02d}", seed, k + 1, tuple(years), messy, counties) for k in range(n_sets)]
    if workers > 1 and n_sets > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            return [p for paths_ in pool.map(_one_set, jobs) for p in paths_]
    return [p for job in jobs for p in _one_set(job)]


def _one_part(args) -> list[Path]:
    out, seed, names, years, messy, pack = args
    from yichun.region import use_region

    with use_region(pack):
        return generate(out, seed=seed, counties=names, years=years, messy=messy)


def generate_region(out_dir: str | Path, n: int, *, seed: int = DEFAULT_SEED, years: Iterable[int] = DEFAULT_YEARS,
                    messy: bool = True, workers: int = 1) -> list[Path]:
    """Write a synthetic pack of `n` invented units to out_dir/region.yaml and each unit's workbooks into
    out_dir/<year>/; returns the workbooks' paths (the pack first). A folder that already holds workbooks
    of another pack is refused: the pack and the workbooks must belong together."""
    from yichun.errors import YichunError
    from yichun.region import FOLDER_PACK, load_region
    from yichun.sample.synthetic import synthetic_pack

    out = Path(out_dir)
    _check_years(tuple(years))
    text = synthetic_pack(n, seed)
    pack = out / FOLDER_PACK
    theirs = out.is_dir() and any(p.suffix.lower() in (".xlsx", ".xls", ".ods") for p in out.rglob("*"))
    if theirs and (not pack.is_file() or pack.read_text(encoding="utf-8") != text):
        raise YichunError(f"输出文件夹 {out} 中已有其他区域的工作簿（没有相同的 {FOLDER_PACK}）；合成区域的工作簿与其区域配置"
                          "须单独放在一个文件夹中，请用 --out 指定一个新的文件夹")
    write_bytes(pack, text.encode("utf-8"))
    names = [u.name for u in load_region(pack).units]
    parts = max(1, min(workers, len(names)))
    jobs = [(out, seed, names[k::parts], tuple(years), messy, str(pack)) for k in range(parts)]
    if parts > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(parts) as pool:
            written = [p for part in pool.map(_one_part, jobs) for p in part]
    else:
        written = _one_part(jobs[0])
    return [pack, *sorted(written)]
