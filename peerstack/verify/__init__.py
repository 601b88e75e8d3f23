"""Read AWS and compare it with the plan: does the network do what was planned?

>>> from peerstack.verify import verify                 # doctest: +SKIP
>>> result = verify(plan, outputs=deployment.outputs())
>>> result.ok, [str(d) for d in result.differences]
>>> result.raise_for_differences()                     # VerificationError unless ok

Two seams make up :func:`verify`: :func:`read_snapshot` reads AWS into an immutable
:class:`Snapshot`, and :func:`compare` (pure) compares a snapshot with the plan. AWS is
reached through a :data:`ClientFactory`, ``(account, region) -> EC2 client``:
:class:`AwsClients` by default (real AWS, or ``AwsClients(endpoint=URL)`` for LocalStack
or a moto server); an emulation passes its own clients.
"""

from peerstack.verify._aws import AwsClients, ClientFactory, Credentials, assume_role
from peerstack.verify._compare import compare
from peerstack.verify._preflight import (
    Preflight,
    StateResource,
    adopts_anything,
    check_adoption,
    preflight,
)
from peerstack.verify._read import read_snapshot
from peerstack.verify._result import Difference, DifferenceKind, LinkStatus, VerifyResult
from peerstack.verify._snapshot import (
    PeeringSide,
    PeeringSnapshot,
    RouteSnapshot,
    RouteTableSnapshot,
    Snapshot,
    SubnetSnapshot,
    VpcSnapshot,
)
from peerstack.verify._verify import verify

__all__ = [
    "AwsClients",
    "ClientFactory",
    "Credentials",
    "Difference",
    "DifferenceKind",
    "LinkStatus",
    "PeeringSide",
    "PeeringSnapshot",
    "Preflight",
    "RouteSnapshot",
    "RouteTableSnapshot",
    "Snapshot",
    "StateResource",
    "SubnetSnapshot",
    "VerifyResult",
    "VpcSnapshot",
    "adopts_anything",
    "assume_role",
    "check_adoption",
    "compare",
    "preflight",
    "read_snapshot",
    "verify",
]
