"""The request journal: a bounded ring of every vendor request, queryable by tests."""

from __future__ import annotations

import fnmatch
import itertools
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    time: str
    tenant: str | None
    vendor: str
    operation: str | None
    method: str
    path: str
    query: str
    status: int
    scenario_rule: str | None
    detail: str | None
    request_body: str
    response_body: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


FILTERS = ("vendor", "tenant", "method", "path", "status", "operation")


class Journal:
    """Keeps the newest ``capacity`` entries; memory stays flat however long the server runs."""

    def __init__(self, capacity: int = 5000, body_cap: int = 4096) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self.body_cap = body_cap

    def cap(self, body: bytes | str) -> str:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        if len(text) > self.body_cap:
            return text[: self.body_cap] + f"...[{len(text) - self.body_cap} more characters]"
        return text

    def record(self, **fields: Any) -> None:
        with self._lock:
            self._entries.append(JournalEntry(seq=next(self._seq), **fields))

    def query(self, filters: Mapping[str, str]) -> list[JournalEntry]:
        """Entries matching every filter, oldest first; ``path`` is a glob, ``method`` any case."""
        with self._lock:
            entries = list(self._entries)
        return [entry for entry in entries if _matches(entry, filters)]

    def clear(self, filters: Mapping[str, str]) -> int:
        with self._lock:
            kept = [entry for entry in self._entries if not _matches(entry, filters)]
            removed = len(self._entries) - len(kept)
            self._entries.clear()
            self._entries.extend(kept)
        return removed


def _matches(entry: JournalEntry, filters: Mapping[str, str]) -> bool:
    for key, wanted in filters.items():
        if key == "path":
            if not fnmatch.fnmatchcase(entry.path, wanted):
                return False
        elif key == "method":
            if entry.method != wanted.upper():
                return False
        elif key == "status":
            if str(entry.status) != wanted:
                return False
        elif getattr(entry, key) != wanted:
            return False
    return True
