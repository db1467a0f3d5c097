"""Intake rules and limits (yichun/data/intake_rules.yaml) and the text normalisation they rely on.

Everything the reader tolerates or refuses that is a judgement rather than a law of Excel
lives in the YAML file: size limits for hostile files, the year-on-year factor, unit words,
money units, enum aliases. The data dictionary (yichun.dictionary) supplies headers,
synonyms, missing markers, total markers and note prefixes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from yichun._yaml import package_yaml
from yichun.dictionary import dictionary
from yichun.paths import package_data

_SPACE = re.compile(r"\s+")
# zero-width spaces and joiners, word joiner, BOM, soft hyphen, bidi marks and embeddings/isolates
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def strip_invisible(text: str) -> str:
    """Invisible characters removed and non-breaking spaces made plain (then stripped)."""
    return INVISIBLE.sub("", text).replace("\u00a0", " ").replace("\u3000", " ").strip()


def nfkc(text: str) -> str:
    """Full-width → half-width (NFKC), invisible characters and every kind of whitespace removed."""
    return _SPACE.sub("", INVISIBLE.sub("", unicodedata.normalize("NFKC", text)))


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_uncompressed_bytes: int
    max_ratio: float
    ratio_min_member_bytes: int
    max_members: int
    max_rows: int
    max_cols: int
    max_cells: int = 3_000_000
    max_shared_strings: int = 1_000_000
    max_xml_depth: int = 200
    max_elements: int = 1_000_000
    memory_bytes: int = 2048 * 1024 * 1024  # per file, in a child process (address space on top of the parent's)
    seconds: float = 40.0  # per file, wall clock, in a child process


@dataclass(frozen=True)
class Rules:
    limits: Limits
    jump_factor: float
    jump_min_value: float
    total_tolerance: float
    subtotal_markers: frozenset[str]
    total_markers: frozenset[str]
    note_prefixes: tuple[str, ...]
    header_scan_rows: int
    ignored_headers: frozenset[str]
    unit_words: frozenset[str]
    money_units: dict[str, float]
    unit_factors: dict[str, dict[str, float]]  # dictionary unit (NFKC) → header unit → factor
    required_columns: dict[str, tuple[str, ...]]  # table → fields whose column must be present
    county_whole_units: frozenset[str]
    county_share_units: frozenset[str]
    county_share_points: float
    unreadable_files: dict[str, str]  # suffix → what to do
    project_files: frozenset[str]
    missing_markers: frozenset[str]
    true_values: frozenset[str]
    false_values: frozenset[str]
    ratings: tuple[str, ...]
    enum_aliases: dict[str, dict[str, str]]
    empty_when_zero: dict[str, str]
    parallel_min_files: int  # parse in worker processes from this many files on
    design_year_min: int  # earliest acceptable 规划设计年份 of a kindergarten
    fingerprint: str  # changes whenever the rules, dictionary, catalogue or intake code change (cache key)


@cache
def rules() -> Rules:
    raw = package_yaml("intake_rules.yaml")
    d = dictionary()
    lim = raw["limits"]
    mb = 1024 * 1024
    # the per-file cache is only valid for the same rules, dictionary and reader code
    digest = hashlib.sha256()
    for path in (package_data("intake_rules.yaml"), package_data("dictionary.yaml"), package_data("catalogue.yaml"),
                 *sorted(Path(__file__).parent.glob("*.py"))):
        digest.update(path.read_bytes())
    return Rules(
        limits=Limits(
            max_file_bytes=int(lim["max_file_mb"] * mb),
            max_uncompressed_bytes=int(lim["max_uncompressed_mb"] * mb),
            max_ratio=float(lim["max_ratio"]),
            ratio_min_member_bytes=int(lim["ratio_min_member_mb"] * mb),
            max_members=int(lim["max_members"]),
            max_rows=int(lim["max_rows"]),
            max_cols=int(lim["max_cols"]),
            max_cells=int(lim.get("max_cells", 3_000_000)),
            max_shared_strings=int(lim.get("max_shared_strings", 1_000_000)),
            max_xml_depth=int(lim.get("max_xml_depth", 200)),
            max_elements=int(lim.get("max_elements", 1_000_000)),
            memory_bytes=int(float((raw.get("isolation") or {}).get("memory_mb", 2048)) * mb),
            seconds=float((raw.get("isolation") or {}).get("seconds", 40)),
        ),
        jump_factor=float(raw["year_on_year"]["factor"]),
        jump_min_value=float(raw["year_on_year"]["min_value"]),
        total_tolerance=float(raw["total_tolerance"]),
        subtotal_markers=frozenset(nfkc(m) for m in raw.get("subtotal_markers", [])),
        total_markers=frozenset(nfkc(m) for m in d.get("total_markers", [])),
        note_prefixes=tuple(nfkc(p) for p in d.get("note_prefixes", [])),
        header_scan_rows=int(raw.get("header_scan_rows", 30)),
        ignored_headers=frozenset(nfkc(h) for h in raw.get("ignored_headers", [])),
        unit_words=frozenset(nfkc(str(u)) for u in raw.get("unit_words", [])),
        money_units={nfkc(k): float(v) for k, v in raw.get("money_units", {}).items()},
        unit_factors={nfkc(str(u)): {nfkc(str(k)): float(v) for k, v in m.items()} for u, m in (raw.get("unit_factors") or {}).items()},
        required_columns={t: tuple(v) for t, v in (raw.get("required_columns") or {}).items()},
        county_whole_units=frozenset(nfkc(str(u)) for u in (raw.get("county_figures") or {}).get("whole_units", [])),
        county_share_units=frozenset(nfkc(str(u)) for u in (raw.get("county_figures") or {}).get("share_units", ["%"])),
        county_share_points=float((raw.get("county_figures") or {}).get("share_points", 30)),
        unreadable_files={str(k).lower(): str(v) for k, v in (raw.get("unreadable_files") or {}).items()},
        project_files=frozenset(raw.get("project_files") or []),
        missing_markers=frozenset(nfkc(str(m)) for m in d.get("missing_markers", [])),
        true_values=frozenset(nfkc(str(v)) for v in d["bool_values"][True]),
        false_values=frozenset(nfkc(str(v)) for v in d["bool_values"][False]),
        ratings=tuple(d.get("ratings", ["优", "良", "中", "差"])),
        enum_aliases={f: {nfkc(k): v for k, v in m.items()} for f, m in (raw.get("enum_aliases") or {}).items()},
        empty_when_zero=dict(raw.get("empty_when_zero") or {}),
        parallel_min_files=int(raw.get("parallel_min_files", 40)),
        design_year_min=int(raw["design_year_min"]),
        fingerprint=digest.hexdigest()[:16],
    )
