"""sandbox.core.store.Store: keyed tables, copies in and out, atomic and debounced persistence."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.core.store import Store


@pytest.fixture
def store() -> Iterator[Store]:
    memory = Store()
    yield memory
    memory.close()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "sandbox.json"


def read_file(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def wait_for_file(path: Path, predicate: Any, timeout: float = 2.0) -> dict[str, Any]:
    """Poll the file the writer thread produces (I/O, not a status wait)."""
    deadline = time.monotonic() + timeout
    while True:
        if path.exists():
            data = read_file(path)
            if predicate(data):
                return data
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not get the expected content within {timeout} s")
        time.sleep(0.02)


# -- keyed tables ------------------------------------------------------------------------------------------
def test_insert_then_get(store: Store) -> None:
    store.insert("t", "a", {"name": "A", "n": 1})

    assert store.get("t", "a") == {"name": "A", "n": 1}
    assert store.get("t", "missing") is None
    assert store.get("no-such-table", "a") is None
    assert store.contains("t", "a")
    assert not store.contains("t", "b")


def test_duplicate_insert_raises_and_keeps_the_first(store: Store) -> None:
    store.insert("t", "a", {"v": 1})

    with pytest.raises(ValueError):
        store.insert("t", "a", {"v": 2})

    assert store.get("t", "a") == {"v": 1}
    assert store.count("t") == 1


def test_same_key_in_two_tables_is_two_records(store: Store) -> None:
    store.insert("one", "k", {"v": 1})
    store.insert("two", "k", {"v": 2})

    assert (store.get("one", "k"), store.get("two", "k")) == ({"v": 1}, {"v": 2})
    assert store.table_names() == {"one", "two"}


def test_update_merges_fields(store: Store) -> None:
    store.insert("t", "a", {"name": "A", "n": 1})

    store.update("t", "a", {"n": 2, "extra": [1]})

    assert store.get("t", "a") == {"name": "A", "n": 2, "extra": [1]}


def test_update_of_a_missing_record_raises_key_error(store: Store) -> None:
    with pytest.raises(KeyError):
        store.update("t", "missing", {"n": 1})
    store.insert("t", "a", {"n": 1})
    with pytest.raises(KeyError):
        store.update("t", "b", {"n": 1})
    assert store.count("t") == 1


def test_delete(store: Store) -> None:
    store.insert("t", "a", {"n": 1})
    store.insert("t", "b", {"n": 2})

    assert store.delete("t", "a") is True
    assert store.delete("t", "a") is False
    assert store.delete("no-such-table", "a") is False
    assert store.get("t", "a") is None
    assert store.items("t") == [("b", {"n": 2})]


def test_put_inserts_then_replaces_the_whole_record(store: Store) -> None:
    store.put("t", "a", {"name": "A", "old": True})
    assert store.get("t", "a") == {"name": "A", "old": True}

    store.put("t", "a", {"name": "B"})

    assert store.get("t", "a") == {"name": "B"}
    assert store.count("t") == 1


def test_values_items_and_keys_keep_insertion_order(store: Store) -> None:
    for key in ("c", "a", "b"):
        store.insert("t", key, {"key": key})
    store.put("t", "a", {"key": "a", "replaced": True})  # replacing keeps the position

    assert [row["key"] for row in store.values("t")] == ["c", "a", "b"]
    assert [key for key, _ in store.items("t")] == ["c", "a", "b"]
    assert store.items("t")[1] == ("a", {"key": "a", "replaced": True})
    assert list(store.keys("t")) == ["c", "a", "b"]
    assert store.values("empty") == [] and store.items("empty") == []


def test_count(store: Store) -> None:
    assert store.count("t") == 0
    for number in range(5):
        store.insert("t", str(number), {})
    store.delete("t", "2")

    assert store.count("t") == 4


def test_oldest_key_follows_insertion_order(store: Store) -> None:
    assert store.oldest_key("t") is None
    for key in ("first", "second", "third"):
        store.insert("t", key, {})

    assert store.oldest_key("t") == "first"
    store.delete("t", "first")
    assert store.oldest_key("t") == "second"
    store.insert("t", "first", {})  # re-inserted: now the newest
    store.delete("t", "second")
    assert store.oldest_key("t") == "third"


def test_drop_where_drops_only_matching_tables(store: Store) -> None:
    store.insert("webex.campaigns/a", "1", {})
    store.insert("webex.events/a", "1", {})
    store.insert("webex.campaigns/b", "1", {})
    store.insert("_sandbox.credentials", "k", {})

    store.drop_where(lambda name: name.endswith("/a"))

    assert store.table_names() == {"webex.campaigns/b", "_sandbox.credentials"}
    assert store.count("webex.campaigns/a") == 0
    assert store.get("webex.campaigns/b", "1") == {}
    store.insert("webex.campaigns/a", "1", {"again": True})  # a dropped table can be used again
    assert store.get("webex.campaigns/a", "1") == {"again": True}


def test_drop_a_table(store: Store) -> None:
    store.insert("t", "a", {})
    store.insert("u", "a", {})

    store.drop("t")

    assert store.table_names() == {"u"}


def test_export_and_replace_all(store: Store) -> None:
    store.insert("t", "a", {"n": [1]})
    exported = store.export()
    exported["t"]["a"]["n"].append(2)

    assert store.get("t", "a") == {"n": [1]}

    store.replace_all({"u": {"b": {"n": 2}}})

    assert store.table_names() == {"u"}
    assert store.get("u", "b") == {"n": 2}
    assert store.get("t", "a") is None


# -- copies in and out -----------------------------------------------------------------------------------------
def test_inserted_documents_are_copied_in(store: Store) -> None:
    record: dict[str, Any] = {"name": "A", "tags": ["x"], "nested": {"n": 1}}
    store.insert("t", "a", record)
    store.put("t", "b", record)

    record["name"] = "changed"
    record["tags"].append("y")
    record["nested"]["n"] = 2

    for key in ("a", "b"):
        assert store.get("t", key) == {"name": "A", "tags": ["x"], "nested": {"n": 1}}


def test_updated_fields_are_copied_in(store: Store) -> None:
    store.insert("t", "a", {"n": 0})
    fields: dict[str, Any] = {"tags": ["x"]}
    store.update("t", "a", fields)

    fields["tags"].append("y")

    assert store.get("t", "a") == {"n": 0, "tags": ["x"]}


def test_returned_documents_are_copies(store: Store) -> None:
    store.insert("t", "a", {"name": "A", "tags": ["x"], "nested": {"n": 1}})

    got = store.get("t", "a")
    assert got is not None
    got["name"] = "changed"
    got["tags"].append("y")
    got["nested"]["n"] = 2
    store.values("t")[0]["tags"].append("z")
    store.items("t")[0][1]["nested"]["n"] = 3

    assert store.get("t", "a") == {"name": "A", "tags": ["x"], "nested": {"n": 1}}


def test_concurrent_inserts_are_all_kept(store: Store) -> None:
    def insert_many(worker: int) -> None:
        for number in range(200):
            store.insert("t", f"{worker}-{number}", {"worker": worker})

    threads = [threading.Thread(target=insert_many, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert store.count("t") == 800


def test_memory_store_writes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    memory = Store()
    memory.insert("t", "a", {})
    memory.flush()
    memory.close()

    assert list(tmp_path.iterdir()) == []


# -- file mode -------------------------------------------------------------------------------------------------
def test_flush_writes_a_file_a_new_store_reads_back(path: Path) -> None:
    first = Store(path, debounce=60)
    first.insert("t", "a", {"name": "A", "tags": ["x"]})
    first.insert("t", "b", {"name": "B"})
    first.put("u", "k", {"v": 1})
    first.update("t", "a", {"name": "A2"})
    first.delete("t", "b")
    first.flush()

    second = Store(path, debounce=60)
    try:
        assert second.items("t") == [("a", {"name": "A2", "tags": ["x"]})]
        assert second.get("u", "k") == {"v": 1}
        assert second.table_names() == {"t", "u"}
        # The re-opened store is fully usable: keyed writes, duplicate detection.
        with pytest.raises(ValueError):
            second.insert("t", "a", {})
        second.insert("t", "c", {"name": "C"})
        assert [key for key, _ in second.items("t")] == ["a", "c"]
    finally:
        first.close()
        second.close()


def test_the_file_is_replaced_atomically(path: Path) -> None:
    store = Store(path, debounce=60)
    try:
        for number in range(3):
            store.insert("t", str(number), {"n": number, "text": "é" * 10})
            store.flush()
            assert read_file(path)["t"][str(number)] == {"n": number, "text": "é" * 10}
            # Only the store file: the temp file was renamed over it, none is left behind.
            assert [entry.name for entry in path.parent.iterdir()] == [path.name]
    finally:
        store.close()


def test_flush_without_changes_does_not_rewrite(path: Path) -> None:
    store = Store(path, debounce=60)
    try:
        store.insert("t", "a", {})
        store.flush()
        path.write_text('{"marker": {}}', encoding="utf-8")

        store.flush()

        assert read_file(path) == {"marker": {}}
    finally:
        store.close()


def test_the_debounce_writer_persists_without_a_flush(path: Path) -> None:
    store = Store(path, debounce=0.05)
    try:
        store.insert("t", "a", {"n": 1})
        wait_for_file(path, lambda data: data.get("t", {}).get("a") == {"n": 1})

        store.update("t", "a", {"n": 2})
        store.insert("t", "b", {"n": 3})
        data = wait_for_file(path, lambda data: data.get("t", {}).get("a") == {"n": 2} and "b" in data["t"])

        assert data["t"]["b"] == {"n": 3}
        assert [entry.name for entry in path.parent.iterdir()] == [path.name]
    finally:
        store.close()


def test_close_flushes_pending_changes(path: Path) -> None:
    store = Store(path, debounce=60)  # the writer would wait a minute
    store.insert("t", "a", {"n": 1})
    store.drop_where(lambda name: False)
    store.put("t", "b", {"n": 2})

    store.close()

    assert read_file(path) == {"t": {"a": {"n": 1}, "b": {"n": 2}}}
    assert [entry.name for entry in path.parent.iterdir()] == [path.name]


def test_close_waits_for_a_write_in_flight(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """close() must not return while the debounce writer is still writing the final state."""
    writing, release = threading.Event(), threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        if threading.current_thread().name == "store-writer":
            writing.set()
            release.wait(5)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    store = Store(path, debounce=0.001)
    store.insert("t", "a", {"n": 1})
    assert writing.wait(5), "the writer thread never wrote"

    closer = threading.Thread(target=store.close)
    closer.start()
    closer.join(0.2)
    still_closing = closer.is_alive()
    release.set()
    closer.join(5)

    assert still_closing, "close() returned while a write was in flight"
    assert read_file(path) == {"t": {"a": {"n": 1}}}
    assert [entry.name for entry in path.parent.iterdir()] == [path.name]


def test_drop_and_replace_all_are_persisted(path: Path) -> None:
    store = Store(path, debounce=60)
    store.insert("gone", "a", {})
    store.insert("kept", "a", {})
    store.flush()
    store.drop("gone")
    store.close()
    assert read_file(path) == {"kept": {"a": {}}}

    store = Store(path, debounce=60)
    store.replace_all({"new": {"x": {"v": 1}}})
    store.close()
    assert read_file(path) == {"new": {"x": {"v": 1}}}
