"""Run a topology under Pulumi's unit-test mocks and collect every registration.

``run_mocked`` drives the Pulumi runtime the way ``pulumi.runtime.test`` does, with the
traps of hand-rolled mock tests handled once:

- it returns only after every registration has settled, including resources whose
  inputs wait on other resources' outputs (routes wait for acceptance);
- in a preview (``preview=True``) computed outputs are unknown, as with a real engine;
  values that stayed unknown are reported as :data:`UNKNOWN` instead of silently
  missing (applies on unknown outputs never run);
- two resources with one URN raise: Pulumi's engine rejects them, the mock monitor
  does not;
- each run uses its own thread, event loop and runtime settings, so runs can repeat
  in one process and leave no global state behind.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc

from peerstack._components import PeeringTopology, ProviderSettings
from peerstack._facts.peering import PeeringStatus
from peerstack._provider import tokens
from peerstack._runtime.program import Monitor, run_program
from peerstack.errors import ProgramError
from peerstack.plan import Plan, TopologySource, build_plan

__all__ = [
    "UNKNOWN",
    "MockRun",
    "RegisteredInvoke",
    "RegisteredResource",
    "run_mocked",
]

_MASK = "***"


class _Unknown:
    """A value the engine would only know after deploy (seen in previews)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
"""Stands for a value that is unknown in a preview (e.g. the id of a resource to create)."""


@dataclass(frozen=True, slots=True, repr=False)
class RegisteredResource:
    """One resource as the Pulumi engine received it."""

    type: str
    """Type token, e.g. ``aws:ec2/route:Route`` or ``peerstack:index:Link``."""
    name: str
    urn: str
    inputs: Mapping[str, Any]
    """Inputs as sent to the engine: camelCase keys, resolved values (UNKNOWN in a
    preview where a value depends on an unknown output), secrets unwrapped."""
    provider: str | None
    """Account alias of a peerstack provider; another provider's URN; None if none."""
    parent: str | None
    """URN of the parent resource (None under the stack)."""
    dependencies: frozenset[str]
    """URNs of the resources this one waits for (explicit and through its inputs)."""
    property_dependencies: Mapping[str, frozenset[str]]
    """Input key -> URNs of the resources whose outputs that input came from."""
    id: str | None
    """The mock's id (None for components and for every resource in a preview)."""
    custom: bool
    """False for component resources."""
    secret_inputs: frozenset[str] = frozenset()
    """Input keys passed as secrets; masked in ``repr``."""
    import_id: str | None = None
    """The id of an existing resource to import (the ``import_`` option), else None."""
    retain_on_delete: bool = False
    """Deleting it leaves it in AWS (the ``retain_on_delete`` option)."""
    aliases: tuple[str, ...] = ()
    """The URNs of its aliases (its former names; the ``aliases`` option)."""

    def __repr__(self) -> str:
        shown = {k: (_MASK if k in self.secret_inputs else v) for k, v in self.inputs.items()}
        return (
            f"RegisteredResource(type={self.type!r}, name={self.name!r}, "
            f"provider={self.provider!r}, inputs={shown!r})"
        )


@dataclass(frozen=True, slots=True)
class RegisteredInvoke:
    """One provider function call (e.g. ``getRouteTables`` for an adopted VPC)."""

    token: str
    args: Mapping[str, Any]
    provider: str | None


