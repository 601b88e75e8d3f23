"""Text made safe to show: escaped control characters, bounded length, no secrets.

A topology is untrusted input. Whatever of it reaches a terminal or a CI log goes through
:func:`printable` (so an escape sequence in a key cannot clear or recolour the screen),
and values quoted in messages go through :func:`shown` (so a megabyte-long value does not
become a megabyte-long message). Errors from Pulumi, botocore or an endpoint go through
:func:`scrub` before anyone sees them, on every path (deploy and verify alike), so that
neither the environment's secrets nor credentials written into a URL are printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["SECRET", "plural", "printable", "scrub", "shown"]

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


SECRET = "[secret]"
"""What a scrubbed secret reads as."""

_SECRET_ENV = (
    "PULUMI_CONFIG_PASSPHRASE",
    "PULUMI_ACCESS_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)

# The user-info part of a URL (``scheme://user:password@host``): botocore and urllib3 quote
# the endpoint URL whole in their errors, credentials included.
_URL_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#\s@]+@")


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret replaced by ``[secret]``.

    Besides ``secrets``, the values of PULUMI_CONFIG_PASSPHRASE (and the contents of the
    file PULUMI_CONFIG_PASSPHRASE_FILE names), PULUMI_ACCESS_TOKEN, AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN are scrubbed, and so is the user and
    password of any URL (``http://user:secret@host`` reads ``http://[secret]@host``).
    """
    values = {s for s in secrets if s and len(s) >= 4}
    values.update(v for name in _SECRET_ENV if len(v := os.environ.get(name, "")) >= 4)
    values.update(v for v in _passphrase_from_file() if len(v) >= 4)
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, SECRET)
    return _URL_USERINFO.sub(rf"\g<scheme>{SECRET}@", text)


def _passphrase_from_file() -> tuple[str, ...]:
    """The passphrase PULUMI_CONFIG_PASSPHRASE_FILE holds, as read and stripped."""
    path = os.environ.get("PULUMI_CONFIG_PASSPHRASE_FILE")
    if not path:
        return ()
    try:
        with open(path, encoding="utf-8") as handle:
            passphrase = handle.read(4096)
    except OSError:
        return ()
    return (passphrase, passphrase.strip())
