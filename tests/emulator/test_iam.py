"""The generated policies, proven in the emulation: IAM enforced, each role holding only
its account's policy.

moto checks the actions of every call (and the role ARN of AssumeRole); it checks neither
resources nor conditions of EC2 calls (``peerstack/emulator/_iam.py`` says why). So each
enforced run also records its calls, and :class:`Context` evaluates the generated policy
as written (ARNs and conditions) against each call's request context, taken from the
call's parameters and moto's state just before the call.

That the policies are minimal is read from one recorded log per scenario: every action
they allow is called (or listed in NOT_CALLED_HERE with why). A call whose action the
policy lacks is denied and fails the run naming it; a few real removals show that end to
end, instead of one deploy per allowed action.
"""

from __future__ import annotations

import copy
import fnmatch
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from peerstack import build_plan
from peerstack._provider.calls import AUTHORIZED_ON, CREATES, RESOURCE_CALLS
from peerstack.emulator import Emulation, RecordedCall, enforce_iam
from peerstack.emulator._iam import deployer_arn, for_moto
from peerstack.errors import CredentialsError, EmulatorError
from peerstack.iam import AccountIam, IamPlan, iam_plan
from peerstack.plan import Plan
from tests.helpers.paths import EXAMPLES, example

Data = dict[str, Any]


BASE: Data = {
    "name": "corp",
    "defaults": {"account": "net", "region": "us-east-1", "dns_resolution": True},
    "accounts": {
        "net": {"id": "111111111111"},
        "prod": {
            "id": "222222222222",
            "role_arn": "arn:aws:iam::222222222222:role/infra/peerstack",
            "external_id": "corp-peering",
        },
    },
    "vpcs": {
        "shared": {
            "cidr": "10.0.0.0/16",
            "secondary_cidrs": ["10.100.0.0/16"],
            "ipv6": True,
            "subnets": [
                {"name": "tools", "cidr": "10.0.1.0/24", "az": "a", "route_table": "tools"},
                {"name": "dns", "cidr": "10.0.2.0/24", "az": "b"},
            ],
        },
        "app": {
            "account": "prod",
            "region": "eu-west-1",
            "cidr": "10.1.0.0/16",
            "ipv6": True,
            "subnets": [{"name": "app-a", "cidr": "10.1.1.0/24", "az": "a"}],
        },
        "batch": {"account": "prod", "cidr": "10.2.0.0/16"},
        "legacy": {
            "account": "prod",
            "existing": {
                "vpc_id": "vpc-0123456789abcdef0",
                "cidrs": ["172.31.0.0/16"],
                "route_tables": {"main": "rtb-0123456789abcdef0"},
            },
        },
        "found": {
            "account": "prod",
            "region": "eu-west-1",
            "existing": {"vpc_id": "vpc-0fedcba9876543210", "cidrs": ["172.16.0.0/16"]},
        },
    },
    "hubs": [{"hub": "shared", "spokes": ["app", "batch"]}],
    "peerings": [
        {"requester": "shared", "accepter": "legacy", "dns_resolution": False},
        {"requester": "found", "accepter": "app"},  # same account and region: auto-accepted
        {"requester": "found", "accepter": "shared"},  # from a VPC whose tables are discovered
    ],
}


# -- the request context of a call, evaluated against the policy as written ---------------


def _arn(region: str, account: str, kind: str, resource_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account}:{kind}/{resource_id}"


_PREFIXES = {
    "vpc-": "vpc",
    "subnet-": "subnet",
    "rtb-": "route-table",
    "pcx-": "vpc-peering-connection",
    "sg-": "security-group",
    "sgr-": "security-group-rule",
}


@dataclass
class Resource:
    arn: str
    keys: dict[str, str] = field(default_factory=dict)
    """Condition keys this resource brings (aws:ResourceTag/..., ec2:Vpc, ...)."""


