"""`peerstack preview|up FILE --emulate [--from OLD]`: run against an emulated AWS.

`deploy.py` hands `--emulate` here. `up` brings a fresh emulated stack to the topology
(with `--from OLD`, first to OLD, then to FILE: day 2), verifies the result against the
plan and prints what it did and the verification; it exits 0 only when the emulated
network matches the plan. `preview` lists what `up` would do. Progress goes to stderr,
through the same view as a real deploy's.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from peerstack._cli._common import Exit, err, load_plan, out, print_verification, reporting_errors
from peerstack._text import plural

if TYPE_CHECKING:
    from peerstack.automation import ProgressTracker
    from peerstack.emulator import EmulatedStep
    from peerstack.plan import Plan
    from peerstack.verify import VerifyResult

__all__ = ["preview_emulated", "up_emulated"]


def up_emulated(
    file: Path,
    *,
    output_format: str,
    previous: Path | None = None,
    release: Sequence[str] = (),
    engine: str = "auto",
) -> int:
    """Deploy ``file`` into a fresh emulation (after ``previous``) and verify it.

    ``engine``: ``pulumi`` runs the real Pulumi engine (the Automation API against the
    emulation served on loopback), ``mocks`` the in-process engine; ``auto`` takes the
    real one when a ``pulumi`` is on PATH and its aws plugin can be installed.
    """
    with reporting_errors():
        _, plan = load_plan(file)
        old = load_plan(previous)[1] if previous is not None else None
        started = time.perf_counter()
        run = _with_pulumi if _use_pulumi(engine) else _with_mocks
        try:
            first, last = run(plan, old, release)
        except _NoPlugin as exc:
            err.print(
                f"[yellow]warning[/]: {escape(str(exc))}; running the in-process engine instead"
            )
            first, last = _with_mocks(plan, old, release)
        seconds = time.perf_counter() - started
        _show_up(file, previous, plan, first, last, seconds, output_format)
        return int(Exit.OK if last.verification.ok else Exit.FAILED)


@dataclass(frozen=True, slots=True)
class _Done:
    """What one emulated `up` did, whichever engine ran it."""

    changes: dict[str, int]
    counts: dict[str, int]
    steps: list[dict[str, Any]]
    outputs: Mapping[str, Any]
    verification: VerifyResult
    engine: str


class _NoPlugin(Exception):
    """The real engine cannot run here: its aws plugin could not be installed."""


def _use_pulumi(engine: str) -> bool:
    if engine == "mocks":
        return False
    if engine == "pulumi":
        return True
    return shutil.which("pulumi") is not None


def _with_mocks(plan: Plan, old: Plan | None, release: Sequence[str]) -> tuple[_Done | None, _Done]:
    from peerstack._render.progress import ProgressView
    from peerstack.emulator import Emulation

    label = f"{plan.topology} (emulated)"
    done: list[_Done] = []
    with Emulation(old or plan) as emulation:
        for version, releasing in ((old, ()), (plan, release)):
            if version is None:
                continue
            with ProgressView(err, "up", label) as view:
                steps = _Steps(version, "up", label, view.on_event)
                deployment = emulation.up(version, on_step=steps, release=releasing)
                steps.finish()
            done.append(
                _Done(
                    changes=deployment.changes(),
                    counts=deployment.counts_by_type(),
                    steps=[_step_dict(s) for s in _changed(deployment.steps)],
                    outputs=deployment.outputs,
                    verification=emulation.verify(),
                    engine="mocks",
                )
            )
    return (done[0] if len(done) == 2 else None), done[-1]


def _with_pulumi(
    plan: Plan, old: Plan | None, release: Sequence[str]
) -> tuple[_Done | None, _Done]:
    """The real engine, against the emulation served on loopback (endpoint mode)."""
    import tempfile

    from peerstack._render.progress import ProgressView
    from peerstack.automation import Deployment
    from peerstack.emulator import Emulation, with_emulation_roles
    from peerstack.errors import PluginInstallError

    label = f"{plan.topology} (emulated, pulumi)"
    done: list[_Done] = []
    with (
        Emulation(old or plan) as emulation,
        emulation.served() as url,
        tempfile.TemporaryDirectory(prefix="peerstack-emulated-") as work,
        _throwaway_passphrase(),
    ):
        for version, releasing in ((old, ()), (plan, release)):
            if version is None:
                continue
            emulation.prepare(version)
            deployment = Deployment(
                with_emulation_roles(version), stack="emulated", work_dir=work, endpoint=url
            )
            try:
                with ProgressView(err, "up", label) as view:
                    result = deployment.up(on_event=view.on_event, release=releasing)
            except PluginInstallError as exc:
                raise _NoPlugin(str(exc)) from exc
            done.append(
                _Done(
                    changes=result.changes.to_dict(),
                    counts={},
                    steps=[],
                    outputs=result.outputs.to_dict(),
                    verification=emulation.verify(outputs=result.outputs),
                    engine="pulumi",
                )
            )
    return (done[0] if len(done) == 2 else None), done[-1]


@contextlib.contextmanager
def _throwaway_passphrase() -> Iterator[None]:
    """The emulated stack's secrets need a passphrase; it lives as long as the stack."""
    import os

    names = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")
    if any(name in os.environ for name in names):
        yield
        return
    os.environ["PULUMI_CONFIG_PASSPHRASE"] = "peerstack-emulated"
    try:
        yield
    finally:
        os.environ.pop("PULUMI_CONFIG_PASSPHRASE", None)


