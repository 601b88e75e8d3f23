"""`peerstack iam` as a user runs it: exit codes, the words, JSON, a Pulumi program."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
from typer.testing import CliRunner

from peerstack._cli.app import app
from peerstack._runtime import run_program
from tests.helpers.paths import example

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_table_names_each_account_its_role_and_trust() -> None:
    result = run("iam", str(example("hub-cross-account")))
    assert result.exit_code == 0, result.output
    assert "network (111111111111), us-east-1: no role" in result.output
    assert "role arn:aws:iam::222222222222:role/peerstack" in result.output
    assert "trusted: arn:aws:iam::111111111111:root with its external id" in result.output
    assert "AcceptPeerings" in result.output


def test_json_has_a_policy_and_a_trust_policy_per_account() -> None:
    result = run("iam", str(example("hub-cross-account")), "--format", "json", "--verify")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    by_name = {a["name"]: a for a in document["accounts"]}
    assert set(by_name) == {"network", "prod", "dev"}
    assert by_name["network"]["trust_policy"] is None
    trust = by_name["prod"]["trust_policy"]["Statement"][0]
    assert trust["Condition"] == {"StringEquals": {"sts:ExternalId": "corp-peering"}}
    assert "Condition" not in by_name["dev"]["trust_policy"]["Statement"][0]
    assert document["verify"] is True
    assert "VerifyReads" in {s["Sid"] for s in by_name["dev"]["policy"]["Statement"]}
    assert by_name["prod"]["reasons"]["ec2:AcceptVpcPeeringConnection"]


def test_principal_and_from(tmp_path: Path) -> None:
    result = run(
        "iam",
        str(example("hub-cross-account")),
        "-f",
        "json",
        "--principal",
        "arn:aws:iam::999999999999:role/ci",
        "--from",
        str(example("hub-cross-account")),
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["principal"] == "arn:aws:iam::999999999999:role/ci"


def test_a_bad_principal_is_a_usage_error() -> None:
    result = run("iam", str(example("hub-cross-account")), "--principal", "ci-user")
    assert result.exit_code == 2
    assert "not an IAM principal ARN" in result.output


def test_an_invalid_topology_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("name: t\n")
    result = run("iam", str(path))
    assert result.exit_code == 2


class _Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        return f"{args.name}-id", {**args.inputs, "arn": f"arn:{args.name}"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def test_the_pulumi_program_creates_each_role_with_its_own_provider() -> None:
    result = run("iam", str(example("hub-cross-account")), "--format", "pulumi")
    assert result.exit_code == 0, result.output
    source = result.stdout
    code = compile(source, "iam.py", "exec")
    recorder = _Recorder()
    outputs = run_program(
        lambda: exec(code, {"__name__": "__main__"}),
        recorder,
        project="iam",
        stack="dev",
        preview=False,
    )
    by_type: dict[str, list[pulumi.runtime.MockResourceArgs]] = {}
    for args in recorder.resources:
        by_type.setdefault(args.typ, []).append(args)
    providers = {a.name: a for a in by_type["pulumi:providers:aws"]}
    assert set(providers) == {"iam-network", "iam-prod", "iam-dev"}
    assert json.loads(providers["iam-prod"].inputs["allowedAccountIds"]) == ["222222222222"]
    roles = {a.name: a for a in by_type["aws:iam/role:Role"]}
    assert set(roles) == {"prod-role", "dev-role"}
    assert str(roles["prod-role"].provider).endswith("iam-prod-id")
    trust = json.loads(roles["prod-role"].inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] == "corp-peering"
    policies = {a.name: a for a in by_type["aws:iam/rolePolicy:RolePolicy"]}
    prod_policy = json.loads(policies["prod-policy"].inputs["policy"])
    assert "AcceptPeerings" in {s["Sid"] for s in prod_policy["Statement"]}
    (network,) = [a for a in by_type["aws:iam/policy:Policy"] if a.name == "network-policy"]
    assert str(network.provider).endswith("iam-network-id")
    assert {"prod_role_arn", "dev_role_arn", "network_policy_arn"} <= set(outputs)
    assert "deployer_policy_arn" in outputs  # the principal's account is the network account
