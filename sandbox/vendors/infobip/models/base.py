"""What every Infobip backend shares: the tenant's tables and clock, calendar months."""

from __future__ import annotations

import calendar
from datetime import datetime

from sandbox.core.tenant import Backend

VENDOR = "infobip"


class InfobipBackend(Backend):
    vendor = VENDOR


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
