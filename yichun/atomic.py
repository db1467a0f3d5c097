"""Atomic file writes: every output is written to a temporary file beside its target and
renamed over it only when complete, so a failed run never leaves a half-written file; a set
of files (a folder) is committed as a whole.

    with replacing(path) as tmp:      # any writer that takes a path
        workbook.save(tmp)
    write_text(path, html)
    write_csv(frame, path)            # the stable CSV form of `yichun assess` / `project`
    with locked(out), folder(out) as tmp:   # a whole set: the old one or the new, never a mix
        write_csv(frame, tmp / "cv.csv")

A write that fails on a read-only or full disk raises OutputError (exit 1) with a Chinese
message naming the folder; another run holding the folder's lock is refused the same way.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from yichun.errors import YichunError


@cache
def _file_mode() -> int:
    """0666 less the process umask: what a plain open() would create (mkstemp makes 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def replacing(path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder (same suffix); on success it replaces
    `path`, on any failure it is removed and `path` is left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, _file_mode())
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path, data: bytes) -> Path:
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path, text: str, encoding: str = "utf-8") -> Path:
    with replacing(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)


def csv_text(frame) -> str:
    """A frame as CSV text: booleans true/false, missing values empty, floats at full precision;
    text that a spreadsheet could take for a formula gets a leading ' (yichun.cellsafe)."""
    import pandas as pd

    from yichun.cellsafe import neutralise_frame

    out = neutralise_frame(frame)
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[c] = s.map(lambda v: "" if v is pd.NA else ("true" if v else "false")).astype(object)
    return out.to_csv(index=False, lineterminator="\n")


def write_csv(frame, path) -> Path:
    """CSV for analysts and outside checks: UTF-8 with BOM (Excel opens it), see `csv_text`."""
    return write_text(path, csv_text(frame), encoding="utf-8-sig")


# ----------------------------------------------------------------------------- a set of files as a whole


class OutputError(YichunError):
    """An output folder that cannot be written (read-only, full, locked): exit 1, a Chinese message."""

    exit_code = 1


def disk_message(folder, exc: OSError) -> str:
    """A Chinese message for a failed write, naming the folder (never the system's English text)."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    if code in (errno.ENOSPC, errno.EDQUOT) or "No space left" in text or "quota" in text.lower():
        why = "磁盘空间已满（或超出磁盘配额）。请清理磁盘空间后重试"
    elif code in (errno.EROFS,) or "Read-only file system" in text:
        why = "磁盘或文件夹是只读的。请换一个可写的文件夹（--out）后重试"
    elif code in (errno.EACCES, errno.EPERM) or "Permission denied" in text:
        why = "没有写入权限。请检查该文件夹的权限，或换一个可写的文件夹（--out）后重试"
    else:
        name = errno.errorcode.get(code, "") if code else ""
        why = f"系统报告写入失败{f'（{name}）' if name else ''}。请检查磁盘和文件夹后重试"
    return f"无法写入输出文件夹 {folder}：{why}。本次写到一半的文件已删除，文件夹中上次的结果保持不变。"


@contextmanager
def disk_errors(folder) -> Iterator[None]:
    """OSError from writing into `folder` → OutputError with a Chinese message."""
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(disk_message(folder, exc)) from None


@contextmanager
def locked(folder) -> Iterator[None]:
    """Only one yichun run writes an output folder at a time: a second one is refused with a message.

    The lock is an flock on a hidden file beside the folder; the system releases it when the
    process ends in any way (also kill -9), so a crashed run never leaves a stale lock."""
    import fcntl

    folder = Path(folder).absolute()
    with disk_errors(folder):
        folder.parent.mkdir(parents=True, exist_ok=True)
        fh = open(folder.parent / f".{folder.name}.lock", "a+b")  # noqa: SIM115 — held for the whole block
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"另一个 yichun 命令正在写入 {folder}，为避免两次运行的结果混在一起，本次未运行。请等它结束后再试。") from None
        yield
    finally:
        fh.close()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def recover(folder) -> None:
    """Undo what an interrupted commit of `folder` left: a folder set aside is put back, half-written
    new sets are removed. Call with the folder's lock held."""
    import shutil

    folder = Path(folder).absolute()
    parent = folder.parent
    if not parent.is_dir():
        return
    aside = sorted(parent.glob(f".{glob_escape(folder.name)}.old-*"))
    if aside and not folder.exists():
        os.rename(aside.pop(), folder)
    for p in [*aside, *parent.glob(f".{glob_escape(folder.name)}.new-*")]:
        shutil.rmtree(p, ignore_errors=True)


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _carry(entry: os.DirEntry, dest: Path) -> None:
    """A file of the old folder that this run does not write is kept (hard link, else copy)."""
    import shutil

    if entry.is_dir(follow_symlinks=False):
        shutil.copytree(entry.path, dest, symlinks=True, copy_function=_link_or_copy)
    elif entry.is_symlink():
        os.symlink(os.readlink(entry.path), dest)
    else:
        _link_or_copy(entry.path, dest)


