"""pytest fixtures for code tested against the sandbox: an app, its test client, a live server.

Loaded automatically once campaign-sandbox is installed (entry point ``pytest11``); every fixture is
function-scoped and in memory, so tests never share state.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from sandbox.config import Config
    from sandbox.core.sandbox import Sandbox


def pytest_configure(config: pytest.Config) -> None:
    """freezegun must not freeze pytest's own clock, or ``--durations`` reports years for a frozen fixture."""
    try:
        import freezegun
    except ImportError:  # freezegun is the user's choice, not a dependency
        return
    freezegun.configure(extend_ignore_list=["_pytest"])


@pytest.fixture
def sandbox_config() -> Config:
    """Override to change how the sandbox under test is configured."""
    from sandbox.config import Config

    return Config(memory=True, seed=1234)


@pytest.fixture
def sandbox_app(sandbox_config: Config) -> Iterator[Flask]:
    from sandbox.app import create_app

    app = create_app(sandbox_config)
    yield app
    app.extensions["sandbox"].close()


@pytest.fixture
def sandbox(sandbox_app: Flask) -> Sandbox:
    """The running sandbox behind ``sandbox_app`` (store, clock, journal, credentials...)."""
    return sandbox_app.extensions["sandbox"]


@pytest.fixture
def sandbox_client(sandbox_app: Flask) -> FlaskClient:
    return sandbox_app.test_client()


@dataclass
class LiveSandbox:
    url: str
    app: Any

    def vendor_url(self, vendor: str) -> str:
        return f"{self.url}/{vendor}"


@pytest.fixture
def sandbox_server(sandbox_app: Flask) -> Iterator[LiveSandbox]:
    """The sandbox on a real socket (threaded, an ephemeral port), for clients that need HTTP."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, sandbox_app, threaded=True)
    sandbox_app.extensions["sandbox"].outbox.start()  # registered URLs get their events, as from `serve`
    # The server looks for its stop signal every poll interval: 0.5 s by default, which each teardown waited.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield LiveSandbox(f"http://127.0.0.1:{server.server_port}", sandbox_app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
