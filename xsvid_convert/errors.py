"""The one error type a reader or writer lets escape.

Every message names where the problem is (``file:line`` or ``file:$.json.path``) so the CLI can
print it on one line and exit 2 without a traceback.
"""

from __future__ import annotations


class ConvertError(Exception):
    """Bad input or an impossible conversion, with the place it was found."""

    def __init__(self, where: str | None, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)
