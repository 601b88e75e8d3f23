"""A fuzzer over YAML text and over data: whatever the input, a Plan or a located TopologyError.

Derandomized with a bounded budget, so CI runs the same examples every time and stays
quick; a failure prints the input that caused it.
"""

from __future__ import annotations

import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerstack.errors import TopologyError
from peerstack.plan import build_plan
from peerstack.topology import topology_from_data, topology_from_text
from tests.helpers.paths import EXAMPLES

fuzz = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SEEDS = [path.read_text() for path in EXAMPLES] + [
    'name: t\ndefaults: {region: us-east-1}\naccounts: {n: {id: "111111111111"}}\n'
    "x-base: &b {cidr: 10.0.0.0/16, tags: {team: net}}\n"
    "vpcs:\n  a: {<<: *b}\n  b: {<<: *b, cidr: 10.1.0.0/16}\n"
    "meshes:\n  - {name: m, members: [a, b]}\n"
]

# Characters that matter to YAML, to peerstack's names and CIDRs, and to terminals.
ALPHABET = st.sampled_from(
    [
        *":{}[],&*!|>'\"%@`#-?.<=/\\ \t\n\r0123456789abcxyz",
        *("\x00", "\x1b", "\x07", "\x85", "\u202e", "\ufeff", "é", "𝔸", "<<", "~", "null"),  # noqa: RUF001
    ]
)
SLOW = 10.0
"""Seconds any single input may take: a hang (or an unbounded expansion) fails the test."""


def _check(run: Any, *, text: bool) -> None:
    started = time.monotonic()
    try:
        plan = run()
    except TopologyError as exc:
        assert exc.problems, "a TopologyError lists its problems"  # noqa: PT017
        for problem in exc.problems:
            assert problem.message
            if text:
                assert problem.line is not None, str(problem)
    else:
        assert plan.topology
    assert time.monotonic() - started < SLOW


@st.composite
def mutated_yaml(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "swap"]))
        index = draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
        if kind == "insert":
            chunk = "".join(draw(st.lists(ALPHABET, min_size=1, max_size=6)))
            text = text[:index] + chunk + text[index:]
        elif kind == "delete":
            size = draw(st.integers(min_value=1, max_value=12))
            text = text[:index] + text[index + size :]
        elif kind == "replace":
            text = text[:index] + draw(ALPHABET) + text[index + 1 :]
        elif kind == "duplicate" and lines:
            at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines.insert(at, lines[at])
            text = "\n".join(lines)
        elif kind == "swap" and len(lines) > 1:
            at = draw(st.integers(min_value=0, max_value=len(lines) - 2))
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
            text = "\n".join(lines)
    return text


@fuzz
@given(mutated_yaml())
def test_mutated_yaml_plans_or_is_refused_with_lines(text: str) -> None:
    _check(lambda: build_plan(topology_from_text(text, file="fuzz.yaml")), text=True)


@fuzz
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_any_text_plans_or_is_refused_with_lines(text: str) -> None:
    _check(lambda: build_plan(topology_from_text(text, file="fuzz.yaml")), text=True)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True),
    st.lists(ALPHABET, max_size=6).map("".join),
    st.sampled_from(["a", "b", "10.0.0.0/16", "us-east-1", "111111111111", "main", "x-y"]),
)
KEYS = st.one_of(
    st.sampled_from(
        ["name", "vpcs", "cidr", "accounts", "id", "tags", "routes", "a", "b", "to", "members"]
    ),
    st.lists(ALPHABET, max_size=3).map("".join),
    st.integers(min_value=0, max_value=3),
    st.none(),
    st.tuples(st.integers(0, 2)),
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    # A named function: hypothesis reads its source to check that it recurses, which
    # for a lambda inside a call sometimes fails and warns.
    return st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4))


VALUES = st.recursive(SCALARS, _containers, max_leaves=20)

VALID: dict[str, Any] = {
    "name": "t",
    "defaults": {"region": "us-east-1", "tags": {"team": "net"}},
    "accounts": {"n": {"id": "111111111111"}, "p": {"id": "222222222222"}},
    "vpcs": {
        "a": {"cidr": "10.0.0.0/16", "subnets": [{"name": "s", "cidr": "10.0.1.0/24", "az": "a"}]},
        "b": {"cidr": "10.1.0.0/16", "account": "p", "region": "eu-west-1", "ipv6": True},
        "c": {"existing": {"vpc_id": "vpc-11111111", "cidrs": ["10.2.0.0/16"]}, "account": "n"},
    },
    "peerings": [{"requester": "a", "accepter": "b", "routes": {"a": {"to": ["b"]}}}],
    "meshes": [{"name": "m", "members": ["a", "c"]}],
    "hubs": [{"hub": "b", "spokes": ["c"]}],
}


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*path, index))
    return found


@st.composite
def mutated_data(draw: st.DrawFn) -> Any:
    import copy

    data: Any = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(data)))
        if not path:
            return draw(VALUES)
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and draw(st.booleans()):
            parent[draw(KEYS)] = draw(VALUES)  # add a key, maybe a strange one
        else:
            parent[path[-1]] = draw(VALUES)  # replace a subtree
    return data


@fuzz
@given(mutated_data())
def test_mutated_data_plans_or_is_refused(data: Any) -> None:
    _check(lambda: build_plan(topology_from_data(data)), text=False)


@fuzz
@given(VALUES)
def test_any_data_plans_or_is_refused(data: Any) -> None:
    _check(lambda: build_plan(topology_from_data(data)), text=False)
