"""The webhook target policy through Zexa's registration and the outbox (core.webhook_targets for the rules).

Nothing here is sent or looked up beyond this machine: refused targets are refused before any connection, and
names are resolved by a stub.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from zexa_helpers import WEBHOOKS, assert_zexa_error, auth

from sandbox.app import create_app
from sandbox.config import Config
from sandbox.core.outbox import outbox_table
from sandbox.core.sandbox import Sandbox
from sandbox.core.store import table_name

LISTEN = ("127.0.0.1", 8700)


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    app = create_app(Config(memory=True, seed=1234, listen=LISTEN))
    yield app
    app.extensions["sandbox"].close()


def register(client: FlaskClient, url: str, key: str) -> object:
    return client.post(WEBHOOKS, json={"url": url, "events": ["*"]}, headers=auth(key))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://169.254.169.254/latest/meta-data/iam", "link-local"),
        ("http://169.254.169.254/latest", "link-local"),
        ("https://[fd00:ec2::254]/latest", "metadata"),
        ("https://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://127.0.0.1:8700/_sandbox/reset", "the sandbox itself"),
        ("http://localhost:8700/_sandbox/state", "the sandbox itself"),
    ],
)
def test_link_local_metadata_and_the_sandbox_itself_are_zexas_validation_error(
    client: FlaskClient, sandbox: Sandbox, fresh_key: Callable[[str], str], url: str, why: str
) -> None:
    key = fresh_key("zexa")

    body = assert_zexa_error(register(client, url, key), 422, "validation_error", why)

    assert body["details"] == {"fields": {"url": ["not_allowed"]}}
    assert sandbox.store.values(table_name("zexa", "webhooks", sandbox.credentials.tenant_for(key))) == []


def test_webhook_allow_lets_a_refused_target_in(fresh_key: Callable[[str], str]) -> None:
    widened = create_app(Config(memory=True, listen=LISTEN, webhook_allow=("169.254.0.0/16",)))
    try:
        response = register(widened.test_client(), "http://169.254.10.10/hooks", fresh_key("zexa"))
    finally:
        widened.extensions["sandbox"].close()

    assert response.status_code == 201  # type: ignore[attr-defined]


def test_a_registered_name_rebound_to_a_metadata_address_is_refused_when_delivered(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def rebound(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["169.254.169.254"]

    monkeypatch.setattr(sandbox.outbox.targets, "resolve", rebound)
    delivery_id = sandbox.outbox.enqueue(
        "rebinding", "zexa", "wh_1", "https://hooks.example.ao/zexa", "{}", {}, "campaign.sent", "evt_1", "t0"
    )

    sandbox.outbox.deliver_due()

    found = sandbox.store.get(outbox_table("rebinding"), delivery_id)
    assert asked == ["hooks.example.ao"]
    assert found is not None and found["status"] == "failed"
    (attempt,) = found["attempts"]
    assert attempt["status_code"] is None and "refused by the webhook policy" in attempt["error"]
