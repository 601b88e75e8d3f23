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
        "accepted by",
        "prod in eu-west-1",
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


def test_diagrams_draw_an_outside_peer_apart_with_the_request_accepted() -> None:
    path = str(EXAMPLES_DIR / "accept-partner.yaml")
    mermaid = run("plan", path, "-f", "mermaid")
    assert mermaid.exit_code == 0
    assert 'outside_atlas(["atlas (outside)<br/>536727724300 / us-east-1' in mermaid.output
    assert 'outside_atlas <-->|"atlas--app: accepted, cross-account"| vpc_app' in mermaid.output
    dot = run("plan", path, "-f", "dot")
    assert dot.exit_code == 0
    assert 'outside_atlas -- vpc_app [label="atlas--app\\naccepted, cross-account"];' in dot.output


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


INVALID = (
    'name: t\ndefaults: {region: us-easst-1}\naccounts: {n: {id: "111111111111"}}\n'
    "vpcs: {a: {cidr: 10.0.0.0/16}, b: {cidr: 10.0.0.0/16}}\n"
    "peerings: [{requester: a, accepter: b}]\n"
)
VALID = 'name: t\ndefaults: {region: us-east-1}\naccounts: {n: {id: "111111111111"}}\nvpcs: {a: {cidr: 10.0.0.0/16}}\n'


def test_validate_reports_field_and_planner_problems_at_once(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(INVALID)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert f"{path}:2: defaults.region: 'us-easst-1' is not an AWS region" in result.output
    assert f"{path}:5: peerings[0]: cannot peer 'a' and 'b'" in result.output
    assert "2 problems found" in result.output


def test_validate_counts_with_the_right_plurals(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(VALID)
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert f"valid: {path}: 1 VPC, 0 links, 0 routes" in result.output
    assert "Topology t: 1 VPC, 0 links, 0 routes" in run("plan", str(path)).output
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: b\n")
    result = run("validate", str(path), str(broken))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "1 of 2 files is invalid"


def test_validate_json(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(VALID)
    bad.write_text(INVALID)
    result = run("validate", str(good), str(bad), "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert data["files"] == [
        {"file": str(good), "valid": True, "vpcs": 1, "links": 0, "routes": 0},
        {"file": str(bad), "valid": False, "problems": 2},
    ]
    first = data["problems"][0]
    assert first == {
        "file": str(bad),
        "line": 2,
        "column": None,
        "path": "defaults.region",
        "message": "'us-easst-1' is not an AWS region",
        "hint": "did you mean 'us-east-1'?",
    }
    result = run("validate", str(good), "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["valid"] is True


def test_validate_github_annotations_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "a,b:c.yaml"
    path.write_text(VALID.replace("vpcs: {a:", 'vpcs: {"100%\\r\\n::x":'))
    result = run("validate", str(path), "--format", "github")
    assert result.exit_code == 2
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("::error ")]
    escaped_file = str(path).replace(":", "%3A").replace(",", "%2C")
    assert line.startswith(f"::error file={escaped_file},line=4,title=peerstack%3A vpcs[")
    message = line.split("::", 2)[2]
    assert message.startswith("'100%25\\r\\n::x' is not a valid name%0Ahint: use lowercase letters")


def test_github_annotation_escaping_rules() -> None:
    from peerstack._cli._common import github_annotation
    from peerstack.errors import Problem

    problem = Problem(
        path="a:b,c", message="50% off\r\nnext", hint="x\x1b[31m", file="f,1:2.yaml", line=3
    )
    assert github_annotation(problem) == (
        "::error file=f%2C1%3A2.yaml,line=3,title=peerstack%3A a%3Ab%2Cc"
        "::50%25 off\\x0d\\x0anext%0Ahint: x\\x1b[31m"
    )


def test_plan_json_of_an_invalid_file_prints_the_problems_as_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(INVALID)
    result = run("plan", str(path), "-f", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert [p["path"] for p in data["problems"]] == ["defaults.region", "peerings[0]"]


def test_escape_sequences_never_reach_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(VALID.replace("vpcs: {a:", 'vpcs: {"\\e]0;pwned\\a\\e[2J":'))
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b[2J" in result.output


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
    as_json = run("validate", str(path), "--format", "json")
    assert as_json.exit_code == 0
    (warning,) = json.loads(as_json.stdout)["warnings"]
    assert (warning["file"], warning["path"]) == (str(path), "vpcs.a")
    github = run("validate", str(path), "--format", "github")
    assert github.exit_code == 0
    (line,) = [x for x in github.stdout.splitlines() if x.startswith("::warning ")]
    assert "line=5" in line and "no subnet uses it" in line
