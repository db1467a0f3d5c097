"""`yichun template`: write the blank county intake workbook generated from the data dictionary."""

from __future__ import annotations

NAME = "template"
HELP = "生成空白的县级指标采集工作簿(.xlsx)"
ORDER = 5


def register(parser) -> None:
    from yichun.commands import _args as A

    parser.add_argument("--county", required=True, metavar="县(市、区)", help="县(市、区)名称，如 宜丰县")
    parser.add_argument("--year", required=True, type=A.year, metavar="年度", help="统计年度，如 2026（表示 2026—2027 学年）")
    parser.add_argument("--out", type=A.file_out(".xlsx"), metavar="文件", help="输出文件，默认当前文件夹下的「<县><年度>年县级指标采集表.xlsx」")
    parser.add_argument("--profile", default="national", metavar="配置", help="标准配置（决定县级指标列出哪些代码），默认 national")


def run(args) -> int:
    from yichun.template import write_template

    path = write_template(args.county, args.year, args.out, profile=args.profile)
    print(f"已生成 {path}")
    return 0
