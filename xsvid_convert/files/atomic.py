"""Atomic output: everything is written into a hidden temporary sibling and moved into place at
the end, so a run that fails or is killed at any instruction leaves the previous output, or
nothing; and two runs to one output never step on each other.

* A lock (`flock` on `.<name>.lock`) is held from before the temporary sibling is made until
  the output is in place: a second run to the same output waits, then finds the first one's
  output (and replaces it only with `--overwrite`).
* An existing output is replaced in one step by swapping the two paths (`renameat2` with
  `RENAME_EXCHANGE` on Linux); where that is not available, the old output is first renamed to
  `.<name>.old-<pid>`, and a later run finishes or undoes a replacement that a crash interrupted.
* A run removes only what dead runs of this program left: temporaries carry a marker file, and
  are looked at only while the lock is held (a live run would hold it).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from ..errors import ConvertError

MARKER = ".xsvid-convert-temporary"
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


@contextlib.contextmanager
def atomic_output(destination: Path, *, is_dir: bool, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling to write into; move it onto `destination` only on success."""
    destination = Path(os.path.abspath(destination))
    parent = destination.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConvertError(str(parent), f"cannot make the output's folder: {exc.strerror}") from None
    with _locked(parent / f".{destination.name}.lock"):
        _recover(destination)
        check_destination(destination, is_dir=is_dir, overwrite=overwrite)
        scratch = Path(tempfile.mkdtemp(prefix=f".{destination.name}.tmp-", dir=parent))
        try:
            (scratch / MARKER).write_text(str(os.getpid()), encoding="utf-8")
            target = scratch / "out"
            if is_dir:
                target.mkdir()
            yield target
            _put_in_place(target, destination)
        finally:
            _discard(scratch)


def _put_in_place(target: Path, destination: Path) -> None:
    if not (destination.exists() or destination.is_symlink()):
        os.rename(target, destination)
        return
    if target.is_dir() and not destination.is_symlink() and _exchange(target, destination):
        return  # the old output is now at `target`, inside the scratch folder removed next
    if not target.is_dir():
        os.replace(target, destination)  # one atomic step for a file
        return
    old = destination.parent / f".{destination.name}.old-{os.getpid()}"
    os.rename(destination, old)
    os.rename(target, destination)
    _remove(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _recover(destination: Path) -> None:
    """Finish what a killed run left (the lock is held, so no other run is at work): temporaries
    are removed, and an old output set aside by the two-rename replacement is put back if the
    new one never arrived, or removed if it did."""
    parent = destination.parent
    for stale in parent.glob(f".{destination.name}.tmp-*"):
        if (stale / MARKER).is_file() and not stale.is_symlink():
            _discard(stale)
    for old in sorted(parent.glob(f".{destination.name}.old-*")):
        if destination.exists() or destination.is_symlink():
            _remove(old)
        else:
            os.rename(old, destination)


def _discard(scratch: Path) -> None:
    """Remove a temporary folder, its marker last: a run killed half way through leaves a folder
    the next run still knows as ours."""
    shutil.rmtree(scratch / "out", ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(scratch / MARKER)
    shutil.rmtree(scratch, ignore_errors=True)


def _remove(path: Path) -> None:
    """Remove a file, a link or a folder (never following a link out of it)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path`, removed when released.  After the lock is taken, the file
    must still be the one at `path`: a run that waited on a file the previous holder removed
    tries again, so two runs never both hold the lock."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.fstat(fd).st_ino == os.stat(path, follow_symlinks=False).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)


def check_destination(destination: Path, *, is_dir: bool, overwrite: bool) -> None:
    """Refuse to replace an output unless asked to (an empty folder may always be filled); a
    link in the output's place is replaced, never followed."""
    if not (destination.exists() or destination.is_symlink()):
        return
    if is_dir and destination.is_dir() and not destination.is_symlink() and not any(destination.iterdir()):
        return
    if not overwrite:
        raise ConvertError(str(destination), "output exists; pass --overwrite to replace it")
    if not destination.is_symlink() and is_dir != destination.is_dir():
        kind = "folder" if destination.is_dir() else "file"
        raise ConvertError(str(destination), f"output exists and is a {kind}; remove it first")
