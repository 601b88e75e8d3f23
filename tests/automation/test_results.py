"""Result types: change summaries people can read, outputs whose secrets stay masked."""

from __future__ import annotations

from datetime import timedelta

from pulumi.automation import OpType, OutputValue

from peerstack.automation import SECRET, ChangeSummary, DestroyResult, Outputs, UpResult


def test_change_summary_reads_like_pulumi_s() -> None:
    changes = ChangeSummary.from_op_map({OpType.CREATE: 3, "same": 2, "delete-replaced": 1})

    assert dict(changes) == {"create": 3, "same": 2, "replace": 1}
    assert changes["update"] == 0
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
