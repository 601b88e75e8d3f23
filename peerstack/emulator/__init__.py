"""Deploy a topology into an in-process AWS emulation (moto), where it really exists.

The topology's program runs under Pulumi's mocks, with an emulated engine behind them
(or, with ``engine="pulumi"``, under the real Pulumi engine against the emulation served
on loopback): every resource it registers is created, updated, replaced or deleted in
moto's EC2 as the real engine and AWS provider would, in the account of its provider
(reached by assuming a role there) and its own region. Adopted VPCs are seeded first,
with the ids their topology gives. Nothing leaves the process.

>>> from peerstack import emulator                      # doctest: +SKIP
>>> result = emulator.up("corp.yaml")
>>> result.ok, result.changes, result.counts_by_type()
>>> day2 = emulator.up("corp-v2.yaml", previous="corp.yaml")
>>> day2.previous.changes, day2.changes, day2.verification.ok

The results are the ones a real deploy returns (:class:`UpResult`,
:class:`PreviewResult`, :class:`DestroyResult`, each step a :class:`ResourceStep`), and
verified. For a stack that lives on (day 2 step by step: ``env.up(new)``,
``env.destroy()``) use :class:`Emulation`; for tests, :func:`peerstack.testing.emulated`.
A deploy many tests share is taken back to its state with ``env.checkpoint()`` and
``env.reset()`` (the ``peerstack_emulated_shared`` fixture does it for each test).
"""

from __future__ import annotations

from peerstack._results import DestroyResult, PreviewResult, ResourceStep, UpResult
from peerstack._runtime import Program, run_program
from peerstack.emulator._cloud import EMULATION_ROLE
from peerstack.emulator._emulation import (
    Checkpoint,
    Emulation,
    OnResource,
    with_emulation_roles,
)
from peerstack.emulator._handlers import HANDLERS, INVOKES
from peerstack.emulator._iam import Enforcement, RecordedCall, enforce_iam
from peerstack.emulator._run import EngineChoice, preview, up
from peerstack.emulator._state import ResourceState

__all__ = [
    "EMULATION_ROLE",
    "SUPPORTED_INVOKES",
    "SUPPORTED_RESOURCE_TYPES",
    "Checkpoint",
    "DestroyResult",
    "Emulation",
    "Enforcement",
    "EngineChoice",
    "OnResource",
    "PreviewResult",
    "Program",
    "RecordedCall",
    "ResourceState",
    "ResourceStep",
    "UpResult",
    "enforce_iam",
    "preview",
    "run_program",
    "up",
    "with_emulation_roles",
]

SUPPORTED_RESOURCE_TYPES: frozenset[str] = frozenset(HANDLERS)
"""Pulumi types the emulator creates (plus ``pulumi:providers:aws`` and components)."""

SUPPORTED_INVOKES: frozenset[str] = frozenset(INVOKES)
"""Invokes the emulator answers from the emulated AWS."""
