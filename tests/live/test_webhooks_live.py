"""Zexa webhooks for real: a served sandbox POSTs signed events to a local receiver, retries, survives a restart."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from live_helpers import Received, receiver, wait_until
from zexa_helpers import (
    CAMPAIGNS,
    WEBHOOKS,
    advance,
    auth,
    campaign_body,
    create_campaign,
    register_webhook,
    signature,
)

from sandbox.app import create_app
from sandbox.config import Config

pytestmark = pytest.mark.live
HTTP_TIMEOUT = 5.0
LIFECYCLE_ORDER = [
    "campaign.sent", "message.delivered", "message.delivered", "message.delivered",
    "message.undeliverable", "message.delivered", "campaign.completed",
]  # fmt: skip


def check_signed_in_order(received: list[Received], secret: str, campaign_id: str) -> None:
    assert [r.json["type"] for r in received] == LIFECYCLE_ORDER
    for request in received:
        assert request.headers["x-zexa-signature"] == signature(secret, request.body)
        assert request.headers["x-zexa-event"] == request.json["type"]
        assert request.headers["content-type"] == "application/json"
        assert request.json["id"].startswith("evt_")
    assert len({r.json["id"] for r in received}) == len(received)
    assert received[0].json["data"]["id"] == campaign_id
    assert {r.json["data"]["campaign_id"] for r in received[1:-1]} == {campaign_id}
    completed = received[-1].json["data"]
    assert (completed["status"], completed["delivered"], completed["failed"]) == ("completed", 4, 1)


def served_deliveries(url: str, key: str) -> list[dict[str, Any]]:
    response = requests.get(
        f"{url}/_sandbox/webhooks/deliveries", params={"credential": key, "vendor": "zexa"}, timeout=HTTP_TIMEOUT
    )
    return list(response.json()["deliveries"])


def all_delivered(url: str, key: str) -> list[dict[str, Any]] | None:
    found = served_deliveries(url, key)
    return found if found and all(d["status"] == "delivered" for d in found) else None


def test_registered_urls_receive_signed_events_in_lifecycle_order(
    sandbox_server: Any, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    with receiver() as hook:
        registered = requests.post(
            f"{sandbox_server.url}{WEBHOOKS}",
            json={"url": hook.url, "events": ["*"]},
            headers=auth(key),
            timeout=HTTP_TIMEOUT,
        )
        assert registered.status_code == 201, registered.text
        secret = registered.json()["secret"]
        created = requests.post(
            f"{sandbox_server.url}{CAMPAIGNS}", json=campaign_body(), headers=auth(key), timeout=HTTP_TIMEOUT
        )
        assert created.status_code == 201, created.text
        advanced = requests.post(
            f"{sandbox_server.url}/_sandbox/clock/advance",
            json={"credential": key, "vendor": "zexa", "seconds": 60},
            timeout=HTTP_TIMEOUT,
        )
        assert advanced.status_code == 200

        received = hook.wait_for(len(LIFECYCLE_ORDER))
        shown = wait_until(lambda: all_delivered(sandbox_server.url, key), what="every delivery marked delivered")

    check_signed_in_order(received, secret, created.json()["id"])
    assert [r.path for r in received] == ["/hooks/zexa"] * len(LIFECYCLE_ORDER)
    assert [d["event_id"] for d in shown] == [r.json["id"] for r in received]
    assert all(len(d["attempts"]) == 1 and d["attempts"][0]["status_code"] == 200 for d in shown)
    assert [json.loads(d["body"]) for d in shown] == [r.json for r in received]


def test_a_500_from_the_receiver_is_retried_and_order_is_kept(
    sandbox_server: Any, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    client = sandbox_server.app.test_client()
    response = client.patch(
        "/_sandbox/webhooks/config", json={"credential": key, "vendor": "zexa", "backoff_seconds": [0.05]}
    )
    assert response.status_code == 200
    with receiver(500) as hook:
        hook_record = register_webhook(client, key, hook.url)
        created = create_campaign(client, key)
        advance(client, key, 60)
        received = hook.wait_for(len(LIFECYCLE_ORDER) + 1)
        first = wait_until(
            lambda: next(
                (
                    d
                    for d in served_deliveries(sandbox_server.url, key)
                    if len(d["attempts"]) == 2 and d["status"] == "delivered"
                ),
                None,
            ),
            what="the retried delivery",
        )

    assert received[0].body == received[1].body  # the same event, again, before anything after it
    check_signed_in_order(received[1:], hook_record["secret"], created["id"])
    assert first["event"] == "campaign.sent"
    assert [(a["status_code"], a["error"]) for a in first["attempts"]] == [(500, "HTTP 500"), (200, None)]


def test_the_outbox_survives_a_restart_on_the_same_data_dir(tmp_path: Path, fresh_key: Callable[[str], str]) -> None:
    config = Config(memory=False, data_dir=tmp_path / "data", seed=11)
    key = fresh_key("zexa")
    with receiver() as hook:
        first = create_app(config)  # no delivery worker: the events stay in the outbox
        try:
            client = first.test_client()
            hook_record = register_webhook(client, key, hook.url)
            created = create_campaign(client, key)
            advance(client, key, 60)
            query = f"credential={key}&vendor=zexa&status=pending"
            pending = client.get(f"/_sandbox/webhooks/deliveries?{query}").get_json()
        finally:
            first.extensions["sandbox"].close()
        assert pending["total"] == len(LIFECYCLE_ORDER)
        assert hook.requests == []

        second = create_app(config)
        try:
            second.extensions["sandbox"].outbox.start()
            received = hook.wait_for(len(LIFECYCLE_ORDER))
            wait_until(
                lambda: (
                    second.test_client()
                    .get(f"/_sandbox/webhooks/deliveries?credential={key}&vendor=zexa&status=delivered")
                    .get_json()["total"]
                    == len(LIFECYCLE_ORDER)
                ),
                what="every delivery marked delivered after the restart",
            )
        finally:
            second.extensions["sandbox"].close()

    check_signed_in_order(received, hook_record["secret"], created["id"])
    assert [r.json["id"] for r in received] == [d["event_id"] for d in pending["deliveries"]]
