"""PUT /_sandbox/state: checked whole before it replaces anything; a bad snapshot names its first bad field."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from webex_helpers import CAMPAIGNS, auth, campaign_body
from zexa_helpers import campaign_body as zexa_campaign_body

from sandbox import __version__
from sandbox.core.sandbox import Sandbox

Change = Callable[[dict[str, Any]], None]


@pytest.fixture
def export(client: FlaskClient, fresh_key: Callable[[str], str]) -> dict[str, Any]:
    """An export holding a campaign (tracked by a lifecycle), credentials, a clock offset and settings."""
    key = fresh_key("webex")
    assert client.post(CAMPAIGNS, json=campaign_body(name="exported"), headers=auth(key)).status_code == 200
    zexa = {"Authorization": f"Bearer {fresh_key('zexa')}"}
    assert client.post("/zexa/v1/campaigns", json=zexa_campaign_body(), headers=zexa).status_code == 201
    client.post("/_sandbox/clock/advance", json={"tenant": "demo", "seconds": 60})
    client.patch("/_sandbox/settings", json={"tenant": "demo", "zexa": {}})
    document: dict[str, Any] = client.get("/_sandbox/state").json
    return document


def put(client: FlaskClient, document: Any) -> Any:
    return client.put("/_sandbox/state", data=json.dumps(document, allow_nan=True), content_type="application/json")


def first_campaign(document: dict[str, Any]) -> tuple[str, str]:
    """A Zexa campaign: a record the lifecycle engine tracks."""
    table = next(name for name, rows in document["tables"].items() if name.startswith("zexa.campaigns/") and rows)
    return table, next(iter(document["tables"][table]))


def set_in_campaign(field: str, value: Any) -> Change:
    def change(document: dict[str, Any]) -> None:
        table, key = first_campaign(document)
        document["tables"][table][key][field] = value

    return change


def set_row(table: str, key: str, row: Any) -> Change:
    def change(document: dict[str, Any]) -> None:
        document["tables"].setdefault(table, {})[key] = row

    return change


def set_book(field: str, value: Any) -> Change:
    def change(document: dict[str, Any]) -> None:
        table, key = first_campaign(document)
        document["tables"][table][key]["_lifecycle"][field] = value

    return change


BAD = [
    ("no-version", lambda d: d.pop("version"), "version"),
    ("other-version", lambda d: d.update(version="9.0.0"), "version"),
    ("tables-a-list", lambda d: d.update(tables=[]), "tables"),
    (
        "clock-text",
        set_row("_sandbox.clock", "*", {"offset_seconds": "x"}),
        'tables["_sandbox.clock"]["*"].offset_seconds',
    ),
    (
        "clock-nan",
        set_row("_sandbox.clock", "*", {"offset_seconds": float("nan")}),
        'tables["_sandbox.clock"]["*"].offset_seconds',
    ),
    (
        "clock-huge",
        set_row("_sandbox.clock", "*", {"offset_seconds": 1e300}),
        'tables["_sandbox.clock"]["*"].offset_seconds',
    ),
    (
        "clock-infinity",
        set_row("_sandbox.clock", "demo", {"offset_seconds": float("inf")}),
        'tables["_sandbox.clock"]["demo"].offset_seconds',
    ),
    (
        "clock-negative",
        set_row("_sandbox.clock", "demo", {"offset_seconds": -5}),
        'tables["_sandbox.clock"]["demo"].offset_seconds',
    ),
    (
        "clock-bad-tenant",
        set_row("_sandbox.clock", "no such/tenant", {"offset_seconds": 1}),
        'tables["_sandbox.clock"]["no such/tenant"]',
    ),
    ("unknown-system-table", set_row("_sandbox.nope", "k", {}), 'tables["_sandbox.nope"]'),
    ("unknown-vendor", set_row("acme.campaigns/demo", "k", {}), 'tables["acme.campaigns/demo"]'),
    ("bad-tenant-in-table", set_row("webex.campaigns/../x", "k", {}), 'tables["webex.campaigns/../x"]'),
    ("record-a-string", set_row("webex.campaigns/demo", "k", "text"), 'tables["webex.campaigns/demo"]["k"]'),
    ("record-nan", set_in_campaign("priority", float("nan")), ".priority"),
    ("record-big-int", set_in_campaign("priority", 2**70), ".priority"),
    ("record-surrogate", set_in_campaign("name", "\ud800"), ".name"),
    ("record-too-deep", set_in_campaign("deep", json.loads("[" * 100 + "]" * 100)), ".deep"),
    ("unknown-state", set_in_campaign("status", "Exploded"), ".status"),
    ("book-due-text", set_book("due", "soon"), "._lifecycle.due"),
    ("book-since-garbage", set_book("since", "yesterday"), "._lifecycle.since"),
    (
        "credential-unknown-vendor",
        set_row("_sandbox.credentials", "acme:k", {"vendor": "acme", "secret": "k", "tenant": "t"}),
        'tables["_sandbox.credentials"]["acme:k"].vendor',
    ),
    (
        "credential-key-mismatch",
        set_row("_sandbox.credentials", "webex:other", {"vendor": "webex", "secret": "k1234567", "tenant": "t"}),
        'tables["_sandbox.credentials"]["webex:other"]',
    ),
    (
        "credential-grants",
        set_row(
            "_sandbox.credentials",
            "webex:k1234567",
            {"vendor": "webex", "secret": "k1234567", "tenant": "t", "grants": "all"},
        ),
        ".grants",
    ),
    (
        "tenant-vendors",
        set_row("_sandbox.tenants", "demo", {"vendors": ["acme"]}),
        'tables["_sandbox.tenants"]["demo"].vendors[0]',
    ),
    (
        "settings-value",
        set_row("_sandbox.settings", "demo", {"zexa": {"no_such_setting": 1}}),
        'tables["_sandbox.settings"]["demo"].zexa',
    ),
    ("lifecycle-mode", set_row("_sandbox.lifecycles", "*", {"zexa.campaign": {"mode": "warp"}}), ".mode"),
    (
        "lifecycle-unknown",
        set_row("_sandbox.lifecycles", "*", {"acme.thing": {}}),
        'tables["_sandbox.lifecycles"]["*"]["acme.thing"]',
    ),
    (
        "schedule-due",
        set_row("_sandbox.schedule/demo", "m:k", {"machine": "zexa.campaign", "key": "k", "due": "x"}),
        'tables["_sandbox.schedule/demo"]["m:k"].due',
    ),
    (
        "delivery-no-url",
        set_row("_sandbox.webhook_deliveries/demo", "d", {"id": "d"}),
        'tables["_sandbox.webhook_deliveries/demo"]["d"].tenant',
    ),
    (
        "webhook-config",
        set_row("_sandbox.webhook_config", "*", {"max_attempts": 0}),
        'tables["_sandbox.webhook_config"]["*"].max_attempts',
    ),
    (
        "scenario",
        set_row("_sandbox.scenarios", "x", {"document": {"name": "x", "rules": []}}),
        'tables["_sandbox.scenarios"]["x"].document',
    ),
    (
        "activations",
        set_row("_sandbox.scenarios_active", "*", {"names": "all"}),
        'tables["_sandbox.scenarios_active"]["*"].names',
    ),
]


@pytest.mark.parametrize(("change", "path"), [pytest.param(c, p, id=i) for i, c, p in BAD])
def test_a_bad_snapshot_is_refused_with_the_path_of_its_first_bad_field_and_nothing_changes(
    client: FlaskClient, sandbox: Sandbox, export: dict[str, Any], change: Change, path: str
) -> None:
    document = copy.deepcopy(export)
    change(document)
    before = sandbox.store.export()

    response = put(client, document)

    assert response.status_code == 400, response.json
    assert response.json["error"] == "invalid_state"
    message = response.json["message"]
    located = message.split(": ", 1)[0]
    assert path in located, message
    assert sandbox.store.export() == before
    assert client.get("/_sandbox/health").json["status"] == "ok"


def test_the_first_bad_field_is_the_one_reported(client: FlaskClient, export: dict[str, Any]) -> None:
    document = copy.deepcopy(export)
    document["tables"] = {"_sandbox.clock": {"*": {"offset_seconds": "first"}}, "acme.x/demo": {"k": {}}}

    assert put(client, document).json["message"].startswith('tables["_sandbox.clock"]["*"].offset_seconds: ')


def test_a_good_snapshot_round_trips(client: FlaskClient, sandbox: Sandbox, export: dict[str, Any]) -> None:
    client.post("/_sandbox/reset", json={})

    response = put(client, export)

    assert response.status_code == 200, response.json
    assert client.get("/_sandbox/state").json["tables"] == export["tables"]
    assert export["version"] == __version__


def test_a_snapshot_over_the_body_limit_has_its_own_limit(client: FlaskClient, sandbox: Sandbox) -> None:
    tables = {"webex.notes/demo": {f"n{i}": {"text": "x" * 1000} for i in range(3000)}}  # ~3 MB, past the 1 MiB

    response = put(client, {"version": __version__, "tables": tables})

    assert response.status_code == 200, response.json
    assert len(sandbox.store.values("webex.notes/demo")) == 3000


def test_a_snapshot_over_its_own_limit_is_413(client: FlaskClient, sandbox: Sandbox, monkeypatch: Any) -> None:
    monkeypatch.setattr(sandbox, "config", dataclasses.replace(sandbox.config, max_state_bytes=1000))
    before = sandbox.store.export()

    response = put(client, {"version": __version__, "tables": {"webex.notes/demo": {"n": {"t": "x" * 2000}}}})

    assert (response.status_code, response.json["error"]) == (413, "state_too_large")
    assert sandbox.store.export() == before


@pytest.mark.parametrize("raw", [b'{"version": "0.1.0", "tables": {"x": \xed\xa0\x80}}', b"{not json", b"[" * 100_000])
def test_a_snapshot_that_is_not_json_is_400(client: FlaskClient, sandbox: Sandbox, raw: bytes) -> None:
    before = sandbox.store.export()

    response = client.put("/_sandbox/state", data=raw, content_type="application/json")

    assert (response.status_code, response.json["error"]) == (400, "invalid_json")
    assert sandbox.store.export() == before
