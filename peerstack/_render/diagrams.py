"""Mermaid and Graphviz DOT diagrams of a plan: VPCs grouped by account and region."""

from __future__ import annotations

import re
from itertools import groupby

from peerstack.plan import AcceptPlan, LinkPlan, Plan

_ID = re.compile(r"[^A-Za-z0-9_]")


def _node_id(name: str) -> str:
    return "vpc_" + _ID.sub("_", name)


def _outside_id(name: str) -> str:
    return "outside_" + _ID.sub("_", name)


def _outside(plan: Plan) -> dict[str, AcceptPlan]:
    """Each outside peer once (the first request it made), by name."""
    peers: dict[str, AcceptPlan] = {}
    for accept in plan.accepts:
        peers.setdefault(accept.peer.name, accept)
    return peers


def _label(link: LinkPlan | AcceptPlan) -> str:
    parts = []
    if link.cross_account:
        parts.append("cross-account")
    if link.cross_region:
        parts.append("cross-region")
    if link.dns_resolution:
        parts.append("DNS")
    return ", ".join(parts) or "same account+region"


def _groups(plan: Plan) -> list[tuple[tuple[str, str, str], list[str]]]:
    ordered = sorted(plan.vpcs, key=lambda v: (v.account, v.region, v.name))
    return [
        ((account, account_id, region), [v.name for v in vpcs])
        for (account, account_id, region), vpcs in groupby(
            ordered, key=lambda v: (v.account, v.account_id, v.region)
        )
    ]


def to_mermaid(plan: Plan) -> str:
    lines = ["flowchart LR"]
    for index, ((account, account_id, region), names) in enumerate(_groups(plan)):
        lines.append(f'  subgraph g{index}["{account} ({account_id}) / {region}"]')
        for name in names:
            vpc = plan.vpc(name)
            cidrs = "<br/>".join(vpc.cidrs)
            suffix = "<br/>adopted" if not vpc.managed else ""
            lines.append(f'    {_node_id(name)}["{name}<br/>{cidrs}{suffix}"]')
        lines.append("  end")
    for link in plan.links:
        arrow = "<-->" if plan.can_reach(link.requester, link.accepter) else "-.-"
        lines.append(
            f'  {_node_id(link.requester)} {arrow}|"{link.name}: {_label(link)}"| '
            f"{_node_id(link.accepter)}"
        )
    # Outside peers: not ours, drawn apart; their requests accepted into our VPCs.
    for name, first in _outside(plan).items():
        peer = first.peer
        cidrs = "<br/>".join(peer.cidrs)
        lines.append(
            f'  {_outside_id(name)}(["{name} (outside)<br/>{peer.account_id} / {peer.region}'
            f'<br/>{cidrs}"])'
        )
    for accept in plan.accepts:
        arrow = "<-->" if plan.can_reach(accept.vpc, accept.peer.name) else "-.-"
        lines.append(
            f'  {_outside_id(accept.peer.name)} {arrow}|"{accept.name}: accepted, '
            f'{_label(accept)}"| {_node_id(accept.vpc)}'
        )
    return "\n".join(lines) + "\n"


def to_dot(plan: Plan) -> str:
    lines = [f'graph "{plan.topology}" {{', "  rankdir=LR;", "  node [shape=box];"]
    for index, ((account, account_id, region), names) in enumerate(_groups(plan)):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f'    label="{account} ({account_id}) / {region}";')
        for name in names:
            vpc = plan.vpc(name)
            label = "\\n".join([name, *vpc.cidrs])
            style = ", style=dashed" if not vpc.managed else ""
            lines.append(f'    {_node_id(name)} [label="{label}"{style}];')
        lines.append("  }")
    for link in plan.links:
        style = "" if plan.can_reach(link.requester, link.accepter) else ", style=dotted"
        lines.append(
            f"  {_node_id(link.requester)} -- {_node_id(link.accepter)} "
            f'[label="{link.name}\\n{_label(link)}"{style}];'
        )
    for name, first in _outside(plan).items():
        peer = first.peer
        label = "\\n".join([f"{name} (outside)", f"{peer.account_id} / {peer.region}", *peer.cidrs])
        lines.append(f'  {_outside_id(name)} [label="{label}", shape=ellipse, style=dashed];')
    for accept in plan.accepts:
        style = "" if plan.can_reach(accept.vpc, accept.peer.name) else ", style=dotted"
        lines.append(
            f"  {_outside_id(accept.peer.name)} -- {_node_id(accept.vpc)} "
            f'[label="{accept.name}\\naccepted, {_label(accept)}"{style}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
