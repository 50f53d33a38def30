"""Zexa's prepaid credit balance: read, spent per dispatched message, topped up (which resumes paused campaigns)."""

from __future__ import annotations

import math
from typing import Any

from sandbox.core.lifecycle import LifecycleRefused
from sandbox.vendors.zexa.models.base import CAMPAIGN, ZexaBase, number, price

BALANCE_KEY = "credits"
CURRENCY = "USD"  # [doc] GET /credits example


class Credits(ZexaBase):
    def _row(self) -> dict[str, Any]:
        return self.store.get(self.table("account"), BALANCE_KEY) or {"credits": 0.0, "currency": CURRENCY}

    def balance(self) -> float:
        return float(self._row()["credits"])

    def view(self) -> dict[str, Any]:
        row = self._row()
        return {"credits": number(row["credits"]), "currency": row["currency"]}

    def set(self, credits: float) -> None:
        with self.store.lock:
            self.store.put(self.table("account"), BALANCE_KEY, {**self._row(), "credits": float(credits)})

    def affordable(self, unit_price: float, wanted: int) -> int:
        """How many of ``wanted`` messages at ``unit_price`` the balance pays for."""
        if unit_price <= 0:
            return wanted
        return min(wanted, math.floor(round(self.balance() / unit_price, 9)))

    def spend(self, amount: float) -> None:
        with self.store.lock:
            self.set(max(0.0, self.balance() - amount))

    def top_up(self, amount: float | None = None, balance: float | None = None) -> dict[str, Any]:
        """Add ``amount`` (or set ``balance``), then resume the paused campaigns it pays for, oldest first."""
        with self.store.lock:
            self.services.lifecycles.tick(self.tenant)  # what fell due before the top-up happens before it
            self.set(balance if balance is not None else self.balance() + (amount or 0.0))
            resumed = []
            settings = self.settings()
            for campaign_id, row in self.store.items(self.table("paused")):
                if self.affordable(price(settings, row["channel"]), 1) < 1:
                    continue
                try:
                    self.trigger(CAMPAIGN, campaign_id, "resume")
                    resumed.append(campaign_id)
                except (LifecycleRefused, KeyError):
                    self.store.delete(self.table("paused"), campaign_id)  # no longer paused: a stale entry
            return {**self.view(), "resumed": resumed}
