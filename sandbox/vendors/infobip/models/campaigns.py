"""Infobip campaigns: the seed's create rules, update/delete by stage, register, appeal, deregister, lists."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sandbox.vendors.infobip.errors import ValidationErrors, error
from sandbox.vendors.infobip.machines import CAMPAIGN, DELETABLE, REGISTRABLE, STAGES, UPDATABLE, iso
from sandbox.vendors.infobip.models import listing
from sandbox.vendors.infobip.models.base import InfobipBackend, add_months
from sandbox.vendors.infobip.schemas import CAMPAIGN_TYPES

APPEAL_MONTHS = 3  # [doc]
APPEALS_MAX = 5  # [doc]
NETWORKS = ("ATT", "TMOBILE", "VERIZON", "USCELLULAR")  # [decided]
# network-statuses [doc] by campaign stage [decided]: empty until the campaign reaches the carriers.
NETWORK_STATE = {
    "SUBMITTED": "PENDING",
    "UPDATE_REQUESTED_BY_CARRIERS": "UPDATE_REQUESTED",
    "REGISTERED": "ACTIVE",
    "REGISTERED_PENDING_UPDATE": "ACTIVE",
    "REGISTERED_PENDING_DEREGISTRATION": "PENDING_DEACTIVATION",
    "DEREGISTERED": "DEACTIVATED",
    "SUSPENDED": "SUSPENDED",
}
CONTENT_FIELDS = (
    "referenceId", "applicationId", "entityId", "name", "brandId", "programSummary", "customerCareEmail",
    "confirmationMessage", "exampleMessages", "helpMessage", "stopMessage", "messageTypes", "optIns",
    "termsAndConditionsUrl", "customerCarePhone", "lowVolume", "useCases", "ageGated", "directLending",
    "embeddedLink", "embeddedPhone", "type",
)  # fmt: skip
FILTERS = {
    "id": listing.Filter(listing.equals("id")),
    "brandId": listing.Filter(listing.equals("brandId")),
    "type": listing.Filter(listing.equals("type"), CAMPAIGN_TYPES),
    "nameLike": listing.Filter(listing.name_like),
    "referenceId": listing.Filter(listing.equals("referenceId")),
    "stage": listing.Filter(listing.equals("stage"), STAGES),
    "number": listing.Filter(
        lambda record, value: any(p["number"] == value.lstrip("+") for p in record["numberPreviews"])
    ),
}


def present_campaign(record: dict[str, Any], brand_name: str | None) -> dict[str, Any]:
    """The seed's 201 sample, field by field and in its order; ``numbers`` is never returned [seed]."""
    view: dict[str, Any] = {
        "id": record["id"],
        "referenceId": record["referenceId"],
        "applicationId": record["applicationId"],
        "entityId": record["entityId"],
        "name": record["name"],
        "createdDate": record["createdDate"],
        "lastModifiedDate": record["lastModifiedDate"],
        "stage": record["stage"],
        "priority": record["priority"],
        "brandId": record["brandId"],
        "programSummary": record["programSummary"],
        "customerCareEmail": record["customerCareEmail"],
        "confirmationMessage": record["confirmationMessage"],
        "exampleMessages": record["exampleMessages"],
        "helpMessage": record["helpMessage"],
        "stopMessage": record["stopMessage"],
        "messageTypes": [kind.lower() for kind in record["messageTypes"]],  # lower case in the seed's response
        "optIns": record["optIns"],
    }
    if record.get("termsAndConditionsUrl") is not None:  # absent from the seed's sample: shown only when sent
        view["termsAndConditionsUrl"] = record["termsAndConditionsUrl"]
    view.update(
        brandPreview={"brandId": record["brandId"], "brandName": brand_name},
        customerCarePhone=record["customerCarePhone"],
        lowVolume=record["lowVolume"],
        useCase=None,  # the deprecated single use case: null in the seed's sample
        useCases=record["useCases"],
        numberKeys=record["numberKeys"],
        numberPreviews=record["numberPreviews"],
        ageGated=record["ageGated"],
        directLending=record["directLending"],
        embeddedLink=record["embeddedLink"],
        embeddedPhone=record["embeddedPhone"],
        type=record["type"],
        campaignFeedback=record["campaignFeedback"],
        appealData=record["appealData"],
    )
    return view


