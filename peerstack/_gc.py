"""Garbage-collector tuning for program runs (the emulator's and the mocks' alike)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_RARE_FULL_COLLECTIONS = 1000
"""Young-generation collections between two full ones during a run (CPython's default: 10)."""


@contextlib.contextmanager
def long_lived_objects_frozen() -> Iterator[None]:
    """Spare the run full garbage collections; collect normally once it is over.

    A run allocates Pulumi's (and moto's) objects by the hundred thousand. Each full
    collection walks every object alive, the modules, service models and moto catalogues
    loaded before the run included, and frees next to nothing: in a 20-VPC mesh they took
    a fifth of the run. For the run's length, ``gc.freeze`` sets the objects that existed
    before aside and the oldest generation is collected only rarely; young garbage is
    still collected as usual. Both are undone afterwards (a caller's own freeze is left
    alone), so anything the run left for the collector is collected then.
    """
    if gc.get_freeze_count():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], max(thresholds[2], _RARE_FULL_COLLECTIONS))
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
