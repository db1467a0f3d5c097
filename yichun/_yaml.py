"""Reading the package's YAML data files (cached: they never change during a run)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from yichun.paths import package_data


@cache
def package_yaml(name: str):
    """Parse a YAML file shipped in yichun/data (cached)."""
    return read_yaml(package_data(name))


# libyaml's C loader is ~10x faster than the pure-Python one (same safe subset).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path):
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506 — a safe loader
