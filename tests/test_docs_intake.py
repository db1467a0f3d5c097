"""docs/intake.md cannot drift from the data dictionary and the intake rules.

The field tables of docs/intake.md are generated from yichun/data/dictionary.yaml (and the
required columns of yichun/data/intake_rules.yaml) by `field_table` below and sit between
`<!-- fields:<sheet> -->` markers; the limits table likewise between `<!-- limits -->`.
After changing the dictionary or the rules, print the new tables with

    PYTHONPATH=. python tests/test_docs_intake.py

and paste them over the old ones.
"""

from __future__ import annotations

import re
from pathlib import Path

from yichun._yaml import package_yaml
from yichun.dictionary import sheets
from yichun.intake.rules import rules

DOC = Path(__file__).resolve().parents[1] / "docs" / "intake.md"
TYPE_WORDS = {"text": "文本", "int": "整数", "float": "数值", "enum": "选项", "bool": "是/否", "year": "年份", "date": "日期"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def field_table(key: str) -> str:
    """The markdown table of one dictionary sheet, as docs/intake.md holds it."""
    sheet = sheets()[key]
    must = set(rules().required_columns.get(key, ()))
    lines = ["| header | field | type | unit | required | also accepted as | notes |", "|---|---|---|---|---|---|---|"]
    for f in sheet.fields:
        kind = TYPE_WORDS[f.type] + (f"：{'、'.join(f.values)}" if f.values else "")
        unit = f.unit + ("（表头写明 元/千元/亿元 时换算）" if f.money else "")
        need = "、".join(w for w, on in (("必填", f.required), ("列不可缺", f.field in must)) if on)
        lines.append(f"| {_cell(f.header)} | `{f.field}` | {kind} | {unit} | {need} | {_cell('、'.join(f.synonyms))} | {_cell(f.help)} |")
    return "\n".join(lines)


def limits_table() -> str:
    raw = package_yaml("intake_rules.yaml")
    rows = [*(("limits", k, v) for k, v in raw["limits"].items()), *(("isolation", k, v) for k, v in raw["isolation"].items())]
    lines = ["| intake_rules.yaml | value |", "|---|---|"]
    lines += [f"| `{group}.{key}` | {value} |" for group, key, value in rows]
    return "\n".join(lines)


def _block(text: str, name: str) -> str:
    m = re.search(rf"<!-- {re.escape(name)} -->\n(.*?)\n<!-- /{re.escape(name)} -->", text, re.S)
    assert m, f"docs/intake.md has no <!-- {name} --> block"
    return m.group(1).strip()


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_sheet_has_its_field_table_as_generated():
    text = _doc()
    for key in sheets():
        assert _block(text, f"fields:{key}") == field_table(key), f"docs/intake.md: the {key} table differs from the dictionary"


def test_the_fields_in_the_doc_are_exactly_the_dictionary_fields():
    text = _doc()
    in_doc = {(key, m) for key in sheets() for m in re.findall(r"^\| [^|]+ \| `(\w+)` \|", _block(text, f"fields:{key}"), re.M)}
    in_dictionary = {(key, f.field) for key, s in sheets().items() for f in s.fields}
    assert in_doc - in_dictionary == set(), "fields documented but not in the dictionary"
    assert in_dictionary - in_doc == set(), "dictionary fields missing from docs/intake.md"


def test_every_sheet_name_and_its_alternatives_are_documented():
    text = _doc()
    for s in sheets().values():
        for name in (s.name, *s.synonyms):
            assert name in text, f"sheet name {name} not in docs/intake.md"


def test_the_limits_table_is_the_rules_file():
    assert _block(_doc(), "limits") == limits_table()


def test_every_refused_file_kind_and_missing_marker_is_named():
    text = _doc()
    for suffix in rules().unreadable_files:
        assert f"`{suffix}`" in text, f"file kind {suffix} not in docs/intake.md"
    for marker in ("—", "-", "/", "无"):
        assert f"`{marker}`" in text


def test_every_enum_alias_is_documented():
    text = _doc()
    for field, aliases in rules().enum_aliases.items():
        for alias, value in aliases.items():
            assert f"{alias} → {value}" in text, f"alias {alias} of {field} not in docs/intake.md"


if __name__ == "__main__":
    for key in sheets():
        print(f"<!-- fields:{key} -->\n{field_table(key)}\n<!-- /fields:{key} -->\n")
    print(f"<!-- limits -->\n{limits_table()}\n<!-- /limits -->")
