"""Opt-in: the emulation with IAM enforced, each account's role holding only its policy.

``enforce_iam(emulation, topology)`` gives every account of the topology a role in moto's
IAM with the trust policy and the permissions policy ``peerstack iam`` generates, makes a
deploying IAM user who may assume them, and turns on moto's IAM enforcement: every call
the emulated deploy makes is then authorized by moto against those policies, and one that
is not allowed fails naming its action. The default emulation is untouched: nothing of
this happens without the context manager.

What moto evaluates, and what it cannot (moto 5.2; ``moto/iam/access_control.py``,
``moto/core/responses.py``, ``moto/iam/policy_conditions.py``):

- **Actions**: yes, every EC2 and STS call is checked against the caller's policies
  (inline and attached), explicit denies first.
- **Resources**: only for STS AssumeRole, which moto authorizes against the role's ARN.
  EC2 calls are authorized against ``"*"`` (EC2's responses define no
  ``_determine_resource``), so a statement scoped to ARNs would never match in moto. The
  emulation therefore widens every EC2 statement's ``Resource`` to ``"*"``
  (:func:`for_moto`): the resource scoping of the generated policies is not verified by
  moto. ``tests/emulator/test_iam.py`` checks the request context the conditions rely
  on (regions, request tags, resource tags) against the recorded calls instead.
- **Conditions**: not in identity policies. moto evaluates them against request values
  it only fills for ``sts:ExternalId``; ``StringEquals`` on a key without a value passes
  and every other operator (``ArnLike``, ``ArnEquals``) is skipped. So
  ``aws:RequestedRegion``, ``aws:RequestTag``, ``aws:ResourceTag``, ``ec2:CreateAction``,
  ``ec2:AccepterVpc`` / ``ec2:RequesterVpc`` and ``ec2:Vpc`` always pass in moto.
- **Trust policies**: moto checks one only when the role is in the caller's own account,
  and compares principals as strings (``arn:aws:iam::111111111111:root`` does not stand
  for that account's users there), and a trust condition on ``sts:ExternalId`` passes
  when the caller sends none. The emulation names the deploying user as the principal,
  and evaluates the trust policy of a role in another account itself, with moto's own
  evaluator, before the role is assumed.
- ``sts:GetCallerIdentity`` is always allowed (as in AWS).
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from peerstack._facts.regions import partition
from peerstack.emulator._cloud import DEFAULT_CREDENTIALS, EmulatedAws
from peerstack.errors import EmulatorError
from peerstack.iam import IamPlan, PolicyDocument, iam_plan, trust_policy
from peerstack.plan import Plan, TopologySource, build_plan

if TYPE_CHECKING:
    from peerstack.emulator._emulation import Emulation

__all__ = ["DEPLOYER", "Enforcement", "RecordedCall", "enforce_iam", "for_moto", "without"]

DEPLOYER = "peerstack-deployer"
"""The IAM user that deploys in an enforced emulation."""

_POLICY_NAME = "peerstack"


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One call a client of the enforced emulation made."""

    account_id: str
    region: str
    action: str
    params: Mapping[str, Any]


