"""Security groups and their rules: each group peerstack creates is there; in every group
peerstack manages rules in, each planned rule (inbound, and the egress rules of the
groups it creates) is there exactly, and every other rule carrying this topology's tags
is reported.

Rules are matched by what they are (protocol, ports, source or destination), never by
their tags: a tag can be copied onto any rule, so a rule whose shape is not planned is
changed (it carries the key of a planned rule that is otherwise missing) or unexpected,
even if a correct copy exists beside it. A rule without this topology's tags is someone
else's, and never reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from peerstack._facts.tags import TagKey
from peerstack.plan.model import Plan, SecurityGroupPlan, SecurityRulePlan
from peerstack.verify._checks import normal
from peerstack.verify._match import Match
from peerstack.verify._result import Difference, DifferenceKind
from peerstack.verify._snapshot import SecurityRuleSnapshot

__all__ = ["check_security", "planned_rule_tag", "rules_checked"]

Shape = tuple[str, int, int, str]
"""(protocol, from port, to port, source or destination) as AWS describes a rule."""

ALL = "-1"


def rules_checked(plan: Plan) -> int:
    """The planned rules verify looks for: inbound ones, and the created groups' egress."""
    return len(plan.security_rules) + sum(len(g.egress) for g in plan.security_groups)


def planned_rule_tag(rule: SecurityRulePlan) -> str:
    """The ``peerstack:rule`` tag a planned rule carries in AWS: from the plan's final tags
    (a long key is bounded to fit AWS's limit); its key for a hand-built plan without."""
    return rule.tags.get(TagKey.RULE, rule.key)


def check_security(m: Match) -> Iterator[Difference]:
    yield from _groups(m)
    yield from _ingress(m)
    yield from _egress(m)


def _groups(m: Match) -> Iterator[Difference]:
    """Each group the plan creates is in its VPC."""
    for group in m.plan.security_groups:
        found_vpc = m.vpcs.get(group.vpc)
        if found_vpc is None or m.created_group_id(group.vpc, group.name) is not None:
            continue  # a missing VPC is reported as such
        yield Difference(
            DifferenceKind.SECURITY_GROUP_MISSING,
            f"{group.vpc}/{group.name}",
            f"security group {group.name!r} ({group.group_name}) is not in "
            f"{group.vpc!r} ({found_vpc.id}): it was deleted outside peerstack, and "
            "its rules with it; `peerstack refresh`, then `peerstack up` create it again",
            group.group_name,
            "missing",
        )


# -- pairing what is planned with what is found --------------------------------------------


@dataclass(slots=True)
class _Pairing:
    """How the rules found in one group pair with the rules planned in it."""

    missing: list[int] = field(default_factory=list)
    """Planned rules (by position) that no rule found is."""
    changed: dict[int, SecurityRuleSnapshot] = field(default_factory=dict)
    """Planned rule -> the rule of ours that claims to be it but allows something else."""
    unexpected: list[SecurityRuleSnapshot] = field(default_factory=list)


def _pair(
    wanted: Sequence[frozenset[Shape]],
    found: Iterable[SecurityRuleSnapshot],
    claims: Callable[[SecurityRuleSnapshot], int | None],
    ours: Callable[[SecurityRuleSnapshot], bool],
) -> _Pairing:
    """Pair each planned rule (``wanted``: the shapes it may have) with one rule found of
    one of its shapes; ``claims`` says which planned rule a rule found claims to be (by
    its tags), ``ours`` whether it is this topology's at all."""
    remaining = sorted(found, key=lambda r: r.id)
    unmatched: list[int] = []
    for index, shapes in enumerate(wanted):
        hits = [r for r in remaining if _shape(r) in shapes]
        if hits:
            remaining.remove(next((r for r in hits if claims(r) == index), hits[0]))
        else:
            unmatched.append(index)
    pairing = _Pairing()
    for rule in remaining:
        if not ours(rule):
            continue
        claimed = claims(rule)
        if claimed is not None and claimed in unmatched and claimed not in pairing.changed:
            pairing.changed[claimed] = rule
        else:
            pairing.unexpected.append(rule)
    pairing.missing = [i for i in unmatched if i not in pairing.changed]
    return pairing


def _shape(rule: SecurityRuleSnapshot) -> Shape:
    return (rule.protocol, rule.from_port, rule.to_port, _peer(rule))


def _peer(rule: SecurityRuleSnapshot) -> str:
    if rule.referenced_group_id is not None:
        return f"{rule.referenced_account_id}/{rule.referenced_group_id}"
    return rule.cidr or ""


def _describe(protocol: str, low: int | None, high: int | None, peer: str, to: str) -> str:
    name = "all traffic" if protocol == ALL else protocol
    if low is None or low == -1:
        ports = ""
    elif low == high:
        ports = f" {low}"
    else:
        ports = f" {low}-{high}"
    return f"{name}{ports} {to} {peer}"


