"""CIDR arithmetic: more specific, minus, overlaps; across families nothing relates."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerstack._cidr import Span, aws_network, minus, more_specific, overlaps, subnet_ipv6_block


def net(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(text)


def test_more_specific_needs_a_longer_prefix_inside() -> None:
    assert more_specific(net("10.0.1.0/24"), net("10.0.0.0/16"))
    assert not more_specific(net("10.0.0.0/16"), net("10.0.0.0/16"))
    assert not more_specific(net("10.0.0.0/16"), net("10.0.1.0/24"))
    assert not more_specific(net("10.1.0.0/24"), net("10.0.0.0/16"))
    assert not more_specific(net("::/64"), net("0.0.0.0/0"))


def test_families_never_overlap() -> None:
    assert not overlaps(net("::/0"), net("0.0.0.0/0"))
    assert not Span.of(net("::/0")).overlaps(Span.of(net("0.0.0.0/0")))


def test_spans_overlap_when_they_share_an_address() -> None:
    assert Span.of(net("10.0.0.0/24")).overlaps(Span.of(net("10.0.0.128/25")))
    assert not Span.of(net("10.0.0.0/24")).overlaps(Span.of(net("10.0.1.0/24")))


def test_aws_network_clears_host_bits() -> None:
    assert str(aws_network("10.0.0.1/16")) == "10.0.0.0/16"


def test_minus_leaves_what_no_inner_span_covers() -> None:
    outer = Span.of(net("10.0.0.0/16"))
    halves = [Span.of(net("10.0.128.0/17")), Span.of(net("10.0.0.0/17"))]
    assert minus(outer, halves) == []
    parts = minus(outer, [Span.of(net("10.0.1.0/24")), Span.of(net("192.168.0.0/16"))])
    assert parts == [
        Span(4, int(ipaddress.IPv4Address("10.0.0.0")), int(ipaddress.IPv4Address("10.0.0.255"))),
        Span(4, int(ipaddress.IPv4Address("10.0.2.0")), int(ipaddress.IPv4Address("10.0.255.255"))),
    ]
    assert minus(outer, [Span.of(net("::/0"))]) == [outer]


blocks = st.builds(
    lambda address, prefix: ipaddress.IPv4Network((address, prefix), strict=False),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=8, max_value=32),
)


@given(blocks, st.lists(blocks, max_size=6))
def test_minus_agrees_with_address_exclude(outer: ipaddress.IPv4Network, inner: list) -> None:
    """What ``minus`` leaves is exactly what ipaddress's exclusion leaves."""
    expected = [outer]
    for cut in inner:
        rest: list[ipaddress.IPv4Network] = []
        for part in expected:
            if not part.overlaps(cut):
                rest.append(part)
            elif cut.supernet_of(part):
                continue
            else:
                rest.extend(part.address_exclude(cut))
        expected = rest
    covered = sum(p.num_addresses for p in expected)
    parts = minus(Span.of(outer), [Span.of(c) for c in inner])
    assert sum(p.last - p.first + 1 for p in parts) == covered
    for span in parts:
        assert not any(Span.of(c).overlaps(span) for c in inner)


def test_subnet_ipv6_block_is_the_indexed_64_of_the_vpc_block() -> None:
    assert subnet_ipv6_block("2600:1f18:0:5600::/56", 0) == "2600:1f18:0:5600::/64"
    assert subnet_ipv6_block("2600:1f18:0:5600::/56", 3) == "2600:1f18:0:5603::/64"
    assert subnet_ipv6_block("2600:1f18:0:5600::/56", 255) == "2600:1f18:0:56ff::/64"
    assert subnet_ipv6_block("2600:1f18::/48", 256) == "2600:1f18:0:100::/64"


def test_subnet_ipv6_block_refuses_an_index_outside_the_block() -> None:
    with pytest.raises(ValueError, match=r"has 256 /64 blocks \(indexes 0 to 255\), not 256"):
        subnet_ipv6_block("2600:1f18:0:5600::/56", 256)
    with pytest.raises(ValueError, match="not an IPv6 block"):
        subnet_ipv6_block("10.0.0.0/16", 0)
