"""Many small files written by forked worker processes.

Tens of thousands of label files make writing syscall-bound; forked children inherit the data
they write (nothing is pickled) and take ranges of frames.  Each reports its counts, or its error
as one line, through a pipe.  Ctrl-C or SIGTERM in the parent kills the children and waits for
them; a child dies with its parent (PR_SET_PDEATHSIG), so no worker outlives the run.
"""

from __future__ import annotations

import json
import os
import select
import signal
from typing import Callable

from ...errors import ConvertError
from ...run import Run

MIN_PER_WORKER = 1024
"""Below this many items a second process costs more than it saves."""

Work = Callable[[int, int, Run], None]
"""Writes items lo..hi-1, counting in the run it is given."""


def run_in_workers(work: Work, n: int, workers: int, run: Run, desc: str) -> None:
    if workers <= 1 or n < MIN_PER_WORKER or run.dry_run:  # a dry run's plan lives in this process
        ranges = _ranges(n, 1)
        for lo, hi in run.bar(ranges, len(ranges), desc):
            work(lo, hi, run)
        return
    ranges = _ranges(n, workers)
    children: dict[int, int] = {}
    try:
        # Ctrl-C or SIGTERM between a fork and the bookkeeping of its child would leave a child
        # nobody stops, or run the parent's code in the child: both signals wait until it is done.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            for j in range(workers):
                read_end, write_end = os.pipe()
                pid = os.fork()
                if pid == 0:  # pragma: no cover -- the child's exit status is what is checked
                    os.close(read_end)
                    _child(work, ranges[j::workers], write_end, run, mask)
                os.close(write_end)
                children[read_end] = pid
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _collect(children, len(ranges), run, desc)
    finally:
        for pid in children.values():
            _stop(pid)


def _ranges(n: int, workers: int) -> list[tuple[int, int]]:
    step = max(256, -(-n // (workers * 8)))
    return [(lo, min(lo + step, n)) for lo in range(0, n, step)] or [(0, 0)]


def _child(work: Work, ranges: list[tuple[int, int]], pipe: int, parent: Run, mask: set) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    status = 1
    try:
        counts = Run(lenient=parent.lenient)
        for lo, hi in ranges:
            work(lo, hi, counts)
            os.write(pipe, b".")
        message = {"counts": dict(counts.counts), "notes": counts.notes}
        status = 0
    except ConvertError as exc:
        message = {"error": [exc.where, exc.message]}
    except BaseException as exc:  # noqa: BLE001 -- reported by the parent as one line
        message = {"error": [None, f"{type(exc).__name__}: {exc}"]}
    try:
        os.write(pipe, b"\n" + json.dumps(message).encode())
    finally:
        os._exit(status)


def _die_with_parent() -> None:
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 -- not Linux: the parent's `finally` still stops us
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _collect(children: dict[int, int], total: int, run: Run, desc: str) -> None:
    bar = run.bar(iter(int, 1), total, desc)
    buffers = {fd: b"" for fd in children}
    open_fds = set(children)
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [])
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
                os.close(fd)
                continue
            if b"\n" not in buffers[fd]:  # dots (ranges done) come before the closing message
                for _ in range(chunk.split(b"\n", 1)[0].count(b".")):
                    next(bar)
            buffers[fd] += chunk
    for fd, pid in list(children.items()):
        _, status = os.waitpid(pid, 0)
        del children[fd]
        _report(buffers[fd], status, run)


def _report(buffer: bytes, status: int, run: Run) -> None:
    _, _, tail = buffer.partition(b"\n")
    try:
        message = json.loads(tail) if tail else {}
    except ValueError:
        message = {}
    if "error" in message:
        raise ConvertError(*message["error"])
    if "counts" not in message or os.waitstatus_to_exitcode(status) != 0:
        raise ConvertError(None, f"a worker process ended without finishing (exit status {os.waitstatus_to_exitcode(status)})")
    for key, value in message["counts"].items():
        run.count(key, value)
    for note in message["notes"]:
        run.note(note)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
