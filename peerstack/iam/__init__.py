"""Least-privilege IAM for a topology: per account, the policy its role needs.

For exactly what the topology deploys in each account (the EC2 actions the AWS provider
calls for each resource type, every operation), scoped by region and by peerstack's
tags where EC2 allows, and the trust policy for the principal that deploys::

    from peerstack import build_plan
    from peerstack.iam import iam_plan

    iam = iam_plan(build_plan("corp.yaml"))
    for account in iam.accounts:
        print(account.alias, account.policy, account.trust_policy)

``peerstack iam FILE`` prints the same (``--format json``, ``--format pulumi`` for a
program that creates the roles). The emulation can deploy with IAM enforced and only
these policies: see :func:`peerstack.emulator.enforce_iam`.
"""

from __future__ import annotations

from peerstack._provider.calls import FEATURES, Call, Kind, Op
from peerstack.iam._derive import TOPOLOGY_TAG, iam_plan, principal_for, trust_policy
from peerstack.iam._model import AccountIam, Grant, IamPlan, PolicyDocument

__all__ = [
    "FEATURES",
    "TOPOLOGY_TAG",
    "AccountIam",
    "Call",
    "Grant",
    "IamPlan",
    "Kind",
    "Op",
    "PolicyDocument",
    "iam_plan",
    "principal_for",
    "trust_policy",
]
