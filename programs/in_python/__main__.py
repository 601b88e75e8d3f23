"""A topology written in Python instead of YAML: a shared-services hub and two spokes.

    cd programs/in_python
    pulumi stack init dev
    pulumi up

The models are the same the YAML loader builds, with the same checks: an invalid
topology raises ``TopologyError`` (every problem at once) before anything is registered.
"""

from __future__ import annotations

from peerstack import Account, Defaults, Hub, PeeringTopology, Subnet, Topology, Vpc

topology = Topology(
    name="inpython",
    defaults=Defaults(
        account="network",
        region="us-east-1",
        dns_resolution=True,
        tags={"owner": "platform"},
    ),
    accounts={
        "network": Account(id="111111111111"),
        # Another account: its VPC is reached by assuming this role, and its provider
        # accepts the peering request in that account.
        "apps": Account(
            id="222222222222",
            role_arn="arn:aws:iam::222222222222:role/peerstack",
            external_id="inpython-peering",
        ),
    },
    vpcs={
        "shared": Vpc(
            cidr="10.0.0.0/16",
            subnets=[Subnet(name="tools", cidr="10.0.1.0/24", az="a", route_table="tools")],
        ),
        "app-us": Vpc(account="apps", cidr="10.1.0.0/16"),
        "app-eu": Vpc(account="apps", region="eu-west-1", cidr="10.2.0.0/16"),
    },
    hubs=[Hub(hub="shared", spokes=["app-us", "app-eu"])],
)

PeeringTopology(topology.name, topology).export()
