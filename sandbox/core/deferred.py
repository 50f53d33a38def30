"""Third-party modules imported on first use, so that starting the server does not pay for them (issue 16)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Deferred:
    """Stands for the module ``name``, imported when an attribute of it is first read.

    Only for what the first answer after start never needs (the webhook client, the image decoder, the OpenAPI
    builder); ``tests/test_architecture.py`` lists them. Not ``importlib.util.LazyLoader``: on Python 3.11 its
    module is not thread-safe (a second thread reading an attribute while the first one runs the module sees
    it half built), and request threads, the outbox and the ticker may all be first here. ``import_module``
    takes the module's import lock, so threads that arrive together wait for the one import.
    """

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        state = "imported" if self._module is not None else "not imported yet"
        return f"<deferred module {self._name!r}, {state}>"
