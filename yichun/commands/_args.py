"""Checking command-line arguments in one place: every invalid value gets a Chinese message and exit 2.

The functions are argparse `type=` converters (they raise `argparse.ArgumentTypeError` with the
message); `ChineseParser` prints argparse's own complaints in Chinese. Paths come back absolute,
so a relative `--out` means the same folder whatever the working directory later becomes.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

YEAR_RANGE = (2000, 2100)


def year(text: str) -> int:
    """A statistical year such as 2025."""
    t = str(text).strip()
    if not re.fullmatch(r"\d{4}", t) or not YEAR_RANGE[0] <= int(t) <= YEAR_RANGE[1]:
        raise argparse.ArgumentTypeError(f"应为四位年份（{YEAR_RANGE[0]}—{YEAR_RANGE[1]}），如 2025；收到「{text}」")
    return int(t)


def count(minimum: int = 1):
    """A whole number ≥ minimum."""

    def parse(text: str) -> int:
        t = str(text).strip()
        if not re.fullmatch(r"[+-]?\d+", t) or int(t) < minimum:
            raise argparse.ArgumentTypeError(f"应为不小于 {minimum} 的整数；收到「{text}」")
        return int(t)

    return parse


def _absolute(text: str) -> Path:
    if not str(text).strip():
        raise argparse.ArgumentTypeError("路径不能为空")
    return Path(text).expanduser().absolute()


def _file_on_the_way(path: Path) -> Path | None:
    """The first existing non-folder among a path's parents (then nothing can be written below it)."""
    for p in [*reversed(path.parents)]:
        if p.exists() and not p.is_dir():
            return p
    return None


def folder_in(text: str) -> Path:
    """An existing folder to read (a missing one is left to the command, which names the years/files)."""
    path = _absolute(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} 是一个文件，不是文件夹；请给出存放工作簿的文件夹")
    return path


def folder_out(text: str) -> Path:
    """A folder to write into (created when missing)."""
    path = _absolute(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} 是一个文件，不是文件夹；请给出输出文件夹")
    blocker = _file_on_the_way(path)
    if blocker is not None:
        raise argparse.ArgumentTypeError(f"{blocker} 是一个文件，不能在它下面建立输出文件夹 {text}")
    return path


def file_out(*suffixes: str):
    """A file to write, with one of the given suffixes."""

    def parse(text: str) -> Path:
        path = _absolute(text)
        if path.is_dir():
            raise argparse.ArgumentTypeError(f"{text} 是一个文件夹；请给出文件名，如 …/问题清单{suffixes[0]}")
        if path.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(f"应为 {' 或 '.join(suffixes)} 文件；收到「{text}」")
        blocker = _file_on_the_way(path)
        if blocker is not None:
            raise argparse.ArgumentTypeError(f"{blocker} 是一个文件，不能在它下面写入 {text}")
        return path

    return parse


def file_in(text: str) -> Path:
    """An existing file to read."""
    path = _absolute(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} 是一个文件夹，应为文件")
    if not path.exists():
        raise argparse.ArgumentTypeError(f"找不到文件 {text}")
    return path


_ARGPARSE = [  # argparse's English messages → Chinese
    (re.compile(r"the following arguments are required: (.+)"), "缺少必需的参数：{0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数：{0}（可用的参数见 --help）"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 后面应给出一个值"),
    (re.compile(r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)"), "参数 {0} 的取值 {1} 无效；可选：{2}"),
    (re.compile(r"argument (\S+): invalid (\w+) value: (.+)"), "参数 {0} 的值 {2} 无效"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), "参数 {0} 不能与 {1} 同时使用"),
    (re.compile(r"argument (\S+): ignored explicit argument (.+)"), "参数 {0} 不接受值 {1}"),
    (re.compile(r"argument (\S+): (.+)"), "参数 {0}：{1}"),
]


def chinese(message: str) -> str:
    for pattern, template in _ARGPARSE:
        m = pattern.fullmatch(message)
        if m:
            return template.format(*m.groups())
    return message


class ChineseParser(argparse.ArgumentParser):
    """argparse with its complaints in Chinese (exit 2, like any invalid input)."""

    def error(self, message: str):
        self.exit(2, f"错误：{chinese(message)}\n详细用法：{self.prog} --help\n")


def region(text: str) -> str:
    """A region pack: a built-in name (yichun) or a YAML file / a folder holding region.yaml; validated here."""
    from yichun.region import DEFAULT_REGION, RegionError, load_region, pack_path

    t = str(text).strip()
    try:
        load_region(t)
        return t if t == DEFAULT_REGION else str(pack_path(t))
    except RegionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_region(parser) -> None:
    """--region on a command (cli.py adds it to every command)."""
    parser.add_argument("--region", type=region, metavar="区域配置",
                        help="县(市、区)名单、评估计划和示意图布局取自哪个区域配置：内置 yichun（默认，宜春市），"
                             "或 YAML 文件路径；也可用环境变量 YICHUN_REGION 设置。未给出时，工作簿文件夹中有 region.yaml 则用它"
                             "（见 docs/region-packs.md）")