class CampaignBackend(InfobipBackend):
    # -- reading ---------------------------------------------------------------------------------------
    def _campaign(self, campaign_id: str, read: bool = False) -> dict[str, Any]:
        """The stored campaign; ``read``: a GET, which moves it one step in ``manual`` mode."""
        if read:
            found = self.observe(CAMPAIGN.name, campaign_id)
        else:
            found = self.store.get(self.table("campaigns"), campaign_id)
        if found is None:
            raise error("campaign_not_found", detail=f"no campaign {campaign_id!r} in this account")
        return found

    def _present(self, record: dict[str, Any], names: dict[str, str | None] | None = None) -> dict[str, Any]:
        names = {} if names is None else names
        if record["brandId"] not in names:
            brand = self.store.get(self.table("brands"), record["brandId"])
            names[record["brandId"]] = brand["name"] if brand else None
        return present_campaign(record, names[record["brandId"]])

    def get(self, campaign_id: str) -> dict[str, Any]:
        return self._present(self._campaign(campaign_id, read=True))

    def page(self, args: Mapping[str, list[str]]) -> dict[str, Any]:
        # A list only catches up with the clock: in manual mode each single GET is the step [decided].
        query = listing.parse(args, FILTERS)
        names: dict[str, str | None] = {}
        records = self.store.values(self.table("campaigns"))
        return listing.page(records, query, FILTERS, lambda record: self._present(record, names))

    def network_statuses(self, campaign_id: str) -> list[dict[str, Any]]:
        state = NETWORK_STATE.get(self._campaign(campaign_id, read=True)["stage"])
        return [] if state is None else [{"network": network, "state": state} for network in NETWORKS]

    # -- writing -------------------------------------------------------------------------------------
    def create(self, data: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            content = self._checked(data, campaign_id=None)
            now = iso(self.now())
            campaign_id = self.services.ids.uuid()
            record = {
                "id": campaign_id,
                **content,
                "createdDate": now,
                "lastModifiedDate": now,
                "priority": None,
                "campaignFeedback": None,
                "appealData": None,
                "appeals": 0,
            }
            self.store.insert(self.table("campaigns"), campaign_id, record)
            if content["referenceId"] is not None:
                self.store.put(self.table("campaign_refs"), content["referenceId"], {"id": campaign_id})
            return self._present(self.track(CAMPAIGN.name, campaign_id, stored=record))

    def update(self, campaign_id: str, data: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            current = self._campaign(campaign_id)
            if current["stage"] not in UPDATABLE:
                raise error("campaign_not_updatable", detail=f"campaign {campaign_id} is {current['stage']}")
            content = self._checked(data, campaign_id=campaign_id)
            if current["referenceId"] != content["referenceId"]:
                if current["referenceId"] is not None:
                    self.store.delete(self.table("campaign_refs"), current["referenceId"])
                if content["referenceId"] is not None:
                    self.store.put(self.table("campaign_refs"), content["referenceId"], {"id": campaign_id})
            self.store.update(self.table("campaigns"), campaign_id, {**content, "lastModifiedDate": iso(self.now())})
            return self._present(self._campaign(campaign_id))

    def delete(self, campaign_id: str) -> None:
        with self.store.lock:
            current = self._campaign(campaign_id)
            if current["stage"] not in DELETABLE:
                raise error("campaign_not_deletable", detail=f"campaign {campaign_id} is {current['stage']}")
            self.store.delete(self.table("campaigns"), campaign_id)
            if current["referenceId"] is not None:
                self.store.delete(self.table("campaign_refs"), current["referenceId"])

    def _checked(self, data: dict[str, Any], campaign_id: str | None) -> dict[str, Any]:
        """The rules that need the account: unique referenceId, an existing brand, the account's numbers."""
        problems: dict[str, tuple[str, ValidationErrors]] = {}
        reference = data.get("referenceId")
        holder = self.store.get(self.table("campaign_refs"), reference) if reference is not None else None
        if holder is not None and holder["id"] != campaign_id:
            # The seed: a repeat "will be rejected with an error"; its create answers list no 409 [seed].
            problems["referenceId"] = (
                "duplicate_reference_id",
                {"referenceId": ["campaign with the same referenceId already exists"]},
            )
        if not self.store.contains(self.table("brands"), data["brandId"]):
            problems["brandId"] = ("unknown_brand", {"brandId": ["brand does not exist"]})
        previews, unknown = self._numbers(data)
        if unknown:
            problems["numbers"] = ("number_not_in_account", unknown)
        if problems:
            entries = {entry for entry, _ in problems.values()}
            validation = {path: found for _, errors in problems.values() for path, found in errors.items()}
            name = entries.pop() if len(entries) == 1 else "validation_failed"
            raise error(name, detail="; ".join(validation), validation=validation)
        content = {name: data.get(name) for name in CONTENT_FIELDS}
        content.update(
            type=data.get("type") or "TEN_DIGIT_LONG_CODE",
            optIns={kind: value for kind, value in data["optIns"].items() if value is not None},
            numberKeys=[preview["numberKey"] for preview in previews],
            numberPreviews=previews,
        )
        for flag in ("ageGated", "directLending", "embeddedLink", "embeddedPhone"):
            content[flag] = bool(content[flag])  # null is the documented default, false
        return content

    def _numbers(self, data: dict[str, Any]) -> tuple[list[dict[str, Any]], ValidationErrors]:
        """The campaign's numbers as previews; ``numberKeys`` wins over ``numbers`` when it lists any [seed]."""
        keys, numbers = data.get("numberKeys") or [], data.get("numbers") or []
        previews: list[dict[str, Any]] = []
        unknown: ValidationErrors = {}
        if keys:
            for index, key in enumerate(keys):
                found = self.store.get(self.table("numbers"), key)
                if found is None:
                    unknown[f"numberKeys[{index}]"] = ["number key is not associated with your account"]
                elif found not in previews:
                    previews.append(found)
            return previews, unknown
        for index, number in enumerate(numbers):
            # International format with the country prefix [seed]; a leading "+" is tolerated [decided].
            owned = self.store.get(self.table("number_keys"), number.removeprefix("+"))
            found = self.store.get(self.table("numbers"), owned["numberKey"]) if owned else None
            if found is None:
                unknown[f"numbers[{index}]"] = ["number is not associated with your account"]
            elif found not in previews:
                previews.append(found)
        return previews, unknown

    # -- lifecycle actions -----------------------------------------------------------------------------
    def register(self, campaign_id: str, data: dict[str, Any]) -> None:
        with self.store.lock:
            current = self._campaign(campaign_id)
            if current["stage"] not in REGISTRABLE:
                raise error("campaign_not_registrable", detail=f"campaign {campaign_id} is {current['stage']}")
            brand = self.store.get(self.table("brands"), current["brandId"])
            if brand is None or brand["stage"] != "REGISTERED":
                stage = brand["stage"] if brand else "gone"
                raise error("brand_not_registered", detail=f"brand {current['brandId']} is {stage}")
            if not current["numberKeys"]:
                raise error("campaign_without_numbers", detail=f"campaign {campaign_id} has no numbers")
            if data.get("priorityId") is not None:
                priority = {"priorityId": str(data["priorityId"])}
                self.store.update(self.table("campaigns"), campaign_id, {"priority": priority})
            self.trigger(CAMPAIGN.name, campaign_id, "register")

    def throttle_register(self) -> None:
        """Register is limited to 1 request/second per account [doc] (tenant setting)."""
        limit = self.settings()["register_requests_per_second"]
        if limit <= 0:
            return
        key = f"{self.tenant}:infobip:register"
        wait = self.services.rate_limits.hit(key, limit, 1.0, self.now())
        if wait is not None:
            raise error(
                "too_many_requests",
                detail=f"register is limited to {limit} request(s) per second per account",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )

    def deregister(self, campaign_id: str) -> None:
        with self.store.lock:
            current = self._campaign(campaign_id)
            if current["stage"] not in CAMPAIGN.actions["deregister"].sources:
                raise error("campaign_not_deregistrable", detail=f"campaign {campaign_id} is {current['stage']}")
            self.trigger(CAMPAIGN.name, campaign_id, "deregister")

    def appeal(self, campaign_id: str, data: dict[str, Any]) -> None:
        with self.store.lock:
            current = self._campaign(campaign_id)
            if current["stage"] != "REJECTED":
                raise error("appeal_not_rejected", detail=f"campaign {campaign_id} is {current['stage']}")
            if current["appeals"] >= APPEALS_MAX:
                raise error("appeal_limit_reached", detail=f"campaign {campaign_id} was appealed {APPEALS_MAX} times")
            now = self.now()
            rejected = datetime.fromisoformat(current["campaignFeedback"]["rejectionDate"])
            if now >= add_months(rejected, APPEAL_MONTHS):
                raise error("appeal_window_closed", detail=f"campaign {campaign_id} was rejected at {rejected}")
            appeal = {"appealReason": data["appealReason"], "appealDate": iso(now)}
            self.store.update(
                self.table("campaigns"), campaign_id, {"appealData": appeal, "appeals": current["appeals"] + 1}
            )
            self.trigger(CAMPAIGN.name, campaign_id, "appeal")
