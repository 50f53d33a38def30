"""Scenario rules that steer a lifecycle: the request goes through, the record it touches takes the branch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from infobip_helpers import CAMPAIGNS as INFOBIP_CAMPAIGNS
from infobip_helpers import DAY, advance, auth, campaign_body, create, register, stage


def _define(client: FlaskClient, document: dict[str, Any]) -> None:
    assert client.post("/_sandbox/scenarios", json=document).status_code == 201


def _registered_then_reviewed(client: FlaskClient, key: str, campaign_id: str, **headers: str) -> str:
    response = client.post(f"{INFOBIP_CAMPAIGNS}/{campaign_id}/register", headers={**auth(key), **headers})
    assert response.status_code == 202, response.get_json()
    advance(client, 30 * DAY, key)
    return stage(client, campaign_id, key)


def test_the_campaign_named_x_is_rejected_others_are_not(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    _define(
        client,
        {
            "name": "reject-x",
            "rules": [
                {
                    "match": {"vendor": "infobip", "operation": "create_campaign", "body": {"name": "Campaign X"}},
                    "lifecycle": {"name": "infobip.campaign", "outcome": "rejected"},
                }
            ],
        },
    )
    key = fresh_key("infobip")
    client.post("/_sandbox/scenarios/reject-x/activate", json={"credential": key, "vendor": "infobip"})
    x = create(client, campaign_body(name="Campaign X"), key)
    y = create(client, campaign_body(name="Campaign Y"), key)
    assert (x.status_code, y.status_code) == (201, 201)  # the create itself is untouched
    assert _registered_then_reviewed(client, key, x.get_json()["id"]) == "REJECTED"
    assert _registered_then_reviewed(client, key, y.get_json()["id"]) == "REGISTERED"
    journal = client.get("/_sandbox/requests?operation=create_campaign").get_json()["requests"]
    assert [entry["scenario_rule"] for entry in journal] == ["reject-x#0", None]


def test_the_ready_file_rejects_the_campaign_registered_with_its_header(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("infobip")
    first = create(client, campaign_body(), key).get_json()["id"]
    second = create(client, campaign_body(), key).get_json()["id"]
    header = {"X-Sandbox-Scenario": "infobip-campaign-rejected"}
    assert _registered_then_reviewed(client, key, first, **header) == "REJECTED"
    advance(client, 2, key)  # register is limited to 1 request/second per account
    assert register(client, second, key).status_code == 202
    advance(client, 30 * DAY, key)
    assert stage(client, second, key) == "REGISTERED"
