"""Colours shared by every view of changes (preview, up, diff)."""

from __future__ import annotations

__all__ = ["OP_STYLE"]

OP_STYLE = {
    "create": "green",
    "import": "cyan",
    "update": "yellow",
    "replace": "magenta",
    "delete": "red",
}
"""A resource operation -> its rich style."""
