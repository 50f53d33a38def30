"""Every ready-made scenario file answers exactly what its vendor's real check would answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask, g
from flask.testing import FlaskClient
from webex_helpers import CAMPAIGNS, EVENTS, auth, campaign_body, seed_event_example

from sandbox.app import VENDORS as VENDOR_SPECS
from sandbox.config import DEFAULT_SCENARIOS_DIR
from sandbox.core.errors import VendorError
from sandbox.core.scenario_files import scenario_paths
from sandbox.web.pipeline import render

FILES = scenario_paths(DEFAULT_SCENARIOS_DIR)
VENDORS = {vendor.name: vendor for vendor in VENDOR_SPECS}


def test_every_catalogue_entry_of_every_vendor_has_a_ready_scenario() -> None:
    covered = {
        (rule["match"]["vendor"], rule["respond"]["error"])
        for path in FILES
        for rule in yaml.safe_load(path.read_text())["rules"]
        if "error" in rule.get("respond", {})
    }
    expected = {(vendor.name, entry) for vendor in VENDORS.values() for entry in vendor.catalogue}
    assert expected - covered == set()


def _request(app: Flask, rule: dict[str, Any], name: str) -> tuple[str, str, dict[str, str], Any]:
    match = rule["match"]
    vendor = VENDORS[match["vendor"]]
    sandbox = app.extensions["sandbox"]
    secret = vendor.fixture_credentials(sandbox.fixtures[vendor.name])[0].secret
    path = vendor.prefix + match.get("path", "/").replace("*", "1")
    headers = {**vendor.auth_header(secret), "X-Sandbox-Scenario": name}
    return match.get("method", "GET"), path, headers, match.get("body")


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_each_ready_scenario_fires_and_answers_its_catalogue_entry(app: Flask, client: FlaskClient, path: Path) -> None:
    document = yaml.safe_load(path.read_text())
    rule = document["rules"][0]
    method, url, headers, body = _request(app, rule, document["name"])
    response = client.open(url, method=method, headers=headers, json=body if body is not None else {})
    journal = client.get("/_sandbox/requests").json["requests"]
    assert journal[-1]["scenario_rule"] == f"{document['name']}#0"
    error = rule.get("respond", {}).get("error")
    if error is None:
        assert response.status_code < 500
        return
    vendor = VENDORS[rule["match"]["vendor"]]
    with app.test_request_context(url, method=method, headers=headers):
        g.vendor, g.operation, g.tenant = vendor, rule["match"].get("operation"), journal[-1]["tenant"]
        expected = render(vendor, VendorError(vendor.name, vendor.catalogue[error]))
    assert response.status_code == expected.status_code
    assert _stable(response.data) == _stable(expected.get_data())
    assert response.headers["Content-Type"] == expected.headers["Content-Type"]
    for header, value in rule["respond"].get("headers", {}).items():
        assert response.headers[header] == value


VOLATILE = {"request_id"}  # Zexa answers a new request id on every response [doc]


def _stable(body: bytes) -> bytes:
    """The body with per-response values blanked; everything else must match byte for byte."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body
    if isinstance(parsed, dict) and VOLATILE & parsed.keys():
        for key in VOLATILE & parsed.keys():
            body = body.replace(json.dumps(parsed[key]).encode(), b'"<volatile>"')
    return body


def _same(real: Any, injected: Any) -> None:
    assert (injected.status_code, injected.data) == (real.status_code, real.data)


def test_an_injected_duplicate_name_is_byte_for_byte_the_real_one(client: FlaskClient) -> None:
    body = campaign_body(name="Twice")
    client.post(CAMPAIGNS, json=body, headers=auth())
    real = client.post(CAMPAIGNS, json=body, headers=auth())
    injected = client.post(
        CAMPAIGNS,
        json=campaign_body(name="Fresh"),
        headers={**auth(), "X-Sandbox-Scenario": "webex-duplicate-campaign-name"},
    )
    assert real.status_code == 409
    _same(real, injected)


def test_an_injected_invalid_token_is_byte_for_byte_the_real_one(client: FlaskClient) -> None:
    real = client.post(CAMPAIGNS, json=campaign_body(), headers=auth("demo-webex-revoked-key-0004"))
    injected = client.post(
        CAMPAIGNS, json=campaign_body(), headers={**auth(), "X-Sandbox-Scenario": "webex-invalid-token"}
    )
    assert real.status_code == 401
    _same(real, injected)


def test_an_injected_event_1001_is_byte_for_byte_the_real_one(client: FlaskClient) -> None:
    real = client.post(EVENTS, data=b"{", headers={**auth(), "content-type": "application/json"})
    injected = client.post(
        EVENTS, json=seed_event_example(), headers={**auth(), "X-Sandbox-Scenario": "webex-invalid-json"}
    )
    assert real.json["code"] == 1001
    _same(real, injected)


def test_an_injected_event_failure_follows_the_tenants_status_setting(client: FlaskClient) -> None:
    client.patch("/_sandbox/settings", json={"tenant": "demo", "webex": {"event_failure_status": 200}})
    injected = client.post(
        EVENTS, json=seed_event_example(), headers={**auth(), "X-Sandbox-Scenario": "webex-event-no-recommendation"}
    )
    assert (injected.status_code, injected.json["code"]) == (200, 1003)
