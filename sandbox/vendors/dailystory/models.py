"""DailyStory backend: campaigns (create or update, read, list, delete) with the vendor's rules and state."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sandbox.core.lifecycle import LifecycleRefused
from sandbox.core.tenant import Backend, Tenant
from sandbox.vendors.dailystory.errors import error
from sandbox.vendors.dailystory.machines import (
    ACTION_TO,
    AUTOPAUSE,
    CAMPAIGN,
    CAMPAIGN_MACHINE,
    CAMPAIGNS,
    CREATABLE,
    PURGED,
    VENDOR,
    WATCHES,
    vendor_time,
)
from sandbox.vendors.dailystory.schemas import INT32_MAX, UTM_MAX

COUNTERS = "counters"
REFERENCES = {"segments": "segments", "subscriber_preferences": "subscriber_preferences"}
RECIPIENTS = "users"
# The campaign as the vendor answers it, in this order; read-only: id, createdOn, modifiedOn [decided].
FIELDS = (
    "id", "name", "description", "campaignType", "status", "utmCampaign", "segments", "subscriber_preferences",
    "allow_autopause", "workflowBehavior", "cost", "costPeriod", "isNotifyNewLead", "notificationRecipients",
    "isAutoQualifyNewLead", "conversionGoals", "createdOn", "modifiedOn",
)  # fmt: skip
DEFAULTS: dict[str, Any] = {
    "description": "",
    "campaignType": "Conversion",
    "status": "Active",
    "segments": [],
    "subscriber_preferences": [],
    "allow_autopause": False,
    "workflowBehavior": "All",
    "cost": 0,
    "costPeriod": "None",
    "isNotifyNewLead": False,
    "notificationRecipients": [],
    "isAutoQualifyNewLead": False,
    "conversionGoals": {"enabled": False, "suspects": 0, "mcls": 0, "mqls": 0, "sqls": 0},
}  # [decided]: the seed names the fields, not their defaults
_ID = re.compile(r"^[0-9]{1,10}$")  # ASCII digits only: int() would also read "١٢٣" as 123
ECHOED_MAX = 64  # a malformed path id is echoed in the 404 message, cut to this length


def derive_utm(name: str) -> str:
    """``utmCampaign`` from the name: accents off Latin letters, lower case, other runs to one "_" [decided].

    ``"Spring Sale 2025 Launch"`` -> ``spring_sale_2025_launch``; non-Latin letters are kept as they are.
    """
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", name):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept)).lower()
    return re.sub(r"[\W_]+", "_", text).strip("_")[:UTM_MAX]


def view(record: dict[str, Any]) -> dict[str, Any]:
    return {key: record.get(key) for key in FIELDS}


class DailyStoryBackend(Backend):
    vendor = VENDOR

    # -- create or update --------------------------------------------------------------------------------
    def save_campaign(self, data: dict[str, Any]) -> dict[str, Any]:
        """``POST /campaign``: a new campaign without ``campaignId`` (or with null/0), else an update."""
        with self.store.lock:
            if not data.get("campaignId"):
                return self._create(data)
            return self._update(data)

    def _create(self, data: dict[str, Any]) -> dict[str, Any]:
        if "name" not in data:
            raise error("name_required")
        status = data.get("status", DEFAULTS["status"])
        if status not in CREATABLE:
            raise error(
                "invalid_status_transition",
                description=f"A new campaign starts Active or Paused, not {status}.",
            )
        self._check_references(data)
        now = vendor_time(self.services.clock.now(self.tenant))
        campaign_id = self._next_id()
        key = str(campaign_id)
        record = {"id": campaign_id, **DEFAULTS, **self._changes(data), "createdOn": now, "modifiedOn": now}
        if not record.get("utmCampaign", "").strip():
            record["utmCampaign"] = derive_utm(record["name"]) or f"campaign_{campaign_id}"
        self.store.insert(self.table(CAMPAIGNS), key, record)
        self.track(CAMPAIGN, key, state=status)
        self.store.insert(self.table(WATCHES), key, {"id": campaign_id})
        self.track(AUTOPAUSE, key)
        self.sync_autopause(key, activity=True)
        return {"id": campaign_id}

    def _update(self, data: dict[str, Any]) -> dict[str, Any]:
        campaign_id = data["campaignId"]
        key = str(campaign_id)
        current = self._live_campaign(key)
        stored, target = current["status"], data.get("status", current["status"])
        if stored == "Deleted" and target == "Deleted":
            raise error("campaign_deleted", description=_in_trash(campaign_id))
        if target != stored:
            self._check_transition(campaign_id, stored, target)
        self._check_references(data)
        # Everything is checked: from here on nothing can fail, so no request leaves half its changes.
        if target != stored:
            try:
                self.trigger(CAMPAIGN, key, ACTION_TO[target])
            except LifecycleRefused:  # the trash ran out between the check and now
                raise error("campaign_not_found", description=_not_found(key)) from None
        changes = self._changes(data)
        if "utmCampaign" in changes and not changes["utmCampaign"].strip():
            name = changes.get("name", current["name"])
            changes["utmCampaign"] = derive_utm(name) or f"campaign_{campaign_id}"
        changes["modifiedOn"] = vendor_time(self.services.clock.now(self.tenant))
        self.store.update(self.table(CAMPAIGNS), key, changes)
        self.sync_autopause(key, activity=True)
        return {"id": campaign_id}

    @staticmethod
    def _changes(data: dict[str, Any]) -> dict[str, Any]:
        changes = {k: v for k, v in data.items() if k not in ("campaignId", "status")}
        for field in (*REFERENCES, "notificationRecipients"):
            if field in changes:
                changes[field] = list(dict.fromkeys(changes[field]))  # repeated ids count once [decided]
        return changes

    def _check_transition(self, campaign_id: int, stored: str, target: str) -> None:
        if stored in CAMPAIGN_MACHINE.actions[ACTION_TO[target]].sources:
            return
        allowed = [status for status, action in ACTION_TO.items() if stored in CAMPAIGN_MACHINE.actions[action].sources]
        raise error(
            "invalid_status_transition",
            description=f"Campaign {campaign_id} cannot move from {stored} to {target}; "
            f"from {stored} it can move to {' or '.join(allowed)}.",
        )

    def _check_references(self, data: dict[str, Any]) -> None:
        """Segment, subscription preference and user ids must exist in the account (the tenant's fixtures)."""
        problems = []
        for field, collection in (*REFERENCES.items(), ("notificationRecipients", RECIPIENTS)):
            table = self.table(collection)
            unknown = [
                str(ref) for ref in dict.fromkeys(data.get(field, [])) if not self.store.contains(table, str(ref))
            ]
            if unknown:
                problems.append(f"{field}: unknown id(s) {', '.join(unknown)}")
        if problems:
            raise error("unknown_reference", description="; ".join(problems))

    def _next_id(self) -> int:
        """Per-tenant, monotonic integer ids: every fresh tenant's first campaign is the seed's 24109."""
        table = self.table(COUNTERS)
        counter = self.store.get(table, CAMPAIGNS) or {"next": 1}
        self.store.put(table, CAMPAIGNS, {"next": counter["next"] + 1})
        return int(counter["next"])

    def sync_autopause(self, key: str, activity: bool) -> None:
        """The autopause watch runs while the campaign is Active and allows it; activity restarts the period."""
        campaign = self.store.get(self.table(CAMPAIGNS), key)
        watch = self.store.get(self.table(WATCHES), key)
        if campaign is None or watch is None:
            return
        wanted = campaign["status"] == "Active" and bool(campaign.get("allow_autopause"))
        if wanted and (activity or watch["status"] != "Watching"):
            self.trigger(AUTOPAUSE, key, "watch")
        elif not wanted and watch["status"] != "Idle":
            self.trigger(AUTOPAUSE, key, "rest")

    # -- read, list, delete ----------------------------------------------------------------------------
    def _live_campaign(self, raw: str) -> dict[str, Any]:
        """The stored campaign, or 404; a purged one is removed for good when it is met."""
        key = _key(raw)
        if key is None:
            shown = raw if len(raw) <= ECHOED_MAX else raw[:ECHOED_MAX] + "..."
            raise error("campaign_not_found", description=_not_found(shown))
        record = self.store.get(self.table(CAMPAIGNS), key)
        if record is None or record.get("status") == PURGED:
            if record is not None:
                self._remove(key)
            raise error("campaign_not_found", description=_not_found(key))
        return record

    def _remove(self, key: str) -> None:
        self.store.delete(self.table(CAMPAIGNS), key)
        self.store.delete(self.table(WATCHES), key)

    def get_campaign(self, raw: str) -> dict[str, Any]:
        with self.store.lock:
            key = _key(raw)
            if key is not None:
                # A read: in `manual` mode each one moves the watch, then the campaign, one step.
                self.observe(AUTOPAUSE, key)
                self.observe(CAMPAIGN, key)
            return {"campaign": view(self._live_campaign(raw))}

    def list_campaigns(self) -> dict[str, Any]:
        with self.store.lock:
            campaigns = []
            for key, record in self.store.items(self.table(CAMPAIGNS)):
                if record.get("status") == PURGED:
                    self._remove(key)
                else:
                    campaigns.append(view(record))
        return {"campaigns": campaigns}

    def delete_campaign(self, raw: str) -> dict[str, Any]:
        """``DELETE /campaign/{id}``: to the trash (``Deleted``), restorable until it is purged [doc]."""
        with self.store.lock:
            current = self._live_campaign(raw)
            key = str(current["id"])
            if current["status"] == "Deleted":
                raise error("campaign_deleted", description=_in_trash(current["id"]))
            self.trigger(CAMPAIGN, key, "delete")
            self.sync_autopause(key, activity=False)
        return {"id": current["id"]}


def _key(raw: str) -> str | None:
    """The store key of a campaign id from a path (``024109`` is 24109), or None if it cannot be one."""
    if not _ID.match(raw) or int(raw) > INT32_MAX:
        return None
    return str(int(raw))


def _not_found(key: str) -> str:
    return f"Campaign {key} was not found."


def _in_trash(campaign_id: int) -> str:
    return f"Campaign {campaign_id} is deleted; restore it by posting its status as Active, Paused or Archived."


# -- tenants ---------------------------------------------------------------------------------------------
def seed_tenant(tenant: Tenant) -> None:
    """Every tenant starts with the fixtures' segments, preferences, users and campaigns (tracked)."""
    fixtures = tenant.fixtures(VENDOR)
    backend = DailyStoryBackend(tenant)
    for collection in (*REFERENCES.values(), RECIPIENTS):
        for item in fixtures.get(collection) or []:
            tenant.store.put(backend.table(collection), str(item["id"]), item)
    section = fixtures.get("campaigns") or {}
    highest = 0
    for item in section.get("campaigns") or []:
        key = str(item["id"])
        record = {**DEFAULTS, **item}
        record.setdefault("utmCampaign", derive_utm(record["name"]))
        tenant.store.put(backend.table(CAMPAIGNS), key, record)
        backend.track(CAMPAIGN, key, state=record["status"])
        tenant.store.put(backend.table(WATCHES), key, {"id": item["id"]})
        backend.track(AUTOPAUSE, key)
        backend.sync_autopause(key, activity=True)
        highest = max(highest, int(item["id"]))
    first = max(int(section.get("first_new_id", 1)), highest + 1)
    tenant.store.put(backend.table(COUNTERS), CAMPAIGNS, {"next": first})
