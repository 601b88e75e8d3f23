"""Deploy topologies with the Pulumi Automation API (needs the Pulumi CLI on PATH).

::

    from peerstack.automation import Deployment

    deployment = Deployment("corp.yaml", stack="dev")
    deployment.preview()
    result = deployment.up()
    result.outputs.peering_connection_ids   # {"shared--app-eu": "pcx-..."}
    deployment.destroy()

Failures raise :class:`~peerstack.errors.DeployError` subclasses, each with a ``hint``
(see :func:`classify_error`).
"""

from peerstack._components import endpoint_settings
from peerstack._results import (
    SECRET,
    ChangeSummary,
    DestroyResult,
    Outputs,
    PreviewResult,
    RefreshResult,
    ResourceStep,
    UpResult,
)
from peerstack.automation._deployment import (
    PASSPHRASE_ENV,
    Deployment,
    aws_plugin_version,
    default_work_dir,
)
from peerstack.automation._errors import INSTALL_HINT, classify_error
from peerstack.automation._events import (
    Event,
    EventKind,
    LinkProgress,
    LinkState,
    OnEvent,
    Operation,
    Progress,
    ProgressTracker,
)
from peerstack.plan import OUTPUT_NAMES, StackOutputs

__all__ = [
    "INSTALL_HINT",
    "OUTPUT_NAMES",
    "PASSPHRASE_ENV",
    "SECRET",
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
    "StackOutputs",
    "UpResult",
    "aws_plugin_version",
    "classify_error",
    "default_work_dir",
    "endpoint_settings",
]
