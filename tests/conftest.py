"""The suite's fixtures: one app per test module, back to its fixtures before every test; a fresh key per call.

A module that needs another configuration overrides ``app`` (module- or class-scoped); a module whose tests change
the sandbox in ways ``reset()`` does not undo gives them an app of their own (function-scoped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from disk_helpers import FullDisk
from flask import Flask
from flask.testing import FlaskClient
from live_helpers import ServerProcess

from sandbox.app import create_app
from sandbox.config import Config
from sandbox.core.sandbox import Sandbox


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    """One app per test module."""
    app = create_app(Config(memory=True, seed=1234))
    yield app
    app.extensions["sandbox"].close()


@pytest.fixture
def sandbox(app: Flask) -> Sandbox:
    """Every test starts from the fixtures, whatever the previous test of the module left."""
    sandbox: Sandbox = app.extensions["sandbox"]
    sandbox.reset()
    return sandbox


@pytest.fixture
def client(app: Flask, sandbox: Sandbox) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def fresh_key() -> Callable[[str], str]:
    """``fresh_key(vendor)``: a well-formed key no other test uses, so a tenant of its own with fresh fixtures."""

    def make(vendor: str) -> str:
        return f"{vendor}-{uuid4().hex}"

    return make


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    """A disk to fill and free within a test (writes before ``fill()`` go through)."""
    return FullDisk(monkeypatch)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """``start_server(*args)``: ``python -m sandbox serve *args`` in the test's folder, once it printed its ready
    line; every server it started is killed (its whole process group) when the test ends."""
    started: list[ServerProcess] = []

    def start(*args: str) -> ServerProcess:
        server = ServerProcess(*args, cwd=tmp_path)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.kill()
