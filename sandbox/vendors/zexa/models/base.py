"""What every Zexa backend module shares: tables, ids, timestamps and the page envelope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sandbox.core.tenant import Backend
from sandbox.vendors.zexa.schemas import DEFAULT_PRICES, DEFAULT_RATES

VENDOR = "zexa"
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"  # [doc] prefix + random lowercase alphanumerics


def iso(moment: datetime) -> str:
    """Zexa's timestamps: ISO 8601 UTC with a ``Z`` (seed 002's ``2026-07-01T08:00:00Z``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class ZexaBase(Backend):
    vendor = VENDOR

    def new_id(self, prefix: str, collection: str) -> str:
        while True:
            candidate = f"{prefix}_{self.services.ids.token(12, ID_ALPHABET)}"
            if not self.store.contains(self.table(collection), candidate):
                return candidate

    def paged(
        self,
        collection: str,
        paging: Mapping[str, int],
        present: Callable[[dict[str, Any]], dict[str, Any]],
        newest_first: bool = True,
    ) -> dict[str, Any]:
        """``{"data", "meta": {"total", "page", "per_page"}}`` [doc]; reads only the page's records."""
        keys = list(self.store.keys(self.table(collection)))
        if newest_first:
            keys.reverse()
        start = (paging["page"] - 1) * paging["per_page"]
        rows = (self.store.get(self.table(collection), key) for key in keys[start : start + paging["per_page"]])
        return {
            "data": [present(row) for row in rows if row is not None],
            "meta": {"total": len(keys), "page": paging["page"], "per_page": paging["per_page"]},
        }


# -- what every module needs to know about campaigns --------------------------------------------------------
CAMPAIGN = "zexa.campaign"  # the lifecycle machine's name
CREATED_FIELDS = ("id", "status", "name", "channel", "total_contacts", "created_at")  # seed 002, create response
READ_FIELDS = (
    "id", "name", "status", "channel", "total_contacts", "delivered", "failed",
    "created_at", "scheduled_at", "started_at", "completed_at",
)  # fmt: skip  # seed 002's Get Campaign Status fields, plus scheduled_at (the docs' campaign object)


# Seed 002's table has six statuses; the sandbox's `paused` (waiting for credits) is shown as `processing`.
SHOWN_STATUS = {"paused": "processing"}


def present_campaign(record: Mapping[str, Any], fields: tuple[str, ...] = READ_FIELDS) -> dict[str, Any]:
    view = {name: record.get(name) for name in fields}
    if "status" in view:
        view["status"] = SHOWN_STATUS.get(str(view["status"]), view["status"])
    return view


def message_key(campaign_id: str, index: int) -> str:
    """A campaign's message, by its place in the recipients."""
    return f"{campaign_id}:{index}"


def number(value: float) -> float | int:
    """Credits as the docs show them (``4250``), with a fraction only when there is one (email costs 0.5)."""
    return int(value) if float(value).is_integer() else round(value, 6)


def price(settings: Mapping[str, Any], channel: str) -> float:
    return float((settings.get("credit_prices") or {}).get(channel, DEFAULT_PRICES[channel]))


def rate(settings: Mapping[str, Any], channel: str) -> float:
    return float((settings.get("dispatch_rates") or {}).get(channel, DEFAULT_RATES[channel]))
