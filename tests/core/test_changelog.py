"""sandbox.core.changelog through the Store: an append-only log with group commit, compaction, recovery."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from disk_helpers import FullDisk
from tinydb import TinyDB

from sandbox.core.changelog import ChangeLog, StoreLoadError
from sandbox.core.store import Store, Unstorable


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "sandbox.json"


@pytest.fixture
def opened(path: Path) -> Iterator[list[Store]]:
    """Stores a test opens, closed at its end whatever happens."""
    stores: list[Store] = []
    yield stores
    for store in stores:
        store.close()


def open_store(opened: list[Store], path: Path, **options: Any) -> Store:
    store = Store(path, **{"commit_seconds": 60, **options})
    opened.append(store)
    return store


def files(path: Path) -> list[str]:
    return sorted(entry.name for entry in path.parent.iterdir())


def logs(path: Path) -> list[Path]:
    return sorted(path.parent.glob("sandbox.*.log"))


def wait_for(predicate: Any, timeout: float = 3.0) -> None:
    """Poll what the writer thread produces on disk (I/O, not a status wait)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the writer did not get there in time")
        time.sleep(0.01)


# -- commit and recovery ---------------------------------------------------------------------------------------
def test_committed_changes_are_read_back_by_a_new_store(path: Path, opened: list[Store]) -> None:
    first = open_store(opened, path)
    first.insert("t", "a", {"name": "A", "tags": ["x"]})
    first.insert("t", "b", {"name": "B"})
    first.put("u", "k", {"v": 1})
    first.update("t", "a", {"name": "A2"})
    first.delete("t", "b")
    first.put("gone", "k", {})
    first.drop("gone")
    first.flush()

    second = open_store(opened, path)  # the first is never closed: as after kill -9

    assert second.items("t") == [("a", {"name": "A2", "tags": ["x"]})]
    assert second.get("u", "k") == {"v": 1}
    assert second.table_names() == {"t", "u"}
    with pytest.raises(ValueError):
        second.insert("t", "a", {})  # duplicate detection works on a recovered store
    second.insert("t", "c", {"name": "C"})
    assert [key for key, _ in second.items("t")] == ["a", "c"]


def test_the_writer_commits_within_the_commit_interval_without_a_flush(path: Path, opened: list[Store]) -> None:
    store = open_store(opened, path, commit_seconds=0.02)
    store.put("t", "a", {"n": 1})

    wait_for(lambda: any(b'"a"' in file.read_bytes() for file in logs(path)))

    assert Store(path).get("t", "a") == {"n": 1}


def test_a_write_appends_one_line_whatever_the_size_of_the_store(path: Path, opened: list[Store]) -> None:
    store = open_store(opened, path)
    for number in range(2000):
        store.put("big", f"r{number}", {"text": "x" * 1000})
    store.compact()
    snapshot = path.stat()
    assert snapshot.st_size > 2_000_000

    store.put("t", "a", {"n": 1})
    store.flush()

    (current,) = logs(path)
    assert current.read_bytes() == b'["p","t","a",{"n":1}]\n'
    assert path.stat().st_mtime_ns == snapshot.st_mtime_ns  # the 2 MB file was not rewritten


def test_close_compacts_into_one_tinydb_file(path: Path) -> None:
    store = Store(path, commit_seconds=60)
    store.insert("t", "a", {"n": 1})
    store.put("t", "b", {"n": 2, "text": "é"})
    store.close()

    assert files(path) == ["sandbox.json"]
    with TinyDB(path, access_mode="r") as db:  # TinyDB's own JSON storage reads it
        assert db.table("t").get(doc_id="b") == {"n": 2, "text": "é"}  # type: ignore[arg-type]
    assert Store(path).export() == {"t": {"a": {"n": 1}, "b": {"n": 2, "text": "é"}}}


