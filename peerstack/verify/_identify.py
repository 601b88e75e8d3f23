"""How a planned VPC is recognised in AWS: by its id when one is known, else by tags.

The reader uses it to decide what else to read about a VPC, the comparison to decide
which VPC stands for which name; both must agree, so it lives here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from peerstack.plan._outputs import StackOutputs
from peerstack.plan.model import VpcPlan
from peerstack.verify._snapshot import VpcSnapshot

__all__ = ["TOPOLOGY_TAG", "VPC_TAG", "has_tags", "known_vpc_id", "vpc_candidates"]

TOPOLOGY_TAG = "peerstack:topology"
VPC_TAG = "peerstack:vpc"


def known_vpc_id(vpc: VpcPlan, ids: StackOutputs) -> str | None:
    """The VPC's id from the stack's outputs, or an adopted VPC's own id."""
    return ids.vpc_ids.get(vpc.name) or vpc.vpc_id


def vpc_candidates(
    topology: str, vpc: VpcPlan, found: Iterable[VpcSnapshot], ids: StackOutputs
) -> list[VpcSnapshot]:
    """The VPCs found in ``vpc``'s account and region that may be it (one, ideally)."""
    here = [v for v in found if v.account_id == vpc.account_id and v.region == vpc.region]
    known = known_vpc_id(vpc, ids)
    if known:
        return [v for v in here if v.id == known]
    wanted = {TOPOLOGY_TAG: topology, VPC_TAG: vpc.name}
    return [v for v in here if has_tags(v.tags, wanted)]


def has_tags(tags: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    return all(tags.get(k) == v for k, v in wanted.items())
