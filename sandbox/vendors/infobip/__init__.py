"""Infobip 10DLC number registration: brands, vets, campaigns, number pools and their reviews on the clock."""

from __future__ import annotations

import functools

from sandbox.core.auth import fixture_credentials
from sandbox.core.vendor import Docs, Shown, Vendor
from sandbox.vendors.infobip import auth, errors, routes
from sandbox.vendors.infobip.machines import BRAND, CAMPAIGN, POOL, VET
from sandbox.vendors.infobip.models.seed import seed_tenant
from sandbox.vendors.infobip.schemas import ANSWER_EXAMPLES, COMPONENTS, EXAMPLES, InfobipSettingsSchema

VENDOR = Vendor(
    name="infobip",
    hosts=("*.api.infobip.com", "api.infobip.com"),
    grants=(routes.GRANT,),
    catalogue=errors.CATALOGUE,
    routes=routes.bp,
    render=errors.render,
    http_error=errors.http_error,
    auth_error=errors.auth_error,
    invalid_json=errors.invalid_json,
    invalid=errors.invalid_fields,
    extract_secret=auth.extract_secret,
    auth_header=auth.auth_header,
    well_formed=auth.well_formed,
    fixture_credentials=functools.partial(fixture_credentials, "infobip", secret_of=auth.secret_of),
    seed_tenant=seed_tenant,
    settings_schema=InfobipSettingsSchema,
    machines=(CAMPAIGN, BRAND, VET, POOL),
    shown=(
        Shown("brands", "Brands", status="registration", machine=BRAND.name),
        Shown("campaigns", "Campaigns", status="stage", machine=CAMPAIGN.name),
        Shown("vets", "Brand vets", title="type", status="status", machine=VET.name),
        Shown("number_pools", "Number pools", title="numberPoolId", status="numberPoolStatus", machine=POOL.name),
    ),
    docs=Docs(
        title="Infobip number registration",
        description="10DLC brands, vets, campaigns and their registration review (seed 001; Infobip's client 6.4.0).",
        # Infobip's four schemes [doc]: an API key as "App <key>", Basic, IBSSO and OAuth 2 bearer tokens.
        security={
            "App": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "App <API key>"},
            "Basic": {"type": "http", "scheme": "basic"},
            "IBSSO": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "IBSSO <token>"},
            "Bearer": {"type": "http", "scheme": "bearer", "description": "An OAuth 2 access token"},
        },
        demo_secret="demo-infobip-api-key-0001",
        error_schema=None,  # the client's own "Error" model, among the components
        examples=EXAMPLES,
        answer_examples=ANSWER_EXAMPLES,
        components=COMPONENTS,
        stage_dependent=True,
    ),
)
