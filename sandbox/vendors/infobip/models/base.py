"""What every Infobip backend shares: the tenant's tables and clock, lookups by id, calendar months."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from sandbox.core.tenant import Backend
from sandbox.vendors.infobip.errors import error

VENDOR = "infobip"


class InfobipBackend(Backend):
    vendor = VENDOR

    def found(self, collection: str, key: str, missing: str, machine: str | None = None) -> dict[str, Any]:
        """The stored record, or the catalogue's 404 ``missing``; with ``machine``, a read (a step in manual mode)."""
        record = self.observe(machine, key) if machine else self.store.get(self.table(collection), key)
        if record is None:
            raise error(missing, detail=f"no {collection.rstrip('s')} {key!r} in this account")
        return record

    def not_emulated(self) -> None:
        raise error("not_emulated", detail="the sandbox does not emulate this operation (see docs/fidelity/infobip.md)")

    def priority(self) -> dict[str, Any]:
        """The account's review priority [client NumbersPriority], from the fixtures."""
        return dict(self.scope.fixtures(VENDOR).get("priority") or {})


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
