"""DailyStory: create-or-update campaigns with status transitions, the 7-day trash and autopause."""

from __future__ import annotations

import functools

from sandbox.core.auth import bearer_header, fixture_credentials, token68
from sandbox.core.vendor import Docs, Shown, Vendor
from sandbox.vendors.dailystory import auth, errors, routes
from sandbox.vendors.dailystory.machines import AUTOPAUSE_MACHINE, CAMPAIGN_MACHINE
from sandbox.vendors.dailystory.models import seed_tenant
from sandbox.vendors.dailystory.schemas import (
    ANSWER_EXAMPLES,
    EXAMPLES,
    MORE_EXAMPLES,
    DailyStorySettingsSchema,
    ErrorSchema,
)

VENDOR = Vendor(
    name="dailystory",
    # Real base https://{datacenter}.dailystory.com/api/v1 [doc]
    hosts=("*.dailystory.com", "dailystory.com"),
    grants=(routes.GRANT,),
    catalogue=errors.CATALOGUE,
    routes=routes.bp,
    render=errors.render,
    http_error=errors.http_error,
    auth_error=errors.auth_error,
    invalid_json=errors.invalid_json,
    invalid=errors.invalid,
    extract_secret=auth.extract_secret,
    auth_header=bearer_header,
    well_formed=token68,
    fixture_credentials=functools.partial(fixture_credentials, "dailystory", entries="tokens", default_user="api"),
    seed_tenant=seed_tenant,
    settings_schema=DailyStorySettingsSchema,
    machines=(CAMPAIGN_MACHINE, AUTOPAUSE_MACHINE),
    shown=(Shown("campaigns", "Campaigns", machine=CAMPAIGN_MACHINE.name),),
    docs=Docs(
        title="DailyStory",
        description="Marketing campaigns: create or update, read, list, delete (seed 003), emulated.",
        security={
            "bearer": {"type": "http", "scheme": "bearer", "description": "Your DailyStory API token"},
            "basic": {"type": "http", "scheme": "basic", "description": "User 'api', the token as password"},
        },
        demo_secret="demo-dailystory-token-0001",
        error_schema=ErrorSchema,
        examples=EXAMPLES,
        more_examples=MORE_EXAMPLES,
        answer_examples=ANSWER_EXAMPLES,
    ),
)
