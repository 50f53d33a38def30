"""What every Infobip backend shares: the tenant's tables and clock, schema loading, calendar months."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError

from sandbox.core.tenant import Backend
from sandbox.vendors.infobip.errors import invalid
from sandbox.vendors.infobip.schemas import flatten

VENDOR = "infobip"


class InfobipBackend(Backend):
    vendor = VENDOR


def load(schema: Schema, body: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(body)
    except ValidationError as failure:
        raise invalid(flatten(failure.messages)) from None


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
