"""Names, account specs and YAML scalars: each reads back as what it stands for."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from peerstack.discover import parse_account
from peerstack.discover._names import choose_names, slug
from peerstack.discover._yaml import render, scalar
from peerstack.errors import TopologyError
from peerstack.topology import topology_from_data


@given(st.text(max_size=120))
def test_a_slug_is_a_valid_name_or_nothing(text: str) -> None:
    name = slug(text)
    if name:
        topology_from_data({"name": name, "accounts": {name: {"id": "111111111111"}}, "vpcs": {}})


def test_slugs_read_well() -> None:
    assert slug("Prod VPC (eu) -- main") == "prod-vpc-eu-main"
    assert slug("___") == "" and slug("rtb-0123456789abcdef0") == "rtb-0123456789abcdef0"
    assert len(slug("x" * 300)) == 64


def test_colliding_names_get_their_ids_and_stay_unique() -> None:
    chosen = choose_names(
        [("vpc-0a", "web"), ("vpc-0b", "Web"), ("vpc-0c", None), ("vpc-0d", "main")],
        taken=["main"],
    )
    assert chosen.names == {
        "vpc-0a": "web-0a",
        "vpc-0b": "web-0b",
        "vpc-0c": "vpc-0c",
        "vpc-0d": "main-0d",
    }
    assert chosen.collisions == {"web": ("vpc-0a", "vpc-0b"), "main": ("vpc-0d",)}


@given(st.text(max_size=40) | st.booleans() | st.integers())
def test_scalars_read_back_as_written(value: object) -> None:
    assert yaml.safe_load(f"key: {scalar(value)}")["key"] == value


def test_scalars_are_plain_when_they_can_be() -> None:
    assert scalar("10.0.0.0/16") == "10.0.0.0/16"
    assert scalar("111111111111") == '"111111111111"'
    assert scalar("no") == '"no"'  # YAML 1.1 would read a boolean
    assert scalar("2600:1f18::/56") == '"2600:1f18::/56"'


def test_comments_stay_comments() -> None:
    text = render({"name": "t"}, notes={("name",): ["a\nname: other"]}, header=["x\ry"])
    assert yaml.safe_load(text) == {"name": "t"}
    assert "# a\\x0aname: other" in text


@pytest.mark.parametrize(
    ("text", "alias", "fields"),
    [
        ("net=111111111111", "net", {"id": "111111111111"}),
        (
            "prod=222222222222:arn:aws:iam::222222222222:role/read",
            "prod",
            {"id": "222222222222", "role_arn": "arn:aws:iam::222222222222:role/read"},
        ),
        ("333333333333:Ops Admin", "ops-admin", {"id": "333333333333", "profile": "Ops Admin"}),
        ("444444444444", "account-444444444444", {"id": "444444444444"}),
    ],
)
def test_account_specs(text: str, alias: str, fields: dict[str, str]) -> None:
    found_alias, account = parse_account(text)
    assert found_alias == alias
    assert account.model_dump(exclude_none=True) == fields


def test_account_specs_that_cannot_be_read_say_why() -> None:
    with pytest.raises(ValueError, match="is not ALIAS=ACCOUNT_ID"):
        parse_account("")
    with pytest.raises(TopologyError, match="is not an AWS account id"):
        parse_account("net=12345")
    with pytest.raises(TopologyError, match="is in account '999999999999'"):
        parse_account("net=111111111111:arn:aws:iam::999999999999:role/x")


def test_the_report_models_describe_every_field() -> None:
    from peerstack.discover import DiscoveryReport, Finding, PredictedDifference

    for model in (DiscoveryReport, Finding, PredictedDifference):
        assert model.model_config.get("extra") == "forbid"
        assert all(field.description for field in model.model_fields.values()), model
