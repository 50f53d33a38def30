"""sandbox.core.store.Store: keyed tables, copies in and out, unstorable values refused (on disk: test_changelog)."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.core.store import Store, Unstorable


@pytest.fixture
def store() -> Iterator[Store]:
    memory = Store()
    yield memory
    memory.close()


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


# -- values the store refuses: nothing that reaches it can stop its writer ---------------------------------------
UNSTORABLE = [
    pytest.param({"name": "\ud800"}, id="lone-surrogate"),
    pytest.param({"n": math.nan}, id="nan"),
    pytest.param({"n": math.inf}, id="infinity"),
    pytest.param({"n": 10**5000}, id="an-int-too-long-to-print"),
    pytest.param({"when": {1, 2}}, id="a-set"),
]


@pytest.mark.parametrize("record", UNSTORABLE)
def test_an_unstorable_value_is_refused_and_changes_nothing(store: Store, record: dict[str, Any]) -> None:
    store.put("t", "a", {"name": "kept"})

    for write in (
        lambda: store.put("t", "a", record),
        lambda: store.insert("t", "b", record),
        lambda: store.update("t", "a", record),
        lambda: store.replace_all({"t": {"a": {"name": "fine"}, "b": record}}),
    ):
        with pytest.raises(Unstorable):
            write()

    assert store.export() == {"t": {"a": {"name": "kept"}}}
    assert store.problem is not None and "refused as unstorable" in store.problem


def test_a_refusal_is_logged_once_per_kind_and_later_writes_go_on(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="sandbox.core.store"):
        for number in range(5):
            with pytest.raises(Unstorable):
                store.put("tenant-a", str(number), {"name": "\udc00"})
        store.put("tenant-b", "x", {"name": "fine"})

    assert len([r for r in caplog.records if "unstorable" in r.getMessage()]) == 1
    assert store.get("tenant-b", "x") == {"name": "fine"}


def test_stored_values_are_what_json_reads_back(store: Store) -> None:
    store.put("t", "a", {"tuple": (1, 2), "float": 1.0, "nested": {"t": ("x",)}})

    assert store.get("t", "a") == {"tuple": [1, 2], "float": 1.0, "nested": {"t": ["x"]}}


def test_drop_tenant_drops_that_tenants_tables_only(store: Store) -> None:
    for name in ("webex.campaigns/t1", "zexa.lists/t1", "webex.campaigns/t2", "_sandbox.clock", "webex.campaigns/t10"):
        store.put(name, "k", {"n": 1})

    store.drop_tenant("t1")
    assert store.table_names() == {"webex.campaigns/t2", "_sandbox.clock", "webex.campaigns/t10"}

    store.replace_all({"webex.campaigns/t3": {"k": {}}, "webex.campaigns/t2": {"k": {}}})
    store.drop_tenant("t3")
    assert store.table_names() == {"webex.campaigns/t2"}


def test_a_table_trimmed_oldest_first_keeps_its_rows_order_and_content() -> None:
    # Deletes past a quarter of the rows copy the table's dict afresh (Store.delete): nothing may change.
    store = Store()
    for number in range(3000):
        store.put("t/x", f"k{number:05d}", {"n": number})
    for number in range(3000, 9000):
        oldest = store.oldest_key("t/x")
        assert oldest == f"k{number - 3000:05d}"
        store.delete("t/x", oldest)
        store.put("t/x", f"k{number:05d}", {"n": number})
    assert list(store.keys("t/x")) == [f"k{number:05d}" for number in range(6000, 9000)]
    assert store.get("t/x", "k08999") == {"n": 8999} and store.count("t/x") == 3000
    store.drop("t/x")
    assert store.count("t/x") == 0 and not store._deletes
