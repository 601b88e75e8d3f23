"""Imports run one way: topology -> plan -> components/verify -> emulator/automation ->
testing/diff -> render -> cli, and never back.

Every import of every module counts, type-only ones (``if TYPE_CHECKING:``) and those
inside functions included: a dependency is a dependency, however late it is loaded.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

PACKAGE = ROOT / "peerstack"

RANKS: dict[str, float] = {
    # leaves: text escaping below the errors that use it, the rest beside them
    "peerstack._text": -1,
    "peerstack.errors": 0,
    "peerstack._cidr": 0,
    "peerstack._regions": 0,
    "peerstack._tokens": 0,
    "peerstack._gc": 0,
    # the topology format, then the plan and its reachability model
    "peerstack.topology": 1,
    "peerstack._reachability": 1.5,
    "peerstack.plan": 2,
    # the IAM each account needs, derived from the plan
    "peerstack.iam": 2.5,
    # Pulumi components, and running programs under mocks
    "peerstack._components": 3,
    "peerstack._runtime": 3,
    # reading AWS and comparing it with a plan
    "peerstack.verify": 4,
    # the emulated AWS and engine; the Automation API
    "peerstack.emulator": 5,
    "peerstack.automation": 5,
    # what users' tests import; what a change does
    "peerstack.testing": 6,
    "peerstack._diff": 6.5,
    # what people read, and the command line
    "peerstack._render": 7,
    "peerstack._cli": 8,
}
"""Each part of peerstack and its place: a module imports only from lower places (or its
own part). ``peerstack/__init__.py`` is the front door and may name anything."""

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
