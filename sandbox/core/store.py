"""The embedded TinyDB store: O(1) keyed tables behind a lock, every value checked storable, a durable change log."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from sandbox.core import changelog
from sandbox.core.changelog import ChangeLog, StoreLoadError
from sandbox.core.jsontext import Unstorable, encode

log = logging.getLogger(__name__)

Record = dict[str, Any]
__all__ = ["Record", "Store", "StoreLoadError", "Unstorable", "clone", "table_name"]


def table_name(vendor: str, collection: str, tenant: str) -> str:
    """Every tenant's records of one kind live in a table of their own: isolation and O(1) reset."""
    return f"{vendor}.{collection}/{tenant}"


def clone(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, scalars): four times faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {key: clone(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clone(item) for item in value]
    return value


class KeyedTable(Table):
    """A TinyDB table whose documents are keyed by the resource's own string id.

    TinyDB's stock table rebuilds (and re-keys) the whole table on every write, which makes an insert
    O(n) (0.24 ms an insert at 1k documents, 17.7 ms at 50k: bench/run.py, section 4b). Here the storage hands
    out its live dict and writes mutate it in place, so insert/get/update/remove by id are O(1).
    """

    # TinyDB's annotations assume int ids; str ids are what its own extension point is for.
    document_id_class = str  # type: ignore[assignment]

    def _update_table(self, updater: Callable[[dict[str, Mapping]], None]) -> None:  # type: ignore[override]
        tables = self._storage.read()
        assert tables is not None  # KeyedStorage never answers None
        updater(tables.setdefault(self.name, {}))
        self.clear_cache()


class KeyedStorage(Storage):
    """TinyDB storage that keeps every table in memory; the store logs each change to disk itself."""

    def __init__(self, tables: dict[str, dict[str, Mapping]] | None = None) -> None:
        self._data: dict[str, dict[str, Mapping]] = tables if tables is not None else {}

    def read(self) -> dict[str, dict[str, Mapping]]:
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data


COMPACT_AFTER_DELETES = 1024  # a table's dict is copied afresh after this many deletes at least (Store.delete)


def _check_names(table: str, key: str) -> None:
    """A table name or key goes to disk in every log line and snapshot: one holding a lone surrogate would be
    kept in memory, then fail every compaction and the shutdown's (its log line could not be encoded)."""
    if not (table.isascii() and key.isascii()):
        try:
            table.encode("utf-8")
            key.encode("utf-8")
        except UnicodeEncodeError:
            raise Unstorable("a table name or key holds a lone UTF-16 surrogate, which is not text") from None


class Store:
    """Named keyed tables behind one re-entrant lock; documents are copied in (through their JSON) and out.

    Every record is encoded as JSON on its way in, in the caller's thread: a value that could not be written
    to disk (a lone surrogate, NaN, a set...) is refused there with ``Unstorable`` and changes nothing, so no
    value can stop the writer. With a ``path``, each change is also queued as one line of the change log
    (``core.changelog``), which a writer thread commits every ``commit_seconds``.
    """

    def __init__(
        self, path: Path | None = None, commit_seconds: float = 0.05, compact_min_bytes: int = 8 << 20
    ) -> None:
        self.lock = threading.RLock()
        self._log: ChangeLog | None = None
        tables: dict[str, dict[str, Mapping]] = {}
        if path is not None:
            self._log = ChangeLog(path, self.lock, self._tables, commit_seconds, compact_min_bytes)
            tables = self._log.load()
        self._db = TinyDB(storage=KeyedStorage, tables=tables)
        self._db.table_class = KeyedTable
        self._storage: KeyedStorage = self._db.storage  # type: ignore[assignment]
        self._by_tenant: dict[str, set[str]] = {}  # "<kind>/<tenant>" tables per tenant: dropping one is O(its own)
        self._index()
        self.refused: str | None = None  # the last value refused as unstorable, for health (until a full reset)
        self._said: set[str] = set()
        self._deletes: dict[str, int] = {}  # deletes per table since its dict was last copied afresh

    def _tables(self) -> dict[str, dict[str, Mapping]]:
        return self._storage.read()

    def _index(self) -> None:
        self._by_tenant = {}
        for name in self._tables():
            self._note(name)

    def _note(self, table: str) -> None:
        _, slash, tenant = table.partition("/")
        if slash:
            self._by_tenant.setdefault(tenant, set()).add(table)

    def _encode(self, table: str, key: str, record: Mapping[str, Any]) -> tuple[bytes, Record]:
        """The record's JSON and a private copy read back from it; ``Unstorable`` if it cannot be kept."""
        try:
            _check_names(table, key)
            return encode(record)
        except Unstorable as error:
            problem = f"a record of {table[:120]!r} ({key[:80]!r}) was refused as unstorable: {error}"
            if str(error) not in self._said:  # said once per kind of value, not once per request
                self._said.add(str(error))
                log.error("%s; the sandbox let a value through that its edges should refuse", problem)
            self.refused = problem
            raise Unstorable(problem) from None

    def _rows(self, table: str) -> dict[str, Mapping]:
        """The table's rows; a table written to for the first time is made, and indexed under its tenant."""
        tables = self._tables()
        rows = tables.get(table)
        if rows is None:
            rows = tables[table] = {}
            self._note(table)
        return rows

    def _logged(self, line: Callable[[], bytes]) -> None:
        if self._log is not None:
            self._log.append(line())

    def insert(self, table: str, key: str, record: Mapping[str, Any]) -> None:
        """Store a new record; ``ValueError`` if one is stored under ``key`` (as TinyDB's insert refuses it)."""
        with self.lock:
            encoded, copy = self._encode(table, key, record)
            rows = self._rows(table)
            if key in rows:
                raise ValueError(f"Document with ID {key} already exists")
            rows[key] = copy  # what KeyedTable's insert does, without its per-call closure and second copy
            self._logged(lambda: changelog.put_line(table, key, encoded))

    def put(self, table: str, key: str, record: Mapping[str, Any]) -> None:
        """Insert or replace the record stored under ``key``."""
        with self.lock:
            # Not TinyDB's upsert: it merges into the stored dict in place, which keeps stale fields and
            # mutates a record the compactor's snapshot may be serialising.
            encoded, copy = self._encode(table, key, record)
            self._rows(table)[key] = copy
            self._logged(lambda: changelog.put_line(table, key, encoded))

    def get(self, table: str, key: str) -> Record | None:
        with self.lock:
            found = self._tables().get(table, {}).get(key)
            return clone(found) if found is not None else None

    def peek(self, table: str, key: str) -> Record | None:
        """The stored record itself, not a copy, for a reader that never mutates it (the lifecycle engine).

        Safe to hold: writes replace a stored record with a new dict, they never change one in place.
        """
        with self.lock:
            return cast("Record | None", self._tables().get(table, {}).get(key))

    def update(self, table: str, key: str, fields: Mapping[str, Any]) -> None:
        with self.lock:
            raw = self._tables().get(table, {})
            if key not in raw:
                raise KeyError(key)
            # Replace rather than mutate, so snapshots taken by the compactor stay consistent.
            encoded, copy = self._encode(table, key, {**raw[key], **fields})
            raw[key] = copy
            self._logged(lambda: changelog.put_line(table, key, encoded))

    def delete(self, table: str, key: str) -> bool:
        with self.lock:
            raw = self._tables().get(table, {})
            if key not in raw:
                return False
            del raw[key]
            self._logged(lambda: changelog.delete_line(table, key))
            self._compact_after_deletes(table, raw)
            return True

    def _compact_after_deletes(self, table: str, rows: dict[str, Mapping]) -> None:
        # A dict keeps the slots of deleted keys until it next grows, and iterating it from its start walks them:
        # in a table trimmed oldest-first (the Webex events past their cap) finding the oldest row cost 4 us on
        # average and up to 0.15 ms at 10,000 rows. A fresh copy after a quarter of the rows were deleted keeps
        # that near constant, for an amortised copy of four rows per delete.
        deletes = self._deletes.get(table, 0) + 1
        if deletes < max(COMPACT_AFTER_DELETES, len(rows) // 4):
            self._deletes[table] = deletes
            return
        self._tables()[table] = dict(rows)
        self._deletes.pop(table, None)

    def contains(self, table: str, key: str) -> bool:
        with self.lock:
            return key in self._tables().get(table, {})

    def count(self, table: str) -> int:
        with self.lock:
            return len(self._tables().get(table, {}))

    def values(self, table: str) -> list[Record]:
        """All records of a table, in insertion order (a copy)."""
        with self.lock:
            return clone(list(self._tables().get(table, {}).values()))

    def items(self, table: str) -> list[tuple[str, Record]]:
        """All (key, record) pairs of a table, in insertion order (a copy)."""
        with self.lock:
            return [(key, clone(record)) for key, record in self._tables().get(table, {}).items()]

    def keys(self, table: str) -> Iterator[str]:
        with self.lock:
            return iter(list(self._tables().get(table, {})))

    def oldest_key(self, table: str) -> str | None:
        with self.lock:
            return next(iter(self._tables().get(table, {})), None)

    def table_names(self) -> set[str]:
        with self.lock:
            return set(self._tables())

    def drop(self, table: str) -> None:
        with self.lock:
            self._deletes.pop(table, None)
            if table in self._tables():
                self._db.drop_table(table)
                _, slash, tenant = table.partition("/")
                if slash and tenant in self._by_tenant:
                    self._by_tenant[tenant].discard(table)
                    if not self._by_tenant[tenant]:
                        del self._by_tenant[tenant]
                self._logged(lambda: changelog.drop_line(table))

    def drop_tenant(self, tenant: str) -> None:
        """Drop every ``<kind>/<tenant>`` table: O(the tenant's tables), whatever the number of tenants."""
        with self.lock:
            for name in sorted(self._by_tenant.get(tenant, ())):
                self.drop(name)

    def drop_where(self, predicate: Callable[[str], bool]) -> None:
        with self.lock:
            for name in [name for name in self._tables() if predicate(name)]:
                self.drop(name)

    def tables_view(self, prefix: str) -> dict[str, Mapping[str, Mapping]]:
        """The tables whose names start with ``prefix``, uncopied: for a check that only reads them."""
        with self.lock:
            return {name: rows for name, rows in self._tables().items() if name.startswith(prefix)}

    def export(self) -> dict[str, dict[str, Record]]:
        with self.lock:
            return clone(self._tables())

    def replace_all(self, data: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        """Replace every table (a snapshot restore); every record is checked storable before anything changes."""
        for name in data:
            self._encode(name, "", {})  # an empty table's name goes to disk too
        encoded = {
            name: {key: self._encode(name, key, record) for key, record in rows.items()} for name, rows in data.items()
        }
        with self.lock:
            self._db.drop_tables()
            self._deletes.clear()
            self._storage.write(
                {name: {key: copy for key, (_, copy) in rows.items()} for name, rows in encoded.items()}
            )
            self._index()
            self._logged(lambda: changelog.CLEAR_LINE)
            for name, rows in encoded.items():
                for key, (line, _) in rows.items():
                    self._logged(lambda: changelog.put_line(name, key, line))  # noqa: B023 -- called at once

    # -- durability --------------------------------------------------------------------------------------
    @property
    def problem(self) -> str | None:
        """Why the store is degraded (a write to disk failing, a value refused), or None."""
        if self._log is not None and self._log.problem:
            return self._log.problem
        return self.refused

    def flush(self) -> None:
        """Commit every queued change to disk now."""
        if self._log is not None:
            self._log.commit()

    def compact(self) -> None:
        """Fold the change log into the TinyDB JSON file now."""
        if self._log is not None:
            self._log.compact()

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
