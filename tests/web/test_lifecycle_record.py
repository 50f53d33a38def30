"""GET /_sandbox/lifecycles/<name>/<id>: one record's state as of its tenant's clock, without moving it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

ZEXA = "/zexa/v1/campaigns"
SALE = {"name": "Sale", "channel": "sms", "contact_list_id": "lst_abc123", "sender_id": "MYBRAND", "body": "Hi"}


def create(client: FlaskClient, key: str) -> str:
    response = client.post(ZEXA, json=SALE, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def read(client: FlaskClient, campaign: str, query: str = "") -> Any:
    return client.get(f"/_sandbox/lifecycles/zexa.campaign/{campaign}{query}")


def test_a_record_reads_its_state_history_and_next_step(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    campaign = create(client, key)

    before = read(client, campaign, f"?credential={key}").get_json()
    client.post("/_sandbox/clock/advance", json={"credential": key, "seconds": 60})
    after = read(client, campaign, f"?credential={key}").get_json()

    assert (before["state"], before["lifecycle"], before["id"]) == ("processing", "zexa.campaign", campaign)
    assert before["next_due"] is not None
    assert [step["state"] for step in before["history"]] == ["draft", "processing"]
    assert after["state"] == "completed"
    assert after["next_due"] is None
    assert after["history"][-1]["state"] == "completed"


def test_a_control_read_never_moves_a_manual_record(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    client.post("/_sandbox/lifecycles", json={"credential": key, "lifecycle": "zexa.campaign", "mode": "manual"})
    campaign = create(client, key)
    states = [read(client, campaign, f"?credential={key}").get_json()["state"] for _ in range(3)]
    assert states == ["draft"] * 3
    vendor_read = client.get(f"{ZEXA}/{campaign}", headers={"Authorization": f"Bearer {key}"})  # a vendor read moves it
    assert read(client, campaign, f"?credential={key}").get_json()["state"] != "draft", vendor_read.get_json()


def test_without_a_scope_the_one_tenant_holding_it_is_found(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    campaign = create(client, fresh_key("zexa"))
    create(client, fresh_key("zexa"))
    assert read(client, campaign).get_json()["state"] == "processing"


def test_without_a_scope_an_id_two_tenants_hold_is_refused_not_guessed(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    keys = [fresh_key("dailystory"), fresh_key("dailystory")]
    body = {"name": "Spring", "status": "Active"}
    # DailyStory numbers each tenant's new campaigns from 24109, so both tenants hold that id.
    made = [
        client.post("/dailystory/api/v1/campaign", json=body, headers={"Authorization": f"Bearer {k}"}) for k in keys
    ]
    assert [m.get_json()["Response"]["id"] for m in made] == [24109, 24109]

    unscoped = client.get("/_sandbox/lifecycles/dailystory.campaign/24109")
    scoped = client.get(f"/_sandbox/lifecycles/dailystory.campaign/24109?credential={keys[1]}")

    assert unscoped.status_code == 400
    assert unscoped.get_json()["error"] == "invalid_request"
    assert "2 tenants hold '24109'" in unscoped.get_json()["message"]
    assert scoped.status_code == 200
    assert scoped.get_json()["tenant"] == client.get(f"/_sandbox/clock?credential={keys[1]}").get_json()["tenant"]


def test_unknown_lifecycles_and_records_are_404(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    assert client.get("/_sandbox/lifecycles/zexa.nothing/x").get_json()["error"] == "unknown_lifecycle"
    assert read(client, "cmp_nothing", f"?credential={key}").status_code == 404
    assert read(client, "cmp_nothing").status_code == 404
