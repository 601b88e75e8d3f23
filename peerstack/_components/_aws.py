"""``pulumi_aws``, loaded without the deprecation notices of resources peerstack never uses.

``pulumi_aws.ec2`` warns when it loads that ``EncryptionControl`` is deprecated. Every
user's test run that deploys a topology would show that warning, about a resource they
never asked for; the module is loaded here once with DeprecationWarning silenced, and
every warning about what peerstack does use still reaches them.
"""

from __future__ import annotations

import warnings

import pulumi_aws as aws

__all__ = ["aws"]

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    # pulumi_aws loads its submodules lazily, on first attribute access.
    aws.ec2.Vpc  # noqa: B018
