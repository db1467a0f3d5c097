"""The intake workbook's data dictionary (yichun/data/dictionary.yaml) as Python objects.

One source for sheet names, headers, field names, types, units and synonyms: the reader,
the validation schemas, the template and the sample generator all take them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from yichun._yaml import package_yaml


@dataclass(frozen=True)
class Field:
    field: str
    header: str
    type: str  # text | int | float | enum | bool | year | date
    required: bool = False
    unit: str = ""
    values: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    help: str = ""
    group: str = ""  # upper header of a two-row header (e.g. 在校生数)
    sub: str = ""  # lower header under `group` (e.g. 小学)
    money: bool = False  # 万元 by default; a header saying (元) means yuan

    @property
    def header_with_unit(self) -> str:
        return f"{self.header}({self.unit})" if self.unit else self.header


@dataclass(frozen=True)
class Sheet:
    key: str  # info, schools, kindergartens, county_inputs, population, plans
    name: str
    layout: str  # table | key_value
    fields: tuple[Field, ...]
    synonyms: tuple[str, ...] = ()
    key_fields: tuple[str, ...] = ()
    optional: bool = False

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.field == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        return [f.field for f in self.fields]


@cache
def dictionary() -> dict:
    return package_yaml("dictionary.yaml")


@cache
def sheets() -> dict[str, Sheet]:
    out = {}
    for key, raw in dictionary()["sheets"].items():
        fields = tuple(
            Field(
                field=f["field"], header=f["header"], type=f["type"], required=bool(f.get("required", False)),
                unit=f.get("unit", ""), values=tuple(f.get("values", ())), synonyms=tuple(f.get("synonyms", ())),
                help=f.get("help", ""), group=f.get("group", ""), sub=f.get("sub", ""), money=bool(f.get("money", False)),
            )
            for f in raw["fields"]
        )
        out[key] = Sheet(key, raw["name"], raw.get("layout", "table"), fields, tuple(raw.get("synonyms", ())),
                         tuple(raw.get("key", ())), bool(raw.get("optional", False)))
    return out


def sheet(key: str) -> Sheet:
    return sheets()[key]


@cache
def type_dtypes() -> dict[str, str]:
    """Field type → the pandas dtype it is held in (dictionary.yaml `type_dtypes`)."""
    return dict(dictionary()["type_dtypes"])


def field_dtype(f: Field) -> str:
    """The pandas dtype of one field."""
    return type_dtypes()[f.type]


@cache
def level_suffix() -> Mapping[str, str]:
    """School level → the name suffix of its per-level fields (小学 → primary, 初中 → junior, 高中 → senior).

    Read from the school sheet: a field filed under a level (`sub`) is named `<stem>_<suffix>`
    (students_primary, classes_junior, …); a level spelt with two suffixes is an error.
    """
    out: dict[str, str] = {}
    for f in sheet("schools").fields:
        if f.sub and "_" in f.field:
            sfx = f.field.rsplit("_", 1)[1]
            if out.setdefault(f.sub, sfx) != sfx:
                raise ValueError(f"dictionary.yaml: {f.sub} fields end in both _{out[f.sub]} and _{sfx} ({f.field})")
    return MappingProxyType(out)


@cache
def field_header(sheet_key: str, field_name: str) -> str:
    """The official header of a field (the template's column name), or the field name if unknown."""
    try:
        return sheet(sheet_key).field(field_name).header
    except KeyError:
        return field_name
