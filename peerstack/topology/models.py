"""Pydantic models of the topology file.

Only rules about a single field or a single object live here (CIDR syntax, account id
format, names). Everything that relates two objects lives in the planner.
"""

from __future__ import annotations

import inspect
import ipaddress
import re
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from peerstack._cidr import Network, check_ipv4_block, parse_network
from peerstack._facts.quotas import QUOTAS
from peerstack._facts.regions import (
    botocore_version,
    is_region,
    partition_names,
    suggest_region,
    zone_id_region_prefix,
    zone_name_region,
)
from peerstack._facts.tags import (
    AWS_PREFIX,
    MAX_TAG_KEY,
    MAX_TAG_VALUE,
    OWN_PREFIX,
    is_own_key,
)
from peerstack._facts.tags import TagKey as OwnTag
from peerstack._text import shown
from peerstack.errors import TopologyError
from peerstack.topology._omitted import Omitted
from peerstack.topology._problems import problems_from_validation_error
from peerstack.topology._source import SourceMap

__all__ = [
    "Accept",
    "Account",
    "Allow",
    "Defaults",
    "ExistingPeering",
    "ExistingVpc",
    "ExternalPeer",
    "Hub",
    "Mesh",
    "Peering",
    "Quotas",
    "RouteSpec",
    "Spoke",
    "Subnet",
    "Topology",
    "Vpc",
]

_NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")
_ACCOUNT_ID_RE = re.compile(r"^\d{12}$")
_ROLE_ARN_RE = re.compile(r"^arn:([a-z-]+):iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
_EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
_VPC_ID_RE = re.compile(r"^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_RTB_ID_RE = re.compile(r"^rtb-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_SG_ID_RE = re.compile(r"^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_PORTS_RE = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")
_PCX_ID_RE = re.compile(r"^pcx-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")

SUBNET_IPV6_INDEXES = 256
"""A created VPC's Amazon-provided /56 holds 256 subnet /64s."""

_LONGEST_CIDR = 50
"""No CIDR block is written with more characters (IPv6 with an IPv4 tail is 49 at most)."""

# AWS: a VPC's IPv6 block is a /56 when Amazon provides it, and /44 to /60 in steps of 4
# when it comes from an IPAM pool or BYOIP; always global unicast or unique local space.
IPV6_VPC_PREFIXES = (44, 48, 52, 56, 60)
_IPV6_SPACES = (ipaddress.IPv6Network("2000::/3"), ipaddress.IPv6Network("fc00::/7"))

EXTENSION_PREFIX = "x-"
"""Top-level keys starting with this are ignored: a place for YAML anchors (as in Compose)."""


def _invalid(message: str, hint: str | None = None) -> PydanticCustomError:
    """A field error that carries a hint through pydantic to the Problem."""
    return PydanticCustomError("peerstack", "{message}", {"message": message, "hint": hint})


def _check_group_name(value: str) -> str:
    if value.startswith("sg-"):
        raise _invalid(
            f"security group name {value!r} starts with 'sg-', which AWS keeps for group ids",
            hint=f"name it without the prefix, e.g. {value.removeprefix('sg-')!r}",
        )
    return value


def _check_name(value: str) -> str:
    if not _NAME_RE.match(value) or "--" in value:
        raise _invalid(
            f"{shown(value)} is not a valid name",
            hint="use lowercase letters, digits, '-' and '_' (no '--', no '.', at most 64 "
            "characters, starting and ending with a letter or digit)",
        )
    return value


def _check_account_id(value: str) -> str:
    if not _ACCOUNT_ID_RE.match(value):
        raise _invalid(
            f"{shown(value)} is not an AWS account id",
            hint='an account id is 12 digits, quoted in YAML: id: "123456789012"',
        )
    return value


def _check_role_arn(value: str) -> str:
    match = _ROLE_ARN_RE.match(value)
    if not match:
        raise _invalid(
            f"{shown(value)} is not an IAM role ARN",
            hint="write it as arn:aws:iam::123456789012:role/NAME",
        )
    if match.group(1) not in partition_names():
        known = ", ".join(sorted(partition_names()))
        raise _invalid(
            f"{shown(value)} names the partition {match.group(1)!r}, which AWS does not have",
            hint=f"AWS's partitions: {known}",
        )
    return value


def _check_external_id(value: str) -> str:
    if not _EXTERNAL_ID_RE.match(value):
        raise _invalid(
            "external_id must be 2 to 1224 characters of letters, digits and +=,.@:/-",
            hint="copy it from the sts:ExternalId condition of the role's trust policy",
        )
    return value


def _check_region(value: str) -> str:
    if is_region(value):
        return value
    close = suggest_region(value)
    if close is not None:
        hint = f"did you mean {close!r}?"
    else:
        version = botocore_version()
        hint = (
            "regions look like 'us-east-1'; peerstack knows those of the installed botocore"
            + (f" ({version})" if version else "")
            + ": upgrade it if AWS opened this region since"
        )
    raise _invalid(f"{shown(value)} is not an AWS region", hint=hint)


def _check_az(value: str) -> str:
    if len(value) == 1 and "a" <= value <= "z":
        return value
    if zone_name_region(value) is None and zone_id_region_prefix(value) is None:
        raise _invalid(
            f"{shown(value)} is not an availability zone",
            hint="give its letter ('a'), its full name ('us-east-1a') or its zone id ('use1-az1')",
        )
    return value


def _parse(value: str) -> Network:
    _check_length(value)
    return parse_network(value)


def _check_length(value: str) -> None:
    if len(value) > _LONGEST_CIDR:
        raise _invalid(f"{shown(value)} is not a CIDR block", hint="e.g. '10.0.0.0/16'")


def _check_vpc_cidr(value: str) -> str:
    _check_length(value)
    return check_ipv4_block(value, what="VPC CIDR")


def _check_subnet_cidr(value: str) -> str:
    _check_length(value)
    return check_ipv4_block(value, what="subnet CIDR")


def _check_ipv6_cidr(value: str) -> str:
    net = _parse(value)
    if not isinstance(net, ipaddress.IPv6Network):
        raise _invalid(
            f"{value!r} is not an IPv6 CIDR block", hint="e.g. '2600:1f18:1234:5600::/56'"
        )
    if net.prefixlen not in IPV6_VPC_PREFIXES:
        raise _invalid(
            f"{value!r} is a /{net.prefixlen}, which no VPC can have",
            hint="a VPC's IPv6 block is a /56 when Amazon provides it, or a /44, /48, /52, /56 "
            "or /60 from an IPAM pool or your own addresses (BYOIP)",
        )
    if not any(net.subnet_of(space) for space in _IPV6_SPACES):
        raise _invalid(
            f"{value!r} is neither global unicast (2000::/3) nor unique local (fc00::/7) "
            "space, so no VPC can have it",
            hint="copy the block from the VPC's IPv6 CIDRs in the console or "
            "`aws ec2 describe-vpcs`",
        )
    return value


def _check_vpc_id(value: str) -> str:
    if not _VPC_ID_RE.match(value):
        raise _invalid(
            f"{shown(value)} is not a VPC id", hint="expected 'vpc-' and 8 or 17 hex digits"
        )
    return value


def _check_rtb_id(value: str) -> str:
    if not _RTB_ID_RE.match(value):
        raise _invalid(
            f"{shown(value)} is not a route table id",
            hint="expected 'rtb-' and 8 or 17 hex digits",
        )
    return value


def _check_sg_id(value: str) -> str:
    if not _SG_ID_RE.match(value):
        raise _invalid(
            f"{shown(value)} is not a security group id",
            hint="expected 'sg-' and 8 or 17 hex digits, e.g. 'sg-0123456789abcdef0'",
        )
    return value


def _check_pcx_id(value: str) -> str:
    if not _PCX_ID_RE.match(value):
        raise _invalid(
            f"{shown(value)} is not a peering connection id",
            hint="expected 'pcx-' and 8 or 17 hex digits, e.g. 'pcx-0123456789abcdef0'",
        )
    return value


def _check_destination(value: str) -> str:
    # Names are at most 64 characters, `vpc.subnet` 129, CIDRs fewer: anything longer or
    # with control characters is no destination (and would make a poor message).
    if len(value) > 2 * 64 + 1 or _CONTROL_RE.search(value):
        raise _invalid(
            f"{shown(value)} is not a destination",
            hint="write a VPC name, `vpc.subnet` or a CIDR inside the peer",
        )
    return value


def _check_tag_key(key: str) -> str:
    if not key:
        raise _invalid("a tag key cannot be empty")
    if len(key) > MAX_TAG_KEY:
        raise _invalid(
            f"tag key {shown(key)} is {len(key)} characters long; AWS allows at most {MAX_TAG_KEY}"
        )
    if key.lower().startswith(AWS_PREFIX):
        raise _invalid(
            f"tag key {shown(key)} starts with 'aws:', a prefix AWS reserves for its own tags",
            hint="use a prefix of your own, e.g. 'acme:'",
        )
    if is_own_key(key):
        which = "every resource" if key == OwnTag.NAME else "the resources"
        raise _invalid(
            f"tag key {shown(key)} is set by peerstack on {which} it creates (it keeps "
            f"{OwnTag.NAME.value!r} and every key starting with {OWN_PREFIX!r}), so this value "
            "would be lost",
            hint="choose another key",
        )
    if _CONTROL_RE.search(key):
        raise _invalid(f"tag key {shown(key)} contains a control character")
    return key


def _check_tag_value(value: str) -> str:
    if len(value) > MAX_TAG_VALUE:
        raise _invalid(
            f"tag value {shown(value)} is {len(value)} characters long; AWS allows at most "
            f"{MAX_TAG_VALUE}"
        )
    if _CONTROL_RE.search(value):
        raise _invalid(f"tag value {shown(value)} contains a control character")
    return value


Name = Annotated[StrictStr, AfterValidator(_check_name)]
AccountId = Annotated[StrictStr, AfterValidator(_check_account_id)]
Region = Annotated[StrictStr, AfterValidator(_check_region)]


def _cidr_text(value: Any) -> Any:
    """Python callers may give ``ipaddress`` networks where the file has CIDR strings."""
    if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network):
        return str(value)
    return value


_AsText = BeforeValidator(_cidr_text)
VpcCidr = Annotated[StrictStr, _AsText, AfterValidator(_check_vpc_cidr)]
SubnetCidr = Annotated[StrictStr, _AsText, AfterValidator(_check_subnet_cidr)]
Ipv6Cidr = Annotated[StrictStr, _AsText, AfterValidator(_check_ipv6_cidr)]
TagKey = Annotated[StrictStr, AfterValidator(_check_tag_key)]
TagValue = Annotated[StrictStr, AfterValidator(_check_tag_value)]
Tags = dict[TagKey, TagValue]
Destination = Annotated[StrictStr, _AsText, AfterValidator(_check_destination)]


def _plain_type(annotation: Any) -> str:
    """``Annotated[StrictStr, ...] | None`` -> ``str | None``: what a reader needs to know."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _plain_type(typing.get_args(annotation)[0])
    if origin in (types.UnionType, typing.Union):
        return " | ".join(_plain_type(a) for a in typing.get_args(annotation))
    if origin is not None:
        args = ", ".join(_plain_type(a) for a in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    if annotation is type(None):
        return "None"
    name = getattr(annotation, "__name__", str(annotation))
    return {"StrictStr": "str", "StrictBool": "bool"}.get(name, name)


def without_extensions(data: Any) -> Any:
    """Top-level data without its ``x-`` keys (a place for anchors; never validated)."""
    if isinstance(data, Mapping):
        return {
            k: v
            for k, v in data.items()
            if not (isinstance(k, str) and k.startswith(EXTENSION_PREFIX))
        }
    return data


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def __init__(self, **data: Any) -> None:
        # Python callers get the same located TopologyError as YAML users, not pydantic's.
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise TopologyError(
                problems_from_validation_error(exc, SourceMap(), root=type(self))
            ) from None

    # Pydantic calls a model's own __init__ for every nested model it validates, with the
    # input as keyword arguments: a mapping key that is not a string would then fail as a
    # bare TypeError, with no place. Marked as pydantic's own __init__ (as RootModel's
    # is), nested models are validated by pydantic-core directly, which reports such keys
    # as located errors; only a caller's own `Vpc(...)` goes through the wrapper above.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # help(peerstack.Vpc) shows each field's description and a plain signature,
        # not pydantic's Annotated[...] validator reprs.
        summary = inspect.cleandoc(cls.__doc__ or "")
        cls._summary = summary
        lines = [summary, "", "Fields:"]
        params = []
        for name, info in cls.model_fields.items():
            kind = _plain_type(info.annotation)
            default = (
                "required"
                if info.is_required()
                else f"default {info.get_default(call_default_factory=True)!r}"
            )
            lines.append(f"    {name} ({kind}, {default}): {info.description}")
            params.append(
                inspect.Parameter(
                    name,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=inspect.Parameter.empty
                    if info.is_required()
                    else info.get_default(call_default_factory=True),
                    annotation=kind,
                )
            )
        cls.__doc__ = "\n".join(lines)
        cls.__signature__ = inspect.Signature(params)

    _summary: ClassVar[str] = ""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema["description"] = cls._summary  # the class's own words, not the field list
        return schema


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
        description="Availability zone: a letter appended to the region ('a'), a full name "
        "('us-east-1a'), or a zone id ('use1-az1')."
    )
    route_table: Name | None = Field(
        default=None,
        description="Name of the route table this subnet uses; omit for the VPC's main table.",
    )
    ipv6_index: StrictInt | None = Field(
        default=None,
        ge=0,
        le=SUBNET_IPV6_INDEXES - 1,
        description="Which /64 of the VPC's IPv6 /56 the subnet takes (0 to 255; the VPC needs "
        "`ipv6: true`); its instances then get IPv6 addresses. Omit for an IPv4-only subnet.",
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
    security_groups: dict[Name, Annotated[StrictStr, AfterValidator(_check_sg_id)]] = Field(
        default_factory=dict,
        description="Security groups of the VPC by name, for `allow` rules: peerstack adds its "
        "rules to them and never touches their other rules, e.g. {app: sg-0123456789abcdef0}.",
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
    security_groups: list[Annotated[Name, AfterValidator(_check_group_name)]] = Field(
        default_factory=list,
        description="Security groups peerstack creates in a created VPC, by name, for `allow` "
        "rules, e.g. [web, batch]. Each gets no inbound rules but peerstack's and allows all "
        "outbound traffic, like a group AWS creates.",
    )
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
                for f in ("cidr", "secondary_cidrs", "ipv6", "subnets", "security_groups")
                if f in self.model_fields_set
            ]
            if extra:
                raise ValueError(
                    f"an adopted VPC (`existing`) cannot also set {', '.join(extra)}: "
                    "describe its blocks under `existing` (cidrs, ipv6_cidrs) and name its "
                    "groups under `existing.security_groups`"
                )
        return self

    @property
    def managed(self) -> bool:
        """True when peerstack creates (and may delete) this VPC."""
        return self.existing is None


class RouteSpec(_Model):
    """Which destinations one side of a link routes, and from which of its route tables."""

    to: list[Destination] | None = Field(
        default=None,
        description="Destinations: a VPC name (all its blocks), `vpc.subnet`, or a literal CIDR "
        "inside the peer. Omit for the whole peer VPC; [] for no routes on this side.",
    )
    tables: list[Name] | None = Field(
        default=None,
        description="Route tables of this side to put the routes in: 'main', a `route_table` "
        "name, or a key of `existing.route_tables`. Omit for every route table.",
    )


_PORTED = ("tcp", "udp")
"""The protocols with ports; `all` is every protocol and port (AWS's "-1")."""


def _check_ports(value: int | str) -> int | str:
    text = str(value)
    match = _PORTS_RE.match(text)
    if match is None:
        raise _invalid(
            f"{shown(value)} is not a port or a port range",
            hint='write one port (443) or a range "8000-8100"',
        )
    low = int(match.group(1))
    high = int(match.group(2) or low)
    for port in (low, high):
        if port > 65535:
            raise _invalid(f"port {port} is out of range", hint="ports are 0 to 65535")
    if low > high:
        raise _invalid(
            f"the port range {text!r} ends before it starts",
            hint=f'write it lowest first: "{high}-{low}"',
        )
    return value


Ports = Annotated[StrictInt | StrictStr, AfterValidator(_check_ports)]


class Allow(_Model):
    """Inbound traffic one side of a link lets in from its peer: security group rules
    added to a group the side already has (`existing.security_groups`)."""

    to: Name = Field(
        description="The VPC whose security group lets the traffic in: a side of the link "
        "(for meshes and hubs, a member: every link of it gets the rule)."
    )
    group: Name = Field(
        description="Name of that VPC's security group (a key of its `existing.security_groups`)."
    )
    protocol: Literal["tcp", "udp", "icmp", "icmpv6", "all"] = Field(
        description="tcp, udp, icmp, icmpv6, or all (every protocol and port)."
    )
    ports: Ports | None = Field(
        default=None,
        description='One port (443) or a range ("8000-8100"); required for tcp and udp, '
        "not allowed for other protocols (icmp allows every type).",
    )
    peer_group: Name | None = Field(
        default=None,
        description="A security group of the peer (a key of its `existing.security_groups`) "
        "to allow, by reference; omit to allow the peer's CIDR blocks (IPv6 too where both "
        "sides have IPv6). Not across regions.",
    )

    @model_validator(mode="after")
    def _ports_fit_protocol(self) -> Allow:
        if self.protocol in _PORTED and self.ports is None:
            raise ValueError(
                f'protocol {self.protocol!r} needs `ports`: one port (443) or a range ("8000-8100")'
            )
        if self.protocol not in _PORTED and self.ports is not None:
            raise ValueError(
                f"protocol {self.protocol!r} takes no `ports` (only tcp and udp have ports); "
                "remove `ports`"
            )
        return self

    @property
    def port_range(self) -> tuple[int, int] | None:
        """``(from, to)`` for tcp and udp, ``(-1, -1)`` (every type) for icmp and icmpv6,
        None for all."""
        if self.ports is None:
            return None if self.protocol == "all" else (-1, -1)
        low, _, high = str(self.ports).partition("-")
        return int(low), int(high or low)


_ALLOW_FIELD = "Security group rules: inbound traffic a side lets in from its peer."


class ExistingPeering(_Model):
    """A peering connection that already exists: peerstack imports it (and its routes) and
    manages it from then on, recreating nothing."""

    peering_id: Annotated[StrictStr, AfterValidator(_check_pcx_id)] = Field(
        description="The connection's id, e.g. 'pcx-0123456789abcdef0'; it must join the "
        "link's two VPCs, requester and accepter as declared."
    )
    routes_exist: StrictBool = Field(
        default=True,
        description="The link's planned routes exist already and are imported (true), or "
        "do not exist yet and are created (false). Set it to false after the first deploy "
        "before adding routes to the link.",
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
    allow: list[Allow] = Field(default_factory=list, description=_ALLOW_FIELD)
    existing: ExistingPeering | None = Field(
        default=None,
        description="Adopt an existing peering connection between the two (adopted) VPCs "
        "instead of requesting one.",
    )
    tags: Tags = Field(default_factory=dict, description="Extra tags for this link's resources.")


class Mesh(_Model):
    """Every member peered with every other member (the alphabetically first requests)."""

    name: Name = Field(
        description="Mesh name, shown in messages and in the plan (where each link comes from)."
    )
    members: list[Name] = Field(min_length=2, description="VPC names; at least two.")
    dns_resolution: StrictBool | None = Field(
        default=None, description="Remote DNS resolution; defaults to `defaults.dns_resolution`."
    )
    allow: list[Allow] = Field(
        default_factory=list,
        description=_ALLOW_FIELD + " `to` names a member; each of its links gets the rules.",
    )
    existing: dict[StrictStr, ExistingPeering] = Field(
        default_factory=dict,
        description="Existing connections to adopt, by link name ('a--b', the "
        "alphabetically first member requesting); both VPCs must be adopted.",
    )
    tags: Tags = Field(default_factory=dict, description="Extra tags for this mesh's links.")


class Spoke(_Model):
    """A spoke of a hub with its own routing or DNS: what a peering can say about its link."""

    vpc: Name = Field(description="The spoke VPC.")
    dns_resolution: StrictBool | None = Field(
        default=None, description="Remote DNS resolution; defaults to the hub's."
    )
    routes: dict[Name, RouteSpec] | None = Field(
        default=None,
        description="Per-side routing of this link, keyed by the hub's or the spoke's name, as "
        "in a peering; a side not named routes to the whole peer from every route table.",
    )


def _spoke_kind(value: Any) -> str:
    return "[spoke]" if isinstance(value, Mapping | Spoke) else "[name]"


# One branch is validated, chosen by the shape written, so a wrong spoke gets one error
# (not one per branch). Tags in brackets stay out of the path users read.
SpokeEntry = Annotated[
    Annotated[Name, Tag("[name]")] | Annotated[Spoke, Tag("[spoke]")],
    Discriminator(_spoke_kind),
]


class Hub(_Model):
    """One hub VPC peered with each spoke; spokes are not peered with each other."""

    hub: Name = Field(description="The hub VPC; it requests every link.")
    spokes: list[SpokeEntry] = Field(
        min_length=1,
        description="Spokes peered with the hub: a VPC name, or a mapping (`vpc`, `routes`, "
        "`dns_resolution`) for a link routed or resolved differently.",
    )
    name: Name | None = Field(
        default=None,
        description="Name shown in messages and in the plan; defaults to the hub's name.",
    )
    dns_resolution: StrictBool | None = Field(
        default=None, description="Remote DNS resolution; defaults to `defaults.dns_resolution`."
    )
    allow: list[Allow] = Field(
        default_factory=list,
        description=_ALLOW_FIELD + " `to` names the hub (a rule per spoke) or a spoke.",
    )
    existing: dict[Name, ExistingPeering] = Field(
        default_factory=dict,
        description="Existing connections to adopt, by spoke name (the hub requested "
        "them); the hub and those spokes must be adopted VPCs.",
    )
    tags: Tags = Field(default_factory=dict, description="Extra tags for this hub's links.")


class ExternalPeer(_Model):
    """A VPC outside the topology (a partner's, a managed service's such as MongoDB Atlas or
    Redis Cloud): peerstack never creates, reads or verifies it, and routes to it only."""

    name: Name = Field(
        description="Name of the peer in the plan, in route destinations (`to`) and in "
        "reachability; it must differ from every VPC name."
    )
    account_id: AccountId = Field(
        description="The 12-digit AWS account id that owns the peer VPC (quote it in YAML)."
    )
    region: Region = Field(description="AWS region of the peer VPC, e.g. 'us-east-1'.")
    cidrs: list[VpcCidr] = Field(
        min_length=1, description="The peer VPC's IPv4 blocks, as its owner gives them."
    )
    ipv6_cidrs: list[Ipv6Cidr] = Field(
        default_factory=list,
        description="The peer VPC's IPv6 blocks, if any (routed only when the accepting VPC "
        "has IPv6).",
    )


class Accept(_Model):
    """A peering connection that a party outside the organisation requested to one of our
    VPCs: peerstack accepts it and routes and sets options on our side only."""

    vpc: Name = Field(
        description="Our VPC that accepts the request; an adopted VPC (`existing`), since the "
        "request names its id."
    )
    peering_id: Annotated[StrictStr, AfterValidator(_check_pcx_id)] = Field(
        description="The id of the request the outside party made, e.g. "
        "'pcx-0123456789abcdef0'; it must be pending acceptance (or active) and join `vpc`."
    )
    peer: ExternalPeer = Field(description="The outside party's VPC.")
    routes: RouteSpec | None = Field(
        default=None,
        description="Our side's routes to the peer: `to` takes the peer's name (every block) "
        "or literal CIDRs inside it; `tables` our VPC's route tables. Omit for the whole peer "
        "from every route table.",
    )
    dns_resolution: StrictBool | None = Field(
        default=None,
        description="Remote DNS resolution for our side (the accepter's option); defaults to "
        "`defaults.dns_resolution`.",
    )
    tags: Tags = Field(
        default_factory=dict, description="Extra tags for the acceptance and its routes."
    )


def _quota(name: str) -> Any:
    quota = QUOTAS[name]
    limit = f" (AWS maximum {quota.maximum})" if quota.maximum is not None else ""
    return Field(
        default=quota.default,
        ge=1,
        le=quota.maximum,
        description=f"{quota.meaning}: the limit validated against; AWS default "
        f"{quota.default}{limit}. Raise it only after raising the quota in AWS "
        f"({quota.console_name!r}).",
    )


class Quotas(_Model):
    """Service quotas the plan is checked against (raise them after raising them in AWS)."""

    peerings_per_vpc: StrictInt = _quota("peerings_per_vpc")
    routes_per_table: StrictInt = _quota("routes_per_table")
    outstanding_requests_per_account: StrictInt = _quota("outstanding_requests_per_account")
    cidrs_per_vpc: StrictInt = _quota("cidrs_per_vpc")
    rules_per_security_group: StrictInt = _quota("rules_per_security_group")


class Topology(_Model):
    """A set of VPCs and the peering links between them.

    Top-level keys starting with ``x-`` are ignored, as in Compose files: a place to
    define YAML anchors (``x-base: &base {...}``) that entries merge in (``<<: *base``).
    """

    model_config = ConfigDict(
        json_schema_extra={
            "patternProperties": {
                "^x-": {"description": "Ignored by peerstack: a place for YAML anchors."}
            }
        }
    )

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
    accepts: list[Accept] = Field(
        default_factory=list,
        description="Peering requests from outside the organisation to accept (our side only).",
    )
    quotas: Quotas = Field(
        default_factory=Quotas, description="Service quotas to validate against."
    )

    _source: SourceMap = PrivateAttr(default_factory=SourceMap)
    _omitted: Omitted | None = PrivateAttr(default=None)
    """Set only on what is left of an invalid topology (see topology._salvage)."""

    @model_validator(mode="before")
    @classmethod
    def _ignore_extensions(cls, data: Any) -> Any:
        return without_extensions(data)

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Topology:
        """Validate plain data; raise :class:`TopologyError` (not pydantic's error)."""
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise TopologyError(
                problems_from_validation_error(exc, SourceMap(), root=Topology)
            ) from None

    @property
    def source(self) -> SourceMap:
        """Where each field was written (file and lines), when loaded from a file."""
        return self._source
