"""``discover``: read the live network and write the topology that adopts it."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peerstack._facts.regions import is_region, suggest_region
from peerstack.discover._accounts import AccountsLike, account_plans
from peerstack.discover._compose import compose
from peerstack.discover._draft import Draft
from peerstack.discover._estate import Estate
from peerstack.discover._read import DiscoverError, PlaceRead, read_estate
from peerstack.discover._report import DiscoveryReport
from peerstack.discover._settle import predict, settle
from peerstack.discover._yaml import render
from peerstack.plan import Plan
from peerstack.topology import Topology, topology_from_data, topology_from_text
from peerstack.verify import ClientFactory

__all__ = ["DiscoverProgress", "DiscoverResult", "discover"]


@dataclass(frozen=True, slots=True)
class DiscoverProgress:
    """One account and region read, of all of them."""

    account: str
    """The account's alias."""
    account_id: str
    region: str
    vpcs: int
    """VPCs the account owns there."""
    connections: int
    """Peering connections that touch them."""
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class DiscoverResult:
    """The topology that adopts what was read, as YAML and as a model, and the report."""

    topology: Topology
    """The topology written, validated (``build_plan`` plans it)."""
    plan: Plan
    yaml: str
    """The topology file, with comments where discover chose."""
    report: DiscoveryReport
    data: Mapping[str, Any] = field(repr=False)
    """The topology as plain data (what :attr:`yaml` holds, without its comments)."""

    def to_dict(self) -> dict[str, Any]:
        """``{"topology": ..., "report": ...}``, as ``peerstack discover -f json`` prints it."""
        return {
            "topology": json.loads(json.dumps(self.data)),
            "report": self.report.model_dump(mode="json"),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def discover(
    accounts: AccountsLike,
    regions: Sequence[str],
    *,
    name: str = "discovered",
    clients: ClientFactory | None = None,
    include_default_vpcs: bool = False,
    on_progress: Callable[[DiscoverProgress], None] | None = None,
    max_workers: int = 8,
) -> DiscoverResult:
    """Read the VPCs, route tables, peering connections and security groups of
    ``accounts`` in ``regions``, and write the topology that adopts all of it.

    :param accounts: alias -> a :class:`~peerstack.Account` (``role_arn``, ``profile``,
        ``external_id``) or an account id (ambient credentials, checked to be that
        account's).
    :param clients: EC2 clients per account and region (:class:`~peerstack.verify.AwsClients`
        by default; an emulation passes its own).
    :param include_default_vpcs: adopt default VPCs that no connection joins too.
    :raises TopologyError: an alias, an account or ``name`` is not valid in a topology.
    :raises ValueError: a region AWS does not have (the installed botocore's regions).
    :raises CredentialsError: the credentials of an account may not read EC2.
    """
    plans = account_plans(accounts)
    # The name is checked as a topology checks it, before anything is read.
    topology_from_data(
        {"name": name, "accounts": {p.alias: {"id": p.id} for p in plans}, "vpcs": {}}
    )
    wanted = _regions(regions)
    if clients is None:
        from peerstack.verify import AwsClients

        clients = AwsClients(session_name="peerstack-discover")
    estate = read_estate(
        plans,
        wanted,
        clients,
        on_place=_progress(on_progress),
        max_workers=max_workers,
    )
    return _result(estate, compose(estate, name, include_default_vpcs=include_default_vpcs))


def _regions(regions: Sequence[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(regions))
    if not wanted:
        raise ValueError("give at least one region to discover")
    for region in wanted:
        if not is_region(region):
            close = suggest_region(region)
            hint = f"; did you mean {close!r}?" if close else ""
            raise ValueError(f"{region!r} is not an AWS region{hint}")
    return wanted


def _progress(
    on_progress: Callable[[DiscoverProgress], None] | None,
) -> Callable[[PlaceRead, int, int], None] | None:
    if on_progress is None:
        return None

    def told(read: PlaceRead, done: int, total: int) -> None:
        on_progress(
            DiscoverProgress(
                account=read.account.alias,
                account_id=read.account.id,
                region=read.region,
                vpcs=len(read.vpcs),
                connections=len(read.peerings),
                done=done,
                total=total,
            )
        )

    return told


def _result(estate: Estate, draft: Draft) -> DiscoverResult:
    plan = settle(draft)
    data = draft.data()
    text = render(
        data,
        notes=draft.notes(),
        after=draft.after(),
        header=draft.header,
        footer=draft.closing(),
    )
    topology = topology_from_text(text)
    if topology.model_dump() != topology_from_data(data).model_dump():
        raise DiscoverError("the YAML written reads back differently; please report this")
    report = DiscoveryReport(
        accounts={a.alias: a.id for a in estate.accounts},
        regions=list(estate.regions),
        vpcs=len(draft.vpcs),
        peerings=len(draft.peerings),
        accepts=len(draft.accepts),
        findings=draft.findings,
        verify=predict(plan, estate.snapshot),
    )
    return DiscoverResult(topology=topology, plan=plan, yaml=text, report=report, data=data)
