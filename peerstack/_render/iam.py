"""``peerstack iam``'s table: per account, its statements, and who may assume its role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import RenderableType
from rich.text import Text

from peerstack._render.fitted import FittedTable
from peerstack._text import plural
from peerstack.iam import AccountIam, IamPlan

__all__ = ["iam_renderables"]


def iam_renderables(iam: IamPlan) -> Iterator[RenderableType]:
    yield Text.assemble(
        ("IAM for topology ", "bold"),
        (iam.topology, "bold cyan"),
        f": {plural(len(iam.accounts), 'account')}",
        (" (with verify's reads)" if iam.verify else "", "dim"),
    )
    for account in iam.accounts:
        yield _account(account)
    if iam.principal is not None:
        roles = ", ".join(a.role_arn for a in iam.accounts if a.role_arn)
        yield Text.assemble(
            ("Deploying principal ", "bold"),
            iam.principal,
            f": may assume {roles} (sts:AssumeRole)",
        )
    for note in iam.notes:
        yield Text(f"note: {note}", style="dim")


def _account(account: AccountIam) -> FittedTable:
    if account.role_arn:
        who = f"role {account.role_arn}"
        if account.trust_policy is not None:
            (trust,) = account.trust_policy["Statement"]
            who += f", trusted: {trust['Principal']['AWS']}"
            if account.external_id:
                who += " with its external id"
    else:
        who = "no role: attach to the principal that deploys"
    rows = [
        (
            statement["Sid"],
            "\n".join(statement["Action"]),
            "\n".join(_short(r, account.id) for r in _listed(statement["Resource"])),
            "\n".join(_conditions(statement.get("Condition", {}))),
        )
        for statement in account.policy["Statement"]
    ]
    return FittedTable(
        f"{account.alias} ({account.id}), {', '.join(account.regions)}: {who}",
        ("statement", "actions", "resources (this account)", "conditions"),
        rows,
        sections=range(1, len(rows)),
    )


def _conditions(conditions: dict[str, dict[str, Any]]) -> Iterator[str]:
    for operator, keys in conditions.items():
        for key, value in keys.items():
            if key == "aws:RequestedRegion":
                continue  # the title names the regions
            yield f"{key} {operator} {', '.join(_listed(value))}"


def _short(arn: str, account_id: str) -> str:
    """``arn:aws:ec2:us-east-1:111111111111:vpc/*`` -> ``us-east-1 vpc/*`` (this account)."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[4] == account_id:
        return f"{parts[3]} {parts[5]}"
    return arn


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
