"""Every path the project reads or writes, in one place.

The project root is found from the package location (a source checkout) and can be
moved with the environment variable YICHUN_ROOT. Nothing here touches the disk at
import time.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"


def root() -> Path:
    """The project root: YICHUN_ROOT, else the checkout that holds the package."""
    env = os.environ.get("YICHUN_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def raw_dir() -> Path:
    """Workbooks as received (read-only): data/raw."""
    return root() / "data" / "raw"


def processed_dir() -> Path:
    """Tidy parquet tables written by `yichun ingest`: data/processed."""
    return root() / "data" / "processed"


def reports_dir() -> Path:
    """Briefings and problem lists: reports/."""
    return root() / "reports"


def notebooks_dir() -> Path:
    return root() / "notebooks"


def schedule_csv() -> Path:
    """The assessment schedule transcribed from the 2021 notice."""
    return raw_dir() / "schedule.csv"


def schedule_provenance() -> Path:
    return raw_dir() / "schedule.provenance.yaml"


def package_data(name: str) -> Path:
    """A data file shipped inside the package (catalogue, dictionary, aliases...)."""
    return PACKAGE_DATA / name
