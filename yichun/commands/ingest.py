"""`yichun ingest`: read every county workbook under data/raw into the tidy tables of data/processed."""

from __future__ import annotations

NAME = "ingest"
HELP = "读取各县工作簿，校验并写入整洁数据表(data/processed)"
ORDER = 10


def register(parser) -> None:
    from yichun.commands import _args as A

    parser.add_argument("--raw", type=A.folder_in, metavar="文件夹", help="存放各县工作簿的文件夹（含子文件夹），默认 data/raw")
    parser.add_argument("--out", type=A.folder_out, metavar="文件夹", help="输出文件夹，默认 data/processed")
    parser.add_argument("--examples", type=A.count(0), default=3, metavar="N", help="每类问题显示的示例条数（默认 3）")
    parser.add_argument("--profile", default="national", metavar="标准配置",
                        help="按哪套标准核对县级指标代码和办学类型：national（默认）、plan-2025，或自定义 YAML 文件路径（与 assess 用同一套）")
    parser.add_argument("--problems", type=A.file_out(".csv", ".xlsx"), metavar="文件", help="另把全部问题写入 .csv 或 .xlsx 文件（出错时也写）")


def run(args) -> int:
    import sys
    from pathlib import Path

    from yichun.catalogue import use_profile
    from yichun.intake import ingest

    with use_profile(args.profile):
        result = ingest(args.raw, args.out)
    print(result.report(examples=max(0, args.examples)))
    if args.problems:
        _write_problems(result.problems, Path(args.problems))
        print(f"问题清单已写入 {args.problems}")
    if not result.ok:
        print(f"错误：存在 {result.n_errors} 个错误，未写入任何数据表（{result.out_dir} 保持上次的结果）。", file=sys.stderr)
        return 2
    return 0


def _write_problems(problems, path) -> None:
    from yichun.cellsafe import write_table

    labels = {"severity": "级别", "kind": "类别", "message": "说明", "file": "文件", "sheet": "工作表", "row": "行号",
              "column": "列", "value": "值", "county": "县(市、区)", "year": "统计年度"}
    write_table(problems.rename(columns=labels), path, sheet="问题清单")
