"""Deploy a topology with the Pulumi Automation API: preview, up, refresh, destroy, outputs."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import timedelta
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pulumi import automation as auto
from pulumi.automation import errors as auto_errors

from peerstack._components import ProviderSettings, endpoint_settings, topology_program
from peerstack._components.handover import StateRecord, check_handovers, released_urns
from peerstack._components.settings import provider_region
from peerstack._results import (
    ChangeSummary,
    DestroyResult,
    Outputs,
    PreviewResult,
    RefreshResult,
    UpResult,
    warnings_of,
)
from peerstack.automation._errors import (
    MIN_INLINE_REFRESH_DESTROY,
    classify_error,
    first_error,
    pulumi_not_installed,
    scrub,
)
from peerstack.automation._events import OnEvent, Operation, ProgressTracker
from peerstack.errors import DeployError, PeerstackError, PluginInstallError, PulumiVersionError
from peerstack.plan import Plan, TopologySource, build_plan
from peerstack.verify import AwsClients, ClientFactory, StateResource, adopts_anything, preflight

if TYPE_CHECKING:
    from peerstack.verify import VerifyResult

__all__ = [
    "PASSPHRASE_ENV",
    "Deployment",
    "aws_plugin_version",
    "default_work_dir",
]

logger = logging.getLogger("peerstack")

PASSPHRASE_ENV = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")
"""Where the passphrase that encrypts a self-managed stack's secrets comes from."""

_DIY_SCHEMES = ("file://", "s3://", "azblob://", "gs://", "postgres://")
_STACK_NAME = re.compile(r"^(?:[A-Za-z0-9_.-]+/){0,2}[A-Za-z0-9_.-]+$")


def aws_plugin_version() -> str:
    """The ``aws`` resource plugin version that matches the installed ``pulumi-aws``."""
    try:
        return "v" + metadata.version("pulumi-aws")
    except metadata.PackageNotFoundError:
        raise PluginInstallError(
            "the pulumi-aws Python package is not installed, so the aws plugin version is unknown",
            hint="install peerstack with its dependencies: `pip install peerstack`",
        ) from None


def default_work_dir(topology_name: str) -> Path:
    """``.peerstack/<topology>`` under the current directory: Pulumi.yaml, stack settings
    and (with the default backend) the state live there."""
    return Path.cwd() / ".peerstack" / topology_name


