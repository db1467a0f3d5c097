"""Parsing each workbook in a child process with bounded memory and time, so that one file that
crashes or exhausts the reader never takes the batch down.

`parse_isolated(todo, workers, parse_one)` yields one `FileResult` per item, in input order. Each
file is parsed in a child whose address space may grow by `isolation.memory_mb` beyond what it
inherited and which is killed after `isolation.seconds` (yichun/data/intake_rules.yaml): a child
that is killed, runs out of memory or dies (the native reader aborts on a failed allocation) is
turned into one 错误 naming the file and what happened, and the other files are read.

Children are forked when this process has a single thread (the CLI, a script); a process with
live threads (a Jupyter kernel) must not fork, so there the files go to one helper interpreter
started with `python -m yichun.intake.isolate` (restarted after a file kills it). The native
reader's own crash output goes to a scratch file, never to the user's terminal.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from yichun.errors import ERROR, Problem
from yichun.intake.rules import Limits, rules

EXIT_MEMORY = 3


def _address_space() -> int:
    """This process's virtual size in bytes (VmSize), 0 when unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def limit_self(limits: Limits) -> None:
    """Bound this (child) process for its next file: address space = what it has + the per-file
    budget; CPU time = what it has used + the per-file seconds."""
    import resource

    soft = _address_space() + limits.memory_bytes
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or soft <= hard:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime + limits.seconds) + 5  # CPU time is counted over the worker's life
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or cpu <= hard:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))


def failure(item, what: str, limits: Limits):
    """The FileResult of a file whose child did not come back."""
    from yichun.intake.reader import FileResult

    _path, rel, sha = item[0], item[1], item[2]
    if what == "timeout":
        message = (f"读取该工作簿超过 {limits.seconds:g} 秒仍未完成，已中止（上限见 intake_rules.yaml 的 isolation.seconds）；其他工作簿照常读取。"
                   "县级采集表通常不到 1 秒即可读完，请检查文件是否异常庞大或已损坏，并在 Excel 中重新保存为 .xlsx。")
    elif what == "memory":
        message = (f"读取该工作簿所需内存超过 {limits.memory_bytes / 1024 / 1024:.0f} MB 的上限，已中止（上限见 intake_rules.yaml 的 isolation.memory_mb）；"
                   "其他工作簿照常读取。疑似恶意或损坏的文件，请在 Excel 中检查并重新保存为 .xlsx。")
    else:
        message = (f"读取该工作簿时读取程序异常退出（{what}），已中止；其他工作簿照常读取。"
                   "请在 Excel 中打开并重新保存为 .xlsx 后再导入。")
    res = FileResult(file=rel, sha256=sha, status="refused")
    res.problems.append(Problem(ERROR, "工作簿无法读取", message, rel))
    return res


def _what(code: int | None, sig: int | None, log: Path) -> str:
    """timeout / memory / a description of how a child ended (exit code, or the signal that ended it)."""
    try:
        text = log.read_bytes()[-4096:].decode("utf-8", "replace")
    except OSError:
        text = ""
    if "memory allocation" in text or "MemoryError" in text or "Cannot allocate memory" in text:
        return "memory"
    if code is not None:
        return "memory" if code == EXIT_MEMORY else f"退出码 {code}"
    if sig is not None:
        if sig == signal.SIGXCPU:
            return "timeout"
        if sig == signal.SIGABRT:
            return "memory" if not text else "程序中止"
        return f"信号 {signal.Signals(sig).name}"
    return "未知原因"


def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _recv(stream):
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def _serve(stdin, stdout, parse_one: Callable, limits: Limits) -> None:
    """A worker's loop: read an item, parse it under the limits, answer; until its input closes."""
    while True:
        try:
            item = _recv(stdin)
        except EOFError:
            return
        limit_self(limits)
        try:
            result = parse_one(item)
        except MemoryError:
            os._exit(EXIT_MEMORY)
        _send(stdout, result)


