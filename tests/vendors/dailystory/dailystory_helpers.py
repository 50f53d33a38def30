"""Shared request bodies and helpers for the DailyStory tests."""

from __future__ import annotations

import base64
from typing import Any

DEMO_TOKEN = "demo-dailystory-token-0001"
REVOKED_TOKEN = "demo-dailystory-revoked-0003"
BASE = "/dailystory/api/v1"
CAMPAIGN = f"{BASE}/campaign"
CAMPAIGNS = f"{BASE}/campaigns"
FIRST_ID = 24109  # every tenant's first new campaign: the id of seed 003's response example
FIXTURE_IDS = [24101, 24102, 24103, 24104, 24105]
SEGMENTS = [1201, 1202, 1203, 1204, 1205]
PREFERENCES = [301, 302, 303, 304]
USER = "7c0f5a1e-2b8d-4e57-9c61-3d2f8a4b1e01"
DAY = 86400
INT32_MAX = 2_147_483_647

# Seed 003's two request examples, as they stand.
SEED_CREATE = {
    "name": "Spring Sale 2025 Launch",
    "description": "Don’t Miss Our Exclusive Spring Sale!",  # noqa: RUF001 (the seed's own apostrophe)
    "campaignType": "Conversion",
    "status": "Active",
    "allow_autopause": True,
    "workflowBehavior": "All",
    "isNotifyNewLead": False,
    "conversionGoals": {"enabled": False, "suspects": 0, "mcls": 0, "mqls": 0, "sqls": 0},
}
SEED_UPDATE = {"campaignId": 24109, "name": "Spring Sale 2025 Launch", "status": "Paused"}


def bearer(token: str = DEMO_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(token: str = DEMO_TOKEN, user: str = "api") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()}


def post(client: Any, body: Any, token: str = DEMO_TOKEN) -> Any:
    return client.post(CAMPAIGN, json=body, headers=bearer(token))


def create(client: Any, token: str = DEMO_TOKEN, **fields: Any) -> int:
    response = post(client, {"name": "A campaign", **fields}, token)
    assert response.status_code == 200, response.get_json()
    return int(response.get_json()["Response"]["id"])


def update(client: Any, campaign_id: int, token: str = DEMO_TOKEN, **fields: Any) -> Any:
    return post(client, {"campaignId": campaign_id, **fields}, token)


def read(client: Any, campaign_id: int | str, token: str = DEMO_TOKEN) -> dict[str, Any]:
    response = client.get(f"{CAMPAIGN}/{campaign_id}", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json()["Response"]["campaign"])


def status_of(client: Any, campaign_id: int, token: str = DEMO_TOKEN) -> str:
    return str(read(client, campaign_id, token)["status"])


def listed(client: Any, token: str = DEMO_TOKEN) -> list[dict[str, Any]]:
    response = client.get(CAMPAIGNS, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["Response"]["campaigns"])


def advance(client: Any, seconds: float, token: str = DEMO_TOKEN) -> dict[str, Any]:
    response = client.post(
        "/_sandbox/clock/advance", json={"credential": token, "vendor": "dailystory", "seconds": seconds}
    )
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def configure(client: Any, lifecycle: str, token: str = DEMO_TOKEN, **changes: Any) -> None:
    body = {"credential": token, "vendor": "dailystory", "lifecycle": lifecycle, **changes}
    response = client.post("/_sandbox/lifecycles", json=body)
    assert response.status_code == 200, response.get_json()


def assert_ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"Status", "Message", "Response"}
    assert body["Status"] is True and body["Message"] == ""
    return body["Response"]


def assert_failure(response: Any, status: int, message: str | None = None, mentions: str | None = None) -> str:
    """The vendor's envelope with ``Status: false``, an empty ``Response`` and a reason in ``Message``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body.keys() == {"Status", "Message", "Response"}
    assert body["Status"] is False and body["Response"] == {}
    assert isinstance(body["Message"], str) and body["Message"]
    if message is not None:
        assert body["Message"] == message
    if mentions is not None:
        assert mentions in body["Message"], body["Message"]
    return str(body["Message"])
