"""The generic webhook outbox against a real local receiver: order per stream, retries, failure, redelivery."""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from live_helpers import receiver, wait_until

from sandbox.core.outbox import pending_table
from sandbox.core.sandbox import Sandbox

pytestmark = pytest.mark.live  # a real HTTP receiver on a loopback socket
TENANT = "hooks-tenant"


def enqueue(sandbox: Sandbox, url: str, event: str = "thing.happened", stream: str = "wh_1", body: str = "{}") -> str:
    return sandbox.outbox.enqueue(
        TENANT, "zexa", stream, url, body, {"Content-Type": "application/json", "X-Test": event}, event, "evt_1", "t0"
    )


def fast(client: FlaskClient, **config: Any) -> None:
    response = client.patch("/_sandbox/webhooks/config", json={"tenant": TENANT, "backoff_seconds": [0], **config})
    assert response.status_code == 200, response.get_json()


def delivery(sandbox: Sandbox, delivery_id: str) -> dict[str, Any]:
    return sandbox.outbox.get(TENANT, delivery_id)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone"


def test_a_delivery_is_posted_with_its_body_and_headers(sandbox: Sandbox) -> None:
    with receiver() as hook:
        delivery_id = enqueue(sandbox, hook.url, body='{"a":"ção"}')
        assert sandbox.outbox.deliver_due() == 1
        got = hook.requests[0]

    assert (got.path, got.body) == ("/hooks/zexa", '{"a":"ção"}'.encode())
    assert got.headers["x-test"] == "thing.happened"
    found = delivery(sandbox, delivery_id)
    assert found["status"] == "delivered"
    assert [(a["status_code"], a["error"]) for a in found["attempts"]] == [(200, None)]
    assert found["next_attempt_at"] is None
    assert sandbox.store.count(pending_table(TENANT)) == 0


def test_a_non_2xx_answer_is_retried_after_the_backoff(sandbox: Sandbox, client: FlaskClient) -> None:
    client.patch("/_sandbox/webhooks/config", json={"tenant": TENANT, "backoff_seconds": [30]})
    with receiver(500) as hook:
        delivery_id = enqueue(sandbox, hook.url)
        sandbox.outbox.deliver_due()
        waiting = delivery(sandbox, delivery_id)
        assert sandbox.outbox.deliver_due() == 0  # not due for 30 s
        fast(client)
        sandbox.store.put(pending_table(TENANT), delivery_id, {"stream": "wh_1", "due": 0})
        sandbox.outbox.deliver_due()

    assert waiting["status"] == "pending"
    assert waiting["attempts"][0]["status_code"] == 500 and waiting["attempts"][0]["error"] == "HTTP 500"
    assert waiting["next_attempt_at"] is not None
    found = delivery(sandbox, delivery_id)
    assert found["status"] == "delivered"
    assert [a["status_code"] for a in found["attempts"]] == [500, 200]


def test_the_backoff_grows_then_its_last_value_repeats(sandbox: Sandbox, client: FlaskClient) -> None:
    client.patch("/_sandbox/webhooks/config", json={"tenant": TENANT, "backoff_seconds": [100, 1000]})
    waits = []
    with receiver(500, 500, 500) as hook:
        delivery_id = enqueue(sandbox, hook.url)
        for _ in range(3):
            sandbox.outbox.deliver_due()
            found = delivery(sandbox, delivery_id)
            last = datetime.fromisoformat(found["attempts"][-1]["at"])
            waits.append((datetime.fromisoformat(found["next_attempt_at"]) - last).total_seconds())
            sandbox.store.put(pending_table(TENANT), delivery_id, {"stream": "wh_1", "due": 0})  # skip the wait

    assert len(hook.requests) == 3
    assert [round(wait, -1) for wait in waits] == [100, 1000, 1000]


def test_a_stream_keeps_its_order_while_its_head_waits_and_other_streams_go_on(
    sandbox: Sandbox, client: FlaskClient
) -> None:
    client.patch("/_sandbox/webhooks/config", json={"tenant": TENANT, "backoff_seconds": [30]})
    with receiver(503) as hook:
        first = enqueue(sandbox, hook.url, event="one", stream="wh_a")
        second = enqueue(sandbox, hook.url, event="two", stream="wh_a")
        other = enqueue(sandbox, hook.url, event="other", stream="wh_b")
        sandbox.outbox.deliver_due()
        sandbox.outbox.deliver_due()
        order = [r.headers["x-test"] for r in hook.requests]

    assert order == ["one", "other"]
    assert (delivery(sandbox, first)["status"], delivery(sandbox, second)["status"]) == ("pending", "pending")
    assert delivery(sandbox, second)["attempts"] == []
    assert delivery(sandbox, other)["status"] == "delivered"


