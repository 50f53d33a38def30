"""Shared request bodies and control calls for the Zexa tests (the real webhook receiver: live_helpers)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

DEMO_KEY = "demo-zexa-api-key-0001"
CAMPAIGNS = "/zexa/v1/campaigns"
CONTACTS = "/zexa/v1/contacts"
WEBHOOKS = "/zexa/v1/webhooks"
CREDITS = "/_sandbox/zexa/credits"
MACHINE = "zexa.campaign"


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
