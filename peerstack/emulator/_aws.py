"""The in-process AWS: moto's EC2 and STS, entered through one role per account.

Every account of the plan is reached the way a deploy reaches it: STS ``AssumeRole``
into a role of that account (moto gives the temporary credentials that account).
Accounts that use ambient credentials get a role synthesized in their own account.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, Self, overload

from peerstack.errors import EmulatorError
from peerstack.plan.model import MAIN, AccountPlan, Plan, VpcPlan

if TYPE_CHECKING:
    import boto3
    from botocore.loaders import Loader
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_sts import STSClient

    from peerstack._runtime import Program
    from peerstack.emulator._results import EmulatedDeployment, EmulatedPreview, OnResource
    from peerstack.verify import VerifyResult

__all__ = ["EMULATION_ROLE", "Emulation"]

log = logging.getLogger("peerstack")

EMULATION_ROLE = "peerstack-emulation"
"""Role name synthesized for accounts that use ambient credentials (no ``role_arn``)."""

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_STS_REGION = "us-east-1"


class Emulation:
    """An in-process AWS (moto's EC2 and STS) holding the accounts of a plan.

    Use it as a context manager: entering starts moto and seeds the plan's adopted
    VPCs (with their given VPC and route table ids); leaving discards everything. When
    moto is already active (a test decorated with ``mock_aws``), the emulation joins that
    state instead of starting a fresh one.

    >>> with Emulation(plan) as emu:                        # doctest: +SKIP
    ...     emu.up()
    ...     emu.client("ec2", account="prod", region="eu-west-1").describe_vpcs()
    ...     assert emu.verify().ok
    """

    def __init__(self, plan: Plan) -> None:
        self._plan = plan
        self._mock: Any = None
        self._lock = threading.RLock()
        self._loader: Loader | None = None
        self._credentials: dict[str, dict[str, str]] = {}
        self._sessions: dict[tuple[str, str], boto3.Session] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._deployment: EmulatedDeployment | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> Self:
        """Start moto (or join an active moto) and seed the plan's adopted VPCs."""
        if self._mock is not None:
            return self
        if "MOTO_ACCOUNT_ID" in os.environ:
            raise EmulatorError(
                "MOTO_ACCOUNT_ID is set: moto would put every account's resources in "
                f"account {os.environ['MOTO_ACCOUNT_ID']!r}; unset it to emulate several accounts"
            )
        from moto import mock_aws

        self._mock = mock_aws()
        self._mock.start()
        try:
            for vpc in self._plan.vpcs:
                if not vpc.managed:
                    self._seed_adopted(vpc)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Stop moto; the emulated resources are discarded (unless moto was already active)."""
        mock, self._mock = self._mock, None
        self._clients.clear()
        self._sessions.clear()
        self._credentials.clear()
        if mock is not None:
            mock.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def plan(self) -> Plan:
        return self._plan

    # -- accounts, sessions and clients ----------------------------------------------

    def account_id(self, account: str | AccountPlan) -> str:
        """The 12-digit id of an account given by alias, by id, or as an AccountPlan."""
        if isinstance(account, AccountPlan):
            return account.id
        for known in self._plan.accounts:
            if account in (known.alias, known.id):
                return known.id
        if _ACCOUNT_ID.match(account):
            return account
        aliases = ", ".join(repr(a.alias) for a in self._plan.accounts)
        raise EmulatorError(f"unknown account {account!r}: the plan's accounts are {aliases}")

    def role_arn(self, account_id: str) -> str:
        """The role assumed to act in ``account_id``: the plan's, or a synthesized one."""
        for known in self._plan.accounts:
            if known.id == account_id and known.role_arn:
                return known.role_arn
        return f"arn:aws:iam::{account_id}:role/{EMULATION_ROLE}"

    def session(self, account: str | AccountPlan, region: str) -> boto3.Session:
        """A boto3 session acting in ``account`` (alias, id or AccountPlan) and ``region``.

        Its clients (:meth:`client`) are what :meth:`verify` hands to
        :func:`peerstack.verify.verify`.
        """
        account_id = self.account_id(account)
        key = (account_id, region)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = self._new_session(account_id, region)
                self._sessions[key] = session
            return session

    @overload
    def client(
        self, service: Literal["ec2"], *, account: str | AccountPlan, region: str
    ) -> EC2Client: ...
    @overload
    def client(
        self, service: Literal["sts"], *, account: str | AccountPlan, region: str
    ) -> STSClient: ...
    @overload
    def client(self, service: str, *, account: str | AccountPlan, region: str) -> Any: ...
    def client(self, service: str, *, account: str | AccountPlan, region: str) -> Any:
        """A boto3 client of the emulation, acting in ``account`` and ``region`` (cached)."""
        self._require_running()
        account_id = self.account_id(account)
        key = (service, account_id, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                from botocore.config import Config

                # One attempt: an emulated failure is reported, never retried.
                config = Config(retries={"total_max_attempts": 1})
                session: Any = self.session(account_id, region)
                client = session.client(service, config=config)
                self._clients[key] = client
            return client

    def _require_running(self) -> None:
        if self._mock is None:
            raise EmulatorError(
                "the emulation is not running: use it as a context manager (`with Emulation(plan)`)"
            )

    def _new_session(self, account_id: str, region: str) -> boto3.Session:
        import boto3

        self._require_running()
        credentials = self._credentials.get(account_id)
        if credentials is None:
            credentials = self._assume_role(account_id)
            self._credentials[account_id] = credentials
        return boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=region,
            botocore_session=self._botocore_session(),
        )

    def _botocore_session(self) -> Any:
        import botocore.session

        session = botocore.session.Session()
        # Never follow AWS_ENDPOINT_URL (or a config file's endpoint) to a real address.
        session.set_config_variable("ignore_configured_endpoint_urls", True)
        # Service models are loaded once per emulation, not once per account and region.
        if self._loader is None:
            self._loader = session.get_component("data_loader")
        else:
            session.register_component("data_loader", self._loader)
        return session

    def _assume_role(self, account_id: str) -> dict[str, str]:
        import boto3
        from botocore.exceptions import ClientError

        base = boto3.Session(
            aws_access_key_id="AKIAPEERSTACKEMULATE",
            aws_secret_access_key="emulated",
            region_name=_STS_REGION,
            botocore_session=self._botocore_session(),
        )
        sts: STSClient = base.client("sts")
        from peerstack.verify import assume_role

        known = next((a for a in self._plan.accounts if a.id == account_id), None)
        account = AccountPlan(
            alias=known.alias if known else account_id,
            id=account_id,
            role_arn=self.role_arn(account_id),
            external_id=known.external_id if known else None,
        )
        try:
            creds = assume_role(sts, account, EMULATION_ROLE)
        except ClientError as exc:
            raise EmulatorError(
                f"assuming {account.role_arn!r} in the emulation failed: {exc}"
            ) from exc
        return {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "SessionToken": creds.session_token,
        }

    # -- adopted VPCs ----------------------------------------------------------------

    def _seed_adopted(self, vpc: VpcPlan) -> None:
        """Create an adopted VPC as it exists before peerstack: its own ids, its tables."""
        from botocore.exceptions import ClientError
        from moto.ec2.models import route_tables, vpcs

        assert vpc.vpc_id is not None
        ec2 = self.client("ec2", account=vpc.account_id, region=vpc.region)
        try:
            # Also brings up the region's backend (and its default VPC) before ids are fixed.
            found = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc.vpc_id]}])
            if found["Vpcs"]:
                log.debug("adopted VPC %s already exists in the emulation", vpc.vpc_id)
                return
            name: Any = [{"Key": "Name", "Value": vpc.name}]
            with (
                _next_generated(vpcs, "random_vpc_id", vpc.vpc_id),
                _next_generated(
                    route_tables, "random_route_table_id", vpc.route_table_ids.get(MAIN)
                ),
            ):
                created = ec2.create_vpc(
                    CidrBlock=vpc.cidrs[0],
                    TagSpecifications=[{"ResourceType": "vpc", "Tags": name}],
                )["Vpc"]
            if created["VpcId"] != vpc.vpc_id:
                raise EmulatorError(
                    f"moto gave the adopted VPC {vpc.name!r} the id {created['VpcId']!r} "
                    f"instead of {vpc.vpc_id!r}; this moto version is not supported"
                )
            for cidr in vpc.secondary_cidrs:
                ec2.associate_vpc_cidr_block(VpcId=vpc.vpc_id, CidrBlock=cidr)
            for ipv6 in vpc.ipv6_cidrs:
                with _next_generated(vpcs, "random_ipv6_cidr", ipv6):
                    ec2.associate_vpc_cidr_block(VpcId=vpc.vpc_id, AmazonProvidedIpv6CidrBlock=True)
            for table, rtb_id in vpc.route_table_ids.items():
                if table == MAIN:
                    continue
                with _next_generated(route_tables, "random_route_table_id", rtb_id):
                    made = ec2.create_route_table(
                        VpcId=vpc.vpc_id,
                        TagSpecifications=[
                            {
                                "ResourceType": "route-table",
                                "Tags": [{"Key": "Name", "Value": f"{vpc.name}-{table}"}],
                            }
                        ],
                    )["RouteTable"]
                if made["RouteTableId"] != rtb_id:
                    raise EmulatorError(
                        f"moto gave route table {table!r} of the adopted VPC {vpc.name!r} the "
                        f"id {made['RouteTableId']!r} instead of {rtb_id!r}"
                    )
        except ClientError as exc:
            raise EmulatorError(
                f"seeding the adopted VPC {vpc.name!r} ({vpc.vpc_id}) failed: {exc}"
            ) from exc
        main = vpc.route_table_ids.get(MAIN)
        if main is not None:
            tables = ec2.describe_route_tables(RouteTableIds=[main])["RouteTables"]
            if not any(a.get("Main") for t in tables for a in t.get("Associations", [])):
                raise EmulatorError(
                    f"the main route table of the adopted VPC {vpc.name!r} is not {main!r}"
                )

    # -- running the program -------------------------------------------------------------

    @property
    def deployment(self) -> EmulatedDeployment:
        """The result of :meth:`up` (raises EmulatorError before it)."""
        if self._deployment is None:
            raise EmulatorError("nothing is deployed in this emulation yet: call up() first")
        return self._deployment

    @property
    def outputs(self) -> dict[str, Any]:
        """The stack outputs of the deployed program (ids of VPCs, tables, connections)."""
        return dict(self.deployment.outputs)

    def up(
        self, *, program: Program | None = None, on_resource: OnResource | None = None
    ) -> EmulatedDeployment:
        """Run the program (by default the plan's PeeringTopology), creating every resource."""
        from peerstack._components import topology_program
        from peerstack._runtime import run_program
        from peerstack.emulator._mocks import EmulatorMocks

        self._require_running()
        mocks = EmulatorMocks(self, on_resource=on_resource)
        outputs = run_program(
            program or topology_program(self._plan),
            mocks,
            project="peerstack",
            stack=self._plan.topology,
            preview=False,
        )
        from peerstack.emulator._results import EmulatedDeployment

        self._deployment = EmulatedDeployment(
            plan=self._plan, resources=mocks.resources, outputs=outputs
        )
        return self._deployment

    def preview(self, *, program: Program | None = None) -> EmulatedPreview:
        """Run the program as a preview: list every resource it registers, create nothing.

        Reads (such as discovering an adopted VPC's route tables) are answered by the
        emulation; outputs that AWS would assign are unknown, as in a real preview.
        """
        from peerstack._components import topology_program
        from peerstack._runtime import run_program
        from peerstack.emulator._mocks import EmulatorMocks
        from peerstack.emulator._results import EmulatedPreview

        self._require_running()
        mocks = EmulatorMocks(self, preview=True)
        run_program(
            program or topology_program(self._plan),
            mocks,
            project="peerstack",
            stack=self._plan.topology,
            preview=True,
        )
        return EmulatedPreview(plan=self._plan, resources=mocks.resources)

    def verify(self) -> VerifyResult:
        """Compare the emulated network with the plan (ids from the deployment's outputs)."""
        from peerstack.verify import verify

        self._require_running()
        outputs = self._deployment.outputs if self._deployment is not None else None

        from peerstack._gc import long_lived_objects_frozen

        with long_lived_objects_frozen():  # the deploy's objects are still alive: skip them
            # The emulation's cached clients: building a botocore client costs about 0.1 s,
            # once per account and region, which the deploy already paid.
            return verify(
                self._plan,
                clients=lambda account, region: self.client("ec2", account=account, region=region),
                outputs=outputs,
            )


@contextlib.contextmanager
def _next_generated(module: ModuleType, name: str, value: str | None) -> Iterator[None]:
    """Make moto's generator ``module.name`` return ``value`` once, then behave as before.

    moto has no custom ids for EC2; an adopted VPC must keep the id its topology gives.
    """
    if value is None:
        yield
        return
    original = getattr(module, name)
    pending = [value]

    def generate(*args: Any, **kwargs: Any) -> Any:
        if pending:
            return pending.pop()
        return original(*args, **kwargs)

    setattr(module, name, generate)
    try:
        yield
    finally:
        setattr(module, name, original)
