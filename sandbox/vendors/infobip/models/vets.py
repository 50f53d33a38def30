"""Infobip brand vets: request one (vetted on the clock), list, read, upgrade to ENHANCED, import an existing one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sandbox.vendors.infobip.errors import error
from sandbox.vendors.infobip.machines import ACTIVE, VET, VET_SCORES, iso
from sandbox.vendors.infobip.models import listing
from sandbox.vendors.infobip.models.base import InfobipBackend

VET_FIELDS = (
    "vetId", "brandId", "score", "vettedDate", "enhancedVettedDate", "status", "type", "imported",
    "importedVetProvider",
)  # fmt: skip  # [client NumbersBrandVet]
SORTABLE = ("vetId", "type", "vettedDate", "enhancedVettedDate")  # [client NumbersApi.getBrandVets]
WINDOW = timedelta(days=30)  # one vet per 30 days; an upgrade to ENHANCED within 30 days [client]
# Campaign Verify vets political campaigns [client NumbersVettingProvider]; the other providers vet the brand.
IMPORTED_TYPE = {"CAMPAIGN_VERIFY": "POLITICAL"}


def present_vet(record: Mapping[str, Any]) -> dict[str, Any]:
    return {name: record.get(name) for name in VET_FIELDS}


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class VetBackend(InfobipBackend):
    def _registered_brand(self, brand_id: str) -> dict[str, Any]:
        brand = self.found("brands", brand_id, "brand_not_found")
        if brand["registration"] != ACTIVE:
            raise error("vet_brand_not_registered", detail=f"brand {brand_id} is {brand['registration']}")
        return brand

    def _vets(self, brand_id: str) -> list[dict[str, Any]]:
        return [vet for vet in self.store.values(self.table("vets")) if vet["brandId"] == brand_id]

    def _vet(self, brand_id: str, vet_id: str, read: bool = False) -> dict[str, Any]:
        vet = self.found("vets", vet_id, "vet_not_found", VET.name if read else None)
        if vet["brandId"] != brand_id:
            raise error("vet_not_found", detail=f"vet {vet_id} is not a vet of brand {brand_id}")
        return vet

    def create(self, brand_id: str, data: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            self._registered_brand(brand_id)
            if data["type"] == "ENHANCED":
                raise error("enhanced_vet_on_create", detail="request a STANDARD vet, then update it to ENHANCED")
            now = self.now()
            recent = [v for v in self._vets(brand_id) if not v["imported"] and now - _moment(v["createdDate"]) < WINDOW]
            if recent:
                last = recent[-1]
                raise error("vet_too_soon", detail=f"vet {last['vetId']} was requested {last['createdDate']}")
            vet_id = self.services.ids.uuid()
            record: dict[str, Any] = {name: None for name in VET_FIELDS}
            record.update(vetId=vet_id, brandId=brand_id, type=data["type"], imported=False, createdDate=iso(now))
            return present_vet(self.track_new(VET.name, vet_id, record))

    def page(self, brand_id: str, args: Mapping[str, list[str]]) -> dict[str, Any]:
        self.found("brands", brand_id, "brand_not_found")
        query = listing.parse(args, {}, SORTABLE)
        return listing.page(self._vets(brand_id), query, {}, present_vet)

    def get(self, brand_id: str, vet_id: str) -> dict[str, Any]:
        self.found("brands", brand_id, "brand_not_found")
        return present_vet(self._vet(brand_id, vet_id, read=True))

    def update(self, brand_id: str, vet_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Only the current successful STANDARD vet, only to ENHANCED, within 30 days of vetting [client]."""
        with self.store.lock:
            self.found("brands", brand_id, "brand_not_found")
            vet = self._vet(brand_id, vet_id)
            standard = [v for v in self._vets(brand_id) if v["type"] == "STANDARD" and v["status"] == "SUCCESS"]
            current = max(standard, key=lambda v: v["vettedDate"] or "", default=None)
            fresh = vet.get("vettedDate") is not None and self.now() - _moment(vet["vettedDate"]) < WINDOW
            if data["type"] != "ENHANCED" or current is None or current["vetId"] != vet_id or not fresh:
                detail = f"vet {vet_id} is a {vet['type']} vet in {vet['status']}, vetted {vet.get('vettedDate')}"
                raise error("vet_not_updatable", detail=detail)
            self.store.update(self.table("vets"), vet_id, {"type": "ENHANCED"})
            return present_vet(self.trigger(VET.name, vet_id, "enhance"))

    def import_vet(self, brand_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """A vet done with a vetting partner directly: recorded as a success at once [decided]."""
        with self.store.lock:
            self._registered_brand(brand_id)
            provider = data["type"]
            kind = IMPORTED_TYPE.get(provider, "STANDARD")
            vet_id = self.services.ids.uuid()
            now = iso(self.now())
            record: dict[str, Any] = {name: None for name in VET_FIELDS}
            record.update(vetId=vet_id, brandId=brand_id, type=kind, status="SUCCESS", score=VET_SCORES[kind])
            record.update(vettedDate=now, imported=True, importedVetProvider=provider, createdDate=now)
            self.store.insert(self.table("vets"), vet_id, record)
            return present_vet(record)

    # -- what brands and campaigns read ------------------------------------------------------------------------
    def best_score(self, brand_id: str) -> int | None:
        scores = [v["score"] for v in self._vets(brand_id) if v["status"] == "SUCCESS" and v["score"] is not None]
        return max(scores, default=None)

    def vetted(self, brand_id: str) -> bool:
        return self.best_score(brand_id) is not None

    def forget_brand(self, brand_id: str) -> None:
        for vet in self._vets(brand_id):
            self.store.delete(self.table("vets"), vet["vetId"])
            self.services.lifecycles.untrack(VET.name, self.tenant, vet["vetId"])
