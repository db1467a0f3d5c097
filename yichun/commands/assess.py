"""`yichun assess`: assess one statistical year from a folder of workbooks and write the
stable output tables (their columns: docs/outputs.md §2) as CSV.

school_parts.csv (counted parts), cv.csv, preschool.csv, readiness.csv, plus items.csv,
gaps.csv, bill.csv and school_parts_excluded.csv; with --xlsx also 评估结果.xlsx (the same tables
under Chinese headers, yichun.resultbook). UTF-8 with BOM, booleans true/false, numbers
at full precision, missing values empty. Exit 0; 2 for invalid input (problem records on
stderr); 1 for anything else.
"""

from __future__ import annotations

NAME = "assess"
HELP = "评估某一统计年度各县(市、区)是否达到国家督导评估标准，并输出结果表(CSV)"
ORDER = 20

OUTPUTS = {
    "school_parts": ["county", "year", "school_id", "level", "students", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "n_met", "passed"],
    "cv": ["county", "year", "level", "indicator", "cv", "limit", "met"],
    "preschool": ["county", "year", "indicator", "value", "standard", "met"],
    "readiness": ["county", "track", "year", "a_met", "a_total", "b_good", "b_total", "ready"],
}


def register(parser) -> None:
    from yichun.commands import _args as A

    parser.add_argument("--raw", type=A.folder_in, metavar="文件夹", help="存放各县工作簿的文件夹（含子文件夹），默认 data/raw")
    parser.add_argument("--year", type=A.year, metavar="年度", help="要评估的统计年度，如 2024（默认：数据中最新的年度）")
    parser.add_argument("--out", type=A.folder_out, metavar="文件夹", help="输出文件夹，默认 reports/assess-<年度>")
    parser.add_argument("--profile", default="national", metavar="标准配置",
                        help="标准配置：national（默认）、plan-2025，或自定义 YAML 文件路径")
    parser.add_argument("--xlsx", action="store_true", help="另写 评估结果.xlsx：同样的表格，中文表头，供在 Excel 中查看")


def read_inputs(raw_dir, year: int | None = None):
    """Every workbook under raw_dir, in memory. Errors in the requested year's workbooks (or in
    files whose year is unknown) raise InputError with the problem records; others are reported."""
    import sys

    from yichun.errors import ERROR, InputError, Problem
    from yichun.intake import read_folder

    inputs, problems = read_folder(raw_dir)
    if problems is None or problems.empty:
        return inputs
    errors = problems[problems["severity"] == ERROR]
    if year is not None:
        relevant = errors[errors["year"].isna() | (errors["year"] == year)]
    else:
        relevant = errors
    if len(relevant):
        records = [Problem.from_record(r) for r in relevant[Problem.columns()].to_dict("records")]
        raise InputError(f"输入数据有 {len(records)} 个错误，未进行评估。请按下列提示修改工作簿后重试：", records)
    others = len(errors) - len(relevant)
    warnings = int((problems["severity"] != ERROR).sum())
    if others or warnings:
        print(f"提示：读取时发现 {warnings} 条警告" + (f"、其他年度 {others} 个错误" if others else "") + "（运行 yichun ingest 查看详情）。",
              file=sys.stderr)
    return inputs


def tables(a) -> dict:
    """The frames `yichun assess` writes, contract columns first."""
    parts = a.school_parts
    extra = ["school_name", "school_type", "ownership", "area", "share", *(f"R{i}_ratio" for i in range(1, 8)), "unmet", "fail_reason"]
    counted = parts[parts["counted"]]
    excluded = parts[~parts["counted"]]
    return {
        "school_parts": counted[OUTPUTS["school_parts"] + extra],
        "school_parts_excluded": excluded[OUTPUTS["school_parts"][:5] + ["school_name", "school_type", "ownership", "excluded_reason"]],
        "cv": a.cv[OUTPUTS["cv"] + ["n_schools", "county_value", "n_counted", "students", "std"]],
        "preschool": a.preschool[OUTPUTS["preschool"] + ["name", "numerator", "denominator"]],
        "readiness": a.readiness[OUTPUTS["readiness"] + ["veto", "unmet", "missing", "missing_codes", "b_rule"]],
        "items": a.items,
        "gaps": a.gaps,
        "bill": a.bill,
    }


def run(args) -> int:
    from pathlib import Path

    from yichun import paths
    from yichun.assessment import assess
    from yichun.atomic import folder, locked, write_csv
    from yichun.catalogue import catalogue, use_profile

    cat = catalogue(args.profile)  # a bad profile fails before any workbook is read
    raw = Path(args.raw) if args.raw else paths.raw_dir()
    with use_profile(args.profile):  # the workbooks are checked against the same standards the assessment applies
        inputs = read_inputs(raw, args.year)
    year = inputs.resolve_year(args.year, where=str(raw))
    a = assess(inputs, years=year, profile=cat)
    out = Path(args.out) if args.out else paths.reports_dir() / f"assess-{year}"
    with locked(out), folder(out) as tmp:  # the CSVs (and the workbook) as one set: the old set or the new, never a mix
        for name, frame in tables(a).items():
            write_csv(frame, tmp / f"{name}.csv")
        if args.xlsx:
            from yichun.resultbook import write_results

            write_results(tables(a), tmp / "评估结果.xlsx", a.catalogue)
    r = a.readiness
    print(f"已评估 {year} 年度 {r['county'].nunique()} 个县(市、区)（标准：{a.profile}），结果写入 {out}")
    for track in ("义务教育", "学前教育"):
        ready = r[(r["track"] == track) & r["ready"]]["county"].tolist()
        print(f"  {track}：具备条件 {len(ready)} 个" + (f"（{'、'.join(ready)}）" if ready else ""))
    return 0
