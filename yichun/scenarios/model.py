"""What-if scenarios (情景): a declarative list of actions, read from YAML or a dict, validated.

A scenario file looks like this (see yichun/data/scenarios/example_*.yaml)::

    name: 宜丰县补齐体育艺术教师          # required
    description: 2026年起为镇区、乡村小学补充体育艺术教师
    county: 宜丰县                       # default county of every action
    actions:
      - action: add_resource             # 增加资源
        item: teachers_pe_arts_primary   # a field of the school (or kindergarten) sheet
        quantity: 12                     # in that field's unit
        year: 2026                       # effective from this statistical year on
        # schools: ["3609240001"]        # named schools; omitted → the neediest schools
      - action: convert_kindergartens    # 幼儿园转制
        from: 非普惠性民办
        to: 普惠性民办
        count: 2                         # or kindergartens: [ids]
      - action: births                   # 出生人口变化 (a factor on births)
        factor: 0.95
        from_year: 2026                  # birth year

Actions (English key or the Chinese name in brackets): add_resource (增加资源),
merge_schools (撤并学校; close_school / 撤销学校 is the same with one school), convert_kindergartens
(幼儿园转制), open_kindergarten (新建幼儿园), births (出生人口变化), migration (人口迁移变化).
Their effect is described in yichun.scenarios.actions.

Validation raises `ScenarioError` whose Chinese message names the file, the action
(actions[i]) and the bad key, and says what is expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from yichun._yaml import read_yaml
from yichun.counties import normalize_county
from yichun.dictionary import sheet
from yichun.errors import YichunError
from yichun.projection.params import LEVELS as PROJECTION_LEVELS

if TYPE_CHECKING:
    from yichun.catalogue import Catalogue
    from yichun.projection.cohort import DemographicFactors
    from yichun.tables import Inputs

KG_TYPES = ("公办", "普惠性民办", "非普惠性民办")
AREAS = ("城区", "镇区", "乡村")

ACTION_NAMES = {
    "add_resource": "增加资源",
    "merge_schools": "撤并学校",
    "close_school": "撤销学校",
    "convert_kindergartens": "幼儿园转制",
    "open_kindergarten": "新建幼儿园",
    "births": "出生人口变化",
    "migration": "人口迁移变化",
}
ALIASES = {v: k for k, v in ACTION_NAMES.items()}

# key → (type, Chinese description); type: str, int, number, bool, ids (list of text), year
COMMON = {"county": ("county", "县(市、区)名称"), "year": ("year", "生效的统计年度"), "note": ("str", "说明")}
SPECS: dict[str, tuple[dict, dict]] = {
    "add_resource": (
        {"item": ("field", "学校表或幼儿园表的资源字段名或其中文名称，如 teachers_backbone_primary 或 小学县级及以上骨干教师数"),
         "quantity": ("positive", "新增数量(该字段的单位)")},
        {"schools": ("ids", "学校标识码列表"), "kindergartens": ("ids", "园所标识码列表"),
         "new_teachers": ("bool", "新增教师是否同时计入专任教师数和持证专任教师数")},
    ),
    "merge_schools": (
        {"close": ("ids", "被撤并学校的标识码列表"), "into": ("ids", "接收学校的标识码列表")},
        {"move": ("fields", "随学生转入接收学校的资源字段列表")},
    ),
    "close_school": (
        {"close": ("ids", "被撤销学校的标识码"), "into": ("ids", "接收学校的标识码列表")},
        {"move": ("fields", "随学生转入接收学校的资源字段列表")},
    ),
    "convert_kindergartens": (
        {"to": ("kg_type", "转制后的办园性质：公办 或 普惠性民办")},
        {"from": ("kg_type", "转制前的办园性质"), "kindergartens": ("ids", "园所标识码列表"),
         "count": ("count", "按在园幼儿数从多到少转制的园数")},
    ),
    "open_kindergarten": (
        {"children": ("positive", "新园在园幼儿数")},
        {"kg_id": ("str", "新园标识码"), "kg_name": ("str", "新园名称"), "kg_type": ("kg_type", "办园性质"),
         "area": ("area", "城乡分类"), "from_type": ("kg_type", "幼儿从哪类幼儿园转入(省略则为新增入园)"),
         "township_center": ("bool", "是否乡镇公办中心园"), "estate_kindergarten": ("bool", "是否小区配套园"),
         "classes": ("positive", "班级数"), "teachers": ("positive", "专任教师数"),
         "teachers_certified": ("positive", "持证专任教师数"), "staff": ("positive", "教职工数"),
         "nurses": ("positive", "保育员数"), "building_m2": ("positive", "园舍建筑面积"),
         "activity_m2": ("positive", "活动用房面积"), "outdoor_m2": ("positive", "室外游戏场地面积")},
    ),
    "births": ({"factor": ("positive", "出生人口乘数，如 0.9")}, {"from_year": ("year", "自该出生年份起")}),
    "migration": (
        {"factor": ("positive", "在校(园)人数乘数，如 1.05 表示净迁入增加 5%")},
        {"levels": ("levels", f"学段列表：{'、'.join(PROJECTION_LEVELS)}"), "from_year": ("year", "自该统计年度起")},
    ),
}
TOP = {"name": "情景名称", "description": "说明", "county": "默认县(市、区)", "actions": "措施列表",
       "to_year": "预测截止年度", "variant": "预测方案(central/low/high)", "growth": "是否延续近年资源增长"}


class ScenarioError(YichunError):
    """A scenario that cannot be read or applied: the message names the bad key."""


@dataclass(frozen=True)
class Action:
    kind: str  # key of SPECS (close_school is stored as merge_schools)
    params: dict
    index: int  # position in the file's action list (for messages)
    label: str = ""

    @property
    def name(self) -> str:
        return ACTION_NAMES[self.kind]

    def where(self, key: str | None = None) -> str:
        k = f".{key}" if key else ""
        return f"actions[{self.index}]（{self.name}）{k}"

    @property
    def county(self) -> str | None:
        return self.params.get("county")

    @property
    def year(self) -> int | None:
        return self.params.get("year")

    def describe(self) -> str:
        """One Chinese line: what the action does."""
        p = self.params
        where = f"{p['county']}" if p.get("county") else ""
        when = f"{p['year']}年起" if p.get("year") else ""
        if self.kind == "add_resource":
            named = p.get("schools") or p.get("kindergartens")
            target = f"（{'、'.join(named)}）" if named else "（按最需要的学校分配）"
            return f"{where}{when}增加 {p['item']} {p['quantity']:g}{target}"
        if self.kind == "merge_schools":
            return f"{where}{when}撤并 {'、'.join(p['close'])}，学生转入 {'、'.join(p['into'])}"
        if self.kind == "convert_kindergartens":
            which = "、".join(p["kindergartens"]) if p.get("kindergartens") else f"{p.get('count', 0)} 所{p.get('from', '非普惠性民办')}幼儿园"
            return f"{where}{when}将 {which} 转为{p['to']}"
        if self.kind == "open_kindergarten":
            return f"{where}{when}新建{p.get('kg_type', '公办')}幼儿园，在园幼儿 {p['children']:g} 人"
        if self.kind == "births":
            return f"{where}{p.get('from_year', '')}{'年起' if p.get('from_year') else ''}出生人口 × {p['factor']:g}"
        return f"{where}{when}{'、'.join(p.get('levels') or PROJECTION_LEVELS)}人数 × {p['factor']:g}"


@dataclass(frozen=True)
class Scenario:
    name: str
    actions: tuple[Action, ...] = ()
    description: str = ""
    county: str | None = None
    to_year: int | None = None
    variant: str | None = None
    growth: bool = False
    source: str = ""
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_yaml(cls, spec: str | Path | dict) -> Scenario:
        """Read a scenario from a YAML file (path) or from a dict of the same shape."""
        if isinstance(spec, dict):
            return cls.from_dict(spec)
        path = Path(spec)
        if not path.exists():
            raise ScenarioError(f"找不到情景文件 {path}")
        try:
            data = read_yaml(path)
        except Exception as exc:  # YAML syntax errors: the parser's message says line and column
            raise ScenarioError(f"情景文件 {path} 不是有效的 YAML：{exc}") from exc
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: dict, source: str = "") -> Scenario:
        where = f"情景文件 {source}" if source else "情景"
        if not isinstance(data, dict):
            raise ScenarioError(f"{where}应为映射（name、actions 等键），实为 {type(data).__name__}")
        unknown = [k for k in data if k not in TOP]
        if unknown:
            raise ScenarioError(f"{where}：键「{unknown[0]}」不是已知键（可用：{_keys(TOP)}）")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ScenarioError(f"{where}：缺少键「name」（情景名称，文本）")
        where = f"{where}「{name}」"
        county = _check_value(data.get("county"), "county", "默认县(市、区)", f"{where}：键「county」") if data.get("county") is not None else None
        to_year = _check_value(data["to_year"], "year", "预测截止年度", f"{where}：键「to_year」") if data.get("to_year") is not None else None
        variant = data.get("variant")
        if variant is not None and variant not in ("central", "low", "high"):
            raise ScenarioError(f"{where}：键「variant」为「{variant}」，应为 central、low 或 high")
        growth = data.get("growth", False)
        if not isinstance(growth, bool):
            raise ScenarioError(f"{where}：键「growth」为「{growth}」，应为 true 或 false")
        raw_actions = data.get("actions")
        if raw_actions is None:
            raw_actions = []
        if not isinstance(raw_actions, list):
            raise ScenarioError(f"{where}：键「actions」应为措施列表（每项一个映射），实为「{raw_actions}」")
        actions = tuple(_parse_action(a, i, county, where) for i, a in enumerate(raw_actions))
        return cls(name.strip(), actions, str(data.get("description") or ""), county, to_year, variant, growth, source)

    def to_dict(self) -> dict:
        out: dict[str, object] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        if self.county:
            out["county"] = self.county
        for key in ("to_year", "variant"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.growth:
            out["growth"] = True
        out["actions"] = [{"action": a.kind, **a.params} for a in self.actions]
        return out

    def counties(self) -> list[str]:
        return sorted({a.county for a in self.actions if a.county} | ({self.county} if self.county else set()))

    def apply(self, inputs, **kwargs):
        """Apply every action to `inputs` (see yichun.scenarios.actions.apply_scenario)."""
        from yichun.scenarios.actions import apply_scenario

        return apply_scenario(self, inputs, **kwargs)

    def project(self, inputs, to_year: int | None = None, variant: str | None = None, **kwargs):
        """Projected Inputs under this scenario (see yichun.scenarios.actions.project_scenario)."""
        from yichun.scenarios.actions import project_scenario

        return project_scenario(self, inputs, to_year=to_year, variant=variant, **kwargs)

    def describe(self) -> list[str]:
        return [a.describe() for a in self.actions]

    # what yichun.projection.outlook needs of a scenario in force (its `InForce` protocol)

    def demographic_factors(self) -> DemographicFactors:
        """The births and migration actions as factors of the cohort projection."""
        from yichun.scenarios.actions import projection_factors

        return projection_factors(self)

    def changes_structure(self) -> bool:
        """Whether an action changes schools or kindergartens (add, merge, convert, open)."""
        from yichun.scenarios.actions import STRUCTURAL

        return any(a.kind in STRUCTURAL for a in self.actions)

    def apply_structural(self, inputs: Inputs, *, params: dict, profile: Catalogue, cache: dict) -> Inputs:
        """`inputs` with the actions that change schools or kindergartens applied, in file order."""
        from yichun.scenarios.actions import STRUCTURAL, apply_scenario

        return apply_scenario(self, inputs, params=params, profile=profile, kinds=STRUCTURAL, cache=cache)


def _keys(spec: dict) -> str:
    return "、".join(f"{k}({v if isinstance(v, str) else v[1]})" for k, v in spec.items())


NOT_RESOURCES = {"students_primary", "students_junior", "students_senior", "children", "classes_primary", "classes_junior",
                 "classes", "max_class_primary", "max_class_junior", "oversized_classes"}


def _fields(kind: str) -> set[str]:
    """The resource fields of a sheet: numeric fields that are not head counts of students or classes."""
    return {f.field for f in sheet(kind).fields if f.type in ("int", "float")} - NOT_RESOURCES


def _labels(kind: str) -> dict[str, str]:
    """Chinese label (header, header with unit, synonyms; for kindergartens also 幼儿园+header) → field."""
    out: dict[str, str] = {}
    for f in sheet(kind).fields:
        if f.field not in _fields(kind):
            continue
        names = [f.field, f.header, f.header_with_unit, *f.synonyms]
        if kind == "kindergartens":
            names += [f"幼儿园{n}" for n in (f.header, *f.synonyms)]
        for n in names:
            out.setdefault(_norm(n), f.field)
    return out


def _norm(text: str) -> str:
    return str(text).strip().replace("（", "(").replace("）", ")").replace(" ", "")


def field_name(value, prefer: str = "schools") -> str | None:
    """The field a scenario names by field name or by its Chinese label in the data dictionary
    (学校表 first, or 幼儿园表 first with prefer="kindergartens": 专任教师数 is teachers_total of a
    school but teachers of a kindergarten); None when it names no resource field."""
    if not isinstance(value, str):
        return None
    order = ("kindergartens", "schools") if prefer == "kindergartens" else ("schools", "kindergartens")
    for kind in order:
        hit = _labels(kind).get(_norm(value))
        if hit:
            return hit
    return None


def field_choices() -> str:
    """Every valid name of a resource field: field name and Chinese label, per sheet."""
    parts = []
    for kind, title in (("schools", "学校表"), ("kindergartens", "幼儿园表")):
        names = [f"{f.field}({f.header})" for f in sheet(kind).fields if f.field in _fields(kind)]
        parts.append(f"{title}：{'、'.join(names)}")
    return "；".join(parts)


def _check_value(value, typ: str, desc: str, where: str, prefer: str = "schools"):
    """Check one value; return it normalised. `where` names the key for the message."""

    def bad(expected: str):
        return ScenarioError(f"{where}的值「{value}」不合适：应为{expected}（{desc}）")

    if typ == "county":
        try:
            return normalize_county(str(value))
        except YichunError as exc:
            raise ScenarioError(f"{where}：{exc}") from None
    if typ in ("year",):
        if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
            raise bad("四位数年份，如 2026")
        return value
    if typ == "str":
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise bad("文本")
        return str(value)
    if typ == "bool":
        if not isinstance(value, bool):
            raise bad("true 或 false")
        return value
    if typ in ("positive", "count"):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 or (typ == "count" and not isinstance(value, int)):
            raise bad("正整数" if typ == "count" else "正数")
        return float(value) if typ == "positive" else value
    if typ == "ids":
        items = value if isinstance(value, list) else [value]
        if not items or any(isinstance(v, bool) or not isinstance(v, str | int) for v in items):
            raise bad("标识码列表，如 [\"3609240001\"]（按文本填写，保留开头的0）")
        return [str(v) for v in items]
    if typ == "kg_type":
        if value not in KG_TYPES:
            raise bad(f"{'、'.join(KG_TYPES)}之一")
        return value
    if typ == "area":
        if value not in AREAS:
            raise bad(f"{'、'.join(AREAS)}之一")
        return value
    if typ == "levels":
        items = value if isinstance(value, list) else [value]
        if not items or any(v not in PROJECTION_LEVELS for v in items):
            raise bad(f"学段列表，可选 {'、'.join(PROJECTION_LEVELS)}")
        return list(items)
    if typ == "field":
        name = field_name(value, prefer)
        if name is None:
            raise bad(f"学校表或幼儿园表的资源字段名或数据字典中的中文名称。可用：{field_choices()}")
        return name
    if typ == "fields":
        items = value if isinstance(value, list) else [value]
        names = [field_name(v, "schools") for v in items]
        if any(n is None or n not in _fields("schools") for n in names):
            known = "、".join(f"{f.field}({f.header})" for f in sheet("schools").fields if f.field in _fields("schools"))
            raise bad(f"学校表的资源字段名或中文名称列表。可用：{known}")
        return names
    raise AssertionError(typ)


def _parse_action(raw, index: int, county: str | None, where: str) -> Action:
    at = f"{where}：actions[{index}]"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{at} 应为映射（action、item、quantity 等键），实为「{raw}」")
    kind = raw.get("action")
    if kind is None:
        raise ScenarioError(f"{at} 缺少键「action」（可用：{'、'.join(f'{k}({v})' for k, v in ACTION_NAMES.items())}）")
    kind = ALIASES.get(kind, kind)
    if kind not in SPECS:
        raise ScenarioError(f"{at}：键「action」的值「{raw['action']}」不是已知措施（可用：{'、'.join(f'{k}({v})' for k, v in ACTION_NAMES.items())}）")
    required, optional = SPECS[kind]
    at = f"{where}：actions[{index}]（{ACTION_NAMES[kind]}）"
    allowed = {**required, **optional, **COMMON}
    for key in raw:
        if key != "action" and key not in allowed:
            raise ScenarioError(f"{at}：键「{key}」不是{ACTION_NAMES[kind]}的已知键（可用：{_keys(allowed)}）")
    for key in required:
        if raw.get(key) is None:
            raise ScenarioError(f"{at}：缺少键「{key}」（{required[key][1]}）")
    params = {}
    for key, value in raw.items():
        if key == "action" or value is None:
            continue
        typ, desc = allowed[key]
        prefer = "kindergartens" if raw.get("kindergartens") else "schools"
        params[key] = _check_value(value, typ, desc, f"{at}：键「{key}」", prefer)
    if county and "county" not in params:
        params["county"] = county
    if kind == "close_school":
        kind = "merge_schools"
    if kind == "add_resource" and params.get("schools") and params.get("kindergartens"):
        raise ScenarioError(f"{at}：键「schools」与「kindergartens」只能给出一个")
    if kind == "add_resource":
        is_kg_field = params["item"] in _fields("kindergartens") and params["item"] not in _fields("schools")
        if params.get("schools") and is_kg_field:
            raise ScenarioError(f"{at}：键「item」为幼儿园表字段「{params['item']}」，目标应写在键「kindergartens」而不是「schools」")
        if params.get("kindergartens") and params["item"] not in _fields("kindergartens"):
            raise ScenarioError(f"{at}：键「item」为学校表字段「{params['item']}」，目标应写在键「schools」而不是「kindergartens」")
    if kind == "merge_schools" and set(params["close"]) & set(params["into"]):
        raise ScenarioError(f"{at}：键「into」中的学校 {'、'.join(sorted(set(params['close']) & set(params['into'])))} 同时在「close」中")
    if kind == "convert_kindergartens":
        if params["to"] == "非普惠性民办":
            raise ScenarioError(f"{at}：键「to」为「非普惠性民办」，转制目标应为 公办 或 普惠性民办")
        if not params.get("kindergartens") and not params.get("count"):
            raise ScenarioError(f"{at}：需给出键「kindergartens」（园所标识码列表）或「count」（转制园数）")
    return Action(kind, params, index)
