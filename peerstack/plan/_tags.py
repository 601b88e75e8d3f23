"""The final tags of every resource peerstack registers, and AWS's limits checked on them.

The planner builds each resource's whole tag set here, once: the topology's tags
(``defaults.tags`` and the object's own) and peerstack's (:class:`TagKey`). Components
pass these sets through unchanged, so what validates is exactly what deploys; verify,
iam and the benchmarks recognise peerstack's resources by the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from peerstack._facts.tags import (
    MAX_TAG_KEY,
    MAX_TAG_VALUE,
    MAX_TAGS,
    TagKey,
    bounded_value,
    is_own_key,
)
from peerstack.plan._context import Context
from peerstack.plan._links import Declared
from peerstack.plan.model import (
    AcceptPlan,
    LinkPlan,
    SecurityGroupPlan,
    SecurityRulePlan,
    VpcPlan,
)
from peerstack.topology import FieldPath

__all__ = ["Tagged", "TaggedPlan", "Tagger", "check_tags", "tag_everything"]

Tags = dict[str, str]

_TOPOLOGY = TagKey.TOPOLOGY.value
_VPC = TagKey.VPC.value
_LINK = TagKey.LINK.value
_SIDE = TagKey.SIDE.value
_TABLE = TagKey.ROUTE_TABLE.value
_GROUP = TagKey.SECURITY_GROUP.value
_RULE = TagKey.RULE.value
_NAME = TagKey.NAME.value


class Tagger:
    """Builds the final tags of each kind of resource of one topology.

    ``user`` is always the topology's tags for the object (``defaults.tags`` merged with
    the object's own ``tags``), which cannot hold peerstack's keys (the models refuse
    them). ``Name`` is ``<topology>-<what>``, bounded to AWS's 256 characters.
    """

    def __init__(self, topology: str) -> None:
        self.topology = topology

    def _name(self, *parts: str) -> str:
        return bounded_value("-".join((self.topology, *parts)))

    def vpc(self, vpc: str, user: Mapping[str, str]) -> Tags:
        return {**user, _TOPOLOGY: self.topology, _VPC: vpc, _NAME: self._name(vpc)}

    def subnet(self, vpc: str, subnet: str, user: Mapping[str, str]) -> Tags:
        return {**self.vpc(vpc, user), _NAME: self._name(vpc, subnet)}

    def route_table(self, vpc: str, table: str, user: Mapping[str, str]) -> Tags:
        return {**self.vpc(vpc, user), _TABLE: table, _NAME: self._name(vpc, table)}

    def security_group(
        self, vpc: str, group: str, group_name: str, user: Mapping[str, str]
    ) -> Tags:
        return {**self.vpc(vpc, user), _GROUP: group, _NAME: bounded_value(group_name)}

    def egress_rule(self, group_tags: Mapping[str, str]) -> Tags:
        return {**group_tags, _NAME: bounded_value(f"{group_tags[_NAME]}-egress")}

    def connection(self, link: str, side: str, user: Mapping[str, str]) -> Tags:
        """A connection (``requester``) or its acceptance (``accepter``)."""
        return {
            **user,
            _TOPOLOGY: self.topology,
            _LINK: link,
            _NAME: self._name(link),
            _SIDE: side,
        }

    def security_rule(self, link: str, vpc: str, key: str, user: Mapping[str, str]) -> Tags:
        return {
            **user,
            _TOPOLOGY: self.topology,
            _LINK: link,
            _NAME: self._name(key),
            _VPC: vpc,
            _RULE: bounded_value(key),
        }


@dataclass(frozen=True, slots=True)
class Tagged:
    """One resource's final tags, and where the topology's part of them was written."""

    path: FieldPath
    """The ``tags`` the object's own tags come from (``vpcs.a.tags``, ``meshes[0].tags``)."""
    what: str
    """What the resource is, for a message: ``the route tables of VPC 'a'``."""
    tags: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class TaggedPlan:
    """The plan's objects with their final tags."""

    vpcs: dict[str, VpcPlan]
    links: list[tuple[Declared, LinkPlan]]
    groups: list[SecurityGroupPlan]
    rules: list[SecurityRulePlan]
    accepts: list[tuple[FieldPath, AcceptPlan]]


def tag_everything(
    ctx: Context,
    vpcs: Mapping[str, VpcPlan],
    links: Sequence[tuple[Declared, LinkPlan]],
    groups: Sequence[SecurityGroupPlan],
    rules: Sequence[SecurityRulePlan],
    accepts: Sequence[tuple[FieldPath, AcceptPlan]],
) -> TaggedPlan:
    """Every object with the final tags of the resources it stands for, and AWS's limits
    checked on them. The objects come with the topology's tags for them (``tags``:
    ``defaults.tags`` merged with their own), which this replaces."""
    tagger = Tagger(ctx.topology.name)
    user_of_link = {link.name: declared for declared, link in links}
    tagged = TaggedPlan(
        vpcs={name: _tag_vpc(tagger, vpc) for name, vpc in vpcs.items()},
        links=[(declared, _tag_link(tagger, link)) for declared, link in links],
        groups=[_tag_group(tagger, group, vpcs[group.vpc]) for group in groups],
        rules=[
            replace(
                rule,
                tags=tagger.security_rule(
                    rule.link, rule.vpc, rule.key, user_of_link[rule.link].tags
                ),
            )
            for rule in rules
        ],
        accepts=[
            (where, replace(a, tags=tagger.connection(a.name, "accepter", a.tags)))
            for where, a in accepts
        ],
    )
    check_tags(ctx, _resources(tagged, user_of_link))
    return tagged


