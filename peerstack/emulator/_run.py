"""``emulator.up`` and ``emulator.preview``: a topology brought into a fresh emulation
(after its previous version, for day 2) by either engine, and verified.

The in-process engine (``mocks``) runs the program under Pulumi's mocks against the
emulation; the real one (``pulumi``) runs it through the Automation API against the
emulation served on loopback, each account reached by assuming a role in it. Both hand
back the same result types, and send the same :class:`~peerstack.automation.Event`s.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from peerstack._results import PreviewResult, UpResult
from peerstack._runtime import Program
from peerstack.automation import (
    PASSPHRASE_ENV,
    Deployment,
    Event,
    EventKind,
    OnEvent,
    Operation,
    Progress,
)
from peerstack.emulator._emulation import Emulation, OnResource, with_emulation_roles
from peerstack.errors import PluginInstallError
from peerstack.plan import Plan, TopologySource, build_plan

__all__ = ["EngineChoice", "preview", "up"]

EngineChoice = Literal["mocks", "pulumi", "auto"]
"""``mocks``: the engine inside peerstack; ``pulumi``: the real Pulumi engine (the Pulumi
CLI on PATH, and its ``aws`` plugin); ``auto``: the real one when ``pulumi`` is on PATH,
the one inside peerstack when it is not or its plugin cannot be installed."""

_ENGINES = ("mocks", "pulumi", "auto")


def up(
    topology: TopologySource,
    *,
    previous: TopologySource | None = None,
    release: Collection[str] = (),
    engine: EngineChoice = "mocks",
    on_event: OnEvent | None = None,
    program: Program | None = None,
    on_resource: OnResource | None = None,
) -> UpResult:
    """Deploy ``topology`` into a fresh emulation, verify it against the plan, discard it.

    With ``previous`` (day 2), that version is deployed first, then the stack is brought
    to ``topology`` as a real stack would be: only what differs changes, and ``release``
    names the created VPCs ``topology`` now adopts (they leave the stack and stay in
    AWS). The result is the last ``up``'s, verified (``result.ok``,
    ``result.verification``); ``result.previous`` is the first deploy's, verified too.

    ``engine`` picks who runs the program (:data:`EngineChoice`); ``auto`` falls back to
    ``mocks`` when the real engine's ``aws`` plugin cannot be installed, and says so with
    a warning event to ``on_event`` (a ``RuntimeWarning`` without one). ``on_event``
    receives each :class:`~peerstack.automation.Event` of every operation, as from a
    real deploy. ``program`` (any Pulumi program using pulumi-aws, instead of the
    topology's) and ``on_resource`` (called with each step as it is done) need the
    in-process engine.

    Raises TopologyError before anything runs when a topology is invalid, EmulatorError
    when the emulation cannot do what the program asks, HandoverError for a VPC that
    needs ``release``, and with the real engine its DeployErrors. Differences from the
    plan are not raised: they are in ``result.verification``.
    """
    plan, old = build_plan(topology), _plan_of(previous)
    custom = program is not None or on_resource is not None
    done = _on_the_real_engine(
        engine, plan, old, on_event, custom=custom, then=lambda real: real.up(plan, release)
    )
    if done is not None:
        return done
    with Emulation(old or plan) as emulation:
        first = _verified(emulation, emulation.up(on_event=on_event)) if old else None
        last = emulation.up(
            plan, release=release, program=program, on_step=on_resource, on_event=on_event
        )
        return replace(_verified(emulation, last), previous=first)


def preview(
    topology: TopologySource,
    *,
    previous: TopologySource | None = None,
    release: Collection[str] = (),
    engine: EngineChoice = "mocks",
    on_event: OnEvent | None = None,
    program: Program | None = None,
) -> PreviewResult:
    """What :func:`up` would do, changing nothing: in a fresh emulation, or (with
    ``previous``) in one where ``previous`` was deployed first (``result.previous``).

    ``release``, ``engine``, ``on_event`` and ``program`` are :func:`up`'s.
    """
    plan, old = build_plan(topology), _plan_of(previous)
    done = _on_the_real_engine(
        engine,
        plan,
        old,
        on_event,
        custom=program is not None,
        then=lambda real: real.preview(plan, release),
    )
    if done is not None:
        return done
    with Emulation(old or plan) as emulation:
        first = _verified(emulation, emulation.up(on_event=on_event)) if old else None
        result = emulation.preview(plan, release=release, program=program, on_event=on_event)
        return replace(result, previous=first)


def _plan_of(source: TopologySource | None) -> Plan | None:
    return build_plan(source) if source is not None else None


Result = TypeVar("Result", UpResult, PreviewResult)


def _on_the_real_engine(
    engine: str,
    plan: Plan,
    old: Plan | None,
    on_event: OnEvent | None,
    *,
    custom: bool,
    then: Callable[[_RealEngine], Result],
) -> Result | None:
    """``then`` on the real engine (after deploying ``old`` there), its result carrying
    the first deploy's as ``previous``; None when the in-process engine is to run
    instead (chosen, or ``auto`` falling back for want of the aws plugin)."""
    if not _real(engine, custom=custom):
        return None
    try:
        with _real_engine(old or plan, on_event) as real:
            first = real.up(old, ()) if old is not None else None
            return replace(then(real), previous=first)
    except PluginInstallError as exc:
        if engine != "auto":
            raise
        _falling_back(exc, plan, on_event)
        return None


def _real(engine: str, *, custom: bool) -> bool:
    """Whether the real engine runs."""
    if engine not in _ENGINES:
        raise ValueError(f"engine must be one of {', '.join(_ENGINES)}, not {engine!r}")
    if custom:
        if engine == "pulumi":
            raise ValueError("program and on_resource need the in-process engine: engine='mocks'")
        return False
    if engine == "auto":
        return shutil.which("pulumi") is not None
    return engine == "pulumi"


def _verified(emulation: Emulation, result: UpResult) -> UpResult:
    return replace(result, verification=emulation.verify())


def _falling_back(error: PluginInstallError, plan: Plan, on_event: OnEvent | None) -> None:
    message = f"{error.args[0] if error.args else error}; running the in-process engine instead"
    if on_event is None:
        warnings.warn(message, RuntimeWarning, stacklevel=3)
        return
    progress = Progress(operation=Operation.UP, stack=plan.topology)
    on_event(Event(EventKind.DIAGNOSTIC, progress, message=message, severity="warning"))


@dataclass(frozen=True, slots=True)
class _RealEngine:
    """The real engine, deploying one stack into an emulation served on loopback."""

    emulation: Emulation
    endpoint: str
    work_dir: str
    stack: str
    on_event: OnEvent | None

    def up(self, plan: Plan, release: Collection[str]) -> UpResult:
        result = self._deployment(plan).up(on_event=self.on_event, release=release)
        verification = self.emulation.verify(outputs=result.outputs)
        return replace(result, verification=verification, emulated=True)

    def preview(self, plan: Plan, release: Collection[str]) -> PreviewResult:
        result = self._deployment(plan).preview(on_event=self.on_event, release=release)
        return replace(result, emulated=True)

    def _deployment(self, plan: Plan) -> Deployment:
        # Its accounts become reachable and its adopted VPCs exist before the engine runs.
        self.emulation.prepare(plan)
        return Deployment(
            with_emulation_roles(plan),
            stack=self.stack,
            project=f"peerstack-{self.stack}",
            work_dir=self.work_dir,
            endpoint=self.endpoint,
        )


@contextlib.contextmanager
def _real_engine(first: Plan, on_event: OnEvent | None) -> Iterator[_RealEngine]:
    """An emulation of ``first`` served on loopback, and a throwaway stack for it (named
    after ``first``: one stack from one version to the next)."""
    with (
        Emulation(first) as emulation,
        emulation.served() as url,
        tempfile.TemporaryDirectory(prefix="peerstack-emulated-") as work,
        _throwaway_passphrase(),
    ):
        yield _RealEngine(emulation, url, work, first.topology, on_event)


@contextlib.contextmanager
def _throwaway_passphrase() -> Iterator[None]:
    """The emulated stack's secrets need a passphrase; it lives as long as the stack."""
    if any(name in os.environ for name in PASSPHRASE_ENV):
        yield
        return
    os.environ["PULUMI_CONFIG_PASSPHRASE"] = "peerstack-emulated"
    try:
        yield
    finally:
        os.environ.pop("PULUMI_CONFIG_PASSPHRASE", None)