class _Worker:
    """A child parsing the items sent to it one at a time: forked, or a fresh interpreter."""

    def __init__(self, parse_one: Callable, log: Path, limits: Limits, fork: bool):
        self.log, self.item, self.started = log, -1, 0.0  # item: the index of the file it is parsing
        self.proc: subprocess.Popen | None = None
        self.stdin: Any
        self.stdout: Any
        if fork:
            in_r, in_w = os.pipe()  # parent → child
            out_r, out_w = os.pipe()  # child → parent
            pid = os.fork()
            if pid == 0:  # the child: never returns
                code = 0
                try:
                    os.close(in_w)
                    os.close(out_r)
                    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    os.dup2(fd, 2)
                    import faulthandler

                    faulthandler.disable()  # an inherited handler may write to the user's terminal
                    os.environ["RUST_BACKTRACE"] = "0"
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
                    _serve(os.fdopen(in_r, "rb"), os.fdopen(out_w, "wb"), parse_one, limits)
                except BaseException:  # noqa: BLE001 — whatever happens, the child ends here (told in its log)
                    import traceback

                    traceback.print_exc()
                    code = 4
                os._exit(code)
            os.close(in_r)
            os.close(out_w)
            self.pid, self.proc = pid, None
            self.stdin, self.stdout = os.fdopen(in_w, "wb"), os.fdopen(out_r, "rb")
        else:
            with open(log, "wb") as err:
                self.proc = subprocess.Popen([sys.executable, "-m", "yichun.intake.isolate"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=err, env=dict(os.environ, RUST_BACKTRACE="0"))
            self.pid, self.stdin, self.stdout = self.proc.pid, self.proc.stdin, self.proc.stdout

    def send(self, index: int, item) -> bool:
        self.item, self.started = index, time.monotonic()
        try:
            _send(self.stdin, item)
            return True
        except OSError:
            return False

    def fileno(self) -> int:
        return self.stdout.fileno()

    def end(self, kill: bool = True) -> tuple[int | None, int | None]:
        """Stop the child; (exit code, signal) of how it ended."""
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        if self.proc is not None:
            rc = self.proc.wait()
            return (rc, None) if rc >= 0 else (None, -rc)
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            return None, None
        return (os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                os.WTERMSIG(status) if os.WIFSIGNALED(status) else None)


def parse_isolated(todo: list, workers: int, parse_one: Callable) -> Iterator:
    """Each item parsed in a bounded child process; results in input order."""
    import select

    if not todo:
        return
    limits = rules().limits
    fork = threading.active_count() == 1 and hasattr(os, "fork")
    if fork:
        import gc

        from yichun.intake.reader import warm

        warm()
        # objects alive now are never collected by the children: their collections then skip
        # them, and do not touch (and so copy) the pages they share with this process
        gc.freeze()
    n = max(1, min(workers, len(todo))) if fork else 1
    results: dict[int, object] = {}
    idle: list[_Worker] = []
    busy: dict[int, _Worker] = {}  # fileno → worker
    nxt = emitted = 0
    with tempfile.TemporaryDirectory(prefix="yichun-parse-") as scratch:
        logs = iter(Path(scratch) / f"worker{k}.log" for k in range(10**9))
        try:
            while emitted < len(todo):
                while nxt < len(todo) and len(busy) < n:
                    w = idle.pop() if idle else _Worker(parse_one, next(logs), limits, fork)
                    w.send(nxt, todo[nxt])
                    busy[w.fileno()] = w
                    nxt += 1
                wait = max(0.0, min(w.started + limits.seconds for w in busy.values()) - time.monotonic())
                ready, _, _ = select.select(list(busy), [], [], wait)
                for fd in ready:
                    w = busy.pop(fd)
                    try:
                        results[w.item] = _recv(w.stdout)
                        idle.append(w)
                    except (EOFError, OSError, pickle.UnpicklingError):
                        code, sig = w.end(kill=False)
                        results[w.item] = failure(todo[w.item], _what(code, sig, w.log), limits)
                now = time.monotonic()
                for fd, w in list(busy.items()):
                    if now - w.started > limits.seconds:
                        del busy[fd]
                        w.end()
                        results[w.item] = failure(todo[w.item], "timeout", limits)
                while emitted in results:
                    yield results.pop(emitted)
                    emitted += 1
        finally:
            for w in [*idle, *busy.values()]:
                w.end()
            if fork:
                gc.unfreeze()


def _main() -> None:
    from yichun.intake.ingest import _parse_one

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but results on the pipe
    _serve(stdin, stdout, _parse_one, rules().limits)


if __name__ == "__main__":
    _main()
