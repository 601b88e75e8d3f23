"""Result types: change summaries people can read, outputs whose secrets stay masked, one
result type per operation for both engines, counted by one rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pulumi.automation import OpType, OutputValue

from peerstack.automation import (
    SECRET,
    ChangeSummary,
    DestroyResult,
    Outputs,
    PreviewResult,
    ResourceStep,
    UpResult,
)


def test_change_summary_reads_like_pulumi_s() -> None:
    changes = ChangeSummary.from_op_map({OpType.CREATE: 3, "same": 2, "delete-replaced": 1})

    assert dict(changes) == {"create": 3, "same": 2, "replace": 1}
    assert changes["update"] == 0 and "update" not in changes and "same" in changes
    assert changes.changed == 4
    assert str(changes) == "+3 create, +-1 replace, =2 same"
    assert str(ChangeSummary()) == "no resources"


def test_outputs_mask_secrets_unless_asked() -> None:
    outputs = Outputs.from_output_map(
        {
            "vpc_ids": OutputValue({"a": "vpc-1"}, secret=False),
            "token": OutputValue("s3cr3t", secret=True),
        }
    )

    assert outputs.vpc_ids == {"a": "vpc-1"}
    assert outputs["token"] == "s3cr3t"
    assert "s3cr3t" not in repr(outputs) and SECRET in repr(outputs)
    assert outputs.to_dict() == {"vpc_ids": {"a": "vpc-1"}, "token": SECRET}
    assert outputs.to_dict(show_secrets=True)["token"] == "s3cr3t"


def test_missing_outputs_read_as_empty() -> None:
    outputs = Outputs()
    assert not outputs
    assert outputs.vpc_ids == {} and outputs.reachability == {}
    assert outputs.route_table_ids == {} and outputs.peering_connection_ids == {}


def test_results_as_json_data() -> None:
    changes = ChangeSummary.from_op_map({"delete": 4})
    destroyed = DestroyResult(stack="dev", changes=changes, duration=timedelta(seconds=1.23456))
    assert destroyed.to_dict() == {
        "operation": "destroy",
        "topology": "",
        "stack": "dev",
        "engine": "pulumi",
        "emulated": False,
        "changes": {"delete": 4},
        "duration_seconds": 1.235,
        "steps": [],
        "warnings": [],
        "resources": {},
    }
    up = UpResult(
        stack="dev",
        changes=changes,
        duration=timedelta(seconds=2),
        outputs=Outputs.from_output_map({"k": OutputValue("v", secret=True)}),
    )
    assert "'v'" not in repr(up)
    assert up.to_dict()["outputs"] == {"k": SECRET}


# -- one result family: the step, the counting rule, the JSON ---------------------------

VPC = "aws:ec2/vpc:Vpc"
ROUTE = "aws:ec2/route:Route"


def _step(op: str, type_: str = ROUTE, name: str = "r", **fields: Any) -> ResourceStep:
    return ResourceStep(op=op, type=type_, name=name, **fields)


def test_changes_count_aws_resources_once_and_nothing_else() -> None:
    steps = [
        _step("create", VPC, "corp.a", account_id="111111111111", region="us-east-1"),
        _step("replace", ROUTE, "corp.a.main.10.1.0.0-16"),
        # The emulation records the old resource's delete as a step of its own.
        _step("delete", ROUTE, "corp.a.main.10.1.0.0-16", replacement=True),
        _step("same", ROUTE, "corp.a.main.10.2.0.0-16"),
        _step("create", "pulumi:providers:aws", "corp.network"),
        _step("create", "peerstack:index:Vpc", "corp.a", custom=False),
        _step("create", "pulumi:pulumi:Stack", "peerstack-corp", custom=False),
        _step("delete", ROUTE, "corp.b.main.10.1.0.0-16"),
    ]
    changes = ChangeSummary.count(steps)

    assert changes.to_dict() == {"create": 1, "replace": 1, "delete": 1, "same": 1}
    assert list(changes) == ["create", "replace", "delete", "same"]
    assert changes.changed == 3
    # The real engine folds its replace family into one step per resource: a replace.
    assert ChangeSummary.count([_step("delete-replaced")]).to_dict() == {"replace": 1}


def test_a_provider_alone_changes_the_stack_though_no_aws_resource_counts() -> None:
    provider = _step("update", "pulumi:providers:aws", "corp.network")
    preview = PreviewResult(
        stack="dev",
        changes=ChangeSummary.count([provider]),
        duration=timedelta(0),
        steps=(provider, _step("same")),
    )
    assert preview.changes.changed == 0 and preview.changes_anything
    assert not PreviewResult(
        stack="dev", changes=ChangeSummary(), duration=timedelta(0), steps=(_step("same"),)
    ).changes_anything


def test_an_up_result_as_json_names_its_engine_its_steps_and_the_first_deploy() -> None:
    created = _step(
        "create",
        VPC,
        "corp.a",
        vpc="a",
        account_id="111111111111",
        region="us-east-1",
        id="vpc-0a",
    )
    updated = _step("update", ROUTE, "corp.a--b.x", link="a--b", changed=frozenset({"tags"}))
    first = UpResult(
        stack="corp",
        topology="corp",
        changes=ChangeSummary.count([created]),
        duration=timedelta(seconds=1),
        steps=(created,),
        engine="mocks",
        emulated=True,
        outputs=Outputs.from_output_map({"token": OutputValue("s3cr3t", secret=True)}),
    )
    up = UpResult(
        stack="corp",
        topology="corp",
        changes=ChangeSummary.count([updated, _step("same")]),
        duration=timedelta(seconds=0.5),
        steps=(updated, _step("same")),
        engine="mocks",
        emulated=True,
        previous=first,
    )
    data = up.to_dict()

    assert list(data) == [
        "operation",
        "topology",
        "stack",
        "engine",
        "emulated",
        "changes",
        "duration_seconds",
        "steps",
        "warnings",
        "resources",
        "outputs",
        "verification",
        "previous",
    ]
    assert data["changes"] == {"update": 1, "same": 1}
    assert data["steps"] == [
        {
            "op": "update",
            "type": ROUTE,
            "name": "corp.a--b.x",
            "link": "a--b",
            "vpc": None,
            "account_id": None,
            "region": None,
            "id": None,
            "changed": ["tags"],
        }
    ]
    assert data["verification"] is None and up.ok  # not verified: the engine reported success
    assert data["previous"]["resources"] == {"Vpc": 1}
    assert data["previous"]["steps"][0]["account_id"] == "111111111111"
    assert data["previous"]["outputs"] == {"token": SECRET}
    assert "s3cr3t" not in repr(up)
    assert up.to_dict(show_secrets=True)["previous"]["outputs"] == {"token": "s3cr3t"}
    assert up.of("update") == [updated] and up.counts_by_type() == {}
