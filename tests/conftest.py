"""Shared fixtures: write topologies, collect their problems."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable

import hypothesis  # noqa: F401  (see below)
import pytest

from peerstack.errors import Problem, TopologyError
from peerstack.plan import Plan, build_plan
from peerstack.topology import topology_from_text

# hypothesis is imported here, at the start, on purpose: its pytest plugin imports it late
# (in the terminal summary), and CPython 3.11.7 can then fail compiling it with
# "SystemError: AST constructor recursion depth mismatch" (fixed in later releases).

# peerstack creates no instances: moto need not load its thousands of default AMIs into
# every account and region an emulation touches, two thirds of a deploy's time. Set for
# the whole session (and the commands the tests run), unless the environment says.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

HEADER = """\
name: t
defaults: {account: net, region: us-east-1}
accounts:
  net: {id: "111111111111"}
  prod: {id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/peerstack"}
"""


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands print at 160 columns unless a test asks for a width (``COLUMNS``).

    Otherwise the width would be whatever the runner's streams report: a terminal, a
    pipe, or a pytest-xdist worker's channel, and wrapped words would move with it.
    """
    monkeypatch.setenv("COLUMNS", "160")


def _dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def plan_of() -> Callable[[str], Plan]:
    """Plan a topology written as YAML (HEADER is prepended unless the text has `name:`)."""

    def run(text: str) -> Plan:
        body = _dedent(text)
        if not body.startswith("name:"):
            body = HEADER + body
        return build_plan(topology_from_text(body, file="t.yaml"))

    return run


@pytest.fixture
def problems_of(plan_of: Callable[[str], Plan]) -> Callable[[str], list[Problem]]:
    """Every problem of a topology that must be invalid."""

    def run(text: str) -> list[Problem]:
        with pytest.raises(TopologyError) as info:
            plan_of(text)
        return list(info.value.problems)

    return run


@pytest.fixture
def one_problem(problems_of: Callable[[str], list[Problem]]) -> Callable[[str], Problem]:
    """The single problem of a topology with exactly one thing wrong."""

    def run(text: str) -> Problem:
        found = problems_of(text)
        assert len(found) == 1, "\n".join(str(p) for p in found)
        return found[0]

    return run


def _import_peerstack() -> None:
    """Import every peerstack module now, in the main thread.

    pytest rewrites the modules of packages with a pytest plugin (peerstack has one), and
    CPython 3.11.7 can fail with "SystemError: AST constructor recursion depth mismatch"
    when two threads compile at once (an inline program importing a module while the
    main thread reports a failure, say). Imported here, nothing compiles later.
    """
    import importlib
    import pkgutil

    import peerstack

    for module in pkgutil.walk_packages(peerstack.__path__, "peerstack."):
        if module.name != "peerstack.__main__":
            importlib.import_module(module.name)


_import_peerstack()
