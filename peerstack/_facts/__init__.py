"""What AWS is, written down once: each fact with its source, imported by every layer.

- :mod:`~peerstack._facts.regions`: regions, partitions, zones (botocore's own data),
  and the region STS is called in for a partition;
- :mod:`~peerstack._facts.tags`: tag limits and the keys peerstack owns;
- :mod:`~peerstack._facts.peering`: the states of a peering connection;
- :mod:`~peerstack._facts.quotas`: the service quotas the plan checks, their defaults,
  maxima and names in the Service Quotas console;
- :mod:`~peerstack._facts.credentials`: what to tell a user whose credentials fail.

Pure data and small functions: no Pulumi, no boto3, nothing of peerstack above
``errors``. What the AWS *provider* and the Pulumi *engine* do is in
:mod:`peerstack._provider`.
"""
