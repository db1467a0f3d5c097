"""The synthetic county, simulated year by year: births, schools and kindergartens.

`simulate_county(county, seed)` returns the *true* values (clean tidy frames in the data
dictionary's field names) for every statistical year from FIRST_YEAR on; the writer
then dresses them up as messy county workbooks. Design:

- births follow the city's crude birth rate (scenario.BIRTH_RATE) scaled to the county;
  enrolment follows births (小学 = births 6–11 years earlier, 初中 12–14, 幼儿园 3–5) times
  a migration factor, and is shared out over schools by persistent size weights that
  drift from villages to towns;
- enrolment is simulated five years beyond the last statistical year (the future the
  counties plan for; never written to a workbook);
- each school keeps its id, type and a persistent latent ratio (value ÷ standard) per
  resource indicator; a county invests as its scheduled assessment year approaches
  (compliance `q` rises from 0 four years before to 1 in that year): a shortfall is fixed
  when the school's persistent draw falls below `q`, unless the county profile keeps
  that gap open (scenario.Gap). A fixed resource sits a few per cent above its standard,
  sized for the peak enrolment of the coming years (`Profile.horizon`), so that a county
  that has passed keeps passing while junior enrolment still rises. Facilities are stocks
  (never shrink; equipment grows), teachers follow that sizing enrolment;
- policy items no building can fix (class sizes G5, certificates G12/PQ4, 班额 PQ2, county
  figures) are settled two years before the scheduled year (preschool three);
- counties with a `Profile.plan` attach a 建设计划 to their last workbooks, sized for the
  enrolment of the plan years;
- every threshold aimed at comes from the standards catalogue.

Randomness: numpy Generators seeded from (seed, replica, county code, purpose[, year]),
so a county's data do not depend on which other counties or years are generated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from yichun.catalogue import Catalogue, catalogue
from yichun.counties import County, counties
from yichun.sample import scenario as sc
from yichun.sample.names import Namer, numeral

LEVELS = ("小学", "初中")
R_CODES = ("R1", "R2", "R3", "R4", "R5", "R6", "R7")
TEACHER_FIELDS = {"R1": "teachers_qualified", "R2": "teachers_backbone", "R3": "teachers_pe_arts"}
FACILITY_FIELDS = {"R4": "teaching_area_m2", "R5": "sports_area_m2", "R6": "equipment_value_wan", "R7": "multimedia_rooms"}
SUFFIX = {"小学": "primary", "初中": "junior", "高中": "senior"}
TARGET_SCHOOLS = 1500  # city-wide schools and 教学点
TARGET_KINDERGARTENS = 1200
RANDOM_PASS = 0.8  # a county far from its year misses a county figure with probability 1 − this
SPARE_FLOOR = 0.86  # a spare indicator stays above the school rule's 85 % remainder
FUTURE_YEARS = 5  # enrolment is simulated this many years beyond the last statistical year
SIZE_CAP = 0.92  # ordinary schools stay below this share of the G4 size limit (room for rising cohorts)
POLICY_LEAD = {"comp": 2, "pre": 3}  # policy items are settled this many years before the scheduled year
PQ3_SHORT = 2.0  # children per teacher added where a county's PQ3 gap is open
ROOM_RESERVE = 1.05  # music and art rooms are planned for 5% more classes than the sizing enrolment gives

# Latent ratio (value ÷ standard) by indicator and area before any investment; 教学点 apart.
MU = {
    "R1": {"城区": 1.12, "镇区": 1.22, "乡村": 1.32, "教学点": 1.45},
    "R2": {"城区": 1.35, "镇区": 1.08, "乡村": 0.88, "教学点": 0.85},
    "R3": {"城区": 1.25, "镇区": 1.08, "乡村": 0.92, "教学点": 0.9},
    "R4": {"城区": 1.0, "镇区": 1.18, "乡村": 1.35, "教学点": 1.45},
    "R5": {"城区": 0.88, "镇区": 1.15, "乡村": 1.3, "教学点": 1.3},
    "R6": {"城区": 1.25, "镇区": 1.05, "乡村": 0.95, "教学点": 0.92},
    "R7": {"城区": 1.1, "镇区": 1.15, "乡村": 1.22, "教学点": 1.25},
}
SIGMA = {"R1": 0.12, "R2": 0.25, "R3": 0.22, "R4": 0.18, "R5": 0.22, "R6": 0.22, "R7": 0.18}
# Yearly drift of enrolment share by area (children move to town and city schools).
AREA_TREND = {"城区": 0.02, "镇区": 0.0, "乡村": -0.03}


@dataclass
class YearData:
    """True values of one county for one statistical year."""

    schools: pd.DataFrame
    kindergartens: pd.DataFrame
    county_inputs: list[dict]
    population: list[tuple[int, int]]  # (birth_year, births) as the workbook shows them
    plans: pd.DataFrame
    townships: pd.DataFrame = field(default_factory=pd.DataFrame)  # township, township_kind (the 乡镇 sheet)


@dataclass
class CountyData:
    county: County
    profile: sc.Profile
    births: dict[int, int]
    years: dict[int, YearData] = field(default_factory=dict)


def rng_for(seed: int, replica: int, county: County, *purpose: int) -> np.random.Generator:
    return np.random.default_rng([seed, replica, int(county.code), *purpose])


def ramp(year: int, scheduled: int, lead: int = 4) -> float:
    """Compliance in `year` for a county scheduled in `scheduled`: 0 … 1."""
    return float(min(1.0, max(0.0, (year - (scheduled - lead)) / lead)))


def schedule_years() -> dict[str, dict[str, int]]:
    from yichun.schedule import COMPULSORY, PRESCHOOL, schedule

    frame = schedule()
    out: dict[str, dict[str, int]] = {}
    for row in frame.itertuples():
        key = "comp" if row.track == COMPULSORY else "pre" if row.track == PRESCHOOL else row.track
        out.setdefault(row.county, {})[key] = int(row.year)
    return out


def _density_norm() -> float:
    return sum(c.population_10k * sc.PROFILES[c.name].school_density for c in counties())


def _int_alloc(total: int, weights: np.ndarray, caps: np.ndarray | None = None) -> np.ndarray:
    """Share an integer total out by weights (largest remainder), respecting caps (water-filling)."""
    n = len(weights)
    out = np.zeros(n)
    if n == 0 or total <= 0:
        return out.astype(int)
    w = np.asarray(weights, float).copy()
    caps = np.full(n, np.inf) if caps is None else np.asarray(caps, float)
    free = np.ones(n, bool)
    remaining = float(total)
    for _ in range(n + 1):
        share = remaining * w * free / max(w[free].sum(), 1e-12)
        over = free & (share > caps)
        if not over.any():
            out[free] = share[free]
            break
        out[over] = caps[over]
        remaining -= caps[over].sum()
        free &= ~over
        if not free.any() or remaining <= 0:
            break
    base = np.floor(out)
    rest = int(round(total - base.sum()))
    if rest > 0:
        order = np.argsort(-(out - base), kind="stable")
        base[order[:rest]] += 1
    return base.astype(int)


def _count(ratio: float, need: float, floor: float = 0.0) -> int:
    """An integer count whose ratio to `need` is ≥ 1 exactly when `ratio` ≥ 1 (and then ≥ `ratio`).

    A short count below `floor` × need is raised to the full need (a spare indicator must
    stay within the 85 % allowance, which small counts cannot always do).
    """
    if need <= 0:
        return 0
    full = math.ceil(need - 1e-9)
    if ratio >= 1:
        return max(math.ceil(ratio * need - 1e-9), full)
    n = int(math.floor(ratio * need + 0.5))
    n = max(0, min(n, full - 1))
    return full if floor and n < floor * need else n


# --------------------------------------------------------------------------- births

def simulate_births(county: County, profile: sc.Profile, seed: int, replica: int, last_year: int) -> dict[int, int]:
    rng = rng_for(seed, replica, county, 0)
    share = county.population_10k / sum(c.population_10k for c in counties())
    people = sc.RESIDENT_POPULATION * share
    noise = rng.normal(0, 0.025, size=len(sc.BIRTH_RATE))
    births = {}
    for (year, rate), eps in zip(sorted(sc.BIRTH_RATE.items()), noise):
        if year > max(last_year, sc.LAST_YEAR) + 5:
            break
        births[year] = int(round(people * rate / 1000 * profile.fertility * (1 + eps)))
    return births


# --------------------------------------------------------------------------- school universe

def _lognormal(rng, median, sigma, lo, hi):
    return float(np.clip(median * math.exp(sigma * rng.standard_normal()), lo, hi))


def build_schools(county: County, profile: sc.Profile, rng: np.random.Generator) -> pd.DataFrame:
    pop = county.population_10k
    cn = county.name
    namer = Namer(rng)
    towns = [namer.place() + ("镇" if rng.random() < 0.62 else "乡") for _ in range(profile.townships)]
    rows: list[dict] = []

    def add(kind, own, area, name, town="", p=0.0, j=0.0, s=0.0, open_year=sc.FIRST_YEAR):
        rows.append({"school_type": kind, "ownership": own, "area": area, "school_name": namer.unique(name), "town": town,
                     "base_p": p, "base_j": j, "base_s": s, "open_year": open_year})

    n_target = round(TARGET_SCHOOLS * pop * profile.school_density / _density_norm())
    # --- city (城区)
    mid = 1
    n_full = 1 + (pop > 50) + (pop > 90)
    for k in range(n_full):
        name = f"{county.short}中学" if k == 0 else f"{cn}第{numeral(mid)}中学"
        mid += k > 0
        add("完全中学", "公办", "城区" if k < 2 else "镇区", name, p=0, j=_lognormal(rng, 900, 0.25, 400, 1500),
            s=_lognormal(rng, 1300, 0.25, 600, 2200))
    mid = max(mid, 2)
    for _ in range(max(1, round(pop / 14))):
        add("初级中学", "公办", "城区", f"{cn}第{numeral(mid)}中学", j=_lognormal(rng, 1250, 0.28, 600, 1900))
        mid += 1
    for k in range(max(2, round(pop / 6))):
        name = f"{cn}第{numeral(k + 1)}小学" if k < 8 or rng.random() < 0.5 else f"{cn}{namer.street()}小学"
        add("小学", "公办", "城区", name, p=_lognormal(rng, 1150, 0.3, 500, 1900))
    for _ in range(round(pop / 30)):
        add("九年一贯制学校", "公办", "城区", f"{cn}{namer.street()}学校", p=_lognormal(rng, 800, 0.3, 400, 1300),
            j=_lognormal(rng, 550, 0.3, 250, 900))
    if pop > 50:
        own = "民办" if pop > 90 else "公办"
        add("十二年一贯制学校", own, "城区", f"{cn}{namer.private_school()}外国语学校" if own == "民办" else f"{cn}实验学校",
            p=_lognormal(rng, 600, 0.2, 300, 900), j=_lognormal(rng, 450, 0.2, 250, 700), s=_lognormal(rng, 350, 0.2, 150, 600))
    add("特殊教育学校", "公办", "城区", f"{cn}特殊教育学校", p=float(rng.integers(40, 90)), j=float(rng.integers(20, 50)),
        s=float(rng.integers(0, 20)))
    for _ in range(round(pop / 35)):
        add("小学", "民办", "城区", f"{cn}{namer.private_school()}小学", p=_lognormal(rng, 900, 0.3, 400, 1600))
    if pop > 60:
        add("初级中学", "民办", "城区", f"{cn}{namer.private_school()}中学", j=_lognormal(rng, 800, 0.3, 400, 1400))
    if pop > 75:
        add("九年一贯制学校", "民办", "镇区", f"{cn}{namer.private_school()}学校", p=_lognormal(rng, 600, 0.3, 300, 1000),
            j=_lognormal(rng, 400, 0.3, 200, 800))
    # new city schools opened during the period
    if pop > 45:
        add("小学", "公办", "城区", f"{cn}{namer.street()}小学", p=_lognormal(rng, 1000, 0.2, 600, 1500), open_year=2021)
    if pop > 75:
        add("小学", "公办", "城区", f"{cn}{namer.street()}新区小学", p=_lognormal(rng, 900, 0.2, 600, 1400), open_year=2023)
    # --- towns (镇区): a central primary and a junior school (or a 九年一贯制) per township
    for town in towns:
        add("小学", "公办", "镇区", f"{cn}{town}中心小学", town, p=_lognormal(rng, 620, 0.35, 250, 1300))
        if rng.random() < 0.8:
            add("初级中学", "公办", "镇区", f"{cn}{town}中学", town, j=_lognormal(rng, 600, 0.35, 250, 1200))
        else:
            add("九年一贯制学校", "公办", "镇区", f"{cn}{town}学校", town, p=_lognormal(rng, 350, 0.3, 150, 700),
                j=_lognormal(rng, 350, 0.3, 150, 700))
        if rng.random() < 0.3:
            add("小学", "公办", "镇区", f"{cn}{town}第二小学", town, p=_lognormal(rng, 400, 0.35, 150, 900))
    # --- villages (乡村)
    n_village = max(profile.townships, n_target - len(rows))
    for k in range(n_village):
        town = towns[k % len(towns)]
        village = namer.place()
        u = rng.random()
        if u < 0.05:
            if rng.random() < 0.5:
                add("初级中学", "公办", "乡村", f"{cn}{town}{village}中学", town, j=_lognormal(rng, 230, 0.35, 80, 500))
            else:
                add("九年一贯制学校", "公办", "乡村", f"{cn}{town}{village}学校", town, p=_lognormal(rng, 200, 0.4, 60, 500),
                    j=_lognormal(rng, 200, 0.35, 80, 450))
        elif u < 0.56:
            add("小学", "公办", "乡村", f"{cn}{town}{village}小学", town, p=_lognormal(rng, 150, 0.55, 30, 600))
        else:
            add("教学点", "公办", "乡村", f"{cn}{town}{village}教学点", town, p=_lognormal(rng, 48, 0.55, 6, 150))
    frame = pd.DataFrame(rows)
    n = len(frame)
    frame.insert(0, "school_id", [f"{county.code}{k + 1:04d}" for k in range(n)])
    frame["group"] = np.where(frame["school_type"] == "教学点", "教学点", frame["area"])
    frame["special"] = frame["school_type"] == "特殊教育学校"
    frame["public"] = (frame["ownership"] == "公办") & ~frame["special"]
    # persistent per-school draws
    frame["drift"] = rng.normal(0, 0.012, n)
    frame["close_year"] = np.where((frame["school_type"] == "教学点") & (rng.random(n) < 0.14),
                                   rng.integers(2020, 2031, n), 9999)
    frame["size_factor"] = rng.uniform(0.9, 1.05, n)
    frame["qshare_p"] = rng.uniform(0.9, 1.0, n)
    frame["qshare_j"] = rng.uniform(0.82, 0.97, n)
    board_p = frame["school_type"].map({"初级中学": 0.8, "九年一贯制学校": 0.7, "完全中学": 0.95, "十二年一贯制学校": 0.9,
                                         "特殊教育学校": 1.0, "小学": 0.12, "教学点": 0.0}).astype(float)
    board_p = np.where(frame["area"] == "城区", board_p * 0.3, board_p)
    frame["boarding"] = rng.random(n) < board_p
    gaps = {g.indicator: g for g in profile.gaps}
    for code in R_CODES:
        mu = np.log(frame["group"].map(MU[code]).astype(float).to_numpy())
        g = gaps.get(code)
        factor = np.where(frame["area"].isin(g.areas), g.factor, 1.0) if g else 1.0
        if code in TEACHER_FIELDS:
            for lv in ("p", "j"):
                frame[f"lat_{code}_{lv}"] = np.exp(mu + SIGMA[code] * rng.standard_normal(n)) * factor
        else:
            frame[f"lat_{code}"] = np.exp(mu + SIGMA[code] * rng.standard_normal(n)) * factor
        frame[f"u_{code}"] = rng.random(n)
        frame[f"margin_{code}"] = rng.uniform(*profile.margins, n)
    frame.loc[~frame["public"], "lat_R2_p"] *= 0.5
    frame.loc[~frame["public"], "lat_R2_j"] *= 0.5
    frame.loc[frame["special"], [c for c in frame.columns if c.startswith("lat_")]] = 2.0
    # at most one indicator may stay short (≥ 88 % of its standard) once a county is compliant
    frame["spare"] = rng.integers(0, 7, n)
    frame["spare_on"] = rng.random(n) < 0.25
    frame["spare_ratio"] = rng.uniform(0.88, 0.95, n)
    for code in ("G3", "G5", "G12"):
        frame[f"u_{code}"] = rng.random(n)
    frame["room_ratio"] = rng.uniform(0.3, 1.3, n)
    frame["music_m2"] = np.clip(rng.normal(104, 12, n), 45, 140).round()
    frame["art_m2"] = np.clip(rng.normal(98, 12, n), 45, 140).round()
    frame["equip_growth"] = rng.uniform(0.0, 0.05, n)
    frame["extra_rooms"] = rng.random(n) < 0.3
    # big schools: the largest city schools of a county whose profile keeps G4 open
    frame["big"] = False
    if profile.big_schools:
        city = frame[(frame["area"] == "城区") & frame["public"] & frame["school_type"].isin(["小学", "初级中学"])]
        size = city["base_p"] + city["base_j"]
        big = size.sort_values(ascending=False).index[: profile.big_schools]
        frame.loc[big, "big"] = True
    return frame


# --------------------------------------------------------------------------- kindergarten universe

def build_kindergartens(county: County, profile: sc.Profile, rng: np.random.Generator, towns: list[str],
                        cutoff: int = sc.NEW_DESIGN_FROM) -> pd.DataFrame:
    pop = county.population_10k
    cn = county.name
    namer = Namer(rng)
    for t in towns:
        namer.used.add(t)
    rows: list[dict] = []
    gaps = {g.indicator: g for g in profile.gaps}

    def add(kind, area, name, base, town="", center=False, estate=False, open_year=sc.FIRST_YEAR, convert=None):
        rows.append({"kg_type0": kind, "area": area, "kg_name": namer.unique(name), "base": base, "town": town,
                     "township_center": center, "estate_kindergarten": estate, "open_year": open_year, "convert": convert})

    n_target = round(TARGET_KINDERGARTENS * pop / sum(c.population_10k for c in counties()))
    add("公办", "城区", f"{cn}机关幼儿园", _lognormal(rng, 380, 0.2, 250, 520))
    for k in range(max(1, round(pop / 7))):
        add("公办", "城区", f"{cn}第{numeral(k + 1)}幼儿园", _lognormal(rng, 300, 0.3, 150, 500))
    for _ in range(max(1, round(pop / 4.5))):
        add("普惠性民办", "城区", f"{cn}{namer.private_kg()}幼儿园", _lognormal(rng, 190, 0.4, 60, 400))
    for _ in range(max(1, round(pop / 7))):
        add("非普惠性民办", "城区", f"{cn}{namer.private_kg()}幼儿园", _lognormal(rng, 140, 0.45, 40, 350))
    n_estate = max(1, round(pop / 18))
    for k in range(n_estate):
        kind = "公办" if k % 3 != 2 else "普惠性民办"
        convert = None
        if k == 0 and "PG4" in gaps:
            kind, convert = "非普惠性民办", ("普惠性民办", gaps["PG4"].until)
        add(kind, "城区", f"{cn}{namer.estate()}幼儿园", _lognormal(rng, 220, 0.3, 100, 380), estate=True, convert=convert)
    # township central kindergartens: one per township, except a deficit kept open by PG3
    deficit = max(1, int(gaps["PG3"].factor)) if "PG3" in gaps else 0
    # PG3_TOWNSHIP: the last township's centre stands in the first township (a second centre there)
    # until the gap closes, when the last township gets its own
    misplaced = gaps.get("PG3_TOWNSHIP")
    for k, town in enumerate(towns):
        open_year = sc.FIRST_YEAR
        if k >= len(towns) - deficit:
            open_year = gaps["PG3"].until - (len(towns) - 1 - k)
        if misplaced and k == len(towns) - 1:
            add("公办", "镇区", f"{cn}{towns[0]}第二中心幼儿园", _lognormal(rng, 210, 0.35, 90, 420), towns[0], center=True)
            open_year = max(open_year, misplaced.until)
        add("公办", "镇区", f"{cn}{town}中心幼儿园", _lognormal(rng, 210, 0.35, 90, 420), town, center=True, open_year=open_year)
        if rng.random() < 0.65:
            add("普惠性民办", "镇区", f"{cn}{town}{namer.private_kg()}幼儿园", _lognormal(rng, 140, 0.4, 40, 300), town)
        if rng.random() < 0.45:
            add("非普惠性民办", "镇区", f"{cn}{town}{namer.private_kg()}幼儿园", _lognormal(rng, 100, 0.45, 30, 260), town)
    for k in range(max(0, n_target - len(rows))):
        town = towns[k % len(towns)]
        add("公办", "乡村", f"{cn}{town}{namer.place()}幼儿园", _lognormal(rng, 55, 0.5, 12, 180), town)
    frame = pd.DataFrame(rows)
    n = len(frame)
    # leading zeros matter: 0 + the last four digits of the county code + a 5-digit serial
    frame.insert(0, "kg_id", [f"0{county.code[2:]}{k + 1:05d}" for k in range(n)])
    u = rng.random(n)
    years = rng.integers(2020, 2030, n)
    conv_type = np.array([c[0] if c else "" for c in frame["convert"]], dtype=object)
    conv_year = np.array([c[1] if c else 9999 for c in frame["convert"]])
    is_phm = (frame["kg_type0"] == "普惠性民办").to_numpy() & ~frame["estate_kindergarten"].to_numpy()
    is_non = (frame["kg_type0"] == "非普惠性民办").to_numpy() & ~frame["estate_kindergarten"].to_numpy()
    to_pub = is_phm & (u < 0.08)
    to_phm = is_non & (u < 0.22)
    conv_type = np.where(to_pub, "公办", np.where(to_phm, "普惠性民办", conv_type))
    conv_year = np.where(to_pub | to_phm, years, conv_year)
    frame["conv_type"], frame["conv_year"] = conv_type, conv_year
    close_p = np.where(is_non, 0.3, np.where(is_phm, 0.12, np.where(frame["area"] == "乡村", 0.1, 0.0)))
    closing = (rng.random(n) < close_p) & ~(to_pub | to_phm)
    frame["close_year"] = np.where(closing, rng.integers(2021, 2031, n), 9999)
    frame["drift"] = rng.normal(0, 0.03, n)
    frame["lat_act"] = np.exp(np.log(1.12) + 0.18 * rng.standard_normal(n))
    frame["lat_out"] = np.exp(np.log(1.25) + 0.28 * rng.standard_normal(n))
    for code in ("PQ1", "PQ2", "PQ3", "PQ4"):
        frame[f"u_{code}"] = rng.random(n)
    frame["margin"] = rng.uniform(0.02, 0.25, n)
    frame["class_size"] = np.where(frame["area"] == "乡村", rng.uniform(14, 26, n), rng.uniform(24, 31, n))
    frame["over_ok"] = rng.uniform(0.0, 0.08, n)
    frame["over_bad"] = rng.uniform(0.1, 0.4, n)
    frame["ratio_ok"] = rng.uniform(9.0, 13.5, n)
    frame["ratio_bad"] = rng.uniform(12.0, 19.0, n)
    frame["uncert"] = rng.uniform(0.0, 0.25, n)
    frame["nurse_ratio"] = rng.uniform(0.6, 1.0, n)
    frame["building_factor"] = rng.uniform(1.6, 2.0, n)
    frame["over_thin"] = rng.uniform(0.09, 0.16, n)  # where a profile keeps PQ2 just above its standard
    _kg_premises(frame, profile, rng, cutoff)
    frame["township"] = _kg_townships(frame, profile, rng)
    return frame


def _kg_premises(frame: pd.DataFrame, profile: sc.Profile, rng: np.random.Generator, cutoff: int) -> None:
    """规划设计年份 and the persistent draws of the area standards and the head's certificate;
    `cutoff` is the design year from which every kindergarten must meet the area standards."""
    n = len(frame)
    area = frame["area"]
    lo = area.map({a: r[0] for a, r in sc.KG_OLD_DESIGN_YEARS.items()}).to_numpy(dtype=int)
    hi = np.minimum(area.map({a: r[1] for a, r in sc.KG_OLD_DESIGN_YEARS.items()}).to_numpy(dtype=int), cutoff - 1)
    old_year = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(int)
    recent = rng.integers(cutoff, max(cutoff + 1, sc.FIRST_YEAR), n)  # open in 2019, designed 2017–2018
    opened = frame["open_year"].to_numpy()
    later = np.maximum(cutoff, opened - rng.integers(1, 3, n))
    new_share = area.map(sc.KG_NEW_DESIGN_SHARE).to_numpy(dtype=float)
    frame["design_year"] = np.where(opened > sc.FIRST_YEAR, later, np.where(rng.random(n) < new_share, recent, old_year))
    frame["new_design"] = frame["design_year"] >= cutoff
    frame["u_old"] = rng.random(n)  # < profile.old_kg_short: an old kindergarten that stays short
    which = list(sc.OLD_KG_SHORT_WHICH)
    p = np.array(list(sc.OLD_KG_SHORT_WHICH.values()), dtype=float)
    frame["short_key"] = np.array(which, dtype=object)[rng.choice(len(which), n, p=p / p.sum())]
    frame["short_ratio"] = rng.uniform(*sc.OLD_KG_SHORT_RATIO, n)
    frame["u_new"] = rng.random(n)  # < NEW_KG_SHORT: a new kindergarten short until its county complies
    frame["u_head"] = rng.random(n)  # < HEAD_UNCERTIFIED: a private kindergarten's head without the certificate


def _kg_townships(frame: pd.DataFrame, profile: sc.Profile, rng: np.random.Generator) -> list[str]:
    """所在乡镇(街道): a 乡镇 kindergarten's township; city kindergartens in turn over the urban 街道
    (the public ones come first, so every street has a public kindergarten)."""
    streets = street_names(profile, rng)
    out, k = [], 0
    for town in frame["town"]:
        if town:
            out.append(town)
        else:
            out.append(streets[k % len(streets)])
            k += 1
    return out


def street_names(profile: sc.Profile, rng: np.random.Generator) -> list[str]:
    from yichun.sample.names import street_stems

    stems = street_stems()
    picked = rng.choice(len(stems), size=min(profile.streets, len(stems)), replace=False)
    return [f"{stems[i]}街道" for i in sorted(picked)]


# --------------------------------------------------------------------------- one year

class CountySimulator:
    """Runs one county through the years, carrying school and kindergarten stocks."""

    def __init__(self, county: County, seed: int, replica: int = 0, cat: Catalogue | None = None):
        self.county = county
        self.profile = sc.PROFILES[county.name]
        self.seed, self.replica = seed, replica
        self.cat = cat or catalogue()
        sched = schedule_years()[county.name]
        self.t_comp, self.t_pre = sched["comp"], sched["pre"]
        self.gaps = {g.indicator: g for g in self.profile.gaps}
        rng = rng_for(seed, replica, county, 1)
        self.schools = build_schools(county, self.profile, rng)
        towns = sorted({t for t in self.schools["town"] if t}, key=lambda t: list(self.schools["town"]).index(t))
        self.towns = towns
        cutoff = int((self.cat["PQ1"].extra.get("design_year_rule") or {}).get("cutoff", sc.NEW_DESIGN_FROM))
        self.kgs = build_kindergartens(county, self.profile, rng_for(seed, replica, county, 2), towns, cutoff)
        self.S = {c: self.schools[c].to_numpy() for c in self.schools.columns}
        self.K = {c: self.kgs[c].to_numpy() for c in self.kgs.columns}
        self.births: dict[int, int] = {}
        self.stock: dict[str, np.ndarray] = {}
        self.kg_stock: dict[str, np.ndarray] = {}
        self.closed = np.full(len(self.schools), 9999)
        self.enrol: dict[int, dict[str, np.ndarray]] = {}  # year → active, p, j, s (simulated beyond the data)
        self.enrol_last = sc.LAST_YEAR
        self._std = {code: {lv: self.cat[code].threshold(lv) for lv in LEVELS} for code in R_CODES}
        self._splits = self.cat.rules["combined_splits"]

    # ---- helpers
    def gap_open(self, code: str, year: int) -> bool:
        g = self.gaps.get(code)
        return bool(g and year < g.until)

    def q_comp(self, year: int) -> float:
        return ramp(year, self.t_comp)

    def q_pre(self, year: int) -> float:
        return ramp(year, self.t_pre, lead=3)

    def q_policy_comp(self, year: int) -> float:
        """Compliance of the compulsory policy items (G5, G12, county figures) in `year`."""
        return ramp(year, self.t_comp - POLICY_LEAD["comp"])

    def q_policy_pre(self, year: int) -> float:
        """Compliance of the preschool policy items (PQ2, PQ4, county figures) in `year`."""
        return ramp(year, self.t_pre - POLICY_LEAD["pre"], lead=3)

    def migration(self, year: int) -> float:
        return self.profile.migration + self.profile.migration_trend * (year - sc.FIRST_YEAR)

    def cohort(self, year: int, first_age: int, last_age: int) -> float:
        return float(sum(self.births[year - a] for a in range(first_age, last_age + 1)))

    # ---- schools
    def _enrolment(self, year: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Students per school in `year` (closing 教学点 that fall below 6 pupils)."""
        f = self.schools
        n = len(f)
        t = year - sc.FIRST_YEAR
        mig = self.migration(year) * (1 + rng.normal(0, 0.005))
        total_p = int(round(self.cohort(year, 6, 11) * mig))
        total_j = int(round(self.cohort(year, 12, 14) * mig * 0.96))
        active = (f["open_year"].to_numpy() <= year) & (f["close_year"].to_numpy() > year) & (self.closed > year)
        special = f["special"].to_numpy()
        area = f["area"].to_numpy()
        trend = np.exp(np.array([AREA_TREND[a] for a in area]) * t + f["drift"].to_numpy() * t)
        trend = np.where(f["school_type"].to_numpy() == "教学点", trend * math.exp(-0.02 * t), trend)
        ramp_new = np.clip(0.6 + 0.4 * (year - f["open_year"].to_numpy()), 0, 1)  # a new school fills in two years
        combined = f["school_type"].isin(["九年一贯制学校", "十二年一贯制学校"]).to_numpy()
        g4 = self.cat["G4"].thresholds
        big = f["big"].to_numpy() & self.gap_open("G4", year)
        students = {}
        for _ in range(3):
            for lv, total, base_col in (("p", total_p, "base_p"), ("j", total_j, "base_j")):
                base = f[base_col].to_numpy()
                elig = active & (base > 0) & ~special
                w = np.where(elig, base * trend * ramp_new * np.where(big, 1.9, 1.0), 0)
                limit = np.where(combined, g4["combined"], g4["single"]) * SIZE_CAP
                both = (f["base_p"].to_numpy() > 0) & (f["base_j"].to_numpy() > 0)
                share = np.where(both, base / np.maximum(f["base_p"].to_numpy() + f["base_j"].to_numpy(), 1), 1.0)
                caps = np.where(big, np.inf, limit * share)
                spec = np.where(active & special, base, 0).astype(int)
                alloc = _int_alloc(total - int(spec.sum()), w, caps)
                students[lv] = np.where(elig, alloc, 0) + spec
            tiny = active & (f["school_type"].to_numpy() == "教学点") & (students["p"] < 6) & (year > sc.FIRST_YEAR)
            if not tiny.any():
                break
            self.closed[tiny] = year
            active &= ~tiny
        s_senior = np.where(active, np.round(f["base_s"].to_numpy() * (1 + 0.01 * t) * rng.uniform(0.97, 1.03, n)), 0)
        return {"active": active, "p": np.where(active, students["p"], 0), "j": np.where(active, students["j"], 0),
                "s": s_senior}

    def _design(self, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Peak 小学 and 初中 students per school over `year` and the profile's horizon."""
        years = range(year, min(year + self.profile.horizon, self.enrol_last) + 1)
        return (np.max([self.enrol[y]["p"] for y in years], axis=0), np.max([self.enrol[y]["j"] for y in years], axis=0))

    def _school_year(self, year: int, rng: np.random.Generator) -> pd.DataFrame:
        f = self.schools
        e = self.enrol[year]
        active, s_p, s_j, s_senior = e["active"], e["p"], e["j"], e["s"]
        out = f.loc[active, ["school_id", "school_name", "school_type", "ownership", "area", "boarding"]].copy()
        idx = np.flatnonzero(active)
        out["students_primary"] = s_p[idx]
        out["students_junior"] = s_j[idx]
        out["students_senior"] = s_senior[idx]
        q = self.q_comp(year)
        # resources are sized for the coming peak as far as the county invests (q)
        peak_p, peak_j = self._design(year)
        size_p = s_p + q * (peak_p - s_p)
        size_j = s_j + q * (peak_j - s_j)
        rows = []
        for i in idx:
            rows.append(self._school_resources(i, year, q, int(s_p[i]), int(s_j[i]), int(s_senior[i]),
                                               float(size_p[i]), float(size_j[i]), rng))
        res = pd.DataFrame(rows, index=out.index)
        out = pd.concat([out, res], axis=1)
        # a few genuinely unknown optional answers (missing, never zero)
        out["boarding"] = out["boarding"].astype(object).where(rng.random(len(out)) >= 0.03, None)
        return out.reset_index(drop=True)

    def _fixed(self, i: int, code: str, year: int, q: float) -> bool:
        S = self.S
        # private schools count like public ones (docs/domain.md §2.1): they invest on the county's schedule too
        g = self.gaps.get(code)
        if g and year < g.until and S["area"][i] in g.areas:
            return False
        return S[f"u_{code}"][i] < q

    def _ratio(self, i: int, code: str, lat: float, year: int, q: float, k: int) -> tuple[float, float]:
        """The ratio aimed at this year, and the floor a short count must keep (0: none)."""
        S = self.S
        if not self._fixed(i, code, year, q):
            return lat, 0.0
        buffer = 1 + S[f"margin_{code}"][i]
        if lat >= buffer:
            return lat, 0.0
        if lat < 1 and S["spare_on"][i] and S["spare"][i] == k and q >= 1:
            return max(lat, S["spare_ratio"][i]), SPARE_FLOOR
        return buffer, 0.0

    def _school_resources(self, i, year, q, n_p, n_j, n_s, size_p, size_j, rng) -> dict:
        """One school's classes, teachers, facilities and rooms; resources sized for size_p / size_j students."""
        S = self.S
        kind, area = S["school_type"][i], S["area"][i]
        t = year - sc.FIRST_YEAR
        qp = self.q_policy_comp(year)
        r: dict = {}
        cls: dict = {}
        # classes and class sizes
        g5_ok = self._fixed(i, "G5", year, qp)
        for lv, n, lim_key in (("primary", n_p, "小学"), ("junior", n_j, "初中")):
            if n <= 0:
                r[f"classes_{lv}"] = 0
                r[f"max_class_{lv}"] = np.nan
                continue
            base_size = {"城区": self.profile.class_size, "镇区": 40.0, "乡村": 30.0}[area] + (4 if lv == "junior" else 0)
            if kind == "教学点":
                base_size = 14.0
            size = base_size * S["size_factor"][i]
            minimum = (min(4, math.ceil(n / 10)) if kind == "教学点" else min(6, math.ceil(n / 10))) if lv == "primary" \
                else min(3, math.ceil(n / 15))
            c = max(1, minimum, math.ceil(n / size))
            mx = min(n, math.ceil(n / c * rng.uniform(1.02, 1.14)))
            limit = self.cat["G5"].threshold(lim_key)
            if g5_ok and mx > limit:
                mx = int(limit - rng.integers(0, 3))
                c = max(c, math.ceil(n / mx))
            r[f"classes_{lv}"] = c
            r[f"max_class_{lv}"] = mx
            cls[lv] = c
        # teachers per level
        total_teachers = 0
        for k, code in enumerate(("R1", "R2", "R3")):
            for lv, n, size, std_lv in (("p", n_p, size_p, "小学"), ("j", n_j, size_j, "初中")):
                name = f"{TEACHER_FIELDS[code]}_{SUFFIX[std_lv]}"
                if n <= 0:
                    r[name] = 0
                    continue
                lat = S[f"lat_{code}_{lv}"][i] * math.exp(rng.normal(0, 0.03)) * (1.01 ** t)
                ratio, floor = self._ratio(i, code, lat, year, q, k)
                r[name] = _count(ratio, self._std[code][std_lv] * size / 100, floor)
        for lv, n, per_class in (("primary", n_p, 1.25), ("junior", n_j, 2.6)):
            if n <= 0:
                continue
            qual = r[f"teachers_qualified_{lv}"]
            share = S["qshare_p" if lv == "primary" else "qshare_j"][i]
            tl = max(math.ceil(qual / share), r[f"teachers_backbone_{lv}"] + 1, r[f"teachers_pe_arts_{lv}"] + 1,
                     math.ceil(cls.get(lv, 1) * per_class))
            if kind == "教学点":
                tl = max(1, min(tl, cls.get(lv, 1) + 1))
                r[f"teachers_qualified_{lv}"] = min(r[f"teachers_qualified_{lv}"], tl)
                r[f"teachers_backbone_{lv}"] = min(r[f"teachers_backbone_{lv}"], tl)
                r[f"teachers_pe_arts_{lv}"] = min(r[f"teachers_pe_arts_{lv}"], tl)
            total_teachers += tl
        total_teachers += math.ceil(n_s / 12.5) if n_s > 0 else 0
        r["teachers_total"] = total_teachers
        uncert = 0
        if not self._fixed(i, "G12", year, qp) and self.gap_open("G12", year) and S["u_G12"][i] < 0.3:
            uncert = min(total_teachers, int(1 + S["u_G12"][i] * 8))
        r["teachers_certified"] = total_teachers - uncert
        # facilities: whole-school stocks sized for the binding level (combined-school splits)
        weights = self._splits.get(kind, {})
        wsum = size_p * weights.get("小学", 1.0) + size_j * weights.get("初中", 1.0) + n_s * weights.get("高中", 1.0)
        if kind in ("完全中学",):
            wsum = size_j * weights.get("初中", 1.0) + n_s * weights.get("高中", 1.2)
        for k, code in enumerate(("R4", "R5", "R6", "R7"), start=3):
            per = max(self._std[code][lv] / weights.get(lv, 1.0) for lv, n in (("小学", n_p), ("初中", n_j)) if n > 0) \
                if (n_p + n_j) > 0 else self._std[code]["小学"]
            need = wsum * per
            if kind == "特殊教育学校":
                need = (n_p + n_j + n_s) * self._std[code]["初中"]
            lat = S[f"lat_{code}"][i]
            ratio, floor = self._ratio(i, code, lat, year, q, k)
            key = FACILITY_FIELDS[code]
            prev = self.stock.get(key, {}).get(i)
            if code == "R6":
                desired = ratio * need / 10000  # 元 → 万元
                value = desired if prev is None else max(prev * (1 + S["equip_growth"][i]), desired)
                value = round(value, 2)
                if ratio >= 1:
                    value = max(value, math.ceil(need / 100) / 100)
            elif code == "R7":
                desired = _count(ratio, need / 100, floor)
                value = desired if prev is None else max(prev, desired)
            else:
                desired = ratio * need
                # whole 10 ㎡; a met standard is never rounded away
                step = float(math.ceil(desired / 10 - 1e-9) * 10) if ratio >= 1 else float(round(desired / 10) * 10)
                value = step if prev is None else max(prev, step)
            self.stock.setdefault(key, {})[i] = value
            r[key] = value
        # music and art rooms (G3), for the classes of the sizing enrolment
        thr = self.cat["G3"].thresholds
        classes_total = sum(math.ceil(round(size * cls[lv] / n, 9)) for lv, n, size in (("primary", n_p, size_p), ("junior", n_j, size_j))
                            if lv in cls and n > 0)
        need_rooms = max(1, math.ceil(classes_total * ROOM_RESERVE / thr["classes_per_group"]) * thr["rooms_per_12_classes"])
        g3_ok = self._fixed(i, "G3", year, q) or kind == "特殊教育学校"
        for room, key_area, thr_area in (("music_rooms", "music_m2", thr["music_room_m2"]), ("art_rooms", "art_m2", thr["art_room_m2"])):
            prev = self.stock.get(room, {}).get(i, 0)
            if g3_ok:
                rooms = max(prev, need_rooms + int(S["extra_rooms"][i]))
                m2 = max(S[key_area][i], thr_area + round(S["margin_R4"][i] * 100))
            else:
                # short of rooms, or rooms too small; a school (not a 教学点) has at least one of each
                rooms = max(prev, int(need_rooms * S["room_ratio"][i]), int(kind != "教学点"))
                m2 = S[key_area][i]
            self.stock.setdefault(room, {})[i] = rooms
            r[room] = rooms
            r[f"{room[:-1]}_min_m2"] = float(m2) if rooms > 0 else np.nan
        return r

    # ---- kindergartens
    def _kg_year(self, year: int, rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
        f = self.kgs
        p = self.profile
        t = year - sc.FIRST_YEAR
        cat = self.cat
        pop35 = int(round(self.cohort(year, 3, 5) * self.migration(year) * 0.99))
        pre_ready = year >= self.t_pre - 1
        ger = p.ger + p.ger_trend * t
        if not self.gap_open("P1", year) and pre_ready:
            ger = max(ger, cat["P1"].threshold() + 0.02)
        ger = min(ger, 0.985)
        public = p.public_share + p.public_trend * t
        if not self.gap_open("P3", year) and pre_ready:
            public = max(public, cat["P3"].threshold() + 0.03)
        inclusive = p.inclusive_share + p.inclusive_trend * t
        if pre_ready:
            inclusive = max(inclusive, cat["P2"].threshold() + 0.03)
        inclusive = min(max(inclusive, public + 0.15), 0.97)
        total = int(round(pop35 * ger))
        kg_type = np.where(f["conv_year"].to_numpy() <= year, f["conv_type"].to_numpy(), f["kg_type0"].to_numpy())
        active = (f["open_year"].to_numpy() <= year) & (f["close_year"].to_numpy() > year)
        trend = np.exp(np.array([{"城区": 0.0, "镇区": -0.015, "乡村": -0.06}[a] for a in f["area"]]) * t + f["drift"].to_numpy() * t)
        children = np.zeros(len(f), int)
        targets = {"公办": public * total, "普惠性民办": (inclusive - public) * total, "非普惠性民办": (1 - inclusive) * total}
        for kind, amount in targets.items():
            sel = active & (kg_type == kind)
            w = np.where(sel, f["base"].to_numpy() * trend, 0)
            children += np.where(sel, _int_alloc(int(round(amount)), w), 0)
        active &= children > 0
        q, qp = self.q_pre(year), self.q_policy_pre(year)
        out = f.loc[active, ["kg_id", "kg_name", "area", "township", "township_center", "estate_kindergarten", "design_year"]].copy()
        out.insert(2, "kg_type", kg_type[active])
        rows = []
        for i in np.flatnonzero(active):
            rows.append(self._kg_resources(i, year, q, qp, int(children[i]), rng))
        out = pd.concat([out, pd.DataFrame(rows, index=out.index)], axis=1)
        out["nurses"] = out["nurses"].astype(float).where(rng.random(len(out)) >= 0.02)
        return out.reset_index(drop=True), pop35

    def _kg_fixed(self, i: int, code: str, year: int, q: float) -> bool:
        return self.K[f"u_{code}"][i] < q and not self.gap_open(code, year)

    def _kg_resources(self, i, year, q, qp, children, rng) -> dict:
        """One kindergarten's classes, teachers and rooms; q: resource compliance, qp: policy compliance."""
        S = self.K
        r: dict = {"children": children}
        classes = max(1, math.ceil(children / S["class_size"][i]))
        r["classes"] = classes
        if self._kg_fixed(i, "PQ2", year, qp) and "PQ2" in self.profile.thin:
            # unbiased rounding, so that the county rate lands just above the standard
            r["oversized_classes"] = int(math.floor(classes * S["over_thin"][i] + S["u_PQ2"][i]))
        else:
            over = S["over_ok"][i] if self._kg_fixed(i, "PQ2", year, qp) else S["over_bad"][i]
            r["oversized_classes"] = int(round(classes * over))
        ratio = S["ratio_ok"][i] if self._kg_fixed(i, "PQ3", year, q) else S["ratio_bad"][i]
        if self.gap_open("PQ3", year):
            ratio += PQ3_SHORT
        teachers = max(1, math.ceil(children / ratio))
        r["teachers"] = teachers
        uncert = 0 if self._kg_fixed(i, "PQ4", year, qp) or S["kg_type0"][i] == "公办" else int(round(teachers * S["uncert"][i]))
        r["teachers_certified"] = teachers - uncert
        r["head_certified"] = bool(self._kg_fixed(i, "PQ4", year, qp) or S["kg_type0"][i] == "公办" or S["u_head"][i] >= sc.HEAD_UNCERTIFIED)
        nurses = max(1, int(round(classes * S["nurse_ratio"][i])))
        r["nurses"] = nurses
        r["staff"] = teachers + nurses + max(1, int(round(children / 70)))
        # premises: a kindergarten designed from 2017 on meets the area standards unless it is one of the
        # few still short while its county has not complied; an old one may stay short, also once the
        # county complies, as far as the catalogue lets old kindergartens fall short
        fixed = self._kg_fixed(i, "PQ1", year, q)
        meets = fixed or (S["new_design"][i] and S["u_new"][i] >= sc.NEW_KG_SHORT)
        short_share = self.profile.old_kg_short if not fixed else min(self.profile.old_kg_short, self._old_short_allowed)
        short = None if S["new_design"][i] or S["u_old"][i] >= short_share else S["short_key"][i]
        stds = self._kg_area_standards()
        for key, lat_key in (("activity_m2", "lat_act"), ("outdoor_m2", "lat_out")):
            lat = S[lat_key][i]
            stays = short == key or (short == "building_m2" and key == "activity_m2")
            if stays:
                ratio = min(lat, S["short_ratio"][i])
            else:
                ratio = max(lat, 1 + S["margin"][i]) if meets and lat < 1 else lat
            r[key] = self._kg_area(i, key, ratio, children * stds[key], keep=not stays)
        building = r["activity_m2"] * S["building_factor"][i]
        if short == "building_m2":
            building = min(building, S["short_ratio"][i] * children * stds["building_m2"])
        elif meets or short:
            building = max(building, (1 + S["margin"][i]) * children * stds["building_m2"])
        need = children * stds["building_m2"]
        r["building_m2"] = self._kg_area(i, "building_m2", building / need, need, keep=short != "building_m2")
        return r

    def _kg_area(self, i: int, key: str, ratio: float, need: float, keep: bool = True) -> float:
        """Whole ㎡ at `ratio` × `need` (a met standard is never rounded away). Premises never shrink
        (`keep`), except where an old kindergarten stays short: there the share of the standard holds
        as enrolment falls (rooms given over to other uses)."""
        desired = float(math.ceil(ratio * need)) if ratio >= 1 else float(math.floor(ratio * need))
        prev = self.kg_stock.get(key, {}).get(i)
        value = desired if prev is None or not keep else max(prev, desired)
        self.kg_stock.setdefault(key, {})[i] = value
        return value

    @property
    def _old_short_allowed(self) -> float:
        """Share of pre-2017 kindergartens a complying county may leave short of the area standards:
        0.8 × (1 − the least share below 100% in the catalogue's PQ1 — its design_year_rule
        share_before_cutoff, or a county threshold), 0 while PQ1 asks every kindergarten to meet them."""
        ind = self.cat["PQ1"]
        sources = (ind.thresholds, ind.extra.get("county_threshold") or {}, ind.extra.get("design_year_rule") or {})
        shares = [v for src in sources for v in src.values() if isinstance(v, int | float) and 0 < v < 1]
        return 0.8 * (1 - min(shares)) if shares else 0.0

    def _kg_area_standards(self) -> dict[str, float]:
        """㎡ per child of outdoor_m2, activity_m2 and building_m2 (PQ1 in the catalogue).

        The catalogue's PQ1 thresholds are matched by the field they name; a standard the
        catalogue does not (yet) list falls back to the national table (docs/domain.md §3).
        """
        national = {"outdoor_m2": 4.0, "activity_m2": 8.17, "building_m2": 10.44}
        thr = self.cat["PQ1"].thresholds
        out = {}
        for key, value in national.items():
            stem = key.removesuffix("_m2")
            found = [v for k, v in thr.items() if k.startswith(stem) and isinstance(v, int | float)]
            out[key] = float(found[0]) if found else value
        return out

    def townships(self) -> pd.DataFrame:
        """The county's 乡 and 镇 (those of the schools) and its urban 街道 (those of the kindergartens)."""
        towns = [(t, t[-1]) for t in self.towns]
        streets = sorted({t for t in self.kgs["township"] if t.endswith("街道")})
        return pd.DataFrame([*towns, *((s, "街道") for s in streets)], columns=["township", "township_kind"])

    # ---- county inputs
    def _county_inputs(self, year: int, pop35: int, rng: np.random.Generator) -> list[dict]:
        cat = self.cat
        conditions = {}
        for ind in cat:
            if ind.scope == "county" and ind.klass == "A" and not (ind.computed_from and not ind.conditions):
                for c in ind.checks():
                    # vetoes and the no-accident item fail only where a profile says so
                    steady = ind.veto or c.comparator == "yes" and ind.dimension == "政府保障情况" and not ind.conditions
                    conditions[c.input] = (c, steady)
        u = rng_for(self.seed, self.replica, self.county, 5).random(200)  # persistent per code position
        out = []
        for pos, row in enumerate(cat.county_input_codes()):
            code = row["code"]
            item = {"code": code, "name": row["name"], "unit": row["unit"], "note": "", "kind": "number"}
            track_q = self.q_policy_comp(year) if row["track"] == "义务教育" else self.q_policy_pre(year)
            if code == "POP_3_5":
                item["value"] = pop35
                item["note"] = "据公安户籍与卫健部门数据推算"
            elif code == "TOWNSHIPS":
                item["value"] = self.profile.townships
            elif row["class"] == "B":
                item["kind"] = "rating"
                low = self.profile.ratings.get(code)
                if low and year < low[1]:
                    item["value"] = low[0]
                else:
                    item["value"] = "优" if rng.random() < 0.35 else "良"
            else:
                cond, steady = conditions[code]
                fail = self.gap_open(code, year) or (not steady and u[pos] > track_q + RANDOM_PASS)
                figure = self._figure(code, cond, fail, rng)
                item.update(figure if figure is not None else self._value(cond, fail, rng, self.profile.headroom))
                if code.startswith("SATISFACTION"):
                    item["note"] = f"问卷调查，有效样本{int(rng.integers(800, 3000)):,}份"
            out.append(item)
        return out

    def _figure(self, code: str, cond, fail: bool, rng: np.random.Generator) -> dict | None:
        """A county figure from scenario.PINNED_FIGURES or FIGURE_RANGES, when the catalogue checks it as a
        number (≥) and the ranges sit on the right sides of its standard; else None (the generic draw)."""
        if cond.comparator not in (">=", ">") or cond.threshold is None:
            return None
        thr = float(cond.threshold)
        pinned = sc.PINNED_FIGURES.get((self.county.name, code))
        if pinned is not None and (pinned >= thr if cond.comparator == ">=" else pinned > thr):
            v = pinned
        elif code in sc.FIGURE_RANGES:
            (lo, hi), (flo, fhi) = sc.FIGURE_RANGES[code]
            if not (lo >= thr and fhi < thr):
                return None
            v = rng.uniform(flo, fhi) if fail else max(rng.uniform(lo, hi), thr * (1 + self.profile.headroom))
        else:
            return None
        if "%" in (cond.unit or ""):
            return {"value": round(float(v), 4), "kind": "percent"}
        if thr >= 100:
            return {"value": int(round(v, -1)), "kind": "number"}  # 元: whole tens
        return {"value": round(float(v), 3), "kind": "number"}

    @staticmethod
    def _value(cond, fail: bool, rng: np.random.Generator, headroom: float = 0.01) -> dict:
        """A county figure that meets `cond` (by at least `headroom`, relative) or, if `fail`, misses it."""
        cmp_, thr, unit = cond.comparator, cond.threshold, cond.unit
        if cmp_ in ("yes", "no"):
            yes = (cmp_ == "yes") != fail
            return {"value": "是" if yes else "否", "kind": "yesno"}
        if unit == "%":
            if cmp_ in (">=", ">"):
                if thr >= 1:
                    v = 1.0 if not fail else rng.uniform(0.93, 0.995)
                else:
                    lo = max(thr + 0.01, min(thr * (1 + headroom), 0.998))
                    hi = max(min(thr + 0.15, 0.995), min(lo + 0.002, 1.0))
                    v = rng.uniform(lo, hi) if not fail else thr * rng.uniform(0.8, 0.98)
            else:
                v = thr * rng.uniform(0.6, min(0.97, 1 / (1 + headroom))) if not fail else thr * rng.uniform(1.03, 1.3)
            return {"value": round(float(v), 4), "kind": "percent"}
        if unit == "级":
            return {"value": int(rng.integers(3, 5)) if not fail else 2, "kind": "number"}
        if cmp_ in (">=", ">"):
            v = thr * rng.uniform(1 + max(0.005, headroom), 1.25) if not fail else thr * rng.uniform(0.8, 0.98)
        else:
            v = thr * rng.uniform(0.4, min(0.95, 1 / (1 + headroom))) if not fail else thr * rng.uniform(1.03, 1.35)
        digits = 0 if thr >= 100 else 3 if thr < 1 else 2
        v = round(float(v), digits)
        return {"value": int(v) if digits == 0 else v, "kind": "number"}

    # ---- plans
    @staticmethod
    def _plan_prices() -> dict[str, float]:
        """万元 per unit of each school field a plan builds (unit_costs.yaml via projection.yaml's action_costs).

        Teachers are staffing, not investment (no price); enlarging the smallest music or art
        room is priced as teaching floor area.
        """
        from yichun.assessment.costs import unit_costs
        from yichun.projection.params import parameters

        costs = unit_costs()
        prices = {}
        for fld, key in parameters()["action_costs"].items():
            if "." in fld or fld.startswith("teachers_") or key not in costs or not costs[key].get("price_yuan"):
                continue
            prices[fld] = float(costs[key]["price_yuan"]) / 10000
        for fld in ("music_room_min_m2", "art_room_min_m2"):
            prices[fld] = prices["teaching_area_m2"]
        return prices

    def _plan_needs(self, row, i: int, years: list[int]) -> list[tuple[str, str, float, float]]:
        """(code, field, have, need) of one school for its peak enrolment over `years` (the standard, not the buffer)."""
        t_p = max(self.enrol[y]["p"][i] for y in years)
        t_j = max(self.enrol[y]["j"][i] for y in years)
        n_p, n_j, n_s = row.students_primary, row.students_junior, row.students_senior
        out = []
        if t_p + t_j <= 0:
            return out
        for code in R_CODES:
            if code in TEACHER_FIELDS:
                for lv, n, t in (("小学", n_p, t_p), ("初中", n_j, t_j)):
                    if n > 0 and t > 0:
                        fld = f"{TEACHER_FIELDS[code]}_{SUFFIX[lv]}"
                        out.append((code, fld, getattr(row, fld), self._std[code][lv] * t / 100))
                continue
            fld = FACILITY_FIELDS[code]
            w = self._splits.get(row.school_type, {})
            wsum = t_p * w.get("小学", 1.0) + t_j * w.get("初中", 1.0) + n_s * w.get("高中", 1.0)
            per = max(self._std[code][x] / w.get(x, 1.0) for x, m in (("小学", t_p), ("初中", t_j)) if m > 0)
            out.append((code, fld, getattr(row, fld), wsum * per / (10000 if code == "R6" else 100 if code == "R7" else 1)))
        # music and art rooms (G3) for the classes of that enrolment, at today's average class size
        thr = self.cat["G3"].thresholds
        classes = sum(math.ceil(round(t * c / n, 9)) for n, t, c in ((n_p, t_p, row.classes_primary), (n_j, t_j, row.classes_junior))
                      if n > 0 and c > 0)
        need = math.ceil(classes / thr["classes_per_group"]) * thr["rooms_per_12_classes"]
        for rooms, area, limit in (("music_rooms", "music_room_min_m2", thr["music_room_m2"]),
                                   ("art_rooms", "art_room_min_m2", thr["art_room_m2"])):
            have = getattr(row, rooms)
            out.append(("G3", rooms, have, float(need)))
            if have > 0:  # the smallest room is enlarged (a school without rooms reports no area to add to)
                out.append(("G3", area, getattr(row, area), float(limit)))
        return out

    def _plans(self, year: int, schools: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
        """The 建设计划 of the `year` workbook (scenario.Plan): items that bring counted schools above the standards.

        Each item is sized for the school's peak enrolment from the plan's `by` year to the
        county's scheduled year, to (1 + margin) × the standard (rooms: to the number needed,
        room areas: a few ㎡ above it); `cover` of the short items are planned, in a plan year
        up to `by`, then `extra` later improvements.
        """
        from yichun.dictionary import sheet

        columns = ["school_id", "plan_year", "item", "quantity", "investment_wan"]
        spec = self.profile.plan
        if spec is None:
            return pd.DataFrame(columns=columns)
        headers = {f.field: f.header for f in sheet("schools").fields}
        prices = self._plan_prices()
        rules = self.cat.rules["counted_schools"]
        first = sc.FIRST_PLAN_YEAR
        by = max(spec.by, first)
        years = [y for y in range(by, max(by, self.t_comp) + 1) if y in self.enrol] or [max(self.enrol)]
        pos = {sid: k for k, sid in enumerate(self.S["school_id"])}
        s = schools[(schools["ownership"] == "公办") & ~schools["school_type"].isin(rules["exclude_types"])]
        s = s[(s["students_primary"] + s["students_junior"] >= rules["teaching_point_min_students"])
              | (s["school_type"] != rules["teaching_point_type"])]
        rows = []

        def add(school_id, fld, qty, plan_year):
            price = prices.get(fld)
            inv = round(qty * price * rng.uniform(0.9, 1.2), 1) if price else np.nan
            rows.append({"school_id": school_id, "plan_year": plan_year, "item": headers[fld], "quantity": qty,
                         "investment_wan": inv})

        for row in s.itertuples():
            for code, fld, have, need in self._plan_needs(row, pos[row.school_id], years):
                if code == "G3":  # rooms and room areas: only where short of the standard
                    if have >= need:
                        continue
                    target = need + (rng.uniform(2, 10) if fld.endswith("_m2") else 0)
                else:
                    target = need * (1 + rng.uniform(*spec.margin))
                if have >= target or rng.random() >= spec.cover:
                    continue
                gap = target - have
                if fld == "equipment_value_wan":
                    qty = math.ceil(gap * 100) / 100
                elif fld in ("teaching_area_m2", "sports_area_m2"):
                    qty = float(math.ceil(gap / 10) * 10)
                else:
                    qty = float(math.ceil(gap))
                add(row.school_id, fld, qty, by if by == first else int(rng.integers(first, by + 1)))
        later = list(range(by + 1, 2030))
        if later and len(s):
            extras = {"equipment_value_wan": (5, 40), "multimedia_rooms": (1, 4), "teaching_area_m2": (20, 80)}
            for _ in range(spec.extra):
                sid = s["school_id"].iloc[int(rng.integers(0, len(s)))]
                fld = list(extras)[int(rng.integers(0, len(extras)))]
                lo, hi = extras[fld]
                qty = float(rng.integers(lo, hi)) * (10 if fld == "teaching_area_m2" else 1)
                add(sid, fld, qty, int(rng.choice(later)))
        frame = pd.DataFrame(rows, columns=columns)
        return frame.sort_values(["plan_year", "school_id"], kind="stable").reset_index(drop=True)

    # ---- driver
    def run(self, last_year: int) -> CountyData:
        self.births = simulate_births(self.county, self.profile, self.seed, self.replica, last_year)
        data = CountyData(self.county, self.profile, self.births)
        # enrolment first, beyond the last year: the future the counties size their schools for
        self.enrol_last = max(last_year + FUTURE_YEARS, self.t_comp)
        rngs = {}
        for year in range(sc.FIRST_YEAR, self.enrol_last + 1):
            rngs[year] = rng_for(self.seed, self.replica, self.county, 3, year)
            self.enrol[year] = self._enrolment(year, rngs[year])
        for year in range(sc.FIRST_YEAR, last_year + 1):
            rng = rngs[year]
            schools = self._school_year(year, rng)
            kgs, pop35 = self._kg_year(year, rng)
            inputs = self._county_inputs(year, pop35, rng)
            prelim = self.births[year] * rng.uniform(0.96, 0.995)
            population = [(y, self.births[y]) for y in range(sc.BIRTHS_SHOWN_FROM, year)] + [(year, int(round(prelim)))]
            plans = pd.DataFrame()
            if self.county.name in sc.PLAN_COUNTIES and sc.LAST_YEAR - sc.PLAN_WORKBOOKS < year <= sc.LAST_YEAR:
                plans = self._plans(year, schools, rng_for(self.seed, self.replica, self.county, 4, year))
            data.years[year] = YearData(schools, kgs, inputs, population, plans, self.townships())
        return data


def simulate_county(county: County, seed: int, last_year: int = sc.LAST_YEAR, replica: int = 0) -> CountyData:
    return CountySimulator(county, seed, replica).run(last_year)
