"""The sandbox's own API under /_sandbox: health, reset, clock, credentials, journal, settings, state."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from freezegun import freeze_time

from sandbox.app import create_app
from sandbox.config import Config
from sandbox.core.auth import auto_tenant_name
from sandbox.core.sandbox import Sandbox

DEMO = "demo-webex-api-key-0001"
CAMPAIGNS = "/webex/v1/campaigns"
EVENTS = "/webex/campaignapi/resources/v3/events"
EVENT_ID = "evt_14296935520105"
START = "2030-01-01T00:00:00+00:00"


def auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def campaign_body(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "categoryId": "Others",
        "notifications": [{"emailId": "ops@example.com"}],
        "alertsettings": [{"alertType": "N0002"}],
    }


def create_campaign(client: FlaskClient, key: str, name: str) -> str:
    response = client.post(CAMPAIGNS, json=campaign_body(name), headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["id"])


def campaign_names(client: FlaskClient, key: str) -> set[str]:
    response = client.get(CAMPAIGNS, headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return {campaign["name"] for campaign in response.get_json()}


def trigger_event(client: FlaskClient, key: str, event_id: str = EVENT_ID) -> Any:
    body = {"event-id": event_id, "event-key": "jane@example.com", "event-params": {"account": "42"}}
    return client.post(EVENTS, json=body, headers=auth(key))


def make_key(client: FlaskClient, secret: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/_sandbox/credentials", json={"vendor": "webex", "secret": secret, **fields})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def tenant_of(client: FlaskClient, secret: str) -> str:
    credentials = client.get("/_sandbox/credentials?vendor=webex").get_json()["credentials"]
    return next(c["tenant"] for c in credentials if c["secret"] == secret)


def assert_control_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body, dict)
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    return body


def journal(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/_sandbox/requests{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["requests"]  # type: ignore[no-any-return]


# -- health ------------------------------------------------------------------------------------------------
def test_health_reports_ok_and_every_vendor_base_url(client: FlaskClient, sandbox: Sandbox) -> None:
    response = client.get("/_sandbox/health")

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert set(body["vendors"]) == set(sandbox.vendors) >= {"webex"}
    for name, url in body["vendors"].items():
        assert url == f"http://localhost/{name}"
    assert body["storage"] == "memory"


# -- reset -------------------------------------------------------------------------------------------------
def test_reset_all_removes_campaigns_and_control_credentials_but_fixture_keys_work(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    other = fresh_key("webex")
    create_campaign(client, DEMO, "Demo campaign")
    create_campaign(client, other, "Other campaign")
    make_key(client, "reset-all-events-only-01", grants=["events"])
    assert client.get(CAMPAIGNS, headers=auth("reset-all-events-only-01")).get_json()["code"] == 430

    response = client.post("/_sandbox/reset")

    assert response.status_code == 200
    assert campaign_names(client, DEMO) == set()
    assert campaign_names(client, other) == set()
    secrets = {c["secret"] for c in client.get("/_sandbox/credentials").get_json()["credentials"]}
    assert "reset-all-events-only-01" not in secrets
    assert "demo-webex-campaigns-only-0002" in secrets
    # The grant restriction went with the credential: the secret is now just another auto-tenant key.
    assert client.get(CAMPAIGNS, headers=auth("reset-all-events-only-01")).status_code == 200
    # Fixture keys still behave as the fixtures say.
    assert client.get(CAMPAIGNS, headers=auth("demo-webex-events-only-0003")).get_json()["code"] == 430
    assert trigger_event(client, DEMO).status_code == 200


def test_reset_all_empties_the_journal(client: FlaskClient) -> None:
    client.get(CAMPAIGNS, headers=auth(DEMO))
    assert len(journal(client)) == 1

    client.post("/_sandbox/reset", json={})

    assert journal(client) == []


def test_reset_one_tenant_by_name_keeps_other_tenants_and_reference_data(client: FlaskClient) -> None:
    make_key(client, "team-a-key-000001", tenant="team-a")
    make_key(client, "team-b-key-000001", tenant="team-b")
    create_campaign(client, "team-a-key-000001", "Shared name")
    create_campaign(client, "team-b-key-000001", "Shared name")
    demo_id = create_campaign(client, DEMO, "Demo stays")

    response = client.post("/_sandbox/reset", json={"tenant": "team-a"})

    assert response.status_code == 200
    assert response.get_json()["reset"] == "team-a"
    assert campaign_names(client, "team-a-key-000001") == set()
    assert campaign_names(client, "team-b-key-000001") == {"Shared name"}
    assert client.get(f"{CAMPAIGNS}/{demo_id}", headers=auth(DEMO)).status_code == 200
    # The reset tenant keeps its key and gets fresh reference data: category Others, the seed's event.
    create_campaign(client, "team-a-key-000001", "Shared name")
    event = trigger_event(client, "team-a-key-000001")
    assert event.status_code == 200, event.get_json()
    assert event.get_json()["transaction-id"]


def test_reset_one_tenant_by_credential(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    mine, theirs = fresh_key("webex"), fresh_key("webex")
    create_campaign(client, mine, "Mine")
    create_campaign(client, theirs, "Theirs")

    response = client.post("/_sandbox/reset", json={"credential": mine})

    assert response.status_code == 200
    assert response.get_json()["reset"] == tenant_of(client, mine)
    assert campaign_names(client, mine) == set()
    assert campaign_names(client, theirs) == {"Theirs"}
    create_campaign(client, mine, "Mine again")
    assert trigger_event(client, mine).status_code == 200


def test_reset_with_a_key_never_used_resets_only_its_own_tenant(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    create_campaign(client, DEMO, "Kept")

    response = client.post("/_sandbox/reset", json={"credential": fresh_key("webex")})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["reset"].startswith("key-")
    assert campaign_names(client, DEMO) == {"Kept"}


def test_reset_with_a_malformed_credential_is_404_and_resets_nothing(client: FlaskClient) -> None:
    create_campaign(client, DEMO, "Kept")

    response = client.post("/_sandbox/reset", json={"credential": "not a key"})

    assert_control_error(response, 404)
    assert campaign_names(client, DEMO) == {"Kept"}


# -- clock -------------------------------------------------------------------------------------------------
def clock(client: FlaskClient, query: str = "") -> dict[str, Any]:
    response = client.get(f"/_sandbox/clock{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def advance(client: FlaskClient, **body: Any) -> Any:
    return client.post("/_sandbox/clock/advance", json=body)


def test_clock_reads_freezegun_time_and_advances_by_seconds_and_to(client: FlaskClient) -> None:
    with freeze_time(START):
        assert clock(client) == {"now": START, "real_now": START, "offset_seconds": 0.0, "tenant": None}

        response = advance(client, seconds=90)
        assert response.status_code == 200
        assert response.get_json()["now"] == "2030-01-01T00:01:30+00:00"

        response = advance(client, to="2030-01-01T01:00:00Z")
        assert response.status_code == 200
        assert response.get_json()["now"] == "2030-01-01T01:00:00+00:00"
        assert clock(client)["offset_seconds"] == 3600
        assert clock(client)["real_now"] == START

        # A naive "to" is UTC.
        assert advance(client, to="2030-01-01T02:00:00").get_json()["now"] == "2030-01-01T02:00:00+00:00"


def test_clock_per_tenant_does_not_move_other_tenants(client: FlaskClient) -> None:
    with freeze_time(START):
        make_key(client, "clock-team-a-key-01", tenant="team-a")
        make_key(client, "clock-team-b-key-01", tenant="team-b")

        response = advance(client, tenant="team-a", seconds=3600)

        assert response.status_code == 200
        assert response.get_json()["tenant"] == "team-a"
        assert clock(client, "?tenant=team-a")["now"] == "2030-01-01T01:00:00+00:00"
        assert clock(client, "?tenant=team-b")["now"] == START
        assert clock(client)["now"] == START
        # Business time follows the tenant's clock.
        team_a = create_campaign(client, "clock-team-a-key-01", "A")
        team_b = create_campaign(client, "clock-team-b-key-01", "B")
        a = client.get(f"{CAMPAIGNS}/{team_a}", headers=auth("clock-team-a-key-01")).get_json()
        b = client.get(f"{CAMPAIGNS}/{team_b}", headers=auth("clock-team-b-key-01")).get_json()
        assert a["createdOn"] == "2030-01-01 01:00:00"
        assert b["createdOn"] == "2030-01-01 00:00:00"

        # The global offset adds to every tenant's.
        advance(client, seconds=60)
        assert clock(client, "?tenant=team-a")["now"] == "2030-01-01T01:01:00+00:00"
        assert clock(client, "?tenant=team-b")["now"] == "2030-01-01T00:01:00+00:00"


def test_clock_scoped_by_credential_and_by_header(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    with freeze_time(START):
        secret = fresh_key("webex")
        client.get(CAMPAIGNS, headers=auth(secret))  # the key now has a tenant
        tenant = tenant_of(client, secret)

        assert advance(client, credential=secret, seconds=10).status_code == 200
        response = client.post("/_sandbox/clock/advance", json={"seconds": 5}, headers={"X-Sandbox-Tenant": tenant})
        assert response.status_code == 200

        assert clock(client, f"?tenant={tenant}")["now"] == "2030-01-01T00:00:15+00:00"
        assert clock(client, f"?credential={secret}")["now"] == "2030-01-01T00:00:15+00:00"
        assert clock(client)["now"] == START


@pytest.mark.parametrize(
    "body",
    [
        {"seconds": -1},
        {"to": "2029-12-31T23:59:59Z"},
        {"seconds": 10, "to": "2030-01-02T00:00:00Z"},
        {},
        {"tenant": "team-a"},
        {"seconds": "soon"},
        {"seconds": True},
        {"to": "not a date"},
        {"seconds": 1e12},
        {"to": "9999-12-31T23:59:59Z"},
        {"tenant": "not a tenant name!", "seconds": 1},
    ],
    ids=[
        "negative",
        "backwards",
        "both",
        "neither",
        "neither-scoped",
        "string",
        "bool",
        "bad-date",
        "too-far",
        "to-too-far",
        "bad-tenant",
    ],
)
def test_clock_advance_rejects_invalid_requests_and_keeps_the_time(client: FlaskClient, body: dict[str, Any]) -> None:
    with freeze_time(START):
        assert_control_error(advance(client, **body), 400)

        assert clock(client)["now"] == START
        assert clock(client, "?tenant=team-a")["now"] == START


def test_clock_advance_rejects_nan(client: FlaskClient) -> None:
    response = client.post("/_sandbox/clock/advance", data='{"seconds": NaN}', content_type="application/json")

    assert_control_error(response, 400)
    assert clock(client)["offset_seconds"] == 0


# -- credentials -------------------------------------------------------------------------------------------
def test_credentials_post_creates_then_replaces(client: FlaskClient) -> None:
    body = {"vendor": "webex", "secret": "made-by-control-0001", "tenant": "acme", "grants": ["campaigns"]}

    first = client.post("/_sandbox/credentials", json=body)
    again = client.post("/_sandbox/credentials", json={**body, "grants": None})

    assert first.status_code == 201
    assert first.get_json()["secret"] == "made-by-control-0001"
    assert first.get_json()["tenant"] == "acme"
    assert first.get_json()["grants"] == ["campaigns"]
    assert again.status_code == 200
    assert again.get_json()["grants"] is None
    # The re-post replaced the grants: the Event API is open to the key now.
    assert trigger_event(client, "made-by-control-0001").status_code == 200


def test_credentials_post_generates_a_working_secret_when_omitted(client: FlaskClient) -> None:
    response = client.post("/_sandbox/credentials", json={"vendor": "webex"})

    assert response.status_code == 201
    secret = response.get_json()["secret"]
    assert isinstance(secret, str) and len(secret) >= 8
    create_campaign(client, secret, "With a generated key")
    assert campaign_names(client, secret) == {"With a generated key"}
    assert campaign_names(client, DEMO) == set()


@pytest.mark.parametrize(
    "body",
    [
        {"vendor": "nope", "secret": "some-valid-secret"},
        {"vendor": "webex", "secret": "some-valid-secret", "grants": ["campaigns", "teleport"]},
        {"secret": "some-valid-secret"},
        {"vendor": "webex", "secret": "has spaces in it"},
        {"vendor": "webex", "grants": "campaigns"},
        {"vendor": "webex", "tenant": "no spaces allowed"},
        {"vendor": "webex", "expires_in_seconds": -5},
        {"vendor": "webex", "expires_in_seconds": 1e300},
        {"vendor": "webex", "expired": "maybe"},
    ],
    ids=[
        "unknown-vendor",
        "unknown-grant",
        "no-vendor",
        "secret-spaces",
        "grants-not-list",
        "bad-tenant",
        "negative-expiry",
        "huge-expiry",
        "bad-bool",
    ],
)
def test_credentials_post_rejects_invalid_bodies(client: FlaskClient, body: dict[str, Any]) -> None:
    before = client.get("/_sandbox/credentials").get_json()["credentials"]

    assert_control_error(client.post("/_sandbox/credentials", json=body), 400)

    assert client.get("/_sandbox/credentials").get_json()["credentials"] == before


def test_credential_expires_when_the_clock_passes_expires_in_seconds(client: FlaskClient) -> None:
    with freeze_time(START):
        made = make_key(client, "expiring-key-000001", expires_in_seconds=60)
        assert made["expires_at"] == "2030-01-01T00:01:00+00:00"
        assert client.get(CAMPAIGNS, headers=auth("expiring-key-000001")).status_code == 200

        advance(client, seconds=59)
        assert client.get(CAMPAIGNS, headers=auth("expiring-key-000001")).status_code == 200
        assert trigger_event(client, "expiring-key-000001").status_code == 200

        advance(client, seconds=2)
        for response in (
            client.get(CAMPAIGNS, headers=auth("expiring-key-000001")),
            trigger_event(client, "expiring-key-000001"),
        ):
            assert response.status_code == 401
            assert response.get_json() == {"code": 498, "description": "Invalid token or Access token expired"}


def test_credential_expiry_counts_from_its_own_tenant_clock(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")
    with freeze_time(START):
        # The key's (future) tenant is an hour ahead before the key is made.
        assert advance(client, credential=key, vendor="webex", seconds=3600).status_code == 200

        made = make_key(client, key, expires_in_seconds=60)

        assert made["expires_at"] == "2030-01-01T01:01:00+00:00"
        assert client.get(CAMPAIGNS, headers=auth(key)).status_code == 200


def test_credentials_get_lists_fixture_and_made_keys_with_filters(client: FlaskClient) -> None:
    make_key(client, "listed-key-000001", tenant="acme", revoked=True)

    everything = client.get("/_sandbox/credentials").get_json()["credentials"]
    acme = client.get("/_sandbox/credentials?tenant=acme").get_json()["credentials"]
    webex_only = client.get("/_sandbox/credentials?vendor=webex").get_json()["credentials"]

    secrets = {c["secret"] for c in everything}
    assert {"demo-webex-api-key-0001", "demo-webex-revoked-key-0004", "listed-key-000001"} <= secrets
    assert [(c["secret"], c["revoked"], c["vendor"]) for c in acme] == [("listed-key-000001", True, "webex")]
    assert {c["vendor"] for c in webex_only} == {"webex"}
    assert {c["secret"] for c in webex_only} == {c["secret"] for c in everything if c["vendor"] == "webex"}


# -- journal -----------------------------------------------------------------------------------------------
OTHER = "journal-other-key-01"


@pytest.fixture
def journaled(client: FlaskClient) -> list[dict[str, Any]]:
    """Four vendor requests (and a control call, which is not journaled); the journal as it then is."""
    assert client.get(CAMPAIGNS, headers=auth(DEMO)).status_code == 200
    assert client.post(CAMPAIGNS, json=campaign_body("Journaled"), headers=auth(DEMO)).status_code == 200
    assert trigger_event(client, OTHER).status_code == 200
    assert client.get(CAMPAIGNS, headers=auth("bad")).status_code == 401
    assert client.get("/_sandbox/health").status_code == 200
    return journal(client)


def operations(entries: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(entry["operation"], entry["status"]) for entry in entries]


def test_journal_records_every_vendor_request_in_order(client: FlaskClient, journaled: list[dict[str, Any]]) -> None:
    assert operations(journaled) == [
        ("list_campaigns", 200),
        ("create_campaign", 200),
        ("trigger_event", 200),
        ("list_campaigns", 401),
    ]
    assert [entry["method"] for entry in journaled] == ["GET", "POST", "POST", "GET"]
    assert [entry["path"] for entry in journaled] == [
        "/v1/campaigns",
        "/v1/campaigns",
        "/campaignapi/resources/v3/events",
        "/v1/campaigns",
    ]
    seqs = [entry["seq"] for entry in journaled]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4
    assert {entry["vendor"] for entry in journaled} == {"webex"}
    assert [entry["tenant"] for entry in journaled] == ["demo", "demo", tenant_of(client, OTHER), None]
    create = journaled[1]
    assert json.loads(create["request_body"]) == campaign_body("Journaled")
    assert json.loads(create["response_body"])["message"] == "Campaign created successfully."
    assert json.loads(journaled[3]["response_body"])["code"] == 498


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?vendor=webex", ["list_campaigns", "create_campaign", "trigger_event", "list_campaigns"]),
        ("?vendor=infobip", []),
        ("?tenant=demo", ["list_campaigns", "create_campaign"]),
        ("?method=post", ["create_campaign", "trigger_event"]),
        ("?method=POST", ["create_campaign", "trigger_event"]),
        ("?path=/v1/campaigns*", ["list_campaigns", "create_campaign", "list_campaigns"]),
        ("?path=/campaignapi/*", ["trigger_event"]),
        ("?path=/v1/campaigns/*", []),
        ("?status=401", ["list_campaigns"]),
        ("?status=200&method=GET", ["list_campaigns"]),
        ("?operation=trigger_event", ["trigger_event"]),
        (f"?credential={OTHER}", ["trigger_event"]),
        (f"?credential={DEMO}&method=GET", ["list_campaigns"]),
        ("?limit=2", ["trigger_event", "list_campaigns"]),
        ("?method=GET&limit=1", ["list_campaigns"]),
    ],
)
def test_journal_filters(client: FlaskClient, journaled: list[dict[str, Any]], query: str, expected: list[str]) -> None:
    assert [entry["operation"] for entry in journal(client, query)] == expected


def test_journal_limit_keeps_the_newest(client: FlaskClient, journaled: list[dict[str, Any]]) -> None:
    assert [entry["seq"] for entry in journal(client, "?limit=2")] == [e["seq"] for e in journaled[-2:]]
    assert journal(client, "?limit=0") == journaled


@pytest.mark.parametrize("limit", ["-1", "many", ""])
def test_journal_rejects_an_invalid_limit(client: FlaskClient, journaled: list[dict[str, Any]], limit: str) -> None:
    assert_control_error(client.get(f"/_sandbox/requests?limit={limit}"), 400)


def test_journal_delete_with_filters_removes_only_matches(client: FlaskClient, journaled: list[dict[str, Any]]) -> None:
    response = client.delete("/_sandbox/requests?method=GET")

    assert response.status_code == 200
    assert response.get_json()["deleted"] == 2
    assert operations(journal(client)) == [("create_campaign", 200), ("trigger_event", 200)]

    response = client.delete(f"/_sandbox/requests?credential={OTHER}")
    assert response.get_json()["deleted"] == 1
    assert operations(journal(client)) == [("create_campaign", 200)]


def test_journal_delete_without_filters_removes_everything(
    client: FlaskClient, journaled: list[dict[str, Any]]
) -> None:
    response = client.delete("/_sandbox/requests")

    assert response.status_code == 200
    assert response.get_json()["deleted"] == 4
    assert journal(client) == []
    # Recording goes on afterwards.
    client.get(CAMPAIGNS, headers=auth(DEMO))
    assert operations(journal(client)) == [("list_campaigns", 200)]


class TestBoundedJournal:
    @pytest.fixture(scope="class")
    @classmethod
    def app(cls) -> Iterator[Flask]:
        app = create_app(Config(memory=True, journal_size=5))
        yield app
        app.extensions["sandbox"].close()

    def test_only_the_newest_entries_remain(self, client: FlaskClient) -> None:
        for number in range(8):
            client.get(f"{CAMPAIGNS}/{number}", headers=auth(DEMO))

        entries = journal(client)

        assert [entry["path"] for entry in entries] == [f"/v1/campaigns/{number}" for number in range(3, 8)]
        assert [entry["status"] for entry in entries] == [404] * 5

    def test_the_body_cap_and_filters_still_apply(self, client: FlaskClient) -> None:
        for number in range(6):
            client.post(CAMPAIGNS, json=campaign_body(f"Bounded {number}"), headers=auth(DEMO))

        entries = journal(client, "?operation=create_campaign")

        assert [json.loads(entry["request_body"])["name"] for entry in entries] == [
            f"Bounded {number}" for number in range(1, 6)
        ]


# -- settings ----------------------------------------------------------------------------------------------
def settings(client: FlaskClient, query: str = "") -> dict[str, Any]:
    response = client.get(f"/_sandbox/settings{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def test_settings_defaults(client: FlaskClient) -> None:
    body = settings(client)

    assert body["tenant"] is None
    assert body["webex"]["event_failure_status"] == 500


def test_settings_patch_per_tenant_leaves_other_tenants_and_global(client: FlaskClient) -> None:
    make_key(client, "settings-team-a-01", tenant="team-a")
    make_key(client, "settings-team-b-01", tenant="team-b")

    response = client.patch("/_sandbox/settings", json={"tenant": "team-a", "webex": {"event_failure_status": 200}})

    assert response.status_code == 200
    assert response.get_json()["tenant"] == "team-a"
    assert response.get_json()["webex"]["event_failure_status"] == 200
    assert settings(client, "?tenant=team-a")["webex"]["event_failure_status"] == 200
    assert settings(client, "?tenant=team-b")["webex"]["event_failure_status"] == 500
    assert settings(client)["webex"]["event_failure_status"] == 500
    # The setting is in force: a 1002 failure answers HTTP 200 for team-a only.
    a = trigger_event(client, "settings-team-a-01", event_id="evt_does_not_exist")
    b = trigger_event(client, "settings-team-b-01", event_id="evt_does_not_exist")
    assert (a.status_code, a.get_json()["code"]) == (200, 1002)
    assert (b.status_code, b.get_json()["code"]) == (500, 1002)


def test_settings_patch_global_is_inherited_and_tenant_overrides_win(client: FlaskClient) -> None:
    client.patch("/_sandbox/settings", json={"tenant": "team-a", "webex": {"event_failure_status": 500}})

    response = client.patch(
        "/_sandbox/settings", json={"webex": {"event_failure_status": 200, "deployment_scheduled_seconds": 5}}
    )

    assert response.status_code == 200
    assert response.get_json()["tenant"] is None
    team_b = settings(client, "?tenant=team-b")["webex"]
    assert (team_b["event_failure_status"], team_b["deployment_scheduled_seconds"]) == (200, 5)
    team_a = settings(client, "?tenant=team-a")["webex"]
    assert (team_a["event_failure_status"], team_a["deployment_scheduled_seconds"]) == (500, 5)


def test_settings_scoped_by_credential(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    secret = fresh_key("webex")
    client.get(CAMPAIGNS, headers=auth(secret))

    response = client.patch("/_sandbox/settings", json={"credential": secret, "webex": {"event_failure_status": 200}})

    assert response.status_code == 200
    assert response.get_json()["tenant"] == tenant_of(client, secret)
    assert settings(client, f"?credential={secret}")["webex"]["event_failure_status"] == 200
    assert settings(client, "?tenant=demo")["webex"]["event_failure_status"] == 500


@pytest.mark.parametrize(
    "body",
    [
        {"webex": {"event_failure_status": 404}},
        {"webex": {"event_failure_status": "500"}},
        {"webex": {"deployment_scheduled_seconds": -1}},
        {"webex": "fast"},
        {"nope": {"event_failure_status": 200}},
        {"tenant": "not a tenant!", "webex": {"event_failure_status": 200}},
        {"webex": {"event_failure_status": 200}, "nope": {}},
    ],
    ids=[
        "status-not-allowed",
        "status-string",
        "negative-delay",
        "not-object",
        "unknown-vendor",
        "bad-tenant",
        "partly",
    ],
)
def test_settings_patch_rejects_invalid_values_and_changes_nothing(client: FlaskClient, body: dict[str, Any]) -> None:
    before = settings(client)

    assert_control_error(client.patch("/_sandbox/settings", json=body), 400)

    assert settings(client) == before


# -- state -------------------------------------------------------------------------------------------------
def test_state_export_contains_tenant_data_and_can_be_scoped(client: FlaskClient) -> None:
    make_key(client, "state-team-a-key-01", tenant="team-a")
    demo_id = create_campaign(client, DEMO, "Demo's")
    team_id = create_campaign(client, "state-team-a-key-01", "Team A's")

    everything = client.get("/_sandbox/state").get_json()["tables"]
    team_a = client.get("/_sandbox/state?tenant=team-a").get_json()["tables"]

    assert everything["webex.campaigns/demo"][demo_id]["name"] == "Demo's"
    assert everything["webex.campaigns/team-a"][team_id]["name"] == "Team A's"
    assert team_a and all(name.endswith("/team-a") for name in team_a)
    assert team_a["webex.campaigns/team-a"][team_id]["name"] == "Team A's"
    assert "Others" in team_a["webex.categories/team-a"]


def test_state_round_trip_restores_data_credentials_and_clock(client: FlaskClient) -> None:
    with freeze_time(START):
        make_key(client, "state-campaigns-only", tenant="team-a", grants=["campaigns"])
        campaign_id = create_campaign(client, DEMO, "Snapshotted")
        advance(client, tenant="team-a", seconds=600)
        snapshot = client.get("/_sandbox/state").get_json()

        client.post("/_sandbox/reset")
        assert client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth(DEMO)).status_code == 404
        assert clock(client, "?tenant=team-a")["now"] == START

        response = client.put("/_sandbox/state", json=snapshot)

        assert response.status_code == 200
        restored = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth(DEMO))
        assert restored.status_code == 200
        assert restored.get_json()["name"] == "Snapshotted"
        assert clock(client, "?tenant=team-a")["now"] == "2030-01-01T00:10:00+00:00"
        assert trigger_event(client, "state-campaigns-only").get_json()["code"] == 430
        # The restored name index still guards against duplicates.
        duplicate = client.post(CAMPAIGNS, json=campaign_body("Snapshotted"), headers=auth(DEMO))
        assert duplicate.status_code == 409
        assert client.get("/_sandbox/state").get_json()["tables"] == snapshot["tables"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"tables": []},
        {"tables": {"webex.campaigns/demo": []}},
        {"tables": {"webex.campaigns/demo": {"1": "not a record"}}},
        {"tables": {"_sandbox.tenants": {"demo": {"no-vendors-key": 1}}}},
        {"tables": {"_sandbox.credentials": {"webex:x": {"vendor": "webex"}}}},
        {"tables": {"_sandbox.clock": {"*": {"offset": 1}}}},
    ],
    ids=["empty", "list", "rows-list", "row-string", "bad-tenant-row", "bad-credential-row", "bad-clock-row"],
)
def test_state_import_rejects_invalid_state_and_keeps_the_old_one(client: FlaskClient, body: dict[str, Any]) -> None:
    campaign_id = create_campaign(client, DEMO, "Still here")

    assert_control_error(client.put("/_sandbox/state", json=body), 400)

    assert client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth(DEMO)).status_code == 200
    assert client.get(CAMPAIGNS, headers=auth("demo-webex-events-only-0003")).get_json()["code"] == 430


# -- malformed requests and unknown paths ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/_sandbox/reset"),
        ("POST", "/_sandbox/clock/advance"),
        ("POST", "/_sandbox/credentials"),
        ("PATCH", "/_sandbox/settings"),
        ("PUT", "/_sandbox/state"),
    ],
)
@pytest.mark.parametrize("raw", ['{"tenant": ', "[1, 2]", '"text"', "null", "\x00\xff", "{'single': 'quotes'}"])
def test_malformed_json_bodies_are_400_json_errors(client: FlaskClient, method: str, path: str, raw: str) -> None:
    create_campaign(client, DEMO, "Untouched")

    response = client.open(path, method=method, data=raw, content_type="application/json")

    body = assert_control_error(response, 400)
    assert body["error"] == "invalid_json"
    assert campaign_names(client, DEMO) == {"Untouched"}


def test_unknown_control_path_is_a_404_json_error(client: FlaskClient) -> None:
    body = assert_control_error(client.get("/_sandbox/xyz"), 404)

    assert body["error"] == "not_found"


def test_wrong_method_on_a_control_path_is_a_405_json_error(client: FlaskClient) -> None:
    assert_control_error(client.delete("/_sandbox/health"), 405)


def test_a_control_body_of_a_form_type_needs_the_control_header_and_is_then_read_as_json(client):
    body = '{"seconds": 5, "tenant": "demo"}'
    form = {"content-type": "application/x-www-form-urlencoded"}  # what `curl -d` sends (web/guard.py)

    refused = client.post("/_sandbox/clock/advance", data=body, headers=form)
    response = client.post("/_sandbox/clock/advance", data=body, headers={**form, "X-Sandbox-Control": "1"})

    assert refused.status_code == 415
    assert response.status_code == 200
    assert response.get_json()["offset_seconds"] == 5


def test_a_misspelt_setting_is_rejected(client):
    response = client.patch("/_sandbox/settings", json={"webex": {"event_failure_staus": 200}})
    assert response.status_code == 400
    assert "event_failure_staus" in response.get_json()["message"]
    assert client.get("/_sandbox/settings").get_json()["webex"]["event_failure_status"] == 500


def test_repeated_advances_cannot_push_the_clock_past_year_9000(client):
    ten_years = 10 * 365 * 86400
    statuses = {client.post("/_sandbox/clock/advance", json={"seconds": ten_years}).status_code for _ in range(800)}
    assert statuses == {200, 400}
    assert client.get("/_sandbox/health").status_code == 200
    assert (
        client.get("/webex/v1/campaigns", headers={"authorization": "Bearer demo-webex-api-key-0001"}).status_code
        == 200
    )


def test_url_building_still_works_with_lazily_compiled_builders(app: Any) -> None:
    from flask import url_for

    with app.test_request_context():
        assert url_for("sandbox_control.health") == "/_sandbox/health"
        built = url_for("sandbox_state.image", vendor="webex", tenant="t", key="k", x=1)
        assert built == "/_sandbox/images/webex/t/k?x=1"


def test_settings_for_a_key_never_used_yet_find_its_tenant_through_the_vendor_patched(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")
    response = client.patch("/_sandbox/settings", json={"credential": key, "webex": {"event_failure_status": 200}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["tenant"] == auto_tenant_name(key)
    failing = client.post(EVENTS, json={"event-id": "nope", "event-key": "1"}, headers=auth(key))
    assert (failing.status_code, failing.get_json()["code"]) == (200, 1002)
