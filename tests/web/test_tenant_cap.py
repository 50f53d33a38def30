"""The tenant cap: a new key's tenant takes the place of the one idle longest; protected tenants never go."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webex_helpers import CAMPAIGNS, auth, campaign_body

from sandbox.app import create_app
from sandbox.config import Config
from sandbox.core.sandbox import Sandbox

ROOM = 3  # tenants of well-formed keys that fit beside the fixtures' tenants


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    fixtures = create_app(Config(memory=True))
    held = fixtures.extensions["sandbox"].tenant_count()
    fixtures.extensions["sandbox"].close()
    app = create_app(Config(memory=True, seed=1234, max_tenants=held + ROOM, tenant_idle_seconds=0.0))
    yield app
    app.extensions["sandbox"].close()


def use(client: FlaskClient, key: str) -> list[str]:
    response = client.get(CAMPAIGNS, headers=auth(key))
    assert response.status_code == 200, response.json
    return [campaign["name"] for campaign in response.json]


def tenant_of(sandbox: Sandbox, key: str) -> str:
    return sandbox.credentials.tenant_for(key)


def test_at_the_cap_the_tenant_idle_longest_makes_room(
    client: FlaskClient, sandbox: Sandbox, fresh_key: Callable[[str], str]
) -> None:
    cap = sandbox.tenant_registry.cap
    keys = [fresh_key("webex") for _ in range(ROOM)]
    for key in keys:
        assert client.post(CAMPAIGNS, json=campaign_body(name=f"of {key}"), headers=auth(key)).status_code == 200
    use(client, keys[0])  # the first is now the most recently used; the second is idle longest
    gone = tenant_of(sandbox, keys[1])
    assert sandbox.tenant_count() == cap

    newcomer = fresh_key("webex")
    assert use(client, newcomer) == []

    assert sandbox.tenant_count() == cap
    assert not [name for name in sandbox.store.table_names() if name.endswith(f"/{gone}")]
    assert sandbox.credentials.get("webex", keys[1]) is None
    assert client.get("/_sandbox/health").json["tenants"] == cap
    assert use(client, keys[0]) == [f"of {keys[0]}"]  # the others keep everything
    assert use(client, keys[2]) == [f"of {keys[2]}"]
    assert use(client, keys[1]) == []  # the evicted key starts afresh (making room in turn)


def test_fixture_and_control_api_tenants_are_never_evicted(
    client: FlaskClient, sandbox: Sandbox, fresh_key: Callable[[str], str]
) -> None:
    made = client.post("/_sandbox/credentials", json={"vendor": "webex", "tenant": "team-kept"})
    assert made.status_code == 201
    kept_key = made.json["secret"]
    assert client.post(CAMPAIGNS, json=campaign_body(name="kept"), headers=auth(kept_key)).status_code == 200
    assert client.post(CAMPAIGNS, json=campaign_body(name="demo's"), headers=auth()).status_code == 200

    for _ in range(ROOM * 3):
        use(client, fresh_key("webex"))

    assert use(client, kept_key) == ["kept"]
    assert "demo's" in use(client, auth()["authorization"].split()[1])


def test_when_no_tenant_has_been_idle_long_enough_a_new_key_gets_the_vendors_unknown_key_answer(
    client: FlaskClient, sandbox: Sandbox, fresh_key: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = [fresh_key("webex") for _ in range(ROOM)]
    for key in keys:
        use(client, key)
    monkeypatch.setattr(sandbox.tenant_registry, "idle_seconds", 3600.0)
    unknown = client.get(CAMPAIGNS, headers=auth("demo-webex-no-such-key-0009"))

    refused = client.get(CAMPAIGNS, headers=auth(fresh_key("webex")))

    assert refused.status_code == unknown.status_code == 401
    assert refused.json.keys() == unknown.json.keys()
    assert "maximum of" in refused.headers["X-Sandbox-Detail"]
    assert all(use(client, key) == [] for key in keys)  # nobody was evicted


def test_health_counts_tenants_without_listing_them(
    client: FlaskClient, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def listing() -> list[str]:
        raise AssertionError("health listed every tenant")

    monkeypatch.setattr(sandbox, "tenants", listing)

    assert client.get("/_sandbox/health").json["tenants"] == sandbox.tenant_count()
