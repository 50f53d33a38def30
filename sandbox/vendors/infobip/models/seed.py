"""A new Infobip tenant's reference data: the fixtures' brands, the account's numbers and number pools."""

from __future__ import annotations

from sandbox.core.tenant import Tenant
from sandbox.vendors.infobip.models.base import VENDOR


def seed_tenant(tenant: Tenant) -> None:
    """Every tenant starts with the fixtures' brands, numbers (by numberKey and by number) and number pools."""
    fixtures = tenant.fixtures(VENDOR)
    store = tenant.store
    for brand in fixtures.get("brands") or []:
        store.put(tenant.table(VENDOR, "brands"), brand["id"], brand)
        if brand.get("referenceId") is not None:
            store.put(tenant.table(VENDOR, "brand_refs"), brand["referenceId"], {"id": brand["id"]})
    for number in fixtures.get("numbers") or []:
        preview = {
            "numberKey": number["numberKey"],
            "number": str(number["number"]),
            "countryCode": number["countryCode"],
        }
        store.put(tenant.table(VENDOR, "numbers"), preview["numberKey"], preview)
        store.put(tenant.table(VENDOR, "number_keys"), preview["number"], {"numberKey": preview["numberKey"]})
    for pool in fixtures.get("number_pools") or []:
        record = {**pool, "numberPoolStatus": "DETACHED", "campaignId": None}
        store.put(tenant.table(VENDOR, "number_pools"), pool["numberPoolId"], record)
