"""Control calls scoped by a vendor key that no vendor has seen yet: the tenant a later vendor call reaches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from freezegun import freeze_time

from sandbox.core.auth import auto_tenant_name

Key = Callable[[str], str]
WEBEX = "/webex/v1/campaigns"
ZEXA = "/zexa/v1"
EVENTS = "/webex/campaignapi/resources/v3/events"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json())


def trigger(client: FlaskClient, key: str) -> Any:
    body = {"event-id": "evt_14296935520105", "event-key": "1", "event-params": {"account": "1"}}
    return client.post(EVENTS, json=body, headers=bearer(key))


def zexa_campaign(client: FlaskClient, key: str) -> dict[str, Any]:
    body = {"name": "Scoped", "channel": "sms", "contact_list_id": "lst_abc123", "sender_id": "MYBRAND", "body": "Hi"}
    response = client.post(f"{ZEXA}/campaigns", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_data(as_text=True)
    return dict(response.get_json())


def test_the_clock_advanced_for_a_new_key_is_the_one_its_vendor_calls_see(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("zexa")
    with freeze_time("2030-01-01T00:00:00Z"):
        advanced = ok(client.post("/_sandbox/clock/advance", json={"credential": key, "seconds": 86400}))
        assert advanced["now"].startswith("2030-01-02T00:00:00")
        assert ok(client.get(f"/_sandbox/clock?credential={key}"))["now"].startswith("2030-01-02")
        assert zexa_campaign(client, key)["created_at"].startswith("2030-01-02T00:00:00")
        assert zexa_campaign(client, fresh_key("zexa"))["created_at"].startswith("2030-01-01T00:00:00")


def test_a_scenario_activated_for_a_new_key_answers_its_first_vendor_call(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("webex")
    activated = ok(client.post("/_sandbox/scenarios/webex-bad-gateway/activate", json={"credential": key}))
    assert activated["tenant"] == auto_tenant_name(key)
    assert ok(client.get(f"/_sandbox/scenarios/active?credential={key}"))["active"] == ["webex-bad-gateway"]

    assert trigger(client, key).status_code == 502
    assert trigger(client, fresh_key("webex")).status_code == 200

    ok(client.post("/_sandbox/scenarios/webex-bad-gateway/deactivate", json={"credential": key}))
    assert trigger(client, key).status_code == 200


def test_a_lifecycle_set_for_a_new_key_steers_its_records(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("zexa")
    body = {"credential": key, "lifecycle": "zexa.campaign", "mode": "immediate"}
    assert ok(client.post("/_sandbox/lifecycles", json=body))["config"]["mode"] == "immediate"
    described = ok(client.get(f"/_sandbox/lifecycles?credential={key}"))["lifecycles"]
    assert next(m for m in described if m["name"] == "zexa.campaign")["config"]["mode"] == "immediate"

    assert zexa_campaign(client, key)["status"] == "completed"
    assert zexa_campaign(client, fresh_key("zexa"))["status"] != "completed"


def test_settings_patched_for_a_new_key_without_naming_a_vendor_apply(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("webex")
    patched = ok(client.patch("/_sandbox/settings", json={"credential": key, "webex": {"event_failure_status": 200}}))
    assert patched["tenant"] == auto_tenant_name(key)
    assert ok(client.get(f"/_sandbox/settings?credential={key}"))["webex"]["event_failure_status"] == 200
    event = client.post(EVENTS, json={"event-id": "nope", "event-key": "1"}, headers=bearer(key))
    assert (event.status_code, event.get_json()["code"]) == (200, 1002)


def test_zexa_credits_set_for_a_new_key_are_its_balance(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("zexa")
    assert ok(client.post("/_sandbox/zexa/credits", json={"credential": key, "balance": 7}))["credits"] == 7
    assert ok(client.get(f"/_sandbox/zexa/credits?credential={key}"))["credits"] == 7
    assert ok(client.get(f"{ZEXA}/credits", headers=bearer(key)))["credits"] == 7


def test_zexa_credits_take_the_vendor_field_every_control_call_takes(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("zexa")
    assert ok(client.post("/_sandbox/zexa/credits", json={"credential": key, "vendor": "zexa", "balance": 9}))
    assert ok(client.get(f"/_sandbox/zexa/credits?credential={key}&vendor=zexa"))["credits"] == 9
    refused = client.post("/_sandbox/zexa/credits", json={"credential": key, "vendor": "webex", "balance": 1})
    assert refused.status_code == 400 and "Zexa's credits" in refused.get_json()["message"]
    assert ok(client.get(f"/_sandbox/zexa/credits?credential={key}"))["credits"] == 9


def test_journal_reset_state_and_webhook_calls_take_a_new_key(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("webex")
    assert ok(client.get(f"/_sandbox/requests?credential={key}"))["requests"] == []
    assert ok(client.post("/_sandbox/reset", json={"credential": key}))["reset"] == auto_tenant_name(key)
    assert ok(client.get(f"/_sandbox/state?credential={key}"))["tables"] == {}
    assert ok(client.get(f"/_sandbox/webhooks/deliveries?credential={key}"))["deliveries"] == []
    patched = ok(client.patch("/_sandbox/webhooks/config", json={"credential": key, "max_attempts": 2}))
    assert patched["max_attempts"] == 2

    client.get(WEBEX, headers=bearer(key))

    journal = ok(client.get(f"/_sandbox/requests?credential={key}"))["requests"]
    assert [(entry["operation"], entry["tenant"]) for entry in journal] == [("list_campaigns", auto_tenant_name(key))]
    assert ok(client.delete(f"/_sandbox/requests?credential={key}"))["deleted"] == 1


def test_one_key_is_one_tenant_for_every_vendor(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("any")
    client.get(WEBEX, headers=bearer(key))
    client.get(f"{ZEXA}/credits", headers=bearer(key))
    client.get("/infobip/number-registration/1/brands", headers={"Authorization": f"App {key}"})

    listed = ok(client.get("/_sandbox/credentials"))["credentials"]
    tenants = {c["vendor"]: c["tenant"] for c in listed if c["secret"] == key}
    assert tenants == dict.fromkeys(("webex", "zexa", "infobip"), auto_tenant_name(key))


def test_a_key_given_a_tenant_keeps_it_with_every_vendor(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("webex")
    made = client.post("/_sandbox/credentials", json={"vendor": "webex", "secret": key, "tenant": "team-a"})
    assert made.status_code == 201
    assert ok(client.post("/_sandbox/clock/advance", json={"credential": key, "seconds": 1}))["tenant"] == "team-a"
    client.get(f"{ZEXA}/credits", headers=bearer(key))  # first use with another vendor
    zexa = [c for c in ok(client.get("/_sandbox/credentials?vendor=zexa"))["credentials"] if c["secret"] == key]
    assert [c["tenant"] for c in zexa] == ["team-a"]


def test_an_infobip_basic_credential_is_scoped_by_its_qualified_secret(client: FlaskClient) -> None:
    secret = "basic:someone:a-password-123"
    tenant = ok(client.post("/_sandbox/clock/advance", json={"credential": secret, "seconds": 5}))["tenant"]
    headers = {"Authorization": "Basic c29tZW9uZTphLXBhc3N3b3JkLTEyMw=="}  # someone:a-password-123
    assert client.get("/infobip/number-registration/1/brands", headers=headers).status_code == 200
    infobip = [
        c for c in ok(client.get("/_sandbox/credentials?vendor=infobip"))["credentials"] if c["secret"] == secret
    ]
    assert [c["tenant"] for c in infobip] == [tenant]


@pytest.mark.parametrize("credential", ["has spaces in it", "short", "x" * 300])
def test_a_key_no_vendor_would_accept_is_unknown(client: FlaskClient, credential: str) -> None:
    response = client.post("/_sandbox/clock/advance", json={"credential": credential, "seconds": 1})
    assert response.status_code == 404
    assert response.get_json()["error"] == "unknown_credential"


def test_the_query_string_scopes_a_post_as_the_body_would(client: FlaskClient, fresh_key: Key) -> None:
    key = fresh_key("webex")
    advanced = ok(client.post(f"/_sandbox/clock/advance?credential={key}", json={"seconds": 30}))
    activated = ok(client.post(f"/_sandbox/scenarios/webex-bad-gateway/activate?credential={key}", json={}))
    assert advanced["tenant"] == activated["tenant"] == auto_tenant_name(key)
    assert ok(client.get(f"/_sandbox/clock?credential={key}"))["offset_seconds"] == 30
    assert trigger(client, key).status_code == 502
    assert client.post("/_sandbox/clock/advance?tenant=not%20valid", json={"seconds": 1}).status_code == 400
