"""Per-key request rate limits on the sandbox clock (GCRA: one number per key, an exact Retry-After)."""

from __future__ import annotations

import threading
from datetime import datetime


class RateLimiter:
    """``limit`` requests per ``window`` seconds for each key, a burst of ``limit`` allowed.

    The generic cell rate algorithm keeps one "theoretical arrival time" per key, so memory is one
    float per key and the wait it answers is exact. Time is the tenant's virtual time, so a test that
    was refused can advance the clock by the Retry-After instead of sleeping. Limits are not persisted:
    a restart forgets them, as a vendor's window would have passed anyway.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrival: dict[str, float] = {}

    def hit(self, key: str, limit: int, window: float, now: datetime) -> float | None:
        """Count one request; answer None if allowed, else the seconds to wait before the next one."""
        if limit <= 0:
            return window
        interval = window / limit
        tolerance = window - interval
        t = now.timestamp()
        with self._lock:
            arrival = max(self._arrival.get(key, t), t)
            if arrival - t > tolerance:
                return arrival - t - tolerance
            self._arrival[key] = arrival + interval
            if len(self._arrival) > 100_000:  # keys of long-idle tenants carry no information any more
                self._arrival = {k: v for k, v in self._arrival.items() if v > t}
            return None

    def forget(self, prefix: str = "") -> None:
        with self._lock:
            self._arrival = {k: v for k, v in self._arrival.items() if prefix and not k.startswith(prefix)}
