"""The layers contract (.importlinter) covers every module of the package, and docs/architecture.md
shows the same layers: a new module cannot sit outside the contract unnoticed."""

import configparser
import pkgutil
import re

import yichun
from yichun import paths


def _layers() -> list[set[str]]:
    cfg = configparser.ConfigParser()
    cfg.read(paths.root() / ".importlinter", encoding="utf-8")
    text = cfg["importlinter:contract:layers"]["layers"]
    return [{m.strip() for m in re.split(r"[:|]", line)} for line in text.strip().splitlines() if line.strip()]


def test_every_top_level_module_is_in_a_layer():
    in_layers = set().union(*_layers())
    modules = {f"yichun.{m.name}" for m in pkgutil.iter_modules(yichun.__path__)}
    assert sorted(modules - in_layers) == []


def test_architecture_page_lists_the_same_layers():
    doc = (paths.root() / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [set(re.findall(r"`(yichun\.[\w.]+)`", line)) for line in doc.splitlines() if re.match(r"\| [a-z ]+ \| `yichun", line)]
    assert rows == _layers()
