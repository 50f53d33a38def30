"""Identifier generators in each vendor's format; randomness comes from one seedable source."""

from __future__ import annotations

import random
import threading
import uuid
from datetime import datetime


class Ids:
    """Makes ids. With a seed, the random part repeats run after run (deterministic tests)."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._last_epoch_id = 0

    def epoch_digits(self, now: datetime) -> str:
        """A 14-digit string: epoch milliseconds and one more digit, strictly increasing.

        Webex ids look like ``16663731580000`` (docs.webexcampaign.com): epoch millis followed by a digit,
        which leaves room for ten ids per millisecond before they run ahead of the clock.
        """
        candidate = int(now.timestamp() * 1000) * 10
        with self._lock:
            self._last_epoch_id = max(candidate, self._last_epoch_id + 1)
            return str(self._last_epoch_id)

    def uuid(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def token(self, length: int = 32, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
        with self._lock:
            return "".join(self._random.choice(alphabet) for _ in range(length))
