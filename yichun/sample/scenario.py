"""The story the synthetic sample tells: per-county sizes, habits and deliberate shortfalls.

These are parameters of the *synthetic* data only (not standards: every threshold the
generator aims at is read from the standards catalogue). Each county's compliance
improves towards the year it is scheduled for assessment (yichun.schedule): school
resources over the four years before it (compliant schools then keep a buffer above the
standards, sized for the enrolment of the coming years), policy items that no building
plan can fix (class sizes, teachers' certificates, county figures) two years ahead
(preschool: three). The `gaps` below keep chosen shortfalls open until the given year,
`thin` keeps chosen items just above their standard, and `plan` says how much of its
remaining shortfall a county's 建设计划 closes — so that the sample has counties that
pass, counties on track, counties at risk and counties with real gaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIRST_YEAR = 2019  # the simulation always starts here (so any subset of years is reproducible)
LAST_YEAR = 2025
FIRST_BIRTH_YEAR = 2004  # births are simulated from here (junior students of 2019 were born 2005–2007)
BIRTHS_SHOWN_FROM = 2008  # the 人口 sheet lists births from this year to the statistical year
RESIDENT_POPULATION = 5.0e6  # Yichun, 2020 census (docs/domain.md §6)

# Crude birth rate (‰) of the synthetic city: ~13‰ at the 2016–2017 peak, halved by 2023.
BIRTH_RATE = {
    2004: 11.0, 2005: 11.2, 2006: 11.3, 2007: 11.5, 2008: 11.6, 2009: 11.8, 2010: 12.0, 2011: 12.1,
    2012: 12.4, 2013: 12.2, 2014: 12.6, 2015: 12.2, 2016: 13.2, 2017: 13.0, 2018: 11.6, 2019: 10.6,
    2020: 8.6, 2021: 7.6, 2022: 6.8, 2023: 6.3, 2024: 6.6, 2025: 6.2, 2026: 6.0, 2027: 5.9,
    2028: 5.8, 2029: 5.8, 2030: 5.7,
}


@dataclass(frozen=True)
class Gap:
    """A shortfall kept open until `until` (exclusive): the fix is withheld before that year.

    indicator: R1..R7 (school resources), G3/G4/G5/G12 (school-sheet rules), PQ1..PQ4,
    P1/P3/PG3/PG4 (preschool), or a 县级指标 code (county figure or B-class rating).
    factor scales the school's latent ratio (R*) where `areas` (城区/镇区/乡村) apply.
    """

    indicator: str
    until: int
    areas: tuple[str, ...] = ("城区", "镇区", "乡村")
    factor: float = 1.0
    note: str = ""


@dataclass(frozen=True)
class Plan:
    """A county's 建设计划 (in its last two workbooks): which school shortfalls it closes, and how well.

    The plan sizes each item for the school's enrolment from `by` to the county's scheduled
    year, to (1 + margin) × the standard; `cover` is the share of the short items it
    includes (1.0: all, also those within `margin` above the standard). `extra` adds that
    many later improvement items (plan years after `by`).
    """

    by: int
    cover: float = 1.0
    margin: tuple[float, float] = (0.06, 0.15)
    extra: int = 0


@dataclass(frozen=True)
class Profile:
    school_density: float  # schools per 10,000 people, relative (mountain counties have more 教学点)
    townships: int  # 乡镇数 (县级指标 TOWNSHIPS)
    migration: float  # enrolment ÷ births of the cohorts (out-migration < 1, city pull > 1)
    migration_trend: float  # yearly change of `migration`
    fertility: float  # county birth rate relative to the city's
    ger: float  # 学前三年毛入园率 in 2019
    ger_trend: float  # yearly change of the 毛入园率
    public_share: float  # 公办园在园幼儿占比 in 2019
    public_trend: float
    inclusive_share: float  # 普惠性幼儿园覆盖率 in 2019
    inclusive_trend: float
    class_size: float = 42.0  # typical 城区 primary class
    yuan_equipment: bool = False  # the 教学仪器设备值 column is in 元 in this county's files
    big_schools: int = 0  # urban schools allowed above the size limit (G4)
    gaps: tuple[Gap, ...] = field(default_factory=tuple)
    ratings: dict = field(default_factory=dict)  # code -> (rating, until) when below 良
    horizon: int = 5  # a compliant county sizes schools for the peak enrolment of this many coming years
    margins: tuple[float, float] = (0.03, 0.15)  # buffer above the standard of a fixed school resource
    headroom: float = 0.01  # least relative margin of a met county figure (县级指标)
    thin: tuple[str, ...] = ()  # items kept just above their standard (PQ2)
    plan: Plan | None = None  # the 建设计划 of the last workbooks (PLAN_COUNTIES)
    streets: int = 2  # urban 街道 (城区 kindergartens lie in them; not counted in `townships`)
    old_kg_short: float = 0.2  # share of kindergartens designed before 2017 whose premises stay below one area standard


PROFILES: dict[str, Profile] = {
    "袁州区": Profile(
        0.75, 30, 1.04, 0.004, 0.96, 0.91, 0.004, 0.52, 0.012, 0.84, 0.012, class_size=47, big_schools=3, streets=6,
        gaps=(
            Gap("R6", 2027, ("城区",), 3.2, "城区学校教学仪器设备值远高于乡村，小学、初中 R6 差异系数超限"),
            Gap("G4", 2027, ("城区",), note="3 所城区学校规模超过 2000 人"),
            Gap("G5", 2025, ("城区",), note="城区学校大班额：小学超过 45 人、初中超过 50 人（2021、2023 年新建学校后于 2025 年消除）"),
        ),
        plan=Plan(2027, cover=0.7, margin=(0.02, 0.12)),
    ),
    "奉新县": Profile(
        1.15, 16, 0.95, -0.004, 1.02, 0.88, 0.004, 0.38, 0.014, 0.79, 0.012,
        gaps=(
            Gap("P3", 2027, note="公办园在园幼儿占比低于 50%"),
            Gap("PG4", 2025, note="一所小区配套园办成非普惠性民办园"),
            Gap("PG3_TOWNSHIP", 2027, note="一个乡镇没有公办中心园，另一个乡镇有两所（中心园总数仍等于乡镇数，逐乡镇核查才能发现）"),
        ),
        ratings={"PG2": ("中", 2023)},
        headroom=0.06,
        old_kg_short=0.55,
        plan=Plan(2026, cover=1.0, margin=(0.11, 0.2), extra=8),
    ),
    "万载县": Profile(1.1, 17, 0.96, -0.003, 1.04, 0.92, 0.003, 0.55, 0.01, 0.86, 0.01, yuan_equipment=True, streets=3),
    "上高县": Profile(1.0, 14, 0.98, -0.002, 1.0, 0.93, 0.002, 0.58, 0.008, 0.88, 0.008, headroom=0.06),
    "宜丰县": Profile(
        1.25, 15, 0.95, -0.004, 0.98, 0.79, 0.015, 0.50, 0.008, 0.82, 0.01,
        gaps=(
            Gap("R3", 2027, ("镇区", "乡村"), 0.75, "镇区、乡村学校体育艺术专任教师不足"),
            Gap("G3", 2027, ("镇区", "乡村"), note="音乐、美术专用教室不足或面积不达标"),
            Gap("P1", 2023, note="学前三年毛入园率低于 85%"),
            Gap("PG3", 2025, factor=2, note="缺 2 所乡镇公办中心园（2024、2025 年各建成 1 所）"),
            Gap("PQ3", 2028, note="幼儿园专任教师不足，生师比高于 15:1"),
            Gap("PG5_PRIVATE", 2021, note="普惠性民办园生均财政补助标准低于 500 元（2019、2020 年）"),
        ),
        ratings={"Q5": ("中", 2025)},
        plan=Plan(2027, cover=1.0, margin=(0.03, 0.05)),
    ),
    "靖安县": Profile(1.45, 11, 0.97, -0.002, 0.97, 0.94, 0.002, 0.60, 0.008, 0.88, 0.008),
    "铜鼓县": Profile(1.55, 9, 0.94, -0.004, 1.0, 0.90, 0.004, 0.56, 0.01, 0.84, 0.01, ratings={"PQ5": ("中", 2021)},
                   horizon=1, margins=(0.0, 0.04), thin=("PQ2",)),
    "丰城市": Profile(
        0.95, 32, 0.96, -0.003, 1.05, 0.93, 0.002, 0.55, 0.01, 0.86, 0.01, class_size=45, big_schools=1, streets=5,
        gaps=(
            Gap("R2", 2028, ("乡村",), 0.7, "乡村学校县级及以上骨干教师不足"),
            Gap("R5", 2028, ("乡村",), 0.55, "乡村学校生均体育运动场馆面积不足"),
        ),
        plan=Plan(2028, cover=0.4, margin=(0.02, 0.12)),
    ),
    "樟树市": Profile(0.9, 19, 1.0, 0.0, 0.98, 0.93, 0.002, 0.56, 0.01, 0.87, 0.01, class_size=44, streets=3),
    "高安市": Profile(
        1.0, 23, 0.97, -0.003, 1.03, 0.90, 0.003, 0.54, 0.012, 0.85, 0.01, class_size=49, big_schools=2, streets=4,
        gaps=(
            Gap("R4", 2029, ("城区", "镇区"), 0.7, "城区、镇区学校生均教学及辅助用房面积不足"),
            Gap("R7", 2029, ("城区", "镇区"), 0.75, "网络多媒体教室不足"),
            Gap("R1", 2029, ("乡村",), 0.8, "乡村初中高于规定学历教师不足"),
            Gap("G4", 2029, ("城区",), note="城区学校规模超过 2000 人"),
            Gap("G5", 2029, ("城区", "镇区"), note="大班额"),
            Gap("G12", 2029, note="部分专任教师未持证"),
            Gap("G11_ROTATION", 2027, note="交流轮岗比例不足 10%"),
            Gap("Q1", 2025, note="初中三年巩固率低于 95%"),
        ),
        ratings={"G1": ("中", 2028), "Q7": ("中", 2027)},
        plan=Plan(2029, cover=0.3, margin=(0.02, 0.12)),
    ),
}

# Messiness that belongs to one county's habits (others are drawn per file).
COUNTY_NAME_VARIANTS = {"宜丰县": ("江西省宜春市宜丰县", "宜丰"), "铜鼓县": ("铜鼓",), "樟树市": ("宜春市樟树市",)}
FILE_NAME_STYLES = (
    "{name}{year}年数据(终稿)(1).xlsx",
    "{year}_{pinyin}.xlsx",
    "{name}{year}年义务教育和学前教育指标采集表.xlsx",
    "{short}{year}年报表.xlsx",
    "{year}年{name}优质均衡普及普惠数据（修改）.xlsx",
    "{name}_{year}_final.xlsx",
    "附件2：{name}{year}年度指标数据.xlsx",
)
PINYIN = {
    "袁州区": "yuanzhou", "奉新县": "fengxin", "万载县": "wanzai", "上高县": "shanggao", "宜丰县": "yifeng",
    "靖安县": "jingan", "铜鼓县": "tonggu", "丰城市": "fengcheng", "樟树市": "zhangshu", "高安市": "gaoan",
}
# One file whose name says another year than its 基本信息 (a warning for the intake).
MISNAMED_FILE = ("万载县", 2024, "万载县2023年报表(改).xlsx")
# One file whose school ids were typed as numbers.
NUMERIC_ID_FILE = ("靖安县", 2022)
# One file whose kindergarten sheet kept Excel's default name (found by its header row).
DEFAULT_SHEET_NAME_FILE = ("铜鼓县", 2021, "Sheet3")
# Counties that attach a 建设计划 sheet to their latest workbooks (those whose profile has a `plan`).
PLAN_COUNTIES = tuple(name for name, p in PROFILES.items() if p.plan is not None)
PLAN_WORKBOOKS = 2  # the last this many workbooks (up to LAST_YEAR) carry the plan
FIRST_PLAN_YEAR = LAST_YEAR + 1

# --------------------------------------------------------------------------- preschool fields (second edition)
# Knobs for the kindergarten fields 所在乡镇(街道), 规划设计年份, 园长是否持证, the 乡镇 sheet and the
# 县级指标 PG5/PG7 figures. (Per county: Profile.streets, Profile.old_kg_short, and the gaps
# PG3_TOWNSHIP — a township whose centre stands in another township — and PG5_PRIVATE above.)
NEW_DESIGN_FROM = 2017  # the cutoff design year when the catalogue's PQ1 names none (its design_year_rule.cutoff)
# Share of the kindergartens already open in 2019 that were designed in 2017–2018 (the others earlier);
# kindergartens opened later were designed one or two years before they opened (never before 2017).
KG_NEW_DESIGN_SHARE = {"城区": 0.35, "镇区": 0.3, "乡村": 0.2}
KG_OLD_DESIGN_YEARS = {"城区": (1988, 2016), "镇区": (1995, 2016), "乡村": (1995, 2016)}
NEW_KG_SHORT = 0.1  # share of newly designed kindergartens below an area standard until their county complies
OLD_KG_SHORT_RATIO = (0.6, 0.95)  # an old kindergarten that stays short reaches this share of the standard
OLD_KG_SHORT_WHICH = {"outdoor_m2": 0.5, "activity_m2": 0.25, "building_m2": 0.25}  # which standard it misses
# 园长是否持证: heads of private kindergartens without the certificate (this share of them) until the
# county settles its preschool policy items (PQ4's ramp); public kindergartens' heads are certified.
HEAD_UNCERTIFIED = 0.12
# Counties whose workbooks have no 乡镇 sheet (the township list then comes from the 幼儿园 sheet).
TOWNSHIP_SHEET_OMITTED = ("铜鼓县", "樟树市")
# 县级指标 drawn from realistic ranges when the catalogue checks them as numbers (≥) and the ranges lie on
# either side of its standard: (met range, missed range); a met value is at least the standard × (1 + the
# county's headroom).
FIGURE_RANGES = {
    "PG5_PUBLIC": ((600.0, 900.0), (380.0, 480.0)),  # 公办园生均公用经费财政拨款标准, 元/生·年
    "PG5_PRIVATE": ((550.0, 850.0), (350.0, 480.0)),  # 普惠性民办园生均财政补助标准, 元/生·年
    "PG7": ((0.78, 0.95), (0.6, 0.72)),  # 非在编教师平均工资 ÷ 在编教师平均工资
}
# Figures pinned to one value in every year (when that value meets the catalogue's standard):
# a PG7 of exactly 80 % must pass under the ≥ 75 % rule.
PINNED_FIGURES = {("靖安县", "PG7"): 0.80}