def _tag_vpc(tagger: Tagger, vpc: VpcPlan) -> VpcPlan:
    if not vpc.managed:
        return replace(vpc, tags={})  # adopted: peerstack never tags it
    user = vpc.tags
    return replace(
        vpc,
        tags=tagger.vpc(vpc.name, user),
        route_table_tags={
            table: tagger.route_table(vpc.name, table, user) for table in vpc.named_route_tables
        },
        subnets=tuple(replace(s, tags=tagger.subnet(vpc.name, s.name, user)) for s in vpc.subnets),
    )


def _tag_link(tagger: Tagger, link: LinkPlan) -> LinkPlan:
    if link.adopted:
        # The connection and its acceptance exist: their owners' tags stay as they are.
        return replace(link, tags={}, accepter_tags={})
    user = link.tags
    return replace(
        link,
        tags=tagger.connection(link.name, "requester", user),
        accepter_tags=tagger.connection(link.name, "accepter", user) if link.needs_accepter else {},
    )


def _tag_group(tagger: Tagger, group: SecurityGroupPlan, vpc: VpcPlan) -> SecurityGroupPlan:
    tags = tagger.security_group(vpc.name, group.name, group.group_name, vpc.tags)
    return replace(group, tags=tags, egress_tags=tagger.egress_rule(tags))


def _resources(tagged: TaggedPlan, declared: Mapping[str, Declared]) -> Iterator[Tagged]:
    """Every tagged resource, with where its topology tags were written."""
    for vpc in tagged.vpcs.values():
        if not vpc.managed:
            continue
        path: FieldPath = ("vpcs", vpc.name, "tags")
        yield Tagged(path, f"VPC {vpc.name!r}", vpc.tags)
        for subnet in vpc.subnets:
            yield Tagged(path, f"subnet {subnet.name!r} of VPC {vpc.name!r}", subnet.tags)
        for table, tags in vpc.route_table_tags.items():
            yield Tagged(path, f"route table {table!r} of VPC {vpc.name!r}", tags)
    for group in tagged.groups:
        path = ("vpcs", group.vpc, "tags")
        what = f"security group {group.name!r} of VPC {group.vpc!r}"
        yield Tagged(path, what, group.tags)
        yield Tagged(path, f"the egress rules of {what}", group.egress_tags)
    for found, link in tagged.links:
        # A mesh's or hub's tags go on each of its links: one place for them all.
        path = (*found.path[:2], "tags")
        yield Tagged(path, f"link {link.name!r}", link.tags)
        yield Tagged(path, f"the acceptance of link {link.name!r}", link.accepter_tags)
    for rule in tagged.rules:
        path = (*declared[rule.link].path[:2], "tags")
        yield Tagged(path, f"the security group rules of link {rule.link!r}", rule.tags)
    for where, accept in tagged.accepts:
        yield Tagged((*where, "tags"), f"the acceptance {accept.name!r}", accept.tags)


def check_tags(ctx: Context, resources: Iterable[Tagged]) -> None:
    """AWS's tag limits, on the final tag set of every resource: at most 50 tags, keys of
    at most 128 characters and values of at most 256.

    One problem per place the tags were written: the resource with the most tags speaks
    for the others there. Where ``defaults.tags`` alone, with peerstack's own, are too
    many for some resource, that is the one problem.
    """
    defaults = len(ctx.topology.defaults.tags)
    worst: dict[FieldPath, Tagged] = {}
    most_own = 0
    over_by_defaults = False
    for resource in resources:
        _check_lengths(ctx, resource)
        own = sum(1 for key in resource.tags if is_own_key(key))
        if len(resource.tags) <= MAX_TAGS:
            continue
        most_own = max(most_own, own)
        if defaults + own > MAX_TAGS:
            over_by_defaults = True
            continue
        known = worst.get(resource.path)
        if known is None or len(resource.tags) > len(known.tags):
            worst[resource.path] = resource
    if over_by_defaults:
        ctx.error(
            ("defaults", "tags"),
            f"{_count(defaults)} here and the {most_own} peerstack adds make "
            f"{defaults + most_own}; AWS allows {MAX_TAGS} per resource",
            hint=f"keep at most {MAX_TAGS - most_own} tags in `defaults.tags`",
        )
        return  # every resource of that kind is over; one problem says it
    for path, resource in worst.items():
        own_keys = [key for key in resource.tags if is_own_key(key)]
        count = len(resource.tags)
        ctx.error(
            path,
            f"{resource.what} would carry {count} tags: {count - len(own_keys)} from the "
            f"topology and the {len(own_keys)} peerstack adds ({', '.join(own_keys)}); "
            f"AWS allows {MAX_TAGS} per resource",
            hint=f"remove {_count(count - MAX_TAGS)} here or from `defaults.tags`",
        )


def _check_lengths(ctx: Context, resource: Tagged) -> None:
    """The topology's keys and values are checked where they are written; peerstack's own
    values are built within the limits. This holds both for the sets as registered."""
    for key, value in resource.tags.items():
        if len(key) > MAX_TAG_KEY or len(value) > MAX_TAG_VALUE:
            ctx.error(
                resource.path,
                f"{resource.what} would carry the tag {key[:40]!r} with a "
                f"{len(key)}-character key and a {len(value)}-character value; AWS allows "
                f"{MAX_TAG_KEY} and {MAX_TAG_VALUE}",
                hint="shorten the names the tag is made of",
            )


def _count(n: int) -> str:
    return f"{n} tag{'s' if n != 1 else ''}"
