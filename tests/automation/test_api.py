"""peerstack.automation's surface changes only deliberately; optionals are keyword-only."""

from __future__ import annotations

import inspect
import subprocess
import sys

import peerstack.automation as automation

PUBLIC = {
    "INSTALL_HINT",
    "OUTPUT_NAMES",
    "PASSPHRASE_ENV",
    "SECRET",
    "StackOutputs",
    "ChangeSummary",
    "Deployment",
    "DestroyResult",
    "Event",
    "EventKind",
    "LinkProgress",
    "LinkState",
    "OnEvent",
    "Operation",
    "Outputs",
    "PreviewResult",
    "Progress",
    "ProgressTracker",
    "RefreshResult",
    "ResourceStep",
    "UpResult",
    "aws_plugin_version",
    "classify_error",
    "default_work_dir",
    "endpoint_settings",
}


def test_all_is_exactly_the_public_names() -> None:
    assert set(automation.__all__) == PUBLIC
    for name in automation.__all__:
        assert getattr(automation, name) is not None


def test_optional_parameters_are_keyword_only() -> None:
    callables = [
        automation.Deployment.__init__,
        automation.Deployment.preview,
        automation.Deployment.up,
        automation.Deployment.refresh,
        automation.Deployment.destroy,
        automation.classify_error,
        automation.endpoint_settings,
    ]
    for function in callables:
        for parameter in inspect.signature(function).parameters.values():  # type: ignore[arg-type]
            if parameter.default is not inspect.Parameter.empty:
                assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, (
                    f"{function.__qualname__}({parameter.name}=...) should be keyword-only"
                )


def test_the_cli_loads_pulumi_only_when_a_deploy_command_runs() -> None:
    code = (
        "import sys, peerstack._cli.app; "
        "print(sorted(m for m in ('pulumi', 'pulumi_aws', 'boto3') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
