"""One mocks harness for every benchmark that runs a Pulumi program (no engine, no cloud).

Any program (PeeringTopology, or the hand-written ``raw_program``) runs against the
SDK's own ``MockMonitor``, extended only to keep each registration request: type, name,
inputs, provider, parent, and the URNs it waits for (``dependencies`` and
``propertyDependencies`` of the request, exactly what the engine would receive). Ids are
derived from type and name, so two programs registering the same resources see the same
ids, and two runs of neighbouring topologies can be compared resource by resource.

The harness is deliberately independent of ``peerstack.testing.run_mocked`` (whose
private internals may change); ``tests/test_benchmarks.py`` checks that both see the same
resources for PeeringTopology.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_pulumi_func

from peerstack._provider import tokens

PROVIDER_TYPE = tokens.AWS_PROVIDER
ROUTE_TABLES_TOKEN = tokens.GET_ROUTE_TABLES

Key = tuple[str, str]
"""(type token, resource name): what Pulumi identifies a resource by within a stack."""


@dataclass(frozen=True, slots=True)
class Registration:
    """One RegisterResource request as the engine would receive it."""

    type: str
    name: str
    urn: str
    custom: bool
    inputs: Mapping[str, Any]
    provider: str | None
    """The provider's resource name (None: the default provider, or a component)."""
    parent: str | None
    dependencies: frozenset[str]
    """URNs this resource waits for: explicit ``depends_on`` and through its inputs."""
    id: str | None = None
    """The mock's id (None for components)."""
    outputs: Mapping[str, Any] = field(default_factory=dict)
    """The state the mock returned: inputs plus the computed outputs the programs read."""

    @property
    def key(self) -> Key:
        return (self.type, self.name)


@dataclass(frozen=True, slots=True)
class Run:
    """Everything one program registered under the mocks."""

    registrations: tuple[Registration, ...]
    invokes: int
    _by_urn: dict[str, Registration] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_urn.update((r.urn, r) for r in self.registrations)

    def by_urn(self, urn: str) -> Registration:
        return self._by_urn[urn]

    @property
    def custom(self) -> list[Registration]:
        """AWS resources and providers (not components, which exist only in Pulumi)."""
        return [r for r in self.registrations if r.custom]

    @property
    def components(self) -> list[Registration]:
        return [r for r in self.registrations if not r.custom]

    def state(self) -> dict[Key, Mapping[str, Any]]:
        """(type, name) -> inputs of every custom resource."""
        return {r.key: r.inputs for r in self.custom}

    def comparable(self, *, tree: bool = False) -> dict[Key, tuple[Any, ...]]:
        """(type, name) -> (inputs, provider name, dependency keys) of custom resources.

        Dependencies are named by (type, name) instead of URN: a URN carries its parent's
        type, which differs between a program with components and one without. With
        ``tree=True``, components are included and each entry also names its parent.
        """
        keys = {r.urn: r.key for r in self.registrations}
        return {
            r.key: (
                _freeze(r.inputs),
                r.provider,
                frozenset(keys[u] for u in r.dependencies if u in keys),
                *((keys.get(r.parent or ""),) if tree else ()),
            )
            for r in self.registrations
            if tree or r.custom
        }

    def counts(self) -> Counter[str]:
        """Custom resources by type token."""
        return Counter(r.type for r in self.custom)


def fake_id(typ: str, name: str) -> str:
    """A stable id for a resource: from its type and name only."""
    short = typ.rsplit(":", 1)[-1].lower()
    digest = hashlib.blake2b(f"{typ}:{name}".encode(), digest_size=8).hexdigest()
    return f"{short}-{digest}"


def fake_ipv6_block(name: str) -> str:
    digest = hashlib.blake2b(name.encode(), digest_size=4).hexdigest()
    return f"2600:1f{digest[:2]}:{digest[2:6]}:{digest[6:8]}00::/56"


