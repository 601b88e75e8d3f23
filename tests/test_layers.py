"""Imports run one way, down the written layers (:data:`LAYERS`), and never back.

Every import of every module counts, type-only ones (``if TYPE_CHECKING:``) and those
inside functions included: a dependency is a dependency, however late it is loaded.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

PACKAGE = ROOT / "peerstack"

LAYERS = """\
_text
errors, _cidr, _gc, _facts, _provider
topology
_reachability
plan
iam
_components, verify
_runtime, discover
_results
automation, _diff
emulator
testing
_render
_cli
"""
"""The layers of peerstack, lowest first (CONTRIBUTING.md quotes this block): a module
imports only from the lines before its own, or from its own part. AWS facts
(``_facts``) and provider and engine facts (``_provider``) are leaves every layer may
import; the result types (``_results``) sit below both engines, which share them; the
emulator sits above automation, since it runs the real engine against itself too;
render, the presentation, sits above automation and verify; the command line is last. ``peerstack/__init__.py`` is the front door and may name anything."""

RANKS: dict[str, int] = {
    f"peerstack.{part.strip()}": rank
    for rank, line in enumerate(LAYERS.splitlines())
    for part in line.split(",")
}

FRONT_DOOR = {"peerstack", "peerstack.__main__"}


def _part(module: str) -> str | None:
    """The part of peerstack a module belongs to (the longest matching prefix)."""
    found = [p for p in RANKS if module == p or module.startswith(p + ".")]
    return max(found, key=len) if found else None


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from peerstack import _tokens` names a module too
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.split(".")[0] == "peerstack"]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_the_contributing_guide_quotes_the_layers() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    assert f"```text\n{LAYERS}```" in guide, "CONTRIBUTING.md must quote LAYERS verbatim"


def test_every_module_has_a_place() -> None:
    homeless = [
        _module_name(p)
        for p in MODULES
        if _module_name(p) not in FRONT_DOOR and _part(_module_name(p)) is None
    ]
    assert homeless == [], "give these a place in RANKS"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_imports_run_one_way(path: Path) -> None:
    module = _module_name(path)
    if module in FRONT_DOOR:
        return
    part = _part(module)
    assert part is not None
    wrong = []
    for line, target in _imports(path, module):
        other = _part(target)
        if other is None or other == part:
            continue  # the front door itself, or a module of the same part
        if RANKS[other] >= RANKS[part]:
            wrong.append(f"line {line}: {target} ({other} is not below {part})")
    assert wrong == []
