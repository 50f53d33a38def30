"""Shared request bodies and helpers for the Webex tests."""

from __future__ import annotations

import base64
import io
import itertools
from typing import Any

DEMO_KEY = "demo-webex-api-key-0001"
CAMPAIGNS = "/webex/v1/campaigns"
EVENTS = "/webex/campaignapi/resources/v3/events"

_names = itertools.count(1)


def auth(key: str = DEMO_KEY) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def seed_campaign_example() -> dict[str, Any]:
    """Seed 000's request example as it stands, made valid JSON (its braces were lost in scraping)."""
    return {
        "refernceid": "20222023",
        "name": "Sample_campaign",
        "categoryId": "Others",
        "priority": 0,
        "notifications": [{"emailId": "[email protected]"}],
        "alertsettings": [{"alertType": "N0002"}],
        "businessStakeHolder": "marketing",
    }


def seed_event_example() -> dict[str, Any]:
    """Seed 004's request example, as it stands."""
    return {
        "event-id": "evt_14296935520105",
        "event-key": "44839382928",
        "event-params": {"account": "123", "firstname": "joe", "lastname": "bloggs"},
    }


def campaign_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": f"campaign-{next(_names)}",
        "categoryId": "Others",
        "priority": 1,
        "notifications": [{"emailId": "ops@example.com", "status": 1, "excepitonAlert": 1, "defaultUser": 1}],
        "alertsettings": [{"alertType": "N0002"}],
    }
    body.update(overrides)
    return body


def png_base64(width: int, height: int) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def assert_webex_error(response: Any, status: int, code: int, description: str | None = None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"code", "description"}
    assert body["code"] == code
    if description is not None:
        assert body["description"] == description