class Deployment:
    """One topology deployed as one Pulumi stack, driven from Python.

    ::

        from peerstack.automation import Deployment

        deployment = Deployment("corp.yaml", stack="prod")
        print(deployment.preview().changes)
        result = deployment.up()
        print(result.outputs.peering_connection_ids)
        deployment.destroy()

    The topology is validated and planned when the Deployment is made: a
    :class:`~peerstack.errors.TopologyError` is raised before Pulumi is touched.

    State goes to ``<work_dir>/.pulumi-state`` (a ``file://`` backend) unless
    ``backend_url`` names another (``s3://bucket``, ``https://api.pulumi.com`` ...).
    Self-managed backends encrypt secrets with the passphrase in PULUMI_CONFIG_PASSPHRASE
    or PULUMI_CONFIG_PASSPHRASE_FILE; peerstack reads neither and never logs them.

    Several Deployments (one per stack, say) may be used from one process.
    """

    def __init__(
        self,
        topology: TopologySource,
        *,
        stack: str = "dev",
        project: str | None = None,
        work_dir: str | os.PathLike[str] | None = None,
        backend_url: str | None = None,
        endpoint: str | None = None,
        provider_settings: ProviderSettings | None = None,
        config: Mapping[str, str | auto.ConfigValue] | None = None,
        parallel: int | None = None,
        on_event: OnEvent | None = None,
        secrets_provider: str | None = None,
        pulumi_command: auto.PulumiCommand | None = None,
        pulumi_home: str | os.PathLike[str] | None = None,
        install_plugins: bool = True,
        aws_clients: ClientFactory | None = None,
    ) -> None:
        """
        :param topology: a :class:`~peerstack.Topology`, a :class:`~peerstack.Plan`, or
            the path of a topology file.
        :param stack: the stack name (``org/project/stack`` for Pulumi Cloud is accepted).
        :param project: the Pulumi project name; default ``peerstack-<topology name>``.
        :param work_dir: where Pulumi.yaml and the stack settings live; default
            ``.peerstack/<topology name>`` under the current directory.
        :param backend_url: where state is stored; default ``file://<work_dir>/.pulumi-state``.
        :param endpoint: point every AWS provider at this URL (LocalStack, a moto server),
            with dummy credentials and AWS's account and credential checks skipped.
        :param provider_settings: settings for every AWS provider (instead of ``endpoint``).
        :param config: stack configuration, ``key -> value`` (a
            ``pulumi.automation.ConfigValue(value, secret=True)`` for a secret, stored
            encrypted; the SDK hands values to the CLI on its command line, so prefer the
            environment for credentials).
        :param parallel: at most this many resource operations at once.
        :param on_event: called with each :class:`~peerstack.automation.Event` of every
            operation (on a background thread; keep it quick).
        :param secrets_provider: for new stacks, e.g. ``awskms://alias/key``; default:
            the passphrase for self-managed backends, Pulumi Cloud's own otherwise.
        :param pulumi_command: the Pulumi CLI to run; default ``pulumi`` on PATH.
        :param pulumi_home: PULUMI_HOME for the CLI (plugins, credentials).
        :param install_plugins: install the ``aws`` plugin matching pulumi-aws first.
        :param aws_clients: how the pre-flight reads AWS before a preview or an up of a
            topology that adopts anything (``(account, region) -> EC2 client``); default
            :class:`~peerstack.verify.AwsClients` (the environment's credentials, then
            each account's role; the ``endpoint`` when one is given).
        """
        if not stack or not _STACK_NAME.match(stack):
            raise ValueError(
                f"invalid stack name {stack!r}: use letters, digits, '-', '_' and '.' "
                "(optionally prefixed with 'org/' or 'org/project/')"
            )
        if endpoint is not None and provider_settings is not None:
            raise ValueError("give either endpoint or provider_settings, not both")
        if endpoint is not None and not re.match(r"^https?://[^\s/]+", endpoint):
            raise ValueError(f"endpoint must be an http(s) URL, not {endpoint!r}")
        if parallel is not None and parallel < 1:
            raise ValueError(f"parallel must be at least 1, not {parallel!r}")

        self._plan = build_plan(topology)
        self._stack_name = stack
        self._project = project or f"peerstack-{self._plan.topology}"
        self._work_dir = Path(
            work_dir if work_dir is not None else default_work_dir(self._plan.topology)
        ).absolute()
        self._backend_url = backend_url or f"file://{self._work_dir / '.pulumi-state'}"
        self._endpoint = endpoint
        if endpoint is not None:
            provider_settings = endpoint_settings(endpoint)
        self._provider_settings = provider_settings
        self._config = dict(config or {})
        self._parallel = parallel
        self._on_event = on_event
        self._secrets_provider = secrets_provider
        self._pulumi_command = pulumi_command
        self._pulumi_home = os.fspath(pulumi_home) if pulumi_home is not None else None
        self._install_plugins = install_plugins
        self._raised: list[BaseException] = []
        self._aws_clients = aws_clients
        self._kept_imports: dict[str, str] = {}
        """Import ids the stack's state holds, found by the last pre-flight."""
        self._program = self._recording(self._topology_program)
        self._stack: auto.Stack | None = None
        self._plugin_ready = False

    # -- what this deployment is ------------------------------------------------------

    @property
    def plan(self) -> Plan:
        return self._plan

    @property
    def stack_name(self) -> str:
        return self._stack_name

    @property
    def project_name(self) -> str:
        return self._project

    @property
    def work_dir(self) -> Path:
        return self._work_dir

    @property
    def backend_url(self) -> str:
        return self._backend_url

    @property
    def endpoint(self) -> str | None:
        return self._endpoint

    def __repr__(self) -> str:
        return (
            f"Deployment(topology={self._plan.topology!r}, stack={self._stack_name!r}, "
            f"backend_url={self._backend_url!r}, work_dir={str(self._work_dir)!r})"
        )

    def workspace_options(self) -> auto.LocalWorkspaceOptions:
        """The options of the LocalWorkspace every operation runs in.

        The environment given to the CLI holds no secret: the passphrase and AWS
        credentials reach Pulumi through the process environment only.
        """
        return auto.LocalWorkspaceOptions(
            work_dir=str(self._work_dir),
            pulumi_home=self._pulumi_home,
            program=self._program,
            env_vars={"PULUMI_SKIP_UPDATE_CHECK": "true"},
            secrets_provider=self._secrets_provider,
            project_settings=auto.ProjectSettings(
                name=self._project,
                runtime="python",
                description=f"peerstack topology {self._plan.topology!r}",
                backend=auto.ProjectBackend(url=self._backend_url),
            ),
            pulumi_command=self._pulumi_command,
        )

    # -- operations -------------------------------------------------------------------

    def preview(
        self, *, on_event: OnEvent | None = None, release: Collection[str] = ()
    ) -> PreviewResult:
        """What ``up`` would change, without changing anything (``release``: see :meth:`up`)."""
        stack = self._ready_stack(create=True, operation=Operation.PREVIEW)
        exported = self._export(stack)
        check_handovers(self._plan, self._plan.topology, _records(exported), release=release)
        self._preflight(exported)
        tracker = self._tracker(Operation.PREVIEW, on_event)
        started = time.monotonic()
        with self._classified(Operation.PREVIEW, tracker):
            stack.preview(parallel=self._parallel, on_event=tracker)
        steps = tracker.steps()
        return PreviewResult(
            stack=self._stack_name,
            topology=self._plan.topology,
            changes=ChangeSummary.count(steps),
            duration=_since(started),
            steps=steps,
            warnings=warnings_of(self._plan, _engine_warnings(tracker)),
        )

    def up(
        self,
        *,
        on_event: OnEvent | None = None,
        release: Collection[str] = (),
        verify: bool = False,
    ) -> UpResult:
        """Create, update, replace or delete resources until the stack is the topology;
        return what changed and the stack's outputs.

        ``release`` names VPCs this stack created that the topology now adopts
        (``existing:``): their VPC, subnets, route tables and associations are marked to
        be kept in AWS, then leave the stack's state. Without it such a VPC raises
        :class:`~peerstack.errors.HandoverError` before anything changes.

        ``verify`` reads AWS back afterwards (through ``endpoint`` when one is set) and
        compares it with the plan, as ``peerstack verify`` does: the result's
        ``verification``. Without it that is None.
        """
        stack = self._ready_stack(create=True, operation=Operation.UP)
        exported = self._export(stack)
        check_handovers(self._plan, self._plan.topology, _records(exported), release=release)
        self._preflight(exported)
        self._release(stack, release)
        tracker = self._tracker(Operation.UP, on_event)
        started = time.monotonic()
        with self._classified(Operation.UP, tracker):
            result = stack.up(parallel=self._parallel, on_event=tracker)
        outputs = Outputs.from_output_map(result.outputs)
        steps = tracker.steps()
        return UpResult(
            stack=self._stack_name,
            topology=self._plan.topology,
            changes=ChangeSummary.count(steps),
            duration=_since(started),
            steps=steps,
            outputs=outputs,
            verification=self._verify(outputs) if verify else None,
            warnings=warnings_of(self._plan, _engine_warnings(tracker)),
        )

    def refresh(
        self, *, on_event: OnEvent | None = None, clear_pending_creates: bool = False
    ) -> RefreshResult:
        """Read every resource back from AWS and take differences into the stack's state.

        ``clear_pending_creates`` drops the creates a killed run left unfinished from the
        state (they block every later operation): resources AWS did create then exist
        outside the state; find them by their peerstack tags (``peerstack verify``
        reports them) and delete or import them.
        """
        stack = self._ready_stack(create=False, operation=Operation.REFRESH)
        tracker = self._tracker(Operation.REFRESH, on_event)
        started = time.monotonic()
        with self._classified(Operation.REFRESH, tracker):
            stack.refresh(
                parallel=self._parallel,
                on_event=tracker,
                clear_pending_creates=clear_pending_creates or None,
            )
        steps = tracker.steps()
        return RefreshResult(
            stack=self._stack_name,
            topology=self._plan.topology,
            changes=ChangeSummary.count(steps),
            duration=_since(started),
            steps=steps,
        )

    def destroy(
        self, *, on_event: OnEvent | None = None, remove_stack: bool = False
    ) -> DestroyResult:
        """Delete every resource peerstack created (adopted VPCs are never touched).

        With ``remove_stack``, the emptied stack and its settings are removed too.
        """
        stack = self._ready_stack(create=False, operation=Operation.DESTROY)
        tracker = self._tracker(Operation.DESTROY, on_event)
        started = time.monotonic()
        with self._classified(Operation.DESTROY, tracker):
            stack.destroy(parallel=self._parallel, on_event=tracker, remove=remove_stack or None)
        if remove_stack:
            self._stack = None
        steps = tracker.steps()
        return DestroyResult(
            stack=self._stack_name,
            topology=self._plan.topology,
            changes=ChangeSummary.count(steps),
            duration=_since(started),
            steps=steps,
        )

    def state(self) -> tuple[StateRecord, ...]:
        """Every resource the stack's state holds (what ``destroy`` would delete, unless
        marked to be kept); empty when nothing was deployed."""
        stack = self._ready_stack(create=False, operation="state")
        return tuple(_records(self._export(stack)))

    def outputs(self) -> Outputs:
        """The stack's outputs from its last ``up`` (empty if it was never deployed)."""
        stack = self._ready_stack(create=False, operation="outputs")
        with self._classified("outputs", None):
            return Outputs.from_output_map(stack.outputs())

    # -- the workspace ----------------------------------------------------------------

    def pulumi_version(self) -> str | None:
        """The version of the Pulumi CLI this deployment runs (None if it can't be parsed)."""
        version = self._command().version
        return str(version) if version is not None else None

    def _command(self) -> auto.PulumiCommand:
        if self._pulumi_command is None:
            try:
                self._pulumi_command = auto.PulumiCommand()
            except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
                raise pulumi_not_installed(exc.strerror) from exc
            except subprocess.CalledProcessError as exc:
                raise DeployError(
                    f"`pulumi version` failed with exit code {exc.returncode}",
                    hint="check that the `pulumi` on PATH runs: `pulumi version`",
                ) from exc
            except auto_errors.InvalidVersionError as exc:
                raise classify_error(exc, operation="version", stack=self._stack_name) from exc
        return self._pulumi_command

    def _ready_stack(self, *, create: bool, operation: str) -> auto.Stack:
        command = self._command()
        if operation in (Operation.REFRESH, Operation.DESTROY):
            _require_inline_support(command, operation)
        if create:
            self._check_passphrase()
        stack = self._stack
        if stack is None:
            stack = self._open_stack(command, create=create, operation=operation)
        if operation != "outputs" and self._install_plugins and not self._plugin_ready:
            self._install_aws_plugin(stack)
        return stack

    def _open_stack(
        self, command: auto.PulumiCommand, *, create: bool, operation: str
    ) -> auto.Stack:
        self._work_dir.mkdir(parents=True, exist_ok=True)
        if self._backend_url.startswith("file://"):
            Path(self._backend_url.removeprefix("file://")).expanduser().mkdir(
                parents=True, exist_ok=True
            )
        options = self.workspace_options()
        options.pulumi_command = command
        open_stack = auto.create_or_select_stack if create else auto.select_stack
        with self._classified(operation, None):
            stack = open_stack(
                self._stack_name,
                project_name=self._project,
                program=self._program,
                opts=options,
            )
            if self._config:
                stack.set_all_config(
                    {
                        key: value
                        if isinstance(value, auto.ConfigValue)
                        else auto.ConfigValue(value)
                        for key, value in self._config.items()
                    }
                )
        self._stack = stack
        return stack

    def _install_aws_plugin(self, stack: auto.Stack) -> None:
        version = aws_plugin_version()
        try:
            stack.workspace.install_plugin("aws", version)
        except auto_errors.CommandError as exc:
            reason = first_error(scrub(str(exc), self._secrets()))
            raise PluginInstallError(
                f"the Pulumi aws plugin {version} could not be installed: {reason}",
                hint=(
                    "installing it needs network access once; on a connected machine run "
                    f"`pulumi plugin install resource aws {version}` and copy ~/.pulumi/plugins "
                    "over (or point PULUMI_HOME at a directory that has it). "
                    "`--emulate` works offline"
                ),
            ) from exc
        self._plugin_ready = True

    def _check_passphrase(self) -> None:
        """Fail early, and clearly, when a self-managed stack would need a passphrase."""
        if self._secrets_provider not in (None, "passphrase"):
            return
        if not self._backend_url.startswith(_DIY_SCHEMES):
            return
        if any(name in os.environ for name in PASSPHRASE_ENV):
            return
        settings = self._work_dir / f"Pulumi.{self._stack_name.rsplit('/', 1)[-1]}.yaml"
        if settings.exists():
            with contextlib.suppress(OSError, yaml.YAMLError):
                data = yaml.safe_load(settings.read_text(encoding="utf-8")) or {}
                provider = data.get("secretsprovider") if isinstance(data, dict) else None
                if provider and not str(provider).startswith("passphrase"):
                    return
        raise DeployError(
            f"stack {self._stack_name!r} keeps its secrets encrypted with a passphrase, "
            "and none is set",
            hint=(
                "export PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE, the path "
                "of a file holding it); keep it: the stack's secrets can't be read without it"
            ),
        )

    def _tracker(self, operation: Operation, on_event: OnEvent | None) -> ProgressTracker:
        return ProgressTracker(
            self._plan, operation, stack=self._stack_name, on_event=on_event or self._on_event
        )

    @contextlib.contextmanager
    def _classified(self, operation: str, tracker: ProgressTracker | None) -> Iterator[None]:
        try:
            yield
        except (auto_errors.CommandError, auto_errors.InvalidVersionError) as exc:
            diagnostics = (
                [message for severity, message in tracker.diagnostics if severity == "error"]
                if tracker is not None
                else []
            )
            raise classify_error(
                exc,
                operation=str(operation),
                stack=self._stack_name,
                plan=self._plan,
                work_dir=str(self._work_dir),
                diagnostics=diagnostics,
                secrets=self._secrets(),
                raised=list(self._raised),
            ) from exc

    def _topology_program(self) -> None:
        topology_program(self._plan, self._provider_settings, kept_imports=self._kept_imports)()

    def _preflight(self, exported: auto.Deployment) -> None:
        """Before anything registers: read AWS for what the topology adopts, and the
        stack's state for what it imported, and refuse what does not fit
        (:class:`~peerstack.errors.PreflightError`); keep the state's import ids."""
        held = list(_state_resources(exported))
        if not adopts_anything(self._plan) and not any(r.import_id for r in held):
            self._kept_imports = {}
            return
        settings = self._provider_settings or ProviderSettings()
        checked = preflight(
            self._plan,
            self._aws_clients or AwsClients(endpoint=self._endpoint),
            prefix=self._plan.topology,
            provider_region=lambda alias: provider_region(self._plan, alias, settings),
            state=held,
        )
        self._kept_imports = dict(checked.kept_imports)

    def _recording(self, program: Callable[[], None]) -> Callable[[], None]:
        """``program``, keeping what it raises: the failure is explained from the exception
        itself rather than from the text the engine prints of it."""

        def recorded() -> None:
            self._raised.clear()
            try:
                program()
            except PeerstackError as exc:
                self._raised.append(exc)
                import pulumi

                # The engine prints a RunError's message, without a Python traceback.
                raise pulumi.RunError(str(exc)) from exc

        return recorded

    def _export(self, stack: auto.Stack) -> auto.Deployment:
        with self._classified("export", None):
            return stack.export_stack()

    def _release(self, stack: auto.Stack, release: Collection[str]) -> None:
        """Mark the resources of released VPCs retainOnDelete in the stack's state.

        The engine reads that flag from the old state when it deletes a resource the
        program no longer registers, and then skips the provider's delete (pulumi
        pkg/resource/deploy step.go, DeleteStep), so the next ``up`` only drops them.
        """
        exported = self._export(stack)
        records = list(_records(exported))
        released = check_handovers(self._plan, self._plan.topology, records, release=release)
        if not released:
            return
        urns = released_urns(self._plan, self._plan.topology, records, released)
        for resource in (exported.deployment or {}).get("resources") or []:
            if resource.get("urn") in urns:
                resource["retainOnDelete"] = True
        logger.info("releasing %s: %d resources kept in AWS", ", ".join(released), len(urns))
        with self._classified("import", None):
            stack.import_stack(exported)

    def _verify(self, outputs: Outputs) -> VerifyResult:
        """AWS (or the endpoint) read back and compared with the plan."""
        from peerstack.verify import AwsClients, verify

        clients = AwsClients(endpoint=self._endpoint) if self._endpoint else None
        return verify(self._plan, clients=clients, outputs=outputs)

    def _secrets(self) -> list[str]:
        values = [
            value.value
            for value in self._config.values()
            if isinstance(value, auto.ConfigValue) and value.secret
        ]
        settings = self._provider_settings
        for name in ("secret_key", "access_key"):
            value = getattr(settings, name, None) if settings is not None else None
            if isinstance(value, str):
                values.append(value)
        return values