class BenchMocks(pulumi_mocks.Mocks):
    """Echo inputs back, plus the few computed outputs the programs read, with stable ids."""

    def __init__(self, route_tables: Mapping[str, Sequence[str]] | None = None) -> None:
        self.route_tables = dict(route_tables or {})
        self.local = threading.local()

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict]:
        self.local.args = args
        self.local.result = result = self._new_resource(args)
        return result

    def _new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict]:
        if not args.custom:
            return None, {}
        state = dict(args.inputs)
        typ = args.typ
        if typ in (
            tokens.ACCEPTER,
            tokens.OPTIONS,
        ):
            state["acceptStatus"] = "active"
            return state["vpcPeeringConnectionId"], state
        if typ == tokens.VPC:
            state["mainRouteTableId"] = fake_id(tokens.ROUTE_TABLE, f"main:{args.name}")
            state["defaultRouteTableId"] = state["mainRouteTableId"]
            if state.get("assignGeneratedIpv6CidrBlock"):
                state["ipv6CidrBlock"] = fake_ipv6_block(args.name)
        return fake_id(typ, args.name), state

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        if args.token == ROUTE_TABLES_TOKEN:
            vpc_id = args.args.get("vpcId", "")
            ids = list(self.route_tables.get(vpc_id, ()))
            return {
                "id": vpc_id,
                "ids": ids,
                "vpcId": vpc_id,
                "region": args.args.get("region"),
            }, []
        if args.token == tokens.GET_PEERING_CONNECTIONS:
            # Accepted connections are active in every region.
            (ids,) = [
                f["values"]
                for f in args.args["filters"]
                if f["name"] == "vpc-peering-connection-id"
            ]
            return {**args.args, "ids": list(ids)}, []
        raise NotImplementedError(f"the benchmark mocks do not answer {args.token!r}")


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, also keeping each request (decoded after the run)."""

    mocks: BenchMocks

    def __init__(self, mocks: BenchMocks) -> None:
        super().__init__(mocks)
        self._lock = threading.Lock()
        self.records: list[tuple[Any, pulumi_mocks.MockResourceArgs, str, Any]] = []
        self.invokes = 0
        self.loops: set[asyncio.AbstractEventLoop] = set()
        """Event loops the SDK's monitor opened in worker threads (closed after the run)."""

    def RegisterResource(self, request: Any) -> Any:  # gRPC method names
        response = super().RegisterResource(request)
        with self._lock:
            self._note_loop()
            if request.type != tokens.STACK:
                local = self.mocks.local
                self.records.append((request, local.args, response.urn, local.result))
        return response

    def Invoke(self, request: Any) -> Any:
        response = super().Invoke(request)
        with self._lock:
            self._note_loop()
            self.invokes += 1
        return response

    def _note_loop(self) -> None:
        try:
            self.loops.add(asyncio.get_event_loop())
        except RuntimeError:  # this worker thread never needed one
            pass

    def close_loops(self) -> None:
        """Close the loops of the worker threads (else their finalizers complain at exit)."""
        for loop in self.loops:
            if not loop.is_running() and not loop.is_closed():
                loop.close()
        self.loops.clear()

    def run(self) -> Run:
        registrations = []
        seen: set[str] = set()
        for request, args, urn, (resource_id, state) in self.records:
            if urn in seen:
                raise AssertionError(f"registered twice: {urn}")
            seen.add(urn)
            dependencies = set(request.dependencies)
            for deps in request.propertyDependencies.values():
                dependencies.update(deps.urns)
            provider = None
            if request.provider:
                provider = request.provider.rsplit("::", 1)[0].rsplit("::", 1)[-1]
            registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=urn,
                    custom=bool(request.custom),
                    inputs=_plain(args.inputs),
                    provider=provider,
                    parent=request.parent or None,
                    dependencies=frozenset(dependencies),
                    id=resource_id or None,
                    outputs=_plain(state),
                )
            )
        return Run(registrations=tuple(registrations), invokes=self.invokes)


def run_program(
    program: Callable[[], object],
    *,
    route_tables: Mapping[str, Sequence[str]] | None = None,
    project: str = "bench",
    stack: str = "bench",
) -> Run:
    """Run ``program`` under the mocks until every registration has settled.

    Each run gets its own thread, event loop and runtime settings, so runs repeat in one
    process without sharing state.
    """
    monitor = RecordingMonitor(BenchMocks(route_tables))

    def body() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            pulumi_settings.reset_options(project=project, stack=stack, preview=False)
            pulumi_mocks.set_mocks(
                monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor
            )
            loop.run_until_complete(run_pulumi_func(lambda: _discard(program())))
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
            asyncio.set_event_loop(None)

    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bench-mocks") as pool:
        pool.submit(context.run, body).result()
    monitor.close_loops()
    return monitor.run()


def _discard(_: object) -> None:
    return None


def _plain(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return _plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, pulumi.output.Unknown):
        raise AssertionError("an unknown value in a non-preview run")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value