@dataclass
class Enforcement:
    """What an enforced run works with: the policies, the deployer, the calls made."""

    iam: IamPlan
    """The policies as generated (what a user would deploy)."""
    deployer_arn: str
    calls: list[RecordedCall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, account_id: str, region: str, action: str, params: dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(RecordedCall(account_id, region, action, params))

    def actions(self, account_id: str) -> set[str]:
        """Every action called in ``account_id`` (STS included)."""
        return {c.action for c in self.calls if c.account_id == account_id}


def for_moto(policy: PolicyDocument) -> PolicyDocument:
    """``policy`` as moto can evaluate it: every EC2 statement's Resource widened to "*".

    moto authorizes EC2 calls against the resource ``"*"`` only, so an ARN would never
    match there; the actions and conditions are kept (moto skips the conditions anyway).
    """
    widened = copy.deepcopy(policy)
    for statement in widened["Statement"]:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else actions
        if all(a.startswith("ec2:") for a in actions):
            statement["Resource"] = "*"
    return widened


def without(iam: IamPlan, alias: str, action: str) -> IamPlan:
    """``iam`` with ``action`` removed from ``alias``'s policy (every statement)."""
    accounts = []
    for account in iam.accounts:
        if account.alias == alias:
            policy = copy.deepcopy(account.policy)
            statements = []
            for statement in policy["Statement"]:
                kept = [a for a in _listed(statement["Action"]) if a != action]
                if kept:
                    statements.append({**statement, "Action": kept})
            policy["Statement"] = statements
            account = replace(account, policy=policy)
        accounts.append(account)
    return replace(iam, accounts=tuple(accounts))


def deployer_account(plan: Plan) -> str:
    """Where the deploying user lives: the one account on ambient credentials, else
    moto's default account (outside every topology)."""
    used = {v.account for v in plan.vpcs}
    ambient = [a for a in plan.accounts if a.alias in used and not a.role_arn and not a.profile]
    return ambient[0].id if len(ambient) == 1 else "123456789012"


def deployer_arn(plan: Plan) -> str:
    part = partition(plan.vpcs[0].region) if plan.vpcs else "aws"
    return f"arn:{part}:iam::{deployer_account(plan)}:user/{DEPLOYER}"


@contextlib.contextmanager
def enforce_iam(
    emulation: Emulation,
    topology: TopologySource | None = None,
    *,
    verify: bool = True,
    policies: IamPlan | None = None,
    remove: Collection[tuple[str, str]] = (),
) -> Iterator[Enforcement]:
    """Run what happens inside with IAM enforced and only ``peerstack iam``'s policies.

    The policies are those for bringing the emulation's stack to ``topology`` (default:
    its current topology, e.g. for ``destroy``): the new plan's, merged with the deployed
    one's when the stack holds anything. ``verify``: include what ``verify`` reads.
    ``policies``: use these instead (their principal must be :func:`deployer_arn`).
    ``remove``: ``(account alias, action)`` pairs to take out of the policies first.

    Accounts on ambient credentials are reached, as always in the emulation, through a
    synthesized role in that account (``peerstack-emulation``); it holds the policy the
    deploying principal would hold there.
    """
    cloud: EmulatedAws = emulation._cloud
    cloud.require_running()
    plan = build_plan(topology) if topology is not None else emulation.plan
    cloud.know(plan.accounts)
    previous = emulation.plan if emulation.state else None
    principal = deployer_arn(plan)
    if policies is None:
        policies = iam_plan(plan, previous=previous, principal=principal, verify=verify)
    elif policies.principal not in (None, principal):
        raise EmulatorError(
            f"the policies trust {policies.principal!r}; the emulation deploys as {principal!r}"
        )
    enforced = policies
    for alias, action in remove:
        enforced = without(enforced, alias, action)
    enforcement = Enforcement(iam=policies, deployer_arn=principal)
    from moto.core import enable_iam_authentication

    _install(cloud, enforced, principal)
    cloud.call_observers.append(enforcement.record)
    try:
        with enable_iam_authentication():
            _assume_all(cloud, enforced, principal)
            yield enforcement
    finally:
        cloud.call_observers.remove(enforcement.record)
        cloud.base_credentials = DEFAULT_CREDENTIALS
        cloud.forget_credentials()


def _install(cloud: EmulatedAws, iam: IamPlan, principal: str) -> None:
    """Roles, trust and permissions in moto's IAM; the deploying user and its key.

    Done with enforcement off, with the emulation's usual credentials: this is the
    administrator setting IAM up, not the deploy.
    """
    cloud.base_credentials = DEFAULT_CREDENTIALS
    cloud.forget_credentials()
    deployer_account_id = principal.split(":")[4]
    roles = []
    for account in iam.accounts:
        role_arn = account.role_arn or cloud.role_arn(account.id)
        trust = account.trust_policy or trust_policy(principal, None)
        _put_role(cloud, account.id, role_arn, trust, for_moto(account.policy))
        roles.append(role_arn)
    assume: PolicyDocument = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": sorted(set(roles))}
        ],
    }
    if iam.deployer_policy is not None:
        generated = set(_listed(iam.deployer_policy["Statement"][0]["Resource"]))
        synthesized = {r for r in roles if r not in generated}
        # The generated deployer policy, plus the emulation's stand-in roles.
        assume = copy.deepcopy(iam.deployer_policy)
        if synthesized:
            assume["Statement"].append(
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": sorted(synthesized)}
            )
    iam_client = cloud.client(
        "iam", account=deployer_account_id, region=cloud.signing_region(deployer_account_id)
    )
    try:
        iam_client.get_user(UserName=DEPLOYER)
    except iam_client.exceptions.NoSuchEntityException:
        iam_client.create_user(UserName=DEPLOYER)
    iam_client.put_user_policy(
        UserName=DEPLOYER, PolicyName=_POLICY_NAME, PolicyDocument=json.dumps(assume)
    )
    for key in iam_client.list_access_keys(UserName=DEPLOYER)["AccessKeyMetadata"]:
        iam_client.delete_access_key(UserName=DEPLOYER, AccessKeyId=key["AccessKeyId"])
    key = iam_client.create_access_key(UserName=DEPLOYER)["AccessKey"]
    cloud.forget_credentials()
    cloud.base_credentials = (key["AccessKeyId"], key["SecretAccessKey"])


def _put_role(
    cloud: EmulatedAws,
    account_id: str,
    role_arn: str,
    trust: PolicyDocument,
    policy: PolicyDocument,
) -> None:
    name = role_arn.rsplit("/", 1)[-1]
    path = "/" + "".join(f"{p}/" for p in role_arn.split(":", 5)[5].split("/")[1:-1])
    client = cloud.client("iam", account=account_id, region=cloud.signing_region(account_id))
    try:
        client.get_role(RoleName=name)
        client.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    except client.exceptions.NoSuchEntityException:
        client.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=json.dumps(trust))
    for existing in client.list_role_policies(RoleName=name)["PolicyNames"]:
        client.delete_role_policy(RoleName=name, PolicyName=existing)
    if policy["Statement"]:
        client.put_role_policy(
            RoleName=name, PolicyName=_POLICY_NAME, PolicyDocument=json.dumps(policy)
        )


def _assume_all(cloud: EmulatedAws, iam: IamPlan, principal: str) -> None:
    """Assume every account's role now, under enforcement, as the providers do first.

    moto checks the trust policy of a role in the caller's own account only; the trust
    policy of a role in another account is evaluated here with moto's evaluator.
    """
    from moto.iam.access_control import IAMPolicy, PermissionResult

    caller_account = principal.split(":")[4]
    for account in iam.accounts:
        role_arn = account.role_arn or cloud.role_arn(account.id)
        if account.id != caller_account:
            trust = account.trust_policy or trust_policy(principal, None)
            context = {"sts:ExternalId": account.external_id} if account.external_id else {}
            result = IAMPolicy(json.dumps(trust)).is_action_permitted(
                "sts:AssumeRole", role_arn, principal, context
            )
            if result != PermissionResult.PERMITTED:
                raise EmulatorError(
                    f"the trust policy of {role_arn!r} does not let {principal!r} assume it"
                )
        # EmulatedAws reports a refused AssumeRole as an EmulatorError naming the role.
        cloud.session(
            account.id, account.regions[0] if account.regions else cloud.signing_region(account.id)
        )


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