def _allows(rule: SecurityRuleSnapshot) -> str:
    """What a rule found lets in (or out)."""
    direction = "to" if rule.egress else "from"
    return _describe(rule.protocol, rule.from_port, rule.to_port, _peer(rule), direction)


# -- inbound rules -------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """The planned inbound rules of one group found, and what is known of their shapes."""

    rules: list[SecurityRulePlan] = field(default_factory=list)
    shapes: list[frozenset[Shape]] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)
    """Tags of planned rules whose shape depends on a VPC or group not found: rules that
    carry them are not judged."""


def _ingress(m: Match) -> Iterator[Difference]:
    unexpected: list[SecurityRuleSnapshot] = []
    outcome: dict[SecurityRulePlan, Difference] = {}
    for group_id, group in _planned_groups(m).items():
        pairing = _pair_group(m, group_id, group)
        for index in pairing.missing:
            rule = group.rules[index]
            outcome[rule] = _missing(rule, group_id, group.shapes[index])
        for index, rule_found in pairing.changed.items():
            outcome[group.rules[index]] = _changed(group.rules[index], group_id, rule_found)
        unexpected += pairing.unexpected
    for rule in m.plan.security_rules:  # in the plan's order
        if rule in outcome:
            yield outcome[rule]
    for rule_found in sorted(unexpected, key=lambda r: r.id):
        yield _unexpected(m, rule_found)


def _pair_group(m: Match, group_id: str, group: _Group) -> _Pairing:
    tags = {planned_rule_tag(rule): i for i, rule in enumerate(group.rules)}
    return _pair(
        group.shapes,
        m.snapshot.rules_of(group_id),
        lambda r: tags.get(r.tags.get(TagKey.RULE, "")),
        lambda r: _ours(m, r) and r.tags.get(TagKey.RULE) not in group.unknown,
    )


def _ours(m: Match, rule: SecurityRuleSnapshot) -> bool:
    return rule.tags.get(TagKey.TOPOLOGY) == m.plan.topology


def _planned_groups(m: Match) -> dict[str, _Group]:
    """Group id -> its planned inbound rules, for every group found that peerstack manages
    rules in (a created group with none still holds no rule of ours)."""
    groups: dict[str, _Group] = {}
    for created in m.plan.security_groups:
        group_id = m.created_group_id(created.vpc, created.name)
        if group_id is not None:
            groups[group_id] = _Group()
    for rule in m.plan.security_rules:
        if rule.vpc not in m.vpcs:
            continue  # reported as a missing (or undecided) VPC
        group_id = rule.group_id or m.created_group_id(rule.vpc, rule.group)
        if group_id is None:
            continue  # reported as a missing group
        group = groups.setdefault(group_id, _Group())
        shapes = _shapes(m, rule)
        if shapes is None:
            group.unknown.add(planned_rule_tag(rule))
            continue
        group.rules.append(rule)
        group.shapes.append(shapes)
    return groups


def _shapes(m: Match, rule: SecurityRulePlan) -> frozenset[Shape] | None:
    """What a planned rule may look like in AWS; a deferred IPv6 source is any block of
    the peer as found. None when that depends on a VPC or group that was not found."""
    low = -1 if rule.from_port is None else rule.from_port
    high = -1 if rule.to_port is None else rule.to_port
    if rule.peer_group is not None:
        source = _referenced(m, rule)
        return None if source is None else frozenset({(rule.protocol, low, high, source)})
    assert rule.cidr is not None  # one of the two is set
    if rule.ipv6_of is None:
        return frozenset({(rule.protocol, low, high, normal(rule.cidr))})
    peer = m.vpcs.get(rule.ipv6_of)
    if peer is None:
        return None
    return frozenset((rule.protocol, low, high, block) for block in peer.ipv6_cidrs)


def _referenced(m: Match, rule: SecurityRulePlan) -> str | None:
    """``account/sg-...`` of the group a rule lets in; None when it was not found."""
    assert rule.peer_group is not None
    owner = m.plan.vpc(rule.peer).account_id
    if rule.referenced_group_id is not None:
        prefix, _, group = rule.referenced_group_id.rpartition("/")
        return f"{prefix or owner}/{group}"
    found = m.created_group_id(rule.peer, rule.peer_group)
    return None if found is None else f"{owner}/{found}"


def _subject(rule: SecurityRulePlan) -> str:
    return f"{rule.vpc}/{rule.group} <- {rule.source} {rule.protocol_name} {rule.ports}"


def _expected(rule: SecurityRulePlan) -> str:
    return _describe(rule.protocol, rule.from_port, rule.to_port, rule.source, "from")


