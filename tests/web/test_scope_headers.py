"""Control calls scoped by X-Sandbox-Credential / X-Sandbox-Tenant alone, as a tenant-hashing proxy routes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from freezegun import freeze_time

from sandbox.core.auth import auto_tenant_name

Key = Callable[[str], str]
EVENTS = "/webex/campaignapi/resources/v3/events"
EVENT = {"event-id": "evt_14296935520105", "event-key": "1", "event-params": {"account": "1"}}


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json())


def by_key(key: str) -> dict[str, str]:
    return {"X-Sandbox-Credential": key}


def trigger(client: FlaskClient, key: str) -> int:
    return client.post(EVENTS, json=EVENT, headers={"Authorization": f"Bearer {key}"}).status_code


def test_the_credential_header_scopes_the_clock(client: FlaskClient, fresh_key: Key) -> None:
    key, other = fresh_key("webex"), fresh_key("webex")
    with freeze_time("2030-01-01T00:00:00Z"):
        advanced = ok(client.post("/_sandbox/clock/advance", json={"seconds": 3600}, headers=by_key(key)))
        assert advanced["tenant"] == auto_tenant_name(key)
        assert ok(client.get("/_sandbox/clock", headers=by_key(key)))["now"].startswith("2030-01-01T01:00:00")
        assert ok(client.get("/_sandbox/clock", headers=by_key(other)))["now"].startswith("2030-01-01T00:00:00")
        assert ok(client.get("/_sandbox/clock"))["offset_seconds"] == 0  # the global clock did not move


def test_the_credential_header_scopes_scenarios(client: FlaskClient, fresh_key: Key) -> None:
    key, other = fresh_key("webex"), fresh_key("webex")
    activated = ok(client.post("/_sandbox/scenarios/webex-bad-gateway/activate", headers=by_key(key)))
    assert activated["tenant"] == auto_tenant_name(key)
    assert ok(client.get("/_sandbox/scenarios/active", headers=by_key(key)))["active"] == ["webex-bad-gateway"]
    assert trigger(client, key) == 502
    assert trigger(client, other) == 200
    ok(client.delete("/_sandbox/scenarios/active", headers=by_key(key)))
    assert trigger(client, key) == 200


def test_the_credential_header_scopes_the_journal(client: FlaskClient, fresh_key: Key) -> None:
    key, other = fresh_key("webex"), fresh_key("webex")
    trigger(client, key)
    trigger(client, other)
    trigger(client, other)
    mine = ok(client.get("/_sandbox/requests", headers=by_key(key)))
    assert mine["total"] == 1
    assert {entry["tenant"] for entry in mine["requests"]} == {auto_tenant_name(key)}
    by_tenant = ok(client.get("/_sandbox/requests", headers={"X-Sandbox-Tenant": auto_tenant_name(other)}))
    assert by_tenant["total"] == 2
    assert ok(client.delete("/_sandbox/requests", headers=by_key(other)))["deleted"] == 2
    assert ok(client.get("/_sandbox/requests", headers=by_key(key)))["total"] == 1


def test_the_credential_header_resets_one_tenant_only(client: FlaskClient, fresh_key: Key) -> None:
    key, other = fresh_key("webex"), fresh_key("webex")
    for each in (key, other):
        ok(client.post("/_sandbox/clock/advance", json={"seconds": 60}, headers=by_key(each)))
    assert ok(client.post("/_sandbox/reset", headers=by_key(key)))["reset"] == auto_tenant_name(key)
    assert ok(client.get("/_sandbox/clock", headers=by_key(key)))["offset_seconds"] == 0
    assert ok(client.get("/_sandbox/clock", headers=by_key(other)))["offset_seconds"] == 60


def test_a_scope_in_the_body_outranks_the_header(client: FlaskClient, fresh_key: Key) -> None:
    key, other = fresh_key("webex"), fresh_key("webex")
    moved = ok(client.post("/_sandbox/clock/advance", json={"seconds": 5, "credential": other}, headers=by_key(key)))
    assert moved["tenant"] == auto_tenant_name(other)
