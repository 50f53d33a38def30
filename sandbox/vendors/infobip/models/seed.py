"""A new Infobip tenant's reference data: the fixtures' brands and the account's numbers."""

from __future__ import annotations

from sandbox.core.tenant import Tenant
from sandbox.vendors.infobip.models.base import VENDOR


def seed_tenant(tenant: Tenant) -> None:
    """Every tenant starts with the fixtures' brands and the account's numbers (by numberKey and by number)."""
    fixtures = tenant.fixtures(VENDOR)
    store = tenant.store
    for brand in fixtures.get("brands") or []:
        store.put(tenant.table(VENDOR, "brands"), brand["id"], brand)
    for number in fixtures.get("numbers") or []:
        preview = {
            "numberKey": number["numberKey"],
            "number": str(number["number"]),
            "countryCode": number["countryCode"],
        }
        store.put(tenant.table(VENDOR, "numbers"), preview["numberKey"], preview)
        store.put(tenant.table(VENDOR, "number_keys"), preview["number"], {"numberKey": preview["numberKey"]})
