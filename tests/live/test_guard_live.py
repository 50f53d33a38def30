"""serve --control-token (or SANDBOX_CONTROL_TOKEN), and the warning when the control API is open beyond loopback."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from live_helpers import HTTP_TIMEOUT, ServerProcess

pytestmark = pytest.mark.live

TOKEN = "live-control-token-0001"


def start(start_server: Callable[..., ServerProcess], *args: str) -> tuple[ServerProcess, str]:
    server = start_server("--memory", *args)
    return server, "\n".join(server.output)  # what it printed up to its ready line


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_control_token_guards_every_control_call(
    start_server: Callable[..., ServerProcess], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "environment":
        monkeypatch.setenv("SANDBOX_CONTROL_TOKEN", TOKEN)
    server, output = start(start_server, *(["--control-token", TOKEN] if how == "option" else []))

    assert "Warning" not in output
    assert requests.get(f"{server.url}/_sandbox/health", timeout=HTTP_TIMEOUT).status_code == 401
    assert requests.post(f"{server.url}/_sandbox/reset", json={}, timeout=HTTP_TIMEOUT).status_code == 401
    with_token = requests.get(f"{server.url}/_sandbox/health", headers={"X-Sandbox-Token": TOKEN}, timeout=HTTP_TIMEOUT)
    assert with_token.status_code == 200
    demo = {"Authorization": "Bearer demo-zexa-api-key-0001"}
    assert requests.get(f"{server.url}/zexa/v1/campaigns", headers=demo, timeout=HTTP_TIMEOUT).status_code == 200


def test_listening_beyond_this_machine_without_a_token_warns(start_server: Callable[..., ServerProcess]) -> None:
    # Bound to every interface only for the moment it takes to read its first lines; only loopback is called.
    server, output = start(start_server, "--host", "0.0.0.0")

    assert "Warning: listening on 0.0.0.0" in output and "--control-token" in output
    assert requests.get(f"http://127.0.0.1:{server.port}/_sandbox/health", timeout=HTTP_TIMEOUT).status_code == 200


def test_loopback_or_a_token_does_not_warn(start_server: Callable[..., ServerProcess]) -> None:
    _, on_loopback = start(start_server, "--host", "127.0.0.1")
    _, with_token = start(start_server, "--host", "0.0.0.0", "--control-token", TOKEN)

    assert "Warning" not in on_loopback
    assert "Warning" not in with_token


def test_a_served_sandbox_refuses_webhooks_to_itself(start_server: Callable[..., ServerProcess]) -> None:
    server, _ = start(start_server)
    hook = {"url": f"http://127.0.0.1:{server.port}/_sandbox/reset", "events": ["*"]}
    demo = {"Authorization": "Bearer demo-zexa-api-key-0001"}

    response = requests.post(f"{server.url}/zexa/v1/webhooks", json=hook, headers=demo, timeout=HTTP_TIMEOUT)

    assert response.status_code == 422
    assert "the sandbox itself" in response.json()["message"]
