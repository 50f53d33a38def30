"""campaign-sandbox: a local, stateful emulator of four vendors' campaign APIs."""

from typing import Any

# The version lives in a leaf module: a module under sandbox that imported the package for it closed a cycle with
# the lazy `mock` below (sandbox -> sandbox.mocking -> sandbox.app -> sandbox.web.control -> sandbox).
from sandbox.version import __version__ as __version__


def __getattr__(name: str) -> Any:
    """``sandbox.mock()`` (see ``sandbox.mocking``), loaded on first use so the command line starts without the app."""
    if name == "mock":
        from sandbox.mocking import mock

        return mock
    raise AttributeError(f"module 'sandbox' has no attribute {name!r}")
