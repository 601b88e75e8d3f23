"""classify_error: the SDK's own errors (built by its create_command_error from a
CommandResult, as PulumiCommand.run does) -> one peerstack error with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi.automation import CommandResult
from pulumi.automation.errors import CommandError, InvalidVersionError, create_command_error

from peerstack.automation import classify_error
from peerstack.errors import (
    AdoptionError,
    CredentialsError,
    DeployError,
    PluginInstallError,
    ProgramError,
    PulumiNotInstalledError,
    PulumiVersionError,
    StackLockedError,
    TopologyError,
)
from peerstack.plan import Plan


def failed(stdout: str = "", stderr: str = "", code: int = 255) -> CommandError:
    return create_command_error(CommandResult(stdout=stdout, stderr=stderr, code=code))


def classify(exc: BaseException, **options: object) -> DeployError:
    return classify_error(exc, operation="up", stack="prod", **options)  # type: ignore[arg-type]


def test_pulumi_not_installed() -> None:
    error = classify(FileNotFoundError(2, "No such file or directory", "pulumi"))
    assert isinstance(error, PulumiNotInstalledError)
    assert error.hint is not None
    assert "get.pulumi.com" in error.hint and "--emulate" in error.hint


def test_cli_too_old() -> None:
    error = classify(
        InvalidVersionError(
            "The installed version of the CLI does not support this operation. Please "
            "upgrade to at least version 3.181.0."
        )
    )
    assert isinstance(error, PulumiVersionError)
    assert "3.181.0" in str(error)
    assert error.hint is not None and "upgrade" in error.hint


@pytest.mark.parametrize(
    "stderr",
    [
        "error: [409] Conflict: Another update is currently in progress.\n",
        "error: the stack is currently locked by 1 lock(s). Either wait for the other "
        "process(es) to end or delete the lock file with `pulumi cancel`.\n"
        "  file:///x/.pulumi/locks/organization/p/prod/1.json: created by me (pid 42)",
    ],
    ids=["pulumi-cloud", "self-managed"],
)
def test_stack_locked(stderr: str) -> None:
    error = classify(failed(stderr=stderr), work_dir="/srv/net")
    assert isinstance(error, StackLockedError)
    assert "stack 'prod' is locked" in str(error)
    assert error.hint is not None
    assert "pulumi cancel --yes --stack prod --cwd /srv/net" in error.hint


def test_an_exception_inside_the_program() -> None:
    stdout = (
        "Updating (prod):\n"
        "    error: python inline source runtime error: KeyError: 'shared'\n"
        "Traceback (most recent call last):\n  File ...\n"
    )
    error = classify(failed(stdout=stdout))
    assert isinstance(error, ProgramError)
    assert "raised an exception during `up`" in str(error)
    assert "KeyError: 'shared'" in str(error)


def test_missing_credentials() -> None:
    stdout = (
        "    error: pulumi:providers:aws resource 'net' has a problem: No valid credential "
        "sources found.\n  Please see https://registry.terraform.io/providers/aws for more "
        "information about providing credentials.\n"
    )
    error = classify(failed(stdout=stdout))
    assert isinstance(error, CredentialsError)
    assert "No valid credential sources found" in str(error)
    assert error.hint is not None
    assert "AWS_PROFILE" in error.hint and "--endpoint" in error.hint


def test_a_failed_assume_role_names_the_account(hub: Plan) -> None:
    stdout = (
        "    error: pulumi:providers:aws resource 'prod' has a problem: Cannot assume IAM Role."
        " IAM Role (arn:aws:iam::222222222222:role/peerstack) cannot be assumed. "
        "operation error STS: AssumeRole, https response error StatusCode: 403, "
        "api error AccessDenied: not authorized to perform: sts:AssumeRole\n"
    )
    error = classify(failed(stdout=stdout), plan=hub)
    assert isinstance(error, CredentialsError)
    assert "arn:aws:iam::222222222222:role/peerstack (account 'prod')" in str(error)
    assert error.hint is not None and "trust policy" in error.hint


def test_a_plugin_that_cannot_be_downloaded() -> None:
    stderr = (
        "error: could not load plugin for aws provider 'default': "
        "Could not automatically download and install resource plugin "
        "'pulumi-resource-aws' at version v7.51.1: dial tcp: lookup get.pulumi.com: "
        "no such host\n"
    )
    error = classify(failed(stderr=stderr))
    assert isinstance(error, PluginInstallError)
    assert error.hint is not None and "pulumi plugin install resource aws" in error.hint


def test_a_wrong_passphrase() -> None:
    error = classify(failed(stderr="error: getting secrets manager: incorrect passphrase\n"))
    assert type(error) is DeployError
    assert "incorrect passphrase" in str(error)
    assert error.hint is not None and "PULUMI_CONFIG_PASSPHRASE" in error.hint


def test_anything_else_keeps_pulumi_s_first_errors() -> None:
    stdout = (
        "Updating (prod):\n"
        "    error: creating EC2 Route: RouteAlreadyExists: the route identified by "
        "10.1.0.0/16 already exists\n"
        "    error: update failed\n"
    )
    error = classify(failed(stdout=stdout))
    assert type(error) is DeployError
    assert str(error) == (
        "`pulumi up` failed for stack 'prod': creating EC2 Route: RouteAlreadyExists: "
        "the route identified by 10.1.0.0/16 already exists"
    )


def test_engine_diagnostics_explain_a_failure_best() -> None:
    error = classify(
        failed(stderr="error: update failed"),
        diagnostics=["error: No valid credential sources found"],
    )
    assert isinstance(error, CredentialsError)


def test_secrets_never_appear_in_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "my passphrase 123")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG")
    stdout = (
        "    error: something echoed my passphrase 123 and wJalrXUtnFEMI/K7MDENG "
        "and the config value tok-9876\n"
    )
    error = classify(failed(stdout=stdout), secrets=["tok-9876"])
    text = f"{error} {error.hint}"
    assert "my passphrase 123" not in text
    assert "wJalrXUtnFEMI/K7MDENG" not in text
    assert "tok-9876" not in text
    assert text.count("[secret]") == 3


def test_a_deploy_error_is_returned_as_it_is() -> None:
    original = DeployError("already explained", hint="nothing to add")
    assert classify(original) is original


@pytest.mark.parametrize(
    "stderr",
    [
        "error: failed to load resource plugin aws: plugin not found\n",
        "error: could not load plugin for aws provider 'prod': no resource plugin "
        "'pulumi-resource-aws' found in the workspace at version v7.51.1 or on your $PATH, "
        "installing plugin; run `pulumi plugin install resource aws v7.51.1` to install it\n",
    ],
    ids=["load", "install-hint"],
)
def test_plugins_that_cannot_be_loaded(stderr: str) -> None:
    error = classify(failed(stderr=stderr))
    assert isinstance(error, PluginInstallError)
    assert error.hint is not None and "pulumi plugin install resource aws" in error.hint


def test_a_provider_in_the_wrong_account_names_the_account() -> None:
    stdout = (
        "    error: pulumi:providers:aws resource 'corp.prod' has a problem: "
        "AWS account ID not allowed: 999999999999\n"
    )
    error = classify(failed(stdout=stdout))
    assert isinstance(error, CredentialsError)
    assert "account 999999999999" in str(error)
    assert error.hint is not None and "allowed_account_ids" in error.hint


def test_a_topology_error_raised_by_the_program_is_an_adoption_error() -> None:
    raised = TopologyError.single(
        "vpcs.legacy.existing",
        "no route tables found for adopted VPC 'legacy' ('vpc-0123456789abcdef0')",
        hint="check the VPC id, account and region, or list its tables",
        file="corp.yaml",
    )
    error = classify(
        failed(stdout="error: python inline source runtime error: no route tables found"),
        raised=[raised],
    )
    assert isinstance(error, AdoptionError)
    assert "`up` of stack 'prod' stopped: corp.yaml: vpcs.legacy.existing: no route tables" in str(
        error
    )
    assert error.hint == "check the VPC id, account and region, or list its tables"


def test_operations_a_killed_run_left_pending() -> None:
    stdout = (
        "error: the current deployment has 1 resource(s) with pending operations:\n"
        "  * urn:pulumi:prod::p::aws:ec2/vpc:Vpc::corp.shared, interrupted while creating\n"
    )
    error = classify(failed(stdout=stdout))
    assert isinstance(error, StackLockedError)
    assert error.hint is not None and "peerstack refresh --clear-pending-creates" in error.hint


def test_the_lock_hint_gives_the_whole_recovery() -> None:
    error = classify(failed(stderr="error: the stack is currently locked by 1 lock(s)."))
    assert error.hint is not None
    assert "pulumi cancel --yes --stack prod" in error.hint
    assert "--clear-pending-creates" in error.hint


def test_a_passphrase_file_never_appears(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "passphrase"
    secret_file.write_text("file-held passphrase\n")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE_FILE", str(secret_file))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY123")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session-token-value")
    error = classify(
        failed(stdout="error: echoed file-held passphrase AKIAEXAMPLEKEY123 session-token-value")
    )
    assert "file-held passphrase" not in str(error)
    assert "AKIAEXAMPLEKEY123" not in str(error)
    assert "session-token-value" not in str(error)