def _link_or_copy(src, dest) -> None:
    import shutil

    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


CARRY_MAX = 20  # files of the old folder a run does not write, kept by hard links when swapping


def _swappable(path: Path, written: set[str], move: tuple[str, ...]) -> bool:
    """Whether `path` may be replaced as a whole: it holds only this kind of set plus a few small
    files (a README), and no process works inside it (a folder someone stands in is never swapped)."""
    try:
        cwd = Path.cwd().resolve()
        if cwd == path.resolve() or path.resolve() in cwd.parents:
            return False
    except OSError:
        return False
    foreign = [e for e in os.scandir(path) if e.name not in written and e.name not in move and not e.name.startswith(".yichun")]
    return len(foreign) <= CARRY_MAX and all(e.is_file(follow_symlinks=False) for e in foreign)


def _in_place(tmp: Path, path: Path) -> None:
    """Move a new set into a folder that also holds other things: entry by entry (a folder
    entry is exchanged whole), so only the set's own names change."""
    import shutil

    for entry in sorted(os.listdir(tmp)):
        src, dest = tmp / entry, path / entry
        if src.is_dir() and dest.is_dir() and not dest.is_symlink():
            if _exchange(src, dest):
                shutil.rmtree(src, ignore_errors=True)
                continue
            shutil.rmtree(dest)
        os.replace(src, dest)


@contextmanager
def folder(path, *, move: tuple[str, ...] = ()) -> Iterator[Path]:
    """Write a set of files as a whole: yields an empty temporary folder beside `path`; when the block
    succeeds, it replaces `path` in one step, so a reader sees either the old set or the new one,
    never a mix (a few small files of the old folder that the run does not write, such as a
    README, are kept; entries named in `move`, such as a cache, are moved over). A folder that
    holds much else, or that a process works in, is not swapped: the set's files are moved into
    it one by one. On any failure the temporary folder is removed and `path` is left as it was;
    an OSError becomes an OutputError with a Chinese message naming the folder.

    Hold `locked(path)` around it when several processes may write the same folder."""
    import shutil

    path = Path(path).absolute()
    tmp = None
    with disk_errors(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            recover(path)
            tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.new-", dir=path.parent))
            os.chmod(tmp, _file_mode() | 0o111)  # as a plain mkdir would (mkdtemp makes 0700)
            yield tmp
            written = set(os.listdir(tmp))
            if not path.is_dir():
                os.rename(tmp, path)
            elif not _swappable(path, written, move):
                _in_place(tmp, path)
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                shutil.copymode(path, tmp)
                for entry in os.scandir(path):
                    if entry.name in move or os.path.lexists(tmp / entry.name):
                        continue
                    _carry(entry, tmp / entry.name)
                for name in move:
                    if os.path.lexists(path / name) and not os.path.lexists(tmp / name):
                        os.rename(path / name, tmp / name)
                if _exchange(tmp, path):
                    shutil.rmtree(tmp, ignore_errors=True)  # now the old set
                else:
                    aside = path.parent / f".{path.name}.old-{os.getpid()}"
                    os.rename(path, aside)
                    os.rename(tmp, path)
                    shutil.rmtree(aside, ignore_errors=True)
            tmp = None
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
