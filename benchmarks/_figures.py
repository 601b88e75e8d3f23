"""A figure is one measured number, the target it is held to, and whether it met it."""

from __future__ import annotations

import gc
import math
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: str
    ok: bool
    detail: str = ""

    def line(self) -> str:
        mark = "ok  " if self.ok else "MISS"
        value = f"{self.value:.3f}" if isinstance(self.value, float) else str(self.value)
        detail = f"  ({self.detail})" if self.detail else ""
        return f"{mark} {self.name:<60} {value:>10} {self.unit:<8} target {self.target}{detail}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not math.isfinite(self.value):
            data["value"] = None  # a comparison that was not made (JSON has no NaN)
        return data


def best_of(repeat: int, fn: Callable[[], T]) -> tuple[float, T]:
    """Minimum wall time of ``repeat`` runs (the least disturbed one), and the last result."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


@dataclass(frozen=True)
class Timing:
    """One run: wall seconds, process CPU seconds, and seconds in the cyclic GC."""

    wall: float
    cpu: float
    gc: float


def measure(fn: Callable[[], object], *, pause_gc: bool = False) -> Timing:
    """Time one run of ``fn`` after a full collection; ``pause_gc`` disables the GC during it."""
    spent = [0.0, 0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            spent[0] = time.perf_counter()
        else:
            spent[1] += time.perf_counter() - spent[0]

    gc.collect()
    gc.callbacks.append(on_gc)
    if pause_gc:
        gc.disable()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        gc.enable()
        gc.callbacks.remove(on_gc)
    return Timing(wall, cpu, spent[1])


def fastest(timings: list[Timing]) -> Timing:
    """The least disturbed run (least wall time)."""
    return min(timings, key=lambda t: t.wall)


def peak_memory(fn: Callable[[], T]) -> tuple[int, T]:
    """Peak bytes allocated by Python while ``fn`` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result
