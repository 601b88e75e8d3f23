"""An engine that applies a program's registrations to the emulated AWS, step by step.

It does what the Pulumi engine does with a program and the stack's state (read in
github.com/pulumi/pulumi ``pkg/resource/deploy``: step_generator.go, step.go):

- a resource registered for the first time is created; registered again, it is compared
  with its state: the same inputs are ``same``, changed inputs ``update`` it in place,
  and a change to an input that forces a new resource (``peerstack._provider.changes``,
  from the provider's ForceNew arguments), a changed provider or a changed region
  ``replace`` it: the replacement is created first and the old one deleted at the end,
  unless the resource asks for delete-before-replace;
- once the program has finished, every resource of the state it did not register is
  deleted, dependents before their dependencies, children before parents, resources
  before their provider; a resource whose state says ``retain_on_delete`` leaves the
  state and stays in AWS (step.go: DeleteStep skips the provider then);
- a resource registered with ``import_`` is imported when the state holds no resource of
  that URN, holds an external one, or holds one whose import id (else its id) differs
  (step_generator.go, ``isImport``). Since Pulumi v3.174 (pulumi/pulumi#19339) the import
  step only reads the resource (no Check, no Diff), saves what it read as the state, and
  the normal diff then runs against it: a mismatch becomes an update, or a replace,
  *after* the import is saved. Replacing a resource that still has an import id is a
  warning in a preview and an error in an update (step_generator.go: "previously-imported
  resources that still specify an ID may not be replaced"). An import that takes the
  place of a resource the state held (another import id) is an import-replacement: the
  original is deleted at the end (step.go, ImportStep.Apply: ``s.original.Delete = true``),
  unless its state says ``retain_on_delete``. The read happens in the region the import
  id names (``id@region``), else in the provider's (``peerstack._provider.imports``);
- a resource registered with aliases takes over the state of the first alias URN the
  state holds (the engine's alias lookup, step_generator.go), so a rename moves it;
- tags are diffed against what the provider read back (the bridge diffs the program's
  inputs against the prior state), so a resource that sends no tags removes the ones it
  read unless ``ignore_changes`` names them;
- a preview computes the same steps and applies none.

(Read in pulumi/pulumi ``pkg/resource/deploy`` at v3.259, the newest snapshot at hand;
the import semantics are those of every version since 3.174.)

The AWS side of each step is the resource type's handler (``_handlers``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pulumi

from peerstack._provider import tokens
from peerstack._provider.changes import Change, classify
from peerstack._provider.imports import split_import_id
from peerstack._provider.tokens import short_type
from peerstack._results import Places, ResourceStep
from peerstack._runtime import Monitor, Program, run_program
from peerstack.emulator._handlers import HANDLERS, INVOKES, Request, ResourceHandler
from peerstack.emulator._handlers._base import COMMON_INPUTS, field_of, str_map
from peerstack.emulator._state import ResourceState, StackState, delete_order
from peerstack.errors import EmulatorError

if TYPE_CHECKING:
    from peerstack.emulator._cloud import EmulatedAws

__all__ = ["OnStep", "run"]

OnStep = Callable[[ResourceStep], None]
"""Called once per step (create, update, replace, delete, same), as soon as it is done."""

_ROLE_ACCOUNT = re.compile(r"^arn:[\w-]+:iam::(\d{12}):role/")
_VERBS = {
    Change.CREATE: "creating",
    Change.UPDATE: "updating",
    Change.REPLACE: "replacing",
    Change.SAME: "keeping",
    Change.IMPORT: "importing",
}


@dataclass(frozen=True, slots=True)
class _Provider:
    name: str
    account_id: str
    region: str | None
    default_tags: Mapping[str, str]


@dataclass
class _Run:
    """One run of a program against the state: the steps, and what they leave behind."""

    cloud: EmulatedAws
    state: StackState
    preview: bool
    quotas: Mapping[str, int]
    on_step: OnStep | None
    places: Places | None = None
    old: StackState = field(init=False)
    registered: set[str] = field(default_factory=set)
    moved: set[str] = field(default_factory=set)
    """Old URNs whose state an alias moved to a new URN (never deleted)."""
    replaced: list[ResourceState] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What the engine would warn about (a preview's replace of an imported resource)."""
    steps: list[ResourceStep] = field(default_factory=list)
    providers: dict[str, _Provider] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.old = self.state.copy()

    # -- registrations ---------------------------------------------------------------------

    def register(
        self,
        request: Any,
        args: pulumi.runtime.MockResourceArgs,
        urn: str,
        *,
        read: bool = False,
        aliases: tuple[str, ...] = (),
    ) -> tuple[str, dict[str, Any]]:
        if urn in self.registered:
            raise EmulatorError(
                f"{short_type(args.typ)} {args.name!r} is registered twice; Pulumi's engine "
                "rejects two resources with one URN"
            )
        self.registered.add(urn)
        inputs = dict(args.inputs)
        old = self.old.get(urn) or self._aliased(urn, aliases)
        if read:
            return self._read_step(request, args, urn, inputs)
        if args.typ.startswith("pulumi:providers:"):
            return self._provider_step(request, args, urn, inputs, old)
        if not args.custom:
            return self._component_step(request, args, urn, inputs, old)
        return self._custom_step(request, args, urn, inputs, old)

    def _provider_step(
        self, request: Any, args: Any, urn: str, inputs: dict[str, Any], old: ResourceState | None
    ) -> tuple[str, dict[str, Any]]:
        if args.typ != tokens.AWS_PROVIDER:
            raise EmulatorError(
                f"the emulator supports only the aws provider, not {args.typ!r} ({args.name!r})"
            )
        provider = _Provider(
            name=args.name,
            account_id=self._provider_account(args.name, inputs),
            region=inputs.get("region") or None,
            default_tags=str_map((_json(inputs.get("defaultTags")) or {}).get("tags")),
        )
        provider_id = (
            old.id if old is not None else f"emulated-{len(self.old) + len(self.registered)}"
        )
        self.providers[provider_id] = provider
        change = Change.CREATE if old is None else classify(args.typ, old.inputs, inputs)[0]
        self._keep(request, args, urn, provider_id, inputs, inputs, None, provider.region)
        self._record(
            change,
            args.typ,
            args.name,
            urn,
            provider_id,
            None,
            provider.region,
            parent=request.parent,
        )
        return provider_id, inputs

    def _component_step(
        self, request: Any, args: Any, urn: str, inputs: dict[str, Any], old: ResourceState | None
    ) -> tuple[str, dict[str, Any]]:
        change = Change.CREATE if old is None else classify(args.typ, old.inputs, inputs)[0]
        outputs = dict(old.outputs) if old is not None else {}
        self._keep(request, args, urn, "", inputs, outputs, None, None)
        self._record(
            change, args.typ, args.name, urn, None, None, None, parent=request.parent, custom=False
        )
        return "", {}

    def _custom_step(
        self, request: Any, args: Any, urn: str, inputs: dict[str, Any], old: ResourceState | None
    ) -> tuple[str, dict[str, Any]]:
        provider = self._provider(args.provider, what=f"{args.typ} {args.name!r}")
        region = inputs.get("region") or provider.region
        if not region:
            raise EmulatorError(
                f"{short_type(args.typ)} {args.name!r} has no `region` and its provider "
                f"{provider.name!r} none: pulumi-aws v7 resources should name their region"
            )
        handler = HANDLERS.get(args.typ)
        if handler is None:
            known = sorted(HANDLERS)
            raise EmulatorError(
                f"the emulator does not support resources of type {args.typ!r} "
                f"(resource {args.name!r}); supported: {', '.join(known)}"
            )
        import_id = getattr(request, "importId", "") or ""
        imported = bool(import_id) and (
            old is None or old.external or (old.import_id or old.id) != import_id
        )
        if imported:
            old = self._import_step(request, args, urn, inputs, provider, import_id, old)
        ignored = frozenset(getattr(request, "ignoreChanges", ()) or ())
        if old is not None and ignored:
            # The engine's processIgnoreChanges: ignored inputs keep their old values.
            inputs = {**inputs, **{k: old.inputs.get(k) for k in ignored if k in old.inputs}}
        req = self._request(args.typ, args.name, inputs, provider, region)
        change, keys = Change.CREATE, frozenset(inputs)
        if old is not None:
            change, keys = _diff(args.typ, old, inputs, ignored)
            moved = (old.account_id, old.region) != (provider.account_id, region)
            if moved or old.provider_urn != args.provider.rsplit("::", 1)[0]:
                change = Change.REPLACE
            if change is Change.REPLACE and import_id:
                self._replace_imported(args, old, keys, import_id)
            if imported and change is Change.SAME:
                # The import step stands for the resource (no same step after it).
                return old.id, {**old.outputs, "region": old.region}
        if self.preview:
            self._record(
                change,
                args.typ,
                args.name,
                urn,
                None,
                provider.account_id,
                region,
                keys,
                parent=request.parent,
            )
            if old is not None and change in (Change.SAME, Change.UPDATE):
                return old.id, {**old.outputs, **inputs, "region": region}
            return "", inputs
        try:
            resource_id, outputs = self._apply(handler, req, change, keys, old, request)
        except EmulatorError:
            raise
        except Exception as exc:
            raise EmulatorError(
                f"{_VERBS[change]} {short_type(args.typ)} {args.name!r} in account "
                f"{provider.account_id}, {region} failed: {exc}"
            ) from exc
        state = {**inputs, **outputs, "region": region}
        if "tags" in inputs or req.tags:
            state["tagsAll"] = dict(req.tags)
        import_id = old.import_id if old is not None and change is not Change.REPLACE else ""
        self._keep(
            request,
            args,
            urn,
            resource_id,
            inputs,
            state,
            provider.account_id,
            region,
            import_id=import_id,
        )
        self._record(
            change,
            args.typ,
            args.name,
            urn,
            resource_id,
            provider.account_id,
            region,
            keys,
            parent=request.parent,
        )
        return resource_id, state

    def _apply(
        self,
        handler: ResourceHandler,
        req: Request,
        change: Change,
        keys: frozenset[str],
        old: ResourceState | None,
        request: Any,
    ) -> tuple[str, dict[str, Any]]:
        if change is Change.SAME:
            assert old is not None
            return old.id, dict(old.outputs)
        if change is Change.UPDATE:
            assert old is not None
            not_emulated = keys - COMMON_INPUTS - handler.updatable
            if handler.update is None or not_emulated:
                raise EmulatorError(
                    f"{req.what}: updating {sorted(not_emulated or keys)} is not emulated"
                )
            return handler.update(req, old, keys)
        if change is Change.REPLACE:
            assert old is not None
            if getattr(request, "deleteBeforeReplace", False):
                self._delete(old, replacement=True)
            else:
                self.replaced.append(old)  # deleted once everything else is done
        return handler.create(req)

    def _import_step(
        self,
        request: Any,
        args: Any,
        urn: str,
        inputs: dict[str, Any],
        provider: _Provider,
        import_id: str,
        original: ResourceState | None,
    ) -> ResourceState:
        """The ``import_`` option: read the resource (in a preview too, as Pulumi does) and
        save what was read as its state; the caller then diffs the program's inputs
        against it. Replacing a managed resource of another import id, the original is
        deleted once everything else is done (an import-replacement)."""
        what = f"{short_type(args.typ)} {args.name!r}"
        handler = HANDLERS.get(args.typ)
        if handler is None or handler.read is None:
            raise EmulatorError(f"the emulator does not support importing {what}")
        resource_id, read_region = split_import_id(import_id, provider.region)
        region = read_region or inputs.get("region") or provider.region
        assert region  # the caller checked that the resource has one
        req = self._request(args.typ, args.name, {**inputs, "id": resource_id}, provider, region)
        try:
            found_id, outputs = handler.read(req)
        except EmulatorError:
            raise
        except Exception as exc:
            raise EmulatorError(
                f"importing {what} ({import_id}) in account {provider.account_id}, {region} "
                f"failed: {exc}"
            ) from exc
        # What the provider's Read hands back as the resource's inputs: the arguments
        # the program sets, and the tags (which the provider diffs even when unset).
        read_inputs = {k: v for k, v in outputs.items() if k in inputs or k == "tags"}
        read_inputs["region"] = region
        state = ResourceState(
            urn=urn,
            type=args.typ,
            name=args.name,
            custom=True,
            id=found_id,
            inputs=read_inputs,
            outputs={**outputs, "region": region},
            parent=request.parent or "",
            provider=args.provider or "",
            account_id=provider.account_id,
            region=region,
            retain_on_delete=bool(getattr(request, "retainOnDelete", False)),
            import_id=import_id,
        )
        if original is not None and not original.external:
            self.replaced.append(original)  # step.go: s.original.Delete = true
        if not self.preview:
            self.state.put(state)
        self._record(
            Change.IMPORT,
            args.typ,
            args.name,
            urn,
            found_id,
            provider.account_id,
            region,
            parent=request.parent,
        )
        return state

    def _replace_imported(
        self, args: Any, old: ResourceState, keys: frozenset[str], import_id: str
    ) -> None:
        """step_generator.go: a replace of a resource whose registration still names an
        import id warns in a preview and fails an update (after the import was saved)."""
        message = (
            f"{short_type(args.typ)} {args.name!r} ({import_id}): previously-imported "
            "resources that still specify an ID may not be replaced; please remove the "
            f"`import` declaration from your program; {', '.join(sorted(keys))} would change "
            f"(the resource in AWS has {_what_changed(old, keys)})"
        )
        if self.preview:
            self.warnings.append(message)
            return
        raise EmulatorError(message)

    def _aliased(self, urn: str, aliases: tuple[str, ...]) -> ResourceState | None:
        """The state of the first alias the old state holds and no registration took: the
        resource moves to ``urn`` (renamed without being replaced)."""
        for alias in aliases:
            found = self.old.get(alias)
            if found is None or alias in self.registered or alias in self.moved:
                continue
            self.moved.add(alias)
            if not self.preview:
                self.state.remove(alias)
            return replace(found, urn=urn)
        return None

    def _read_step(
        self, request: Any, args: Any, urn: str, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """``Resource.get``: the resource is read, and recorded as external (never deleted)."""
        provider = self._provider(args.provider, what=f"{args.typ} {args.name!r}")
        region = inputs.get("region") or provider.region
        handler = HANDLERS.get(args.typ)
        if handler is None or handler.read is None or not region:
            raise EmulatorError(
                f"the emulator does not support reading resources of type {args.typ!r} "
                f"(resource {args.name!r})"
            )
        req = self._request(
            args.typ, args.name, {**inputs, "id": args.resource_id}, provider, region
        )
        try:
            resource_id, outputs = handler.read(req)
        except Exception as exc:
            raise EmulatorError(
                f"reading {short_type(args.typ)} {args.name!r} ({args.resource_id}) in account "
                f"{provider.account_id}, {region} failed: {exc}"
            ) from exc
        state = {**inputs, **outputs, "region": region}
        self._keep(request, args, urn, resource_id, inputs, state, None, region, external=True)
        self._record(
            Change.READ,
            args.typ,
            args.name,
            urn,
            resource_id,
            provider.account_id,
            region,
            parent=request.parent,
        )
        return resource_id, state

    # -- after the program -----------------------------------------------------------------

    def finish(self) -> None:
        """Delete what the program no longer registers, and what was replaced."""
        gone = [r for r in self.old if r.urn not in self.registered and r.urn not in self.moved]
        for resource in delete_order([*gone, *self.replaced]):
            replacement = resource.urn in self.registered
            if self.preview:
                self._record_delete(resource, replacement)
                continue
            self._delete(resource, replacement=replacement)
            if not replacement:
                self.state.remove(resource.urn)

    def _delete(self, resource: ResourceState, *, replacement: bool = True) -> None:
        if resource.protect:
            raise EmulatorError(
                f"{short_type(resource.type)} {resource.name!r} is protected; it cannot be deleted"
            )
        if (
            resource.custom
            and not (resource.retain_on_delete or resource.external)
            and (resource.account_id is not None)
        ):
            handler = HANDLERS.get(resource.type)
            if handler is not None and resource.region is not None:
                req = Request(
                    type=resource.type,
                    name=resource.name,
                    inputs=resource.inputs,
                    account_id=resource.account_id,
                    region=resource.region,
                    ec2=self.cloud.ec2(resource.account_id, resource.region),
                    backend=self._backend(resource.account_id, resource.region),
                    quotas=self.quotas,
                )
                try:
                    handler.delete(req, resource)
                except Exception as exc:
                    raise EmulatorError(
                        f"deleting {short_type(resource.type)} {resource.name!r} "
                        f"({resource.id}) in account {resource.account_id}, {resource.region} "
                        f"failed: {exc}"
                    ) from exc
        self._record_delete(resource, replacement)

    def _record_delete(self, resource: ResourceState, replacement: bool) -> None:
        self._record(
            Change.DELETE,
            resource.type,
            resource.name,
            resource.urn,
            resource.id,
            resource.account_id,
            resource.region,
            replacement=replacement,
            parent=resource.parent,
            custom=resource.custom,
        )

    def component_outputs(self, urn: str, outputs: Mapping[str, Any]) -> None:
        found = self.state.get(urn)
        if found is not None and not self.preview:
            self.state.put(_with_outputs(found, outputs))

    # -- helpers -----------------------------------------------------------------------

    def _request(
        self, type_: str, name: str, inputs: Mapping[str, Any], provider: _Provider, region: str
    ) -> Request:
        return Request(
            type=type_,
            name=name,
            inputs=inputs,
            account_id=provider.account_id,
            region=region,
            ec2=self.cloud.ec2(provider.account_id, region),
            tags={**provider.default_tags, **str_map(inputs.get("tags"))},
            backend=self._backend(provider.account_id, region),
            quotas=self.quotas,
        )

    def _backend(self, account_id: str, region: str) -> Callable[[], Any]:
        return lambda: self.cloud.backend(account_id, region)

    def _keep(
        self,
        request: Any,
        args: Any,
        urn: str,
        resource_id: str,
        inputs: Mapping[str, Any],
        outputs: Mapping[str, Any],
        account_id: str | None,
        region: str | None,
        *,
        external: bool = False,
        import_id: str = "",
    ) -> None:
        if self.preview:
            return
        property_dependencies = {
            key: frozenset(deps.urns)
            for key, deps in getattr(request, "propertyDependencies", {}).items()
        }
        dependencies = set(getattr(request, "dependencies", ()))
        for urns in property_dependencies.values():
            dependencies.update(urns)
        self.state.put(
            ResourceState(
                urn=urn,
                type=args.typ,
                name=args.name,
                custom=bool(args.custom) or external,
                external=external,
                import_id=import_id,
                id=resource_id,
                inputs=dict(inputs),
                outputs=dict(outputs),
                parent=request.parent or "",
                provider=args.provider or "",
                dependencies=frozenset(dependencies),
                property_dependencies=property_dependencies,
                account_id=account_id,
                region=region,
                retain_on_delete=bool(getattr(request, "retainOnDelete", False)),
                delete_before_replace=bool(getattr(request, "deleteBeforeReplace", False)),
                protect=bool(getattr(request, "protect", False)),
            )
        )

    def _record(
        self,
        op: Change,
        type_: str,
        name: str,
        urn: str,
        resource_id: str | None,
        account_id: str | None,
        region: str | None,
        keys: frozenset[str] = frozenset(),
        *,
        replacement: bool = False,
        parent: str = "",
        custom: bool = True,
    ) -> None:
        link, vpc = self.places.of(type_, name, parent) if self.places else (None, None)
        step = ResourceStep(
            op=op,
            type=type_,
            name=name,
            urn=urn,
            link=link,
            vpc=vpc,
            id=resource_id or None,
            account_id=account_id,
            region=region,
            changed=keys if op in (Change.UPDATE, Change.REPLACE) else frozenset(),
            custom=custom,
            replacement=replacement,
            parent=parent,
        )
        self.steps.append(step)
        if self.on_step is not None:
            self.on_step(step)

    def _provider_account(self, name: str, inputs: Mapping[str, Any]) -> str:
        """Which account a provider acts in: its role's, its only allowed one, or ambient."""
        accounts = self.cloud.accounts
        allowed = [str(a) for a in _json(inputs.get("allowedAccountIds")) or []]
        roles = _json(inputs.get("assumeRoles")) or []
        if isinstance(roles, dict):
            roles = [roles]
        account_id: str | None = None
        for role in roles:
            match = _ROLE_ACCOUNT.match(str(field_of(role, "roleArn") or ""))
            if match:
                account_id = match.group(1)  # a chain of roles ends in the last one's account
        if account_id is None and len(allowed) == 1:
            account_id = allowed[0]
        if account_id is None and inputs.get("profile"):
            matching = [a.id for a in accounts if a.profile == inputs["profile"]]
            if len(matching) == 1:
                account_id = matching[0]
        if account_id is None:
            ambient = [a.id for a in accounts if not a.role_arn and not a.profile]
            if len(ambient) != 1:
                raise EmulatorError(
                    f"cannot tell which account provider {name!r} acts in: it assumes no role, "
                    f"allows no single account, and the topology has {len(ambient)} accounts on "
                    "ambient credentials"
                )
            account_id = ambient[0]
        if allowed and account_id not in allowed:
            # What the provider says at configure time (aws-sdk-go-base VerifyAccountIDAllowed).
            raise EmulatorError(
                f"provider {name!r}: AWS account ID not allowed: {account_id} (allowed: "
                f"{', '.join(allowed)})"
            )
        return account_id

    def _provider(self, reference: str | None, *, what: str) -> _Provider:
        if not reference:
            provider = self.providers.get("")
            if provider is None:
                provider = _Provider("default", self._provider_account("default", {}), None, {})
                self.providers[""] = provider
            return provider
        provider_id = reference.rsplit("::", 1)[-1]
        found = self.providers.get(provider_id)
        if found is None:
            raise EmulatorError(f"{what} uses provider {reference!r}, which was never registered")
        return found

    def invoke(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        handler = INVOKES.get(args.token)
        if handler is None:
            raise EmulatorError(
                f"the emulator does not support the invoke {args.token!r}; supported: "
                + ", ".join(sorted(INVOKES))
            )
        inputs = dict(args.args)
        provider = self._provider(args.provider, what=f"invoke {args.token!r}")
        region = inputs.get("region") or provider.region
        if not region:
            raise EmulatorError(f"invoke {args.token!r} has no region and its provider none")
        ec2 = self.cloud.ec2(provider.account_id, region)
        try:
            return handler(ec2, region, inputs)
        except Exception as exc:
            raise EmulatorError(f"invoke {args.token!r} failed: {exc}") from exc


class _Mocks(pulumi.runtime.Mocks):
    """Hands each registration to the run, with the request the monitor stashed."""

    def __init__(self, run: _Run, monitor: _Monitor) -> None:
        self._run = run
        self._monitor = monitor

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        request, read = self._monitor.local.request, self._monitor.local.read
        urn = self._monitor.make_urn(request.parent, args.typ, args.name)
        aliases = tuple(self._monitor.alias_urns(request))
        with self._run.lock:
            return self._run.register(request, args, urn, read=read, aliases=aliases)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        with self._run.lock:
            return self._run.invoke(args), []


class _Monitor(Monitor):
    """The SDK's mock monitor, keeping each request (parent, dependencies, options) for
    the mocks, and the outputs components register."""

    def __init__(self, run: _Run) -> None:
        self.local = threading.local()
        super().__init__(_Mocks(run, self))
        self._run = run

    def RegisterResource(self, request: Any) -> Any:  # gRPC method names
        self.local.request, self.local.read = request, False
        return super().RegisterResource(request)

    def ReadResource(self, request: Any) -> Any:
        self.local.request, self.local.read = request, True
        return super().ReadResource(request)

    def RegisterResourceOutputs(self, request: Any) -> Any:
        from pulumi.runtime import rpc

        outputs = rpc.deserialize_properties(request.outputs)
        with self._run.lock:
            self._run.component_outputs(request.urn, outputs)
        return super().RegisterResourceOutputs(request)


def run(
    program: Program,
    *,
    cloud: EmulatedAws,
    state: StackState,
    project: str,
    stack: str,
    preview: bool,
    quotas: Mapping[str, int] | None = None,
    on_step: OnStep | None = None,
    places: Places | None = None,
) -> tuple[dict[str, Any], list[ResourceStep], list[str]]:
    """Run ``program`` against ``state`` in ``cloud``: ``(stack outputs, steps, warnings)``.

    ``state`` is updated step by step, as a checkpoint is: when a step fails, what was
    done before it stays recorded.
    """
    the_run = _Run(
        cloud=cloud,
        state=state,
        preview=preview,
        quotas=dict(quotas or {}),
        on_step=on_step,
        places=places,
    )
    monitor = _Monitor(the_run)
    outputs = run_program(
        program, monitor.mocks, monitor=monitor, project=project, stack=stack, preview=preview
    )
    with the_run.lock:
        the_run.finish()
    return outputs, the_run.steps, the_run.warnings


def destroy(
    *,
    cloud: EmulatedAws,
    state: StackState,
    preview: bool = False,
    quotas: Mapping[str, int] | None = None,
    on_step: OnStep | None = None,
    places: Places | None = None,
) -> list[ResourceStep]:
    """Delete every resource of ``state`` (``retain_on_delete`` ones only from the state)."""
    the_run = _Run(
        cloud=cloud,
        state=state,
        preview=preview,
        quotas=dict(quotas or {}),
        on_step=on_step,
        places=places,
    )
    the_run.finish()
    return the_run.steps


def _with_outputs(resource: ResourceState, outputs: Mapping[str, Any]) -> ResourceState:
    from dataclasses import replace

    return replace(resource, outputs=dict(outputs))


def _diff(
    type_: str, old: ResourceState, inputs: Mapping[str, Any], ignored: frozenset[str]
) -> tuple[Change, frozenset[str]]:
    """What changes, by the provider's rules, between the state and the program's inputs.

    Inputs compare with the inputs the state recorded, but tags with what the provider
    read back (the bridge diffs against the prior state; ``tags`` is Optional and not
    Computed, so tags AWS holds and the program does not send are removed); inputs named
    by ``ignore_changes`` never count.
    """
    olds = {k: v for k, v in old.inputs.items() if k not in ignored}
    if "tags" in old.outputs and "tags" not in ignored:
        olds["tags"] = old.outputs["tags"]
    news = {k: v for k, v in inputs.items() if k not in ignored}
    return classify(type_, olds, news)


def _what_changed(old: ResourceState, keys: frozenset[str]) -> str:
    return ", ".join(f"{key} {_shown(old.inputs.get(key))}" for key in sorted(keys))


def _normal_input(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items() if v is not None}
    return value


def _shown(value: Any) -> str:
    return repr(_normal_input(value)) if value not in (None, "") else "none"


def _json(value: Any) -> Any:
    """Provider inputs arrive JSON-encoded (``assumeRoles``, ``defaultTags``)."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        return json.loads(value)
    return value
