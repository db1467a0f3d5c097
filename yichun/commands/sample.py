"""`yichun sample`: write the synthetic sample workbooks (合成样例数据, not real data)."""

from __future__ import annotations

import re

NAME = "sample"
HELP = "生成合成样例工作簿（虚构数据，非真实县域数据），用于演示、测试和性能基准"
ORDER = 85


def _years(text: str) -> tuple[int, int]:
    import argparse

    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-—~－]\s*(\d{4}))?\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"年份范围应写作 2019-2025 或 2025，收到「{text}」")
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def register(parser) -> None:
    from yichun.commands import _args as A
    from yichun.sample import DEFAULT_SEED, DEFAULT_YEARS

    parser.add_argument("--out", type=A.folder_out, metavar="目录", help="输出目录（默认 data/raw；每个统计年度一个子文件夹）")
    parser.add_argument("--seed", type=A.count(0), default=DEFAULT_SEED, metavar="N", help=f"随机种子（默认 {DEFAULT_SEED}，即提交的样例数据）")
    parser.add_argument("--counties", type=A.count(1), metavar="N",
                        help="县(市、区)个数：1—10 取前 N 个；大于 10 时生成 ⌈N/10⌉ 套互相独立的十县数据，"
                             "分别写入 <目录>/set01、set02……（每套单独导入）")
    parser.add_argument("--years", type=_years, default=DEFAULT_YEARS, metavar="A-B",
                        help=f"统计年度范围（默认 {DEFAULT_YEARS[0]}-{DEFAULT_YEARS[1]}）")
    mess = parser.add_mutually_exclusive_group()
    mess.add_argument("--messy", dest="messy", action="store_true", default=True,
                      help="模仿各县报表的不规范写法：标题行、合并表头、合计行、文本数字等（默认）")
    mess.add_argument("--clean", dest="messy", action="store_false", help="写成与模板一致的规范工作簿")
    parser.add_argument("--workers", type=A.count(1), default=1, metavar="N", help="生成多套数据时的并行进程数（默认 1）")


def run(args) -> int:
    import math
    from pathlib import Path

    from yichun import paths
    from yichun.sample import generate, generate_sets

    out = Path(args.out) if args.out else paths.raw_dir()
    n = args.counties
    if n is not None and n < 1:
        from yichun.errors import YichunError

        raise YichunError(f"--counties 应为正整数，收到 {n}")
    if n is not None and n > 10:
        sets = math.ceil(n / 10)
        written = generate_sets(out, sets, seed=args.seed, years=args.years, messy=args.messy, workers=args.workers)
        print(f"已生成 {sets} 套十县合成样例数据，共 {len(written)} 个工作簿：{out}/set01 … set{sets:02d}")
    else:
        written = generate(out, seed=args.seed, counties=n, years=args.years, messy=args.messy)
        print(f"已生成 {len(written)} 个工作簿（{args.years[0]}—{args.years[1]}年）：{out}")
    size = sum(p.stat().st_size for p in written)
    print(f"合计 {size / 1e6:.1f} MB。注意：这是合成数据，不是真实县域数据。")
    return 0
