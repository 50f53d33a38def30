"""DailyStory lifecycles: campaign statuses with the 7-day trash, and the autopause watch on inactivity."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sandbox.core.machines import Action, Machine, Tenant, Timed, Transition
from sandbox.core.store import table_name

VENDOR = "dailystory"
CAMPAIGN = "dailystory.campaign"
AUTOPAUSE = "dailystory.autopause"
CAMPAIGNS = "campaigns"
WATCHES = "autopause"

TRASH_SECONDS = 7 * 86400  # [doc] a deleted campaign stays in the trash for 7 days
INACTIVITY_SECONDS = 30 * 86400  # [decided] "extended inactivity" (seed) is not quantified by the vendor
PURGED = "Purged"  # sandbox-only terminal state: the campaign is gone, every call answers 404

# The action that moves a campaign to each posted status. Seed 003: "When the posted status differs from
# the stored status, the campaign transitions to the new status", and it names no pair it refuses, so every
# status can move to every other one (Archived -> Paused included; a Deleted one is restored by posting any
# other status). New campaigns start in Active or Paused [decided]: Archived or Deleted is no state to create.
ACTION_TO = {"Active": "activate", "Paused": "pause", "Archived": "archive", "Deleted": "delete"}
CREATABLE = ("Active", "Paused")
STATUSES = frozenset(ACTION_TO)


def vendor_time(moment: datetime) -> str:
    """DailyStory's date format, ``2018-07-17T16:01:44.717``: milliseconds, no zone (UTC here) [doc]."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def _campaign_entered(tenant: Tenant, move: Transition) -> Mapping[str, Any] | None:
    if move.cause == "created":
        return None  # createdOn/modifiedOn come with the record
    if move.target == PURGED:
        # Nothing more can happen to the campaign: its autopause watch goes with it (the record itself is
        # a tombstone until the next call that meets it removes it; the engine writes to it after this hook).
        tenant.store.delete(table_name(VENDOR, WATCHES, move.tenant), move.key)
        return None
    return {"modifiedOn": vendor_time(move.at)}


def _watch_fired(tenant: Tenant, move: Transition) -> Mapping[str, Any] | None:
    """Inactivity ran out: an Active campaign that allows it is paused, at the moment the period ended."""
    if move.target != "Fired":
        return None
    table = table_name(VENDOR, CAMPAIGNS, move.tenant)
    campaign = tenant.store.get(table, move.key)
    if campaign is not None and campaign.get("status") == "Active" and campaign.get("allow_autopause"):
        tenant.store.update(table, move.key, {"status": "Paused", "modifiedOn": vendor_time(move.at)})
    return None


CAMPAIGN_MACHINE = Machine(
    name=CAMPAIGN,
    collection=CAMPAIGNS,
    field="status",
    states=("Active", "Paused", "Archived", "Deleted", PURGED),
    initial="Active",
    timed={"Deleted": Timed("trash", {"default": PURGED})},
    actions={action: Action(STATUSES - {status}, status) for status, action in ACTION_TO.items()},
    durations={"trash": TRASH_SECONDS},
    on_enter=_campaign_entered,
)

# One watch per campaign, in a table of its own. The engine's timed steps belong to a state, for every
# record in it; autopause applies only to campaigns with allow_autopause, so it cannot be a timed step
# of the campaign's Active state (in `immediate` mode every Active campaign would pause at once). The
# watch is Watching while its campaign is Active and allows autopause; every API update of the campaign
# is activity and starts the period again.
AUTOPAUSE_MACHINE = Machine(
    name=AUTOPAUSE,
    collection=WATCHES,
    field="status",
    states=("Idle", "Watching", "Fired"),
    initial="Idle",
    timed={"Watching": Timed("inactivity", {"default": "Fired"})},
    actions={
        "watch": Action(frozenset({"Idle", "Watching", "Fired"}), "Watching"),
        "rest": Action(frozenset({"Watching", "Fired"}), "Idle"),
    },
    durations={"inactivity": INACTIVITY_SECONDS},
    on_enter=_watch_fired,
)