def _show_up(
    file: Path,
    previous: Path | None,
    plan: Plan,
    first: _Done | None,
    last: _Done,
    seconds: float,
    output_format: str,
) -> None:
    if output_format == "json":
        typer.echo(
            json.dumps(
                {
                    "topology": plan.topology,
                    "emulated": True,
                    "engine": last.engine,
                    "operation": "up",
                    "from": str(previous) if previous is not None else None,
                    "duration_seconds": round(seconds, 3),
                    "changes": last.changes,
                    "resources": last.counts,
                    "steps": last.steps,
                    "outputs": dict(last.outputs),
                    "verification": last.verification.to_dict(),
                },
                indent=2,
            )
        )
        return
    from peerstack._render.emulate import changes_text, counts_table, links_table, steps_table

    engine = " with the Pulumi engine" if last.engine == "pulumi" else ""
    if first is not None:
        out.print(
            f"deployed [bold]{escape(str(previous))}[/] in the emulated AWS{engine}: "
            f"{changes_text(first.changes)}"
        )
        out.print(
            f"[green]brought[/] it to topology [bold]{escape(plan.topology)}[/] "
            f"({escape(str(file))}) in {seconds:.1f}s: {changes_text(last.changes)}"
        )
        if last.steps:
            out.print(steps_table(last.steps, "Changes"))
    else:
        total = sum(last.counts.values()) or last.changes.get("create", 0)
        imported = last.changes.get("import", 0)
        also = f", and [green]imported[/] {plural(imported, 'existing one')}" if imported else ""
        out.print(
            f"[green]created[/] {plural(total, 'resource')} of topology "
            f"[bold]{escape(plan.topology)}[/] "
            f"in the emulated AWS (moto){engine} in {seconds:.1f}s{also}"
        )
        if last.counts:
            out.print(counts_table(last.counts, "Created"))
    out.print(links_table(plan, last.verification))
    print_verification(last.verification)


