"""The `yichun` command: subcommands are the modules of `yichun.commands`.

Each command module defines NAME, HELP, `register(parser)` and `run(args) -> int`; heavy
imports live inside `run`, so `yichun --help` stays fast. A `YichunError` is printed as
its Chinese message (exit 2, no traceback); anything else is an internal error (exit 1).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import traceback
from pathlib import Path

from yichun import __version__
from yichun.errors import YichunError


def _command_modules():
    import yichun.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"yichun.commands.{info.name}")


def build_parser():
    from yichun.commands._args import ChineseParser, add_region

    parser = ChineseParser(
        prog="yichun",
        add_help=False,
        description="宜春市县域义务教育优质均衡发展与学前教育普及普惠分析工具",
        epilog="每个子命令的用法：yichun <子命令> --help",
    )
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出")
    parser.add_argument("--version", action="version", version=f"yichun {__version__}", help="显示版本号并退出")
    parser._positionals.title = "位置参数"
    parser._optionals.title = "选项"
    sub = parser.add_subparsers(title="子命令", dest="command", metavar="<子命令>")
    modules = sorted(_command_modules(), key=lambda m: getattr(m, "ORDER", 50))
    for module in modules:
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP, add_help=False)
        p._optionals.title = "选项"
        p._positionals.title = "位置参数"
        p.add_argument("-h", "--help", action="help", help="显示帮助并退出")
        module.register(p)
        add_region(p)
        p.set_defaults(_run=module.run, _module=module)
    return parser


def _region(args):
    """The region pack the command runs under: --region, else YICHUN_REGION, else the raw folder's region.yaml
    (commands that read workbooks; `--raw`, default data/raw), else Yichun's. A command module with
    FOLDER_REGION = False (sample, which writes a folder) does not look in the folder."""
    from yichun import paths
    from yichun.region import pack_for_folder, use_region

    folder = None
    if getattr(args._module, "FOLDER_REGION", True):
        folder = getattr(args, "raw", None) or paths.raw_dir()
    return use_region(pack_for_folder(folder, args.region))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 0
    try:
        with _region(args):
            return int(args._run(args) or 0)
    except YichunError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        for problem in getattr(exc, "problems", [])[:200]:
            print(f"  {problem}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except OSError as exc:  # a disk or permission failure outside the guarded writers: Chinese, no system text
        from yichun.atomic import disk_message

        where = Path(exc.filename).parent if getattr(exc, "filename", None) else Path.cwd()
        if os.environ.get("YICHUN_DEBUG"):
            traceback.print_exc()
        print(f"错误：{disk_message(where, exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 — the last line of defence: a message, not a traceback
        if os.environ.get("YICHUN_DEBUG"):
            traceback.print_exc()
        print(f"内部错误（{type(exc).__name__}）：{exc}\n设置环境变量 YICHUN_DEBUG=1 可查看详细调用栈。", file=sys.stderr)
        return 1
