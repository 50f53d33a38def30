"""Zexa messaging API: broadcast campaigns on the clock, contacts, sender ids, credits and signed webhooks."""

from __future__ import annotations

import functools

from sandbox.core.auth import bearer_header, bearer_secret, fixture_credentials, token68
from sandbox.core.vendor import Docs, Shown, Vendor
from sandbox.vendors.zexa import control, errors, routes
from sandbox.vendors.zexa.machines import MACHINE
from sandbox.vendors.zexa.models.base import VENDOR as NAME
from sandbox.vendors.zexa.models.seed import seed_tenant
from sandbox.vendors.zexa.schemas import EXAMPLES, ErrorSchema, ZexaSettingsSchema

VENDOR = Vendor(
    name=NAME,
    hosts=("api.zexa.ao",),
    grants=(routes.GRANT,),
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
    fixture_credentials=functools.partial(fixture_credentials, NAME),
    seed_tenant=seed_tenant,
    settings_schema=ZexaSettingsSchema,
    machines=(MACHINE,),
    shown=(
        Shown("campaigns", "Campaigns", machine=MACHINE.name, progress=("delivered", "failed", "total_contacts")),
        Shown("contacts", "Contacts", status="status"),
    ),
    control=control.bp,
    docs=Docs(
        title="Zexa",
        description="Broadcast campaigns, contacts, sender ids, credits and webhooks (seed 002), emulated.",
        security={"bearer": {"type": "http", "scheme": "bearer", "description": "Your Zexa API key"}},
        demo_secret="demo-zexa-api-key-0001",
        error_schema=ErrorSchema,
        examples=EXAMPLES,
    ),
)
