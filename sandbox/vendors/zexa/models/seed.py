"""A new Zexa tenant's reference data: contact lists and contacts, sender ids and the credit balance."""

from __future__ import annotations

from typing import Any

from sandbox.core.tenant import Tenant
from sandbox.vendors.zexa.models.base import VENDOR as NAME
from sandbox.vendors.zexa.models.base import iso
from sandbox.vendors.zexa.models.credits import BALANCE_KEY, CURRENCY


def seed_tenant(scope: Tenant) -> None:
    """Every tenant starts with the fixtures' contact lists and contacts, sender ids and credit balance."""
    fixtures = scope.fixtures(NAME)
    now = iso(scope.now())
    store = scope.store

    def table(collection: str) -> str:
        return scope.table(NAME, collection)

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
        store.put(table("contacts"), record["id"], record)
        for list_id in record["lists"]:
            members.setdefault(list_id, []).append(record["id"])
    for contact_list in fixtures.get("contact_lists") or []:
        row = {**contact_list, "contacts": members.get(contact_list["id"], []), "created_at": now}
        store.put(table("contact_lists"), contact_list["id"], row)
    for sender in fixtures.get("sender_ids") or []:
        sender_id = sender["sender_id"].lower() if sender["channel"] == "email" else sender["sender_id"]
        row = {**sender, "created_at": now}
        store.put(table("sender_ids"), f"{sender['channel']}:{sender_id}", row)
    account = fixtures.get("account") or {}
    balance = {"credits": float(account.get("credits", 0)), "currency": account.get("currency", CURRENCY)}
    store.put(table("account"), BALANCE_KEY, balance)
