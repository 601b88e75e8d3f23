"""The facts every layer reads: one table each, and the places that use them agree."""

from __future__ import annotations

import pytest

from peerstack._facts.peering import ENDED, NOT_FOUND, PeeringStatus, status_rank
from peerstack._facts.quotas import QUOTAS
from peerstack._facts.tags import MAX_TAG_VALUE, bounded_value, is_own_key
from peerstack.topology import Quotas


def test_the_quotas_models_validate_against_are_the_table() -> None:
    fields = Quotas.model_fields
    assert set(fields) == set(QUOTAS)
    for key, quota in QUOTAS.items():
        assert fields[key].default == quota.default
        assert quota.console_name in (fields[key].description or "")


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        (
            "vpcs: {a: {cidr: 10.0.0.0/16, secondary_cidrs: [10.1.0.0/16, 10.2.0.0/16]}}\n"
            "quotas: {cidrs_per_vpc: 2}",
            "cidrs_per_vpc",
        ),
        (
            "vpcs: {a: {cidr: 10.0.0.0/16}, b: {cidr: 10.1.0.0/16}, c: {cidr: 10.2.0.0/16}}\n"
            "meshes: [{name: m, members: [a, b, c]}]\nquotas: {peerings_per_vpc: 1}",
            "peerings_per_vpc",
        ),
    ],
)
def test_quota_hints_name_the_console_quota_and_the_maximum_of_the_table(
    problems_of, entry: str, key: str
) -> None:
    found = problems_of(entry)
    quota = QUOTAS[key]
    assert found and all(p.hint is not None for p in found)
    for problem in found:
        assert problem.hint is not None
        assert f"'{quota.console_name}'" in problem.hint
        assert f"(AWS maximum {quota.maximum})" in problem.hint


def test_peering_states_the_provider_cannot_find_have_ended() -> None:
    assert NOT_FOUND <= ENDED
    assert PeeringStatus.ACTIVE not in ENDED
    ranks = sorted(PeeringStatus, key=status_rank)
    assert ranks[0] is PeeringStatus.ACTIVE and ranks[-1] is PeeringStatus.DELETED


def test_long_tag_values_are_bounded_stably_and_distinctly() -> None:
    long = "x" * 300
    assert bounded_value("short") == "short"
    assert len(bounded_value(long)) == MAX_TAG_VALUE
    assert bounded_value(long) == bounded_value(long)
    assert bounded_value(long) != bounded_value(long + "y")
    assert bounded_value(long).startswith("x" * 200)


def test_peerstack_owns_name_and_its_prefix_in_any_case() -> None:
    assert is_own_key("Name") and is_own_key("peerstack:x") and is_own_key("PeerStack:vpc")
    assert not is_own_key("name") and not is_own_key("owner")
