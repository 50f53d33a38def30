"""The store on disk: the TinyDB JSON file as a snapshot, an append-only log of changes since, group commit, compaction.

A write costs the store one encoded line, whatever the store's size: the line goes to a buffer that a writer
thread appends to the current log file every ``commit_seconds`` (group commit), so ``kill -9`` loses at most
that much of acknowledged writes. When the log outgrows the snapshot, a compaction thread writes the whole
state into the TinyDB JSON file (temp file, fsync, rename) and drops the logs it covers; a write's cost stays
O(1) amortised. Log files are numbered (generations); the snapshot records the newest generation it covers,
so recovery replays exactly the logs after it, and a log is never appended to after a restart (its last line
may be torn by a crash: a torn last line is a write that was never acknowledged, and is skipped).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sandbox.core import memory

log = logging.getLogger(__name__)

Tables = dict[str, dict[str, Any]]
META = "_changelog"  # the snapshot's own table: {"covered": {"generation": N}}; never part of the state
TEMP_PREFIX = ".store-"
_BATCH = 500  # records encoded per json.dumps call while compacting: the GIL is released between batches


class StoreLoadError(Exception):
    """A data dir that cannot be loaded: ``file`` and ``problem`` make the one line the CLI prints."""

    def __init__(self, file: Path, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


# -- the lines of the log: absolute changes, so that replaying a log over a snapshot that covers it is harmless --
def put_line(table: str, key: str, encoded_record: bytes) -> bytes:
    return b'["p",' + _encode([table, key])[1:-1] + b"," + encoded_record + b"]\n"


def delete_line(table: str, key: str) -> bytes:
    return b'["d",' + _encode([table, key])[1:-1] + b"]\n"


def drop_line(table: str) -> bytes:
    return b'["x",' + _encode(table) + b"]\n"


CLEAR_LINE = b'["c"]\n'


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def apply(tables: Tables, change: list[Any]) -> None:
    """Apply one decoded log line to ``tables`` (recovery)."""
    kind = change[0]
    if kind == "p":
        tables.setdefault(change[1], {})[change[2]] = change[3]
    elif kind == "d":
        tables.get(change[1], {}).pop(change[2], None)
    elif kind == "x":
        tables.pop(change[1], None)
    elif kind == "c":
        tables.clear()
    else:
        raise ValueError(f"unknown change {kind!r}")


class ChangeLog:
    """Persistence of one store file; ``append`` is called under the store's lock, in the order of the changes."""

    def __init__(
        self,
        path: Path,
        state_lock: AbstractContextManager[Any],
        live: Callable[[], Tables],
        commit_seconds: float = 0.05,
        compact_min_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        self.path = path
        self._state_lock = state_lock  # the store's: held while a change is applied and its line queued
        self._live = live  # the store's tables themselves (records are replaced, never changed in place)
        self.commit_seconds = commit_seconds
        self.compact_min_bytes = compact_min_bytes
        self.problem: str | None = None  # why the last write to disk failed, until one succeeds again
        self._buffer: list[bytes] = []
        self._buffer_lock = threading.Lock()
        self._io_lock = threading.Lock()  # one writer of log files at a time; rotation happens under it
        self._pending = threading.Event()
        self._closed = threading.Event()
        self._generation = 1
        self._handle: Any = None
        self._log_bytes = 0  # in logs the snapshot does not cover
        self._snapshot_bytes = 0
        self._writer: threading.Thread | None = None
        self._compactor: threading.Thread | None = None
        self._compacting = threading.Lock()
        self._reported: set[str] = set()

    # -- recovery --------------------------------------------------------------------------------------------
    def load(self) -> Tables:
        """The state on disk: the snapshot plus every log after it. Raises ``StoreLoadError``; changes no file.

        Stale temp files of an interrupted compaction and logs the snapshot already covers are removed once
        the load has succeeded.
        """
        tables, covered = self._read_snapshot()
        logs = sorted(self._logs())
        for generation, file in logs:
            if generation > covered:
                self._log_bytes += self._replay(file, tables)
        newest = max([covered, *(generation for generation, _ in logs)])
        self._generation = newest + 1  # a fresh file: an old one may end in a torn line
        for generation, file in logs:
            if generation <= covered:
                file.unlink(missing_ok=True)
        for stale in self.path.parent.glob(f"{TEMP_PREFIX}*"):
            stale.unlink(missing_ok=True)
        return tables

    def _read_snapshot(self) -> tuple[Tables, int]:
        if not self.path.exists():
            return {}, 0
        try:
            with self.path.open("rb") as handle:
                data = json.load(handle)
        except UnicodeDecodeError as error:
            raise StoreLoadError(self.path, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
        except ValueError as error:  # json.JSONDecodeError: a truncated or corrupt file
            raise StoreLoadError(self.path, f"not a valid store file: {error}") from None
        except OSError as error:
            raise StoreLoadError(self.path, f"cannot be read: {error.strerror or error}") from None
        if not isinstance(data, dict):
            raise StoreLoadError(self.path, "not a valid store file: the top level is not an object of tables")
        for name, rows in data.items():
            if not isinstance(rows, dict) or not all(isinstance(row, dict) for row in rows.values()):
                raise StoreLoadError(self.path, f"not a valid store file: table {name!r} is not an object of records")
        meta = data.pop(META, {}).get("covered", {})
        covered = meta.get("generation", 0)
        if not isinstance(covered, int):
            raise StoreLoadError(self.path, f"not a valid store file: {META}.covered.generation is not an integer")
        self._snapshot_bytes = self.path.stat().st_size
        return data, covered

    def _logs(self) -> Iterator[tuple[int, Path]]:
        pattern = re.compile(rf"^{re.escape(self.path.stem)}\.(\d{{6,}})\.log$")
        for file in self.path.parent.glob(f"{self.path.stem}.*.log"):
            match = pattern.match(file.name)
            if match:
                yield int(match.group(1)), file

    def _replay(self, file: Path, tables: Tables) -> int:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise StoreLoadError(file, f"cannot be read: {error.strerror or error}") from None
        lines = content.split(b"\n")
        # The part after the last newline is a line a crash cut short: never acknowledged, so never applied.
        for number, line in enumerate(lines[:-1], start=1):
            try:
                change = json.loads(line)
                apply(tables, change)
            except (ValueError, TypeError, IndexError, AttributeError) as error:
                raise StoreLoadError(file, f"line {number} is not a valid change: {error}") from None
        return len(content)

    def log_file(self, generation: int) -> Path:
        return self.path.with_name(f"{self.path.stem}.{generation:06d}.log")

    # -- writing ---------------------------------------------------------------------------------------------
    def append(self, line: bytes) -> None:
        """Queue one change; the writer thread commits it within ``commit_seconds``."""
        with self._buffer_lock:
            self._buffer.append(line)
        self._pending.set()
        if self._writer is None:
            # Started lazily so that a server which forks its worker never forks a live thread.
            self._writer = threading.Thread(target=self._write_loop, name="store-writer", daemon=True)
            self._writer.start()

    def _write_loop(self) -> None:
        while not self._closed.is_set():
            self._pending.wait()
            if self._closed.wait(self.commit_seconds):
                break
            try:
                self.commit()
            except OSError:
                self._closed.wait(1.0)  # disk full, folder gone...: the lines stay queued; try again
                continue
            if self._log_bytes > max(self.compact_min_bytes, self._snapshot_bytes):
                self._start_compaction()

    def commit(self) -> None:
        """Append every queued change to the current log file now (and fsync it)."""
        with self._io_lock:
            with self._buffer_lock:
                lines, self._buffer = self._buffer, []
                self._pending.clear()
            if lines:
                self._write(lines)

    def _write(self, lines: list[bytes]) -> None:
        """Under the io lock: append ``lines`` to the current generation's file; on failure they are queued again."""
        try:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.log_file(self._generation).open("ab")
            data = b"".join(lines)
            self._handle.write(data)
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as error:
            with self._buffer_lock:
                self._buffer[:0] = lines
                self._pending.set()
            self._report(f"cannot write the store's log in {self.path.parent}: {error.strerror or error}")
            raise
        self._log_bytes += len(data)
        self._recovered()

    # -- compaction ------------------------------------------------------------------------------------------
    def _start_compaction(self) -> None:
        if self._compactor is not None and self._compactor.is_alive():
            return
        self._compactor = threading.Thread(target=self._compact_quietly, name="store-compactor", daemon=True)
        self._compactor.start()

    def _compact_quietly(self) -> None:
        with contextlib.suppress(OSError):  # reported; the logs still hold everything; a later commit tries again
            self.compact()

    def compact(self) -> None:
        """Write the whole state into the TinyDB JSON file and drop the logs it now covers."""
        with self._compacting:
            with self._io_lock:
                # No commit is half done (io lock) and no change half applied (state lock): the copy is exactly
                # what the current log holds once the queued lines are in it.
                with self._state_lock, self._buffer_lock:
                    lines, self._buffer = self._buffer, []
                    self._pending.clear()
                    tables = {name: dict(rows) for name, rows in self._live().items()}
                if lines:
                    self._write(lines)
                covered, covered_bytes = self._generation, self._log_bytes
                self._close_handle()
                self._generation += 1
            written = self._write_snapshot(tables, covered)
            with self._io_lock:
                self._snapshot_bytes = written
                self._log_bytes -= covered_bytes
            for generation, file in list(self._logs()):
                if generation <= covered:
                    file.unlink(missing_ok=True)
            del tables
            memory.release()  # the copy and its encoding were as large as the state

    def _write_snapshot(self, tables: Tables, covered: int) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{time.monotonic_ns()}.json")
        try:
            with tmp.open("wb") as handle:
                for chunk in _snapshot_chunks(tables, covered):
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            size = tmp.stat().st_size
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
        except OSError as error:
            tmp.unlink(missing_ok=True)  # the logs still cover everything: compaction is tried after a later commit
            self._report(f"cannot write the store file {self.path}: {error.strerror or error}")
            raise
        self._recovered()
        return size

    # -- problems --------------------------------------------------------------------------------------------
    def _report(self, problem: str) -> None:
        """Say a problem once (not once per retry); health shows it until writing works again."""
        self.problem = problem
        if problem not in self._reported:
            self._reported.add(problem)
            log.error("%s; the state is kept in memory and writing is retried", problem)

    def _recovered(self) -> None:
        if self.problem is not None:
            log.warning("the store is written again (%s)", self.path)
            self.problem = None
            self._reported.clear()

    # -- shutdown --------------------------------------------------------------------------------------------
    def _close_handle(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def close(self) -> None:
        """Commit what is queued, then compact, so a clean stop leaves the TinyDB file alone holding the state."""
        self._closed.set()
        self._pending.set()
        if self._writer is not None:
            self._writer.join(10)
        if self._compactor is not None:
            self._compactor.join(60)
        try:
            self.commit()
            if self._log_bytes:
                self.compact()
        except OSError:
            log.error("the store could not be written completely at shutdown; its logs in %s hold the rest", self.path)
        finally:
            with self._io_lock:
                self._close_handle()


def _snapshot_chunks(tables: Tables, covered: int) -> Iterator[bytes]:
    """The TinyDB JSON file of ``tables``, in pieces small enough not to hold the GIL for long."""
    yield b"{"
    yield _encode(META) + b":" + _encode({"covered": {"generation": covered}})
    for name, rows in tables.items():
        yield b"," + _encode(name) + b":{"
        items = list(rows.items())
        for start in range(0, len(items), _BATCH):
            body = _encode(dict(items[start : start + _BATCH]))[1:-1]
            yield (b"," if start and body else b"") + body
        yield b"}"
    yield b"}"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
