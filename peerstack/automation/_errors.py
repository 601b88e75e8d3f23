"""Every way a Pulumi operation fails, turned into one peerstack error with a hint.

:func:`classify_error` is the only place that reads Pulumi's error text. It looks at what
the program itself raised first (a peerstack error raised inside the inline program is
kept and returned as it is), then runs down :data:`_RULES`, a table of matchers over the
SDK's exception type (``ConcurrentUpdateError``, ``InlineSourceRuntimeError`` ...) and the
words of the engine's and the AWS provider's messages, which are stable across releases.
The first rule that matches builds the error; the last one matches anything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peerstack._facts.credentials import (
    ASSUME_ROLE_HINT,
    NO_CREDENTIALS_HINT,
    WRONG_ACCOUNT_HINT,
)
from peerstack._text import scrub
from peerstack.errors import (
    AdoptionError,
    CredentialsError,
    DeployError,
    PluginInstallError,
    ProgramError,
    PulumiNotInstalledError,
    PulumiVersionError,
    StackLockedError,
    TopologyError,
)

if TYPE_CHECKING:
    from peerstack.plan import Plan

__all__ = [
    "INSTALL_HINT",
    "MIN_INLINE_REFRESH_DESTROY",
    "classify_error",
    "first_error",
    "pulumi_not_installed",
    "scrub",
]

logger = logging.getLogger("peerstack")

MIN_INLINE_REFRESH_DESTROY = (3, 181, 0)
"""Refresh and destroy of an inline program need this Pulumi CLI (``--client`` support)."""

INSTALL_HINT = (
    "install the Pulumi CLI: `curl -fsSL https://get.pulumi.com | sh` "
    "(macOS: `brew install pulumi/tap/pulumi`; Windows: `winget install pulumi`), "
    "then open a new shell so that `pulumi` is on PATH. "
    "`peerstack preview --emulate` and `peerstack up --emulate` work without it."
)

_UPGRADE_HINT = (
    "upgrade the Pulumi CLI: `curl -fsSL https://get.pulumi.com | sh` "
    "(or `brew upgrade pulumi`); `--emulate` works with any version"
)

_PLUGIN_HINT = (
    "installing the plugin needs network access once; on a connected machine run "
    "`pulumi plugin install resource aws <version of pulumi-aws>` and copy "
    "~/.pulumi/plugins over, or set PULUMI_HOME to a directory that has it. "
    "`--emulate` works offline"
)

_LOCKED = (
    "[409] conflict: another update is currently in progress",
    "the stack is currently locked by",
)
_PENDING = (
    "pending operations",
    "interrupted while creating",
    "interrupted while",
)
_PLUGIN = (
    "could not install plugin",
    "failed to install plugin",
    "error installing plugin",
    "failed to download plugin",
    "could not automatically download and install",
    "no resource plugin 'pulumi-resource-aws'",
    "no resource plugin 'aws'",
    "failed to load plugin",
    "failed to load resource plugin",
    "could not load plugin",
    "installing plugin; run `pulumi plugin install`",
    "run `pulumi plugin install`",
    "error downloading plugin",
    "[resource plugin aws",
)
_ASSUME_ROLE = re.compile(
    r"assum(?:e|ing) (?:iam )?role|cannot assume|sts:assumerole|operation error sts: assumerole",
    re.IGNORECASE,
)
_ACCOUNT_NOT_ALLOWED = re.compile(r"aws account id not allowed: (\d{12})", re.IGNORECASE)
_CREDENTIALS = (
    "no valid credential sources",
    "nocredentialproviders",
    "failed to refresh cached credentials",
    "unable to validate aws credentials",
    "validating provider credentials",
    "invalidclienttokenid",
    "unrecognizedclientexception",
    "the security token included in the request is invalid",
    "the security token included in the request is expired",
    "expiredtoken",
    "authfailure",
    "signaturedoesnotmatch",
    "get identity: get credentials",
    "failed to retrieve credentials",
    "sso session",
)
_PASSPHRASE = (
    "passphrase must be set",
    "incorrect passphrase",
    "constructing secrets manager",
    "getting secrets manager",
)
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+")
_ERROR_LINE = re.compile(r"^\s*(?:error|Error|ERROR)\s*:?\s*(.*)$")
_UNPREFIX = re.compile(r"^\s*(?:stdout|stderr):\s?")
_CODE_LINE = re.compile(r"^code:\s*-?\d+$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|<\{%[^%]*%\}>")


def pulumi_not_installed(detail: str | None = None) -> PulumiNotInstalledError:
    message = "the Pulumi CLI (`pulumi`) was not found on PATH"
    if detail:
        message += f" ({detail})"
    return PulumiNotInstalledError(message, hint=INSTALL_HINT)


@dataclass(frozen=True, slots=True)
class _Failure:
    """What a rule sees of one failure."""

    exc: BaseException
    operation: str
    stack: str
    text: str
    """Everything Pulumi said (the engine's error diagnostics, then the CLI's output),
    colour codes stripped and secrets scrubbed."""
    plan: Plan | None
    work_dir: str | None

    @property
    def lowered(self) -> str:
        return self.text.lower()

    @property
    def where(self) -> str:
        return f"stack {self.stack!r}"

    def cli(self, command: str) -> str:
        """A ``pulumi`` command line for this stack (and its work dir)."""
        cwd = f" --cwd {self.work_dir}" if self.work_dir else ""
        return f"pulumi {command} --stack {self.stack}{cwd}"


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    matches: Callable[[_Failure], bool]
    build: Callable[[_Failure], DeployError]


def _sdk_error(name: str) -> Callable[[_Failure], bool]:
    def matches(failure: _Failure) -> bool:
        from pulumi.automation import errors as auto_errors

        return isinstance(failure.exc, getattr(auto_errors, name))

    return matches


def _says(*markers: str) -> Callable[[_Failure], bool]:
    lowered = tuple(m.lower() for m in markers)
    return lambda failure: any(m in failure.lowered for m in lowered)


def _locked(f: _Failure) -> DeployError:
    return StackLockedError(
        f"{f.where} is locked by another update; `{f.operation}` did not start",
        hint=(
            "wait for the other update to finish. If none is running (a previous run was "
            f"killed), release the lock with `{f.cli('cancel --yes')}`, then recover what "
            "the killed run left half-done with `peerstack refresh --clear-pending-creates` "
            "(see 'Interrupted runs' in the README): resources it was creating are dropped "
            "from the state, and any that AWS did create are found by their peerstack tags"
        ),
    )


def _pending(f: _Failure) -> DeployError:
    return StackLockedError(
        f"{f.where} holds operations a killed run left unfinished; `{f.operation}` cannot "
        "tell whether those resources exist in AWS",
        hint=(
            "run `peerstack refresh --clear-pending-creates` (drops the unfinished creates "
            "from the state and reports the ones AWS did create, by their peerstack tags), "
            "then `peerstack up` again"
        ),
    )


def _program(f: _Failure) -> DeployError:
    return ProgramError(
        f"the peerstack program raised an exception during `{f.operation}` of {f.where}: "
        f"{_program_error(f.text)}",
        hint=(
            "nothing after the failing resource was changed; run again with --debug "
            "(or PEERSTACK_DEBUG=1) for the full traceback, and please report it"
        ),
    )


def _stack_not_found(f: _Failure) -> DeployError:
    return DeployError(
        f"{f.where} does not exist in this backend; nothing has been deployed under that name",
        hint="check --stack and --backend, or run `peerstack up` first",
    )


def _passphrase(f: _Failure) -> DeployError:
    return DeployError(
        f"cannot open the secrets of {f.where}: {first_error(f.text)}",
        hint=(
            "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the "
            "passphrase the stack was created with"
        ),
    )


def _plugin(f: _Failure) -> DeployError:
    return PluginInstallError(
        f"the Pulumi `aws` plugin could not be installed or loaded: {first_error(f.text)}",
        hint=_PLUGIN_HINT,
    )


def _account_not_allowed(f: _Failure) -> DeployError:
    match = _ACCOUNT_NOT_ALLOWED.search(f.text)
    found = match.group(1) if match else "another account"
    return CredentialsError(
        f"the credentials of a provider are for account {found}, which is not the account "
        f"the topology names for it: {first_error(f.text)}",
        hint=(
            "every provider is pinned to its topology account (allowed_account_ids): "
            f"{WRONG_ACCOUNT_HINT}. Nothing was created"
        ),
    )


def _assume_role(f: _Failure) -> DeployError:
    role = _ROLE_ARN.search(f.text)
    assert role is not None
    account = _account_of(f.plan, role.group(0), role.group(1))
    return CredentialsError(
        f"assuming role {role.group(0)}{account} failed: {first_error(f.text)}",
        hint=ASSUME_ROLE_HINT,
    )


def _credentials(f: _Failure) -> DeployError:
    return CredentialsError(
        f"AWS rejected or could not find credentials: {first_error(f.text)}",
        hint=(
            f"{NO_CREDENTIALS_HINT}, or deploy to a local endpoint with --endpoint URL, or "
            "try it in-process with --emulate"
        ),
    )


def _runtime(f: _Failure) -> DeployError:
    return ProgramError(
        f"the peerstack program failed during `{f.operation}` of {f.where}: {first_error(f.text)}",
        hint="run again with --debug (or PEERSTACK_DEBUG=1) for Pulumi's full output",
    )


def _anything(f: _Failure) -> DeployError:
    return DeployError(
        f"`pulumi {f.operation}` failed for {f.where}: {first_error(f.text)}",
        hint="run again with --debug (or PEERSTACK_DEBUG=1) for Pulumi's full output",
    )


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "locked", lambda f: _sdk_error("ConcurrentUpdateError")(f) or _says(*_LOCKED)(f), _locked
    ),
    _Rule("pending operations", _says(*_PENDING), _pending),
    _Rule(
        "program raised",
        lambda f: (
            _sdk_error("InlineSourceRuntimeError")(f)
            or _says("python inline source runtime error")(f)
        ),
        _program,
    ),
    _Rule("no such stack", _sdk_error("StackNotFoundError"), _stack_not_found),
    _Rule("passphrase", _says(*_PASSPHRASE), _passphrase),
    _Rule("plugin", _says(*_PLUGIN), _plugin),
    _Rule(
        "account not allowed",
        lambda f: bool(_ACCOUNT_NOT_ALLOWED.search(f.text)),
        _account_not_allowed,
    ),
    _Rule(
        "assume role",
        lambda f: bool(_ROLE_ARN.search(f.text) and _ASSUME_ROLE.search(f.text)),
        _assume_role,
    ),
    _Rule("credentials", _says(*_CREDENTIALS), _credentials),
    _Rule("program failed", _sdk_error("RuntimeError"), _runtime),
    _Rule("anything else", lambda f: True, _anything),
)


def classify_error(
    exc: BaseException,
    *,
    operation: str,
    stack: str,
    plan: Plan | None = None,
    work_dir: str | None = None,
    diagnostics: Sequence[str] = (),
    secrets: Iterable[str] = (),
    raised: Sequence[BaseException] = (),
) -> DeployError:
    """The :class:`~peerstack.errors.DeployError` that explains why ``operation`` failed.

    ``exc`` is what the Pulumi SDK raised (a ``CommandError`` and its subclasses,
    ``InvalidVersionError``, or ``OSError`` when the ``pulumi`` binary cannot run).
    ``diagnostics`` are the engine's error messages, when events were collected; ``plan``
    lets a failed assume-role name the topology's account; ``raised`` are the exceptions
    the inline program raised itself (a peerstack error among them explains the failure
    best). Messages never contain secrets. Raise the result ``from exc``.
    """
    from pulumi.automation import errors as auto_errors

    if isinstance(exc, DeployError):
        return exc
    for error in raised:
        if isinstance(error, DeployError):
            return error
        if isinstance(error, TopologyError):
            return _adoption(error, operation=operation, stack=stack)
    secret_values = list(secrets)
    if isinstance(exc, FileNotFoundError | PermissionError | NotADirectoryError):
        return pulumi_not_installed(scrub(str(exc.strerror or exc), secret_values))
    if isinstance(exc, auto_errors.InvalidVersionError):
        return PulumiVersionError(
            f"the installed Pulumi CLI cannot run `{operation}`: {scrub(str(exc), secret_values)}",
            hint=_UPGRADE_HINT,
        )
    text = scrub(_strip("\n".join(diagnostics)) + "\n" + _strip(str(exc)), secret_values)
    logger.debug("pulumi %s failed for stack %r:\n%s", operation, stack, text)
    failure = _Failure(exc, operation, stack, text, plan, work_dir)
    rule = next(rule for rule in _RULES if rule.matches(failure))
    return rule.build(failure)


def _adoption(error: TopologyError, *, operation: str, stack: str) -> AdoptionError:
    """A TopologyError raised while the program ran: AWS does not hold what the topology
    says exists (an adopted VPC, its route tables)."""
    problem = error.problems[0] if error.problems else None
    message = problem.message if problem else str(error)
    where = f"{problem.location}: {problem.path}: " if problem and problem.path else ""
    return AdoptionError(
        f"`{operation}` of stack {stack!r} stopped: {where}{message}",
        hint=problem.hint if problem and problem.hint else None,
    )


def _strip(text: str) -> str:
    return _ANSI.sub("", text)


def first_error(text: str) -> str:
    """The first few distinct ``error:`` lines of Pulumi's output, or its last line."""
    lines = [_UNPREFIX.sub("", line).strip() for line in _strip(text).splitlines()]
    lines = [line for line in lines if line and not _CODE_LINE.match(line)]
    found: list[str] = []
    for line in lines:
        match = _ERROR_LINE.match(line)
        if not match:
            continue
        message = match.group(1).strip()
        if message and message not in found and not message.startswith("update failed"):
            found.append(message)
        if len(found) == 3:
            break
    if found:
        return "; ".join(found)
    return lines[-1] if lines else "no error message"


def _program_error(text: str) -> str:
    marker = "python inline source runtime error:"
    index = text.lower().find(marker)
    if index < 0:
        return first_error(text)
    rest = text[index + len(marker) :].strip().splitlines()
    return rest[0].strip() if rest and rest[0].strip() else "see the traceback with --debug"


def _account_of(plan: Plan | None, arn: str, account_id: str) -> str:
    if plan is None:
        return ""
    for account in plan.accounts:
        if account.role_arn == arn or account.id == account_id:
            return f" (account {account.alias!r})"
    return ""
