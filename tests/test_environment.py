"""environment.yml (conda) must list the same dependencies as pyproject.toml."""

import re
import tomllib

import yaml

from yichun import paths

CONDA_NAMES = {"kaleido": "python-kaleido"}  # conda-forge package names that differ from PyPI


def _name_spec(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_matches_pyproject():
    project = tomllib.loads((paths.root() / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_name_spec(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"])
    wanted = {CONDA_NAMES.get(k, k): v for k, v in wanted.items()}
    env = yaml.safe_load((paths.root() / "environment.yml").read_text(encoding="utf-8"))
    listed = dict(_name_spec(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python=", "pip")))
    assert listed == wanted
    assert "python=3.11" in env["dependencies"]
