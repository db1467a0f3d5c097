"""`yichun problems`: the 问题清单 and 一校一策 workbook of one county and year."""

from __future__ import annotations

NAME = "problems"
HELP = "生成某县(市、区)某年度的问题清单和一校(园)一策工作簿(.xlsx)"
ORDER = 30


def register(parser) -> None:
    from yichun.commands import _args as A

    parser.add_argument("--county", required=True, metavar="县(市、区)", help="县(市、区)名称，如 宜丰县 或 宜丰")
    parser.add_argument("--year", type=A.year, metavar="年度", help="统计年度，如 2024（默认：该县数据中最新的年度）")
    parser.add_argument("--out", type=A.file_out(".xlsx"), metavar="文件", help="输出的 .xlsx 文件，默认 reports/<县><年度>年问题清单与一校一策.xlsx")
    parser.add_argument("--raw", type=A.folder_in, metavar="文件夹", help="直接读取该文件夹中的工作簿（默认读取 data/processed，过期时读取 data/raw）")
    parser.add_argument("--profile", default="national", metavar="标准配置",
                        help="标准配置：national（默认）、plan-2025，或自定义 YAML 文件路径")


def run(args) -> int:
    from yichun.assessment import assess
    from yichun.catalogue import catalogue
    from yichun.counties import normalize_county
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
    a = assess(inputs, years=year, profile=cat)
    path = write_problem_list(a, county, year, args.out)
    r = a.readiness
    for row in r.itertuples():
        print(f"{county} {year}年 {row.track}：A类 {row.a_met}/{row.a_total}，B类良及以上 {row.b_good}/{row.b_total}，"
              f"{'具备' if row.ready else '不具备'}申报条件" + (f"（未达标：{row.unmet}）" if row.unmet else ""))
    print(f"补短板费用估算：{a.total_cost(county, year):,.2f} 万元（不含不计价项目）")
    print(f"已写入 {path}")
    return 0
