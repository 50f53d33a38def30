"""Infobip campaign registration: register (priority, rate limit), appeal, deregister, numbers, network statuses."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sandbox.vendors.infobip.errors import error
from sandbox.vendors.infobip.machines import ACTIVE, CAMPAIGN, REGISTRABLE, iso
from sandbox.vendors.infobip.models.base import add_months
from sandbox.vendors.infobip.models.campaigns import CampaignBackend
from sandbox.vendors.infobip.models.numbers import NUMBERS_WITHOUT_POOL, resolve_numbers
from sandbox.vendors.infobip.models.vets import VetBackend
from sandbox.vendors.infobip.schemas import EXTERNAL

APPEAL_MONTHS = 3  # [client NumbersApi.appealCampaign]
APPEALS_MAX = 5  # [client NumbersApi.appealCampaign]
NETWORKS = ("ATT", "T_MOBILE", "VERIZON", "US_CELLULAR")  # [client NumbersNetwork]: the four 10DLC carriers
# [client NumbersNetworkState] by campaign stage [decided]: ACTIVE once registered, PENDING with the carriers.
NETWORK_STATE = {
    "SUBMITTED": "PENDING",
    "UPDATE_REQUESTED_BY_CARRIERS": "PENDING",
    "REGISTERED": "ACTIVE",
    "REGISTERED_PENDING_UPDATE": "ACTIVE",
    "REGISTERED_PENDING_DEREGISTRATION": "ACTIVE",
}
# T-Mobile's daily caps by brand tier, from the best vet score [decided after T-Mobile's published tiers].
TMOBILE_TIERS = ((75, "TOP", 200_000), (50, "MID", 40_000), (25, "LOW_MID", 10_000), (0, "LOW", 2_000))
SECONDS = {"HOURS": 3600, "DAYS": 86400}  # [client NumbersPriorityTimeUnit]


class CampaignRegistration(CampaignBackend):
    # -- register -------------------------------------------------------------------------------------------------
    def register(self, campaign_id: str, data: dict[str, Any]) -> None:
        with self.store.lock:
            current = self._campaign(campaign_id)
            if current["stage"] not in REGISTRABLE:
                raise error("campaign_not_registrable", detail=f"campaign {campaign_id} is {current['stage']}")
            if current["type"] != EXTERNAL:
                brand = self.store.get(self.table("brands"), current["brandId"])
                if brand is None or brand["registration"] != ACTIVE:
                    state = brand["registration"] if brand else "gone"
                    raise error("brand_not_registered", detail=f"brand {current['brandId']} is {state}")
            if not current["numberKeys"]:
                raise error("campaign_without_numbers", detail=f"campaign {campaign_id} has no numbers")
            priority = self._priority(data.get("priorityId"))
            self.store.update(self.table("campaigns"), campaign_id, priority)
            self.trigger(CAMPAIGN.name, campaign_id, "register_external" if current["type"] == EXTERNAL else "register")

    def _priority(self, priority_id: Any) -> dict[str, Any]:
        """``{"priorityId"}``: the account's priority, at most ``dailySubmitLimit`` times a day [client]."""
        if priority_id is None:
            return {"priority": None, "priorityReviewSeconds": None}
        priority, now = self.priority(), self.now()
        if str(priority_id) != priority.get("priorityId"):
            problem = {"priorityId": ["priority does not exist"]}
            raise error("unknown_priority", detail=f"no priority {priority_id}", validation=problem)
        day = now.strftime("%Y-%m-%d")
        used = (self.store.get(self.table("priority_submits"), day) or {}).get("count", 0)
        if used >= priority["dailySubmitLimit"]:
            raise error("priority_limit_reached", detail=f"{used} submissions with priority on {day}")
        self.store.put(self.table("priority_submits"), day, {"count": used + 1})
        review = priority["reviewTime"]["amount"] * SECONDS[priority["reviewTime"]["timeUnit"]]
        shown = {"priorityId": str(priority_id), "submittedDate": iso(now)}
        return {"priority": shown, "priorityReviewSeconds": review}

    def priorities(self) -> dict[str, Any]:
        return self.priority()

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

    # -- after the review ---------------------------------------------------------------------------------------
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
            # The request's `reason` [client NumbersAppealRequest] is shown as appealData.appealReason [seed].
            appeal = {"appealReason": data["reason"], "appealDate": iso(now)}
            self.store.update(
                self.table("campaigns"), campaign_id, {"appealData": appeal, "appeals": current["appeals"] + 1}
            )
            self.trigger(CAMPAIGN.name, campaign_id, "appeal")

    # -- numbers of a registered campaign ----------------------------------------------------------------------
    def numbers(self, campaign_id: str) -> dict[str, Any]:
        """[client NumbersNumberPreviews]; a pending registration update shows once the carriers accept it."""
        return {"numberPreviews": self._campaign(campaign_id, read=True)["numberPreviews"]}

    def change_numbers(self, campaign_id: str, data: dict[str, Any], how: str) -> None:
        """update-registration (``replace``), add-numbers (``add``), remove-numbers (``remove``): REGISTERED only,
        through REGISTERED_PENDING_UPDATE on the clock [client]; the new set takes effect when the update completes."""
        with self.store.lock:
            current = self._campaign(campaign_id)
            if current["stage"] != "REGISTERED":
                raise error("campaign_not_registered", detail=f"campaign {campaign_id} is {current['stage']}")
            previews, unknown = resolve_numbers(self, data.get("numberKeys"), data.get("numbers"))
            if unknown:
                raise error("number_not_in_account", detail="; ".join(unknown), validation=unknown)
            target = self._changed_set(current, previews, data, how)
            if len(target) > NUMBERS_WITHOUT_POOL and not current.get("numberPoolId"):
                raise error("number_limit_exceeded", detail=f"{len(target)} numbers and no number pool")
            self.store.update(self.table("campaigns"), campaign_id, {"pendingNumbers": target})
            self.trigger(CAMPAIGN.name, campaign_id, "update_registration")

    @staticmethod
    def _changed_set(
        current: dict[str, Any], previews: list[dict[str, Any]], data: dict[str, Any], how: str
    ) -> list[dict[str, Any]]:
        existing = list(current["numberPreviews"])
        if how == "replace":
            return previews
        if how == "add":
            return existing + [p for p in previews if p not in existing]
        sent = "numberKeys" if data.get("numberKeys") else "numbers"
        absent = {
            f"{sent}[{index}]": ["number is not used by this campaign"]
            for index, preview in enumerate(previews)
            if preview not in existing
        }
        if absent:
            raise error("number_not_in_campaign", detail="; ".join(absent), validation=absent)
        kept = [p for p in existing if p not in previews]
        if not kept:
            raise error("last_number_removed", detail=f"campaign {current['id']} would have no number")
        return kept

    # -- carriers ------------------------------------------------------------------------------------------------
    def network_statuses(self, campaign_id: str) -> dict[str, Any] | list[dict[str, Any]]:
        """One NumbersNetworkStatus (the official client), or the array Infobip's 2023 clients read (a setting)."""
        record = self._campaign(campaign_id, read=True)
        state = NETWORK_STATE.get(record["stage"], "NOT_REGISTERED")
        score = VetBackend(self.scope).best_score(record["brandId"]) if record.get("brandId") else None
        statuses = [self._network(network, state, record, score) for network in NETWORKS]
        return statuses if self.settings()["network_statuses"] == "array" else statuses[0]

    @staticmethod
    def _network(network: str, state: str, record: dict[str, Any], score: int | None) -> dict[str, Any]:
        """[client NumbersNetworkStatus]; class, throughput and tier once ACTIVE [decided]."""
        status: dict[str, Any] = {"network": network, "state": state, "messageClass": None}
        status.update(throughput=None, brandTier=None)
        if state != "ACTIVE":
            return status
        if network == "ATT":  # throughput per minute [client]; the low-volume class is slower
            low = bool(record.get("lowVolume"))
            status.update(messageClass="T" if low else "A", throughput=75 if low else 240)
        elif network == "T_MOBILE":  # throughput per day [client], by brand tier
            tier, cap = next((name, cap) for floor, name, cap in TMOBILE_TIERS if (score or 0) >= floor)
            status.update(brandTier=tier, throughput=cap)
        return status
