"""Tags: AWS's limits hold for every resource peerstack creates, its own tags included."""

from __future__ import annotations

import pytest

from peerstack._facts.tags import TagKey


def _tags(count: int, prefix: str = "k") -> str:
    return "{" + ", ".join(f"{prefix}{i}: v" for i in range(count)) + "}"


def _topology(default_tags: int, *, vpc_tags: int = 0, mesh_tags: int = 0) -> str:
    return f"""
        name: t
        defaults: {{region: us-east-1, tags: {_tags(default_tags)}}}
        accounts: {{net: {{id: "111111111111"}}, prod: {{id: "222222222222"}}}}
        vpcs:
          a:
            cidr: 10.0.0.0/16
            account: net
            tags: {_tags(vpc_tags, "v")}
            subnets: [{{name: s, cidr: 10.0.1.0/24, az: a, route_table: private}}]
          b: {{cidr: 10.1.0.0/16, account: prod, region: eu-west-1}}
          c: {{cidr: 10.2.0.0/16, account: net}}
          old: {{account: net, existing: {{vpc_id: vpc-11111111, cidrs: [172.31.0.0/16]}}, tags: {_tags(49, "o")}}}
        meshes:
          - {{name: m, members: [a, b, c], tags: {_tags(mesh_tags, "m")}}}
        """


def test_48_default_tags_are_refused_before_deploy(problems_of) -> None:
    (p,) = problems_of(_topology(48))
    assert p.path == "defaults.tags" and p.line == 2
    assert p.message == (
        "48 tags here and the 4 peerstack adds make 52; AWS allows 50 per resource"
    )
    assert p.hint == "keep at most 46 tags in `defaults.tags`"


def test_a_vpc_and_a_mesh_over_the_limit_are_each_reported_once(problems_of) -> None:
    found = problems_of(_topology(40, vpc_tags=7, mesh_tags=7))
    assert [(p.path, p.message) for p in found] == [
        (
            "vpcs.a.tags",
            "route table 'private' of VPC 'a' would carry 51 tags: 47 from the topology and "
            "the 4 peerstack adds (peerstack:topology, peerstack:vpc, Name, "
            "peerstack:route-table); AWS allows 50 per resource",
        ),
        (
            "meshes[0].tags",
            "link 'a--b' would carry 51 tags: 47 from the topology and the 4 peerstack "
            "adds (peerstack:topology, peerstack:link, Name, peerstack:side); AWS allows 50 "
            "per resource",
        ),
    ]
    assert found[0].hint == "remove 1 tag here or from `defaults.tags`"


def test_at_the_limit_every_resource_carries_at_most_50_tags(plan_of) -> None:
    from peerstack.testing import run_mocked

    plan = plan_of(_topology(40, vpc_tags=6, mesh_tags=6))
    run = run_mocked(plan)
    tagged = [r for r in run.resources if "tags" in r.inputs]
    assert tagged
    assert max(len(r.inputs["tags"]) for r in tagged) == 50
    # Every key peerstack sets is one of its own, from the one table of keys.
    own = {key for r in tagged for key in r.inputs["tags"] if key[0] not in "kvm"}
    assert own <= {str(key) for key in TagKey}


_RULES = """
    name: t
    defaults: {{region: us-east-1, tags: {defaults}}}
    accounts: {{net: {{id: "111111111111"}}}}
    vpcs:
      a: {{cidr: 10.0.0.0/16, security_groups: [web]{vpc_tags}}}
      b: {{existing: {{vpc_id: vpc-11111111, cidrs: [10.1.0.0/16], security_groups: {{db: sg-11111111}}}}}}
    peerings:
      - requester: a
        accepter: b
        tags: {link_tags}
        allow:
          - {{to: b, group: db, protocol: tcp, ports: 5432}}
"""


def test_a_link_whose_security_group_rules_would_exceed_50_tags_is_refused(problems_of) -> None:
    # 46 tags: the connection (4 of peerstack's) has 50, its rule (5 of peerstack's) 51.
    (p,) = problems_of(_RULES.format(defaults="{}", vpc_tags="", link_tags=_tags(46)))
    assert p.path == "peerings[0].tags"
    assert p.message.startswith(
        "the security group rules of link 'a--b' would carry 51 tags: 46 from the topology "
        "and the 5 peerstack adds"
    )


