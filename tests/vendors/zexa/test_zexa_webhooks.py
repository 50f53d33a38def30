"""Zexa webhook registration, and the signed events a campaign puts in the outbox, in lifecycle order."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from zexa_helpers import (
    WEBHOOKS,
    advance,
    assert_zexa_error,
    auth,
    create_campaign,
    register_webhook,
    settings,
    signature,
)

URL = "https://hooks.example.ao/zexa"


def deliveries(client: FlaskClient, key: str, **filters: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in {"credential": key, "vendor": "zexa", **filters}.items())
    response = client.get(f"/_sandbox/webhooks/deliveries?{query}")
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["deliveries"])


# -- registration --------------------------------------------------------------------------------------------
def test_register_answers_201_with_the_secret_once(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    response = client.post(
        WEBHOOKS, json={"url": URL, "events": ["campaign.sent", "message.failed"]}, headers=auth(fresh_key("zexa"))
    )

    assert response.status_code == 201
    body = response.get_json()
    assert list(body) == ["id", "url", "events", "created_at", "secret"]
    assert re.match(r"^wh_[a-z0-9]{12}$", body["id"])
    assert re.match(r"^whsec_[a-z0-9]{32}$", body["secret"])
    assert (body["url"], body["events"]) == (URL, ["campaign.sent", "message.failed"])


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:9000/h",
        "http://127.0.0.5/h",
        "http://[::1]:8080/h",
        "https://example.ao",
        "HTTPS://A.AO/x",
        "http://10.0.0.1/h",
        "http://receiver:8080/h",
    ],
)
def test_https_urls_and_loopback_http_are_accepted(client: FlaskClient, url: str) -> None:
    assert client.post(WEBHOOKS, json={"url": url, "events": ["*"]}, headers=auth()).status_code == 201


@pytest.mark.parametrize("url", ["http://hooks.example.ao/zexa", "ftp://example.ao/h", "ws://localhost/h"])
def test_a_non_https_url_is_a_validation_error(client: FlaskClient, url: str) -> None:
    response = client.post(WEBHOOKS, json={"url": url, "events": ["*"]}, headers=auth())
    assert_zexa_error(response, 422, "validation_error", "HTTPS")


@pytest.mark.parametrize(
    "body",
    [
        {"events": ["*"]},
        {"url": URL},
        {"url": URL, "events": []},
        {"url": URL, "events": "*"},
        {"url": URL, "events": ["campaign.started"]},
        {"url": URL, "events": [None]},
        {"url": 5, "events": ["*"]},
        {"url": "not a url", "events": ["*"]},
        {"url": "https://", "events": ["*"]},
        {"url": "https://example.ao:99999/x", "events": ["*"]},
        {"url": "https://" + "a" * 2050, "events": ["*"]},
    ],
)
def test_bad_registrations_are_invalid_request(client: FlaskClient, body: dict[str, Any]) -> None:
    assert_zexa_error(client.post(WEBHOOKS, json=body, headers=auth()), 400, "invalid_request")


# -- events in the outbox ------------------------------------------------------------------------------------
def test_a_campaign_queues_signed_events_in_lifecycle_order(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    hook = register_webhook(client, key, URL)
    created = create_campaign(client, key)
    advance(client, key, 60)

    found = deliveries(client, key)

    assert [d["event"] for d in found] == [
        "campaign.sent", "message.delivered", "message.delivered", "message.delivered",
        "message.undeliverable", "message.delivered", "campaign.completed",
    ]  # fmt: skip
    for delivery in found:
        body = delivery["body"].encode()
        assert delivery["headers"]["X-Zexa-Signature"] == signature(hook["secret"], body)
        assert delivery["headers"]["X-Zexa-Event"] == delivery["event"]
        assert delivery["headers"]["Content-Type"] == "application/json"
        assert (delivery["stream"], delivery["url"], delivery["status"]) == (hook["id"], URL, "pending")
        payload = json.loads(body)
        assert list(payload) == ["id", "type", "created_at", "data"]
        assert payload["id"] == delivery["event_id"] and payload["id"].startswith("evt_")
        assert payload["type"] == delivery["event"]
    sent, completed = json.loads(found[0]["body"]), json.loads(found[-1]["body"])
    assert sent["data"]["id"] == created["id"]
    assert (sent["data"]["status"], sent["data"]["delivered"]) == ("sent", 0)
    assert (completed["data"]["status"], completed["data"]["delivered"], completed["data"]["failed"]) == (
        "completed", 4, 1,
    )  # fmt: skip
    assert completed["created_at"] == completed["data"]["completed_at"]
    failed = json.loads(found[4]["body"])["data"]
    assert failed["contact_id"] == "cnt_dario004"
    assert (failed["campaign_id"], failed["channel"], failed["to"]) == (created["id"], "sms", "+244923000004")
    assert failed["status"] == "undeliverable" and failed["error"]["code"] == "undeliverable"
    assert failed["message_id"].startswith("msg_")
    assert json.loads(found[1]["body"])["data"]["error"] is None


def test_message_events_interleave_with_batches_when_receipts_come_first(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    register_webhook(client, key, URL)
    settings(client, key, dispatch_rates={"sms": 1})
    client.post(
        "/_sandbox/lifecycles",
        json={"credential": key, "vendor": "zexa", "lifecycle": "zexa.campaign", "durations": {"receipts": 0}},
    )
    create_campaign(client, key, contact_list_id="lst_vip001")
    advance(client, key, 10)
    assert [d["event"] for d in deliveries(client, key)] == [
        "message.delivered", "message.delivered", "campaign.sent", "campaign.completed",
    ]  # fmt: skip


def test_a_carrier_failure_is_a_message_failed_event(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    register_webhook(client, key, URL, ["message.failed", "message.delivered"])
    settings(client, key, failure_rate=1)
    create_campaign(client, key, contact_list_id="lst_vip001")
    advance(client, key, 60)

    found = deliveries(client, key)

    assert [d["event"] for d in found] == ["message.failed", "message.failed"]
    data = [json.loads(d["body"])["data"] for d in found]
    assert {d["contact_id"] for d in data} == {"cnt_ana00001", "cnt_carla003"}
    assert all(d["status"] == "failed" and d["error"]["code"] == "delivery_failed" for d in data)


def test_a_webhook_gets_only_the_events_it_subscribed_to(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    register_webhook(client, key, URL, ["campaign.completed", "message.undeliverable"])
    create_campaign(client, key)
    advance(client, key, 60)
    assert [d["event"] for d in deliveries(client, key)] == ["message.undeliverable", "campaign.completed"]


def test_each_webhook_has_its_own_stream_and_signature(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    first = register_webhook(client, key, URL, ["campaign.sent"])
    second = register_webhook(client, key, "https://other.example.ao/h", ["campaign.sent"])
    create_campaign(client, key)
    advance(client, key, 60)
    found = deliveries(client, key)
    assert [d["stream"] for d in found] == [first["id"], second["id"]]
    assert found[0]["body"] == found[1]["body"]
    assert found[1]["headers"]["X-Zexa-Signature"] == signature(second["secret"], found[1]["body"].encode())
    assert deliveries(client, key, stream=second["id"]) == [found[1]]


def test_no_webhook_no_delivery_and_tenants_stay_apart(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key, other = fresh_key("zexa"), fresh_key("zexa")
    register_webhook(client, other, URL)
    create_campaign(client, key)
    advance(client, key, 60)
    assert deliveries(client, key) == []
    assert deliveries(client, other) == []


def test_a_failed_campaign_sends_no_campaign_event(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    register_webhook(client, key, URL)
    create_campaign(client, key, contact_list_id="lst_optout")
    advance(client, key, 60)
    assert deliveries(client, key) == []


def test_a_tenant_reset_drops_its_outbox(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    register_webhook(client, key, URL)
    create_campaign(client, key)
    advance(client, key, 60)
    assert deliveries(client, key)
    client.post("/_sandbox/reset", json={"credential": key, "vendor": "zexa"})
    assert deliveries(client, key) == []
