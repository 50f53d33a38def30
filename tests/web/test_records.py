"""The control API's read side for dashboards and tests: tenants, a tenant's records, one record's timeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

WEBEX = "/webex/v1/campaigns"
INFOBIP = "/infobip/number-registration/1"
ZEXA = "/zexa/v1/campaigns"
SALE = {"name": "Sale", "channel": "sms", "contact_list_id": "lst_abc123", "sender_id": "MYBRAND", "body": "Hi"}
CAMPAIGN = {
    "name": "Spring",
    "categoryId": "Others",
    "notifications": [{"emailId": "a@b.c"}],
    "alertsettings": [{"alertType": "N"}],
}


def webex(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def deploy(client: FlaskClient, key: str) -> tuple[str, str]:
    campaign_id = client.post(WEBEX, json=CAMPAIGN, headers=webex(key)).get_json()["id"]
    body = {"deploymentInfo": {"deploymentName": "push"}}
    deployment_id = client.post(f"{WEBEX}/{campaign_id}/deployments", json=body, headers=webex(key)).get_json()["id"]
    return campaign_id, deployment_id


def kinds(client: FlaskClient, key: str) -> dict[str, dict[str, Any]]:
    answer = client.get(f"/_sandbox/records?credential={key}").get_json()
    return {f"{kind['vendor']}.{kind['collection']}": kind for kind in answer["kinds"]}


def test_tenants_list_the_demo_tenant_first_with_counts_and_last_activity(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")
    deploy(client, key)
    listed = client.get("/_sandbox/tenants").get_json()["tenants"]
    assert listed[0]["tenant"] == "demo"
    mine = next(row for row in listed if row["vendors"] == ["webex"] and row["records"])
    assert mine["records"] == {"webex.campaigns": 1, "webex.deployments": 1}
    assert mine["last_activity"] is not None


def test_records_of_a_tenant_newest_first_with_status_and_next_step(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")
    campaign_id, deployment_id = deploy(client, key)
    answer = client.get(f"/_sandbox/records?credential={key}").get_json()
    found = {f"{kind['vendor']}.{kind['collection']}": kind for kind in answer["kinds"]}
    assert found["webex.campaigns"]["records"] == [{"id": campaign_id, "title": "Spring"}]
    (deployment,) = found["webex.deployments"]["records"]
    assert (deployment["id"], deployment["status"]) == (deployment_id, "scheduled")
    assert deployment["next"]["in_seconds"] == pytest.approx(60, abs=1)
    assert answer["next_due"] == deployment["next"]["due"]


def test_a_record_has_its_timeline_with_virtual_and_real_time_and_the_cause(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")
    _, deployment_id = deploy(client, key)
    client.post("/_sandbox/clock/advance", json={"credential": key, "seconds": 60})
    answer = client.get(f"/_sandbox/records/webex/deployments/{deployment_id}?credential={key}").get_json()
    assert answer["record"]["status"] == "processing" and "_lifecycle" not in answer["record"]
    assert [(step["state"], step["cause"]) for step in answer["timeline"]] == [
        ("scheduled", "created"),
        ("processing", "time"),
    ]
    assert all(step["real_at"] for step in answer["timeline"])
    assert answer["next"]["in_seconds"] == pytest.approx(300, abs=1)  # real time passes between the calls


def test_a_forced_outcome_is_named_in_the_timeline(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("webex")
    _, deployment_id = deploy(client, key)
    client.post(
        "/_sandbox/lifecycles",
        json={"credential": key, "lifecycle": "webex.deployment", "id": deployment_id, "outcome": "failed"},
    )
    client.post("/_sandbox/clock/advance", json={"credential": key, "seconds": 360})
    timeline = client.get(f"/_sandbox/records/webex/deployments/{deployment_id}?credential={key}").get_json()[
        "timeline"
    ]
    assert timeline[-1]["state"] == "failed" and timeline[-1]["outcome"] == "failed"
    assert timeline[-1]["outcome_by"] == "the control API"
    assert "outcome" not in timeline[1]  # scheduled -> processing has no branch to force


def test_unknown_kinds_records_and_missing_scope_are_control_errors(client: FlaskClient) -> None:
    assert client.get("/_sandbox/records").status_code == 400
    assert client.get("/_sandbox/records/webex/nothing/1?tenant=demo").status_code == 404
    missing = client.get("/_sandbox/records/webex/deployments/1?tenant=demo")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_a_timeline_read_never_moves_a_manual_record(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    # The dashboard reads an open timeline every second: in manual mode that must not step the record.
    key = fresh_key("zexa")
    auth = {"Authorization": f"Bearer {key}"}
    client.post("/_sandbox/lifecycles", json={"credential": key, "lifecycle": "zexa.campaign", "mode": "manual"})
    campaign_id = client.post(ZEXA, json=SALE, headers=auth).get_json()["id"]
    read = f"/_sandbox/records/zexa/campaigns/{campaign_id}?credential={key}"
    answers = [client.get(read).get_json() for _ in range(3)]
    assert [answer["record"]["status"] for answer in answers] == ["draft"] * 3
    assert answers[-1]["next"] == {"due": None, "in_seconds": None, "manual": True}
    vendor_read = client.get(f"{ZEXA}/{campaign_id}", headers=auth)  # a vendor read moves it, as before
    assert client.get(read).get_json()["record"]["status"] != "draft", vendor_read.get_json()
