"""What `serve` is given reaches the served app: a snapshot restore's own limit, --max-tenants, --webhook-allow.

The app tests set these through Config; these start real servers, where the body limit is applied before the app
runs (server._body_limit, web/rsgi.py) and the options go through the command line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from uuid import uuid4

import pytest
import requests
from dailystory_helpers import CAMPAIGN as DAILYSTORY_CAMPAIGN
from dailystory_helpers import DEMO_TOKEN as DAILYSTORY_TOKEN
from live_helpers import HTTP_TIMEOUT, ServerProcess
from webex_helpers import CAMPAIGNS
from webex_helpers import auth as webex_auth
from zexa_helpers import WEBHOOKS
from zexa_helpers import auth as zexa_auth

pytestmark = pytest.mark.live

MIB = 1024 * 1024


def test_a_snapshot_restore_past_the_body_limit_is_taken_whole_declared_or_chunked(
    start_server: Callable[..., ServerProcess],
) -> None:
    server = start_server("--memory")
    state = f"{server.url}/_sandbox/state"
    export = requests.get(state, timeout=HTTP_TIMEOUT).json()
    export["tables"]["webex.notes/demo"] = {f"n{number}": {"text": "x" * 1000} for number in range(3000)}
    body = json.dumps(export).encode()
    assert len(body) > 2 * MIB  # past the 1 MiB every other body is held to
    json_type = {"content-type": "application/json"}

    declared = requests.put(state, data=body, headers=json_type, timeout=30)
    chunked = requests.put(state, data=(body[at : at + 65536] for at in range(0, len(body), 65536)), headers=json_type)

    assert (declared.status_code, chunked.status_code) == (200, 200), (declared.text[:200], chunked.text[:200])
    notes = requests.get(state, params={"tenant": "demo"}, timeout=HTTP_TIMEOUT).json()["tables"]["webex.notes/demo"]
    assert len(notes) == 3000
    vendor = {"Authorization": f"Bearer {DAILYSTORY_TOKEN}", **json_type}
    too_large = requests.post(f"{server.url}{DAILYSTORY_CAMPAIGN}", data=body, headers=vendor, timeout=30)
    assert too_large.status_code == 413  # a vendor body of that size is still refused


def test_max_tenants_caps_the_tenants_of_new_keys(start_server: Callable[..., ServerProcess]) -> None:
    # The fixtures' tenants already fill a cap of 1 and are never evicted: a new key has nowhere to go.
    server = start_server("--memory", "--max-tenants", "1")

    refused = requests.get(f"{server.url}{CAMPAIGNS}", headers=webex_auth(f"webex-{uuid4().hex}"), timeout=HTTP_TIMEOUT)
    demo = requests.get(f"{server.url}{CAMPAIGNS}", headers=webex_auth(), timeout=HTTP_TIMEOUT)

    assert refused.status_code == 401
    assert "maximum of 1 tenants" in refused.headers["X-Sandbox-Detail"]
    assert demo.status_code == 200


def test_webhook_allow_widens_the_policy_of_a_served_sandbox(start_server: Callable[..., ServerProcess]) -> None:
    # Registration sends nothing and looks no name up; this key's tenant makes no event, so nothing is delivered.
    server = start_server("--memory", "--webhook-allow", "169.254.0.0/16")
    key = zexa_auth(f"zexa-{uuid4().hex}")

    def register(url: str) -> requests.Response:
        return requests.post(f"{server.url}{WEBHOOKS}", json={"url": url, "events": ["*"]}, headers=key, timeout=5)

    assert register("http://169.254.10.10/hooks").status_code == 201
    assert register("https://[fd00:ec2::254]/latest").status_code == 422  # what it does not name stays refused
