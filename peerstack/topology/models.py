"""Pydantic models of the topology file.

Only rules about a single field or a single object live here (CIDR syntax, account id
format, names). Everything that relates two objects lives in the planner.
"""

from __future__ import annotations

import contextvars
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictStr,
    ValidationError,
    model_validator,
)

from peerstack._cidr import check_ipv4_block, parse_network
from peerstack.errors import TopologyError
from peerstack.topology._problems import problems_from_validation_error
from peerstack.topology._source import SourceMap

__all__ = [
    "Account",
    "Defaults",
    "ExistingVpc",
    "Hub",
    "Mesh",
    "Peering",
    "Quotas",
    "RouteSpec",
    "Subnet",
    "Topology",
    "Vpc",
]

# AWS quota defaults and the maximum each can be raised to.
QUOTA_LIMITS: dict[str, tuple[int, int | None]] = {
    "peerings_per_vpc": (50, 125),
    "routes_per_table": (50, 1000),
    "outstanding_requests_per_account": (25, None),
    "cidrs_per_vpc": (5, 50),
}

_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")
_ACCOUNT_ID_RE = re.compile(r"^\d{12}$")
_ROLE_ARN_RE = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
_EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
_REGION_RE = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")
_AZ_RE = re.compile(
    r"^(?:[a-z]|[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}[a-z]|[a-z]{3,5}\d?-az\d{1,2})$"
)
_VPC_ID_RE = re.compile(r"^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_RTB_ID_RE = re.compile(r"^rtb-(?:[0-9a-f]{8}|[0-9a-f]{17})$")


def _check_name(value: str) -> str:
    if not _NAME_RE.match(value) or "--" in value:
        raise ValueError(
            f"{value!r} is not a valid name: use lowercase letters, digits, '-' and '_' "
            "(no '--', no '.', at most 64 characters, starting and ending with a letter "
            "or digit)"
        )
    return value


def _check_account_id(value: str) -> str:
    if not _ACCOUNT_ID_RE.match(value):
        raise ValueError(f"{value!r} is not an AWS account id (12 digits, quoted in YAML)")
    return value


def _check_role_arn(value: str) -> str:
    if not _ROLE_ARN_RE.match(value):
        raise ValueError(
            f"{value!r} is not an IAM role ARN (expected arn:aws:iam::123456789012:role/NAME)"
        )
    return value


def _check_external_id(value: str) -> str:
    if not _EXTERNAL_ID_RE.match(value):
        raise ValueError("external_id must be 2 to 1224 characters of letters, digits and +=,.@:/-")
    return value


def _check_region(value: str) -> str:
    if not _REGION_RE.match(value):
        raise ValueError(f"{value!r} is not an AWS region name (e.g. 'us-east-1')")
    return value


def _check_az(value: str) -> str:
    if not _AZ_RE.match(value):
        raise ValueError(
            f"{value!r} is not an availability zone: give its letter ('a'), its full name "
            "('us-east-1a') or its zone id ('use1-az1')"
        )
    return value


def _check_vpc_cidr(value: str) -> str:
    return check_ipv4_block(value, what="VPC CIDR")


def _check_subnet_cidr(value: str) -> str:
    return check_ipv4_block(value, what="subnet CIDR")


def _check_ipv6_cidr(value: str) -> str:
    if parse_network(value).version != 6:
        raise ValueError(f"{value!r} is not an IPv6 CIDR block")
    return value


def _check_vpc_id(value: str) -> str:
    if not _VPC_ID_RE.match(value):
        raise ValueError(f"{value!r} is not a VPC id (expected 'vpc-' and 8 or 17 hex digits)")
    return value


def _check_rtb_id(value: str) -> str:
    if not _RTB_ID_RE.match(value):
        raise ValueError(
            f"{value!r} is not a route table id (expected 'rtb-' and 8 or 17 hex digits)"
        )
    return value


_VALIDATING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "peerstack_validating", default=False
)

Name = Annotated[StrictStr, AfterValidator(_check_name)]
AccountId = Annotated[StrictStr, AfterValidator(_check_account_id)]
Region = Annotated[StrictStr, AfterValidator(_check_region)]
VpcCidr = Annotated[StrictStr, AfterValidator(_check_vpc_cidr)]
SubnetCidr = Annotated[StrictStr, AfterValidator(_check_subnet_cidr)]
Ipv6Cidr = Annotated[StrictStr, AfterValidator(_check_ipv6_cidr)]
Tags = dict[StrictStr, StrictStr]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def __init__(self, **data: Any) -> None:
        # Python callers get the same located TopologyError as YAML users, not pydantic's.
        # Nested models are validated through __init__ too: those let pydantic's error
        # through, so that the outermost model reports every problem with its full path.
        if _VALIDATING.get():
            super().__init__(**data)
            return
        token = _VALIDATING.set(True)
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise TopologyError(
                problems_from_validation_error(exc, SourceMap(), root=type(self))
            ) from None
        finally:
            _VALIDATING.reset(token)


