"""What the deploy commands print: changes by link and VPC, results, outputs, the state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.markup import escape
from rich.text import Text

from peerstack._provider import tokens
from peerstack._provider.tokens import short_type
from peerstack._render.fitted import Column, FittedTable
from peerstack._render.styles import OP_STYLE
from peerstack._text import plural

if TYPE_CHECKING:
    from peerstack._components.handover import StateRecord
    from peerstack._results import (
        DestroyResult,
        Outputs,
        PreviewResult,
        RefreshResult,
        ResourceStep,
        UpResult,
    )
    from peerstack.plan import Plan

__all__ = [
    "changes_by_place",
    "output_tables",
    "preview_report",
    "result_report",
    "state_summary",
]

_DONE = {"up": "updated", "refresh": "refreshed", "destroy": "destroyed"}


def preview_report(
    plan: Plan, result: PreviewResult, *, asking: bool = False
) -> Iterator[RenderableType]:
    """What ``up`` would change, per link and per VPC. ``asking``: the lines shown before
    `Deploy these changes?` (no headline, no closing note)."""
    stack, topology = escape(result.stack), escape(plan.topology)
    if not asking:
        yield (
            f"[green]previewed[/] stack [bold]{stack}[/] of topology [bold]{topology}[/]: "
            f"{escape(str(result.changes))}"
        )
    table = changes_by_place(result.steps)
    if table is None:
        yield (
            f"[green]no changes[/]: stack [bold]{stack}[/] already is topology [bold]{topology}[/]"
        )
        return
    yield table
    yield f"resources: {escape(str(result.changes))}"
    if not asking:
        yield "nothing was changed; `peerstack up` applies these changes"


def result_report(
    plan: Plan, result: UpResult | RefreshResult | DestroyResult
) -> Iterator[RenderableType]:
    """What ``up``, ``refresh`` or ``destroy`` did; for ``up``, the stack's ids."""
    from peerstack._results import UpResult

    done = _DONE[result.operation]
    seconds = result.duration.total_seconds()
    yield (
        f"[green]{done}[/] stack [bold]{escape(result.stack)}[/] "
        f"of topology [bold]{escape(plan.topology)}[/] in {seconds:.1f}s"
    )
    yield f"resources: {escape(str(result.changes))}"
    if isinstance(result, UpResult):
        yield from output_tables(plan, result.outputs)


_OP_ORDER = ("create", "import", "update", "replace", "delete")


def _ops(counts: Mapping[str, int]) -> Text:
    text = Text()
    for op in _OP_ORDER:
        if counts.get(op):
            if text:
                text.append(", ")
            text.append(f"{counts[op]} to {op}", style=OP_STYLE[op])
    return text


def changes_by_place(steps: Iterable[ResourceStep]) -> FittedTable | None:
    """What would change, per link and per VPC (None when nothing would)."""
    places: dict[tuple[int, str], Counter[str]] = {}
    kinds: dict[tuple[int, str], dict[str, Counter[str]]] = {}
    for step in steps:
        if not step.custom or step.op in ("same", "read", "refresh"):
            continue
        if step.link is not None:
            key = (0, f"link {step.link}")
        elif step.vpc is not None:
            key = (1, f"VPC {step.vpc}")
        elif step.type == tokens.AWS_PROVIDER:
            key = (2, "providers")
        else:
            key = (3, "other")
        places.setdefault(key, Counter())[step.op] += 1
        kinds.setdefault(key, {}).setdefault(step.op, Counter())[short_type(step.type)] += 1
    if not places:
        return None
    rows = []
    for key in sorted(places):
        parts = []
        for op in _OP_ORDER:
            if op in kinds[key]:
                listed = ", ".join(
                    f"{n} {kind}" if n > 1 else kind for kind, n in sorted(kinds[key][op].items())
                )
                parts.append(f"{op}: {listed}")
        rows.append((key[1], _ops(places[key]), "; ".join(parts)))
    columns = ("where", "changes", Column("resources", style="dim"))
    return FittedTable("Changes", columns, rows)


def output_tables(plan: Plan, outputs: Outputs) -> Iterator[RenderableType]:
    """The stack's ids: a table of peering connections, one of VPCs and route tables."""
    from peerstack._results import SECRET

    def shown(name: str, value: Any) -> str:
        return SECRET if name in outputs.secret_names else str(value)

    ids = outputs.peering_connection_ids
    yield FittedTable(
        "Peering connections",
        ("link", "requester", "accepter", "peering connection"),
        [
            (
                link.name,
                link.requester,
                link.accepter,
                shown("peering_connection_ids", ids.get(link.name, "-")),
            )
            for link in plan.links
        ]
        + [
            (
                accept.name,
                f"{accept.peer.name} (outside)",
                accept.vpc,
                shown("peering_connection_ids", ids.get(accept.name, "-")),
            )
            for accept in plan.accepts
        ],
    )
    tables = outputs.route_table_ids
    rows = []
    for vpc in plan.vpcs:
        route_tables = "\n".join(f"{n}={i}" for n, i in sorted(tables.get(vpc.name, {}).items()))
        rows.append(
            (
                vpc.name,
                shown("vpc_ids", outputs.vpc_ids.get(vpc.name, "-")),
                shown("route_table_ids", route_tables or "-"),
            )
        )
    yield FittedTable("VPCs", ("VPC", "VPC id", "route tables"), rows)


_STATE_WORDS = {
    tokens.VPC: ("VPC", "VPCs"),
    tokens.SUBNET: ("subnet", "subnets"),
    tokens.ROUTE_TABLE: ("route table", "route tables"),
    tokens.CONNECTION: ("peering connection", "peering connections"),
    tokens.ROUTE: ("route", "routes"),
    tokens.SECURITY_RULE: ("security group rule", "security group rules"),
    tokens.SECURITY_GROUP: ("security group", "security groups"),
    tokens.SECURITY_EGRESS_RULE: ("egress rule", "egress rules"),
}


def state_summary(records: Iterable[StateRecord]) -> str:
    """``3 VPCs (a, b, c), 2 peering connections, 8 routes and 12 other resources``."""
    records = [r for r in records if r.type != tokens.STACK]
    counts = Counter(r.type for r in records)
    parts = []
    for type_, (one, many) in _STATE_WORDS.items():
        if counts.get(type_):
            part = plural(counts[type_], one, many)
            if type_ == tokens.VPC:
                part += f" ({', '.join(sorted(r.name for r in records if r.type == type_))})"
            parts.append(part)
    others = sum(
        n for type_, n in counts.items() if type_ not in _STATE_WORDS and type_.startswith("aws:")
    )
    if others:
        parts.append(plural(others, "other resource"))
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
