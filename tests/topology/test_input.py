"""Input that must not hurt: whatever a file or a caller hands over, a located TopologyError."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import peerstack
from peerstack.errors import TopologyError
from peerstack.topology import Subnet, Vpc, load_topology, topology_from_data, topology_from_text
from peerstack.topology.loader import MAX_FILE_BYTES

GOOD = """\
name: t
defaults: {region: us-east-1}
accounts:
  main: {id: "111111111111"}
vpcs:
  a: {cidr: 10.0.0.0/16}
"""


def problems(text: str, file: str = "t.yaml"):
    with pytest.raises(TopologyError) as info:
        topology_from_text(text, file=file)
    return info.value.problems


def load_problems(path: Path):
    with pytest.raises(TopologyError) as info:
        load_topology(path)
    return info.value.problems


def _within(seconds: float, function, *args):
    """Run ``function`` in a thread; fail (instead of hanging the suite) if it takes longer.

    Returns what it returned, or the exception it raised.
    """
    result: list = []
    thread = threading.Thread(target=lambda: result.append(_capture(function, *args)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds}s"
    return result[0]


def _capture(function, *args):
    try:
        return function(*args)
    except Exception as exc:
        return exc


# -- aliases ------------------------------------------------------------------------------

LAUGHS = "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 9)}]\n" for i in range(1, 9)
)
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + LAUGHS


def test_billion_laughs_is_refused_quickly_with_a_line() -> None:
    assert len(BILLION_LAUGHS.encode()) <= 500
    started = time.monotonic()
    error = _within(10, lambda: topology_from_text(BILLION_LAUGHS, file="lol.yaml"))
    assert time.monotonic() - started < 5
    assert isinstance(error, TopologyError)
    (p,) = error.problems
    assert p.file == "lol.yaml" and p.line is not None
    assert "aliases repeat more than 100,000 values" in p.message
    assert p.hint == "use fewer nested aliases"


def test_nested_merge_keys_are_bounded_too() -> None:
    text = "a0: &a0 {x: 1, y: 2}\n" + "".join(
        f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 9)}], z{i}: 1}}\n" for i in range(1, 12)
    )
    error = _within(10, topology_from_text, text)
    assert isinstance(error, TopologyError)
    assert "aliases repeat" in error.problems[0].message


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    (p,) = problems("name: &x [1, *x]\n")
    assert p.line == 1 and "contains it" in p.message


def test_anchors_are_fine_in_moderation() -> None:
    vpcs = "\n".join(f"  v{i}: {{<<: *base, cidr: 10.{i}.0.0/16}}" for i in range(200))
    text = GOOD.replace("vpcs:\n  a: {cidr: 10.0.0.0/16}\n", "")
    text += "x-base: &base {region: eu-west-1, tags: {team: net}}\nvpcs:\n" + vpcs + "\n"
    topology = topology_from_text(text)
    assert len(topology.vpcs) == 200 and topology.vpcs["v7"].region == "eu-west-1"


# -- merge keys and x- keys -----------------------------------------------------------------


def test_a_merge_key_plus_keys_of_its_own_overrides_and_is_no_duplicate() -> None:
    text = GOOD.replace(
        "  a: {cidr: 10.0.0.0/16}\n",
        "  a: &a {cidr: 10.0.0.0/16, region: eu-west-1}\n  b:\n    <<: *a\n    cidr: 10.1.0.0/16\n",
    )
    topology = topology_from_text(text)
    assert topology.vpcs["b"].cidr == "10.1.0.0/16"
    assert topology.vpcs["b"].region == "eu-west-1"


def test_of_several_merged_mappings_the_first_wins_and_own_keys_beat_both() -> None:
    text = (
        "x-one: &one {cidr: 10.1.0.0/16, region: eu-west-1}\n"
        + "x-two: &two {cidr: 10.2.0.0/16, region: eu-west-2, ipv6: true}\n"
        + GOOD
    ).replace("  a: {cidr: 10.0.0.0/16}\n", "  a: {<<: [*one, *two], region: us-west-2}\n")
    vpc = topology_from_text(text).vpcs["a"]
    assert (vpc.cidr, vpc.region, vpc.ipv6) == ("10.1.0.0/16", "us-west-2", True)


def test_a_key_written_twice_is_still_a_duplicate_next_to_a_merge() -> None:
    text = "x-a: &a {cidr: 10.9.0.0/16}\n" + GOOD
    text = text.replace("  a: {cidr: 10.0.0.0/16}\n", "  a: {<<: *a, ipv6: true, ipv6: false}\n")
    (p,) = problems(text)
    assert (p.path, p.line) == ("vpcs.a.ipv6", 7)
    assert p.message == "duplicate key 'ipv6' (first written on line 7)"


def test_top_level_x_keys_are_ignored_and_in_the_schema() -> None:
    topology = topology_from_text(GOOD + "x-notes: {anything: [goes, here]}\n")
    assert topology.vpcs["a"].cidr == "10.0.0.0/16"
    data = {"name": "t", "accounts": {"a": {"id": "111111111111"}}, "vpcs": {}, "x-y": 1}
    assert peerstack.Topology.model_validate(data).name == "t"
    schema = peerstack.Topology.model_json_schema()
    assert "^x-" in schema["patternProperties"]
    # only at the top: elsewhere an x- key is still a mistake
    (p,) = problems(GOOD.replace("{cidr: 10.0.0.0/16}", "{cidr: 10.0.0.0/16, x-y: 1}"))
    assert p.message == "unknown field 'x-y'"


# -- reading files ---------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_at_once() -> None:
    error = _within(5, load_topology, "/dev/zero")
    assert isinstance(error, TopologyError)
    assert error.problems[0].message == "is a device, not a topology file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    error = _within(5, load_topology, fifo)
    assert isinstance(error, TopologyError)
    assert error.problems[0].message == "is a named pipe (FIFO), not a topology file"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    (p,) = load_problems(tmp_path)
    assert p.message == "is a directory, not a topology file" and p.file == str(tmp_path)


def test_a_file_over_the_limit_is_refused_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs nothing to make
    (p,) = _within(5, load_problems, big)
    assert p.message == "is too large: topology files are read up to 10 MiB"


def test_not_utf8_says_where(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD.encode() + "# caf\xe9\n".encode("latin-1"))
    (p,) = load_problems(path)
    assert p.line == 7 and p.message.startswith("not UTF-8 text")


# -- characters --------------------------------------------------------------------------------


def test_nul_gives_a_line_and_column() -> None:
    (p,) = problems(GOOD + "# a\x00b\n")
    assert (p.line, p.column) == (7, 4)
    assert p.message == "control character '\\x00' (U+0000) is not allowed in YAML"
    assert "binary" in (p.hint or "")


def test_other_control_characters_give_a_line_and_a_count() -> None:
    (p,) = problems(GOOD.replace("name: t", "name: t\x07\x07"))
    assert (p.line, p.column) == (1, 8)
    assert p.message.endswith("(U+0007) is not allowed in YAML; the file has 1 more")


def test_an_escape_sequence_in_a_key_is_shown_escaped() -> None:
    found = problems(GOOD.replace("  a: {", '  "\\e[2J\\e[31mowned": {'))
    assert found
    for p in found:
        assert "\x1b" not in str(p)
    assert found[0].path == "vpcs['\\x1b[2J\\x1b[31mowned']"


def test_a_tab_in_the_indentation_says_so_with_its_column() -> None:
    (p,) = problems(GOOD + "\tquotas: {}\n")
    assert (p.line, p.column) == (7, 1)
    assert p.message == "a tab in the indentation: YAML indents with spaces only"


def test_a_huge_value_makes_a_short_message() -> None:
    (p,) = problems(GOOD.replace("10.0.0.0/16", "1" * 100_000))
    assert len(p.message) < 200


# -- keys that are not strings -------------------------------------------------------------------

BASE = {
    "name": "t",
    "defaults": {"region": "us-east-1"},
    "accounts": {"a": {"id": "111111111111"}},
    "vpcs": {"a": {"cidr": "10.0.0.0/16", "subnets": [{"name": "s", "cidr": "10.0.0.0/24"}]}},
    "peerings": [{"requester": "a", "accepter": "a", "routes": {"a": {"to": ["a"]}}}],
}


@pytest.mark.parametrize("key", [1, None, ("x",), b"x", True, 1.5])
@pytest.mark.parametrize(
    "where",
    [(), ("vpcs",), ("vpcs", "a"), ("vpcs", "a", "subnets", 0), ("peerings", 0, "routes", "a")],
)
def test_non_string_keys_at_any_depth_are_located_topology_errors(key, where) -> None:
    import copy

    data = copy.deepcopy(BASE)
    target: Any = data
    for part in where:
        target = target[part]
    target[key] = {}
    with pytest.raises(TopologyError) as info:
        topology_from_data(data)
    messages = [p.message for p in info.value.problems]
    assert any("must be text" in m for m in messages), messages


def test_model_constructors_locate_non_string_keys_too() -> None:
    with pytest.raises(TopologyError) as info:
        Vpc(cidr="10.0.0.0/16", subnets=[{1: "x", "name": "s", "cidr": "10.0.0.0/24", "az": "a"}])
    assert info.value.problems[0].path == "subnets[0].1"
    with pytest.raises(TopologyError):
        Subnet(**{"name": "s", "cidr": "10.0.0.0/24", "az": "a", "tags": {None: 1}})


def test_data_that_contains_itself_is_a_topology_error() -> None:
    loop: dict = {}
    loop["x"] = loop
    with pytest.raises(TopologyError):
        topology_from_data({**BASE, "vpcs": {"a": loop}})


def test_nesting_deeper_than_any_topology_is_refused() -> None:
    depth = sys.getrecursionlimit() * 2
    (p,) = problems("a: " + "[" * depth + "]" * depth + "\n")
    assert "nested" in p.message
