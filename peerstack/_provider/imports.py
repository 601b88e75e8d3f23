"""Import ids: how the AWS provider names an existing resource to take over.

- terraform-provider-aws ``internal/provider/sdkv2/region.go`` (``importRegion``): an
  import id may end with ``@<region>``; the provider then reads the resource in that
  region and strips the suffix before the resource's own importer runs. Without it, the
  provider's own region is used, whatever the resource's ``region`` says (pulumi-aws
  #5523, #5697): an import outside the provider's region must carry its region.
- ``internal/service/ec2/vpc_route.go`` (``resourceRouteImport``): a route's import id
  is ``ROUTETABLEID_DESTINATION``; a peering connection's is its id.

The Pulumi engine imports when a registration's import id differs from the one its
state recorded (pulumi ``pkg/resource/deploy/step_generator.go``, ``isImport``, which
falls back to the state's resource id): a stack must keep one import id per resource.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["REGION_SUFFIX", "import_id", "route_import_id", "split_import_id"]

REGION_SUFFIX: Final = re.compile(r"^(.+)@([a-z]{2}(?:-[a-z]+)+-\d{1,2})$")
"""The provider's own pattern for ``<id>@<region>`` (region.go, importRegion)."""


def import_id(resource_id: str, region: str, provider_region: str | None) -> str:
    """``resource_id``, with ``@region`` when the provider acts in another region."""
    if provider_region is not None and region == provider_region:
        return resource_id
    return f"{resource_id}@{region}"


def route_import_id(
    table_id: str, destination: str, region: str, provider_region: str | None
) -> str:
    """A route's import id: ``rtb-..._10.0.0.0/16``, with ``@region`` when needed."""
    return import_id(f"{table_id}_{destination}", region, provider_region)


def split_import_id(value: str, provider_region: str | None) -> tuple[str, str | None]:
    """``(id, region)`` as the provider reads an import id: the region of its suffix, else
    the provider's own."""
    match = REGION_SUFFIX.match(value)
    if match is not None:
        return match.group(1), match.group(2)
    return value, provider_region
