"""Webex deployments and events are lifecycles of the engine: listed, and steered by mode, durations and outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from flask.testing import FlaskClient
from webex_helpers import CAMPAIGNS, EVENTS, auth, campaign_body, seed_event_example


def deployment_body() -> dict[str, Any]:
    return {"deploymentInfo": {"deploymentName": "Spring push", "channel": "SMS"}}


def deploy(client: FlaskClient, key: str) -> str:
    campaign_id = client.post(CAMPAIGNS, json=campaign_body(), headers=auth(key)).get_json()["id"]
    response = client.post(f"{CAMPAIGNS}/{campaign_id}/deployments", json=deployment_body(), headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["id"])


def send_event(client: FlaskClient, key: str) -> str:
    response = client.post(EVENTS, json=seed_event_example(), headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["transaction-id"])


def record(client: FlaskClient, key: str, collection: str, record_id: str) -> dict[str, Any]:
    tables = client.get(f"/_sandbox/state?credential={key}").get_json()["tables"]
    (rows,) = [rows for name, rows in tables.items() if name.startswith(f"webex.{collection}/")]
    return dict(rows[record_id])


def configure(client: FlaskClient, key: str, **changes: Any) -> dict[str, Any]:
    # "vendor" lets a key never used yet find its tenant (its first vendor call is still to come).
    response = client.post("/_sandbox/lifecycles", json={"credential": key, "vendor": "webex", **changes})
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def advance(client: FlaskClient, key: str, seconds: float) -> None:
    assert client.post("/_sandbox/clock/advance", json={"credential": key, "seconds": seconds}).status_code == 200


def test_the_lifecycles_list_names_the_webex_deployment_and_event(client: FlaskClient) -> None:
    listed = {entry["name"]: entry for entry in client.get("/_sandbox/lifecycles").get_json()["lifecycles"]}
    deployment, event = listed["webex.deployment"], listed["webex.event"]
    assert deployment["states"] == ["scheduled", "processing", "completed", "failed"]
    assert deployment["durations"] == {"scheduled": 60.0, "processing": 300.0}
    assert deployment["outcomes"] == ["failed"]
    assert event["states"] == ["accepted", "processed", "failed"]
    assert event["durations"] == {"processing": 1.0}
    assert event["config"]["mode"] == "time"


def test_a_deployment_records_its_history_on_the_clock(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("webex")
    deployment_id = deploy(client, key)
    advance(client, key, 360)
    history = record(client, key, "deployments", deployment_id)["_lifecycle"]["history"]
    assert [step["state"] for step in history] == ["scheduled", "processing", "completed"]


def test_durations_set_through_the_lifecycles_api(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("webex")
    configure(client, key, lifecycle="webex.deployment", durations={"scheduled": 5, "processing": 10})
    deployment_id = deploy(client, key)
    advance(client, key, 5)
    assert record(client, key, "deployments", deployment_id)["status"] == "processing"
    advance(client, key, 10)
    assert record(client, key, "deployments", deployment_id)["status"] == "completed"


def test_the_lifecycle_duration_wins_over_the_older_setting(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")
    client.patch("/_sandbox/settings", json={"credential": key, "webex": {"deployment_scheduled_seconds": 1000}})
    configure(client, key, lifecycle="webex.deployment", durations={"scheduled": 7})
    deployment_id = deploy(client, key)
    advance(client, key, 7)
    assert record(client, key, "deployments", deployment_id)["status"] == "processing"


@pytest.mark.parametrize(("scope", "expected"), [("tenant", "failed"), ("record", "failed")])
def test_a_forced_outcome_fails_a_deployment(
    client: FlaskClient, fresh_key: Callable[[str], str], scope: str, expected: str
) -> None:
    key = fresh_key("webex")
    if scope == "tenant":
        configure(client, key, lifecycle="webex.deployment", outcome="failed")
        deployment_id = deploy(client, key)
    else:
        deployment_id = deploy(client, key)
        configure(client, key, lifecycle="webex.deployment", id=deployment_id, outcome="failed")
    advance(client, key, 360)
    assert record(client, key, "deployments", deployment_id)["status"] == expected


def test_an_event_is_processed_a_second_later_or_fails_when_forced(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")
    processed = send_event(client, key)
    assert record(client, key, "events", processed)["status"] == "accepted"
    advance(client, key, 1)
    assert record(client, key, "events", processed)["status"] == "processed"
    configure(client, key, lifecycle="webex.event", outcome="failed")
    failed = send_event(client, key)
    advance(client, key, 1)
    assert record(client, key, "events", failed)["status"] == "failed"


def test_an_event_takes_the_processing_duration_set_through_the_lifecycles_api(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")
    configure(client, key, lifecycle="webex.event", durations={"processing": 30})
    event_id = send_event(client, key)
    advance(client, key, 29)
    assert record(client, key, "events", event_id)["status"] == "accepted"
    advance(client, key, 1)
    assert record(client, key, "events", event_id)["status"] == "processed"


class Kind(NamedTuple):
    """A Webex record the engine steps: its lifecycle, how one is made, its collection, first and last status."""

    lifecycle: str
    make: Callable[[FlaskClient, str], str]
    collection: str
    first: str
    last: str


KINDS = [
    pytest.param(Kind("webex.deployment", deploy, "deployments", "scheduled", "completed"), id="deployment"),
    pytest.param(Kind("webex.event", send_event, "events", "accepted", "processed"), id="event"),
]


@pytest.mark.parametrize("kind", KINDS)
def test_immediate_mode_finishes_the_record_inside_the_call_that_makes_it(
    client: FlaskClient, fresh_key: Callable[[str], str], kind: Kind
) -> None:
    key = fresh_key("webex")
    configure(client, key, lifecycle=kind.lifecycle, mode="immediate")
    made = kind.make(client, key)
    assert record(client, key, kind.collection, made)["status"] == kind.last


@pytest.mark.parametrize("kind", KINDS)
def test_manual_mode_holds_the_record_however_far_the_clock_goes(
    client: FlaskClient, fresh_key: Callable[[str], str], kind: Kind
) -> None:
    # No Webex read of a deployment or an event exists, and only a vendor read moves a manual record.
    key = fresh_key("webex")
    configure(client, key, lifecycle=kind.lifecycle, mode="manual")
    made = kind.make(client, key)
    advance(client, key, 86_400)
    assert record(client, key, kind.collection, made)["status"] == kind.first


def test_an_unknown_outcome_is_refused_with_the_known_ones(client: FlaskClient) -> None:
    response = client.post("/_sandbox/lifecycles", json={"lifecycle": "webex.event", "outcome": "lost"})
    assert response.status_code == 400
    assert "failed" in response.get_json()["message"]


def test_a_scenario_rule_can_fail_the_deployment_it_creates(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")
    scenario = {
        "name": "deployment-fails",
        "rules": [
            {
                "match": {"vendor": "webex", "operation": "create_deployment"},
                "lifecycle": {"name": "webex.deployment", "outcome": "failed"},
            }
        ],
    }
    assert client.post("/_sandbox/scenarios", json=scenario).status_code == 201
    activated = client.post(
        "/_sandbox/scenarios/deployment-fails/activate", json={"credential": key, "vendor": "webex"}
    )
    assert activated.status_code == 200
    deployment_id = deploy(client, key)
    advance(client, key, 360)
    assert record(client, key, "deployments", deployment_id)["status"] == "failed"
