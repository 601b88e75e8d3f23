"""Where things are in the repository, spelled once."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = ROOT / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
"""Every valid example topology (the invalid ones live in examples/invalid/)."""
TOPOLOGY_DOC = ROOT / "docs" / "topology.md"
"""The topology format, for users; its examples run in tests/test_docs.py."""


def example(name: str) -> Path:
    """``examples/<name>.yaml``."""
    path = EXAMPLES_DIR / f"{name}.yaml"
    assert path.exists(), path
    return path
