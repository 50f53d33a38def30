"""The control API's guard (web/guard.py): Host names, cross-site requests, body types, the control token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webex_helpers import CAMPAIGNS, auth, campaign_body

from sandbox.app import create_app
from sandbox.config import Config
from sandbox.core.sandbox import Sandbox

TOKEN = "a-control-token-for-the-tests"


def demo_campaigns(client: FlaskClient) -> list[str]:
    return [campaign["name"] for campaign in client.get(CAMPAIGNS, headers=auth()).json]


@pytest.fixture
def made(client: FlaskClient) -> str:
    """A campaign a refused reset would have removed."""
    assert client.post(CAMPAIGNS, json=campaign_body(name="still here"), headers=auth()).status_code == 200
    return "still here"


# -- Host ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:8700", "localhost", "localhost:8700", "[::1]:8700", "10.0.0.7", "sandbox:8700", "sandbox",
     "api.sandbox.test", "campaign-sandbox.test", "sandbox.internal", "dev.localhost", "mac.local"],
)  # fmt: skip
def test_this_servers_names_reach_the_control_api(client: FlaskClient, host: str) -> None:
    assert client.get("/_sandbox/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example.com", "attacker.com:8700", "127.0.0.1.nip.io", "rebind.me"])
def test_a_public_domain_name_is_refused_and_changes_nothing(client: FlaskClient, made: str, host: str) -> None:
    response = client.post("/_sandbox/reset", json={}, headers={"Host": host})

    assert (response.status_code, response.json["error"]) == (403, "forbidden_host")
    assert client.get("/_sandbox/state", headers={"Host": host}).status_code == 403
    assert made in demo_campaigns(client)


def test_vendor_paths_answer_whatever_the_host(client: FlaskClient) -> None:
    assert client.get(CAMPAIGNS, headers={**auth(), "Host": "evil.example.com"}).status_code == 200


# -- cross-site requests ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost:3000"},  # another origin on the same machine
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_cross_site_request_is_refused_and_changes_nothing(
    client: FlaskClient, made: str, headers: dict[str, str]
) -> None:
    for response in (client.post("/_sandbox/reset", headers=headers), client.get("/_sandbox/state", headers=headers)):
        assert (response.status_code, response.json["error"]) == (403, "cross_site_request")
    assert made in demo_campaigns(client)


def test_the_sandboxs_own_pages_may_call_it(client: FlaskClient) -> None:
    same = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}

    assert client.post("/_sandbox/reset", headers=same).status_code == 200
    assert client.put("/_sandbox/state", json=client.get("/_sandbox/state").json, headers=same).status_code == 200


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data"],
)
def test_a_body_of_a_type_a_page_can_send_needs_json_or_the_control_header(
    client: FlaskClient, made: str, content_type: str
) -> None:
    refused = client.post("/_sandbox/reset", data="{}", headers={"Content-Type": content_type})
    assert (refused.status_code, refused.json["error"]) == (415, "unsupported_media_type")
    assert made in demo_campaigns(client)

    marked = client.post("/_sandbox/reset", data="{}", headers={"Content-Type": content_type, "X-Sandbox-Control": "1"})
    assert marked.status_code == 200
    assert made not in demo_campaigns(client)


@pytest.mark.parametrize(
    "options",
    [{"json": {}}, {}, {"data": "{}"}, {"data": "{}", "content_type": "application/merge-patch+json"}],
    ids=["json", "no-body", "no-content-type", "json-suffix"],
)
def test_json_bodies_and_bodiless_calls_need_nothing_more(client: FlaskClient, options: dict[str, Any]) -> None:
    assert client.post("/_sandbox/reset", **options).status_code == 200


# -- the control token ------------------------------------------------------------------------------------------------
@pytest.fixture
def guarded() -> Iterator[Flask]:
    app = create_app(Config(memory=True, control_token=TOKEN))
    yield app
    app.extensions["sandbox"].close()


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/_sandbox/health"), ("GET", "/_sandbox/state"), ("POST", "/_sandbox/reset"),
     ("GET", "/_sandbox/requests"), ("GET", "/_sandbox/credentials"), ("POST", "/_sandbox/zexa/credits")],
)  # fmt: skip
def test_with_a_token_every_control_call_needs_it(guarded: Flask, method: str, path: str) -> None:
    client = guarded.test_client()

    for headers in ({}, {"X-Sandbox-Token": "wrong"}, {"Authorization": "Bearer wrong"}):
        response = client.open(path, method=method, json={}, headers=headers)
        assert (response.status_code, response.json["error"]) == (401, "unauthorized"), headers


def test_with_a_token_no_control_route_answers_without_it(guarded: Flask) -> None:
    # Every route under /_sandbox, the dashboard's reads (tenants, records, timelines) included: a route added later
    # is guarded unless it is one of the stateless pages and files.
    client = guarded.test_client()
    stateless = ("sandbox_dashboard.", "sandbox_apidocs.", "sandbox_state.image")
    checked = []
    for rule in guarded.url_map.iter_rules():
        if not rule.rule.startswith("/_sandbox") or rule.endpoint.startswith(stateless):
            continue
        path = re.sub(r"<[^>]*>", "webex", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(f"{path}?tenant=demo", method=method, json={})
            assert (response.status_code, response.json["error"]) == (401, "unauthorized"), (method, path)
            checked.append((method, rule.endpoint))
    assert ("GET", "sandbox_records.tenants") in checked and ("GET", "sandbox_records.record") in checked


def test_the_token_opens_the_control_api_from_any_host(guarded: Flask) -> None:
    client = guarded.test_client()

    assert client.get("/_sandbox/health", headers={"X-Sandbox-Token": TOKEN}).status_code == 200
    assert client.get("/_sandbox/health", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    behind_a_proxy = {"X-Sandbox-Token": TOKEN, "Host": "sandbox.ci.example.com"}
    assert client.get("/_sandbox/health", headers=behind_a_proxy).status_code == 200


def test_vendor_paths_and_pages_without_state_need_no_token(guarded: Flask) -> None:
    client = guarded.test_client()

    assert client.get(CAMPAIGNS, headers=auth()).status_code == 200
    assert client.get("/_sandbox/").status_code == 200  # the dashboard's page asks for the token itself


def test_state_exports_with_secrets_go_only_to_a_caller_allowed_to_control(guarded: Flask) -> None:
    client = guarded.test_client()
    sandbox: Sandbox = guarded.extensions["sandbox"]
    secret = sandbox.credentials.all("webex")[0].secret

    assert client.get("/_sandbox/state").status_code == 401
    assert client.get("/_sandbox/credentials").status_code == 401
    exported = client.get("/_sandbox/state", headers={"X-Sandbox-Token": TOKEN})
    assert exported.status_code == 200 and secret in exported.get_data(as_text=True)
