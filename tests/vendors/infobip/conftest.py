"""Every answer an Infobip test gets is checked against the official client's contract (``infobip_contract``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from infobip_contract import check, infobip_path


@pytest.fixture(autouse=True)
def client_contract(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Wraps every Flask test client of the test: an Infobip answer that drifts fails the test that got it."""
    original = FlaskClient.open
    checked: list[str] = []

    def open_checked(self: FlaskClient, *args: Any, **kwargs: Any) -> Any:
        response = original(self, *args, **kwargs)
        request = response.request
        path = infobip_path(request.path, request.host)
        if path is not None:
            check(request.method, path, response.status_code, response.headers.get("Content-Type"), response.data)
            checked.append(f"{request.method} {path}")
        return response

    monkeypatch.setattr(FlaskClient, "open", open_checked)
    yield checked