@dataclass
class Context:
    """Evaluates each recorded EC2 call against the generated (not moto's) policy."""

    iam: IamPlan
    topology: str
    denied: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)

    def observe(self, account_id: str, region: str, action: str, params: dict[str, Any]) -> None:
        if not action.startswith("ec2:"):
            return
        account = self.iam.by_id()[account_id]
        backend = _backend(account_id, region)
        request: dict[str, str] = {"aws:RequestedRegion": region}
        tags = _request_tags(params)
        request.update({f"aws:RequestTag/{k}": v for k, v in tags.items()})
        for resource in _resources(action, params, account_id, region, backend):
            self._check(account, action, resource, request)
        if action in CREATES and tags:
            # Tag-on-create: AWS authorizes ec2:CreateTags on the new resource too.
            new = Resource(_arn(region, account_id, CREATES[action], "NEW"))
            on_create = {**request, "ec2:CreateAction": action.split(":", 1)[1]}
            self._check(account, "ec2:CreateTags", new, on_create)
        self.checked.add(action)

    def _check(
        self, account: AccountIam, action: str, resource: Resource, request: dict[str, str]
    ) -> None:
        context = {**request, **resource.keys}
        if not any(_matches(s, action, resource.arn, context) for s in account.policy["Statement"]):
            self.denied.append(f"{account.alias}: {action} on {resource.arn} with {context}")


def _backend(account_id: str, region: str) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region]


def _request_tags(params: dict[str, Any]) -> dict[str, str]:
    tags = {t["Key"]: t.get("Value", "") for t in params.get("Tags", [])}
    for spec in params.get("TagSpecifications", []):
        tags.update({t["Key"]: t["Value"] for t in spec["Tags"]})
    return tags


def _existing(backend: Any, account_id: str, region: str, resource_id: str) -> Resource:
    kind = next(k for p, k in _PREFIXES.items() if resource_id.startswith(p))
    keys = {f"aws:ResourceTag/{k}": v for k, v in backend.tags.get(resource_id, {}).items()}
    if kind == "route-table":
        table = backend.route_tables[resource_id]
        keys["ec2:Vpc"] = _arn(region, account_id, "vpc", table.vpc_id)
    if kind == "vpc-peering-connection":
        pcx = backend.vpc_pcxs[resource_id]
        for key, vpc in (("ec2:RequesterVpc", pcx.vpc), ("ec2:AccepterVpc", pcx.peer_vpc)):
            keys[key] = _arn(vpc.region, vpc.owner_id, "vpc", vpc.id)
    return Resource(_arn(region, account_id, kind, resource_id), keys)


def _resources(
    action: str, params: dict[str, Any], account_id: str, region: str, backend: Any
) -> Iterator[Resource]:
    """The resources AWS authorizes ``action`` against, as this call names them."""
    kinds = AUTHORIZED_ON[action]
    if not kinds:
        yield Resource("*")
        return

    def existing(resource_id: str) -> Resource:
        return _existing(backend, account_id, region, resource_id)

    if action in CREATES:
        new = Resource(_arn(region, account_id, CREATES[action], "NEW"))
        if action == "ec2:CreateVpcPeeringConnection":
            peer = _arn(
                params.get("PeerRegion", region),
                params.get("PeerOwnerId", account_id),
                "vpc",
                params["PeerVpcId"],
            )
            new.keys["ec2:AccepterVpc"] = peer
            new.keys["ec2:RequesterVpc"] = _arn(region, account_id, "vpc", params["VpcId"])
        yield new
        for key in ("VpcId", "GroupId"):
            if key in params:
                yield existing(params[key])
        return
    if action == "ec2:AcceptVpcPeeringConnection":
        pcx = existing(params["VpcPeeringConnectionId"])
        yield pcx
        yield existing(pcx.keys["ec2:AccepterVpc"].rsplit("/", 1)[1])
        return
    if action in ("ec2:CreateTags", "ec2:DeleteTags"):
        for resource_id in params["Resources"]:
            yield existing(resource_id)
        return
    if action == "ec2:DisassociateVpcCidrBlock":
        for vpc in backend.vpcs.values():
            if params["AssociationId"] in vpc._cidr_block_association_set:
                yield existing(vpc.id)
        return
    if action in ("ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"):
        for table in backend.route_tables.values():
            subnet = table._associations.get(params["AssociationId"])
            if subnet is not None:
                yield existing(subnet)
                if action == "ec2:DisassociateRouteTable":
                    yield existing(table.id)
        if "RouteTableId" in params:
            yield existing(params["RouteTableId"])
        return
    # Only the kinds AWS authorizes the action on: CreateRoute names a connection as its
    # target, but is authorized on the route table alone.
    for key in ("VpcId", "SubnetId", "RouteTableId", "VpcPeeringConnectionId", "GroupId"):
        if key in params:
            resource = existing(params[key])
            if any(f":{kind}/" in resource.arn for kind in kinds):
                yield resource


