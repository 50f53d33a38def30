"""Webex Campaign: create campaign, deployments and the event-triggered instant deployment API."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from sandbox.core.auth import bearer_secret, fixture_credentials
from sandbox.core.context import table_name
from sandbox.registry import Vendor
from sandbox.vendors.webex import errors, routes
from sandbox.vendors.webex.schemas import WebexSettingsSchema

if TYPE_CHECKING:
    from sandbox.core.context import Sandbox

# [decided] A well-formed key: 8-256 token68 characters (RFC 7235), as an API secret or access token is.
_KEY = re.compile(r"^[A-Za-z0-9._~+/=-]{8,256}$")


def seed_tenant(sandbox: Sandbox, tenant: str) -> None:
    """Every tenant starts with the fixtures' categories and event definitions."""
    fixtures = sandbox.fixtures["webex"]
    for collection in ("categories", "event_definitions"):
        for record in fixtures.get(collection) or []:
            sandbox.store.put(table_name("webex", collection, tenant), str(record["id"]), record)


VENDOR = Vendor(
    name="webex",
    hosts=("*.webexcampaign.io", "webexcampaign.io", "*.webexcampaign.com", "*.imicampaign.io"),
    grants=("campaigns", "events"),
    catalogue=errors.CATALOGUE,
    blueprint=routes.blueprint,
    render=errors.render,
    http_error=errors.http_error,
    auth_error=errors.auth_error,
    invalid_json=errors.invalid_json,
    extract_secret=bearer_secret,
    auth_header=lambda secret: {"Authorization": f"Bearer {secret}"},
    well_formed=lambda secret: bool(_KEY.match(secret)),
    fixture_credentials=functools.partial(fixture_credentials, "webex"),
    seed_tenant=seed_tenant,
    settings_schema=WebexSettingsSchema,
)
