"""Zexa messaging API: broadcast campaigns on the clock, contacts, sender ids, credits and signed webhooks."""

from __future__ import annotations

import functools
import re

from sandbox.core.auth import bearer_secret, fixture_credentials
from sandbox.core.vendor import Vendor
from sandbox.vendors.zexa import control, errors, routes
from sandbox.vendors.zexa.base import VENDOR as NAME
from sandbox.vendors.zexa.machine import MACHINE
from sandbox.vendors.zexa.schemas import ZexaSettingsSchema
from sandbox.vendors.zexa.seed import seed_tenant

# [decided] A well-formed key: 8-256 token68 characters (RFC 7235), as for the other vendors.
_KEY = re.compile(r"^[A-Za-z0-9._~+/=-]{8,256}$")


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
    auth_header=lambda secret: {"Authorization": f"Bearer {secret}"},
    well_formed=lambda secret: bool(_KEY.match(secret)),
    fixture_credentials=functools.partial(fixture_credentials, NAME),
    seed_tenant=seed_tenant,
    settings_schema=ZexaSettingsSchema,
    machines=(MACHINE,),
    control=control.bp,
)
