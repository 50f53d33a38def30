"""The ``zexa.campaign`` lifecycle: scheduled, dispatched in timed batches, paid in credits, receipts, webhooks."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sandbox.core.machines import Action, Machine, Timed, Transition
from sandbox.core.store import table_name
from sandbox.core.tenant import Tenant
from sandbox.vendors.zexa.models.base import CAMPAIGN, VENDOR, iso, message_key, present_campaign, price, rate
from sandbox.vendors.zexa.models.credits import Credits
from sandbox.vendors.zexa.models.webhooks import Emitter

# Seed 002's six statuses, plus the sandbox's own `paused`: out of credits mid-send, the vendor's docs say sending
# pauses and resumes after a top-up. Clients only ever see seed 002's six: `present_campaign` shows `paused` as
# `processing` ("messages are actively being dispatched"), the campaign neither sent nor failed [decided].
STATES = ("draft", "scheduled", "processing", "paused", "sent", "completed", "failed")
# [decided] Seconds of virtual time: the batch interval, and how long after dispatch a receipt arrives.
DURATIONS = {"start": 0.0, "schedule": 0.0, "batch": 1.0, "receipts": 5.0}
FATE_ERRORS = {
    "failed": {"code": "delivery_failed", "message": "The carrier reported a delivery failure"},
    "undeliverable": {"code": "undeliverable", "message": "The recipient cannot be reached on this channel"},
    "no_credits": {"code": "insufficient_credits", "message": "Not enough credits to dispatch the message"},
}


def _unit(seed: int, campaign_id: str, index: int) -> float:
    """A number in [0, 1) fixed by (seed, campaign, message): the same failures whatever the batching."""
    digest = hashlib.sha256(f"{seed}:{campaign_id}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def batch_plan(tenant: Tenant, record: dict[str, Any]) -> tuple[int, int]:
    """(messages the next batch dispatches, messages it would with credits enough).

    A batch is the messages the channel's rate sends in one ``batch`` interval (at least one).
    """
    settings = tenant.settings(VENDOR)
    interval = float(tenant.durations(CAMPAIGN)["batch"])
    size = max(1, math.floor(rate(settings, record["channel"]) * interval))
    full = min(size, record["total_contacts"] - record["dispatched"])
    return Credits(tenant).affordable(price(settings, record["channel"]), full), full


def choose(tenant: Tenant, record: dict[str, Any], state: str) -> str | None:
    if state == "draft":
        if record["total_contacts"] == 0:
            return "failed"  # [decided] nothing to send: "the campaign could not be processed"
        scheduled = record.get("scheduled_at")
        if scheduled and _moment(scheduled) > tenant.now():
            return "scheduled"
        return None
    if state == "processing":
        count, full = batch_plan(tenant, record)
        if count < full:
            return "paused"
        if record["dispatched"] + count >= record["total_contacts"]:
            return "sent"
    return None


def delay(tenant: Tenant, record: dict[str, Any], state: str, seconds: float) -> float:
    entered = _moment(record["_entered_at"])
    if state == "scheduled" and record.get("scheduled_at"):
        return seconds + (_moment(record["scheduled_at"]) - entered).total_seconds()
    if state == "processing":
        _, full = batch_plan(tenant, record)
        return max(full, 1) / rate(tenant.settings(VENDOR), record["channel"])
    return seconds


def on_enter(tenant: Tenant, move: Transition) -> dict[str, Any]:
    run = Run(tenant, move)
    return run.apply()


class Run:
    """One transition of one campaign: what it dispatches, which receipts arrive, which events it emits."""

    def __init__(self, tenant: Tenant, move: Transition) -> None:
        self.scope = tenant
        self.store = tenant.store
        self.move = move
        self.tenant = move.tenant
        self.record = {**move.record, move.machine.field: move.target}
        self.changes: dict[str, Any] = {"_entered_at": move.at.isoformat()}
        self.emitter = Emitter(tenant)
        self.messages = table_name(VENDOR, "messages", move.tenant)
        self.paused = table_name(VENDOR, "paused", move.tenant)

    def set(self, **fields: Any) -> None:
        self.record.update(fields)
        self.changes.update(fields)

    def apply(self) -> dict[str, Any]:
        move, at = self.move, self.move.at
        if move.source == "processing" and move.target != "failed":
            self.dispatch(everything=move.target == "sent")
        if move.source == "paused":
            self.store.delete(self.paused, move.key)
        if move.target == "processing" and not self.record.get("started_at"):
            self.set(started_at=iso(at))
        if move.target == "paused":
            # Nothing steps while it waits for credits: what was dispatched is confirmed now, so the counts
            # show every sent message's fate and `delivered + failed < total_contacts` the unsent rest [decided].
            self.confirm(None)
        elif move.target in ("processing", "sent"):
            receipts = float(self.scope.durations(CAMPAIGN)["receipts"])
            self.confirm((at - timedelta(seconds=receipts)).timestamp())
        if move.target == "paused":
            self.store.put(self.paused, move.key, {"channel": self.record["channel"]})
        if move.target == "sent":
            self.emitter.emit("campaign.sent", present_campaign(self.record), at)
        if move.target == "completed":
            self.confirm(None)
            self.set(completed_at=iso(at))
            self.emitter.emit("campaign.completed", present_campaign(self.record), at)
        return self.changes

    def dispatch(self, everything: bool) -> None:
        """Hand the batch to the carriers: pay for each message, decide its fate, queue its receipt."""
        record = self.record
        count, _ = batch_plan(self.scope, record)
        total = count
        if everything:  # a forced `sent` hands over the rest at once; what the credits do not cover fails
            total = record["total_contacts"] - record["dispatched"]
            count = Credits(self.scope).affordable(price(self.scope.settings(VENDOR), record["channel"]), total)
        settings = self.scope.settings(VENDOR)
        first = record["dispatched"]
        for index in range(first, first + total):
            key = message_key(self.move.key, index)
            message = self.store.get(self.messages, key) or {}
            fate = "no_credits" if index >= first + count else self._fate(message, index, settings)
            self.store.update(self.messages, key, {"status": "sent", "fate": fate, "sent_at": iso(self.move.at)})
        Credits(self.scope).spend(count * price(settings, record["channel"]))
        receipts = [*record.get("_receipts", []), [self.move.at.timestamp(), first + total]]
        self.set(dispatched=first + total, _receipts=receipts)

    def _fate(self, message: dict[str, Any], index: int, settings: Mapping[str, Any]) -> str:
        if message.get("undeliverable"):
            return "undeliverable"
        if (
            settings["failure_rate"] > 0
            and _unit(settings["failure_seed"], self.move.key, index) < settings["failure_rate"]
        ):
            return "failed"
        return "delivered"

    def confirm(self, until: float | None) -> None:
        """Receipts of the batches dispatched at or before ``until`` (all with None) arrive now."""
        pending = list(self.record.get("_receipts", []))
        confirmed, delivered, failed = self.record["_confirmed"], self.record["delivered"], self.record["failed"]
        while pending and (until is None or pending[0][0] <= until):
            _, upto = pending.pop(0)
            for index in range(confirmed, upto):
                key = message_key(self.move.key, index)
                message = self.store.get(self.messages, key)
                if message is None:
                    continue
                fate = message["fate"]
                status = (
                    "delivered" if fate == "delivered" else "undeliverable" if fate == "undeliverable" else "failed"
                )
                self.store.update(self.messages, key, {"status": status})
                delivered, failed = delivered + (status == "delivered"), failed + (status != "delivered")
                self.emitter.emit(f"message.{status}", self._message_event(message, status, fate), self.move.at)
            confirmed = upto
        self.set(_receipts=pending, _confirmed=confirmed, delivered=delivered, failed=failed)

    def _message_event(self, message: dict[str, Any], status: str, fate: str) -> dict[str, Any]:
        return {
            "message_id": message["id"],
            "campaign_id": self.move.key,
            "contact_id": message["contact_id"],
            "channel": self.record["channel"],
            "to": message["to"],
            "status": status,
            "error": FATE_ERRORS.get(fate),
        }


MACHINE = Machine(
    name=CAMPAIGN,
    collection="campaigns",
    states=STATES,
    initial="draft",
    timed={
        "draft": Timed("start", {"default": "processing", "scheduled": "scheduled", "failed": "failed"}),
        "scheduled": Timed("schedule", {"default": "processing", "failed": "failed"}),
        # The self-step: each one dispatches a batch; the branch says what comes after it.
        "processing": Timed("batch", {"default": "processing", "sent": "sent", "paused": "paused", "failed": "failed"}),
        "sent": Timed("receipts", {"default": "completed"}),
    },
    actions={"resume": Action(frozenset({"paused"}), "processing")},  # a credit top-up
    durations=DURATIONS,
    choose=choose,
    on_enter=on_enter,
    delay=delay,
)
