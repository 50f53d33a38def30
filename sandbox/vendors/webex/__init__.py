"""Webex Campaign: create campaign, deployments and the event-triggered instant deployment API."""

from __future__ import annotations

import functools
import re

from sandbox.core.auth import bearer_secret, fixture_credentials
from sandbox.core.vendor import Vendor
from sandbox.vendors.webex import errors, routes
from sandbox.vendors.webex.machines import DEPLOYMENT_MACHINE, EVENT_MACHINE
from sandbox.vendors.webex.models import seed_tenant
from sandbox.vendors.webex.schemas import WebexSettingsSchema

# [decided] A well-formed key: 8-256 token68 characters (RFC 7235), as an API secret or access token is.
_KEY = re.compile(r"^[A-Za-z0-9._~+/=-]{8,256}$")

VENDOR = Vendor(
    name="webex",
    hosts=("*.webexcampaign.io", "webexcampaign.io", "*.webexcampaign.com", "*.imicampaign.io"),
    grants=("campaigns", "events"),
    catalogue=errors.CATALOGUE,
    routes=routes.bp,
    render=errors.render,
    http_error=errors.http_error,
    auth_error=errors.auth_error,
    invalid_json=errors.invalid_json,
    invalid=errors.invalid,
    extract_secret=bearer_secret,
    auth_header=lambda secret: {"Authorization": f"Bearer {secret}"},
    well_formed=lambda secret: bool(_KEY.match(secret)),
    fixture_credentials=functools.partial(fixture_credentials, "webex"),
    seed_tenant=seed_tenant,
    settings_schema=WebexSettingsSchema,
    machines=(DEPLOYMENT_MACHINE, EVENT_MACHINE),
)
