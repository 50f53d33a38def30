"""Infobip brands: create, read, list, update, and registration with The Campaign Registry on the clock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.core.lifecycle import LifecycleRefused
from sandbox.vendors.infobip.errors import error
from sandbox.vendors.infobip.machines import BRAND, BRAND_STAGES, iso
from sandbox.vendors.infobip.models import listing
from sandbox.vendors.infobip.models.base import InfobipBackend

BRAND_FIELDS = (
    "referenceId", "applicationId", "entityId", "type", "name", "legalName", "entityType", "vertical", "taxId",
    "taxIdIssuingCountry", "stockSymbol", "stockExchange", "website", "email", "phone", "address",
)  # fmt: skip
BRAND_FILTERS = {
    "id": listing.Filter(listing.equals("id")),
    "referenceId": listing.Filter(listing.equals("referenceId")),
    "nameLike": listing.Filter(listing.name_like),
    "stage": listing.Filter(listing.equals("stage"), BRAND_STAGES),
}
BRAND_SORTABLE = ("id", "name", "createdDate", "lastModifiedDate")

# registrar-statuses [doc] by brand stage [decided]: not sent to any registrar while DRAFT.
REGISTRAR_VIEW = {
    "SUBMITTED": ("PENDING", "UNVERIFIED"),
    "REGISTERED": ("REGISTERED", "VERIFIED"),
    "REJECTED": ("FAILED", "UNVERIFIED"),
}


def present_brand(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        **{name: record.get(name) for name in BRAND_FIELDS},
        "stage": record["stage"],
        "createdDate": record["createdDate"],
        "lastModifiedDate": record["lastModifiedDate"],
    }


def brand_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {name: data.get(name) for name in BRAND_FIELDS}
    fields["type"] = fields["type"] or "TEN_DIGIT_LONG_CODE"
    fields["address"] = {key: value for key, value in data["address"].items() if value is not None}
    return fields


class BrandBackend(InfobipBackend):
    def _brand(self, brand_id: str, read: bool = False) -> dict[str, Any]:
        """The stored brand; ``read``: a GET, which moves it one step in ``manual`` mode."""
        found = self.observe(BRAND.name, brand_id) if read else self.store.get(self.table("brands"), brand_id)
        if found is None:
            raise error("brand_not_found", detail=f"no brand {brand_id!r} in this account")
        return found

    def create(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            now = iso(self.now())
            brand_id = self.services.ids.uuid()
            record = {"id": brand_id, **brand_fields(data), "createdDate": now, "lastModifiedDate": now}
            self.store.insert(self.table("brands"), brand_id, record)
            return present_brand(self.track(BRAND.name, brand_id))

    def get(self, brand_id: str) -> dict[str, Any]:
        return present_brand(self._brand(brand_id, read=True))

    def page(self, args: Mapping[str, list[str]]) -> dict[str, Any]:
        query = listing.parse(args, BRAND_FILTERS, BRAND_SORTABLE)
        return listing.page(self.store.values(self.table("brands")), query, BRAND_FILTERS, present_brand)

    def update(self, brand_id: str, data: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            current = self._brand(brand_id)
            if current["stage"] == "SUBMITTED":
                raise error("brand_not_updatable", detail=f"brand {brand_id} is being registered")
            self.store.update(
                self.table("brands"), brand_id, {**brand_fields(data), "lastModifiedDate": iso(self.now())}
            )
            return present_brand(self._brand(brand_id))

    def register(self, brand_id: str) -> None:
        with self.store.lock:
            current = self._brand(brand_id)
            try:
                self.trigger(BRAND.name, brand_id, "register")
            except LifecycleRefused:
                raise error("brand_not_registrable", detail=f"brand {brand_id} is {current['stage']}") from None

    def registrar_statuses(self, brand_id: str) -> list[dict[str, Any]]:
        stage = self._brand(brand_id, read=True)["stage"]
        if stage not in REGISTRAR_VIEW:
            return []
        state, identity = REGISTRAR_VIEW[stage]
        return [{"registrar": "CAMPAIGN_REGISTRY", "state": state, "brandIdentityStatus": identity}]