def test_the_log_is_compacted_once_it_outgrows_the_snapshot(path: Path, opened: list[Store]) -> None:
    store = open_store(opened, path, commit_seconds=0.005, compact_min_bytes=20_000)
    for number in range(300):
        store.put("t", f"r{number}", {"text": "y" * 200})

    wait_for(lambda: path.exists() and len(json.loads(path.read_bytes()).get("t", {})) >= 60)

    store.flush()
    assert sum(file.stat().st_size for file in logs(path)) < 80_000  # compacted logs are gone
    assert Store(path).export() == store.export()


def test_a_restored_snapshot_survives_a_crash(path: Path, opened: list[Store]) -> None:
    store = open_store(opened, path)
    store.put("old", "a", {"n": 1})
    store.compact()

    store.replace_all({"new": {"x": {"v": 1}}, "more": {"y": {"v": 2}}})
    store.flush()

    assert open_store(opened, path).export() == {"new": {"x": {"v": 1}}, "more": {"y": {"v": 2}}}


# -- crashes and damage ------------------------------------------------------------------------------------------
def test_a_torn_last_line_is_a_write_never_acknowledged(path: Path, opened: list[Store]) -> None:
    store = open_store(opened, path)
    store.put("t", "a", {"n": 1})
    store.flush()
    (log_file,) = logs(path)
    with log_file.open("ab") as handle:
        handle.write(b'["p","t","b",{"n":')  # kill -9 in the middle of a write

    recovered = open_store(opened, path)
    recovered.put("t", "c", {"n": 3})
    recovered.flush()

    assert recovered.export() == {"t": {"a": {"n": 1}, "c": {"n": 3}}}
    assert len(logs(path)) == 2  # the torn file is never appended to
    assert open_store(opened, path).export() == {"t": {"a": {"n": 1}, "c": {"n": 3}}}


def test_a_corrupt_line_stops_the_load_naming_file_and_line(path: Path, opened: list[Store]) -> None:
    store = open_store(opened, path)
    store.put("t", "a", {"n": 1})
    store.put("t", "b", {"n": 2})
    store.flush()
    (log_file,) = logs(path)
    lines = log_file.read_bytes().split(b"\n")
    log_file.write_bytes(lines[0] + b"\n" + b"garbage\n" + lines[1] + b"\n")

    with pytest.raises(StoreLoadError) as failure:
        Store(path)

    assert failure.value.file == log_file
    assert "line 2" in failure.value.problem


