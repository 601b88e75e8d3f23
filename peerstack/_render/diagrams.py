"""Mermaid and Graphviz DOT diagrams of a plan: VPCs grouped by account and region."""

from __future__ import annotations

import re
from itertools import groupby

from peerstack.plan import LinkPlan, Plan

_ID = re.compile(r"[^A-Za-z0-9_]")


def _node_id(name: str) -> str:
    return "vpc_" + _ID.sub("_", name)


def _label(link: LinkPlan) -> str:
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
    lines.append("}")
    return "\n".join(lines) + "\n"