def _require_inline_support(command: auto.PulumiCommand, operation: str) -> None:
    version = command.version
    if version is None:
        return
    found = (version.major, version.minor, version.patch)
    if found < MIN_INLINE_REFRESH_DESTROY:
        needed = ".".join(str(part) for part in MIN_INLINE_REFRESH_DESTROY)
        raise PulumiVersionError(
            f"`{operation}` runs the topology as an inline program, which needs the Pulumi CLI "
            f">= {needed}; the installed one is {version}",
            hint="upgrade it: `curl -fsSL https://get.pulumi.com | sh` (or `brew upgrade pulumi`)",
        )


def _engine_warnings(tracker: ProgressTracker) -> list[str]:
    return [message for severity, message in tracker.diagnostics if severity == "warning"]


def _since(started: float) -> timedelta:
    return timedelta(seconds=time.monotonic() - started)


def _state_resources(exported: auto.Deployment) -> Iterator[StateResource]:
    """What the pre-flight needs of each custom resource of an exported checkpoint."""
    for resource in (exported.deployment or {}).get("resources") or []:
        if not resource.get("custom") or resource.get("external"):
            continue
        urn = str(resource.get("urn", ""))
        outputs = resource.get("outputs") or {}
        yield StateResource(
            type=str(resource.get("type", "")),
            name=urn.rsplit("::", 1)[-1],
            id=str(resource.get("id", "") or ""),
            import_id=str(resource.get("importID", "") or ""),
            region=str(outputs.get("region") or "") or None,
        )


def _records(exported: auto.Deployment) -> Iterator[StateRecord]:
    """The resources of an exported checkpoint (``pulumi stack export``)."""
    for resource in (exported.deployment or {}).get("resources") or []:
        urn = str(resource.get("urn", ""))
        yield StateRecord(
            urn=urn,
            type=str(resource.get("type", "")),
            name=urn.rsplit("::", 1)[-1],
            id=str(resource.get("id", "") or ""),
            parent=str(resource.get("parent", "") or ""),
        )
