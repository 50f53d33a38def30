"""campaign-sandbox: a local, stateful emulator of four vendors' campaign APIs."""

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``sandbox.mock()`` (see ``sandbox.mocking``), loaded on first use so the command line starts without the app."""
    if name == "mock":
        from sandbox.mocking import mock

        return mock
    raise AttributeError(f"module 'sandbox' has no attribute {name!r}")
