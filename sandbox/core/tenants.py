"""The tenants the sandbox holds, least recently used first, and the cap on how many: idle ones make room.

[decided] Every well-formed key gets a tenant of its own, so a server that runs for long would otherwise keep
every test's tenant forever (100,000 keys held ~1 GB). At ``max_tenants``, a new key's tenant takes the place
of the tenant that has been idle longest, if it has been idle ``idle_seconds``; tenants with a key from the
fixtures or the control API are never evicted. When no tenant may go, the new key is refused with the vendor's
own answer to an unknown key, and a detail that says why.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class TenantCapReached(Exception):
    """A new tenant that does not fit; the message is the detail a client sees."""


class TenantRegistry:
    """O(1) bookkeeping: use moves a tenant to the back; the front is the next to go."""

    def __init__(self, cap: int, idle_seconds: float, now: Callable[[], float] = time.monotonic) -> None:
        self.cap = cap
        self.idle_seconds = idle_seconds
        self._now = now
        self._lock = threading.Lock()
        self._evictable: OrderedDict[str, float] = OrderedDict()  # tenant -> when it was last used
        self._protected: set[str] = set()

    def __len__(self) -> int:
        return len(self._evictable) + len(self._protected)

    def __contains__(self, tenant: object) -> bool:
        return tenant in self._evictable or tenant in self._protected

    def names(self) -> list[str]:
        with self._lock:
            return [*self._protected, *self._evictable]

    def add(self, tenant: str, protected: bool) -> None:
        with self._lock:
            if protected or tenant in self._protected:
                self._evictable.pop(tenant, None)
                self._protected.add(tenant)
            else:
                self._evictable[tenant] = self._now()
                self._evictable.move_to_end(tenant)

    def touch(self, tenant: str) -> None:
        with self._lock:
            if tenant in self._evictable:
                self._evictable[tenant] = self._now()
                self._evictable.move_to_end(tenant)

    def remove(self, tenant: str) -> None:
        with self._lock:
            self._evictable.pop(tenant, None)
            self._protected.discard(tenant)

    def clear(self) -> None:
        with self._lock:
            self._evictable.clear()
            self._protected.clear()

    def full(self) -> bool:
        return self.cap > 0 and len(self) >= self.cap

    def victim(self) -> str | None:
        """The tenant idle longest, if it has been idle long enough to go."""
        with self._lock:
            oldest = next(iter(self._evictable.items()), None)
        if oldest is not None and self._now() - oldest[1] >= self.idle_seconds:
            return oldest[0]
        return None

    def refusal(self) -> TenantCapReached:
        idle = f"no tenant has been idle for {self.idle_seconds:g} s"
        return TenantCapReached(f"the sandbox holds its maximum of {self.cap} tenants (serve --max-tenants) and {idle}")