def test_after_max_attempts_a_delivery_fails_and_its_stream_moves_on(sandbox: Sandbox, client: FlaskClient) -> None:
    fast(client, max_attempts=3)
    with receiver(500, 500, 500) as hook:
        first = enqueue(sandbox, hook.url, event="one")
        second = enqueue(sandbox, hook.url, event="two")
        for _ in range(4):
            sandbox.outbox.deliver_due()
        order = [r.headers["x-test"] for r in hook.requests]

    assert order == ["one", "one", "one", "two"]
    assert delivery(sandbox, first)["status"] == "failed"
    assert len(delivery(sandbox, first)["attempts"]) == 3
    assert delivery(sandbox, second)["status"] == "delivered"


def test_a_connection_error_is_recorded_and_retried(sandbox: Sandbox, client: FlaskClient) -> None:
    fast(client, max_attempts=2)
    delivery_id = enqueue(sandbox, closed_port_url())
    sandbox.outbox.deliver_due()
    sandbox.outbox.deliver_due()
    found = delivery(sandbox, delivery_id)
    assert found["status"] == "failed"
    assert [a["status_code"] for a in found["attempts"]] == [None, None]
    assert "ConnectionError" in found["attempts"][0]["error"]


def test_each_attempt_times_out(sandbox: Sandbox, client: FlaskClient, monkeypatch: Any) -> None:
    fast(client, max_attempts=1, timeout_seconds=0.2)
    with socket.socket() as silent:  # accepts the connection and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        delivery_id = enqueue(sandbox, f"http://127.0.0.1:{silent.getsockname()[1]}/slow")
        sandbox.outbox.deliver_due()
    found = delivery(sandbox, delivery_id)
    assert found["status"] == "failed"
    assert "Timeout" in found["attempts"][0]["error"]
    assert found["attempts"][0]["duration_ms"] < 2000


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://localhost/", "http:///nohost"])
def test_a_non_http_url_is_never_delivered(sandbox: Sandbox, url: str) -> None:
    delivery_id = enqueue(sandbox, url)
    sandbox.outbox.deliver_due()
    found = delivery(sandbox, delivery_id)
    assert found["status"] == "failed"
    assert len(found["attempts"]) == 1 and "never delivered" in found["attempts"][0]["error"]


def test_a_redirect_is_not_followed(sandbox: Sandbox, client: FlaskClient) -> None:
    fast(client, max_attempts=1)
    with receiver(302) as hook:
        delivery_id = enqueue(sandbox, hook.url)
        sandbox.outbox.deliver_due()
        assert len(hook.requests) == 1
    assert delivery(sandbox, delivery_id)["attempts"][0]["status_code"] == 302
    assert delivery(sandbox, delivery_id)["status"] == "failed"


