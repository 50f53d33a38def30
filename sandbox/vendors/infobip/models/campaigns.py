"""Infobip campaigns: the seed's create rules, the client's campaign models, update/delete by stage, lists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.vendors.infobip.errors import ValidationErrors, error
from sandbox.vendors.infobip.machines import CAMPAIGN, DELETABLE, STAGES, UPDATABLE, iso
from sandbox.vendors.infobip.models import listing
from sandbox.vendors.infobip.models.base import InfobipBackend
from sandbox.vendors.infobip.models.numbers import NumberPoolBackend, resolve_numbers
from sandbox.vendors.infobip.schemas import CAMPAIGN_TYPES, EXTERNAL, TEN_DLC

COMMON_FIELDS = ("referenceId", "applicationId", "entityId", "name", "type")
CONTENT_FIELDS = {
    TEN_DLC: (
        "brandId", "programSummary", "customerCareEmail", "confirmationMessage", "exampleMessages", "helpMessage",
        "stopMessage", "messageTypes", "optIns", "termsAndConditionsUrl", "customerCarePhone", "lowVolume",
        "useCases", "ageGated", "directLending", "embeddedLink", "embeddedPhone", "mmsSampleFiles",
        "supportingDocuments",
    ),
    EXTERNAL: ("externalCampaignId",),
}  # fmt: skip
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


def message_types(kinds: list[str], case: str) -> list[str]:
    """Seed 001 answers ``["sms", "mms"]``; the official client reads only ``SMS``/``MMS`` (``message_types_case``)."""
    return [kind.lower() if case == "lower" else kind.upper() for kind in kinds]


def present_campaign(
    record: Mapping[str, Any], brand: Mapping[str, Any] | None, pool: dict[str, Any] | None, case: str
) -> dict[str, Any]:
    """Seed 001's 201 sample, field by field and in its order, with the client's fields the sample lacks."""
    view: dict[str, Any] = {name: record.get(name) for name in ("id", "referenceId", "applicationId", "entityId")}
    view.update({name: record[name] for name in ("name", "createdDate", "lastModifiedDate", "stage", "priority")})
    if record["type"] == EXTERNAL:
        view["externalCampaignId"] = record["externalCampaignId"]
    else:
        view.update({name: record[name] for name in CONTENT_FIELDS[TEN_DLC][:7]})  # brandId ... stopMessage
        view["messageTypes"] = message_types(record["messageTypes"], case)
        view.update(optIns=record["optIns"], termsAndConditionsUrl=record["termsAndConditionsUrl"])
        view["brandPreview"] = {
            "brandId": record["brandId"],
            "brandName": brand["name"] if brand else None,
            "website": brand["website"] if brand else None,
        }
        view.update(customerCarePhone=record["customerCarePhone"], lowVolume=record["lowVolume"])
        view.update(useCase=None, useCases=record["useCases"])  # useCase: null in the seed's sample
    view.update(numberKeys=record["numberKeys"], numberPreviews=record["numberPreviews"])
    for name in ("mmsSampleFiles", "supportingDocuments"):  # [client]: shown when sent
        if record.get(name):
            view[name] = record[name]
    if pool is not None:
        view["numberPool"] = pool
    if record["type"] != EXTERNAL:
        view.update({name: record[name] for name in ("ageGated", "directLending", "embeddedLink", "embeddedPhone")})
    view.update(type=record["type"], campaignFeedback=record["campaignFeedback"])
    if record["type"] != EXTERNAL:
        view["appealData"] = record["appealData"]
    return view


class CampaignBackend(InfobipBackend):
    # -- reading ---------------------------------------------------------------------------------------
    def _campaign(self, campaign_id: str, read: bool = False) -> dict[str, Any]:
        """The stored campaign; ``read``: a GET, which moves it one step in ``manual`` mode."""
        return self.found("campaigns", campaign_id, "campaign_not_found", CAMPAIGN.name if read else None)

    def _present(self, record: dict[str, Any], brands: dict[str, Any] | None = None) -> dict[str, Any]:
        brands = {} if brands is None else brands
        brand_id = record.get("brandId")
        if brand_id is not None and brand_id not in brands:
            brands[brand_id] = self.store.get(self.table("brands"), brand_id)
        pool = NumberPoolBackend(self.scope).view(record.get("numberPoolId"))
        case = self.settings()["message_types_case"]
        return present_campaign(record, brands.get(brand_id) if brand_id else None, pool, case)

    def get(self, campaign_id: str) -> dict[str, Any]:
        return self._present(self._campaign(campaign_id, read=True))

    def page(self, args: Mapping[str, list[str]]) -> dict[str, Any]:
        # A list only catches up with the clock: in manual mode each single GET is the step [decided].
        query = listing.parse(args, FILTERS)
        brands: dict[str, Any] = {}
        records = self.store.values(self.table("campaigns"))
        return listing.page(records, query, FILTERS, lambda record: self._present(record, brands))

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
                "numberPoolId": None,
            }
            self._hold_reference(None, content["referenceId"], campaign_id)
            return self._present(self.track_new(CAMPAIGN.name, campaign_id, record))

    def update(self, campaign_id: str, data: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            current = self._campaign(campaign_id)
            if current["stage"] not in UPDATABLE:
                raise error("campaign_not_updatable", detail=f"campaign {campaign_id} is {current['stage']}")
            if data["type"] != current["type"]:
                raise error("campaign_type_changed", detail=f"campaign {campaign_id} is a {current['type']}")
            content = self._checked(data, campaign_id=campaign_id)
            self._hold_reference(current["referenceId"], content["referenceId"], campaign_id)
            self.store.update(self.table("campaigns"), campaign_id, {**content, "lastModifiedDate": iso(self.now())})
            return self._present(self._campaign(campaign_id))

    def delete(self, campaign_id: str) -> None:
        with self.store.lock:
            current = self._campaign(campaign_id)
            if not self.deletable(current):
                raise error("campaign_not_deletable", detail=f"campaign {campaign_id} is {current['stage']}")
            self.remove(current)

    @staticmethod
    def deletable(record: Mapping[str, Any]) -> bool:
        return record["stage"] in DELETABLE

    def remove(self, record: Mapping[str, Any]) -> None:
        """The campaign is gone: its referenceId is free again, its pool available, its pending step dropped."""
        NumberPoolBackend(self.scope).release(record)
        self.store.delete(self.table("campaigns"), record["id"])
        self._hold_reference(record["referenceId"], None, record["id"])
        self.services.lifecycles.untrack(CAMPAIGN.name, self.tenant, record["id"])

    def _hold_reference(self, old: str | None, new: str | None, campaign_id: str) -> None:
        if old == new:
            return
        if old is not None:
            self.store.delete(self.table("campaign_refs"), old)
        if new is not None:
            self.store.put(self.table("campaign_refs"), new, {"id": campaign_id})

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
        if data["type"] == TEN_DLC and not self.store.contains(self.table("brands"), data["brandId"]):
            problems["brandId"] = ("unknown_brand", {"brandId": ["brand does not exist"]})
        previews, unknown = resolve_numbers(self, data.get("numberKeys"), data.get("numbers"))
        if unknown:
            problems["numbers"] = ("number_not_in_account", unknown)
        if problems:
            entries = {entry for entry, _ in problems.values()}
            validation = {path: found for _, errors in problems.values() for path, found in errors.items()}
            name = entries.pop() if len(entries) == 1 else "validation_failed"
            raise error(name, detail="; ".join(validation), validation=validation)
        content = {name: data.get(name) for name in (*COMMON_FIELDS, *CONTENT_FIELDS[data["type"]])}
        content.update(numberKeys=[p["numberKey"] for p in previews], numberPreviews=previews)
        if data["type"] == TEN_DLC:
            content["messageTypes"] = [kind.upper() for kind in data["messageTypes"]]  # either case comes in
            content["optIns"] = {kind: value for kind, value in data["optIns"].items() if value is not None}
            for flag in ("ageGated", "directLending", "embeddedLink", "embeddedPhone"):
                content[flag] = bool(content[flag])  # null is the documented default, false
        return content