def test_a_vpc_whose_created_group_would_exceed_50_tags_is_refused(problems_of) -> None:
    # 47 tags: the VPC (3 of peerstack's) has 50, its security group (4) 51.
    (p,) = problems_of(
        _RULES.format(defaults="{}", vpc_tags=", tags: " + _tags(47), link_tags="{}")
    )
    assert p.path == "vpcs.a.tags"
    assert p.message.startswith("security group 'web' of VPC 'a' would carry 51 tags")


def test_default_tags_count_against_the_resource_with_most_of_peerstacks(problems_of) -> None:
    (p,) = problems_of(_RULES.format(defaults=_tags(46), vpc_tags="", link_tags="{}"))
    assert p.path == "defaults.tags"
    assert p.message == "46 tags here and the 5 peerstack adds make 51; AWS allows 50 per resource"


@pytest.mark.parametrize(
    "key", ["peerstack:security-group", "peerstack:anything", "PeerStack:vpc", "Name"]
)
def test_peerstacks_own_keys_cannot_be_set(problems_of, key: str) -> None:
    (p,) = problems_of(
        _RULES.format(defaults="{" + f"'{key}': x" + "}", vpc_tags="", link_tags="{}")
    )
    assert p.path == f"defaults.tags['{key}']" or p.path == f"defaults.tags.{key}"
    assert "is set by peerstack" in p.message


def test_long_names_stay_within_256_characters_stable_and_readable(plan_of) -> None:
    group = "g" * 60
    text = f"""
        name: {"t" * 60}
        defaults: {{region: us-east-1}}
        accounts: {{net: {{id: "111111111111"}}}}
        vpcs:
          {"a" * 60}: {{cidr: 10.0.0.0/16, security_groups: [{group}]}}
          {"b" * 60}: {{cidr: 10.1.0.0/16, security_groups: [{group}]}}
        peerings:
          - requester: {"a" * 60}
            accepter: {"b" * 60}
            allow:
              - {{to: {"b" * 60}, group: {group}, protocol: tcp, ports: 40000-40001, peer_group: {group}}}
        """
    plan = plan_of(text)
    (rule,) = plan.security_rules
    assert len(rule.key) > 256
    for value in (rule.tags["Name"], rule.tags["peerstack:rule"]):
        assert len(value) == 256
        assert value.startswith(f"{'t' * 60}-" if value is rule.tags["Name"] else rule.key[:200])
    assert rule.tags["peerstack:rule"] != rule.key
    assert plan_of(text).security_rules[0].tags == rule.tags  # the same every time


@pytest.mark.parametrize(
    ("tags", "path", "message"),
    [
        ("{'': x}", "defaults.tags['']", "a tag key cannot be empty"),
        (
            "{" + "k" * 129 + ": x}",
            "defaults.tags." + "k" * 129,
            "characters long; AWS allows at most 128",
        ),
        (
            "{k: " + "v" * 257 + "}",
            "defaults.tags.k",
            "is 257 characters long; AWS allows at most 256",
        ),
        ("{'aws:owner': x}", "defaults.tags['aws:owner']", "starts with 'aws:'"),
        ("{'AwS:owner': x}", "defaults.tags['AwS:owner']", "starts with 'aws:'"),
        ("{Name: x}", "defaults.tags.Name", "is set by peerstack on every resource"),
        ("{'peerstack:vpc': x}", "defaults.tags['peerstack:vpc']", "is set by peerstack"),
        ('{k: "a\\tb"}', "defaults.tags.k", "contains a control character"),
    ],
)
def test_tag_keys_and_values(problems_of, tags: str, path: str, message: str) -> None:
    found = problems_of(f"""
        name: t
        defaults: {{region: us-east-1, tags: {tags}}}
        accounts: {{net: {{id: "111111111111"}}}}
        vpcs: {{a: {{cidr: 10.0.0.0/16}}}}
        """)
    assert [p.path for p in found] == [path]
    assert message in found[0].message
