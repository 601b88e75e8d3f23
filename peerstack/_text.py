"""Text from a topology made safe to show: escaped control characters, bounded length.

A topology is untrusted input. Whatever of it reaches a terminal or a CI log goes through
:func:`printable` (so an escape sequence in a key cannot clear or recolour the screen),
and values quoted in messages go through :func:`shown` (so a megabyte-long value does not
become a megabyte-long message).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["plural", "printable", "shown"]

# C0 controls (tab and newline too: a message is one line), DEL, C1 controls, and the
# Unicode bidirectional overrides and isolates that reorder what a reader sees.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control or bidi character written as a ``\\x..`` escape."""
    return _UNSAFE.sub(_escape, text)


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to about ``limit`` characters (``'abc…'``) when longer."""
    try:
        text = repr(value)
    except Exception:  # a caller's object whose __repr__ fails still gets a message
        return f"<{type(value).__name__}>"
    if len(text) <= limit:
        return text
    if isinstance(value, str):
        return repr(value[: max(limit - 10, 8)])[:-1] + f"…' ({len(value)} characters)"
    return text[: limit - 1] + "…"


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 VPC``, ``2 VPCs``, ``0 routes``."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"
