"""Sample-like fake frames and every chart drawn from them (for review and timing).

`python -m yichun.charts.demo OUT_DIR` renders each chart to OUT_DIR/<name>.png and prints
how long the batched export took (one figure, then all figures). The frames have the
shapes of the assessment/projection contracts but invented values: they are NOT data.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from yichun.counties import counties

YEAR = 2024


def sample_frames(seed: int = 7) -> dict[str, pd.DataFrame]:
    """Fake frames shaped like Assessment.cv/school_parts/preschool/bill and the outlooks."""
    rng = np.random.default_rng(seed)
    names = [c.name for c in counties()]
    std = {"小学": [4.2, 1.0, 0.9, 4.5, 7.5, 2000, 2.3], "初中": [5.3, 1.0, 0.9, 5.8, 10.2, 2500, 2.4]}
    limit = {"小学": 0.50, "初中": 0.45}
    codes = [f"R{i}" for i in range(1, 8)]

    parts = []
    for county in names:
        for level, n in (("小学", int(rng.integers(18, 45))), ("初中", int(rng.integers(8, 20)))):
            for k in range(n):
                row = {"county": county, "year": YEAR, "school_id": f"{county[:2]}{level[0]}{k:03d}",
                       "school_name": f"{county[:2]}第{k + 1}{'小学' if level == '小学' else '中学'}", "school_type": "小学" if level == "小学" else "初级中学",
                       "ownership": "公办", "area": ("城区", "镇区", "乡村")[k % 3], "level": level,
                       "students": float(rng.integers(60, 1800)), "counted": True, "excluded_reason": ""}
                for code, s in zip(codes, std[level]):
                    row[code] = float(s * rng.lognormal(0.18, 0.22))
                parts.append(row)
    school_parts = pd.DataFrame(parts)
    school_parts.loc[school_parts.index[5], "R4"] = np.nan  # one missing value, reported on the chart

    cv_rows = []
    for county in names:
        for level in ("小学", "初中"):
            for code, s in zip(codes, std[level]):
                cv_value = float(rng.uniform(0.18, 0.56))
                cv_rows.append({"county": county, "year": YEAR, "level": level, "indicator": code, "cv": cv_value,
                                "limit": limit[level], "met": cv_value <= limit[level], "n_schools": 20,
                                "county_value": float(s * rng.uniform(0.82, 1.45))})
    cv = pd.DataFrame(cv_rows)
    cv["met"] = cv["met"].astype("boolean")
    cv.loc[(cv["county"] == "靖安县") & (cv["level"] == "初中") & (cv["indicator"] == "R6"), "cv"] = np.nan
    cv.loc[cv["cv"].isna(), "met"] = pd.NA
    cv.loc[(cv["county"] == "铜鼓县") & (cv["level"] == "小学") & (cv["indicator"] == "R2"), "county_value"] = np.nan

    pre = []
    for county in names:
        for code, lo, hi, s in (("P1", 0.80, 1.02, 0.85), ("P2", 0.74, 0.97, 0.80), ("P3", 0.40, 0.68, 0.50)):
            v = float(rng.uniform(lo, hi))
            pre.append({"county": county, "year": YEAR, "indicator": code, "value": v, "standard": s, "met": v >= s})
    preschool = pd.DataFrame(pre)

    statuses = ["按期可达", "有风险", "难以按期", "已到期"]
    outlook = pd.DataFrame([
        {"county": c, "track": t, "status": statuses[int(rng.integers(0, 4))]} for c in names for t in ("义务教育", "学前教育")
    ])

    years = list(range(2018, 2025))
    actual = 0.80 + np.cumsum(rng.uniform(0.002, 0.012, len(years)))
    fut = list(range(2025, 2031))
    central = actual[-1] + np.cumsum(np.full(len(fut), 0.008))
    spread = np.linspace(0.006, 0.04, len(fut))
    projection = pd.concat([
        pd.DataFrame({"year": years, "variant": "actual", "value": actual}),
        pd.DataFrame({"year": fut, "variant": "central", "value": central}),
        pd.DataFrame({"year": fut, "variant": "low", "value": central - spread}),
        pd.DataFrame({"year": fut, "variant": "high", "value": central + spread}),
    ], ignore_index=True)

    scen = []
    for sc, shift, factor in (("现状", 0, 1.0), ("按规划投入", -1, 1.25), ("加大投入", -2, 1.6)):
        for county in names:
            base = int(rng.integers(2025, 2031))
            pass_year = base + shift if base + shift <= 2030 else np.nan
            if rng.uniform() < 0.12:
                pass_year = np.nan
            status = "按期可达" if pass_year == pass_year and pass_year <= 2027 else ("有风险" if pass_year == pass_year else "难以按期")
            scen.append({"scenario": sc, "county": county, "status": status, "pass_year": pass_year,
                         "cost_wan": float(rng.uniform(200, 3000) * factor)})
    scenarios = pd.DataFrame(scen)

    bill = pd.DataFrame([
        ("教学及辅助用房", 6200, "㎡", 1860.0), ("体育运动场馆", 9800, "㎡", 980.0), ("补充高学历教师", 46, "人", 414.0),
        ("教学仪器设备", 520, "万元", 520.0), ("网络多媒体教室", 38, "间", 228.0), ("补充骨干教师", 21, "人", 63.0),
        ("音乐美术专用教室", 12, "间", 432.0), ("补充体育艺术教师", 15, "人", 135.0),
    ], columns=["category", "quantity", "unit", "cost_wan"])
    bill.insert(0, "year", YEAR)
    bill.insert(0, "county", "宜丰县")

    tiles = outlook.copy()
    return {"school_parts": school_parts, "cv": cv, "preschool": preschool, "outlook": outlook, "projection": projection,
            "scenarios": scenarios, "bill": bill, "tiles": tiles}


def sample_figures(today: int = 2026) -> dict:
    """Every chart of yichun.charts drawn from `sample_frames()` (keys are file stems)."""
    from yichun import charts
    from yichun.schedule import schedule

    f = sample_frames()
    return {
        "01_schedule": charts.schedule_timeline(schedule(), f["outlook"], today=today),
        "01b_schedule_neutral": charts.schedule_timeline(schedule(), today=today),
        "02_heatmap": charts.indicator_heatmap(charts.county_ratio_frame(f["cv"], YEAR, "小学", preschool=f["preschool"])),
        "02b_heatmap_cv": charts.indicator_heatmap(charts.county_ratio_frame(f["cv"], YEAR, "初中", measure="cv"),
                                                   title="各县(市、区)初中校际差异系数达标程度"),
        "03_distribution": charts.school_distribution(f["school_parts"], "R4", "小学"),
        "03b_distribution_county": charts.school_distribution(f["school_parts"], "R6", "初中", county="宜丰县"),
        "04_cv": charts.cv_bars(f["cv"], "靖安县", YEAR),
        "05_preschool": charts.preschool_bars(f["preschool"], YEAR),
        "06_projection": charts.projection_fan(f["projection"], standard=0.85, scheduled_year=2028, label="学前三年毛入园率", unit="%",
                                               title="宜丰县学前三年毛入园率：实际与预测"),
        "07_scenarios": charts.scenario_comparison(f["scenarios"]),
        "08_waterfall": charts.bill_waterfall(f["bill"], "宜丰县", YEAR),
        "09_tilemap": charts.tile_map(f["tiles"]),
        "09b_tilemap_one": charts.tile_map(f["tiles"], track="义务教育", title="义务教育优质均衡：按期通过前景"),
    }


def main(argv: list[str] | None = None) -> int:
    from yichun.charts import export

    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else "charts_review")
    figs = sample_figures()
    first = dict(list(figs.items())[:1])
    t0 = time.perf_counter()
    export(first, out, formats=("png",))
    t1 = time.perf_counter()
    paths = export(figs, out, formats=("png",))
    t2 = time.perf_counter()
    print(f"一张图：{t1 - t0:.2f} 秒；{len(figs)} 张图批量导出：{t2 - t1:.2f} 秒；写出 {len(paths)} 个文件到 {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