class Account(_Model):
    """An AWS account that owns VPCs; one Pulumi provider is made per account."""

    id: AccountId = Field(description="The 12-digit AWS account id (quote it in YAML).")
    role_arn: Annotated[StrictStr, AfterValidator(_check_role_arn)] | None = Field(
        default=None,
        description="IAM role assumed to act in this account; omit to use ambient credentials.",
    )
    external_id: Annotated[StrictStr, AfterValidator(_check_external_id)] | None = Field(
        default=None, description="External id required by the role's trust policy."
    )
    profile: StrictStr | None = Field(
        default=None,
        description="Named profile from the shared AWS config to take credentials from.",
    )

    @model_validator(mode="after")
    def _role_matches_account(self) -> Account:
        if self.role_arn is not None:
            match = _ROLE_ARN_RE.match(self.role_arn)
            if match and match.group(2) != self.id:
                raise ValueError(
                    f"role_arn {self.role_arn!r} is in account {match.group(2)!r}, "
                    f"but this account's id is {self.id!r}"
                )
        if self.external_id is not None and self.role_arn is None:
            raise ValueError("external_id is only used with role_arn; add role_arn or remove it")
        return self


class Defaults(_Model):
    """Values every VPC and link takes unless it says otherwise."""

    account: Name | None = Field(
        default=None,
        description="Alias from `accounts` for VPCs that name none (optional with one account).",
    )
    region: Region | None = Field(
        default=None, description="AWS region for VPCs that name none, e.g. 'us-east-1'."
    )
    dns_resolution: StrictBool = Field(
        default=False,
        description="Enable remote DNS resolution on every link unless the link says otherwise.",
    )
    tags: Tags = Field(default_factory=dict, description="Tags put on every taggable resource.")


class Subnet(_Model):
    """A subnet of a created VPC."""

    name: Name = Field(description="Subnet name, unique within its VPC; `vpc.subnet` in routes.")
    cidr: SubnetCidr = Field(description="IPv4 block inside one of the VPC's blocks (/16-/28).")
    az: Annotated[StrictStr, AfterValidator(_check_az)] = Field(
        description="Availability zone: a letter appended to the region ('a'), or a full name."
    )
    route_table: Name | None = Field(
        default=None,
        description="Name of the route table this subnet uses; omit for the VPC's main table.",
    )


class ExistingVpc(_Model):
    """A VPC that already exists: peerstack reads it and never creates or deletes it."""

    vpc_id: Annotated[StrictStr, AfterValidator(_check_vpc_id)] = Field(
        description="The VPC's id, e.g. 'vpc-0123456789abcdef0'."
    )
    cidrs: list[VpcCidr] = Field(
        min_length=1, description="Every IPv4 block of the VPC (primary first)."
    )
    ipv6_cidrs: list[Ipv6Cidr] = Field(
        default_factory=list, description="The VPC's IPv6 blocks, if any."
    )
    route_tables: dict[Name, Annotated[StrictStr, AfterValidator(_check_rtb_id)]] | None = Field(
        default=None,
        description="Route tables by name ('main' for the main table); omit to discover every "
        "route table of the VPC at deploy time.",
    )


class Vpc(_Model):
    """A VPC: created by peerstack (`cidr`) or adopted (`existing`)."""

    account: Name | None = Field(
        default=None, description="Alias from `accounts`; defaults to `defaults.account`."
    )
    region: Region | None = Field(
        default=None, description="AWS region; defaults to `defaults.region`."
    )
    cidr: VpcCidr | None = Field(
        default=None, description="Primary IPv4 block of a created VPC (/16 to /28)."
    )
    secondary_cidrs: list[VpcCidr] = Field(
        default_factory=list, description="Additional IPv4 blocks of a created VPC."
    )
    ipv6: StrictBool = Field(
        default=False, description="Give a created VPC an Amazon-provided IPv6 /56."
    )
    subnets: list[Subnet] = Field(default_factory=list, description="Subnets of a created VPC.")
    existing: ExistingVpc | None = Field(
        default=None, description="Adopt an existing VPC instead of creating one."
    )
    tags: Tags = Field(default_factory=dict, description="Extra tags for this VPC's resources.")

    @model_validator(mode="after")
    def _created_or_adopted(self) -> Vpc:
        if self.existing is None and self.cidr is None:
            raise ValueError(
                "a VPC needs `cidr` (to create it) or `existing` (to adopt one); it has neither"
            )
        if self.existing is not None:
            extra = [
                f
                for f in ("cidr", "secondary_cidrs", "ipv6", "subnets")
                if f in self.model_fields_set
            ]
            if extra:
                raise ValueError(
                    f"an adopted VPC (`existing`) cannot also set {', '.join(extra)}: "
                    "describe its blocks under `existing` (cidrs, ipv6_cidrs)"
                )
        return self

    @property
    def managed(self) -> bool:
        """True when peerstack creates (and may delete) this VPC."""
        return self.existing is None


