"""Infobip 10DLC number registration: brands, campaigns and their registration review on the clock."""

from __future__ import annotations

import base64
import binascii
import functools
import re
from typing import Any

from sandbox.core.auth import Headers, fixture_credentials
from sandbox.core.tenant import Tenant
from sandbox.core.vendor import Vendor
from sandbox.vendors.infobip import errors, routes
from sandbox.vendors.infobip.machines import BRAND, CAMPAIGN
from sandbox.vendors.infobip.schemas import InfobipSettingsSchema

VENDOR_NAME = "infobip"
# Infobip's four schemes [doc]. A credential's secret says which scheme it is presented with: an API key
# as it is (``App``), the others qualified, so an IBSSO token sent as an App key is not accepted:
# ``basic:<username>:<password>``, ``ibsso:<token>``, ``bearer:<token>`` [decided].
_AUTHORIZATION = re.compile(r"^\s*(App|Basic|IBSSO|Bearer)\s+(\S+)\s*$", re.IGNORECASE)
_TOKEN = re.compile(r"^[A-Za-z0-9._~+/=-]{8,256}$")  # token68 (RFC 7235); API keys and tokens [decided]
_QUALIFIED = ("ibsso:", "bearer:")


def extract_secret(headers: Headers) -> str | None:
    match = _AUTHORIZATION.match(headers.get("Authorization", ""))
    if match is None:
        return None
    scheme, value = match.group(1).lower(), match.group(2)
    if scheme == "app":
        return value
    if scheme != "basic":
        return f"{scheme}:{value}"
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return "basic:"  # not well formed: answered 401 like an unknown credential
    return f"basic:{decoded}"


def well_formed(secret: str) -> bool:
    if secret.startswith("basic:"):
        username, colon, password = secret.removeprefix("basic:").partition(":")
        return bool(colon and username and password) and len(secret) <= 512 and secret.isprintable()
    for prefix in _QUALIFIED:
        if secret.startswith(prefix):
            return bool(_TOKEN.match(secret.removeprefix(prefix)))
    return bool(_TOKEN.match(secret))


def auth_header(secret: str) -> dict[str, str]:
    """The ``Authorization`` header a client sends for a credential's secret (an API key: the App form)."""
    if secret.startswith("basic:"):
        return {"Authorization": "Basic " + base64.b64encode(secret.removeprefix("basic:").encode()).decode()}
    if secret.startswith("ibsso:"):
        return {"Authorization": "IBSSO " + secret.removeprefix("ibsso:")}
    if secret.startswith("bearer:"):
        return {"Authorization": "Bearer " + secret.removeprefix("bearer:")}
    return {"Authorization": f"App {secret}"}


def secret_of(entry: dict[str, Any]) -> str:
    """A fixture entry's secret: ``{scheme: App, key}``, ``{scheme: Basic, username, password}``,
    ``{scheme: IBSSO|Bearer, token}``."""
    scheme = str(entry.get("scheme", "App")).lower()
    if scheme == "basic":
        return f"basic:{entry['username']}:{entry['password']}"
    if scheme in ("ibsso", "bearer"):
        return f"{scheme}:{entry['token']}"
    return str(entry["key"])


def seed_tenant(tenant: Tenant) -> None:
    """Every tenant starts with the fixtures' brands and the account's numbers (by numberKey and by number)."""
    fixtures = tenant.fixtures(VENDOR_NAME)
    store = tenant.store
    for brand in fixtures.get("brands") or []:
        store.put(tenant.table(VENDOR_NAME, "brands"), brand["id"], brand)
    for number in fixtures.get("numbers") or []:
        preview = {
            "numberKey": number["numberKey"],
            "number": str(number["number"]),
            "countryCode": number["countryCode"],
        }
        store.put(tenant.table(VENDOR_NAME, "numbers"), preview["numberKey"], preview)
        store.put(tenant.table(VENDOR_NAME, "number_keys"), preview["number"], {"numberKey": preview["numberKey"]})


VENDOR = Vendor(
    name=VENDOR_NAME,
    hosts=("*.api.infobip.com", "api.infobip.com"),
    grants=(routes.GRANT,),
    catalogue=errors.CATALOGUE,
    routes=routes.bp,
    render=errors.render,
    http_error=errors.http_error,
    auth_error=errors.auth_error,
    invalid_json=errors.invalid_json,
    invalid=errors.invalid_fields,
    extract_secret=extract_secret,
    auth_header=auth_header,
    well_formed=well_formed,
    fixture_credentials=functools.partial(fixture_credentials, VENDOR_NAME, secret_of=secret_of),
    seed_tenant=seed_tenant,
    settings_schema=InfobipSettingsSchema,
    machines=(CAMPAIGN, BRAND),
)
