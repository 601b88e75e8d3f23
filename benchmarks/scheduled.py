"""Scheduled requests: a mesh far past the outstanding-request quota deploys in one ``up``.

AWS lets an account have 25 peering requests pending acceptance at once. A 40-VPC mesh
over two accounts and two regions requests about 300 links per account that another
account or region must accept; the plan schedules them in windows of 25 (a request
waits for the acceptance of one a window earlier), and the emulation, which counts
pending requests per account at every moment and fails past the quota as AWS does,
deploys and verifies the whole mesh at the default quota.

Figures: links, requests per account, windows, the dependency depth (it grows by one
request-and-acceptance per window), and the seconds ``up --emulate`` takes, verify
included. Without the schedule the same deploy fails on the 26th pending request.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter

from benchmarks._figures import Figure
from benchmarks.depth import STEP, depth_and_windows
from benchmarks.emulated import emulated_up
from benchmarks.overhead import refused
from benchmarks.topologies import mesh_over_accounts
from peerstack import Plan, build_plan, topology_from_data
from peerstack.errors import EmulatorError

SIZE = 40
ACCOUNTS = 2
BASE_DEPTH = 5
"""Provider > Vpc > connection > accepter > options: the chain when nothing waits."""


def unscheduled(plan: Plan) -> Plan:
    """The same plan with every request made at once."""
    links = tuple(dataclasses.replace(link, waits_for=None) for link in plan.links)
    return dataclasses.replace(plan, links=links)


def run(*, quick: bool = False) -> list[Figure]:
    data = mesh_over_accounts(SIZE, accounts=ACCOUNTS)
    plan = build_plan(topology_from_data(data))
    quota = plan.quotas["outstanding_requests_per_account"]
    requests = Counter(link.requester_account_id for link in plan.links if link.needs_accepter)
    path, resources, count = depth_and_windows(data)
    name = f"up --emulate, {SIZE}-VPC mesh over {ACCOUNTS} accounts and 2 regions"

    start = time.perf_counter()
    try:
        verified = emulated_up(plan)
    except EmulatorError as exc:
        return [refused(name, f"the scheduled deploy failed: {exc}")]
    seconds = time.perf_counter() - start
    if not verified:
        return [refused(name, "the scheduled deploy does not verify")]

    figures = [
        Figure(
            name=f"links of a {SIZE}-VPC mesh over {ACCOUNTS} accounts x 2 regions",
            value=len(plan.links),
            unit="links",
            target="(report)",
            ok=True,
            detail="requests to accept per account: "
            + ", ".join(f"{n}" for _, n in sorted(requests.items()))
            + f"; quota {quota} pending at once",
        ),
        Figure(
            name="  windows of requests",
            value=count,
            unit="win",
            target=f"= ceil(most requests / {quota})",
            ok=count == -(-max(requests.values()) // quota),
        ),
        Figure(
            name="  dependency depth",
            value=len(path),
            unit="res",
            target=f"<= {BASE_DEPTH} + {STEP} per window after the first",
            ok=len(path) <= BASE_DEPTH + STEP * (count - 1),
            detail=f"{resources} resources",
        ),
        Figure(
            name=name,
            value=seconds,
            unit="s",
            target="deploys and verifies",
            ok=True,
            detail=f"at the default quota of {quota} pending requests per account",
        ),
    ]
    if not quick:
        try:
            emulated_up(unscheduled(plan))
        except EmulatorError as exc:
            failed = "PendingVpcPeeringConnectionLimitExceeded" in str(exc)
            detail = "fails: PendingVpcPeeringConnectionLimitExceeded" if failed else str(exc)
        else:
            failed, detail = False, "deployed: the emulation did not enforce the quota"
        figures.append(
            Figure(
                name="  the same deploy without the schedule",
                value=float(failed),
                unit="failed",
                target="= 1 (AWS would refuse it)",
                ok=failed,
                detail=detail,
            )
        )
    return figures