@dataclass(frozen=True, slots=True, repr=False)
class MockRun:
    """Everything a mocked run registered, once every registration settled."""

    plan: Plan
    preview: bool
    resources: tuple[RegisteredResource, ...]
    """In registration order (which is not deterministic: do not rely on it)."""
    invokes: tuple[RegisteredInvoke, ...]
    outputs: Mapping[str, Any]
    """The component's outputs: ``vpc_ids``, ``route_table_ids``,
    ``peering_connection_ids``, ``reachability``; entries unknown in a preview are UNKNOWN."""
    registered_outputs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Component URN -> the outputs it registered (``register_outputs``). The engine reports
    a component done only when it registers outputs, so every peerstack component does."""
    _by_urn: dict[str, RegisteredResource] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self._by_urn.update((r.urn, r) for r in self.resources)

    def __repr__(self) -> str:
        return (
            f"MockRun(topology={self.plan.topology!r}, preview={self.preview}, "
            f"resources={len(self.resources)}, invokes={len(self.invokes)})"
        )

    def __iter__(self) -> Iterator[RegisteredResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def of_type(self, type_: str) -> list[RegisteredResource]:
        """Every resource of one type token, sorted by name."""
        return sorted((r for r in self.resources if r.type == type_), key=lambda r: r.name)

    def get(self, type_: str, name: str) -> RegisteredResource:
        """The resource with this type and name (KeyError when there is none)."""
        for resource in self.resources:
            if resource.type == type_ and resource.name == name:
                return resource
        raise KeyError(f"no {type_} named {name!r} was registered")

    def by_urn(self, urn: str) -> RegisteredResource:
        return self._by_urn[urn]

    def children_of(self, urn: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.parent == urn]

    def depends_on(self, resource: RegisteredResource, other: RegisteredResource) -> bool:
        """True when ``resource`` waits for ``other``, directly or through others."""
        seen: set[str] = set()
        todo = list(resource.dependencies)
        while todo:
            urn = todo.pop()
            if urn == other.urn:
                return True
            if urn in seen:
                continue
            seen.add(urn)
            found = self._by_urn.get(urn)
            if found is not None:
                todo.extend(found.dependencies)
                # Waiting for a component means waiting for its children.
                if not found.custom:
                    todo.extend(c.urn for c in self.children_of(urn))
        return False


def run_mocked(
    topology_or_plan: TopologySource,
    *,
    preview: bool = False,
    project: str = "peerstack",
    stack: str = "test",
    name: str | None = None,
    provider_settings: ProviderSettings | None = None,
    route_tables: Mapping[str, Sequence[str]] | None = None,
) -> MockRun:
    """Register ``PeeringTopology`` under Pulumi's mocks and return what it registered.

    ``name`` is the component's name (default: the topology's name). ``route_tables``
    gives, by VPC name, the route table ids that ``getRouteTables`` finds for adopted
    VPCs that discover their tables (default: one made-up id per VPC).

    The topology is planned first, so an invalid one raises ``TopologyError`` before
    anything is registered. Call it from synchronous code (it runs its own event loop).
    """
    plan = build_plan(topology_or_plan)
    component_name = plan.topology if name is None else name
    discovered: dict[str, list[str]] = {}
    for vpc in plan.vpcs:
        if vpc.vpc_id is not None and vpc.discovers_route_tables:
            listed = (route_tables or {}).get(vpc.name)
            discovered[vpc.vpc_id] = (
                list(listed) if listed is not None else [_fake_id("rtb", vpc.vpc_id)]
            )
    mocks = _AwsMocks(preview=preview, route_tables=discovered)
    monitor = _RecordingMonitor(mocks)
    holder: list[PeeringTopology] = []

    def program() -> None:
        holder.append(PeeringTopology(component_name, plan, provider_settings=provider_settings))

    run_program(program, mocks, monitor=monitor, preview=preview, project=project, stack=stack)
    return monitor.result(plan, preview, holder[0])


def _filtered_ids(args: Mapping[str, Any]) -> list[str]:
    """The connection ids a ``getVpcPeeringConnections`` filter names."""
    for item in args.get("filters") or []:
        if item.get("name") == "vpc-peering-connection-id":
            return list(item.get("values") or [])
    return []


def _fake_id(prefix: str, seed: str, length: int = 17) -> str:
    digest = hashlib.blake2b(seed.encode(), digest_size=16).hexdigest()
    return f"{prefix}-{digest[:length]}"


def _fake_ipv6_block(seed: str) -> str:
    digest = hashlib.blake2b(seed.encode(), digest_size=8).hexdigest()
    return f"2600:1f{digest[:2]}:{digest[2:6]}:{digest[6:8]}00::/56"


_ID_PREFIX = {
    tokens.VPC: "vpc",
    tokens.SUBNET: "subnet",
    tokens.ROUTE_TABLE: "rtb",
    tokens.ASSOCIATION: "rtbassoc",
    tokens.CIDR_ASSOCIATION: "vpc-cidr-assoc",
    tokens.CONNECTION: "pcx",
    tokens.ROUTE: "r",
    tokens.SECURITY_RULE: "sgr",
    tokens.SECURITY_GROUP: "sg",
    tokens.SECURITY_EGRESS_RULE: "sgr",
}


class _AwsMocks(pulumi_mocks.Mocks):
    """Deterministic ids and the computed outputs peerstack reads, like AWS would give.

    Ids derive from type and name only, so two runs of one topology, or of a topology
    with one VPC more, give every common resource the same id (churn can be compared).
    """

    def __init__(self, *, preview: bool, route_tables: Mapping[str, list[str]]) -> None:
        self.preview = preview
        self.route_tables = route_tables
        self.local = threading.local()

    def new_resource(
        self, args: pulumi_mocks.MockResourceArgs
    ) -> tuple[str | None, dict[Any, Any]]:
        self.local.args = args
        if not args.custom:
            return None, {}
        if self.preview:
            # A create in preview: inputs echo back, computed outputs and the id are unknown.
            return "", dict(args.inputs)
        typ = args.typ
        state = dict(args.inputs)
        if typ == tokens.AWS_PROVIDER:
            return _fake_id("provider", args.name, 32), state
        if typ == tokens.ACCEPTER:
            pcx = state["vpcPeeringConnectionId"]
            state["acceptStatus"] = str(PeeringStatus.ACTIVE)
            return pcx, state
        if typ == tokens.OPTIONS:
            return state["vpcPeeringConnectionId"], state
        if typ == tokens.CONNECTION and args.resource_id:
            # Imported: the existing connection, active since it was accepted long ago.
            state["acceptStatus"] = str(PeeringStatus.ACTIVE)
            return args.resource_id, state
        resource_id = _fake_id(
            _ID_PREFIX.get(typ, typ.rsplit(":", 1)[-1].lower()), f"{typ}:{args.name}"
        )
        if typ == tokens.VPC:
            state["mainRouteTableId"] = _fake_id("rtb", f"main:{args.name}")
            state["defaultRouteTableId"] = state["mainRouteTableId"]
            if state.get("assignGeneratedIpv6CidrBlock"):
                state["ipv6CidrBlock"] = _fake_ipv6_block(args.name)
        elif typ == tokens.CONNECTION:
            state["acceptStatus"] = str(
                PeeringStatus.ACTIVE
                if state.get("autoAccept")
                else PeeringStatus.PENDING_ACCEPTANCE
            )
        return resource_id, state

    def call(
        self, args: pulumi_mocks.MockCallArgs
    ) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        self.local.call = args
        if args.token == tokens.GET_ROUTE_TABLES:
            vpc_id = args.args.get("vpcId", "")
            ids = list(self.route_tables.get(vpc_id, []))
            return {
                "id": vpc_id,
                "ids": ids,
                "vpcId": vpc_id,
                "region": args.args.get("region"),
            }, []
        if args.token == tokens.GET_PEERING_CONNECTIONS:
            # Accepted connections are active in every region.
            return {**args.args, "id": args.args.get("region"), "ids": _filtered_ids(args.args)}, []
        raise NotImplementedError(f"peerstack's mocks do not answer {args.token!r}")


class _RecordingMonitor(Monitor):
    """The SDK's mock monitor, also keeping what the engine would know of each resource."""

    mocks: _AwsMocks

    def __init__(self, mocks: _AwsMocks) -> None:
        super().__init__(mocks)
        self._lock = threading.Lock()
        self._records: list[tuple[Any, Any, str, str | None]] = []
        self._invokes: list[pulumi_mocks.MockCallArgs] = []
        self._outputs: dict[str, Any] = {}
        self._duplicates: list[str] = []

    def RegisterResource(self, request: Any) -> Any:  # gRPC method names
        response = super().RegisterResource(request)
        if request.type == tokens.STACK:
            return response
        args = self.mocks.local.args
        with self._lock:
            if any(urn == response.urn for _, _, urn, _ in self._records):
                self._duplicates.append(response.urn)
            self._records.append((request, args, response.urn, response.id or None))
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = rpc.deserialize_properties(request.outputs)
        with self._lock:
            self._outputs[request.urn] = outputs
        return super().RegisterResourceOutputs(request)

    def Invoke(self, request: Any) -> Any:
        response = super().Invoke(request)
        with self._lock:
            self._invokes.append(self.mocks.local.call)
        return response

    def result(self, plan: Plan, preview: bool, component: PeeringTopology) -> MockRun:
        if self._duplicates:
            raise ProgramError(
                f"{len(self._duplicates)} resource(s) registered twice: "
                + ", ".join(sorted(set(self._duplicates))),
                hint="every resource needs a unique type and name; Pulumi's engine "
                "rejects duplicate URNs",
            )
        provider_aliases = {
            provider._name: alias for alias, provider in component.providers.items()
        }
        urn_alias: dict[str, str] = {}
        for request, _, urn, _ in self._records:
            if request.type == tokens.AWS_PROVIDER and request.name in provider_aliases:
                urn_alias[urn] = provider_aliases[request.name]
        resources = []
        for request, args, urn, resource_id in self._records:
            inputs, secrets = _plain_inputs(args.inputs)
            dependencies = set(request.dependencies)
            by_property = {
                key: frozenset(deps.urns) for key, deps in request.propertyDependencies.items()
            }
            for urns in by_property.values():
                dependencies.update(urns)
            provider_urn = request.provider.rsplit("::", 1)[0] if request.provider else None
            resources.append(
                RegisteredResource(
                    type=request.type,
                    name=request.name,
                    urn=urn,
                    inputs=inputs,
                    provider=urn_alias.get(provider_urn, provider_urn) if provider_urn else None,
                    parent=request.parent or None,
                    dependencies=frozenset(dependencies),
                    property_dependencies=by_property,
                    id=resource_id if request.custom else None,
                    custom=bool(request.custom),
                    secret_inputs=secrets,
                    import_id=request.importId or None,
                    retain_on_delete=bool(request.retainOnDelete),
                    aliases=tuple(self.alias_urns(request)),
                )
            )
        invokes = tuple(
            RegisteredInvoke(
                token=call.token,
                args=_plain(call.args),
                provider=_provider_alias(call.provider, urn_alias),
            )
            for call in self._invokes
        )
        top = next(
            (r.urn for r in resources if r.type == tokens.TOPOLOGY and r.name == component._name),
            None,
        )
        outputs = _plain(self._outputs.get(top, {})) if top is not None else {}
        return MockRun(
            plan=plan,
            preview=preview,
            resources=tuple(resources),
            invokes=invokes,
            outputs=outputs,
            registered_outputs={urn: _plain(values) for urn, values in self._outputs.items()},
        )


def _provider_alias(ref: str, urn_alias: Mapping[str, str]) -> str | None:
    if not ref:
        return None
    urn = ref.rsplit("::", 1)[0]
    return urn_alias.get(urn, urn)


def _plain_inputs(inputs: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    plain: dict[str, Any] = {}
    secrets: set[str] = set()
    for key, value in inputs.items():
        if rpc.is_rpc_secret(value):
            secrets.add(key)
            value = rpc.unwrap_rpc_secret(value)
        plain[key] = _plain(value)
    return plain, frozenset(secrets)


def _plain(value: Any) -> Any:
    """Unknowns become UNKNOWN, secrets their value; containers are walked."""
    if isinstance(value, pulumi.output.Unknown):
        return UNKNOWN
    if rpc.is_rpc_secret(value):
        return _plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
