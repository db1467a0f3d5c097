"""`yichun schedule`: print the assessment schedule (督导评估计划表)."""

from __future__ import annotations

NAME = "schedule"
HELP = "显示各县(市、区)接受国家督导评估认定的计划年份"
ORDER = 90


def register(parser) -> None:
    parser.add_argument("--csv", action="store_true", help="以 CSV 格式输出")


def run(args) -> int:
    from yichun.schedule import TRACKS, schedule

    frame = schedule()
    if args.csv:
        print(frame.to_csv(index=False), end="")
        return 0
    for track in TRACKS:
        print(f"【{track}】")
        for year, group in frame[frame["track"] == track].groupby("year"):
            print(f"  {year}年  {'、'.join(group['county'])}")
    return 0
