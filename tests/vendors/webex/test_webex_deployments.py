"""Webex deployments: creation, the campaign's counters, and scheduled -> processing -> completed on the clock."""

from __future__ import annotations

import re

from freezegun import freeze_time
from webex_helpers import CAMPAIGNS, assert_webex_error, auth, campaign_body


def new_campaign(client) -> str:
    return client.post(CAMPAIGNS, json=campaign_body(), headers=auth()).get_json()["id"]


def deployment_body(name="Spring push", channel="SMS"):
    return {
        "milestone": "launch",
        "deploymentInfo": {
            "deploymentName": name,
            "contentType": "STATIC",
            "deploymentType": "ONE_TIME",
            "promotionType": "PROMOTIONAL",
            "channel": channel,
            "scheduleMode": "IMMEDIATE",
        },
        "targetGroup": {"targetGroupIds": ["TG1"]},
        "reportTags": ["spring"],
    }


def deploy(client, campaign_id, body=None):
    return client.post(f"{CAMPAIGNS}/{campaign_id}/deployments", json=body or deployment_body(), headers=auth())


def status_of(client, deployment_id, tenant="demo"):
    tables = client.get(f"/_sandbox/state?tenant={tenant}").get_json()["tables"]
    return tables[f"webex.deployments/{tenant}"][deployment_id]["status"]


def test_create_deployment(client):
    campaign_id = new_campaign(client)
    response = deploy(client, campaign_id)
    assert response.status_code == 200
    body = response.get_json()
    assert re.fullmatch(r"\d{14}", body["id"])
    assert body == {"id": body["id"], "name": "Spring push", "message": "Deployment created successfully."}


def test_deployments_count_and_channels_follow(client):
    campaign_id = new_campaign(client)
    deploy(client, campaign_id, deployment_body("a", "SMS"))
    deploy(client, campaign_id, deployment_body("b", "EMAIL"))
    deploy(client, campaign_id, deployment_body("c", "SMS"))
    campaign = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()
    assert campaign["deploymentsCount"] == 3
    assert campaign["channels"] == ["SMS", "EMAIL"]


def test_deployment_progresses_on_the_clock_api(client):
    deployment_id = deploy(client, new_campaign(client)).get_json()["id"]
    assert status_of(client, deployment_id) == "scheduled"
    client.post("/_sandbox/clock/advance", json={"seconds": 59, "tenant": "demo"})
    assert status_of(client, deployment_id) == "scheduled"
    client.post("/_sandbox/clock/advance", json={"seconds": 1, "tenant": "demo"})
    assert status_of(client, deployment_id) == "processing"
    client.post("/_sandbox/clock/advance", json={"seconds": 299, "tenant": "demo"})
    assert status_of(client, deployment_id) == "processing"
    client.post("/_sandbox/clock/advance", json={"seconds": 1, "credential": "demo-webex-api-key-0001"})
    assert status_of(client, deployment_id) == "completed"


def test_deployment_progresses_under_freezegun(client):
    with freeze_time("2031-05-01 12:00:00") as frozen:
        deployment_id = deploy(client, new_campaign(client)).get_json()["id"]
        assert status_of(client, deployment_id) == "scheduled"
        frozen.tick(60)
        assert status_of(client, deployment_id) == "processing"
        frozen.tick(300)
        assert status_of(client, deployment_id) == "completed"


def test_durations_are_a_tenant_setting(client):
    client.patch(
        "/_sandbox/settings",
        json={"tenant": "demo", "webex": {"deployment_scheduled_seconds": 0, "deployment_processing_seconds": 5}},
    )
    deployment_id = deploy(client, new_campaign(client)).get_json()["id"]
    assert status_of(client, deployment_id) == "processing"
    client.post("/_sandbox/clock/advance", json={"seconds": 5, "tenant": "demo"})
    assert status_of(client, deployment_id) == "completed"


def test_another_tenants_clock_does_not_move_it(client):
    deployment_id = deploy(client, new_campaign(client)).get_json()["id"]
    client.post("/_sandbox/credentials", json={"vendor": "webex", "secret": "other-tenant-key", "tenant": "t2"})
    client.post("/_sandbox/clock/advance", json={"seconds": 3600, "tenant": "t2"})
    assert status_of(client, deployment_id) == "scheduled"


def test_deployment_in_unknown_campaign_is_404(client):
    assert_webex_error(deploy(client, "12345678901234"), 404, 404, "Not found")


def test_deployment_needs_deployment_info_with_a_name(client):
    campaign_id = new_campaign(client)
    response = deploy(client, campaign_id, {"milestone": "x"})
    assert_webex_error(response, 400, 400)
    assert "deploymentInfo" in response.get_json()["description"]
    response = deploy(client, campaign_id, {"deploymentInfo": {"channel": "SMS"}})
    assert_webex_error(response, 400, 400)
    assert "deploymentName" in response.get_json()["description"]


def test_deployment_malformed_json_is_500_1001(client):
    campaign_id = new_campaign(client)
    response = client.post(f"{CAMPAIGNS}/{campaign_id}/deployments", data=b"{", headers=auth())
    assert_webex_error(response, 500, 1001, "Invalid input JSON")


def test_deployment_needs_the_campaigns_grant(client):
    campaign_id = new_campaign(client)
    response = client.post(
        f"{CAMPAIGNS}/{campaign_id}/deployments", json=deployment_body(), headers=auth("demo-webex-events-only-0003")
    )
    assert_webex_error(response, 401, 430)
