"""Read AWS with boto3 and compare it with the plan: does the network do what was planned?

>>> from peerstack.verify import verify                 # doctest: +SKIP
>>> result = verify(plan, outputs=deployment.outputs())
>>> result.ok, [str(d) for d in result.differences]
>>> result.raise_for_differences()                     # VerificationError unless ok

The same code reads real AWS (:class:`AwsSessions`, the default) and the in-process
emulation (``verify(plan, sessions=emulation.session)``).
"""

from peerstack.verify._check import verify
from peerstack.verify._result import (
    Difference,
    DifferenceKind,
    LinkStatus,
    VerifyResult,
    render_table,
)
from peerstack.verify._sessions import AwsSessions, SessionFactory

__all__ = [
    "AwsSessions",
    "Difference",
    "DifferenceKind",
    "LinkStatus",
    "SessionFactory",
    "VerifyResult",
    "render_table",
    "verify",
]