def _matches(statement: dict[str, Any], action: str, arn: str, context: dict[str, str]) -> bool:
    if statement["Effect"] != "Allow" or action not in _listed(statement["Action"]):
        return False
    if not any(fnmatch.fnmatchcase(arn, pattern) for pattern in _listed(statement["Resource"])):
        return False
    for operator, conditions in statement.get("Condition", {}).items():
        for key, wanted in conditions.items():
            value = context.get(key)
            if value is None:
                return False
            if operator == "StringEquals" and value not in _listed(wanted):
                return False
            if operator in ("ArnLike", "ArnEquals") and not any(
                fnmatch.fnmatchcase(value, w) for w in _listed(wanted)
            ):
                return False
            if operator not in ("StringEquals", "ArnLike", "ArnEquals"):
                raise AssertionError(f"the test does not evaluate {operator}")
    return True


def _listed(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


# -- helpers -----------------------------------------------------------------------------


def changed(edit: Any) -> Data:
    data = copy.deepcopy(BASE)
    edit(data)
    return data


def enforced(env: Emulation, topology: Any = None, **kwargs: Any) -> Any:
    """enforce_iam, with the context check of every call on top of moto's."""
    return _Enforced(env, topology, kwargs)


class _Enforced:
    def __init__(self, env: Emulation, topology: Any, kwargs: dict[str, Any]) -> None:
        self._cm = enforce_iam(env, topology, **kwargs)
        self._env = env
        self.context: Context | None = None

    def __enter__(self) -> Any:
        enforcement = self._cm.__enter__()
        self.context = Context(enforcement.iam, enforcement.iam.topology)
        self._env._cloud.call_observers.append(self.context.observe)
        enforcement.context = self.context  # type: ignore[attr-defined]
        return enforcement

    def __exit__(self, *exc: Any) -> Any:
        assert self.context is not None
        self._env._cloud.call_observers.remove(self.context.observe)
        result = self._cm.__exit__(*exc)
        if exc[0] is None:
            assert self.context.denied == [], "\n".join(self.context.denied)
        return result


def moto_enforces() -> bool:
    from moto import settings

    return settings.INITIAL_NO_AUTH_ACTION_COUNT == 0


# -- one log per scenario: deploy, verify, destroy ------------------------------------------


@dataclass(frozen=True)
class Log:
    """Every call one scenario made with IAM enforced, by phase."""

    plan: Plan
    enforced: IamPlan
    """The policies it ran with: ``peerstack iam --verify``'s."""
    deploy: tuple[RecordedCall, ...]
    verify: tuple[RecordedCall, ...]
    destroy: tuple[RecordedCall, ...]

    def needed(self, *phases: str) -> set[tuple[str, str]]:
        """``(alias, action)`` that these phases' calls need allowed, as AWS authorizes
        them: each EC2 call's action, and ec2:CreateTags for a create that tags."""
        aliases = {a.id: a.alias for a in self.plan.accounts}
        found = set()
        for phase in phases:
            for call in getattr(self, phase):
                if not call.action.startswith("ec2:"):
                    continue
                found.add((aliases[call.account_id], call.action))
                if call.action in CREATES and _request_tags(dict(call.params)):
                    found.add((aliases[call.account_id], "ec2:CreateTags"))
        return found


def granted(iam: IamPlan) -> set[tuple[str, str]]:
    return {(account.alias, action) for account in iam.accounts for action in account.actions}


def _run(topology: Any) -> Log:
    """Deploy, verify and destroy ``topology`` with IAM enforced and only the generated
    policies (each call also checked against them as written, by :class:`Context`)."""
    with Emulation(topology) as env:
        with enforced(env, topology) as deploying:
            assert moto_enforces()
            env.up()
            deployed = len(deploying.calls)
            assert env.verify().ok
        assert deploying.context.checked
        plan = env.plan
        with enforced(env) as destroying:
            env.destroy()
        assert env.state == ()
        assert not moto_enforces()
        # The default emulation is back: any credentials, no policy.
        assert env.ec2(plan.vpcs[0].account, plan.vpcs[0].region).describe_vpcs()["Vpcs"]
    calls = tuple(deploying.calls)
    return Log(plan, deploying.iam, calls[:deployed], calls[deployed:], tuple(destroying.calls))


SCENARIOS = {"base": BASE, **{p.stem: p for p in EXAMPLES}}


@functools.cache
def log_of(scenario: str) -> Log:
    """The scenario's log, recorded once per process and shared by the tests that read it."""
    return _run(SCENARIOS[scenario])


NOT_CALLED_HERE: dict[str, str] = {
    # Calls the provider makes and the emulator's handlers do not:
    "ec2:DescribeNetworkAcls": "Vpc read, soft (vpc_.go:677-682)",
    "ec2:DescribeSecurityGroups": "Vpc read, soft (vpc_.go:694-700)",
    "ec2:DescribeRouteTables": "Route create and delete look the table up (vpc_route.go:251)",
    "ec2:DescribeNetworkInterfaces": "Subnet and group delete: lingering ENIs (vpc_subnet.go:335)",
    "ec2:DescribeSecurityGroupRules": "a rule read back after create (findSecurityGroupRuleByID)",
    # Calls only a change makes, which a first deploy and its destroy do not:
    "ec2:CreateTags": "tags added on update (tag-on-create counts as called)",
    "ec2:DeleteTags": "a tag removed on update (emulated: Request.update_tags)",
    "ec2:CreateRoute": "an imported route (routes_exist) created again when replaced",
    "ec2:ReplaceRoute": "a route's target changes (vpc_route.go:370-421)",
    "ec2:ReplaceRouteTableAssociation": "a subnet moves to another created table",
    "ec2:AssociateVpcCidrBlock": "IPv6 turned on later (vpc_.go:321-335)",
    "ec2:DisassociateVpcCidrBlock": "IPv6 turned off (the day-2 test calls it)",
    "ec2:AssociateSubnetCidrBlock": "a subnet's IPv6 block added (vpc_subnet.go:275-279)",
    "ec2:DisassociateSubnetCidrBlock": "a subnet's IPv6 block removed (vpc_subnet.go:275-279)",
    "ec2:ModifyVpcAttribute": "DNS hostnames set on create or update (vpc_.go:253-258, 297-313)",
    "ec2:ModifySecurityGroupRules": "a rule changed in place (its Update)",
}
"""Actions the generated policies may allow that no scenario here calls, with why."""


def test_what_no_scenario_calls_is_called_by_the_provider() -> None:
    made = {c.action for ops in RESOURCE_CALLS.values() for calls in ops.values() for c in calls}
    assert NOT_CALLED_HERE.keys() <= made


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_generated_policies_allow_what_deploy_verify_and_destroy_call_and_no_more(
    scenario: str,
) -> None:
    """One log per scenario stands for removing each allowed action in turn: moto denies
    a call whose action the policy lacks, and the run then fails naming it (the removals
    below show it end to end), so every action the log holds is needed."""
    log = log_of(scenario)
    for account in log.enforced.accounts:
        # Nothing is called where the policy does not reach (aws:RequestedRegion).
        calls = [c for c in (*log.deploy, *log.verify) if c.account_id == account.id]
        assert calls, account.alias
        assert {c.region for c in calls} <= set(account.regions), account.alias
    # `peerstack iam` without --verify allows what the deploy and the destroy call ...
    policies = iam_plan(log.plan, principal=deployer_arn(log.plan))
    needed = log.needed("deploy", "destroy")
    assert needed <= granted(policies), sorted(needed - granted(policies))
    # ... and nothing else, but for calls this emulation does not make (listed with why).
    unproven = {action for _, action in granted(policies) - needed}
    assert unproven <= NOT_CALLED_HERE.keys(), sorted(unproven - NOT_CALLED_HERE.keys())
    # --verify adds exactly what verify reads and the deploy does not allow already.
    assert granted(log.enforced) - granted(policies) == log.needed("verify") - granted(policies)


def test_what_the_base_policies_allow_beyond_the_calls_is_listed_with_why() -> None:
    """The base topology changes nothing and the emulator makes a subset of the
    provider's calls: these grants come from the provider's source alone, and this
    emulation does not prove them (NOT_CALLED_HERE says why, action by action)."""
    log = log_of("base")
    policies = iam_plan(log.plan, principal=deployer_arn(log.plan))
    assert granted(policies) - log.needed("deploy", "destroy") == {
        *(
            (alias, action)
            for alias in ("net", "prod")
            for action in (
                "ec2:DescribeNetworkAcls",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DeleteTags",
                "ec2:ReplaceRoute",
            )
        ),
        ("net", "ec2:ReplaceRouteTableAssociation"),  # only net has a table of its own
        # net associates shared's secondary block, and disassociates it at destroy; in
        # prod only IPv6 turned on or off later would (app has it from its creation).
        ("prod", "ec2:AssociateVpcCidrBlock"),
        ("prod", "ec2:DisassociateVpcCidrBlock"),
    }


# -- day 2 ---------------------------------------------------------------------------------


def test_day_2_changes_pass_with_the_policies_for_the_change() -> None:
    def edit(data: Data) -> None:
        del data["vpcs"]["app"]["subnets"]  # DeleteSubnet in prod
        data["vpcs"]["batch"]["region"] = "us-west-2"  # replaced in a new region
        data["vpcs"]["shared"]["ipv6"] = False  # an update: DisassociateVpcCidrBlock
        data["vpcs"]["shared"]["subnets"][0]["route_table"] = "main"  # association deleted
        data["defaults"]["dns_resolution"] = False  # options updated on both sides
        data["defaults"]["tags"] = {"owner": "platform"}  # tags updated everywhere

    new = changed(edit)
    with Emulation(BASE) as env:
        with enforced(env, BASE):
            env.up()
        with enforced(env, new) as enforcement:
            env.up(new)
            assert env.verify().ok
        called = enforcement.actions("222222222222")
        assert {"ec2:DeleteSubnet", "ec2:CreateVpc", "ec2:DeleteVpc"} <= called
        assert "ec2:DisassociateVpcCidrBlock" in enforcement.actions("111111111111")
        with enforced(env):
            env.destroy()


def test_a_change_fails_with_only_the_new_plans_policies() -> None:
    new = changed(lambda d: d["vpcs"]["app"].pop("subnets"))
    with Emulation(BASE) as env:
        with enforced(env, BASE):
            env.up()
        alone = iam_plan(build_plan(new), principal=deployer_arn(env.plan), verify=True)
        assert "ec2:DeleteSubnet" not in alone.account("prod").actions
        with enforce_iam(env, new, policies=alone), pytest.raises(EmulatorError) as raised:
            env.up(new)
        assert "ec2:DeleteSubnet" in str(raised.value)


# -- one action less, for real: the denial itself, end to end ---------------------------------


# One of each way a call is made (the message proves that the run called the action).
REMOVED_FROM_THE_DEPLOY = [
    ("net", "ec2:CreateVpcPeeringConnection"),  # a create (tagged on create)
    ("prod", "ec2:DescribeRouteTables"),  # a describe (and the invoke of discovered tables)
    ("prod", "ec2:AcceptVpcPeeringConnection"),  # in another account, through its role
]


@pytest.mark.parametrize("removed", REMOVED_FROM_THE_DEPLOY, ids="-".join)
def test_the_deploy_fails_naming_an_action_it_calls_when_it_is_removed(
    removed: tuple[str, str],
) -> None:
    with Emulation(BASE) as env:
        # The provider's calls fail in the emulated engine, the pre-flight's reads (of the
        # adopted VPCs, before anything registers) like verify's.
        with (
            enforce_iam(env, BASE, remove=[removed]),
            pytest.raises((EmulatorError, CredentialsError)) as raised,
        ):
            env.up()
    alias, action = removed
    assert f"not authorized to perform: {action}" in str(raised.value)
    assert env.account_id(alias) in str(raised.value)


def test_destroy_fails_naming_an_action_it_calls_when_it_is_removed() -> None:
    removed = ("prod", "ec2:DeleteVpc")
    with Emulation(BASE) as env:
        with enforce_iam(env, BASE):
            env.up()
        with enforce_iam(env, remove=[removed]), pytest.raises(EmulatorError) as raised:
            env.destroy()
    assert f"not authorized to perform: {removed[1]}" in str(raised.value)
    assert env.account_id("prod") in str(raised.value)


# -- trust -------------------------------------------------------------------------------


ROLES_ONLY: Data = {
    "name": "roles",
    "defaults": {"account": "home", "region": "us-east-1"},
    "accounts": {
        # The deploying user's own account (moto's default): moto checks this trust itself.
        "home": {
            "id": "123456789012",
            "role_arn": "arn:aws:iam::123456789012:role/peerstack",
            "external_id": "home-id",
        },
        "far": {
            "id": "444444444444",
            "role_arn": "arn:aws:iam::444444444444:role/peerstack",
            "external_id": "far-id",
        },
    },
    "vpcs": {"a": {"cidr": "10.0.0.0/16"}, "b": {"account": "far", "cidr": "10.1.0.0/16"}},
    "peerings": [{"requester": "a", "accepter": "b"}],
}


def _with_trust_external_id(iam: IamPlan, alias: str, external_id: str) -> IamPlan:
    from dataclasses import replace

    accounts = []
    for account in iam.accounts:
        if account.alias == alias:
            trust = copy.deepcopy(account.trust_policy)
            assert trust is not None
            trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] = external_id
            account = replace(account, trust_policy=trust)
        accounts.append(account)
    return replace(iam, accounts=tuple(accounts))


