"""The ledger's vocabulary (yichun/data/ledger.yaml) as Python objects: columns, 进度 values, statuses."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from yichun._yaml import package_yaml


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    width: float
    wrap: bool = False
    fill_in: bool = False


@dataclass(frozen=True)
class Config:
    sheet: str
    closing_sheet: str
    columns: tuple[Column, ...]
    progress: tuple[str, ...]
    progress_synonyms: dict[str, str]  # normalised spelling → one of `progress`
    statuses: dict[str, str]  # closed / remains / claimed / overdue / new / unverifiable → Chinese
    unpriced_kind: str
    id_digits: int
    level_suffix: dict[str, str]
    plan_fields: dict[str, str]

    @property
    def headers(self) -> dict[str, str]:
        return {c.field: c.header for c in self.columns}

    @property
    def fill_in(self) -> list[str]:
        return [c.field for c in self.columns if c.fill_in]

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


def norm(text) -> str:
    """A header or an entry as compared: NFKC, no spaces of any kind."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


@cache
def config() -> Config:
    raw = package_yaml("ledger.yaml")
    progress = tuple(raw["progress"]["values"])
    synonyms = {norm(v): v for v in progress}
    for value, others in (raw["progress"].get("synonyms") or {}).items():
        synonyms.update({norm(o): value for o in others})
    return Config(
        sheet=raw["sheet"], closing_sheet=raw["closing_sheet"],
        columns=tuple(Column(c["field"], c["header"], float(c.get("width", 10)), bool(c.get("wrap")), bool(c.get("fill_in")))
                      for c in raw["columns"]),
        progress=progress, progress_synonyms=synonyms, statuses=dict(raw["statuses"]), unpriced_kind=raw["unpriced_kind"],
        id_digits=int(raw["id_digits"]), level_suffix=dict(raw["level_suffix"]), plan_fields=dict(raw["plan_fields"]),
    )
