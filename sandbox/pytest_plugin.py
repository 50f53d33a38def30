"""pytest fixtures for a user's suite: one live sandbox per session (or a shared one), a key per test, a mock.

Loaded automatically once campaign-sandbox is installed (entry point ``pytest11``). Imports are deferred to
the fixtures, so a suite that never uses them does not pay for loading the app.

- ``sandbox``: per test, a ``SandboxControl`` on ``sandbox_server``: the test's own key (one tenant for every
  vendor) and the control API bound to it (advance, activate, journal, status, reset...).
- ``sandbox_server``: per session, a live server: the one ``--sandbox-url URL`` (or ``CAMPAIGN_SANDBOX_URL``)
  names, shared by every test and every xdist worker; else one started in this process (one per worker).
- ``sandbox_mock``: per test, ``sandbox.mock()``: requests and httpx calls to the vendors' real hosts reach
  an in-process sandbox of the test's own; no socket.
- ``sandbox_config`` (session; override it, session-scoped), ``sandbox_app`` (session) and ``sandbox_client``:
  the in-process app and its Flask test client.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from sandbox.config import Config
    from sandbox.testing import SandboxControl

URL_VARIABLE = "CAMPAIGN_SANDBOX_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("campaign-sandbox")
    group.addoption(
        "--sandbox-url",
        default=None,
        help=f"Use the campaign-sandbox serving at this URL, shared by every test and worker (or ${URL_VARIABLE}); "
        "without it, each session (each xdist worker) starts one of its own.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """freezegun must not freeze pytest's own clock, or ``--durations`` reports years for a frozen fixture."""
    try:
        import freezegun
    except ImportError:  # freezegun is the user's choice, not a dependency
        return
    freezegun.configure(extend_ignore_list=["_pytest"])


@pytest.fixture(scope="session")
def sandbox_config() -> Config:
    """Override (session-scoped) to change how the sandboxes this session starts are configured."""
    from sandbox.config import Config

    return Config(memory=True, seed=1234)


@pytest.fixture(scope="session")
def sandbox_app(sandbox_config: Config) -> Iterator[Flask]:
    """The in-process app (one per session); tests keep apart by their keys' tenants."""
    from sandbox.app import create_app

    app = create_app(sandbox_config)
    yield app
    app.extensions["sandbox"].close()


@pytest.fixture
def sandbox_client(sandbox_app: Flask) -> FlaskClient:
    """A Flask test client of ``sandbox_app``: requests without a socket."""
    return sandbox_app.test_client()


@dataclass
class LiveSandbox:
    """A served sandbox: its root URL, and its app when it runs in this process (None for ``--sandbox-url``)."""

    url: str
    app: Any = None

    def vendor_url(self, vendor: str) -> str:
        return f"{self.url}/{vendor}"


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[LiveSandbox]:
    """``app`` on a real socket (threaded, an ephemeral loopback port) delivering webhooks, as from ``serve``."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.extensions["sandbox"].outbox.start()
    # The server looks for its stop signal every poll interval: 0.5 s by default, which each teardown waited.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield LiveSandbox(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def shared_url(config: pytest.Config) -> str | None:
    """The running sandbox every test should share: ``--sandbox-url``, else ``$CAMPAIGN_SANDBOX_URL``."""
    url = config.getoption("sandbox_url", None) or os.environ.get(URL_VARIABLE)
    return url.rstrip("/") if url else None


@pytest.fixture(scope="session")
def sandbox_server(request: pytest.FixtureRequest) -> Iterator[LiveSandbox]:
    """A live sandbox for the session: the shared one (``--sandbox-url``) or one started here, once."""
    url = shared_url(request.config)
    if url is not None:
        yield LiveSandbox(url)
        return
    with serving(request.getfixturevalue("sandbox_app")) as live:
        yield live


@pytest.fixture
def sandbox(sandbox_server: LiveSandbox) -> Iterator[SandboxControl]:
    """The test's own key (one tenant, every vendor) and the control API bound to it; reset after the test."""
    from sandbox.testing import SandboxControl, http_transport, new_key

    control = SandboxControl(sandbox_server.url, http_transport(sandbox_server.url), new_key("pytest"))
    yield control
    with contextlib.suppress(Exception):  # the tenant's records go, so a long shared run stays small
        control.reset()


@pytest.fixture
def sandbox_mock() -> Iterator[SandboxControl]:
    """``sandbox.mock()`` for one test: the vendors' real hosts answer from an in-process sandbox of its own."""
    from sandbox.mocking import mock

    with mock() as control:
        yield control
