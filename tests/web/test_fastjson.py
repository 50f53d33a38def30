"""The orjson provider answers what Flask's own JSON provider answered, byte for byte, for what views return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from sandbox.web.fastjson import SandboxJSON


@dataclass
class Point:
    x: int
    label: str


VALUES: list[Any] = [
    {"b": 1, "a": [1, 2.5, None, True, "ünïcode ✓", {"z": {}}]},
    {"id": "17000000000000", "name": "bench-1", "notifications": [{"emailId": "ops@example.com", "status": 1}]},
    {1: "int key", "text": 'line\nbreak "quoted" \\ \u2028'},
    {"when": datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC), "day": date(2030, 1, 2)},
    {"point": Point(1, "p"), "amount": Decimal("1.50"), "id": uuid.UUID(int=7)},
    {"big": 2**70, "small": -(2**63)},
    [],
    "text",
]


def flask_answer(value: Any) -> bytes:
    app = Flask("reference")
    app.json.sort_keys = False  # type: ignore[attr-defined]  # how the sandbox set Flask's provider up before
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    assert isinstance(app.json, DefaultJSONProvider)
    with app.app_context():
        return app.json.response(value).get_data()


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_answers_are_the_bytes_flask_wrote(value: Any) -> None:
    app = Flask("fast")
    app.json = SandboxJSON(app)
    with app.app_context():
        response = app.json.response(value)
    assert response.mimetype == "application/json"
    assert response.get_data() == flask_answer(value)


def test_the_app_answers_through_orjson() -> None:
    from sandbox.app import create_app
    from sandbox.config import Config

    app = create_app(Config(memory=True))
    try:
        assert isinstance(app.json, SandboxJSON)
        answer = app.test_client().get("/_sandbox/health")
        assert answer.status_code == 200 and answer.get_data().endswith(b"}\n")
    finally:
        app.extensions["sandbox"].close()