def test_control_api_lists_filters_and_redelivers(sandbox: Sandbox, client: FlaskClient) -> None:
    fast(client, max_attempts=1)
    with receiver(500) as hook:
        failed = enqueue(sandbox, hook.url, event="one")
        sandbox.outbox.deliver_due()
        delivered = enqueue(sandbox, hook.url, event="two")
        sandbox.outbox.deliver_due()

        listed = client.get(f"/_sandbox/webhooks/deliveries?tenant={TENANT}").get_json()
        only_failed = client.get(f"/_sandbox/webhooks/deliveries?tenant={TENANT}&status=failed").get_json()
        one = client.get(f"/_sandbox/webhooks/deliveries/{failed}?tenant={TENANT}").get_json()
        again = client.post(f"/_sandbox/webhooks/deliveries/{failed}/redeliver", json={"tenant": TENANT})
        sandbox.outbox.deliver_due()

    assert [d["id"] for d in listed["deliveries"]] == [failed, delivered] and listed["total"] == 2
    assert [d["id"] for d in only_failed["deliveries"]] == [failed]
    assert one["attempts"][0]["status_code"] == 500
    assert again.status_code == 200 and again.get_json()["status"] == "pending"
    assert [a["status_code"] for a in delivery(sandbox, failed)["attempts"]] == [500, 200]
    assert delivery(sandbox, failed)["status"] == "delivered"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/_sandbox/webhooks/deliveries?status=lost", None, 400),
        ("get", "/_sandbox/webhooks/deliveries?limit=-1", None, 400),
        ("get", "/_sandbox/webhooks/deliveries/dlv_x", None, 400),
        ("get", f"/_sandbox/webhooks/deliveries/dlv_x?tenant={TENANT}", None, 404),
        ("post", "/_sandbox/webhooks/deliveries/dlv_x/redeliver", {"tenant": TENANT}, 404),
        ("post", "/_sandbox/webhooks/deliveries/dlv_x/redeliver", [1], 400),
        ("patch", "/_sandbox/webhooks/config", {"max_attempts": 0}, 400),
        ("patch", "/_sandbox/webhooks/config", {"backoff_seconds": []}, 400),
        ("patch", "/_sandbox/webhooks/config", {"timeout_seconds": 60}, 400),
        ("patch", "/_sandbox/webhooks/config", {"retries": 3}, 400),
    ],
)
def test_bad_control_calls_are_refused(client: FlaskClient, method: str, path: str, body: Any, status: int) -> None:
    response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    assert response.status_code == status
    assert set(response.get_json()) == {"error", "message"}


def test_a_pending_delivery_cannot_be_redelivered(sandbox: Sandbox, client: FlaskClient) -> None:
    delivery_id = enqueue(sandbox, "https://example.invalid/h")
    response = client.post(f"/_sandbox/webhooks/deliveries/{delivery_id}/redeliver", json={"tenant": TENANT})
    assert response.status_code == 409


def test_config_is_per_tenant_over_global_defaults(client: FlaskClient) -> None:
    defaults = client.get("/_sandbox/webhooks/config").get_json()
    client.patch("/_sandbox/webhooks/config", json={"tenant": TENANT, "max_attempts": 2})
    assert defaults["max_attempts"] == 6 and defaults["backoff_seconds"] == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert client.get(f"/_sandbox/webhooks/config?tenant={TENANT}").get_json()["max_attempts"] == 2
    assert client.get("/_sandbox/webhooks/config?tenant=other").get_json()["max_attempts"] == 6


def test_the_worker_thread_delivers_without_being_asked(sandbox: Sandbox) -> None:
    with receiver() as hook:
        sandbox.outbox.start()
        try:
            delivery_id = enqueue(sandbox, hook.url)
            hook.wait_for(1)
            wait_until(lambda: delivery(sandbox, delivery_id)["status"] == "delivered", what="delivered status")
        finally:
            sandbox.outbox.stop()


def test_the_finished_deliveries_kept_are_bounded(sandbox: Sandbox, monkeypatch: Any) -> None:
    monkeypatch.setattr("sandbox.core.outbox.KEPT_PER_TENANT", 3)
    ids = [enqueue(sandbox, "ftp://x/", stream=f"wh_{n}") for n in range(3)]
    sandbox.outbox.deliver_due()  # all three fail at once: never an http(s) URL
    enqueue(sandbox, "ftp://x/")
    kept = [d["id"] for d in sandbox.outbox.deliveries(TENANT)]
    assert ids[0] not in kept and len(kept) == 3


def test_retries_back_off_on_the_sandbox_clock(sandbox: Sandbox, client: FlaskClient) -> None:
    client.patch("/_sandbox/webhooks/config", json={"tenant": TENANT, "backoff_seconds": [3600]})
    with receiver(500) as hook:
        delivery_id = enqueue(sandbox, hook.url)
        sandbox.outbox.deliver_due()
        assert sandbox.outbox.deliver_due() == 0  # an hour away on the tenant's clock
        client.post("/_sandbox/clock/advance", json={"tenant": TENANT, "seconds": 3600})
        assert sandbox.outbox.deliver_due() == 1  # no real hour passed: the sandbox clock moved

    attempts = delivery(sandbox, delivery_id)["attempts"]
    assert [a["status_code"] for a in attempts] == [500, 200]
    gap = datetime.fromisoformat(attempts[1]["at"]) - datetime.fromisoformat(attempts[0]["at"])
    assert gap.total_seconds() >= 3600
