"""Scenarios through the control API and vendor requests: activation, matching, counting, answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from webex_helpers import CAMPAIGNS, DEMO_KEY, EVENTS, auth, campaign_body, seed_event_example

from sandbox.core.sandbox import Sandbox

DUP = "webex-duplicate-campaign-name"


def define(client: FlaskClient, document: dict[str, Any]) -> None:
    response = client.post("/_sandbox/scenarios", json=document)
    assert response.status_code in (200, 201), response.json


def rule(**fields: Any) -> dict[str, Any]:
    return {"match": {"vendor": "webex", "operation": "create_campaign"}, **fields}


def create(client: FlaskClient, key: str = DEMO_KEY, **headers: str) -> Any:
    return client.post(CAMPAIGNS, json=campaign_body(), headers={**auth(key), **headers})


def test_nothing_is_active_by_default(client: FlaskClient) -> None:
    assert create(client).status_code == 200
    assert client.get("/_sandbox/scenarios").json["active"] == {}


def test_the_ready_made_scenarios_are_listed_with_their_source(client: FlaskClient) -> None:
    listed = {s["name"]: s for s in client.get("/_sandbox/scenarios").json["scenarios"]}
    assert listed[DUP]["vendors"] == ["webex"]
    assert listed[DUP]["source"].endswith("scenarios/webex/duplicate-campaign-name.yaml")
    shown = client.get(f"/_sandbox/scenarios/{DUP}").json
    assert shown["document"]["rules"][0]["respond"] == {"error": "duplicate_campaign_name"}


def test_a_header_activates_a_scenario_for_that_request_only(client: FlaskClient) -> None:
    injected = create(client, **{"X-Sandbox-Scenario": DUP})
    assert injected.status_code == 409
    assert injected.json["code"] == 409
    assert create(client).status_code == 200


def test_an_unknown_scenario_in_the_header_is_refused_loudly(client: FlaskClient) -> None:
    response = create(client, **{"X-Sandbox-Scenario": "webex-no-such-thing"})
    assert response.status_code == 404
    assert response.json["error"] == "unknown_scenario"


def test_global_activation_applies_to_every_tenant_until_deactivated(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    assert client.post(f"/_sandbox/scenarios/{DUP}/activate").json["active"] == [DUP]
    assert create(client).status_code == 409
    assert create(client, key=fresh_key("webex")).status_code == 409
    client.post(f"/_sandbox/scenarios/{DUP}/deactivate")
    assert create(client).status_code == 200


def test_tenant_activation_leaves_other_tenants_alone(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    response = client.post(f"/_sandbox/scenarios/{DUP}/activate", json={"credential": DEMO_KEY})
    assert response.json["tenant"] == "demo"
    assert create(client).status_code == 409
    assert create(client, key=fresh_key("webex")).status_code == 200
    assert client.get("/_sandbox/scenarios/active?tenant=demo").json["active"] == [DUP]
    client.delete("/_sandbox/scenarios/active?tenant=demo")
    assert create(client).status_code == 200


def test_a_tenant_reset_deactivates_its_scenarios(client: FlaskClient) -> None:
    client.post(f"/_sandbox/scenarios/{DUP}/activate", json={"tenant": "demo"})
    client.post("/_sandbox/reset", json={"tenant": "demo"})
    assert create(client).status_code == 200


def test_times_and_after_count_matches_then_the_rule_is_spent(client: FlaskClient) -> None:
    define(
        client,
        {"name": "second-and-third-fail", "rules": [rule(respond={"error": "internal_error"}, after=1, times=2)]},
    )
    header = {"X-Sandbox-Scenario": "second-and-third-fail"}
    statuses = [create(client, **header).status_code for _ in range(5)]
    assert statuses == [200, 500, 500, 200, 200]
    assert client.get("/_sandbox/scenarios/second-and-third-fail").json["matches"] == {"demo": [3]}


def test_reactivation_restarts_the_counters(client: FlaskClient) -> None:
    define(client, {"name": "once", "rules": [rule(respond={"error": "internal_error"}, times=1)]})
    client.post("/_sandbox/scenarios/once/activate")
    assert [create(client).status_code for _ in range(2)] == [500, 200]
    client.post("/_sandbox/scenarios/once/activate")
    assert create(client).status_code == 500


def test_probability_is_seeded_so_runs_repeat(client: FlaskClient) -> None:
    define(client, {"name": "flaky", "seed": 7, "rules": [rule(respond={"error": "bad_gateway"}, probability=0.5)]})

    def run() -> list[int]:
        client.post("/_sandbox/scenarios/flaky/activate")
        return [create(client).status_code for _ in range(20)]

    first, second = run(), run()
    assert first == second
    assert 3 <= first.count(502) <= 17


def test_rules_match_on_body_subset_headers_method_path_and_tenant(client: FlaskClient) -> None:
    define(
        client,
        {
            "name": "picky",
            "rules": [
                {
                    "match": {
                        "vendor": "webex",
                        "method": "POST",
                        "path": "/v1/campaign*",
                        "body": {"name": "Dup", "notifications": [{"emailId": "a@example.com"}]},
                        "headers": {"X-Trace": "on"},
                        "tenant": "de*",
                    },
                    "respond": {"error": "duplicate_campaign_name"},
                }
            ],
        },
    )
    client.post("/_sandbox/scenarios/picky/activate")
    body = {**campaign_body(), "name": "Dup", "notifications": [{"emailId": "a@example.com"}]}
    hit = client.post(CAMPAIGNS, json=body, headers={**auth(), "X-Trace": "on"})
    assert hit.status_code == 409
    no_header = client.post(CAMPAIGNS, json={**body, "name": "Dup2"}, headers=auth())
    other_name = client.post(CAMPAIGNS, json={**body, "name": "Other"}, headers={**auth(), "X-Trace": "on"})
    other_tenant = client.post(CAMPAIGNS, json=body, headers={**auth("zz-other-tenant-key"), "X-Trace": "on"})
    assert (no_header.status_code, other_name.status_code, other_tenant.status_code) == (200, 200, 200)


def test_a_body_rule_never_matches_a_body_that_is_not_json(client: FlaskClient) -> None:
    define(
        client,
        {
            "name": "body-rule",
            "rules": [rule(match={"vendor": "webex", "body": {"a": 1}}, respond={"error": "bad_gateway"})],
        },
    )
    client.post("/_sandbox/scenarios/body-rule/activate")
    response = client.post(CAMPAIGNS, data=b"{not json", headers={**auth(), "content-type": "application/json"})
    assert response.json["code"] == 1001  # the vendor's own malformed-JSON answer, not the scenario's


def test_a_literal_answer_with_status_body_and_headers(client: FlaskClient) -> None:
    define(
        client,
        {
            "name": "literal",
            "rules": [rule(respond={"status": 503, "body": {"oops": "ünïcode"}, "headers": {"Retry-After": "30"}})],
        },
    )
    response = create(client, **{"X-Sandbox-Scenario": "literal"})
    assert response.status_code == 503
    assert response.json == {"oops": "ünïcode"}
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Content-Type"] == "application/json"


def test_a_catalogue_error_can_carry_extra_headers_and_a_message(client: FlaskClient) -> None:
    define(
        client,
        {
            "name": "throttled",
            "rules": [
                rule(respond={"error": "too_many_requests", "headers": {"Retry-After": "5"}, "message": "slow down"})
            ],
        },
    )
    response = create(client, **{"X-Sandbox-Scenario": "throttled"})
    assert (response.status_code, response.json, response.headers["Retry-After"]) == (
        429, {"code": 429, "description": "slow down"}, "5",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fault", "body"), [("empty_reply", b""), ("malformed_json", b'{"status": "ok", "data": [{"id": 1, "name": "trunc')]
)
def test_empty_and_malformed_answers(client: FlaskClient, fault: str, body: bytes) -> None:
    define(client, {"name": "broken", "rules": [rule(fault=fault, respond={"status": 502})]})
    response = create(client, **{"X-Sandbox-Scenario": "broken"})
    assert response.status_code == 502
    assert response.data == body


def test_the_journal_records_which_rule_fired(client: FlaskClient) -> None:
    define(
        client,
        {
            "name": "two-rules",
            "rules": [
                rule(match={"vendor": "webex", "operation": "trigger_event"}, respond={"error": "bad_gateway"}),
                rule(respond={"error": "internal_error"}),
            ],
        },
    )
    create(client, **{"X-Sandbox-Scenario": "two-rules"})
    client.post(EVENTS, json=seed_event_example(), headers={**auth(), "X-Sandbox-Scenario": "two-rules"})
    create(client)
    entries = client.get("/_sandbox/requests?vendor=webex").json["requests"]
    assert [(e["operation"], e["scenario_rule"], e["tenant"]) for e in entries] == [
        ("create_campaign", "two-rules#1", "demo"),
        ("trigger_event", "two-rules#0", "demo"),
        ("create_campaign", None, "demo"),
    ]


def test_an_injected_error_comes_before_auth(client: FlaskClient) -> None:
    response = client.post(CAMPAIGNS, json={}, headers={"X-Sandbox-Scenario": DUP})
    assert response.status_code == 409


def test_delay_only_rules_let_the_request_through(client: FlaskClient) -> None:
    define(client, {"name": "slow", "rules": [rule(delay_ms=1)]})
    response = create(client, **{"X-Sandbox-Scenario": "slow"})
    assert response.status_code == 200
    assert client.get("/_sandbox/requests").json["requests"][-1]["scenario_rule"] == "slow#0"


def test_posted_scenarios_replace_and_delete_but_files_are_protected(client: FlaskClient) -> None:
    document = {"name": "mine", "rules": [rule(respond={"error": "internal_error"})]}
    assert client.post("/_sandbox/scenarios", json=document).status_code == 201
    assert client.post("/_sandbox/scenarios", json=document).status_code == 200
    client.post("/_sandbox/scenarios/mine/activate")
    assert client.delete("/_sandbox/scenarios/mine").json == {"deleted": "mine"}
    assert client.get("/_sandbox/scenarios").json["active"] == {}
    assert client.delete("/_sandbox/scenarios/mine").status_code == 404
    assert client.delete(f"/_sandbox/scenarios/{DUP}").status_code == 409
    clash = client.post("/_sandbox/scenarios", json={**document, "name": DUP})
    assert clash.status_code == 409


def test_a_scenario_posted_as_yaml(client: FlaskClient) -> None:
    text = "name: from-yaml\nrules:\n  - match: {vendor: webex}\n    respond: {error: bad_gateway}\n"
    response = client.post("/_sandbox/scenarios", data=text, content_type="application/yaml")
    assert response.status_code == 201
    assert create(client, **{"X-Sandbox-Scenario": "from-yaml"}).status_code == 502


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"rules": [rule(respond={"error": "bad_gateway"})]}, "name: Missing data"),
        ({"name": "x", "rules": []}, "rules: Length must be between 1 and 1000"),
        (
            {"name": "x", "rules": [rule(respond={"error": "no_such"})]},
            "rules[0].respond.error: webex has no catalogue entry 'no_such'",
        ),
        (
            {"name": "x", "rules": [rule(match={"vendor": "nobody"}, respond={"status": 500})]},
            "rules[0].match.vendor: unknown vendor",
        ),
        (
            {"name": "x", "rules": [rule(match={"operation": "fly"}, respond={"status": 500})]},
            "rules[0].match.operation: unknown operation 'fly'",
        ),
        ({"name": "x", "rules": [rule(respond={"status": 500}, speed=3)]}, "rules[0].speed: Unknown field"),
        ({"name": "x", "rules": [rule(respond={"status": 700})]}, "rules[0].respond.status"),
        ({"name": "x", "rules": [rule(fault="explode")]}, "rules[0].fault"),
        ({"name": "x", "rules": [rule()]}, 'a rule needs "respond"'),
        ({"name": "x", "rules": [rule(respond={"error": "bad_gateway", "status": 500})]}, 'either "error"'),
        ({"name": "x", "rules": [rule(lifecycle={"name": "webex.nothing", "outcome": "x"})]}, "unknown lifecycle"),
        ({"name": "x", "rules": [rule(probability=1.5, respond={"status": 500})]}, "rules[0].probability"),
        ({"name": "x", "rules": [rule(times=True, respond={"status": 500})]}, "rules[0].times"),
    ],
)
def test_invalid_posted_scenarios_name_the_field(client: FlaskClient, document: dict[str, Any], fragment: str) -> None:
    response = client.post("/_sandbox/scenarios", json=document)
    assert response.status_code == 400
    assert fragment in response.json["message"]
    assert response.json["message"].startswith("api:")


def test_activation_of_an_unknown_scenario_is_a_404(client: FlaskClient) -> None:
    assert client.post("/_sandbox/scenarios/nope/activate").status_code == 404
    assert client.get("/_sandbox/scenarios/nope").status_code == 404


def test_activations_survive_a_state_export_and_import(client: FlaskClient, sandbox: Sandbox) -> None:
    define(client, {"name": "kept", "rules": [rule(respond={"error": "bad_gateway"})]})
    client.post("/_sandbox/scenarios/kept/activate", json={"tenant": "demo"})
    state = client.get("/_sandbox/state").json
    client.post("/_sandbox/reset")
    assert create(client).status_code == 200
    client.put("/_sandbox/state", json=state)
    assert create(client).status_code == 502
