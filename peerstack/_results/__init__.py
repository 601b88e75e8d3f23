"""What an operation hands back, whichever engine ran it: the shared result types.

Below both ``automation`` (the real engine) and ``emulator`` (the emulation, which can
run either engine), so that one ``up`` result, one preview result, one step type and
one way of counting changes serve both; ``peerstack diff`` counts by the same rule.
The public names are ``peerstack.automation``'s (and ``peerstack.emulator``'s).
"""

from peerstack._results.outputs import SECRET, Outputs
from peerstack._results.results import (
    ChangeSummary,
    DestroyResult,
    Engine,
    PreviewResult,
    RefreshResult,
    UpResult,
    warnings_of,
)
from peerstack._results.steps import Places, ResourceStep, is_aws, normalize_op, parse_urn

__all__ = [
    "SECRET",
    "ChangeSummary",
    "DestroyResult",
    "Engine",
    "Outputs",
    "Places",
    "PreviewResult",
    "RefreshResult",
    "ResourceStep",
    "UpResult",
    "is_aws",
    "normalize_op",
    "parse_urn",
    "warnings_of",
]
