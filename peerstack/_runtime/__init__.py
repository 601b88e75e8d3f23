"""Running Pulumi programs in this process, under mocks: the core of the emulator, of
``peerstack.testing.run_mocked`` and of ``peerstack diff``.

:func:`run_program` runs any program under any mocks, isolated from other runs;
:func:`run_mocked` runs a topology's ``PeeringTopology`` under mocks that answer as AWS
would and records every registration (what the engine would receive).
"""

from peerstack._runtime.program import Monitor, Program, run_program
from peerstack._runtime.recording import (
    UNKNOWN,
    MockRun,
    RegisteredInvoke,
    RegisteredResource,
    run_mocked,
)

__all__ = [
    "UNKNOWN",
    "MockRun",
    "Monitor",
    "Program",
    "RegisteredInvoke",
    "RegisteredResource",
    "run_mocked",
    "run_program",
]
