"""`yichun sample`: write the synthetic sample workbooks (合成样例数据, not real data)."""

from __future__ import annotations

import re

NAME = "sample"
HELP = "生成合成样例工作簿（虚构数据，非真实县域数据），用于演示、测试和性能基准"
ORDER = 85
FOLDER_REGION = False  # writes a folder: --region (or YICHUN_REGION) says which pack, never a region.yaml found there


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
                        help="县(市、区)个数：不超过区域配置中的个数（宜春市为 10）时取前 N 个；更多时（或给出 --synthetic）"
                             "生成一个有 N 个虚构县(市、区)的合成区域：区域配置 region.yaml 和全部工作簿写入同一个文件夹，"
                             "yichun ingest --raw <目录> 一次读入")
    parser.add_argument("--synthetic", action="store_true", help="即使 N 不超过 10，也生成合成区域（虚构的县名、代码和评估计划）")
    parser.add_argument("--sets", type=A.count(1), metavar="K",
                        help="另一种规模：K 套互相独立的宜春十县数据，分别写入 <目录>/set01、set02……（每套单独导入）")
    parser.add_argument("--years", type=_years, default=DEFAULT_YEARS, metavar="A-B",
                        help=f"统计年度范围（默认 {DEFAULT_YEARS[0]}-{DEFAULT_YEARS[1]}）")
    mess = parser.add_mutually_exclusive_group()
    mess.add_argument("--messy", dest="messy", action="store_true", default=True,
                      help="模仿各县报表的不规范写法：标题行、合并表头、合计行、文本数字等（默认）")
    mess.add_argument("--clean", dest="messy", action="store_false", help="写成与模板一致的规范工作簿")
    parser.add_argument("--workers", type=A.count(1), default=1, metavar="N", help="生成合成区域或多套数据时的并行进程数（默认 1）")


def run(args) -> int:
    import time
    from pathlib import Path

    from yichun import paths
    from yichun.errors import YichunError
    from yichun.region import FOLDER_PACK, active_region, load_region
    from yichun.sample import generate, generate_region, generate_sets

    out = Path(args.out) if args.out else paths.raw_dir()
    n = args.counties
    region = active_region()
    if n is not None and n < 1:
        raise YichunError(f"--counties 应为正整数，收到 {n}")
    start = time.perf_counter()
    synthetic = args.synthetic or (n is not None and n > len(region.units))
    if args.sets and (n is not None or args.synthetic):
        raise YichunError("--sets 不能与 --counties、--synthetic 同时使用")
    if synthetic and n is None:
        raise YichunError("--synthetic 需要同时给出 --counties N（合成区域的县(市、区)个数）")
    if synthetic and region.key != load_region().key:
        raise YichunError(f"--counties {n} 超过区域配置 {region.path.name} 中的 {len(region.units)} 个县(市、区)；"
                          "合成区域只能在默认的宜春市配置下生成（不要同时给出 --region）")
    if synthetic and not args.out:
        raise YichunError(f"合成区域（{n} 个县）须写入单独的文件夹：请用 --out 指定，如 --out 合成样例")
    if args.sets:
        sets = args.sets
        written = generate_sets(out, sets, seed=args.seed, years=args.years, messy=args.messy, workers=args.workers)
        print(f"已生成 {sets} 套十县合成样例数据，共 {len(written)} 个工作簿：{out}/set01 … set{sets:02d}")
    elif synthetic:
        assert n is not None
        pack, *written = generate_region(out, n, seed=args.seed, years=args.years, messy=args.messy, workers=args.workers)
        print(f"已生成合成区域：{n} 个虚构的县(市、区)，区域配置 {pack}，{len(written)} 个工作簿（{args.years[0]}—{args.years[1]}年）：{out}")
        print(f"导入：yichun ingest --raw {out}（自动使用其中的 {FOLDER_PACK}）")
    else:
        theirs = out / FOLDER_PACK
        if theirs.is_file() and load_region(theirs).key != region.key:
            raise YichunError(f"输出文件夹 {out} 中有另一个区域的配置 {FOLDER_PACK}（{load_region(theirs).name}）；"
                              f"{region.name}的工作簿不能与它混放，请用 --out 指定其他文件夹")
        written = generate(out, seed=args.seed, counties=n, years=args.years, messy=args.messy)
        print(f"已生成 {len(written)} 个工作簿（{args.years[0]}—{args.years[1]}年）：{out}")
    size = sum(p.stat().st_size for p in written)
    took = f"，用时 {time.perf_counter() - start:.0f} 秒" if synthetic else ""
    print(f"合计 {size / 1e6:.1f} MB{took}。注意：这是合成数据，不是真实县域数据。")
    return 0
