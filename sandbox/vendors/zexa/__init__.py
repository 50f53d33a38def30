"""Zexa messaging API: broadcast campaigns on the clock, contacts, sender ids, credits and signed webhooks."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from sandbox.core.auth import bearer_secret, fixture_credentials
from sandbox.core.context import table_name
from sandbox.registry import Vendor
from sandbox.vendors.zexa import control, errors, routes
from sandbox.vendors.zexa.base import VENDOR as NAME
from sandbox.vendors.zexa.base import iso
from sandbox.vendors.zexa.credits import BALANCE_KEY, CURRENCY
from sandbox.vendors.zexa.machine import MACHINE
from sandbox.vendors.zexa.schemas import ZexaSettingsSchema

if TYPE_CHECKING:
    from sandbox.core.context import Sandbox

# [decided] A well-formed key: 8-256 token68 characters (RFC 7235), as for the other vendors.
_KEY = re.compile(r"^[A-Za-z0-9._~+/=-]{8,256}$")


def seed_tenant(sandbox: Sandbox, tenant: str) -> None:
    """Every tenant starts with the fixtures' contact lists and contacts, sender ids and credit balance."""
    fixtures = sandbox.fixtures[NAME]
    now = iso(sandbox.clock.now(tenant))

    def table(collection: str) -> str:
        return table_name(NAME, collection, tenant)

    members: dict[str, list[str]] = {}
    for contact in fixtures.get("contacts") or []:
        record: dict[str, Any] = {
            "name": None,
            "phone": None,
            "email": None,
            "lists": [],
            "status": "active",
            "undeliverable": False,
        }
        record.update(contact)
        record["created_at"] = now
        sandbox.store.put(table("contacts"), record["id"], record)
        for list_id in record["lists"]:
            members.setdefault(list_id, []).append(record["id"])
    for contact_list in fixtures.get("contact_lists") or []:
        row = {**contact_list, "contacts": members.get(contact_list["id"], []), "created_at": now}
        sandbox.store.put(table("contact_lists"), contact_list["id"], row)
    for sender in fixtures.get("sender_ids") or []:
        sender_id = sender["sender_id"].lower() if sender["channel"] == "email" else sender["sender_id"]
        row = {**sender, "created_at": now}
        sandbox.store.put(table("sender_ids"), f"{sender['channel']}:{sender_id}", row)
    account = fixtures.get("account") or {}
    balance = {"credits": float(account.get("credits", 0)), "currency": account.get("currency", CURRENCY)}
    sandbox.store.put(table("account"), BALANCE_KEY, balance)


VENDOR = Vendor(
    name=NAME,
    hosts=("api.zexa.ao",),
    grants=(routes.GRANT,),
    catalogue=errors.CATALOGUE,
    blueprint=routes.blueprint,
    render=errors.render,
    http_error=errors.http_error,
    auth_error=errors.auth_error,
    invalid_json=errors.invalid_json,
    extract_secret=bearer_secret,
    auth_header=lambda secret: {"Authorization": f"Bearer {secret}"},
    well_formed=lambda secret: bool(_KEY.match(secret)),
    fixture_credentials=functools.partial(fixture_credentials, NAME),
    seed_tenant=seed_tenant,
    settings_schema=ZexaSettingsSchema,
    machines=(MACHINE,),
    control=control.blueprint,
)
