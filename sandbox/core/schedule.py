"""Which tracked records wait for a timed step, and when: a heap per tenant in memory, a row per record stored."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from typing import Any

from sandbox.core.store import Store

Entry = tuple[float, int, str, str]  # (due, order of scheduling, machine, key)


def schedule_table(tenant: str) -> str:
    """Pending records per tenant: a tenant reset drops them with the tenant's other tables."""
    return f"_sandbox.schedule/{tenant}"


class Schedule:
    """The stored rows survive a restart (``reload``); the heaps answer what is due without reading them.

    A heap may hold superseded entries (a record moved or forced since): the lifecycle engine skips those
    whose due time no longer matches the record's own.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._heaps: dict[str, list[Entry]] = {}
        self._order = itertools.count()

    def put(self, machine: str, tenant: str, key: str, due: float | None) -> None:
        """The record waits for a step, due at ``due`` (None: only when asked, in manual mode)."""
        self.store.put(schedule_table(tenant), f"{machine}:{key}", {"machine": machine, "key": key, "due": due})
        if due is not None:
            heapq.heappush(self._heaps.setdefault(tenant, []), (due, next(self._order), machine, key))

    def drop(self, machine: str, tenant: str, key: str) -> None:
        """The record waits for nothing any more (its heap entry, if any, is skipped as superseded)."""
        self.store.delete(schedule_table(tenant), f"{machine}:{key}")

    def first_due(self, tenant: str) -> float | None:
        heap = self._heaps.get(tenant)
        return heap[0][0] if heap else None

    def pop_due(self, tenant: str, now: float) -> Iterator[tuple[float, str, str]]:
        """(due, machine, key) of every entry due by ``now``, earliest first, each taken off the heap."""
        heap = self._heaps.get(tenant)
        while heap and heap[0][0] <= now:
            due, _, machine, key = heapq.heappop(heap)
            yield due, machine, key

    def earliest(self, tenant: str, count: int) -> list[Entry]:
        return heapq.nsmallest(count, self._heaps.get(tenant) or [])

    def rows(self, tenant: str) -> list[tuple[str, dict[str, Any]]]:
        return list(self.store.items(schedule_table(tenant)))

    def tenants(self) -> list[str]:
        """Tenants with a stored row, whether or not it has a due time."""
        prefix = schedule_table("")
        return sorted(name[len(prefix) :] for name in self.store.table_names() if name.startswith(prefix))

    def tenants_due(self) -> list[str]:
        """Tenants whose heap holds an entry."""
        return list(self._heaps)

    def reload(self) -> None:
        """Rebuild the heaps from the stored rows (start, full reset, state import)."""
        self._heaps = {}
        for tenant in self.tenants():
            for _, row in sorted(self.rows(tenant), key=lambda item: item[1]["due"] or 0):
                if row["due"] is not None:
                    entry = (row["due"], next(self._order), row["machine"], row["key"])
                    heapq.heappush(self._heaps.setdefault(tenant, []), entry)

    def forget(self, tenant: str) -> None:
        """A tenant reset: the store drops its rows with its other tables; its heap goes here."""
        self._heaps.pop(tenant, None)
