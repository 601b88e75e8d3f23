"""Discover a live estate: the topology file that adopts the VPCs and connections AWS has.

>>> from peerstack.discover import discover                       # doctest: +SKIP
>>> found = discover({"network": "111111111111"}, ["us-east-1"])
>>> print(found.yaml)                    # the topology file, with comments where it chose
>>> found.report.findings                # what it skipped or could not express
>>> found.report.verify                  # what `peerstack verify` will report after `up`

Reads go through a :data:`~peerstack.verify.ClientFactory` as verify's do
(:class:`~peerstack.verify.AwsClients` by default; an emulation passes its own). What
is written always plans (the planner has the last word, and what it refuses is left out
and reported), and adopts what exists: connections and their routes are imported.
"""

from peerstack.discover._accounts import AccountsLike, ambient_account, parse_account
from peerstack.discover._discover import DiscoverProgress, DiscoverResult, discover
from peerstack.discover._read import DiscoverError
from peerstack.discover._report import DiscoveryReport, Finding, FindingKind, PredictedDifference

__all__ = [
    "AccountsLike",
    "DiscoverError",
    "DiscoverProgress",
    "DiscoverResult",
    "DiscoveryReport",
    "Finding",
    "FindingKind",
    "PredictedDifference",
    "ambient_account",
    "discover",
    "parse_account",
]
