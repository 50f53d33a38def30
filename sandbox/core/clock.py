"""The one source of business time: real time plus a global and a per-tenant offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sandbox.core.store import Store

_TABLE = "_sandbox.clock"
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)  # far from datetime.max, so later arithmetic never overflows


class Clock:
    """Virtual time = real time (freezegun-controllable) + global offset + the tenant's offset.

    Offsets live in the store so that a restarted server keeps its virtual time. Time only moves
    forward: transitions that already fell due have been materialised and cannot be taken back.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = store.lock  # the store's: one lock order everywhere (an eviction forgets under it)
        self._offsets: dict[str, float] = {}
        self.reload()

    def reload(self) -> None:
        with self._lock:
            self._offsets = {key: row["offset_seconds"] for key, row in self._store.items(_TABLE)}

    @staticmethod
    def real_now() -> datetime:
        return datetime.now(UTC)

    def offset(self, tenant: str | None = None) -> float:
        total = self._offsets.get("*", 0.0)
        if tenant is not None:
            total += self._offsets.get(tenant, 0.0)
        return total

    def now(self, tenant: str | None = None) -> datetime:
        offset = self.offset(tenant)
        return self.real_now() + timedelta(seconds=offset) if offset else self.real_now()

    def advance(self, seconds: float, tenant: str | None = None) -> datetime:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        key = tenant or "*"
        with self._lock:
            if self.now(tenant) + timedelta(seconds=seconds) > _LATEST:
                raise ValueError(f"the sandbox clock cannot go past {_LATEST.date().isoformat()}")
            self._offsets[key] = self._offsets.get(key, 0.0) + seconds
            self._store.put(_TABLE, key, {"offset_seconds": self._offsets[key]})
        return self.now(tenant)

    def advance_to(self, moment: datetime, tenant: str | None = None) -> datetime:
        return self.advance((moment - self.now(tenant)).total_seconds(), tenant)

    def forget(self, tenant: str | None = None) -> None:
        """Drop the tenant's offset (or every offset when ``tenant`` is None)."""
        with self._lock:
            if tenant is None:
                self._offsets.clear()
                self._store.drop(_TABLE)
            else:
                self._offsets.pop(tenant, None)
                self._store.delete(_TABLE, tenant)
