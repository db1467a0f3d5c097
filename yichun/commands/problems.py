"""`yichun problems`: the 问题清单 (整改台账) and 一校(园)一策 workbook of one county and year.

With `--previous RETURNED.xlsx` the ledger the county filled in and sent back is read (under
the intake's guards), checked against this year's data (sheet 销号情况) and its entries are
carried forward. Exit 2 for a bad or unreadable returned ledger (the message names the file,
sheet and cells).
"""

from __future__ import annotations

NAME = "problems"
HELP = "生成某县(市、区)某年度的问题清单(整改台账)和一校(园)一策工作簿(.xlsx)，可读取县里返回的上期清单核对销号"
ORDER = 30


def _date(text: str):
    import argparse
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 2025-06-30，收到「{text}」") from None


def register(parser) -> None:
    from yichun.commands import _args as A

    parser.add_argument("--county", required=True, metavar="县(市、区)", help="县(市、区)名称，如 宜丰县 或 宜丰")
    parser.add_argument("--year", type=A.year, metavar="年度", help="统计年度，如 2024（默认：该县数据中最新的年度）")
    parser.add_argument("--out", type=A.file_out(".xlsx"), metavar="文件", help="输出的 .xlsx 文件，默认 reports/<县><年度>年问题清单与一校一策.xlsx")
    parser.add_argument("--raw", type=A.folder_in, metavar="文件夹", help="直接读取该文件夹中的工作簿（默认读取 data/processed，过期时读取 data/raw）")
    parser.add_argument("--profile", default="national", metavar="标准配置",
                        help="标准配置：national（默认）、plan-2025，或自定义 YAML 文件路径")
    parser.add_argument("--previous", metavar="文件", help="县里填写后返回的上期问题清单(.xlsx)：按问题编号核对销号，并把填写内容带入本期清单")
    parser.add_argument("--as-of", type=_date, metavar="日期", help="判断是否逾期的核对日期，如 2025-12-31（默认：今天）")
    parser.add_argument("--no-outlook", action="store_true", help="不做按期达标预测（「预测结论」列填「未预测」，生成更快）")


def run(args) -> int:
    from yichun.assessment import assess
    from yichun.catalogue import catalogue
    from yichun.counties import normalize_county
    from yichun.ledger import ledger_round
    from yichun.problem_list import write_problem_list

    county = normalize_county(args.county)
    cat = catalogue(args.profile)
    if args.raw:
        from yichun.commands.assess import read_inputs

        inputs = read_inputs(args.raw, args.year)
    else:
        from yichun.intake import load

        inputs = load()
    inputs = inputs.select(counties=county)
    year = inputs.resolve_year(args.year, where=f"{county}的数据")
    previous = None
    if args.previous:  # read (and refuse) the returned ledger before the long computations
        from yichun.ledger import read_returned

        previous = read_returned(args.previous, county=county)
        for note in previous.notes:
            print(f"提示：{note}")
    a = assess(inputs, years=year, profile=cat)
    outlook = None
    if not args.no_outlook:
        from dataclasses import replace

        from yichun.projection import outlook as project

        known = inputs.select(years=[y for y in inputs.years() if y <= year])  # what was known in `year`
        if known.plans is not None and "year" in known.plans:
            known = replace(known, plans=known.plans[known.plans["year"] <= year])
        outlook = project(known, profile=cat)
    rnd = ledger_round(a, county, year, previous, plans=inputs.plans, outlook=outlook, as_of=args.as_of)
    path = write_problem_list(a, county, year, args.out, ledger=rnd)
    r = a.readiness
    for row in r.to_dict("records"):
        print(f"{county} {year}年 {row['track']}：A类 {row['a_met']}/{row['a_total']}，B类良及以上 {row['b_good']}/{row['b_total']}，"
              f"{'具备' if row['ready'] else '不具备'}申报条件" + (f"（未达标：{row['unmet']}）" if row["unmet"] else ""))
    print(f"补短板费用估算：{a.total_cost(county, year):,.2f} 万元（不含不计价项目）")
    print(f"问题清单：{len(rnd.rows)} 个问题")
    if previous is not None:
        h = rnd.history()
        if len(h):
            print("与上期问题清单核对：" + "，".join(f"{c} {int(h.iloc[0][c])}" for c in h.columns[1:]))
    print(f"已写入 {path}")
    return 0
