"""Webex Campaign: create campaign, deployments and the event-triggered instant deployment API."""

from __future__ import annotations

import functools

from sandbox.core.auth import bearer_header, bearer_secret, fixture_credentials, token68
from sandbox.core.vendor import Docs, Shown, Vendor
from sandbox.vendors.webex import errors, routes
from sandbox.vendors.webex.machines import DEPLOYMENT_MACHINE, EVENT_MACHINE
from sandbox.vendors.webex.models import seed_tenant
from sandbox.vendors.webex.schemas import EXAMPLES, ErrorSchema, WebexSettingsSchema

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
    auth_header=bearer_header,
    well_formed=token68,
    fixture_credentials=functools.partial(fixture_credentials, "webex"),
    seed_tenant=seed_tenant,
    settings_schema=WebexSettingsSchema,
    machines=(DEPLOYMENT_MACHINE, EVENT_MACHINE),
    shown=(
        Shown("campaigns", "Campaigns", status=None),
        Shown("deployments", "Deployments", machine=DEPLOYMENT_MACHINE.name),
        Shown("events", "Events", title="eventId", machine=EVENT_MACHINE.name),
    ),
    docs=Docs(
        title="Webex Campaign",
        description="Create Campaign (seed 000), deployments, and the Event API (seed 004), emulated.",
        security={"bearer": {"type": "http", "scheme": "bearer", "description": "Access token or API secret key"}},
        demo_secret="demo-webex-api-key-0001",
        error_schema=ErrorSchema,
        examples=EXAMPLES,
    ),
)
