"""`peerstack validate`, `plan` and `schema` as a user runs them: exit codes and words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peerstack._cli.app import app
from tests.helpers.paths import EXAMPLES, EXAMPLES_DIR

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_validate_examples_exits_zero() -> None:
    result = run("validate", *map(str, EXAMPLES))
    assert result.exit_code == 0, result.output
    assert result.output.count("valid: ") == len(EXAMPLES)


BROKEN = {
    "empty": "",
    "yaml syntax": "name: x\nvpcs: {a: [}\n",
    "list at top": "- a\n- b\n",
    "scalar at top": "just words\n",
    "wrong types": "name: 5\naccounts: 3\nvpcs: [1]\npeerings: {}\n",
    "tabs": "name: x\n\tvpcs: {}\n",
    "duplicate keys": 'name: x\nname: y\naccounts: {a: {id: "111111111111"}}\nvpcs: {}\n',
    "binary": "\x00\x01\x02",
    "deep nesting": "a: " + "[" * 200 + "]" * 200,
    "very deep nesting": "a: " + "[" * 5000 + "]" * 5000,
    "anchors": "name: &x t\naccounts: *x\nvpcs: {}\n",
    "python tag": "name: !!python/object:os.system x\n",
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_validate_never_tracebacks(tmp_path: Path, text: str) -> None:
    path = tmp_path / "topology.yaml"
    path.write_text(text)
    result = run("validate", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(path) in result.output
    assert "error" in result.output


def test_validate_points_at_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        'name: t\ndefaults: {region: us-east-1}\naccounts: {n: {id: "111111111111"}}\n'
        "vpcs:\n  a: {cidr: 10.0.0.0/16}\n  b: {cidr: 10.0.0.0/16}\n"
        "peerings:\n  - {requester: a, accepter: b}\n"
    )
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:8: peerings[0]: cannot peer 'a' and 'b'" in result.output
    assert "hint:" in result.output


def test_validate_missing_file() -> None:
    result = run("validate", "does-not-exist.yaml")
    assert result.exit_code == 2
    assert "does-not-exist.yaml: file not found" in result.output


def test_plan_json_is_the_documented_shape() -> None:
    result = run("plan", str(EXAMPLES[0]), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {"topology", "vpcs", "links", "routes", "reachability"} <= set(data)
    vpc_keys = {
        "name",
        "account",
        "account_id",
        "region",
        "cidrs",
        "ipv6",
        "route_tables",
        "managed",
    }
    assert all(vpc_keys <= set(v) for v in data["vpcs"])
    link_keys = {
        "name",
        "requester",
        "accepter",
        "cross_account",
        "cross_region",
        "auto_accept",
        "dns_resolution",
    }
    assert all(link_keys <= set(link) for link in data["links"])
    assert all(
        {"vpc", "route_table", "destination", "peer", "link"} <= set(r) for r in data["routes"]
    )


def test_plan_table_reads_clearly() -> None:
    result = run("plan", str(EXAMPLES_DIR / "hub-cross-account.yaml"))
    assert result.exit_code == 0
    for words in (
        "Links",
        "Routes by route table",
        "Reachability",
        "accepted by prod in eu-west-1",
        "cross-account, cross-region",
        "MTU of 1500",
    ):
        assert words in result.output


def test_plan_mermaid_groups_by_account_and_region() -> None:
    result = run("plan", str(EXAMPLES_DIR / "hub-cross-account.yaml"), "-f", "mermaid")
    assert result.exit_code == 0
    assert result.output.startswith("flowchart LR")
    assert 'subgraph g0["dev (333333333333) / us-west-2"]' in result.output
    assert "shared--app-eu: cross-account, cross-region, DNS" in result.output


def test_plan_of_invalid_topology_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\n")
    result = run("plan", str(path))
    assert result.exit_code == 2
    assert "accounts: required field is missing" in result.output


def test_schema_is_json_schema_with_descriptions() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "vpcs" in schema["properties"]
    assert schema["properties"]["vpcs"]["description"]


def test_warnings_go_to_stderr_and_leave_the_exit_code_alone(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        'name: w\ndefaults: {region: us-east-1}\naccounts: {n: {id: "111111111111"}}\n'
        "vpcs:\n"
        "  a: {cidr: 10.0.0.0/16, subnets: [{name: s, cidr: 10.0.1.0/24, az: a, route_table: app}]}\n"
        "  b: {cidr: 10.1.0.0/16}\n"
        "peerings:\n  - {requester: a, accepter: b, routes: {a: {tables: [main]}}}\n"
    )
    validated = run("validate", str(path))
    assert validated.exit_code == 0, validated.output
    assert f"warning: {path}:5: vpcs.a: route table 'main' of 'a'" in validated.stderr
    assert "no subnet uses it" in validated.stderr and "hint:" in validated.stderr
    planned = run("plan", str(path), "--format", "json")
    assert planned.exit_code == 0
    assert "no subnet uses it" in planned.stderr
    (warning,) = json.loads(planned.stdout)["warnings"]
    assert (warning["path"], warning["line"]) == ("vpcs.a", 5)
    assert json.loads(planned.stdout)["reachability"] == {"a": [], "b": []}
