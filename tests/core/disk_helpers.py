"""A disk that fills up on demand, for the tests of what a failing disk does (the ``full_disk`` fixture)."""

from __future__ import annotations

import os

import pytest


class FullDisk:
    """``os.fsync`` failing with ENOSPC, as on a full disk, from ``fill()`` until ``free()``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self._real_fsync = os.fsync
        self.full = False

    def fill(self) -> None:
        self.full = True
        self._monkeypatch.setattr(os, "fsync", self._fsync)

    def free(self) -> None:
        self.full = False

    def _fsync(self, fd: int) -> None:
        if self.full:
            raise OSError(28, "No space left on device")
        self._real_fsync(fd)
