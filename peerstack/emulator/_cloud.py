"""The in-process AWS: moto's EC2 and STS, entered through one role per account.

Every account is reached the way a deploy reaches it: STS ``AssumeRole`` into a role of
that account (moto gives the temporary credentials that account). Accounts that use
ambient credentials get a role synthesized in their own account. No Pulumi here: this is
only the cloud, which the emulated engine (``_engine.py``) creates resources in.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, overload

from peerstack._facts.regions import partition, signing_region
from peerstack.errors import EmulatorError
from peerstack.plan import DISCOVERED, MAIN, AcceptPlan, AccountPlan, LinkPlan, Plan, VpcPlan

if TYPE_CHECKING:
    import boto3
    from botocore.loaders import Loader
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_sts import STSClient

__all__ = [
    "DEFAULT_CREDENTIALS",
    "EMULATION_ROLE",
    "CallObserver",
    "EmulatedAws",
    "unkept_running",
]

log = logging.getLogger("peerstack")

EMULATION_ROLE = "peerstack-emulation"
"""Role name synthesized for accounts that use ambient credentials (no ``role_arn``)."""

_ACCOUNT_ID = re.compile(r"^\d{12}$")
DEFAULT_CREDENTIALS = ("AKIAPEERSTACKEMULATE", "emulated")
"""What roles are assumed with unless IAM is enforced (moto then accepts any)."""

CallObserver = Callable[[str, str, str, dict[str, Any]], None]
"""Told of every call a client of the emulation makes: ``(account id, region, action
such as ec2:CreateVpc, parameters)``, before it is sent."""


class EmulatedAws:
    """moto's EC2 and STS, holding any number of accounts and regions.

    ``start()`` starts moto (or joins one that is already active, as in a test decorated
    with ``mock_aws``); ``close()`` discards everything it started. Accounts are known by
    the :class:`~peerstack.plan.AccountPlan` objects given to :meth:`know`, so a later
    topology can bring more accounts.

    moto is one per process, and holds one *world* at a time: every account of every
    service (EC2, STS, IAM). An emulation that keeps a checkpoint to come back to (a
    *keeper*, see :meth:`keep`) owns the world it deployed in until another emulation
    starts: its world is then set aside whole and the newcomer gets an empty one; the
    keeper is displaced (using it raises EmulatorError) until it restores its checkpoint
    (:meth:`claim` puts its world back), and what the newcomer made is discarded when it
    closes. Keepers can also be parked between uses (:meth:`park_keepers`): their worlds
    set aside and moto stopped as if they were closed, so that code running meanwhile
    finds no moto of theirs.
    """

    _running: ClassVar[list[EmulatedAws]] = []
    _keepers: ClassVar[list[EmulatedAws]] = []
    _owner: ClassVar[EmulatedAws | None] = None
    """The keeper whose world moto holds now, if any."""

    def __init__(self, accounts: Iterable[AccountPlan] = ()) -> None:
        self._mock: Any = None
        self._lock = threading.RLock()
        self._loader: Loader | None = None
        self._accounts: dict[str, AccountPlan] = {}
        self._credentials: dict[str, dict[str, str]] = {}
        self._sessions: dict[tuple[str, str], boto3.Session] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self.base_credentials: tuple[str, str] = DEFAULT_CREDENTIALS
        """The credentials every role is assumed with (moto accepts any while IAM is
        not enforced; see ``peerstack.emulator.enforce_iam``)."""
        self.call_observers: list[CallObserver] = []
        self._world: World = {}
        self._displaced = False
        self._displaces = False
        self._stopped = False
        self.know(accounts)

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> Self:
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
        if EmulatedAws._owner is not None:
            EmulatedAws._set_aside()
            self._displaces = True
        EmulatedAws._running.append(self)
        return self

    def close(self) -> None:
        mock, self._mock = self._mock, None
        self.forget_credentials()
        _discard(EmulatedAws._running, self)
        _discard(EmulatedAws._keepers, self)
        owned = EmulatedAws._owner is self
        if owned:
            EmulatedAws._owner = None
        moto_stays = any(not k._stopped for k in EmulatedAws._keepers)
        if (owned or self._displaces) and moto_stays:
            # What this one made must not show in the next emulation's world.
            _detach_world()
        self._displaces = self._displaced = False
        self._world = {}
        if mock is not None and not self._stopped:
            mock.stop()
        self._stopped = False

    def keep(self) -> None:
        """Mark this cloud as a keeper: it owns the world it runs in, and can claim it back."""
        self.require_running()
        if self not in EmulatedAws._keepers:
            EmulatedAws._keepers.append(self)
        EmulatedAws._owner = self
        self._world = _capture_world()

    def claim(self) -> None:
        """Put this keeper's world back in moto (setting the current one aside), before
        restoring a checkpoint into it: refused while an emulation that keeps nothing
        runs beside this one (its resources would vanish)."""
        if self._mock is None:
            self.require_running()
        others = [c for c in EmulatedAws._running if c is not self and c not in self._keepers]
        if others:
            raise EmulatorError(
                f"{len(others)} other emulation(s) are running in this process and share "
                "moto with this one: restoring a checkpoint would discard their resources; "
                "close them first (or restore before starting them)"
            )
        if self._stopped:
            self._mock.start()  # with nothing installed: moto's reset finds nothing of ours
            self._stopped = False
        if EmulatedAws._owner is not self:
            EmulatedAws._set_aside()
            _install_world(self._world)
        EmulatedAws._owner = self
        self._displaced = False
        if self not in EmulatedAws._keepers:
            EmulatedAws._keepers.append(self)

    @classmethod
    def park_keepers(cls) -> None:
        """Between two uses of the keepers: set the current world aside and stop moto as
        if they were closed (its patches and fake credentials gone, the next moto empty).

        Nothing happens while an emulation without a checkpoint runs.
        """
        if not cls._keepers or unkept_running():
            return
        cls._set_aside()
        for keeper in cls._keepers:
            keeper._displaced = True
            if not keeper._stopped:
                keeper._stopped = True
                keeper._mock.stop()

    @classmethod
    def _set_aside(cls) -> None:
        """The owner's world leaves moto (kept by its owner, now displaced)."""
        owner, cls._owner = cls._owner, None
        if owner is not None:
            owner._world = _capture_world()
            owner._displaced = True
        _detach_world()

    def forget_credentials(self) -> None:
        """Drop every role's credentials, session and client: the next call assumes anew."""
        with self._lock:
            self._clients.clear()
            self._sessions.clear()
            self._credentials.clear()

    @property
    def running(self) -> bool:
        return self._mock is not None

    def require_running(self) -> None:
        if self._mock is None:
            raise EmulatorError(
                "the emulation is not running: use it as a context manager "
                "(`with Emulation(plan) as env:`)"
            )
        if self._displaced:
            raise EmulatorError(
                "another emulation started in this process since this one's checkpoint and "
                "moto's EC2 now holds its resources, not these: call restore() (or reset()) "
                "on this emulation before using it again"
            )

    # -- accounts ----------------------------------------------------------------------

    def know(self, accounts: Iterable[AccountPlan]) -> None:
        """Learn (or update) accounts by alias; their ids become reachable."""
        with self._lock:
            for account in accounts:
                known = self._accounts.get(account.alias)
                if known is not None and known.id != account.id:
                    # The alias now names another account: forget the old credentials.
                    self._credentials.pop(known.id, None)
                self._accounts[account.alias] = account

    @property
    def accounts(self) -> tuple[AccountPlan, ...]:
        return tuple(self._accounts.values())

    def account_id(self, account: str | AccountPlan) -> str:
        """The 12-digit id of an account given by alias, by id, or as an AccountPlan."""
        if isinstance(account, AccountPlan):
            return account.id
        known = self._accounts.get(account)
        if known is not None:
            return known.id
        if _ACCOUNT_ID.match(account):
            return account
        aliases = ", ".join(repr(a) for a in self._accounts)
        raise EmulatorError(f"unknown account {account!r}: the known accounts are {aliases}")

    def role_arn(self, account_id: str) -> str:
        """The role assumed to act in ``account_id``: the topology's, or a synthesized one."""
        for known in self._accounts.values():
            if known.id == account_id and known.role_arn:
                return known.role_arn
        return f"arn:aws:iam::{account_id}:role/{EMULATION_ROLE}"

    def signing_region(self, account_id: str) -> str:
        """Where the account's STS and IAM calls go: its partition's signing region."""
        known = next((a for a in self._accounts.values() if a.id == account_id), None)
        if known is not None:
            return known.signing_region
        return signing_region(partition("us-east-1"))

    # -- sessions and clients ----------------------------------------------------------

    def session(self, account: str | AccountPlan, region: str) -> boto3.Session:
        """A boto3 session acting in ``account`` (alias, id or AccountPlan) and ``region``."""
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
        """A boto3 client acting in ``account`` and ``region`` (cached)."""
        self.require_running()
        account_id = self.account_id(account)
        key = (service, account_id, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                from botocore.config import Config

                # One attempt: an emulated failure is reported, never retried.
                config = Config(retries={"total_max_attempts": 1})
                client = self.session(account_id, region).client(service, config=config)  # type: ignore[call-overload]
                client.meta.events.register(
                    "before-parameter-build", functools.partial(self._observe, account_id, region)
                )
                self._clients[key] = client
            return client

    def _observe(self, account_id: str, region: str, *, model: Any, params: Any, **_: Any) -> None:
        if not self.call_observers:
            return
        prefix = model.service_model.signing_name or model.service_model.endpoint_prefix
        action = f"{prefix}:{model.name}"
        for observer in list(self.call_observers):
            observer(account_id, region, action, dict(params or {}))

    def ec2(self, account: str | AccountPlan, region: str) -> EC2Client:
        """``client("ec2", ...)``: the seam verify reads the emulation through."""
        return self.client("ec2", account=account, region=region)

    def backend(self, account_id: str, region: str) -> Any:
        """moto's own EC2 backend of one account and region (for the rules moto skips)."""
        from moto.ec2.models import ec2_backends

        return ec2_backends[account_id][region]

    def _new_session(self, account_id: str, region: str) -> boto3.Session:
        import boto3

        self.require_running()
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
        # Service models are loaded once, not once per account and region.
        if self._loader is None:
            self._loader = session.get_component("data_loader")
        else:
            session.register_component("data_loader", self._loader)
        return session

    def _assume_role(self, account_id: str) -> dict[str, str]:
        import boto3
        from botocore.exceptions import ClientError

        key, secret = self.base_credentials
        base = boto3.Session(
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            region_name=self.signing_region(account_id),
            botocore_session=self._botocore_session(),
        )
        sts: STSClient = base.client("sts")
        from peerstack.verify import assume_role

        known = next((a for a in self._accounts.values() if a.id == account_id), None)
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

    # -- adopted VPCs --------------------------------------------------------------------

    def seed(self, vpc: VpcPlan) -> None:
        """Create an adopted VPC as it exists before peerstack: its own ids, its tables.

        Nothing happens when the VPC already exists (a second topology adopting it, or a
        VPC a previous topology created and handed over). The VPC stands for what existed
        before peerstack: its seeding is never subject to enforced IAM policies, nor seen
        by call observers.
        """
        with self._not_peerstacks():
            self._seed(vpc)

    def _seed(self, vpc: VpcPlan) -> None:
        from botocore.exceptions import ClientError
        from moto.ec2.models import route_tables, vpcs

        assert vpc.vpc_id is not None
        ec2 = self.ec2(vpc.account_id, vpc.region)
        try:
            # Also brings up the region's backend (and its default VPC) before ids are fixed.
            found = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc.vpc_id]}])
            if found["Vpcs"]:
                log.debug("adopted VPC %s already exists in the emulation", vpc.vpc_id)
                self._seed_groups(ec2, vpc)
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
            self._seed_groups(ec2, vpc)
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

    def _seed_groups(self, ec2: Any, vpc: VpcPlan) -> None:
        """The security groups an adopted VPC's topology names, with their own ids (empty:
        whatever rules they had before peerstack are not known)."""
        from moto.ec2.models import security_groups

        backend = self.backend(vpc.account_id, vpc.region)
        for name, group_id in vpc.security_groups.items():
            # Looked up in moto itself: seeding again on every up makes no API call.
            if backend.get_security_group_from_id(group_id) is not None:
                continue
            with _next_generated(security_groups, "random_security_group_id", group_id):
                made = ec2.create_security_group(
                    GroupName=f"{vpc.name}-{name}",
                    Description=f"{name} of {vpc.name}, as it exists before peerstack",
                    VpcId=vpc.vpc_id,
                )
            if made["GroupId"] != group_id:
                raise EmulatorError(
                    f"moto gave security group {name!r} of the adopted VPC {vpc.name!r} the id "
                    f"{made['GroupId']!r} instead of {group_id!r}"
                )

    # -- adopted peering connections ---------------------------------------------------------

    def seed_peering(self, plan: Plan, link: LinkPlan) -> None:
        """Create the connection an adopted link names, active, as it exists before
        peerstack (with the link's routes when the link imports them).

        Nothing happens when a connection with that id exists already (in any state: a
        deleted one stays visible for a while, as in AWS). Like adopted VPCs, never
        subject to enforced IAM policies, nor seen by call observers.
        """
        with self._not_peerstacks():
            self._seed_peering(plan, link)

    def _seed_peering(self, plan: Plan, link: LinkPlan) -> None:
        from botocore.exceptions import ClientError
        from moto.ec2.models import vpc_peering_connections

        assert link.existing_id is not None
        requester, accepter = plan.vpc(link.requester), plan.vpc(link.accepter)
        ec2 = self.ec2(requester.account_id, requester.region)
        try:
            found = ec2.describe_vpc_peering_connections(
                Filters=[{"Name": "vpc-peering-connection-id", "Values": [link.existing_id]}]
            )["VpcPeeringConnections"]
            if found:
                log.debug("adopted connection %s already exists in the emulation", link.existing_id)
                return
            kwargs: dict[str, Any] = {"VpcId": requester.vpc_id, "PeerVpcId": accepter.vpc_id}
            if link.peer_owner_id:
                kwargs["PeerOwnerId"] = link.peer_owner_id
            if link.peer_region:
                kwargs["PeerRegion"] = link.peer_region
            with _next_generated(
                vpc_peering_connections, "random_vpc_peering_connection_id", link.existing_id
            ):
                created = ec2.create_vpc_peering_connection(**kwargs)["VpcPeeringConnection"]
            if created["VpcPeeringConnectionId"] != link.existing_id:
                raise EmulatorError(
                    f"moto gave the adopted connection of link {link.name!r} the id "
                    f"{created['VpcPeeringConnectionId']!r} instead of {link.existing_id!r}"
                )
            self.ec2(accepter.account_id, accepter.region).accept_vpc_peering_connection(
                VpcPeeringConnectionId=link.existing_id
            )
            if link.imports_routes:
                for route in plan.routes_over(link.name):
                    self._seed_route(
                        plan.vpc(route.vpc), route.route_table, route.destination, link.existing_id
                    )
        except ClientError as exc:
            raise EmulatorError(
                f"seeding the adopted connection {link.existing_id} of link {link.name!r} "
                f"failed: {exc}"
            ) from exc

    # -- requests from outside the organisation ----------------------------------------------

    def seed_request(self, plan: Plan, accept: AcceptPlan) -> None:
        """Make the request an outside party made: a VPC with the peer's blocks in the
        peer's account and region, and a connection from it to our VPC, pending acceptance,
        with the id the topology gives.

        Nothing happens when a connection with that id exists already (in any state, as
        for adopted connections). Like adopted VPCs, the partner's doing: never subject to
        enforced IAM policies, nor seen by call observers.
        """
        with self._not_peerstacks():
            self._seed_request(plan, accept)

    @contextlib.contextmanager
    def _not_peerstacks(self) -> Iterator[None]:
        """Calls made for what exists before peerstack (adopted VPCs and connections, a
        partner's request) are not the deploy's: no enforced IAM, and no observers (call
        records, policy checks), which see only what the deploy does."""
        from moto.core import disable_iam_authentication

        observers, self.call_observers = self.call_observers, []
        try:
            with disable_iam_authentication():
                yield
        finally:
            self.call_observers = observers

    def _seed_request(self, plan: Plan, accept: AcceptPlan) -> None:
        from botocore.exceptions import ClientError
        from moto.ec2.models import vpc_peering_connections

        peer = accept.peer
        own = plan.vpc(accept.vpc)
        ec2 = self.ec2(peer.account_id, peer.region)
        try:
            found = ec2.describe_vpc_peering_connections(
                Filters=[{"Name": "vpc-peering-connection-id", "Values": [accept.peering_id]}]
            )["VpcPeeringConnections"]
            if found:
                log.debug("the request %s already exists in the emulation", accept.peering_id)
                return
            vpc = ec2.create_vpc(
                CidrBlock=peer.cidrs[0],
                TagSpecifications=[
                    {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": peer.name}]}
                ],
            )["Vpc"]
            for cidr in peer.cidrs[1:]:
                ec2.associate_vpc_cidr_block(VpcId=vpc["VpcId"], CidrBlock=cidr)
            kwargs: dict[str, Any] = {"VpcId": vpc["VpcId"], "PeerVpcId": str(own.vpc_id)}
            if accept.cross_account:
                kwargs["PeerOwnerId"] = own.account_id
            if accept.cross_region:
                kwargs["PeerRegion"] = own.region
            with _next_generated(
                vpc_peering_connections, "random_vpc_peering_connection_id", accept.peering_id
            ):
                created = ec2.create_vpc_peering_connection(**kwargs)["VpcPeeringConnection"]
        except ClientError as exc:
            raise EmulatorError(
                f"seeding the request {accept.peering_id} from {peer.name!r} "
                f"({peer.account_id}, {peer.region}) to {own.name!r} failed: {exc}"
            ) from exc
        if created["VpcPeeringConnectionId"] != accept.peering_id:
            raise EmulatorError(
                f"moto gave the request from {peer.name!r} the id "
                f"{created['VpcPeeringConnectionId']!r} instead of {accept.peering_id!r}"
            )

    def _seed_route(self, vpc: VpcPlan, table: str, destination: str, pcx_id: str) -> None:
        ec2 = self.ec2(vpc.account_id, vpc.region)
        if table == DISCOVERED:
            tables = ec2.describe_route_tables(
                Filters=[{"Name": "vpc-id", "Values": [str(vpc.vpc_id)]}]
            )["RouteTables"]
            ids = [t["RouteTableId"] for t in tables]
        else:
            ids = [vpc.route_table_ids[table]]
        for rtb_id in ids:
            if ":" in destination:
                ec2.create_route(
                    RouteTableId=rtb_id,
                    VpcPeeringConnectionId=pcx_id,
                    DestinationIpv6CidrBlock=destination,
                )
            else:
                ec2.create_route(
                    RouteTableId=rtb_id,
                    VpcPeeringConnectionId=pcx_id,
                    DestinationCidrBlock=destination,
                )


def unkept_running() -> int:
    """How many emulations without a checkpoint run in this process (sharing moto)."""
    return sum(1 for c in EmulatedAws._running if c not in EmulatedAws._keepers)


World = dict[Any, dict[str, Any]]
"""moto's BackendDict of each service -> its accounts (AccountSpecificBackend objects)."""


def _capture_world() -> World:
    from moto.core.base_backend import BackendDict, backend_lock

    with backend_lock:
        return {services: dict(dict.items(services)) for services in BackendDict._instances}


def _detach_world() -> None:
    """Empty every moto service: the next call gets new backends, as in a fresh moto."""
    from moto.core.base_backend import BackendDict, backend_lock

    with backend_lock:
        for services in BackendDict._instances:
            dict.clear(services)


def _install_world(world: World) -> None:
    from moto.core.base_backend import BackendDict, backend_lock

    with backend_lock:
        for services, accounts in world.items():
            dict.update(services, accounts)
            if services not in BackendDict._instances:
                BackendDict._instances.append(services)


def _discard(clouds: list[EmulatedAws], cloud: EmulatedAws) -> None:
    if cloud in clouds:
        clouds.remove(cloud)


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
