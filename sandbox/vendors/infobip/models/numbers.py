"""Infobip numbers: the account's numbers a campaign may use, and its number pools (attach, detach, list)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.vendors.infobip.errors import ValidationErrors, error
from sandbox.vendors.infobip.machines import DETACHED, POOL
from sandbox.vendors.infobip.models import listing
from sandbox.vendors.infobip.models.base import InfobipBackend

NUMBERS_WITHOUT_POOL = 49  # "a pool is needed above 49 numbers" [client NumbersApi.attachNumberPool]
POOL_FIELDS = ("numberPoolId", "numberPoolType", "numberPoolStatus", "nnid", "policy")  # [client NumbersNumberPool]
POOL_FILTERS = {
    # [client NumbersNumberPoolAvailability]: AVAILABLE (no campaign uses it) or IN_USE
    "availability": listing.Filter(
        lambda pool, value: (pool.get("campaignId") is None) == (value == "AVAILABLE"), ("AVAILABLE", "IN_USE")
    ),
    # The pool's registrar record, which the sandbox keeps as its `nnid` [decided].
    "registrarRecordId": listing.Filter(listing.equals("nnid")),
}
POOL_PAGE = (10, 1000)  # size default 10, at most 1000; no sort [client NumbersApi.getOwnedNumberPools]
ATTACHABLE = frozenset({"DRAFT", "REJECTED", "REGISTERED"})  # [decided]: not while a review is running


def resolve_numbers(
    backend: InfobipBackend, keys: list[str] | None, numbers: list[str] | None
) -> tuple[list[dict[str, Any]], ValidationErrors]:
    """The account's numbers as previews, and the unknown ones by index; ``numberKeys`` wins if it lists any [seed]."""
    previews: list[dict[str, Any]] = []
    unknown: ValidationErrors = {}
    if keys:
        for index, key in enumerate(keys):
            found = backend.store.get(backend.table("numbers"), key)
            if found is None:
                unknown[f"numberKeys[{index}]"] = ["number key is not associated with your account"]
            elif found not in previews:
                previews.append(found)
        return previews, unknown
    for index, number in enumerate(numbers or []):
        # International format with the country prefix [seed]; a leading "+" is tolerated [decided].
        owned = backend.store.get(backend.table("number_keys"), number.removeprefix("+"))
        found = backend.store.get(backend.table("numbers"), owned["numberKey"]) if owned else None
        if found is None:
            unknown[f"numbers[{index}]"] = ["number is not associated with your account"]
        elif found not in previews:
            previews.append(found)
    return previews, unknown


def present_usage(pool: Mapping[str, Any]) -> dict[str, Any]:
    """[client NumbersNumberPoolUsageApiResponse]"""
    return {name: pool.get(name) for name in ("numberPoolId", "campaignId", "campaignName")}


class NumberPoolBackend(InfobipBackend):
    def page(self, args: Mapping[str, list[str]]) -> dict[str, Any]:
        args = {name: values for name, values in args.items() if name != "sort"}  # no sort for pools [client]
        query = listing.parse(args, POOL_FILTERS, (), POOL_PAGE)
        pools = []
        for pool in self.store.values(self.table("number_pools")):
            campaign = self.store.get(self.table("campaigns"), pool["campaignId"]) if pool["campaignId"] else None
            pools.append({**pool, "campaignName": campaign["name"] if campaign else None})
        return listing.page(pools, query, POOL_FILTERS, present_usage)

    def view(self, pool_id: str | None) -> dict[str, Any] | None:
        """A campaign's ``numberPool`` as the client models it."""
        pool = self.store.get(self.table("number_pools"), pool_id) if pool_id else None
        return {name: pool.get(name) for name in POOL_FIELDS} if pool else None

    def attach(self, campaign_id: str, data: dict[str, Any]) -> None:
        """Attach the named pool, or the first available one [client]; it is verified on the clock."""
        with self.store.lock:
            campaign = self.found("campaigns", campaign_id, "campaign_not_found")
            if campaign["stage"] not in ATTACHABLE or campaign.get("numberPoolId"):
                detail = f"campaign {campaign_id} is {campaign['stage']}, pool {campaign.get('numberPoolId')}"
                raise error("pool_not_attachable", detail=detail)
            pools = self.store.values(self.table("number_pools"))
            wanted = data.get("numberPoolId")
            free = [p for p in pools if p["campaignId"] is None and (wanted is None or p["numberPoolId"] == wanted)]
            if not free:
                problem = "no number pool of the account is available" if wanted is None else "is not available"
                raise error("pool_unavailable", detail=problem, validation={"numberPoolId": [problem]})
            pool_id = free[0]["numberPoolId"]
            self.store.update(self.table("number_pools"), pool_id, {"campaignId": campaign_id})
            self.trigger(POOL.name, pool_id, "attach")
            self.store.update(self.table("campaigns"), campaign_id, {"numberPoolId": pool_id})

    def detach(self, campaign_id: str) -> None:
        with self.store.lock:
            campaign = self.found("campaigns", campaign_id, "campaign_not_found")
            if not campaign.get("numberPoolId"):
                raise error("pool_not_attached", detail=f"campaign {campaign_id} has no number pool")
            if len(campaign["numberKeys"]) > NUMBERS_WITHOUT_POOL:
                detail = f"campaign {campaign_id} has {len(campaign['numberKeys'])} numbers"
                raise error("pool_not_detachable", detail=detail)
            self.release(campaign)

    def release(self, campaign: Mapping[str, Any]) -> None:
        """The campaign's pool is free again (detached, or its campaign deleted)."""
        pool_id = campaign.get("numberPoolId")
        pool = self.store.get(self.table("number_pools"), pool_id) if pool_id else None
        if pool_id is None or pool is None:
            return
        if pool["numberPoolStatus"] != DETACHED:
            self.trigger(POOL.name, pool_id, "detach")
        self.store.update(self.table("number_pools"), pool_id, {"campaignId": None})
        if self.store.contains(self.table("campaigns"), campaign["id"]):
            self.store.update(self.table("campaigns"), campaign["id"], {"numberPoolId": None})
