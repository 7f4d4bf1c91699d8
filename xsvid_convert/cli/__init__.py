"""The `xsvid-convert` command line, built from the format registry: `--from/--to` choices, each
format's own options and the `<a>-to-<b>` shortcuts all come from the entries (`params.py`)."""

import gc
import signal
import sys
from typing import Any

_collecting = gc.isenabled()
gc.disable()  # the imports below make ~100k objects and no garbage: collecting them costs ~40 ms a start
from . import convert, inspect_commands  # noqa: E402,F401 -- importing them registers their commands
from .app import app  # noqa: E402

if _collecting:
    gc.enable()

__all__ = ["app", "main"]


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through every `finally`: temporary output removed, workers stopped


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    _keep_only_invoked(sys.argv[1:])
    app(prog_name="xsvid-convert")


def _keep_only_invoked(args: list[str]) -> None:
    """Build click objects for the command being run only (typer builds every command's ~30
    flags on each start, ~0.15 s); `--help`, completion and unknown names still see them all."""
    name = next((a for a in args if not a.startswith("-")), None)
    invoked = [c for c in app.registered_commands if c.name == name]
    if invoked and not any(a.startswith("--") and "completion" in a for a in args):
        app.registered_commands[:] = invoked
