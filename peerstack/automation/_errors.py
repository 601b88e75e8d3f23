"""Every way a Pulumi operation fails, turned into one peerstack error with a hint.

:func:`classify_error` is the only place that reads Pulumi's error text. It looks at the
SDK's exception type first (``ConcurrentUpdateError``, ``InlineSourceRuntimeError``,
``InvalidVersionError`` ...) and then at the words of the engine's and the AWS provider's
messages, which are stable across releases.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from peerstack.errors import (
    CredentialsError,
    DeployError,
    PluginInstallError,
    ProgramError,
    PulumiNotInstalledError,
    PulumiVersionError,
    StackLockedError,
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

_SECRET_ENV = (
    "PULUMI_CONFIG_PASSPHRASE",
    "PULUMI_ACCESS_TOKEN",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)

_LOCKED = (
    "[409] Conflict: Another update is currently in progress",
    "the stack is currently locked by",
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
    "error downloading plugin",
    "[resource plugin aws",
)
_ASSUME_ROLE = re.compile(
    r"assum(?:e|ing) (?:iam )?role|cannot assume|sts:assumerole|operation error sts: assumerole",
    re.IGNORECASE,
)
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


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret replaced by ``[secret]``.

    Besides ``secrets``, the values of PULUMI_CONFIG_PASSPHRASE, PULUMI_ACCESS_TOKEN,
    AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN are scrubbed.
    """
    values = {s for s in secrets if s and len(s) >= 4}
    values.update(v for name in _SECRET_ENV if len(v := os.environ.get(name, "")) >= 4)
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, "[secret]")
    return text


def pulumi_not_installed(detail: str | None = None) -> PulumiNotInstalledError:
    message = "the Pulumi CLI (`pulumi`) was not found on PATH"
    if detail:
        message += f" ({detail})"
    return PulumiNotInstalledError(message, hint=INSTALL_HINT)


def classify_error(
    exc: BaseException,
    *,
    operation: str,
    stack: str,
    plan: Plan | None = None,
    work_dir: str | None = None,
    diagnostics: Sequence[str] = (),
    secrets: Iterable[str] = (),
) -> DeployError:
    """The :class:`~peerstack.errors.DeployError` that explains why ``operation`` failed.

    ``exc`` is what the Pulumi SDK raised (a ``CommandError`` and its subclasses,
    ``InvalidVersionError``, or ``OSError`` when the ``pulumi`` binary cannot run).
    ``diagnostics`` are the engine's error messages, when events were collected; ``plan``
    lets a failed assume-role name the topology's account. Messages never contain secrets.
    Raise the result ``from exc``.
    """
    from pulumi.automation import errors as auto_errors

    if isinstance(exc, DeployError):
        return exc
    secret_values = list(secrets)
    if isinstance(exc, FileNotFoundError | PermissionError | NotADirectoryError):
        return pulumi_not_installed(scrub(str(exc.strerror or exc), secret_values))
    if isinstance(exc, auto_errors.InvalidVersionError):
        return PulumiVersionError(
            f"the installed Pulumi CLI cannot run `{operation}`: {scrub(str(exc), secret_values)}",
            hint=_UPGRADE_HINT,
        )

    text = scrub(_strip(str(exc)), secret_values)
    diag_text = scrub(_strip("\n".join(diagnostics)), secret_values)
    everything = f"{diag_text}\n{text}"
    lowered = everything.lower()
    logger.debug("pulumi %s failed for stack %r:\n%s", operation, stack, everything)
    where = f"stack {stack!r}"
    cancel = f"pulumi cancel --yes --stack {stack}" + (f" --cwd {work_dir}" if work_dir else "")

    if isinstance(exc, auto_errors.ConcurrentUpdateError) or any(
        marker.lower() in lowered for marker in _LOCKED
    ):
        return StackLockedError(
            f"{where} is locked by another update; `{operation}` did not start",
            hint=(
                "wait for the other update to finish. If none is running (a previous run "
                f"was killed), release the lock with `{cancel}`, then run "
                "`peerstack refresh` to bring the state in line with AWS"
            ),
        )
    if isinstance(exc, auto_errors.InlineSourceRuntimeError) or (
        "python inline source runtime error" in lowered
    ):
        return ProgramError(
            f"the peerstack program raised an exception during `{operation}` of {where}: "
            f"{_program_error(everything)}",
            hint=(
                "nothing after the failing resource was changed; run again with --debug "
                "(or PEERSTACK_DEBUG=1) for the full traceback, and please report it"
            ),
        )
    if isinstance(exc, auto_errors.StackNotFoundError):
        return DeployError(
            f"{where} does not exist in this backend; nothing has been deployed under that name",
            hint="check --stack and --backend, or run `peerstack up` first",
        )
    if any(marker in lowered for marker in _PASSPHRASE):
        return DeployError(
            f"cannot open the secrets of {where}: {first_error(everything)}",
            hint=(
                "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the "
                "passphrase the stack was created with"
            ),
        )
    if any(marker in lowered for marker in _PLUGIN):
        return PluginInstallError(
            f"the Pulumi `aws` plugin could not be installed or loaded: {first_error(everything)}",
            hint=(
                "installing the plugin needs network access once; on a connected machine run "
                "`pulumi plugin install resource aws <version of pulumi-aws>` and copy "
                "~/.pulumi/plugins over, or set PULUMI_HOME to a directory that has it. "
                "`--emulate` works offline"
            ),
        )
    role = _ROLE_ARN.search(everything)
    if role and _ASSUME_ROLE.search(everything):
        account = _account_of(plan, role.group(0), role.group(1))
        return CredentialsError(
            f"assuming role {role.group(0)}{account} failed: {first_error(everything)}",
            hint=(
                "check that the role exists, that its trust policy allows the caller's "
                "account (and the topology's external_id, if any), and that your credentials "
                "may call sts:AssumeRole on it"
            ),
        )
    if any(marker in lowered for marker in _CREDENTIALS):
        return CredentialsError(
            f"AWS rejected or could not find credentials: {first_error(everything)}",
            hint=(
                "set AWS credentials in the environment (AWS_PROFILE, or AWS_ACCESS_KEY_ID "
                "and AWS_SECRET_ACCESS_KEY; `aws sso login` for SSO), or deploy to a local "
                "endpoint with --endpoint URL, or try it in-process with --emulate"
            ),
        )
    if isinstance(exc, auto_errors.RuntimeError):
        return ProgramError(
            f"the peerstack program failed during `{operation}` of {where}: "
            f"{first_error(everything)}",
            hint="run again with --debug (or PEERSTACK_DEBUG=1) for Pulumi's full output",
        )
    return DeployError(
        f"`pulumi {operation}` failed for {where}: {first_error(everything)}",
        hint="run again with --debug (or PEERSTACK_DEBUG=1) for Pulumi's full output",
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
