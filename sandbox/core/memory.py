"""Freed memory handed back to the system: glibc keeps a process's freed heap pages unless asked (malloc_trim)."""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable

_lock = threading.Lock()
_last = 0.0


def _trimmer() -> Callable[[int], int] | None:
    # The C library is already loaded into the interpreter: look the symbol up there. ctypes.util.find_library
    # would run `ldconfig -p` in a subprocess at every start (issue 16).
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc, or no dynamic symbols
        return None


_TRIM = _trimmer()


def release(at_most_every: float = 0.0) -> None:
    """Return free heap pages to the system, at most once per ``at_most_every`` seconds.

    Called after a large structure is dropped (a cleared journal, evicted tenants, a compaction's copy): without
    it a long-running server's RSS creeps up with every such cycle even though what it holds stays the same.
    """
    global _last
    if _TRIM is None:
        return
    with _lock:
        now = time.monotonic()
        if now - _last < at_most_every:
            return
        _last = now
    _TRIM(0)
