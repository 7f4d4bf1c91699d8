"""The `xsvid-convert` command line, built from the format registry: `--from/--to` choices, each
format's own options and the `<a>-to-<b>` shortcuts all come from the entries (`params.py`)."""

import signal
from typing import Any

from . import convert, inspect_commands  # noqa: F401 -- importing them registers their commands
from .app import app

__all__ = ["app", "main"]


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # unwinds through every `finally`: temporary output removed, workers stopped


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    app(prog_name="xsvid-convert")
