"""``Emulation``: a stack in the in-process AWS, brought from one topology to the next.

It holds the emulated cloud (moto, one role per account) and the stack's state, and
runs programs against both with the emulated engine: ``up`` creates, updates, replaces
and deletes as the real engine and provider would, ``destroy`` removes what the stack
holds, and ``verify`` reads the emulated AWS back and compares it with the plan.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Self, overload

from peerstack._components import topology_program
from peerstack._components.handover import StateRecord, check_handovers, released_urns
from peerstack._gc import long_lived_objects_frozen
from peerstack._results import (
    ChangeSummary,
    DestroyResult,
    Outputs,
    Places,
    PreviewResult,
    ResourceStep,
    UpResult,
    warnings_of,
)
from peerstack._runtime import Program
from peerstack.automation import OnEvent, Operation
from peerstack.emulator import _engine
from peerstack.emulator._cloud import EMULATION_ROLE, EmulatedAws
from peerstack.emulator._progress import EngineEvents
from peerstack.emulator._snapshot import Ec2Snapshot, take_snapshot
from peerstack.emulator._state import ResourceState, StackState
from peerstack.errors import EmulatorError
from peerstack.plan import AccountPlan, Plan, TopologySource, build_plan

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_sts import STSClient

    from peerstack.verify import VerifyResult

__all__ = ["Checkpoint", "Emulation", "OnResource", "with_emulation_roles"]

_PROJECT = "peerstack"

OnResource = Callable[[ResourceStep], None]
"""Called once per step, as soon as the emulation has done it."""


@dataclass(frozen=True, slots=True, eq=False)
class Checkpoint:
    """An emulation as it was at :meth:`Emulation.checkpoint`: moto's EC2 in every
    account and region, and the stack's own state. Give it to :meth:`Emulation.restore`
    of the emulation that took it, as often as needed."""

    ec2: Ec2Snapshot = field(repr=False)
    state: tuple[ResourceState, ...] = field(repr=False)
    plan: Plan | None = field(repr=False)
    deployment: UpResult | None = field(repr=False)
    stack: str | None
    accounts: tuple[AccountPlan, ...] = field(repr=False)
    owner: int = field(repr=False)


@dataclass(frozen=True, slots=True)
class _Ran:
    """What one run of a program did, for its result."""

    plan: Plan
    stack: str
    duration: timedelta
    steps: tuple[ResourceStep, ...]
    warnings: tuple[str, ...]
    outputs: dict[str, Any]

    def fields(self) -> dict[str, Any]:
        """The fields every emulated result has."""
        return {
            "stack": self.stack,
            "topology": self.plan.topology,
            "changes": ChangeSummary.count(self.steps),
            "duration": self.duration,
            "steps": self.steps,
            "engine": "mocks",
            "emulated": True,
            "warnings": warnings_of(self.plan, self.warnings),
        }


class Emulation:
    """One stack deployed into an in-process AWS (moto's EC2 and STS).

    Use it as a context manager: entering starts moto (or joins an active one, as in a
    test decorated with ``mock_aws``) and seeds the topology's adopted VPCs with the ids
    it gives; leaving discards everything.

    >>> with Emulation("corp.yaml") as env:                 # doctest: +SKIP
    ...     env.up()                                        # the first deploy
    ...     env.up("corp-v2.yaml")                          # day 2: the changes only
    ...     assert env.verify().ok
    ...     env.destroy()
    """

    def __init__(self, topology: TopologySource | None = None) -> None:
        self._plan = build_plan(topology) if topology is not None else None
        self._cloud = EmulatedAws(self._plan.accounts if self._plan else ())
        self._state = StackState()
        self._stack: str | None = None
        self._deployment: UpResult | None = None
        self._checkpoint: Checkpoint | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> Self:
        """Start moto (or join an active moto) and seed the topology's adopted VPCs."""
        self._cloud.start()
        try:
            if self._plan is not None:
                self._seed(self._plan)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Stop moto; the emulated resources are discarded (unless moto was already active)."""
        with long_lived_objects_frozen():
            self._cloud.close()

    def __enter__(self) -> Self:
        return self.start()

    # -- checkpoints -----------------------------------------------------------------------

    def checkpoint(self) -> Checkpoint:
        """Remember this emulation as it is now, to :meth:`restore` it later (or
        :meth:`reset` to the last checkpoint): far cheaper than deploying again.

        What comes back is exact for everything moto's EC2 holds, in every account and
        region (VPCs, subnets, route tables and routes, connections and their state,
        security groups and rules, tags, CIDR associations), with the same ids, and for
        the stack's state: a later ``up`` behaves as it would right after the deploy.
        STS and IAM are not rolled back: roles stay assumed, and policies attached with
        ``enforce_iam`` stay attached.

        moto is one per process: another emulation started after this checkpoint gets an
        empty EC2 of its own, and this one refuses to be used until it is restored.
        """
        self._cloud.require_running()
        self._cloud.keep()
        self._checkpoint = Checkpoint(
            ec2=take_snapshot(),
            state=tuple(self._state),
            plan=self._plan,
            deployment=self._deployment,
            stack=self._stack,
            accounts=self._cloud.accounts,
            owner=id(self),
        )
        return self._checkpoint

    def restore(self, checkpoint: Checkpoint) -> None:
        """Put this emulation back exactly as it was at ``checkpoint``: whatever was
        created since is gone (regions and accounts first used since included), whatever
        was changed or deleted is back, with its id; the stack's state too.

        Raises EmulatorError for another emulation's checkpoint, or while an emulation
        without a checkpoint runs in the same process (its resources would vanish).
        """
        if checkpoint.owner != id(self):
            raise EmulatorError(
                "this checkpoint was taken of another emulation: restore it on that one"
            )
        self._cloud.claim()
        checkpoint.ec2.restore()
        self._state = StackState(checkpoint.state)
        self._plan = checkpoint.plan
        self._deployment = checkpoint.deployment
        self._stack = checkpoint.stack
        self._cloud.know(checkpoint.accounts)
        self._checkpoint = checkpoint

    def reset(self) -> None:
        """:meth:`restore` the last :meth:`checkpoint` taken (or restored)."""
        if self._checkpoint is None:
            raise EmulatorError("nothing to reset to: call checkpoint() after the deploy first")
        self.restore(self._checkpoint)

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what it holds ---------------------------------------------------------------------

    @property
    def plan(self) -> Plan:
        """The plan of the topology last deployed (or given to the constructor)."""
        if self._plan is None:
            raise EmulatorError("no topology yet: give one to Emulation() or to up()")
        return self._plan

    @property
    def state(self) -> tuple[ResourceState, ...]:
        """The stack's state: every resource the engine manages, as it recorded it."""
        return tuple(self._state)

    @property
    def deployment(self) -> UpResult:
        """The result of the last :meth:`up` (raises EmulatorError before the first)."""
        if self._deployment is None:
            raise EmulatorError("nothing is deployed in this emulation yet: call up() first")
        return self._deployment

    @property
    def outputs(self) -> dict[str, Any]:
        """The stack outputs of the deployed program (ids of VPCs, tables, connections)."""
        return dict(self.deployment.outputs.values)

    # -- the cloud ---------------------------------------------------------------------

    def account_id(self, account: str | AccountPlan) -> str:
        """The 12-digit id of an account given by alias, by id, or as an AccountPlan."""
        return self._cloud.account_id(account)

    def role_arn(self, account_id: str) -> str:
        """The role assumed to act in ``account_id``: the topology's, or a synthesized one."""
        return self._cloud.role_arn(account_id)

    def session(self, account: str | AccountPlan, region: str) -> boto3.Session:
        """A boto3 session acting in ``account`` (alias, id or AccountPlan) and ``region``."""
        return self._cloud.session(account, region)

    @overload
    def client(
        self, service: Literal["ec2"], *, account: str | AccountPlan, region: str
    ) -> EC2Client: ...
    @overload
    def client(
        self, service: Literal["sts"], *, account: str | AccountPlan, region: str
    ) -> STSClient: ...
    @overload
    def client(self, service: str, *, account: str | AccountPlan, region: str) -> Any: ...
    def client(self, service: str, *, account: str | AccountPlan, region: str) -> Any:
        """A boto3 client of the emulation, acting in ``account`` and ``region`` (cached)."""
        return self._cloud.client(service, account=account, region=region)

    def ec2(self, account: str | AccountPlan, region: str) -> EC2Client:
        """``client("ec2", ...)``; ``verify(plan, clients=env.ec2)`` reads the emulation."""
        return self._cloud.ec2(account, region)

    # -- operations --------------------------------------------------------------------

    def prepare(self, topology: TopologySource) -> Plan:
        """Make ``topology`` the current one without running it: its accounts become
        reachable and its adopted VPCs are seeded (for a real engine deploying into
        :meth:`served`)."""
        plan = self._next(topology)
        self._cloud.require_running()
        self._seed(plan)
        self._plan = plan
        return plan

    def up(
        self,
        topology: TopologySource | None = None,
        *,
        program: Program | None = None,
        on_step: OnResource | None = None,
        on_resource: OnResource | None = None,
        on_event: OnEvent | None = None,
        release: Collection[str] = (),
    ) -> UpResult:
        """Bring the stack to ``topology`` (default: the current one): create what is new,
        update or replace what changed, delete what is gone, as the real engine would.

        ``release`` names created VPCs the new topology adopts (``existing:``): they leave
        the stack's state and stay in AWS. Without it, such a VPC stops the run with a
        HandoverError before anything changes. ``program`` replaces the topology's
        PeeringTopology program (any Pulumi program using pulumi-aws). ``on_step`` is
        called with each step as it is done; ``on_event`` with the
        :class:`~peerstack.automation.Event`s a real engine's run would send. The
        result is not verified (:meth:`verify` does it).
        """
        plan = self._next(topology)
        self._cloud.require_running()
        self._release(plan, release, self._state)
        self._seed(plan)
        run = self._run(plan, self._state, Operation.UP, program, on_step or on_resource, on_event)
        self._plan = plan
        self._deployment = UpResult(**run.fields(), outputs=Outputs(MappingProxyType(run.outputs)))
        return self._deployment

    def preview(
        self,
        topology: TopologySource | None = None,
        *,
        program: Program | None = None,
        release: Collection[str] = (),
        on_event: OnEvent | None = None,
    ) -> PreviewResult:
        """What :meth:`up` would do (with the same ``release``), changing nothing.

        Reads (such as discovering an adopted VPC's route tables) are answered by the
        emulation; outputs AWS would assign stay unknown, as in a real preview.
        """
        plan = self._next(topology)
        self._cloud.require_running()
        state = self._state.copy()
        self._release(plan, release, state)
        self._seed(plan)
        run = self._run(plan, state, Operation.PREVIEW, program, None, on_event)
        return PreviewResult(**run.fields())

    def destroy(
        self, *, on_step: OnResource | None = None, on_event: OnEvent | None = None
    ) -> DestroyResult:
        """Delete every resource the stack holds (adopted VPCs are not among them)."""
        self._cloud.require_running()
        plan = self._plan
        stack = self._stack or (plan.topology if plan else _PROJECT)
        started = time.monotonic()
        with self._stepping(plan, Operation.DESTROY, stack, on_step, on_event) as step:
            steps = _engine.destroy(
                cloud=self._cloud,
                state=self._state,
                quotas=plan.quotas if plan else None,
                on_step=step,
                places=Places(plan) if plan else None,
            )
        self._deployment = None
        return DestroyResult(
            stack=stack,
            topology=plan.topology if plan else "",
            changes=ChangeSummary.count(steps),
            duration=_since(started),
            steps=tuple(steps),
            engine="mocks",
            emulated=True,
        )

    def _run(
        self,
        plan: Plan,
        state: StackState,
        operation: Operation,
        program: Program | None,
        on_step: OnResource | None,
        on_event: OnEvent | None,
    ) -> _Ran:
        """Run ``program`` (default: the topology's, after the pre-flight) against
        ``state``: an ``up`` changes the emulated AWS and the state, a preview neither."""
        stack = self._stack_name(plan)
        started = time.monotonic()
        with self._stepping(plan, operation, stack, on_step, on_event) as step:
            outputs, steps, warnings = _engine.run(
                program or self._program(plan, state),
                cloud=self._cloud,
                state=state,
                project=_PROJECT,
                stack=stack,
                preview=operation is Operation.PREVIEW,
                quotas=plan.quotas,
                on_step=step,
                places=Places(plan),
            )
        return _Ran(plan, stack, _since(started), tuple(steps), tuple(warnings), outputs)

    @contextlib.contextmanager
    def _stepping(
        self,
        plan: Plan | None,
        operation: Operation,
        stack: str,
        on_step: OnResource | None,
        on_event: OnEvent | None,
    ) -> Iterator[OnResource | None]:
        """The callback a run gives each step: ``on_step``, and the engine events of the
        step for ``on_event``; the events end when the run does (not when it fails)."""
        if on_event is None or plan is None:
            yield on_step
            return
        events = EngineEvents(plan, operation, stack=stack, on_event=on_event)

        def step(done: ResourceStep) -> None:
            events(done)
            if on_step is not None:
                on_step(done)

        yield step
        events.finish()

    @contextlib.contextmanager
    def served(self) -> Iterator[str]:
        """This emulation over HTTP on loopback (moto's server): yields its URL.

        The server shares this emulation's state (moto's backends live in the process),
        so a real Pulumi engine can deploy into it (``Deployment(endpoint=url)``) while
        :meth:`client` and :meth:`verify` read the same AWS. Accounts are reached by
        assuming a role in each (see :func:`with_emulation_roles`).
        """
        from moto.server import ThreadedMotoServer

        self._cloud.require_running()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            yield f"http://{host}:{port}"
        finally:
            server.stop()

    def verify(self, outputs: Any = None) -> VerifyResult:
        """Compare the emulated network with the plan (ids from the deployment's outputs,
        or from ``outputs``: a real engine's stack outputs)."""
        from peerstack.verify import verify

        self._cloud.require_running()
        if outputs is None and self._deployment is not None:
            outputs = self._deployment.outputs
        # The reads allocate little but walk moto's whole state: without this, full
        # collections over everything loaded before took half of a small environment.
        with long_lived_objects_frozen():
            return verify(self.plan, clients=self.ec2, outputs=outputs)

    # -- helpers -----------------------------------------------------------------------

    def _next(self, topology: TopologySource | None) -> Plan:
        plan = build_plan(topology) if topology is not None else self.plan
        self._cloud.know(plan.accounts)
        return plan

    def _program(self, plan: Plan, state: StackState) -> Program:
        """The topology's program, once the pre-flight has read the emulated AWS and the
        stack's state: what the topology adopts is there as it says, and no import takes
        the place of what the stack holds (PreflightError otherwise, before anything
        registers)."""
        from peerstack.verify import StateResource, preflight

        held = [
            StateResource(r.type, r.name, r.id, r.import_id, r.region)
            for r in state
            if r.custom and not r.external
        ]
        checked = preflight(
            plan,
            self.ec2,
            prefix=plan.topology,
            provider_region=lambda alias: plan.account(alias).region,
            state=held,
        )
        return topology_program(plan, kept_imports=checked.kept_imports)

    def _stack_name(self, plan: Plan) -> str:
        # Fixed by the first run: URNs stay the same from one topology version to the next.
        if self._stack is None:
            self._stack = plan.topology
        return self._stack

    def _seed(self, plan: Plan) -> None:
        for vpc in plan.vpcs:
            if not vpc.managed:
                self._cloud.seed(vpc)
        for link in plan.links:
            if link.adopted:
                self._cloud.seed_peering(plan, link)
        for accept in plan.accepts:
            self._cloud.seed_request(plan, accept)

    def _release(self, plan: Plan, release: Collection[str], state: StackState) -> None:
        """Refuse a created VPC the plan adopts unless released; mark released ones kept."""
        records = [StateRecord(r.urn, r.type, r.name, r.id, r.parent) for r in state]
        released = check_handovers(plan, plan.topology, records, release=release)
        if not released:
            return
        for urn in released_urns(plan, plan.topology, records, released):
            resource = state.get(urn)
            if resource is not None:
                state.put(resource.retained())


def _since(started: float) -> timedelta:
    return timedelta(seconds=time.monotonic() - started)


def with_emulation_roles(plan: Plan) -> Plan:
    """``plan`` with a role to assume in every account that uses ambient credentials.

    A server that emulates many accounts puts a request in the account of the
    credentials that signed it; a real engine's providers get each account's credentials
    by assuming a role there, as the in-process emulation does.
    """
    accounts = tuple(
        account
        if account.role_arn
        else replace(account, role_arn=f"arn:aws:iam::{account.id}:role/{EMULATION_ROLE}")
        for account in plan.accounts
    )
    return replace(plan, accounts=accounts)
