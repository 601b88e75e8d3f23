"""Exceptions raised by peerstack.

Every exception peerstack raises on purpose derives from one base::

    PeerstackError
    ├── TopologyError        the topology is invalid; carries every Problem found
    │   └── PreflightError   what it adopts is not in AWS (or the stack) as it says
    ├── DeployError          a Pulumi operation failed (see automation for subclasses)
    │   ├── PulumiNotInstalledError
    │   ├── PulumiVersionError
    │   ├── StackLockedError
    │   ├── CredentialsError
    │   ├── PluginInstallError
    │   ├── ProgramError
    │   ├── AdoptionError
    │   └── HandoverError
    ├── EmulatorError        the in-process AWS emulation could not do what was asked
    ├── VerificationError    AWS differs from the plan (raised only when asked to)
    └── UnknownVpcError      a plan was asked about a VPC it does not have (a KeyError too)

Messages never contain credentials, passphrases or other secrets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from peerstack._text import printable

__all__ = [
    "AdoptionError",
    "CredentialsError",
    "DeployError",
    "EmulatorError",
    "HandoverError",
    "PeerstackError",
    "PluginInstallError",
    "PreflightError",
    "Problem",
    "ProgramError",
    "PulumiNotInstalledError",
    "PulumiVersionError",
    "StackLockedError",
    "TopologyError",
    "UnknownVpcError",
    "VerificationError",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a topology, and where it is."""

    path: str
    """Dotted path to the offending field, e.g. ``vpcs.shared.cidr`` (empty: the whole file)."""
    message: str
    """What is wrong, quoting values with ``repr`` (they may hold anything a file holds)."""
    hint: str | None = None
    """What to do about it, when there is something to say."""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    """Known for problems with the YAML text itself (syntax, control characters)."""

    @property
    def location(self) -> str:
        """``FILE:LINE[:COLUMN]`` (or as much of it as is known)."""
        place = f"{self.line}:{self.column}" if self.line and self.column else str(self.line or "")
        if self.file and place:
            return f"{self.file}:{place}"
        if self.file:
            return self.file
        if place:
            return f"line {place}"
        return "<topology>"

    def __str__(self) -> str:
        """One line (and a hint line), safe to print: control characters are escaped."""
        where = f"{self.location}: {self.path}: " if self.path else f"{self.location}: "
        text = printable(where + self.message)
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        return text

    def sort_key(self) -> tuple[int, int, str]:
        """Problems read best in the order of the file."""
        return (self.line or 0, self.column or 0, self.path)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }


class PeerstackError(Exception):
    """Base of every error peerstack raises on purpose."""


class TopologyError(PeerstackError):
    """The topology is invalid; ``problems`` lists every problem found, with locations."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in topology"
        return "\n".join([head, *(str(p) for p in self.problems)])

    @classmethod
    def single(
        cls, path: str, message: str, *, hint: str | None = None, file: str | None = None
    ) -> TopologyError:
        return cls([Problem(path=path, message=message, hint=hint, file=file)])


class PreflightError(TopologyError):
    """What the topology adopts is not in AWS, or in the stack's state, as it says: found
    by reading both before anything was registered, so nothing changed."""

    def _summary(self) -> str:
        count = len(self.problems)
        head = (
            f"{count} problem{'s' if count != 1 else ''} with what the topology adopts "
            "(read in AWS before anything was registered)"
        )
        return "\n".join([head, *(str(p) for p in self.problems)])


class DeployError(PeerstackError):
    """A Pulumi operation (preview, up, refresh, destroy) failed."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class PulumiNotInstalledError(DeployError):
    """No ``pulumi`` binary was found on PATH."""


class PulumiVersionError(DeployError):
    """The installed Pulumi CLI is too old for the requested operation."""


class StackLockedError(DeployError):
    """Another update holds the stack's lock."""


class CredentialsError(DeployError):
    """AWS credentials are missing, or assuming an account's role failed."""


class PluginInstallError(DeployError):
    """The ``aws`` resource plugin could not be installed (offline?)."""


class ProgramError(DeployError):
    """The Pulumi program raised an exception."""


class AdoptionError(DeployError):
    """An adopted VPC (or its route tables) is not in AWS as the topology describes it."""


class HandoverError(DeployError):
    """A created VPC is now adopted: ``up`` would delete it unless it is released."""


class EmulatorError(PeerstackError):
    """The in-process AWS emulation could not perform a request (e.g. an unsupported type)."""


class VerificationError(PeerstackError):
    """AWS does not match the plan (raised by ``VerifyResult.raise_for_differences``)."""


class UnknownVpcError(PeerstackError, KeyError):
    """A plan was asked about a VPC it does not have; ``known`` lists the ones it has."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        import difflib

        self.name = name
        self.known = tuple(sorted(known))
        close = difflib.get_close_matches(name, self.known, n=1, cutoff=0.6)
        message = f"no VPC {printable(repr(name))} in this plan"
        if close:
            message += f"; did you mean {close[0]!r}?"
        elif self.known:
            message += f"; its VPCs: {', '.join(repr(k) for k in self.known)}"
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return self.message
