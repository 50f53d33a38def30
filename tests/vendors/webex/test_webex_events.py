"""Webex Event API (seed 004): success, the 1001/1002 rules, and the per-tenant 200-or-500 status."""

from __future__ import annotations

import json

import pytest
from jinja2.sandbox import SandboxedEnvironment
from webex_helpers import EVENTS, assert_webex_error, auth, seed_event_example

from sandbox.vendors.webex.models import render_template

MANDATORY_MISSING = "Mandatory field missing? EventID / EventKey"


def send(client, body, key=None):
    return client.post(EVENTS, json=body, headers=auth(key) if key else auth())


def events_of(client, tenant="demo"):
    return client.get(f"/_sandbox/state?tenant={tenant}").get_json()["tables"].get(f"webex.events/{tenant}", {})


def test_seed_example_is_accepted(client):
    response = send(client, seed_event_example())
    assert response.status_code == 200
    transaction_id = response.get_json()["transaction-id"]
    assert set(response.get_json()) == {"transaction-id"}
    recorded = events_of(client)[transaction_id]
    assert recorded["eventId"] == "evt_14296935520105"
    assert recorded["eventKey"] == "44839382928"
    assert recorded["message"] == "Hi joe bloggs, there is new activity on account 123."
    assert recorded["status"] == "accepted"


def test_event_is_processed_on_the_clock(client):
    transaction_id = send(client, seed_event_example()).get_json()["transaction-id"]
    client.post("/_sandbox/clock/advance", json={"seconds": 1, "tenant": "demo"})
    assert events_of(client)[transaction_id]["status"] == "processed"


def test_numeric_event_key_is_taken_as_digits(client):
    body = {**seed_event_example(), "event-key": 44839382928}
    transaction_id = send(client, body).get_json()["transaction-id"]
    assert events_of(client)[transaction_id]["eventKey"] == "44839382928"


def test_optional_params_may_be_omitted(client):
    assert send(client, {"event-id": "evt_welcome", "event-key": "a@b.c"}).status_code == 200


def test_exactly_400_params_are_accepted(client):
    params = {"account": "1", **{f"p{i}": "v" for i in range(399)}}
    assert send(client, {**seed_event_example(), "event-params": params}).status_code == 200


@pytest.mark.parametrize("missing", ["event-id", "event-key"])
def test_missing_event_id_or_key_is_1002(client, missing):
    body = seed_event_example()
    del body[missing]
    assert_webex_error(send(client, body), 500, 1002, MANDATORY_MISSING)


@pytest.mark.parametrize("field", ["event-id", "event-key"])
def test_blank_event_id_or_key_is_1002(client, field):
    assert_webex_error(send(client, {**seed_event_example(), field: " "}), 500, 1002, MANDATORY_MISSING)


def test_unknown_event_id_is_1002(client):
    response = send(client, {**seed_event_example(), "event-id": "evt_unknown"})
    assert_webex_error(response, 500, 1002, MANDATORY_MISSING)
    assert "evt_unknown" in response.headers["X-Sandbox-Detail"]


@pytest.mark.parametrize("params", [{"firstname": "joe"}, {"account": ""}, None])
def test_missing_mandatory_parameter_is_1002(client, params):
    body = {**seed_event_example(), "event-params": params}
    if params is None:
        del body["event-params"]
    response = send(client, body)
    assert_webex_error(response, 500, 1002, MANDATORY_MISSING)
    assert "account" in response.headers["X-Sandbox-Detail"]


def test_over_400_params_is_1001(client):
    params = {"account": "1", **{f"p{i}": "v" for i in range(400)}}
    response = send(client, {**seed_event_example(), "event-params": params})
    assert_webex_error(response, 500, 1001, "Invalid input JSON")
    assert "401" in response.headers["X-Sandbox-Detail"]


def test_payload_over_24kb_is_1001(client):
    body = {**seed_event_example(), "event-params": {"account": "1", "blob": "x" * (24 * 1024)}}
    response = send(client, body)
    assert_webex_error(response, 500, 1001, "Invalid input JSON")


def test_payload_just_under_24kb_is_accepted(client):
    body = {**seed_event_example(), "event-params": {"account": "1", "blob": ""}}
    filler = 24 * 1024 - len(json.dumps(body).encode())
    body["event-params"]["blob"] = "x" * filler
    assert len(json.dumps(body).encode()) == 24 * 1024
    response = client.post(EVENTS, data=json.dumps(body), headers=auth())
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["NULL", "null", None])
def test_null_parameter_value_is_1001(client, value):
    body = {**seed_event_example(), "event-params": {"account": "123", "lastname": value}}
    assert_webex_error(send(client, body), 500, 1001, "Invalid input JSON")


