"""POST /_sandbox/clock/advance answers once every webhook that fell due was attempted, and says how many."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from live_helpers import receiver
from zexa_helpers import auth, campaign_body, register_webhook

pytestmark = pytest.mark.live
TIMEOUT = 10.0
LIFECYCLE = ["campaign.sent", *["message.delivered"] * 3, "message.undeliverable", "message.delivered"]
ORDER = [*LIFECYCLE, "campaign.completed"]


def advance(url: str, key: str, seconds: float) -> dict[str, Any]:
    response = requests.post(f"{url}/_sandbox/clock/advance", json={"credential": key, "seconds": seconds}, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def start_campaign(url: str, key: str) -> None:
    created = requests.post(f"{url}/zexa/v1/campaigns", json=campaign_body(), headers=auth(key), timeout=TIMEOUT)
    assert created.status_code == 201, created.text


def test_the_answer_comes_after_every_due_webhook_was_sent_in_order(
    sandbox_server: Any, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    client = sandbox_server.app.test_client()
    with receiver() as hook:
        register_webhook(client, key, hook.url)
        start_campaign(sandbox_server.url, key)

        answer = advance(sandbox_server.url, key, 60)
        arrived = [r.json["type"] for r in hook.requests]  # read at once: no waiting, no polling

    assert answer["webhooks"] == {"sent": len(ORDER), "delivered": len(ORDER), "waiting": 0}
    assert arrived == ORDER
    assert answer["transitions"] > 0


def test_a_failed_webhook_is_retried_by_the_advance_that_passes_its_backoff(
    sandbox_server: Any, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    client = sandbox_server.app.test_client()
    # 30 s on the tenant's clock: real time does not get there during the test, an advance does.
    assert (
        client.patch("/_sandbox/webhooks/config", json={"credential": key, "backoff_seconds": [30]}).status_code == 200
    )
    with receiver(500) as hook:
        register_webhook(client, key, hook.url)
        start_campaign(sandbox_server.url, key)

        failed = advance(sandbox_server.url, key, 60)
        after_failure = len(hook.requests)
        early = advance(sandbox_server.url, key, 10)
        retried = advance(sandbox_server.url, key, 25)
        arrived = [r.json["type"] for r in hook.requests]

    assert failed["webhooks"] == {"sent": 1, "delivered": 0, "waiting": len(ORDER)}  # the head holds its stream
    assert after_failure == 1
    assert early["webhooks"] == {"sent": 0, "delivered": 0, "waiting": len(ORDER)}
    assert retried["webhooks"] == {"sent": len(ORDER), "delivered": len(ORDER), "waiting": 0}
    assert arrived == ["campaign.sent", *ORDER]


def test_an_advance_of_another_tenant_sends_nothing_of_this_one(
    sandbox_server: Any, fresh_key: Callable[[str], str]
) -> None:
    key, other = fresh_key("zexa"), fresh_key("zexa")
    client = sandbox_server.app.test_client()
    with receiver() as hook:
        register_webhook(client, key, hook.url)
        start_campaign(sandbox_server.url, key)
        assert advance(sandbox_server.url, other, 60)["webhooks"] == {"sent": 0, "delivered": 0, "waiting": 0}
        assert hook.requests == []
        assert advance(sandbox_server.url, key, 60)["webhooks"]["sent"] == len(ORDER)
