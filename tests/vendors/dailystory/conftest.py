"""Fixtures of the DailyStory tests: one app per module, a fresh token (so a tenant of its own) per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dailystory_helpers import fresh_token, shared_app
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield from shared_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def token() -> str:
    return fresh_token()
