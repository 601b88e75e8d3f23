"""One module per kind of thing verify checks, each yielding its differences from a
:class:`~peerstack.verify._match.Match`: ``vpcs`` (blocks, DNS attributes, subnets,
leftover VPCs), ``links`` (connections, accepted requests, unexpected peerings),
``routes``, ``security`` (groups and their rules) and ``reachability``.

None decides which AWS object stands for which plan name (the match did), and none
re-derives a networking decision (the plan did).
"""

from __future__ import annotations

from peerstack._cidr import aws_network

__all__ = ["normal", "on"]


def normal(cidr: str) -> str:
    """A CIDR as AWS writes it, so that blocks compare as text."""
    return str(aws_network(cidr))


def on(value: bool) -> str:
    return "on" if value else "off"
