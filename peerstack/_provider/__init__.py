"""What the AWS provider and the Pulumi engine do, written down once, with citations.

- :mod:`~peerstack._provider.tokens`: the Pulumi type tokens peerstack registers;
- :mod:`~peerstack._provider.changes`: which inputs force a replacement (``ForceNew``)
  and what a delete does in AWS, per resource type;
- :mod:`~peerstack._provider.calls`: which AWS API calls the provider makes per
  resource type and operation (what IAM must allow).

Read in terraform-provider-aws (which pulumi-aws v7 bridges, ``internal/service/ec2``)
and the Pulumi engine (``pkg/resource/deploy``); each table cites the file it comes from,
so the next reader can check it against the version users run. Pure data.
"""