def _missing(rule: SecurityRulePlan, group_id: str, shapes: frozenset[Shape]) -> Difference:
    if not shapes:  # a deferred IPv6 source, and the peer has no IPv6 block
        return Difference(
            DifferenceKind.SECURITY_RULE_MISSING,
            _subject(rule),
            f"{rule.ipv6_of!r} has no IPv6 block for {rule.group!r} of {rule.vpc!r} to allow",
            "an IPv6 block",
            "none",
        )
    return Difference(
        DifferenceKind.SECURITY_RULE_MISSING,
        _subject(rule),
        f"{rule.group!r} ({group_id}) of {rule.vpc!r} has no rule that allows "
        f"{_expected(rule)} over {rule.link!r}: that traffic is refused; `peerstack refresh`, "
        "then `peerstack up` add it again",
        _expected(rule),
        "missing",
    )


def _changed(rule: SecurityRulePlan, group_id: str, found: SecurityRuleSnapshot) -> Difference:
    return Difference(
        DifferenceKind.SECURITY_RULE_CHANGED,
        _subject(rule),
        f"rule {found.id} of {rule.group!r} ({group_id}) in {rule.vpc!r} was changed "
        f"outside peerstack: it allows {_allows(found)}, the plan {_expected(rule)}; "
        "`peerstack refresh`, then `peerstack up` set it back",
        _expected(rule),
        _allows(found),
    )


def _unexpected(m: Match, found: SecurityRuleSnapshot) -> Difference:
    key = found.tags.get(TagKey.RULE)
    planned = {planned_rule_tag(rule) for rule in m.plan.security_rules}
    if key is not None and key in planned:
        why = (
            f"carries the tags of the planned rule {key!r}, but no rule of the plan allows "
            f"{_allows(found)}: revoke it"
        )
    else:
        what = f" ({key})" if key is not None else ""
        why = (
            f"is tagged as this topology's{what} but the plan has no such rule; it allows "
            f"{_allows(found)}: revoke it, or add its `allow` entry back"
        )
    return Difference(
        DifferenceKind.SECURITY_RULE_UNEXPECTED,
        f"{found.group_id} {found.id}",
        f"{'egress ' if found.egress else ''}rule {found.id} of {found.group_id} {why}",
        "no rule",
        _allows(found),
    )


# -- egress rules of the groups peerstack creates -----------------------------------------


def _egress(m: Match) -> Iterator[Difference]:
    """The allow-all egress rules peerstack adds back to each group it creates."""
    for group in m.plan.security_groups:
        group_id = m.created_group_id(group.vpc, group.name)
        if group_id is None:
            continue  # reported as a missing group (or VPC)
        families = [_family(d) for d in group.egress]

        def claims(rule: SecurityRuleSnapshot, families: list[int] = families) -> int | None:
            """A changed egress rule of ours stands for the planned one of its family."""
            family = _family(_peer(rule))
            return families.index(family) if family in families else None

        pairing = _pair(
            [frozenset({(ALL, -1, -1, normal(d))}) for d in group.egress],
            m.snapshot.rules_of(group_id, egress=True),
            claims,
            lambda r: _ours(m, r),
        )
        for index in pairing.missing:
            yield _egress_missing(group, group_id, group.egress[index])
        for index, rule_found in pairing.changed.items():
            yield _egress_changed(group, group_id, group.egress[index], rule_found)
        for rule_found in pairing.unexpected:
            yield _unexpected(m, rule_found)


def _family(block: str) -> int:
    return 6 if ":" in block else 4


def _egress_subject(group: SecurityGroupPlan, destination: str) -> str:
    return f"{group.vpc}/{group.name} -> {destination} all (egress)"


def _egress_missing(group: SecurityGroupPlan, group_id: str, destination: str) -> Difference:
    return Difference(
        DifferenceKind.SECURITY_RULE_MISSING,
        _egress_subject(group, destination),
        f"{group.name!r} ({group_id}) of {group.vpc!r} no longer lets everything out to "
        f"{destination}: connections its members open there are refused (replies to what "
        "it lets in still leave); `peerstack refresh`, then `peerstack up` add it again",
        f"all traffic to {destination}",
        "missing",
    )


def _egress_changed(
    group: SecurityGroupPlan, group_id: str, destination: str, found: SecurityRuleSnapshot
) -> Difference:
    return Difference(
        DifferenceKind.SECURITY_RULE_CHANGED,
        _egress_subject(group, destination),
        f"egress rule {found.id} of {group.name!r} ({group_id}) in {group.vpc!r} was "
        f"changed outside peerstack: it lets out {_allows(found)}, the plan all traffic to "
        f"{destination}; `peerstack refresh`, then `peerstack up` set it back",
        f"all traffic to {destination}",
        _allows(found),
    )
