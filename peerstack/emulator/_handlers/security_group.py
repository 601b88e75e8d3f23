"""``aws.ec2.SecurityGroup`` and ``aws.vpc.SecurityGroupEgressRule``, as terraform-provider-aws
does them.

Group (``internal/service/ec2/vpc_security_group.go``): resourceSecurityGroupCreate calls
CreateSecurityGroup (name, description, VPC, TagSpecifications ``security-group``), waits
for the group (DescribeSecurityGroups), then revokes the allow-all egress rule AWS gives
every new group, IPv4 (``0.0.0.0/0``) and IPv6 (``::/0``; NotFound is fine when the group
has none) with RevokeSecurityGroupEgress, and reads the group back. Name, description and
VPC force a new group; tags update in place. resourceSecurityGroupDelete: DeleteSecurityGroup
(a group already gone is fine); AWS refuses while a rule of another group references it
(DependencyViolation), which dependency order avoids.

Egress rules are in ``security_rule.py``, beside the ingress rules they mirror.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from peerstack.emulator._handlers._base import Outputs, Request, ResourceHandler, already_gone
from peerstack.emulator._state import ResourceState

__all__ = ["SECURITY_GROUP"]

_DEFAULT_EGRESS: tuple[dict[str, Any], ...] = (
    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
)


def _create_group(req: Request) -> Outputs:
    req.only({"name", "description", "vpcId"})
    name = str(req.require("name"))
    kwargs: dict[str, Any] = {
        "GroupName": name,
        "Description": req.get("description") or "Managed by Pulumi",
        "VpcId": req.require("vpcId"),
    }
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("security-group")
    ec2: Any = req.ec2
    group_id = ec2.create_security_group(**kwargs)["GroupId"]
    for permission in _DEFAULT_EGRESS:
        try:
            ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=[permission])
        except ClientError as exc:
            # The IPv6 rule exists only in a VPC with IPv6: its absence is fine.
            code = exc.response.get("Error", {}).get("Code")
            if "Ipv6Ranges" not in permission or code not in (
                "InvalidPermission.NotFound",
                "InvalidParameterValue",
            ):
                raise
    return group_id, _group_outputs(req, group_id)


def _group_outputs(req: Request, group_id: str) -> dict[str, Any]:
    found = req.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return {
        "arn": req.arn("security-group", group_id),
        "ownerId": found.get("OwnerId", req.account_id),
        "name": found["GroupName"],
        "vpcId": found.get("VpcId"),
        "ingress": [],
        "egress": [],
        "revokeRulesOnDelete": False,
    }


def _update_group(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    if "tags" in changed:
        req.update_tags(old.id, old)
    return old.id, dict(old.outputs)


def _delete_group(req: Request, old: ResourceState) -> None:
    with already_gone("InvalidGroup.NotFound"):
        req.ec2.delete_security_group(GroupId=old.id)


def _read_group(req: Request) -> Outputs:
    group_id = str(req.require("id"))
    outputs = _group_outputs(req, group_id)
    found = req.ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    outputs["description"] = found.get("Description")
    outputs["tags"] = {t["Key"]: t["Value"] for t in found.get("Tags", [])}
    return group_id, outputs


SECURITY_GROUP = ResourceHandler(
    create=_create_group,
    update=_update_group,
    updatable=frozenset({"tags"}),
    delete=_delete_group,
    read=_read_group,
)
