"""The inline program a Deployment hands to Pulumi, run under Pulumi's own mocks the way
the SDK's language server runs it: inside a root Stack, outputs exported on it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import rpc

from peerstack._provider import tokens
from peerstack._runtime import run_program
from peerstack.automation import OUTPUT_NAMES, Deployment, endpoint_settings
from peerstack.plan import Plan


class _Mocks(pulumi.runtime.Mocks):
    """Every resource gets an id and echoes its inputs; every call returns nothing."""

    def __init__(self) -> None:
        self.registered: list[pulumi.runtime.MockResourceArgs] = []
        self._lock = threading.Lock()

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        with self._lock:
            self.registered.append(args)
        return f"{args.name}-id", dict(args.inputs)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        # getVpcPeeringConnections: the requester side of a cross-region link waits until
        # its region lists the connection as active.
        filters = args.args.get("filters") or []
        ids = [v for f in filters if f["name"] == "vpc-peering-connection-id" for v in f["values"]]
        return {**args.args, "ids": ids}, []


def run(program: Callable[[], None], mocks: _Mocks) -> dict[str, Any]:
    """Run ``program`` under ``mocks``; return the stack outputs it exported, resolved."""
    return run_program(program, mocks, project="peerstack-mesh", stack="dev", preview=False)


def _decoded(value: Any) -> Any:
    try:
        return json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        return value


def program_of(deployment: Deployment) -> Callable[[], None]:
    program = deployment.workspace_options().program
    assert program is not None
    return program  # type: ignore[return-value]


def test_the_program_is_one_topology_component_exporting_four_outputs(
    mesh: Plan, tmp_path: Path
) -> None:
    mocks = _Mocks()
    outputs = run(program_of(Deployment(mesh, work_dir=tmp_path)), mocks)

    components = [r for r in mocks.registered if r.typ == tokens.TOPOLOGY]
    assert [c.name for c in components] == ["mesh"]
    assert set(outputs) == set(OUTPUT_NAMES)
    assert set(outputs["vpc_ids"]) == {vpc.name for vpc in mesh.vpcs}
    assert set(outputs["peering_connection_ids"]) == {link.name for link in mesh.links}
    assert outputs["peering_connection_ids"]["api--web"] == "mesh.api--web-id"
    assert outputs["reachability"] == {k: list(v) for k, v in mesh.reachability.items()}


def test_endpoint_mode_points_every_provider_at_the_endpoint(mesh: Plan, tmp_path: Path) -> None:
    mocks = _Mocks()
    url = "http://127.0.0.1:4566"
    run(program_of(Deployment(mesh, work_dir=tmp_path, endpoint=url)), mocks)

    providers = [r for r in mocks.registered if r.typ == tokens.AWS_PROVIDER]
    assert providers
    for provider in providers:
        # Provider inputs reach the engine JSON-encoded, as provider configuration.
        inputs = {k: _decoded(v) for k, v in provider.inputs.items()}
        assert set(inputs["endpoints"][0].values()) == {url}
        for flag in (
            "skipCredentialsValidation",
            "skipRequestingAccountId",
            "skipMetadataApiCheck",
            "skipRegionValidation",
        ):
            assert inputs[flag] is True
        # The dummy credentials travel as secrets, like any credential would.
        secret_test = {rpc._special_sig_key: rpc._special_secret_sig, "value": "test"}
        assert inputs["accessKey"] == inputs["secretKey"] == secret_test


def test_endpoint_settings() -> None:
    settings = endpoint_settings("http://localhost:5000", default_region="eu-west-1")

    assert settings.endpoint == "http://localhost:5000"
    assert settings.skip_credentials_validation and settings.skip_requesting_account_id
    assert settings.skip_metadata_api_check and settings.skip_region_validation
    assert settings.default_region == "eu-west-1"
    assert "test" not in repr(settings)  # the dummy credentials are masked too
