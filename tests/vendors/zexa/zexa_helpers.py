"""Shared request bodies, control calls and a local webhook receiver for the Zexa and webhook tests."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEMO_KEY = "demo-zexa-api-key-0001"
CAMPAIGNS = "/zexa/v1/campaigns"
CONTACTS = "/zexa/v1/contacts"
WEBHOOKS = "/zexa/v1/webhooks"
CREDITS = "/_sandbox/zexa/credits"
MACHINE = "zexa.campaign"

_keys = itertools.count(1)


def new_key() -> str:
    """A key of its own: a tenant of its own, fresh fixtures."""
    return f"zexa-test-key-{next(_keys):05d}"


def auth(key: str = DEMO_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def campaign_body(**overrides: Any) -> dict[str, Any]:
    """Seed 002's request example, completed with the fixtures' list and sender id."""
    body: dict[str, Any] = {
        "name": "Weekend Sale - June 2026",
        "channel": "sms",
        "contact_list_id": "lst_abc123",
        "sender_id": "MYBRAND",
        "body": "Hi! 20% off everything this weekend.",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def assert_zexa_error(response: Any, status: int, code: str, fragment: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert list(body) == ["error", "message", "details", "request_id"]
    assert body["error"] == code
    assert isinstance(body["details"], dict)
    assert body["request_id"].startswith("req_")
    assert response.headers["X-Request-Id"] == body["request_id"]
    if fragment is not None:
        assert fragment in body["message"], body["message"]
    return dict(body)


def create_campaign(client: Any, key: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(CAMPAIGNS, json=campaign_body(**overrides), headers=auth(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    return dict(response.get_json())


def get_campaign(client: Any, key: str, campaign_id: str) -> dict[str, Any]:
    response = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth(key))
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json())


def advance(client: Any, key: str, seconds: float) -> None:
    response = client.post("/_sandbox/clock/advance", json={"credential": key, "vendor": "zexa", "seconds": seconds})
    assert response.status_code == 200, response.get_json()


def settings(client: Any, key: str, **values: Any) -> None:
    response = client.patch("/_sandbox/settings", json={"credential": key, "vendor": "zexa", "zexa": values})
    assert response.status_code == 200, response.get_json()


def lifecycle(client: Any, key: str, **values: Any) -> dict[str, Any]:
    response = client.post(
        "/_sandbox/lifecycles", json={"credential": key, "vendor": "zexa", "lifecycle": MACHINE, **values}
    )
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def credits(client: Any, key: str, **body: Any) -> dict[str, Any]:
    response = client.post(CREDITS, json={"credential": key, **body})
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def balance(client: Any, key: str) -> float:
    return float(client.get("/zexa/v1/credits", headers=auth(key)).get_json()["credits"])


def register_webhook(client: Any, key: str, url: str, events: list[str] | None = None) -> dict[str, Any]:
    response = client.post(WEBHOOKS, json={"url": url, "events": events or ["*"]}, headers=auth(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    return dict(response.get_json())


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# -- a real HTTP receiver ---------------------------------------------------------------------------------
@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    """Records every POST; answers the scripted statuses first, then 200."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    _ready: threading.Condition = field(default_factory=threading.Condition)

    def take(self, request: Received) -> int:
        with self._ready:
            self.requests.append(request)
            status = self.script.pop(0) if self.script else 200
            self._ready.notify_all()
            return status

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Poll until ``count`` requests arrived (or fail at the deadline)."""
        deadline = time.monotonic() + timeout
        with self._ready:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(self.requests)} of {count} webhook requests within {timeout} s")
                self._ready.wait(remaining)
            return list(self.requests)


@contextmanager
def receiver(*script: int) -> Iterator[Receiver]:
    """A local HTTP server in a thread on an ephemeral loopback port."""
    state = Receiver(script=list(script))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status = state.take(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/zexa"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def wait_until(predicate: Any, timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it answers something truthy (or fail at the deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout} s")
        time.sleep(0.02)