def test_roles_are_assumed_through_their_trust_policy_with_the_external_id() -> None:
    with Emulation(ROLES_ONLY) as env:
        with enforced(env, ROLES_ONLY) as enforcement:
            env.up()
            assert env.verify().ok
        assert enforcement.deployer_arn == "arn:aws:iam::123456789012:user/peerstack-deployer"
        assert enforcement.iam.principal == enforcement.deployer_arn


@pytest.mark.parametrize(
    ("alias", "checked_by"),
    [("home", "moto (same account)"), ("far", "moto's evaluator, called by the emulation")],
)
def test_a_wrong_external_id_in_the_trust_policy_stops_the_deploy(
    alias: str, checked_by: str
) -> None:
    plan = build_plan(ROLES_ONLY)
    wrong = _with_trust_external_id(
        iam_plan(plan, principal=deployer_arn(plan), verify=True), alias, "someone-else"
    )
    with Emulation(ROLES_ONLY) as env, pytest.raises(EmulatorError) as raised:
        with enforce_iam(env, policies=wrong):
            env.up()
    assert f"arn:aws:iam::{plan.account(alias).id}:role/peerstack" in str(raised.value), checked_by


def test_moto_does_not_catch_a_missing_external_id() -> None:
    """A known limit, kept visible: moto's StringEquals passes when the request has no
    value for the key, so AssumeRole without ExternalId succeeds in moto where AWS
    refuses it. Only a wrong external id is caught (the test above)."""
    import boto3

    with Emulation(ROLES_ONLY) as env, enforce_iam(env):
        key, secret = env._cloud.base_credentials
        sts = boto3.client(
            "sts", aws_access_key_id=key, aws_secret_access_key=secret, region_name="us-east-1"
        )
        response = sts.assume_role(
            RoleArn="arn:aws:iam::123456789012:role/peerstack", RoleSessionName="no-external-id"
        )
        assert response["Credentials"]["AccessKeyId"]


