"""The tidy tables that intake writes and everything downstream reads.

`Inputs` bundles them for one or more statistical years. Column names are the data
dictionary's field names plus `county` (canonical name), `year` (statistical year) and
the provenance columns. Projection and scenarios build new `Inputs` and feed them to the
same assessment engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

PROVENANCE = ["source_file", "source_sheet", "source_row", "source_sha256"]
TABLES = ("schools", "kindergartens", "county_inputs", "population", "plans", "problems", "quarantine")

# county_inputs: county, year, code, name, value (float; fractions for percentages,
# 1.0/0.0 for 是/否), rating (优/良/中/差 or missing), unit, note, raw (text as typed) + provenance
# population:    county, year (statistical year of the workbook), birth_year, births + provenance
# plans:         county, year, school_id, plan_year, item (field name), level (小学/初中/""),
#                quantity, investment_wan + provenance


@dataclass
class Inputs:
    """Tidy input tables for any number of counties and years."""

    schools: pd.DataFrame
    kindergartens: pd.DataFrame
    county_inputs: pd.DataFrame
    population: pd.DataFrame
    plans: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame)
    townships: pd.DataFrame = field(default_factory=pd.DataFrame)  # optional 乡镇 sheet: county, year, township, township_kind

    def years(self) -> list[int]:
        frames = [self.schools, self.kindergartens, self.county_inputs]
        return sorted({int(y) for f in frames if "year" in f for y in f["year"].dropna().unique()})

    def resolve_year(self, year: int | None = None, where: str = "数据") -> int:
        """`year`, or the latest statistical year when None; a year with no data is a user
        error naming the years that exist."""
        from yichun.errors import YichunError

        years = self.years()
        if not years:
            raise YichunError(f"{where}中没有读到任何县(市、区)的报表。请先运行 yichun ingest 并查看问题清单。")
        if year is None:
            return years[-1]
        if int(year) not in years:
            raise YichunError(f"{where}中没有 {year} 年度的报表；已有的统计年度：{'、'.join(map(str, years))}。请用 --year 选择其中一年。")
        return int(year)

    def counties(self) -> list[str]:
        frames = [self.schools, self.kindergartens, self.county_inputs]
        return sorted({c for f in frames if "county" in f for c in f["county"].dropna().unique()})

    def select(self, years=None, counties=None) -> Inputs:
        """A subset by statistical year(s) and/or county(ies). Population keeps every birth year."""

        def pick(frame: pd.DataFrame, by_year: bool = True) -> pd.DataFrame:
            if frame is None or frame.empty:
                return frame
            mask = pd.Series(True, index=frame.index)
            if years is not None and by_year and "year" in frame:
                mask &= frame["year"].isin([years] if isinstance(years, int) else list(years))
            if counties is not None and "county" in frame:
                mask &= frame["county"].isin([counties] if isinstance(counties, str) else list(counties))
            return frame[mask]

        return replace(
            self,
            schools=pick(self.schools),
            kindergartens=pick(self.kindergartens),
            county_inputs=pick(self.county_inputs),
            population=pick(self.population, by_year=False),
            plans=pick(self.plans, by_year=False),
            townships=pick(self.townships),
        )


def births(inputs: Inputs) -> pd.DataFrame:
    """Births per county and calendar year: county | birth_year | births.

    Workbooks of several statistical years repeat the births sheet; the latest statistical
    year's figure wins (later workbooks carry revisions).
    """
    pop = inputs.population
    if pop is None or pop.empty:
        return pd.DataFrame({"county": pd.Series(dtype="str"), "birth_year": pd.Series(dtype="int64"),
                             "births": pd.Series(dtype="float64")})
    latest = pop.sort_values("year").drop_duplicates(["county", "birth_year"], keep="last")
    return latest[["county", "birth_year", "births"]].sort_values(["county", "birth_year"]).reset_index(drop=True)
