"""A figure is one measured number, the target it is held to, and whether it met it."""

from __future__ import annotations

import gc
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
        return asdict(self)


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