@pytest.mark.parametrize(
    "body",
    [
        {"event-id": 5, "event-key": "k", "event-params": {"account": "1"}},
        {"event-id": "evt_14296935520105", "event-key": ["k"], "event-params": {"account": "1"}},
        {"event-id": "evt_14296935520105", "event-key": "k", "event-params": ["account"]},
        {"event-id": "evt_14296935520105", "event-key": "k", "event-params": {"account": {"deep": 1}}},
    ],
)
def test_wrong_types_are_1001(client, body):
    assert_webex_error(send(client, body), 500, 1001, "Invalid input JSON")


@pytest.mark.parametrize("raw", [b"{", b"", b"[]", b"\x00\x01"])
def test_malformed_json_is_1001(client, raw):
    response = client.post(EVENTS, data=raw, headers=auth())
    assert_webex_error(response, 500, 1001, "Invalid input JSON")


def test_failure_status_setting_200_applies_to_1001_and_1002_of_that_tenant_only(client, fresh_key):
    patched = client.patch("/_sandbox/settings", json={"tenant": "demo", "webex": {"event_failure_status": 200}})
    assert patched.status_code == 200
    assert_webex_error(send(client, {"event-key": "k"}), 200, 1002, MANDATORY_MISSING)
    assert_webex_error(client.post(EVENTS, data=b"{", headers=auth()), 200, 1001, "Invalid input JSON")
    # another tenant keeps the default (500)
    assert_webex_error(send(client, {"event-key": "k"}, key=fresh_key("webex")), 500, 1002)
    # and the setting never touches auth failures or the campaign API
    assert_webex_error(send(client, seed_event_example(), key="demo-webex-campaigns-only-0002"), 401, 430)
    campaign = client.post("/webex/v1/campaigns", data=b"{", headers=auth())
    assert_webex_error(campaign, 500, 1001)


def test_failure_status_setting_rejects_other_values(client):
    response = client.patch("/_sandbox/settings", json={"webex": {"event_failure_status": 404}})
    assert response.status_code == 400


def test_key_without_event_api_gets_430(client):
    response = send(client, seed_event_example(), key="demo-webex-campaigns-only-0002")
    assert_webex_error(
        response, 401, 430, "Authorization failed. This resource is not allowed to access using this TOKEN or KEY"
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "Bearer demo-webex-revoked-key-0004"},
        {"authorization": "Bearer demo-webex-expired-key-0005"},
    ],
)
def test_bad_keys_get_498(client, headers):
    response = client.post(EVENTS, json=seed_event_example(), headers=headers)
    assert_webex_error(response, 401, 498, "Invalid token or Access token expired")


def test_unknown_event_path_is_404_page_not_found(client):
    response = client.post("/webex/campaignapi/resources/v2/events", json={}, headers=auth())
    assert_webex_error(response, 404, 404, "Error - Page Not Found")


def test_get_on_events_is_405(client):
    assert_webex_error(client.get(EVENTS, headers=auth()), 405, 405, "Method not supported")


def test_events_kept_per_tenant_are_bounded(sandbox, client, monkeypatch):
    from dataclasses import replace

    # reset() does not undo it, and the module's app is shared: monkeypatch puts the services back afterwards.
    monkeypatch.setattr(
        sandbox, "services", replace(sandbox.services, config=replace(sandbox.config, events_kept_per_tenant=3))
    )
    ids = [send(client, seed_event_example()).get_json()["transaction-id"] for _ in range(5)]
    assert list(events_of(client)) == ids[2:]


def test_events_are_journaled_with_their_body(client):
    send(client, seed_event_example())
    entries = client.get("/_sandbox/requests?operation=trigger_event").get_json()["requests"]
    assert len(entries) == 1
    assert json.loads(entries[0]["request_body"]) == seed_event_example()
    assert entries[0]["path"] == "/campaignapi/resources/v3/events" and entries[0]["tenant"] == "demo"


@pytest.mark.parametrize(
    ("template", "values"),
    [
        ("Hi {{ firstname }} {{ lastname }}, {{ account }}.", {"firstname": "A", "lastname": "L", "account": 7}),
        ("Welcome aboard{% if firstname %}, {{ firstname }}{% endif %}!", {}),
        ("{% for i in range(3) %}{{ i }}{% endfor %}{{ eventKey | upper }}", {"eventKey": "k"}),  # a global, a filter
        ("{{ range }}", {"range": "a parameter named like a global wins"}),
        ("{{ missing.attr }}", {}),
        ("{{ ''.__class__.__mro__ }}", {}),  # the sandbox refuses it
        ("{{ 1 / 0 }}", {}),
    ],
)
def test_messages_render_as_jinjas_own_render_does(template: str, values: dict[str, object]) -> None:
    try:
        expected = SandboxedEnvironment(autoescape=False).from_string(template).render(**values)
    except Exception as failure:
        expected = f"[template error: {failure}]"
    assert render_template(template, values) == expected
