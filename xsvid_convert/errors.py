"""The one error type a reader or writer lets escape.

Every message names where the problem is (``file:line`` or ``file:$.json.path``) so the CLI can
print it on one line and exit 2 without a traceback.
"""

from __future__ import annotations

from typing import Any

SHOWN = 80
"""Characters of a bad value an error message quotes: a 50 MB token must not become the message."""


class ConvertError(Exception):
    """Bad input or an impossible conversion, with the place it was found."""

    def __init__(self, where: str | None, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(one_line(f"{where}: {message}" if where else message))


def shown(value: Any, limit: int = SHOWN) -> str:
    """`repr(value)`, cut to `limit` characters: what an error message may quote of the input."""
    if isinstance(value, (str, bytes)) and len(value) > 4 * limit:
        value = value[: 4 * limit]  # repr of a huge string costs its size; cut first
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(text: str) -> str:
    """Control characters (a newline in a file name, say) shown escaped: an error is one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)