def test_the_deployer_may_assume_only_the_roles_of_the_topology() -> None:
    import boto3
    from botocore.exceptions import ClientError

    with Emulation(ROLES_ONLY) as env, enforce_iam(env):
        key, secret = env._cloud.base_credentials
        sts = boto3.client(
            "sts", aws_access_key_id=key, aws_secret_access_key=secret, region_name="us-east-1"
        )
        with pytest.raises(ClientError, match="not authorized to perform: sts:AssumeRole"):
            sts.assume_role(RoleArn="arn:aws:iam::444444444444:role/admin", RoleSessionName="xx")


# -- what moto is given ----------------------------------------------------------------------


def test_moto_gets_the_actions_and_conditions_with_resources_widened() -> None:
    plan = build_plan(example("hub-cross-account"))
    for account in iam_plan(plan, principal="111111111111").accounts:
        widened = for_moto(account.policy)
        assert [s["Action"] for s in widened["Statement"]] == [
            s["Action"] for s in account.policy["Statement"]
        ]
        assert [s["Condition"] for s in widened["Statement"]] == [
            s["Condition"] for s in account.policy["Statement"]
        ]
        assert {json.dumps(s["Resource"]) for s in widened["Statement"]} == {'"*"'}


def test_calls_are_recorded_with_their_account_and_region() -> None:
    log = log_of("base")
    creates = [c for c in log.deploy if c.action == "ec2:CreateVpc"]
    assert {(c.account_id, c.region) for c in creates} == {
        ("111111111111", "us-east-1"),
        ("222222222222", "eu-west-1"),
        ("222222222222", "us-east-1"),
    }
    assert all(isinstance(c, RecordedCall) for c in (*log.deploy, *log.verify, *log.destroy))
