"""Infobip brands: create, read, list, update, delete, and registration (with Authentication+) on the clock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.core.lifecycle import LifecycleRefused
from sandbox.vendors.infobip.errors import error
from sandbox.vendors.infobip.machines import (
    ACTIVE,
    AUTH_EXPIRED,
    AUTH_FAILED,
    AUTHENTICATING,
    BRAND,
    BRAND_REJECTED,
    PENDING_REGISTRATION,
    UNREGISTERED,
    VERIFYING,
    iso,
)
from sandbox.vendors.infobip.models import listing
from sandbox.vendors.infobip.models.base import InfobipBackend
from sandbox.vendors.infobip.models.campaigns import CampaignBackend
from sandbox.vendors.infobip.models.vets import VetBackend
from sandbox.vendors.infobip.schemas_brands import BRAND_TYPES, IDENTITY_FIELDS, NON_PROFIT, PUBLIC

# [client NumbersBrand], in its order; the fields only one subtype has come after, for that subtype only.
COMMON_FIELDS = (
    "applicationId", "entityId", "name", "website", "type", "referenceId", "address", "countryCode",
    "supportPhone", "supportEmail", "businessContactFirstName", "businessContactLastName", "businessDBA",
    "legalName", "alternateBusinessId", "vertical", "taxId", "taxIdIssuingCountry",
)  # fmt: skip
SUBTYPE_FIELDS = {NON_PROFIT: ("taxExemptStatus",), PUBLIC: ("stockExchange", "stockSymbol", "businessContactEmail")}
FILTERS = {
    "id": listing.Filter(listing.equals("id")),
    "type": listing.Filter(listing.equals("type"), BRAND_TYPES),
    "nameLike": listing.Filter(listing.name_like),
    "referenceId": listing.Filter(listing.equals("referenceId")),
}
# registrar-statuses by registration [client NumbersBrandStatus]: (state, brandIdentityStatus, the
# brandAuthenticationStatus of a TENDLC_PUBLIC_COMPANY); none while the brand was never registered [decided].
REGISTRAR = {
    AUTHENTICATING: ("PENDING_2FA", "UNVERIFIED", "PENDING"),
    AUTH_FAILED: ("PENDING_2FA", "UNVERIFIED", "FAILED"),
    AUTH_EXPIRED: ("PENDING_2FA", "UNVERIFIED", "EXPIRED"),
    VERIFYING: ("PENDING", "UNVERIFIED", "ACTIVE"),
    ACTIVE: ("ACTIVE", "VERIFIED", "ACTIVE"),
    BRAND_REJECTED: ("REJECTED", "UNVERIFIED", None),
}
REJECTION_REASON = "The brand's legal name and tax id do not match the registry's records."  # [decided]
RESEND_SECONDS = 2 * 3600  # at most one 2FA email per 2 hours [client NumbersApi.resend2faMailBrandAuth]


def fields_of(kind: str) -> tuple[str, ...]:
    return COMMON_FIELDS + SUBTYPE_FIELDS.get(kind, ())


def present_brand(record: Mapping[str, Any]) -> dict[str, Any]:
    view = {
        "id": record["id"],
        **{name: record.get(name) for name in fields_of(record["type"])},
        "stage": record["stage"],
        "createdDate": record["createdDate"],
        "lastModifiedDate": record["lastModifiedDate"],
    }
    # "falls back to countryCode" [client NumbersBrand.taxIdIssuingCountry]
    view["taxIdIssuingCountry"] = view["taxIdIssuingCountry"] or record.get("countryCode")
    return view


def brand_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    content = {name: data.get(name) for name in fields_of(data["type"])}
    content["address"] = {key: value for key, value in data["address"].items() if value is not None}
    return content


class BrandBackend(InfobipBackend):
    def _brand(self, brand_id: str, read: bool = False) -> dict[str, Any]:
        """The stored brand; ``read``: a GET, which moves it one step in ``manual`` mode."""
        return self.found("brands", brand_id, "brand_not_found", BRAND.name if read else None)

    def create(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            self._check_reference(data.get("referenceId"), None)
            now = iso(self.now())
            brand_id = self.services.ids.uuid()
            record = {"id": brand_id, **brand_fields(data), "createdDate": now, "lastModifiedDate": now}
            self._hold_reference(None, record["referenceId"], brand_id)
            return present_brand(self.track_new(BRAND.name, brand_id, record))

    def get(self, brand_id: str) -> dict[str, Any]:
        return present_brand(self._brand(brand_id, read=True))

    def page(self, args: Mapping[str, list[str]]) -> dict[str, Any]:
        query = listing.parse(args, FILTERS)
        return listing.page(self.store.values(self.table("brands")), query, FILTERS, present_brand)

    def update(self, brand_id: str, data: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """200 if never registered, 202 once registered or rejected; 400 while pending [client updateBrand]."""
        with self.store.lock:
            current = self._brand(brand_id)
            registration = current["registration"]
            if registration in PENDING_REGISTRATION:
                raise error("brand_not_updatable", detail=f"brand {brand_id} is {registration}")
            content = brand_fields(data)
            if registration == ACTIVE:
                before, after = present_brand(current), present_brand({**current, **content})
                changed = [name for name in IDENTITY_FIELDS if before.get(name) != after.get(name)]
                if changed:
                    raise error("brand_identity_locked", detail=f"changed: {', '.join(changed)}")
            self._check_reference(content["referenceId"], brand_id)
            self._hold_reference(current.get("referenceId"), content["referenceId"], brand_id)
            kept = {k: v for k, v in current.items() if k not in SUBTYPE_FIELDS.get(current["type"], ())}
            record = {**kept, **content, "lastModifiedDate": iso(self.now())}
            self.store.put(self.table("brands"), brand_id, record)
            return present_brand(record), (200 if registration == UNREGISTERED else 202)

    def delete(self, brand_id: str) -> None:
        """Only when every campaign of the brand may be deleted [client]; they, and its vets, go with it [decided]."""
        with self.store.lock:
            current = self._brand(brand_id)
            campaigns = CampaignBackend(self.scope)
            mine = [c for c in self.store.values(self.table("campaigns")) if c.get("brandId") == brand_id]
            stuck = [c["id"] for c in mine if not campaigns.deletable(c)]
            if stuck:
                raise error("brand_not_deletable", detail=f"campaigns not deletable: {', '.join(stuck)}")
            for campaign in mine:
                campaigns.remove(campaign)
            VetBackend(self.scope).forget_brand(brand_id)
            self._hold_reference(current.get("referenceId"), None, brand_id)
            self.store.delete(self.table("brands"), brand_id)
            self.services.lifecycles.untrack(BRAND.name, self.tenant, brand_id)

    # -- registration --------------------------------------------------------------------------------------------
    def register(self, brand_id: str) -> None:
        """10DLC brands; a TENDLC_PUBLIC_COMPANY starts with Authentication+ (the 2FA email) [client registerBrand]."""
        with self.store.lock:
            current = self._brand(brand_id)
            action = "register_public" if current["type"] == PUBLIC else "register"
            try:
                self.trigger(BRAND.name, brand_id, action)
            except LifecycleRefused:
                detail = f"brand {brand_id} is {current['registration']}"
                raise error("brand_not_registrable", detail=detail) from None

    def registrar_statuses(self, brand_id: str) -> list[dict[str, Any]]:
        brand = self._brand(brand_id, read=True)
        shown = REGISTRAR.get(brand["registration"])
        if shown is None:
            return []
        state, identity, authentication = shown
        if state == "ACTIVE" and VetBackend(self.scope).vetted(brand_id):
            identity = "VETTED_VERIFIED"
        return [
            {
                "registrar": "CAMPAIGN_REGISTRY",
                "state": state,
                "brandIdentityStatus": identity,
                "brandAuthenticationStatus": authentication if brand["type"] == PUBLIC else None,
                "rejectionReason": REJECTION_REASON if state == "REJECTED" else None,
            }
        ]

    def authenticate(self, brand_id: str) -> None:
        """Authentication+ again, for a public company whose authentication failed or expired [client]."""
        with self.store.lock:
            current = self._brand(brand_id)
            if current["type"] != PUBLIC or current["registration"] not in (AUTH_FAILED, AUTH_EXPIRED):
                detail = f"brand {brand_id} is a {current['type']} in {current['registration']}"
                raise error("brand_auth_not_possible", detail=detail)
            self.trigger(BRAND.name, brand_id, "authenticate")

    def resend_2fa(self, brand_id: str) -> None:
        """The 2FA email again, while authentication runs, at most once per 2 hours; the wait starts again."""
        with self.store.lock:
            current = self._brand(brand_id)
            if current["type"] != PUBLIC or current["registration"] != AUTHENTICATING:
                detail = f"brand {brand_id} is a {current['type']} in {current['registration']}"
                raise error("resend_2fa_not_possible", detail=detail)
            now = self.now()
            last = current.get("lastResend")
            if last is not None and (now.timestamp() - float(last)) < RESEND_SECONDS:
                raise error("resend_2fa_too_soon", detail="the last 2FA email was resent less than 2 hours ago")
            self.trigger(BRAND.name, brand_id, "resend_2fa")
            self.store.update(self.table("brands"), brand_id, {"lastResend": now.timestamp()})

    # -- referenceId: "meant to be unique; a repeat on create is rejected" [client] -------------------------------
    def _check_reference(self, reference: str | None, brand_id: str | None) -> None:
        holder = self.store.get(self.table("brand_refs"), reference) if reference is not None else None
        if holder is not None and holder["id"] != brand_id:
            raise error(
                "duplicate_brand_reference_id",
                detail=f"referenceId {reference!r} is taken",
                validation={"referenceId": ["brand with the same referenceId already exists"]},
            )

    def _hold_reference(self, old: str | None, new: str | None, brand_id: str) -> None:
        if old == new:
            return
        if old is not None:
            self.store.delete(self.table("brand_refs"), old)
        if new is not None:
            self.store.put(self.table("brand_refs"), new, {"id": brand_id})
