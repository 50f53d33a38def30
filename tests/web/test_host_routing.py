"""Host-header routing: a vendor's own host name reaches the vendor without the /<vendor> prefix."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

DEMO = "demo-webex-api-key-0001"
AUTH = {"authorization": f"Bearer {DEMO}"}
CAMPAIGN = {
    "name": "Reached by host",
    "categoryId": "Others",
    "notifications": [{"emailId": "ops@example.com"}],
    "alertsettings": [{"alertType": "N0002"}],
}


@pytest.mark.parametrize("host", ["acme.webexcampaign.io", "ACME.WebexCampaign.io:443", "webexcampaign.io"])
def test_a_vendor_host_reaches_the_vendor_without_the_prefix(client: FlaskClient, host: str) -> None:
    created = client.post("/webex/v1/campaigns", json=CAMPAIGN, headers=AUTH)
    assert created.status_code == 200

    response = client.get("/v1/campaigns", headers={**AUTH, "Host": host})

    assert response.status_code == 200
    assert [campaign["id"] for campaign in response.get_json()] == [created.get_json()["id"]]
    entry = client.get("/_sandbox/requests?limit=1").get_json()["requests"][-1]
    assert (entry["vendor"], entry["path"], entry["operation"]) == ("webex", "/v1/campaigns", "list_campaigns")


def test_the_event_api_is_reached_by_host(client: FlaskClient) -> None:
    body: dict[str, Any] = {
        "event-id": "evt_14296935520105",
        "event-key": "j@example.com",
        "event-params": {"account": "1"},
    }

    response = client.post(
        "/campaignapi/resources/v3/events", json=body, headers={**AUTH, "Host": "acme.webexcampaign.io"}
    )

    assert response.status_code == 200
    assert response.get_json()["transaction-id"]


def test_vendor_auth_and_errors_apply_through_host_routing(client: FlaskClient) -> None:
    unauthorised = client.get("/v1/campaigns", headers={"Host": "acme.webexcampaign.io"})
    missing = client.get("/v1/campaigns/123", headers={**AUTH, "Host": "acme.webexcampaign.io"})

    assert (unauthorised.status_code, unauthorised.get_json()["code"]) == (401, 498)
    assert (missing.status_code, missing.get_json()["code"]) == (404, 404)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8700", "example.com", "webexcampaign.io.evil.test"])
def test_other_hosts_are_not_routed(client: FlaskClient, host: str) -> None:
    response = client.get("/v1/campaigns", headers={**AUTH, "Host": host})

    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"  # the sandbox's own 404, not Webex's
    # The control API takes this server's own names only (web/guard.py): a public domain is refused there.
    assert client.get("/_sandbox/health", headers={"Host": host}).status_code == (403 if host == "example.com" else 200)