@pytest.mark.parametrize("content", [b'{"t": {"a": {"n": 1}}, "u": {"b', b"\xff\xfe\x00", b"[]", b'{"t": []}'])
def test_a_damaged_store_file_is_refused_and_left_untouched(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    (path.parent / ".store-123-456.json").write_bytes(b"{}")  # even stale files stay: nothing is touched

    with pytest.raises(StoreLoadError) as failure:
        Store(path)

    assert failure.value.file == path
    assert "\n" not in str(failure.value)
    assert path.read_bytes() == content
    assert files(path) == [".store-123-456.json", "sandbox.json"]


def test_stale_temp_files_and_covered_logs_are_removed_on_load(path: Path, opened: list[Store]) -> None:
    store = open_store(opened, path)
    store.put("t", "a", {"n": 1})
    store.flush()
    (covered_log,) = logs(path)
    kept = covered_log.read_bytes()
    store.compact()
    # A crash after the snapshot was renamed but before its logs were removed; and one mid-compaction.
    covered_log.write_bytes(kept + b'["d","t","a"]\n')
    (path.parent / ".store-1-2.json").write_bytes(b'{"half": ')

    recovered = open_store(opened, path)

    assert recovered.export() == {"t": {"a": {"n": 1}}}  # the covered log is not replayed
    assert files(path) == ["sandbox.json"]


def test_a_failing_disk_degrades_the_store_says_so_once_and_loses_nothing(
    path: Path, opened: list[Store], full_disk: FullDisk, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(opened, path)
    full_disk.fill()
    with caplog.at_level(logging.ERROR, logger="sandbox.core.changelog"):
        store.put("tenant-a", "x", {"n": 1})
        for _ in range(3):
            with pytest.raises(OSError):
                store.flush()
        store.put("tenant-b", "y", {"n": 2})

    assert store.problem is not None and "No space left on device" in store.problem
    assert len([r for r in caplog.records if "No space left" in r.getMessage()]) == 1

    full_disk.free()
    store.flush()

    assert store.problem is None
    recovered = open_store(opened, path)
    assert recovered.get("tenant-a", "x") == {"n": 1}
    assert recovered.get("tenant-b", "y") == {"n": 2}


def test_the_writer_thread_outlives_a_failing_disk_and_commits_on_its_own_once_it_is_free(
    path: Path, opened: list[Store], full_disk: FullDisk
) -> None:
    store = open_store(opened, path, commit_seconds=0.01)
    full_disk.fill()
    store.put("tenant-a", "x", {"n": 1})
    wait_for(lambda: store.problem is not None)  # the writer tried, failed and said so (no flush by the test)
    assert "No space left on device" in (store.problem or "")

    full_disk.free()
    store.put("tenant-b", "y", {"n": 2})

    def committed() -> bool:
        written = b"".join(file.read_bytes() for file in logs(path))
        return store.problem is None and b'"x"' in written and b'"y"' in written

    wait_for(committed)  # the writer retries after a second: only a writer still alive gets there
    recovered = Store(path, commit_seconds=60)
    assert recovered.get("tenant-a", "x") == {"n": 1}
    assert recovered.get("tenant-b", "y") == {"n": 2}


@pytest.mark.parametrize(("table", "key"), [("u", "k\ud800"), ("u/\udfff", "k")], ids=["key", "table"])
def test_a_key_or_table_name_that_is_not_text_is_refused_and_the_store_is_still_written(
    path: Path, table: str, key: str
) -> None:
    store = Store(path, commit_seconds=60)
    store.put("t", "kept", {"n": 1})

    writes = [
        lambda: store.put(table, key, {"n": 2}),
        lambda: store.insert(table, key, {"n": 2}),
        lambda: store.replace_all({"t": {"kept": {"n": 1}}, table: {key: {"n": 2}}}),
    ]
    if not table.isascii():
        writes.append(lambda: store.replace_all({"t": {"kept": {"n": 1}}, table: {}}))  # an empty table's name
    for write in writes:
        with pytest.raises(Unstorable):
            write()

    assert store.export() == {"t": {"kept": {"n": 1}}}
    assert store.problem is not None and "refused as unstorable" in store.problem
    store.compact()  # a name that reached the tables would fail here, and in the shutdown's compaction
    store.close()
    assert files(path) == ["sandbox.json"]
    assert Store(path).export() == {"t": {"kept": {"n": 1}}}


def test_close_waits_for_a_commit_in_flight(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writing, release = threading.Event(), threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        if threading.current_thread().name == "store-writer":
            writing.set()
            release.wait(5)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    store = Store(path, commit_seconds=0.001)
    store.insert("t", "a", {"n": 1})
    assert writing.wait(5), "the writer thread never wrote"

    closer = threading.Thread(target=store.close)
    closer.start()
    closer.join(0.2)
    still_closing = closer.is_alive()
    release.set()
    closer.join(5)

    assert still_closing, "close() returned while a commit was in flight"
    assert Store(path).export() == {"t": {"a": {"n": 1}}}
    assert files(path) == ["sandbox.json"]


def test_the_snapshot_is_written_in_batches_that_make_valid_json(path: Path) -> None:
    log = ChangeLog(path, threading.RLock(), lambda: tables, commit_seconds=60)
    tables: dict[str, dict[str, Any]] = {
        "empty": {},
        "one": {"a": {"n": 1}},
        "many": {f"k{n}": {"n": n} for n in range(1234)},
    }

    log.compact()

    written = json.loads(path.read_bytes())
    assert written.pop("_changelog") == {"covered": {"generation": 1}}
    assert written == tables
