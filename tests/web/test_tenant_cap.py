"""The tenant cap: a new key's tenant takes the place of the one idle longest; protected tenants never go."""

from __future__ import annotations

import sys
import threading
import time
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


def test_evictions_beside_clock_credential_scenario_and_reset_calls_never_deadlock(
    fresh_key: Callable[[str], str],
) -> None:
    """Every path takes the locks in one order (the soak once froze: an eviction against a clock advance).

    On an app of its own, left alone if it deadlocks, so that the failure is this assertion and not a hang.
    """
    held = create_app(Config(memory=True)).extensions["sandbox"]
    app = create_app(Config(memory=True, max_tenants=held.tenant_count() + ROOM, tenant_idle_seconds=0.0))
    held.close()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    stop = threading.Event()
    failures: list[str] = []

    def loop(work: Callable[[FlaskClient, int], object]) -> None:
        client = app.test_client()
        number = 0
        while not stop.is_set():
            number += 1
            try:
                work(client, number)
            except Exception as failure:  # reported below
                failures.append(repr(failure))
                return

    def new_tenant(client: FlaskClient, number: int) -> None:  # evicts, or is refused once control tenants fill up
        assert client.get(CAMPAIGNS, headers=auth(fresh_key("webex"))).status_code in (200, 401)

    works: list[Callable[[FlaskClient, int], object]] = [
        new_tenant,
        new_tenant,
        lambda c, n: c.post("/_sandbox/clock/advance", json={"tenant": f"clock-{n % 5}", "seconds": 1}),
        lambda c, n: c.post("/_sandbox/credentials", json={"vendor": "webex", "tenant": f"made-{n % 3}"}),
        lambda c, n: c.post("/_sandbox/scenarios/webex-bad-gateway/activate", json={"tenant": f"s-{n % 3}"}),
        lambda c, n: c.post("/_sandbox/reset", json={"tenant": "demo"}),
    ]
    threads = [threading.Thread(target=loop, args=(work,), daemon=True) for work in works]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2)
        stop.set()
        deadline = time.monotonic() + 10
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
    finally:
        sys.setswitchinterval(interval)

    assert not [thread for thread in threads if thread.is_alive()], "a request thread is stuck: a deadlock"
    app.extensions["sandbox"].close()
    assert failures == []