class RouteSpec(_Model):
    """Which destinations one side of a link routes, and from which of its route tables."""

    to: list[StrictStr] | None = Field(
        default=None,
        description="Destinations: a VPC name (all its blocks), `vpc.subnet`, or a literal CIDR "
        "inside the peer. Omit for the whole peer VPC; [] for no routes on this side.",
    )
    tables: list[Name] | None = Field(
        default=None,
        description="Route tables of this side to put the routes in: 'main', a `route_table` "
        "name, or a key of `existing.route_tables`. Omit for every route table.",
    )


class Peering(_Model):
    """One peering connection between two VPCs."""

    requester: Name = Field(description="VPC that requests the connection.")
    accepter: Name = Field(description="VPC that accepts the connection.")
    name: Name | None = Field(
        default=None, description="Link name; defaults to 'requester--accepter'."
    )
    dns_resolution: StrictBool | None = Field(
        default=None, description="Remote DNS resolution; defaults to `defaults.dns_resolution`."
    )
    routes: dict[Name, RouteSpec] | None = Field(
        default=None,
        description="Per-side routing, keyed by VPC name; a side not named routes to the whole "
        "peer from every route table.",
    )
    tags: Tags = Field(default_factory=dict, description="Extra tags for this link's resources.")


class Mesh(_Model):
    """Every member peered with every other member (the alphabetically first requests)."""

    name: Name = Field(description="Mesh name, for messages and tags.")
    members: list[Name] = Field(min_length=2, description="VPC names; at least two.")
    dns_resolution: StrictBool | None = Field(
        default=None, description="Remote DNS resolution; defaults to `defaults.dns_resolution`."
    )
    tags: Tags = Field(default_factory=dict, description="Extra tags for this mesh's links.")


class Hub(_Model):
    """One hub VPC peered with each spoke; spokes are not peered with each other."""

    hub: Name = Field(description="The hub VPC; it requests every link.")
    spokes: list[Name] = Field(min_length=1, description="VPC names peered with the hub.")
    name: Name | None = Field(
        default=None, description="Name for messages and tags; defaults to the hub's name."
    )
    dns_resolution: StrictBool | None = Field(
        default=None, description="Remote DNS resolution; defaults to `defaults.dns_resolution`."
    )
    tags: Tags = Field(default_factory=dict, description="Extra tags for this hub's links.")


def _quota(name: str, what: str) -> Any:
    default, maximum = QUOTA_LIMITS[name]
    limit = f" (AWS maximum {maximum})" if maximum else ""
    return Field(
        default=default,
        ge=1,
        description=f"{what}: the limit validated against; AWS default {default}{limit}. "
        "Raise it only after raising the quota in AWS.",
    )


class Quotas(_Model):
    """Service quotas the plan is checked against (raise them after raising them in AWS)."""

    peerings_per_vpc: int = _quota("peerings_per_vpc", "Active peering connections per VPC")
    routes_per_table: int = _quota("routes_per_table", "Routes per route table, per address family")
    outstanding_requests_per_account: int = _quota(
        "outstanding_requests_per_account",
        "Pending (not yet accepted) peering requests an account may have",
    )
    cidrs_per_vpc: int = _quota("cidrs_per_vpc", "IPv4 CIDR blocks per VPC")

    @model_validator(mode="after")
    def _within_aws_maximum(self) -> Quotas:
        for name, (_, maximum) in QUOTA_LIMITS.items():
            value = getattr(self, name)
            if maximum is not None and value > maximum:
                raise ValueError(
                    f"{name}: {value} is above AWS's maximum of {maximum} for this quota"
                )
        return self


class Topology(_Model):
    """A set of VPCs and the peering links between them."""

    name: Name = Field(description="Topology name, used in resource names and tags.")
    defaults: Defaults = Field(
        default_factory=Defaults, description="Values VPCs and links take unless they say so."
    )
    accounts: dict[Name, Account] = Field(
        min_length=1, description="AWS accounts by alias; VPCs refer to them by alias."
    )
    vpcs: dict[Name, Vpc] = Field(description="VPCs by name, created or adopted.")
    peerings: list[Peering] = Field(default_factory=list, description="Individual links.")
    meshes: list[Mesh] = Field(default_factory=list, description="Full meshes of VPCs.")
    hubs: list[Hub] = Field(default_factory=list, description="Hub-and-spoke groups.")
    quotas: Quotas = Field(
        default_factory=Quotas, description="Service quotas to validate against."
    )

    _source: SourceMap = PrivateAttr(default_factory=SourceMap)

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Topology:
        """Validate plain data; raise :class:`TopologyError` (not pydantic's error)."""
        token = _VALIDATING.set(True)
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise TopologyError(
                problems_from_validation_error(exc, SourceMap(), root=Topology)
            ) from None
        finally:
            _VALIDATING.reset(token)

    @property
    def source(self) -> SourceMap:
        """Where each field was written (file and lines), when loaded from a file."""
        return self._source
