"""The CLI as users feel it: a whole process per command, imports included."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from benchmarks._figures import Figure, best_of
from benchmarks.topologies import mesh

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "hub-cross-account.yaml"
SMALL_TARGET = 0.3
LARGE_TARGET = 2.0


def _command(*args: str) -> float:
    """Run one ``peerstack`` process; return the CPU seconds it used.

    CPU time, not wall time, is held to the target: on an idle machine the two agree for
    this single-threaded command, and on a busy one (CI, other benchmarks) wall time
    measures the neighbours.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "peerstack", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        env={"COLUMNS": "120", "PATH": ""},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(*, quick: bool = False) -> list[Figure]:
    repeat = 2 if quick else 5
    figures = []
    for command in ("validate", "plan"):
        args = (command, str(EXAMPLE))
        cpu = min(_command(*args) for _ in range(repeat))
        wall, _ = best_of(repeat, partial(_command, *args))
        figures.append(
            Figure(
                name=f"peerstack {command} {EXAMPLE.name} (CPU)",
                value=cpu,
                unit="s",
                target=f"<= {SMALL_TARGET} s",
                ok=cpu <= SMALL_TARGET,
                detail=f"a new process, imports included; wall {wall:.2f} s",
            )
        )
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "mesh125.yaml"
        big.write_text(json.dumps(mesh(125)), encoding="utf-8")
        seconds, _ = best_of(1 if quick else 3, partial(_command, "plan", str(big)))
        figures.append(
            Figure(
                name="peerstack plan of a 125-VPC mesh (summary)",
                value=seconds,
                unit="s",
                target=f"<= {LARGE_TARGET:.0f} s",
                ok=seconds <= LARGE_TARGET,
                detail="7750 links, 15500 routes",
            )
        )
    return figures
