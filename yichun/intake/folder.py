"""Walking a folder of county workbooks: every file is accounted for.

`survey(raw_dir)` lists the workbooks to read (.xlsx, .xls, .ods and the macro-enabled kinds,
which the guards refuse) and, for every other entry, what becomes of it: a file yichun cannot
read but a county may send as its data (WPS .et, .csv, a .zip of workbooks, .xlsb …) is an 错误
saying what to do (save as .xlsx); any other file is a 警告 naming it; a symbolic link that
leads outside the folder is not followed (错误: its workbook would otherwise be missing without
a word); the project's own files (README, the schedule) and Excel's lock files (`~$…`) are
listed in the report. Hidden entries (a leading dot) are passed over and counted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from yichun.errors import ERROR, WARNING, Problem
from yichun.intake.rules import rules

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xltx", ".xltm", ".ods")


@dataclass
class Survey:
    workbooks: list[tuple[Path, str]] = field(default_factory=list)  # (path, posix path relative to the folder)
    problems: list[Problem] = field(default_factory=list)  # files not read, as problems (one each)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (relative path, why it is not read): report only
    hidden: int = 0

    @property
    def others(self) -> dict[str, str]:
        """Every file not read, with its kind (for the manifest: a new one makes a run re-check)."""
        return {**{p.file: p.kind for p in self.problems}, **{rel: "说明" for rel, _ in self.notes}}


def _inside(target: Path, root: Path) -> bool:
    try:
        target.relative_to(root)
        return True
    except ValueError:
        return False


def _other(rel: str, name: str) -> Problem | None:
    r = rules()
    suffix = Path(name).suffix.lower()
    advice = r.unreadable_files.get(suffix)
    if advice is not None:
        return Problem(ERROR, "无法读取的文件", f"{advice}（yichun 只读取 .xlsx、.xls 和 .ods 工作簿）。", rel)
    return Problem(WARNING, "不是工作簿", "该文件不是工作簿(.xlsx/.xls/.ods)，未读取；若其中有本县数据，请按模板填写 .xlsx 后放入文件夹，否则请移出。", rel)


def survey(raw_dir: Path) -> Survey:
    root = Path(raw_dir)
    real_root = root.resolve()
    out = Survey()
    project = rules().project_files
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        kept = []
        for d in sorted(dirs):
            p = here / d
            rel = p.relative_to(root).as_posix()
            if d.startswith("."):
                out.hidden += 1
            elif p.is_symlink():
                target = p.resolve()
                if _inside(target, real_root):
                    out.notes.append((rel + "/", f"指向文件夹内 {target.relative_to(real_root).as_posix()} 的符号链接，未重复读取"))
                else:
                    out.problems.append(Problem(ERROR, "符号链接未跟随", f"这是指向文件夹之外（{target}）的符号链接，为安全起见未读取其中的文件；如需导入，请把工作簿复制到文件夹内。", rel + "/"))
            else:
                kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            p = here / name
            rel = p.relative_to(root).as_posix()
            if name.startswith("."):
                out.hidden += 1
                continue
            if name.startswith("~$"):
                out.notes.append((rel, "Excel 打开工作簿时留下的临时锁定文件，已忽略"))
                continue
            if p.is_symlink():
                target = p.resolve()
                if not _inside(target, real_root):
                    out.problems.append(Problem(ERROR, "符号链接未跟随", f"这是指向文件夹之外（{target}）的符号链接，为安全起见未读取；如需导入，请把工作簿复制到文件夹内。", rel))
                    continue
                if target.is_file():
                    out.notes.append((rel, f"指向文件夹内 {target.relative_to(real_root).as_posix()} 的符号链接，未重复读取"))
                    continue
            if not p.is_file():
                out.problems.append(Problem(WARNING, "不是工作簿", "这不是普通文件（设备、管道或失效的链接），未读取。", rel))
                continue
            if rel in project:
                out.notes.append((rel, "项目自带的说明或数据文件，不是县级工作簿"))
            elif name.lower().endswith(WORKBOOK_SUFFIXES):
                out.workbooks.append((p, rel))
            elif (other := _other(rel, name)) is not None:
                out.problems.append(other)
    out.workbooks.sort(key=lambda t: t[1])
    out.problems.sort(key=lambda p: p.file)
    return out
