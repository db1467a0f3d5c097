"""The public API (docs/api.md): `import yichun` gives what a notebook needs, cheaply, and the
notebooks import nothing else from the package."""

import ast
import importlib
import importlib.util
import json
import re
import subprocess
import sys

import pytest

import yichun
from yichun import paths

NOTEBOOKS = sorted((paths.root() / "notebooks").glob("*.ipynb"))


def test_all_lists_every_api_name():
    assert set(yichun.__all__) == set(yichun._API) | {"__version__"}


@pytest.mark.parametrize("name", sorted(yichun._API))
def test_each_name_is_the_object_its_module_defines(name):
    module, attr = yichun._API[name]
    expected = importlib.import_module(module) if attr is None else getattr(importlib.import_module(module), attr)
    assert getattr(yichun, name) is expected


def test_no_function_shares_a_submodule_name():
    # `import yichun.catalogue` binds the module on the package, shadowing a function of that name
    clashes = [n for n, (_, attr) in yichun._API.items() if attr is not None and importlib.util.find_spec(f"yichun.{n}") is not None]
    assert clashes == []


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        yichun.no_such_name  # noqa: B018


def test_import_loads_nothing_heavy():
    code = "import sys, yichun; print(sorted(m for m in ('pandas', 'numpy', 'plotly', 'yichun.assessment') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_api_is_documented():
    doc = (paths.root() / "docs" / "api.md").read_text(encoding="utf-8")
    undocumented = [n for n in yichun._API if not re.search(rf"`(yichun\.)?{n}\b", doc)]
    assert undocumented == []


def _imports(source: str) -> list[str]:
    """Every `import yichun…` / `from yichun… import …` in a cell, as written."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.split(".")[0] == "yichun"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "yichun":
            out += [f"{node.module}:{a.name}" for a in node.names]
    return out


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_import_only_the_public_api(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = [i for c in cells if c["cell_type"] == "code" for i in _imports("".join(c["source"]))]
    allowed = {"yichun"} | {f"yichun:{n}" for n in yichun.__all__}
    assert [i for i in found if i not in allowed and not i.startswith("yichun.charts:")] == []
