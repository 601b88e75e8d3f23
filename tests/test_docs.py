"""The documentation's examples are checked, so it never lies.

docs/topology.md: every ```yaml block is a complete topology that plans, with exactly the
warnings its `# warns:` lines quote (none without); a block marked ```yaml invalid must
be refused with exactly the problems its `# expect:` lines quote; the ```json block is the
plan of the topology just before it, and the ```text block of resource names is what
that topology registers. Links between the Markdown files stay inside the repository.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

import peerstack
from peerstack._provider import tokens
from peerstack.topology import topology_from_text
from tests.helpers.paths import ROOT, TOPOLOGY_DOC

DOC = TOPOLOGY_DOC.read_text(encoding="utf-8")
_FENCE = re.compile(r"^( *)```([^\n]*)\n(.*?)^\1```\n", re.S | re.M)
_EXPECT = "# expect: "
_WARNS = "# warns: "


def _blocks() -> list[tuple[int, str, str]]:
    """``(line, info, body)`` of every fenced block of the document (list items' too)."""
    return [
        (DOC.count("\n", 0, m.start()) + 1, m.group(2).strip(), textwrap.dedent(m.group(3)))
        for m in _FENCE.finditer(DOC)
    ]


def _quoted(body: str, prefix: str) -> list[str]:
    return [line.removeprefix(prefix) for line in body.splitlines() if line.startswith(prefix)]


def _match(expected: list[str], messages: list[str]) -> None:
    """Each quote is in one of the messages, and there are as many messages as quotes."""
    for text in expected:
        assert any(text in message for message in messages), (text, messages)
    assert len(messages) == len(expected), messages


def _of(info: str) -> list[tuple[int, str]]:
    return [(line, body) for line, kind, body in _blocks() if kind == info]


def _plan(line: int, body: str) -> peerstack.Plan:
    return peerstack.build_plan(topology_from_text(body, file=f"topology.md block {line}"))


def _shown_after(kind: str) -> tuple[str, str]:
    """The only ``kind`` block of the document, and the ```yaml block just before it."""
    blocks = _blocks()
    (index,) = [i for i, (_, info, _) in enumerate(blocks) if info == kind]
    topology = [body for _, info, body in blocks[:index] if info == "yaml"][-1]
    return topology, blocks[index][2]


def test_yaml_blocks_are_marked() -> None:
    kinds = {info for _, info, _ in _blocks() if info.startswith("yaml")}
    assert kinds == {"yaml", "yaml invalid"}


@pytest.mark.parametrize(("line", "body"), _of("yaml"), ids=lambda v: str(v)[:4])
def test_yaml_example_plans(line: int, body: str) -> None:
    plan = _plan(line, body)
    _match(_quoted(body, _WARNS), [warning.message for warning in plan.warnings])


@pytest.mark.parametrize(("line", "body"), _of("yaml invalid"), ids=lambda v: str(v)[:4])
def test_invalid_example_is_refused_with_the_message_quoted(
    line: int, body: str, tmp_path: Path
) -> None:
    """Planned from a file, as `peerstack validate` does: every problem in one round."""
    expected = _quoted(body, _EXPECT)
    assert expected, f"line {line}: say which problem the example shows (`{_EXPECT}...`)"
    path = tmp_path / "example.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(peerstack.TopologyError) as caught:
        peerstack.build_plan(path)
    _match(expected, [problem.message for problem in caught.value.problems])


def test_plan_json_shown_is_the_plan() -> None:
    topology, shown = _shown_after("json")
    assert json.loads(shown) == _plan(0, topology).to_dict()


def registered_names(plan: peerstack.Plan) -> str:
    """What a deploy of ``plan`` registers, one ``type  name`` line per resource."""
    from peerstack.testing import run_mocked

    rows = sorted((r.name, _type(r.type)) for r in run_mocked(plan))
    width = max(len(kind) for _, kind in rows)
    return "".join(f"{kind:<{width}}  {name}\n" for name, kind in rows)


def _type(token: str) -> str:
    """``aws:ec2/vpc:Vpc`` -> ``aws.ec2.Vpc``, as a Python program writes it; others as is."""
    if token.startswith("aws:"):
        module = token.split(":")[1].split("/")[0]
        return f"aws.{module}.{tokens.short_type(token)}"
    return token


def test_resource_names_shown_are_the_ones_registered() -> None:
    topology, shown = _shown_after("text")
    assert shown == registered_names(_plan(0, topology))


_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize(
    "document", sorted([*ROOT.glob("*.md"), *ROOT.glob("docs/*.md")]), ids=lambda p: p.name
)
def test_links_stay_inside_the_repository(document: Path) -> None:
    for target in _LINK.findall(document.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a URL, or an anchor of the same page
        path = (document.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{document.name} links outside: {target}"
        assert path.exists(), f"{document.name} links to a missing file: {target}"
