"""Snapshots of moto's EC2: every account and region put back as it was, in milliseconds.

moto keeps an account's resources in one backend object per region, as plain attributes
(``vpcs``, ``subnets``, ``route_tables``, ``vpc_pcxs``, ``tags``, ...). A snapshot
deep-copies those attributes of every EC2 backend at once, in one pass with one memo, so
objects two backends share (a cross-account connection is filed under both accounts; a
connection holds the peer's VPC) stay shared in the copy. The backend objects themselves
and the catalogues moto loads from files for each region (its AMIs and their snapshots,
1,300 of each: two thirds of a second to copy) are kept by reference, never copied.

Measured on a 2-VPC environment: copying the resource attributes takes ~2 ms, copying
whole backends ~0.4 s each (the catalogues), deploying again ~0.2 s. Restoring copies the
snapshot once more (so it can be restored again) and puts the copies in place.

STS and IAM are not part of it: the roles assumed since stay assumed (an emulation's
credentials remain valid), and policies ``enforce_iam`` attached stay attached.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

__all__ = ["SHARED_ATTRIBUTES", "Ec2Snapshot", "clear_ec2", "take_snapshot"]

SHARED_ATTRIBUTES = frozenset({"amis", "snapshots", "region_name", "account_id", "partition"})
"""Backend attributes kept by reference: moto's per-region catalogues and identity."""


@dataclass(frozen=True, slots=True)
class Ec2Snapshot:
    """moto's EC2 as it was: which accounts and regions existed, and what each held."""

    accounts: dict[str, Any]
    """Account id -> moto's AccountSpecificBackend object (kept, not copied)."""
    backends: dict[tuple[str, str], Any]
    """(account id, region) -> moto's EC2Backend object (kept, not copied)."""
    attributes: dict[tuple[str, str], dict[str, Any]]
    """(account id, region) -> a private copy of its resource attributes."""

    def restore(self) -> None:
        """Put moto's EC2 back as it was: the same backends, with copies of what they held;
        accounts and regions that appeared since are dropped."""
        from moto.core.base_backend import BackendDict, backend_lock
        from moto.ec2.models import ec2_backends

        attributes = _copy(self.attributes, self.backends.values())
        with backend_lock:
            for account_id in list(ec2_backends):
                if account_id not in self.accounts:
                    dict.__delitem__(ec2_backends, account_id)
            for account_id, regions in self.accounts.items():
                dict.__setitem__(ec2_backends, account_id, regions)
                for region in list(dict.keys(regions)):
                    if (account_id, region) not in self.backends:
                        dict.__delitem__(regions, region)
            for (account_id, region), backend in self.backends.items():
                dict.__setitem__(self.accounts[account_id], region, backend)
                kept = {k: v for k, v in backend.__dict__.items() if k in SHARED_ATTRIBUTES}
                backend.__dict__ = {**attributes[(account_id, region)], **kept}
            if ec2_backends not in BackendDict._instances:
                BackendDict._instances.append(ec2_backends)


def take_snapshot() -> Ec2Snapshot:
    """moto's EC2 as it is now (every account and region it holds)."""
    from moto.core.base_backend import backend_lock
    from moto.ec2.models import ec2_backends

    with backend_lock:
        accounts = dict(dict.items(ec2_backends))
        backends = {
            (account_id, region): backend
            for account_id, regions in accounts.items()
            for region, backend in dict.items(regions)
        }
        held = {
            key: {k: v for k, v in backend.__dict__.items() if k not in SHARED_ATTRIBUTES}
            for key, backend in backends.items()
        }
        return Ec2Snapshot(
            accounts=accounts, backends=backends, attributes=_copy(held, backends.values())
        )


def clear_ec2() -> None:
    """Empty moto's EC2: the next call to an account and region gets a new backend, as
    in a fresh moto. Backends a snapshot holds come back when it is restored."""
    from moto.core.base_backend import backend_lock
    from moto.ec2.models import ec2_backends

    with backend_lock:
        dict.clear(ec2_backends)


def _copy(attributes: dict[tuple[str, str], dict[str, Any]], backends: Any) -> Any:
    # The memo maps every backend (and its catalogues) to itself: references to them are
    # kept, everything else is copied once, shared objects staying shared.
    from peerstack._gc import long_lived_objects_frozen

    memo: dict[int, Any] = {}
    for backend in backends:
        memo[id(backend)] = backend
        for name in SHARED_ATTRIBUTES:
            value = backend.__dict__.get(name)
            if value is not None:
                memo[id(value)] = value
    # A full collection falling in the copy would walk everything a deploy left (~0.3 s).
    with long_lived_objects_frozen():
        return copy.deepcopy(attributes, memo)
