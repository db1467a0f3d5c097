"""Everything a leading-group briefing shows, computed once and kept in one picklable object.

`compute(year=None, inputs=None, raw_dir=None, profile="national") -> BriefingData` assesses the
briefing year (default: the latest statistical year in the data) and runs the readiness
outlook (按期达标预测) on the data up to that year. `yichun brief` computes it once, pickles
it (`save`) and hands the file to each of the eleven notebook runs, which only `load` it.
"""

from __future__ import annotations

import datetime as _dt
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from yichun.assessment import Assessment
from yichun.atomic import write_bytes
from yichun.errors import YichunError

# Outlook indicator rows kept for the fan charts (P1–P3 and the R-codes' 差异系数 per level).
FAN_CODES = ("P1", "P2", "P3", "R1", "R2", "R3", "R4", "R5", "R6", "R7")


@dataclass
class BriefingData:
    """The assessment of the briefing year and the outlook to 2030, for the city and every county."""

    year: int  # the briefing (statistical) year
    data_years: list[int]  # statistical years found in the data
    profile: str
    to_year: int  # last year of the outlook (the notice's deadline)
    generated: str  # date the data were computed, ISO format
    assessment: Assessment  # of `year`
    status: pd.DataFrame  # outlook status: county, track, scheduled_year, status, first_pass_*, binding, …
    indicators: pd.DataFrame  # outlook indicator values (FAN_CODES): county, year, variant, kind, code, level, value, cv, limit
    enrolment: pd.DataFrame  # outlook enrolment: county, level, year, variant, kind, enrolment
    schedule: pd.DataFrame  # county, track, year (the notice's schedule)
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)  # intake problems of `year` (severity, kind, county, …)
    rounds: object = None  # yichun.briefing.rounds.LedgerRounds: 整改台账核对 and the 问题清单 rows per county
    timings: dict = field(default_factory=dict)  # seconds per step, for `yichun brief`'s report
    figure_dir: str | None = None  # set by `yichun brief`: the notebook runs save their charts there (JSON) for the static export

    @property
    def counties(self) -> list[str]:
        """The counties present in the briefing year, in the order of their 行政区划代码."""
        from yichun.counties import names

        present = set(self.assessment.readiness["county"])
        return [c for c in names() if c in present]

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_memo", None)  # derived frames cached by yichun.briefing.content
        return state

    def readiness(self, track: str | None = None) -> pd.DataFrame:
        """The assessment's readiness rows of the briefing year (optionally one track)."""
        r = self.assessment.readiness
        r = r[r["year"] == self.year]
        return r if track is None else r[r["track"] == track]


def compute(year: int | None = None, inputs=None, raw_dir=None, profile: str = "national", ledgers: dict | None = None,
            on_assessed=None) -> BriefingData:
    """Assess `year` (default: the latest in the data) and project every county to 2030.

    ledgers: county → `yichun.ledger.Returned` (from `rounds.read_ledgers`); counties without one
    are checked against the previous statistical year's ledger generated from the data.
    on_assessed(assessment, rounds, year, counties): called once the assessment and the ledger
    rounds are there, before the outlook (`yichun brief` starts the 问题清单 then)."""
    import time

    from yichun.assessment import assess
    from yichun.projection import outlook
    from yichun.schedule import deadline, schedule

    timings = {}
    start = time.perf_counter()
    if inputs is None:
        from yichun.intake import load

        inputs = load(raw_dir)
    year = inputs.resolve_year(year, where=str(raw_dir) if raw_dir else "数据")
    years = inputs.years()
    timings["读取数据"] = time.perf_counter() - start

    # The picture as it stood in `year`: later years are left out of the outlook's base.
    asof = inputs if year == years[-1] else inputs.select(years=[y for y in years if y <= year])
    start = time.perf_counter()
    a = assess(asof, years=year, profile=profile)
    _ = a.gaps, a.bill  # worked out now, so the pickled assessment carries them
    timings["评估"] = time.perf_counter() - start

    start = time.perf_counter()
    from yichun.briefing.rounds import compute_rounds
    from yichun.counties import names

    present = set(a.readiness["county"])
    counties = [c for c in names() if c in present]
    earlier = [y for y in years if y < year]
    prev_year = earlier[-1] if earlier else None
    prev_a = None
    if prev_year is not None and any(c not in (ledgers or {}) for c in counties):
        prev_a = assess(asof, years=prev_year, profile=profile)
    rounds = compute_rounds(a, year, counties, previous_assessment=prev_a, previous_year=prev_year, returned=ledgers)
    timings["整改台账核对"] = time.perf_counter() - start
    if on_assessed is not None:
        on_assessed(a, rounds, year, counties)

    start = time.perf_counter()
    o = outlook(asof, to_year=deadline(), profile=profile)
    timings["按期达标预测"] = time.perf_counter() - start

    ind = o.indicators
    ind = ind[ind["code"].isin(FAN_CODES)].reset_index(drop=True)
    problems = inputs.problems if inputs.problems is not None else pd.DataFrame()
    if len(problems) and "year" in problems.columns:
        problems = problems[pd.to_numeric(problems["year"], errors="coerce") == year].reset_index(drop=True)
    return BriefingData(
        year=year,
        data_years=[y for y in years if y <= year],
        profile=str(profile),
        to_year=deadline(),
        generated=_dt.date.today().isoformat(),
        assessment=a,
        status=o.status.reset_index(drop=True),
        indicators=ind,
        enrolment=o.enrolment.reset_index(drop=True),
        schedule=schedule(),
        problems=problems,
        rounds=rounds,
        timings=timings,
    )


def save(data: BriefingData, path) -> Path:
    """Pickle the briefing data atomically (for the notebook runs of `yichun brief`)."""
    return write_bytes(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def load(path) -> BriefingData:
    """Read briefing data pickled by `save` (only files this program wrote: pickle runs code)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        raise YichunError(f"无法读取简报数据文件 {path}：{exc}。请重新运行 yichun brief。") from exc
    if not isinstance(data, BriefingData):
        raise YichunError(f"{path} 不是 yichun brief 写出的简报数据文件。")
    return data


def get(data_path=None, year: int | None = None, profile: str = "national") -> BriefingData:
    """The notebook's entry: the pickled data when `data_path` is given, else computed from yichun.load()."""
    if data_path:
        data = load(data_path)
        if year is not None and int(year) != data.year:
            raise YichunError(f"简报数据文件 {data_path} 是 {data.year} 年的，与参数 year={year} 不一致。")
        return data
    return compute(year=year, profile=profile)
