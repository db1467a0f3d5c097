"""`yichun brief`: the leading-group briefings (全市简报 and one per county) as HTML, PDF and Word, the leading group's slides, chart images and 问题清单."""

from __future__ import annotations

NAME = "brief"
HELP = "生成领导小组简报：全市和各县(市、区)的网页简报、PDF、Word 汇报材料，领导小组汇报幻灯片，图表图片和问题清单"
ORDER = 60


def register(parser) -> None:
    from yichun.commands import _args as A

    parser.add_argument("--county", metavar="县(市、区)", help="只生成全市简报和这一个县(市、区)的简报，如 宜丰县 或 宜丰（默认：区域配置中的全部县(市、区)，宜春市为十个）")
    parser.add_argument("--year", type=A.year, metavar="年度", help="统计年度，如 2024（默认：数据中最新的一年）")
    parser.add_argument("--out", type=A.folder_out, metavar="文件夹", help="输出文件夹（默认：reports/<今天的日期>/）")
    parser.add_argument("--raw", type=A.folder_in, metavar="文件夹", help="读取该文件夹中的工作簿（默认：data/processed，过期时读取 data/raw）")
    parser.add_argument("--profile", default="national", metavar="标准配置",
                        help="标准配置：national（默认）、plan-2025，或自定义 YAML 文件路径")
    parser.add_argument("--workers", type=A.count(1), default=None, metavar="N", help="同时运行的笔记本内核数（默认 2）")
    parser.add_argument("--ledgers", type=A.folder_in, metavar="文件夹",
                        help="各县(市、区)填写后返回的问题清单所在文件夹（文件名不限，按「县(市、区)」列识别）：简报据此作整改台账核对"
                             "（默认：与数据生成的上一统计年度问题清单核对）")
    parser.add_argument("--svg", action="store_true", help="图表除 PNG 外再导出 SVG 矢量图（用时约增加一倍）")
    parser.add_argument("--timings", metavar="文件", help="把各步用时（秒）写入该 JSON 文件，供性能基准读取（合计 = 数据 + 并行生成 + PDF收尾）")


def run(args) -> int:
    import sys
    import warnings
    from pathlib import Path

    from yichun.atomic import folder, locked
    from yichun.briefing.build import WORKERS, build_briefing, default_out_dir
    from yichun.charts.export import ExportSkippedWarning

    out = Path(args.out).absolute() if args.out else default_out_dir()
    print("正在生成领导小组简报……", file=sys.stderr)
    with warnings.catch_warnings(record=True) as caught, locked(out), folder(out) as tmp:  # the folder as one set
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", ExportSkippedWarning)
        result = build_briefing(out_dir=tmp, county=args.county, year=args.year, raw_dir=args.raw,
                                profile=args.profile, workers=args.workers or WORKERS, progress=True,
                                formats=("png", "svg") if args.svg else ("png",), ledgers=args.ledgers)
        summary = result.summary().replace(str(tmp), str(out))
    for message in dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, ExportSkippedWarning)):
        print(f"警告：{message}", file=sys.stderr)
    print(summary)
    if args.timings:
        import json

        from yichun.atomic import write_text

        write_text(Path(args.timings), json.dumps({k: round(v, 3) for k, v in result.timings.items()}, ensure_ascii=False, indent=1))
    return 0
