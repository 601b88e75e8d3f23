"""``aws.vpc.SecurityGroupIngressRule`` and ``SecurityGroupEgressRule``, as
terraform-provider-aws ``internal/service/ec2/vpc_security_group_ingress_rule.go`` and
``vpc_security_group_egress_rule.go`` do them (the egress rule the same way, with
AuthorizeSecurityGroupEgress / RevokeSecurityGroupEgress).

Create: AuthorizeSecurityGroupIngress with one IpPermission (one source) and the tags
(TagSpecifications of type ``security-group-rule``); the id is the rule id AWS returns
(``SecurityGroupRules[0].SecurityGroupRuleId``). Read: DescribeSecurityGroupRules by id.
Update: tags only here (the provider's ModifySecurityGroupRules is never needed: a rule's
protocol, ports and source are part of its name). Delete: RevokeSecurityGroupIngress by
rule id; a group or rule already gone is fine.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from typing import Any

from peerstack.emulator._handlers._base import Outputs, Request, ResourceHandler, already_gone
from peerstack.emulator._rules import check_security_rule
from peerstack.emulator._state import ResourceState
from peerstack.errors import EmulatorError

__all__ = ["SECURITY_EGRESS_RULE", "SECURITY_RULE"]

_SOURCES = ("cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "prefixListId")
_PORTED = ("tcp", "udp", "6", "17")
_patching = threading.Lock()


def _permission(req: Request) -> dict[str, Any]:
    """The one IpPermission of the rule, once the provider's own checks pass."""
    sources = {k: req.get(k) for k in _SOURCES if req.get(k)}
    if len(sources) != 1:
        # ConfigValidators: ExactlyOneOf(cidr_ipv4, cidr_ipv6, prefix_list_id,
        # referenced_security_group_id).
        raise EmulatorError(
            f"{req.what} needs exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id and "
            f"referenced_security_group_id, has {sorted(sources) or 'none'}"
        )
    protocol = str(req.require("ipProtocol"))
    from_port, to_port = req.inputs.get("fromPort"), req.inputs.get("toPort")
    permission: dict[str, Any] = {"IpProtocol": protocol}
    if protocol == "-1":
        if from_port not in (None, -1) or to_port not in (None, -1):
            raise EmulatorError(
                f"{req.what}: ip_protocol -1 (every protocol) takes no from_port or to_port"
            )
    elif from_port is None or to_port is None:
        if protocol in _PORTED:
            raise EmulatorError(
                f"{req.what}: InvalidParameterValue: {protocol} rules need from_port and to_port"
            )
    else:
        permission["FromPort"] = int(from_port)
        permission["ToPort"] = int(to_port)
    ((key, value),) = sources.items()
    if key == "cidrIpv4":
        permission["IpRanges"] = [{"CidrIp": value}]
    elif key == "cidrIpv6":
        permission["Ipv6Ranges"] = [{"CidrIpv6": value}]
    elif key == "prefixListId":
        permission["PrefixListIds"] = [{"PrefixListId": value}]
    else:
        owner, _, group_id = str(value).rpartition("/")
        pair = {"GroupId": group_id, "UserId": owner or req.account_id}
        permission["UserIdGroupPairs"] = [pair]
    return permission


@contextlib.contextmanager
def _foreign_groups(req: Request) -> Iterator[None]:
    """moto looks a referenced group up in the rule's own account only; AWS finds a peer
    account's group (``account-id/sg-id``). ``check_security_rule`` has found it there."""
    backend: Any = req.backend()
    with _patching:
        original = backend._add_source_group

        def add(source_groups: list[dict[str, Any]] | None, vpc_id: str | None) -> Any:
            groups = list(source_groups or [])
            foreign = [g for g in groups if g.get("UserId") not in (None, req.account_id)]
            local = [g for g in groups if g not in foreign]
            return [*original(local, vpc_id), *foreign]

        backend._add_source_group = add
        try:
            yield
        finally:
            del backend._add_source_group


def _create(req: Request, *, egress: bool) -> Outputs:
    req.only({"securityGroupId", "ipProtocol", "fromPort", "toPort", "description", *_SOURCES})
    group_id = str(req.require("securityGroupId"))
    permission = _permission(req)
    if req.get("description"):
        for ranges in ("IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds"):
            for entry in permission.get(ranges, []):
                entry["Description"] = req.get("description")
    referenced = req.get("referencedSecurityGroupId")
    if referenced:
        check_security_rule(req, group_id, str(referenced))
    kwargs: dict[str, Any] = {"GroupId": group_id, "IpPermissions": [permission]}
    if req.tags:
        kwargs["TagSpecifications"] = req.tag_specifications("security-group-rule")
    authorize = (
        req.ec2.authorize_security_group_egress
        if egress
        else req.ec2.authorize_security_group_ingress
    )
    with _foreign_groups(req) if referenced else contextlib.nullcontext():
        made = authorize(**kwargs)
    rule_id = made["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    return rule_id, {
        "arn": req.arn("security-group-rule", rule_id),
        "securityGroupRuleId": rule_id,
    }


def _update(req: Request, old: ResourceState, changed: frozenset[str]) -> Outputs:
    if "tags" in changed:
        req.update_tags(old.id, old)
    return old.id, dict(old.outputs)


def _delete(req: Request, old: ResourceState, *, egress: bool) -> None:
    """Revoke by rule id; InvalidGroup.NotFound and InvalidSecurityGroupRuleId.NotFound
    are success (moto says InvalidPermission.NotFound)."""
    revoke = (
        req.ec2.revoke_security_group_egress if egress else req.ec2.revoke_security_group_ingress
    )
    with already_gone(
        "InvalidGroup.NotFound", "InvalidSecurityGroupRuleId.NotFound", "InvalidPermission.NotFound"
    ):
        revoke(GroupId=old.inputs["securityGroupId"], SecurityGroupRuleIds=[old.id])


def _read(req: Request) -> Outputs:
    rule_id = str(req.require("id"))
    found = req.ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])
    rule = found["SecurityGroupRules"][0]
    return rule_id, {
        "arn": req.arn("security-group-rule", rule_id),
        "securityGroupRuleId": rule_id,
        "securityGroupId": rule.get("GroupId"),
        "ipProtocol": rule.get("IpProtocol"),
    }


def _handler(*, egress: bool) -> ResourceHandler:
    """One standalone rule resource: the ingress and egress ones differ only in the call
    (vpc_security_group_ingress_rule.go / vpc_security_group_egress_rule.go share
    vpc_security_group_rule.go)."""
    return ResourceHandler(
        create=functools.partial(_create, egress=egress),
        update=_update,
        updatable=frozenset({"tags"}),
        delete=functools.partial(_delete, egress=egress),
        read=_read,
    )


SECURITY_RULE = _handler(egress=False)
SECURITY_EGRESS_RULE = _handler(egress=True)