def preview_emulated(
    file: Path, *, output_format: str, previous: Path | None = None, release: Sequence[str] = ()
) -> int:
    """List what ``up --emulate`` would do (after ``previous``, when given)."""
    with reporting_errors():
        _, plan = load_plan(file)
        old = load_plan(previous)[1] if previous is not None else None
        from peerstack.emulator import Emulation

        with _Phase(f"preview {plan.topology} (emulated)") as phase, Emulation(old or plan) as env:
            if old is not None:
                phase.say(f"deploying {previous}")
                env.up()
            phase.say("running the program")
            preview = env.preview(plan, release=release)
        changes = preview.changes()
        if output_format == "json":
            typer.echo(
                json.dumps(
                    {
                        "topology": plan.topology,
                        "emulated": True,
                        "operation": "preview",
                        "from": str(previous) if previous is not None else None,
                        "changes": changes,
                        "resources": preview.counts_by_type(),
                        "steps": [_step_dict(s) for s in _changed(preview.steps)],
                        "create": [
                            {
                                "type": r.type,
                                "name": r.name,
                                "account_id": r.account_id,
                                "region": r.region,
                            }
                            for r in preview.steps
                            if r.aws and str(r.op) == "create"
                        ],
                    },
                    indent=2,
                )
            )
            return int(Exit.OK)
        from peerstack._render.emulate import changes_text, counts_table, steps_table

        if old is None:
            counts = preview.counts_by_type()
            out.print(
                f"[green]previewed[/] topology [bold]{escape(plan.topology)}[/] in the "
                f"emulated AWS: {plural(sum(counts.values()), 'resource')} would be created"
            )
            out.print(counts_table(counts, "To create"))
            out.print(steps_table([_step_dict(s) for s in preview.steps if s.aws], "Resources"))
            out.print("nothing was created; `peerstack up FILE --emulate` creates and verifies")
        else:
            words = changes_text(changes)
            out.print(
                f"[green]previewed[/] bringing [bold]{escape(str(previous))}[/] to "
                f"[bold]{escape(str(file))}[/] in the emulated AWS: {words}"
            )
            out.print(steps_table([_step_dict(s) for s in _changed(preview.steps)], "Changes"))
            out.print("nothing was changed; `peerstack up FILE --emulate --from OLD` applies it")
        return int(Exit.OK)


def _changed(steps: Sequence[EmulatedStep]) -> list[EmulatedStep]:
    """AWS resources that change (unchanged ones, reads and replaced ones' deletes left out)."""
    return [s for s in steps if s.aws and str(s.op) not in ("same", "read") and not s.replacement]


def _step_dict(step: EmulatedStep) -> dict[str, Any]:  # also what steps_table shows
    return {
        "op": str(step.op),
        "type": step.type,
        "name": step.name,
        "id": step.id,
        "account_id": step.account_id,
        "region": step.region,
        "changed": sorted(step.changed),
    }


class _Steps:
    """Emulated steps, fed to a ProgressTracker as the engine events a real run sends, so
    that one progress view serves both."""

    def __init__(self, plan: Plan, operation: str, stack: str, on_event: Any) -> None:
        from peerstack.automation import Operation, ProgressTracker

        self._tracker: ProgressTracker = ProgressTracker(
            plan, Operation(operation), stack=stack, on_event=on_event
        )
        self._lock = threading.Lock()
        self._sequence = 0
        self._components: list[dict[str, Any]] = []
        self._feed({"preludeEvent": {"config": {}}})

    def __call__(self, step: EmulatedStep) -> None:
        custom = not step.type.startswith("peerstack:")
        delete = str(step.op) == "delete"
        state = {"type": step.type, "urn": step.urn, "custom": custom, "parent": step.parent}
        metadata = {
            "op": str(step.op),
            "urn": step.urn,
            "type": step.type,
            "provider": "",
            "old": state if delete else None,
            "new": None if delete else state,
        }
        with self._lock:
            self._feed({"resourcePreEvent": {"metadata": metadata}})
            if custom or delete:
                self._feed({"resOutputsEvent": {"metadata": metadata}})
            else:
                # A component is done once its resources are: at the end of the run.
                self._components.append(metadata)

    def finish(self) -> None:
        with self._lock:
            for metadata in self._components:
                self._feed({"resOutputsEvent": {"metadata": metadata}})
            self._feed({"cancelEvent": {}})

    def _feed(self, data: dict[str, Any]) -> None:
        from pulumi.automation import EngineEvent

        self._sequence += 1
        self._tracker(EngineEvent.from_json({"sequence": self._sequence, **data}))


class _Phase:
    """One line per phase on stderr (a live line on a terminal)."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._live: Any = None

    def __enter__(self) -> _Phase:
        if err.is_terminal:
            self._live = err.status(escape(self._label), spinner="dots")
            self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()

    def say(self, phase: str) -> None:
        text = f"{escape(self._label)}: {escape(phase)}"
        if self._live is not None:
            self._live.update(text)
        else:
            err.print(text)
