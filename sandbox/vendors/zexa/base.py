"""What every Zexa backend module shares: tables, ids, timestamps, schema loading and the page envelope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError

from sandbox.core.tenant import Backend
from sandbox.vendors.zexa.errors import invalid
from sandbox.vendors.zexa.schemas import DEFAULT_PRICES, DEFAULT_RATES, PageSchema

VENDOR = "zexa"
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"  # [doc] prefix + random lowercase alphanumerics
PAGE_SCHEMA = PageSchema()


def iso(moment: datetime) -> str:
    """Zexa's timestamps: ISO 8601 UTC with a ``Z`` (seed 002's ``2026-07-01T08:00:00Z``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def load(schema: Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(data)
    except ValidationError as failure:
        raise invalid(failure.messages) from None


class ZexaBase(Backend):
    vendor = VENDOR

    def new_id(self, prefix: str, collection: str) -> str:
        while True:
            candidate = f"{prefix}_{self.services.ids.token(12, ID_ALPHABET)}"
            if not self.store.contains(self.table(collection), candidate):
                return candidate

    def page(
        self,
        collection: str,
        query: Mapping[str, Any],
        present: Callable[[dict[str, Any]], dict[str, Any]],
        newest_first: bool = True,
    ) -> dict[str, Any]:
        """``{"data", "meta": {"total", "page", "per_page"}}`` [doc]; reads only the page's records."""
        paging = load(PAGE_SCHEMA, query)
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
)  # fmt: skip  # seed 002's Get Campaign Status fields, plus scheduled_at (shared/vendors/zexa.md)


def present_campaign(record: Mapping[str, Any], fields: tuple[str, ...] = READ_FIELDS) -> dict[str, Any]:
    return {name: record.get(name) for name in fields}


def number(value: float) -> float | int:
    """Credits as the docs show them (``4250``), with a fraction only when there is one (email costs 0.5)."""
    return int(value) if float(value).is_integer() else round(value, 6)


def price(settings: Mapping[str, Any], channel: str) -> float:
    return float((settings.get("credit_prices") or {}).get(channel, DEFAULT_PRICES[channel]))


def rate(settings: Mapping[str, Any], channel: str) -> float:
    return float((settings.get("dispatch_rates") or {}).get(channel, DEFAULT_RATES[channel]))
