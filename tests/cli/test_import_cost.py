"""`peerstack validate` answers at once: it imports no cloud SDK and none of the deploy code."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers.paths import example

_HEAVY = (
    "boto3",
    "botocore",
    "grpc",
    "moto",
    "pulumi",
    "pulumi_aws",
    "peerstack._components",
    "peerstack.automation",
    "peerstack.emulator",
    "peerstack.verify",
)

_RUN = """
import sys
sys.argv = ["peerstack", "validate", sys.argv[1]]
from peerstack._cli.app import main
try:
    main()
except SystemExit as exit:
    assert exit.code == 0, exit.code
heavy = {heavy!r}
print(sorted(m for m in sys.modules if m in heavy))
"""


def test_validate_imports_no_cloud_sdk_and_no_deploy_code() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _RUN.format(heavy=_HEAVY), str(example("hub-cross-account"))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "[]"
