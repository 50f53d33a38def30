"""The request journal: a ring of vendor requests bounded in entries and bytes, secrets masked, queryable by tests."""

from __future__ import annotations

import fnmatch
import itertools
import json
import re
import threading
from collections import deque
from collections.abc import Mapping
from typing import Any, NamedTuple

from sandbox.core import memory

REDACTED = "[redacted]"
# [decided] Names whose values are secrets, in any case and with any separators (client_secret, apiKey,
# access-token, X-Password...): keys, passwords, tokens, webhook secrets are never kept in the journal.
_SECRET_WORDS = ("password", "passphrase", "secret", "token", "apikey", "authorization", "privatekey", "credential")
_FORM_PAIR = re.compile(r"(^|[&;?])([^=&;]+)=([^&;]*)")
# What a text holding such a name must contain: once lowered, the word's letters in order with only non-letters
# between them (a name is folded that way), i.e. the word within the text's letters alone; a backslash may hide a
# letter in an escape, and text beyond ASCII may lower to letters (a Kelvin sign), so both are parsed. Run on
# every recorded body and query: folding the letters takes 2-5 us where a pattern took 12 us on 1 KB.
_FOLD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_NON_LETTERS = bytes(byte for byte in range(256) if not 97 <= byte <= 122 and not 65 <= byte <= 90)
_SECRET_BYTES = tuple(word.encode() for word in _SECRET_WORDS)


def may_hold_secret(body: bytes) -> bool:
    """Whether masking could change ``body``: a secret's name, an escape, or text ``str.lower`` folds otherwise."""
    if not body.isascii() or b"\\" in body:
        return True
    return any(map(body.translate(_FOLD, _NON_LETTERS).__contains__, _SECRET_BYTES))


def is_secret_name(name: str) -> bool:
    folded = re.sub(r"[^a-z]", "", name.lower())
    return any(word in folded for word in _SECRET_WORDS)


def redact(text: str) -> str:
    """``text`` with the values of secret-named fields masked: a JSON body, a form body or a query string."""
    if not may_hold_secret(text.encode("utf-8", "surrogatepass")):
        return text
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            document = json.loads(text)
        except ValueError:
            return _redact_pairs(text)
        masked, changed = _mask(document)
        return json.dumps(masked, ensure_ascii=False) if changed else text
    return _redact_pairs(text)


def _redact_pairs(text: str) -> str:
    return _FORM_PAIR.sub(lambda m: f"{m[1]}{m[2]}={REDACTED}" if is_secret_name(m[2]) else m[0], text)


def _mask(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict):
        changed = False
        masked: dict[str, Any] = {}
        for key, item in value.items():
            if is_secret_name(key) and item not in (None, ""):
                masked[key], changed = REDACTED, True
            else:
                masked[key], inner = _mask(item)
                changed = changed or inner
        return masked, changed
    if isinstance(value, list):
        items = [_mask(item) for item in value]
        return [item for item, _ in items], any(changed for _, changed in items)
    return value, False


class JournalEntry(NamedTuple):
    """One vendor request as the journal keeps it: immutable, and a tuple (built on every request)."""

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
    # Bodies as ``Journal.cap`` makes them, or, for one no longer than the cap that holds nothing to mask, the
    # bytes received, which ``Journal.show`` decodes when the entry is read: the same text, without the work on
    # every request.
    request_body: str | bytes
    response_body: str | bytes


FILTERS = ("vendor", "tenant", "method", "path", "status", "operation")


class Journal:
    """The newest entries within ``capacity`` and ``max_bytes``: memory stays flat however long the server runs."""

    def __init__(self, capacity: int = 5000, body_cap: int = 4096, max_bytes: int = 16 * 1024 * 1024) -> None:
        self._entries: deque[tuple[JournalEntry, int]] = deque()
        self._bytes = 0
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.body_cap = body_cap

    def cap(self, body: bytes | str) -> str:
        """A body as the journal keeps it: secrets masked, cut at ``body_cap`` characters."""
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        text = redact(text)
        if len(text) > self.body_cap:
            return text[: self.body_cap] + f"...[{len(text) - self.body_cap} more characters]"
        return text

    def show(self, entry: JournalEntry) -> dict[str, Any]:
        """An entry as the control API answers it: every body decoded, masked and capped."""
        shown = entry._asdict()
        for name in ("request_body", "response_body"):
            if isinstance(shown[name], bytes):
                shown[name] = self.cap(shown[name])
        return shown

    def record(self, **fields: Any) -> None:
        """Keep one request. A body given as bytes is masked and capped here if it is long or may hold a secret
        (so no secret is ever kept, not even until the entry is read); otherwise it is kept as received and
        ``show`` decodes it (JournalEntry)."""
        query = fields.get("query")
        fields["query"] = redact(query) if query else ""
        for name in ("request_body", "response_body"):
            body = fields[name]
            if isinstance(body, bytes) and (len(body) > self.body_cap or may_hold_secret(body)):
                fields[name] = self.cap(body)
        entry = JournalEntry(seq=next(self._seq), **fields)
        size = _size(entry)
        with self._lock:
            self._entries.append((entry, size))
            self._bytes += size
            while len(self._entries) > self.capacity or self._bytes > self.max_bytes:
                self._bytes -= self._entries.popleft()[1]

    @property
    def size(self) -> tuple[int, int]:
        """(entries, bytes) held now."""
        return len(self._entries), self._bytes

    def query(self, filters: Mapping[str, str]) -> list[JournalEntry]:
        """Entries matching every filter, oldest first; ``path`` is a glob, ``method`` any case."""
        with self._lock:
            entries = [entry for entry, _ in self._entries]
        return [entry for entry in entries if _matches(entry, filters)]

    def clear(self, filters: Mapping[str, str]) -> int:
        with self._lock:
            kept = [(entry, size) for entry, size in self._entries if not _matches(entry, filters)] if filters else []
            removed = len(self._entries) - len(kept)
            freed = self._bytes - sum(size for _, size in kept)
            self._entries = deque(kept)
            self._bytes -= freed
        if freed > 1024 * 1024:
            memory.release()
        return removed


def _size(entry: JournalEntry) -> int:
    """About what an entry costs in memory: its text, and the object around it."""
    texts = (entry.path, entry.query, entry.request_body, entry.response_body, entry.detail or "", entry.time)
    return 400 + sum(len(text) for text in texts)


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
