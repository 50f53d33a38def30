"""Tenancy: every key sees only its own tenant's data; grants, revocation, expiry, strict mode."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sandbox.app import create_app
from sandbox.config import Config
from sandbox.core.auth import Credential, Credentials
from sandbox.core.store import Store

DEMO = "demo-webex-api-key-0001"
CAMPAIGNS = "/webex/v1/campaigns"
EVENTS = "/webex/campaignapi/resources/v3/events"
EVENT_ID = "evt_14296935520105"
INVALID_TOKEN = {"code": 498, "description": "Invalid token or Access token expired"}
NOT_ALLOWED = {
    "code": 430,
    "description": "Authorization failed. This resource is not allowed to access using this TOKEN or KEY",
}


def auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def campaign_body(name: str, category: str = "Others") -> dict[str, Any]:
    return {
        "name": name,
        "categoryId": category,
        "notifications": [{"emailId": "ops@example.com"}],
        "alertsettings": [{"alertType": "N0002"}],
    }


def event_body(**params: str) -> dict[str, Any]:
    return {"event-id": EVENT_ID, "event-key": "jane@example.com", "event-params": params or {"account": "42"}}


def create_campaign(client: FlaskClient, key: str, name: str) -> str:
    response = client.post(CAMPAIGNS, json=campaign_body(name), headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["id"])


def make_key(client: FlaskClient, secret: str, **fields: Any) -> None:
    response = client.post("/_sandbox/credentials", json={"vendor": "webex", "secret": secret, **fields})
    assert response.status_code == 201, response.get_json()


def call_both_apis(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    """A campaign call and an Event API call with the same headers."""
    return {
        "campaigns": client.get(CAMPAIGNS, headers=headers),
        "create": client.post(CAMPAIGNS, json=campaign_body("Denied"), headers=headers),
        "events": client.post(EVENTS, json=event_body(), headers=headers),
    }


def assert_all(responses: dict[str, Any], status: int, body: dict[str, Any]) -> None:
    for api, response in responses.items():
        assert (api, response.status_code, response.get_json()) == (api, status, body)


# -- isolation ---------------------------------------------------------------------------------------------
def test_two_keys_never_see_each_others_campaigns(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    alice, bob = fresh_key("webex"), fresh_key("webex")
    alice_id = create_campaign(client, alice, "Alice's")
    bob_id = create_campaign(client, bob, "Bob's")

    alice_list = client.get(CAMPAIGNS, headers=auth(alice)).get_json()
    bob_list = client.get(CAMPAIGNS, headers=auth(bob)).get_json()
    demo_list = client.get(CAMPAIGNS, headers=auth(DEMO)).get_json()

    assert [(c["id"], c["name"]) for c in alice_list] == [(alice_id, "Alice's")]
    assert [(c["id"], c["name"]) for c in bob_list] == [(bob_id, "Bob's")]
    assert demo_list == []
    for key, foreign in ((bob, alice_id), (alice, bob_id), (DEMO, alice_id)):
        got = client.get(f"{CAMPAIGNS}/{foreign}", headers=auth(key))
        assert (got.status_code, got.get_json()["code"]) == (404, 404)
        updated = client.put(f"{CAMPAIGNS}/{foreign}", json=campaign_body("Hijacked"), headers=auth(key))
        assert (updated.status_code, updated.get_json()["code"]) == (404, 404)
    own = client.get(f"{CAMPAIGNS}/{alice_id}", headers=auth(alice))
    assert (own.status_code, own.get_json()["name"]) == (200, "Alice's")


def test_keys_of_one_tenant_share_its_data(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    first, second, outsider = fresh_key("webex"), fresh_key("webex"), fresh_key("webex")
    make_key(client, first, tenant="shared")
    make_key(client, second, tenant="shared")

    campaign_id = create_campaign(client, first, "Shared")

    got = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth(second))
    assert (got.status_code, got.get_json()["name"]) == (200, "Shared")
    lost = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth(outsider))
    assert lost.status_code == 404


def test_same_name_is_allowed_in_two_tenants_but_409_within_one(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    one, two = fresh_key("webex"), fresh_key("webex")
    create_campaign(client, one, "Spring sale")
    create_campaign(client, two, "Spring sale")

    duplicate = client.post(CAMPAIGNS, json=campaign_body("Spring sale"), headers=auth(one))

    assert duplicate.status_code == 409
    assert duplicate.get_json() == {
        "code": 409,
        "description": "Failed to add the campaign as the campaign with the given campaign name already exists.",
    }
    assert len(client.get(CAMPAIGNS, headers=auth(one)).get_json()) == 1


# -- grants ------------------------------------------------------------------------------------------------
def test_campaigns_only_key_is_refused_by_the_event_api(client: FlaskClient) -> None:
    make_key(client, "granted-campaigns-01", grants=["campaigns"])

    events = client.post(EVENTS, json=event_body(), headers=auth("granted-campaigns-01"))
    campaigns = client.get(CAMPAIGNS, headers=auth("granted-campaigns-01"))

    assert (events.status_code, events.get_json()) == (401, NOT_ALLOWED)
    assert campaigns.status_code == 200
    create_campaign(client, "granted-campaigns-01", "Allowed")


def test_events_only_key_is_refused_by_the_campaign_api(client: FlaskClient) -> None:
    make_key(client, "granted-events-0001", grants=["events"])

    events = client.post(EVENTS, json=event_body(), headers=auth("granted-events-0001"))
    listing = client.get(CAMPAIGNS, headers=auth("granted-events-0001"))
    creating = client.post(CAMPAIGNS, json=campaign_body("No"), headers=auth("granted-events-0001"))

    assert events.status_code == 200
    assert events.get_json()["transaction-id"]
    assert (listing.status_code, listing.get_json()) == (401, NOT_ALLOWED)
    assert (creating.status_code, creating.get_json()) == (401, NOT_ALLOWED)


def test_key_with_no_grants_reaches_nothing(client: FlaskClient) -> None:
    make_key(client, "granted-nothing-001", grants=[])

    assert_all(call_both_apis(client, auth("granted-nothing-001")), 401, NOT_ALLOWED)


@pytest.mark.parametrize(
    ("secret", "status", "code"),
    [
        ("demo-webex-campaigns-only-0002", (200, 401), 430),
        ("demo-webex-events-only-0003", (401, 200), 430),
    ],
)
def test_fixture_keys_with_grants(client: FlaskClient, secret: str, status: tuple[int, int], code: int) -> None:
    campaigns = client.get(CAMPAIGNS, headers=auth(secret))
    events = client.post(EVENTS, json=event_body(), headers=auth(secret))

    assert (campaigns.status_code, events.status_code) == status
    refused = campaigns if campaigns.status_code == 401 else events
    assert refused.get_json()["code"] == code


# -- revoked, expired, malformed --------------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["revoked", "expired"])
def test_revoked_and_expired_control_keys_fail_with_498_on_both_apis(client: FlaskClient, flag: str) -> None:
    secret = f"flagged-{flag}-key-01"
    make_key(client, secret, **{flag: True})

    assert_all(call_both_apis(client, auth(secret)), 401, INVALID_TOKEN)


@pytest.mark.parametrize("secret", ["demo-webex-revoked-key-0004", "demo-webex-expired-key-0005"])
def test_revoked_and_expired_fixture_keys_fail_with_498_on_both_apis(client: FlaskClient, secret: str) -> None:
    assert_all(call_both_apis(client, auth(secret)), 401, INVALID_TOKEN)


def test_revoking_a_working_key_takes_effect_at_once(client: FlaskClient) -> None:
    make_key(client, "soon-revoked-key-01", tenant="revocation")
    campaign_id = create_campaign(client, "soon-revoked-key-01", "Before revocation")

    again = client.post(
        "/_sandbox/credentials",
        json={"vendor": "webex", "secret": "soon-revoked-key-01", "tenant": "revocation", "revoked": True},
    )

    assert again.status_code == 200
    got = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth("soon-revoked-key-01"))
    assert (got.status_code, got.get_json()) == (401, INVALID_TOKEN)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": ""},
        {"authorization": "Bearer"},
        {"authorization": "Bearer "},
        {"authorization": f"Basic {DEMO}"},
        {"authorization": f"Token {DEMO}"},
        {"authorization": DEMO},
        {"authorization": "Bearer abc"},
        {"authorization": "Bearer demo webex api key"},
        {"authorization": "Bearer key-with-a-bad-char-!"},
        {"authorization": "Bearer " + "k" * 257},
        {"x-api-key": DEMO},
    ],
    ids=[
        "missing",
        "empty",
        "bearer-only",
        "bearer-blank",
        "basic",
        "token-scheme",
        "no-scheme",
        "three-chars",
        "spaces",
        "bad-char",
        "too-long",
        "other-header",
    ],
)
def test_missing_or_malformed_credentials_fail_with_498(client: FlaskClient, headers: dict[str, str]) -> None:
    assert_all(call_both_apis(client, headers), 401, INVALID_TOKEN)

    # A malformed key never gets a tenant of its own.
    secrets = {c["secret"] for c in client.get("/_sandbox/credentials").get_json()["credentials"]}
    assert not any(secret.startswith(("abc", "k" * 10, "key-with")) for secret in secrets)


def test_bearer_scheme_is_case_insensitive(client: FlaskClient) -> None:
    assert client.get(CAMPAIGNS, headers={"authorization": f"bearer {DEMO}"}).status_code == 200


class TestStrictMode:
    @pytest.fixture(scope="class")
    @classmethod
    def app(cls) -> Iterator[Flask]:
        app = create_app(Config(memory=True, strict=True))
        yield app
        app.extensions["sandbox"].close()

    def test_an_unknown_well_formed_key_is_refused(self, client: FlaskClient) -> None:
        assert_all(call_both_apis(client, auth("well-formed-but-unknown")), 401, INVALID_TOKEN)

        secrets = {c["secret"] for c in client.get("/_sandbox/credentials").get_json()["credentials"]}
        assert "well-formed-but-unknown" not in secrets

    def test_the_demo_key_works(self, client: FlaskClient) -> None:
        create_campaign(client, DEMO, "Strict")
        assert client.post(EVENTS, json=event_body(), headers=auth(DEMO)).status_code == 200

    def test_a_key_made_through_the_control_api_works(self, client: FlaskClient) -> None:
        make_key(client, "strict-mode-made-key")

        create_campaign(client, "strict-mode-made-key", "Made")
        assert [c["name"] for c in client.get(CAMPAIGNS, headers=auth(DEMO)).get_json()] == []

    def test_control_calls_scope_only_by_keys_it_was_given(self, client: FlaskClient) -> None:
        make_key(client, "strict-mode-scoped-key", tenant="strict-team")
        unknown = client.post("/_sandbox/clock/advance", json={"credential": "well-formed-but-unknown", "seconds": 1})
        given = client.post("/_sandbox/clock/advance", json={"credential": "strict-mode-scoped-key", "seconds": 1})

        assert unknown.status_code == 404
        assert unknown.get_json()["error"] == "unknown_credential"
        assert "--strict" in unknown.get_json()["message"]
        assert (given.status_code, given.get_json()["tenant"]) == (200, "strict-team")


# -- a fresh tenant's reference data ------------------------------------------------------------------------
def test_a_fresh_auto_tenant_starts_with_the_reference_data(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")

    create_campaign(client, key, "Uses category Others")
    event = client.post(EVENTS, json=event_body(account="42", firstname="Jane"), headers=auth(key))

    assert event.status_code == 200
    assert event.get_json()["transaction-id"]
    tables = client.get(f"/_sandbox/state?credential={key}").get_json()["tables"]
    tenant = next(name.rpartition("/")[2] for name in tables if name.startswith("webex.categories/"))
    assert tenant != "demo"
    assert "Others" in tables[f"webex.categories/{tenant}"]
    definition = tables[f"webex.event_definitions/{tenant}"][EVENT_ID]
    assert definition["mandatoryParams"] == ["account"]


def test_a_fresh_auto_tenant_enforces_the_seed_event_definition(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("webex")

    missing = client.post(EVENTS, json=event_body(firstname="Jane"), headers=auth(key))
    unknown_category = client.post(CAMPAIGNS, json=campaign_body("X", category="Nope"), headers=auth(key))

    assert (missing.status_code, missing.get_json()["code"]) == (500, 1002)
    assert (unknown_category.status_code, unknown_category.get_json()["code"]) == (400, 400)


def test_reference_data_is_a_copy_per_tenant(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    """Changing one tenant's reference data (here through a state import) leaves the others alone."""
    one_key, two_key = fresh_key("webex"), fresh_key("webex")
    create_campaign(client, one_key, "One")
    create_campaign(client, two_key, "Two")
    state = client.get("/_sandbox/state").get_json()
    one = client.get(f"/_sandbox/state?credential={one_key}").get_json()["tables"]
    one_categories = next(name for name in one if name.startswith("webex.categories/"))
    del state["tables"][one_categories]["Others"]
    assert client.put("/_sandbox/state", json=state).status_code == 200

    refused = client.post(CAMPAIGNS, json=campaign_body("Again"), headers=auth(one_key))
    allowed = client.post(CAMPAIGNS, json=campaign_body("Again"), headers=auth(two_key))

    assert refused.status_code == 400
    assert allowed.status_code == 200


def test_reading_the_credentials_while_keys_are_added_never_breaks() -> None:
    """Every new key adds a credential while other requests read them (tenant cap, control scope)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        credentials = Credentials(Store())
        for number in range(2000):
            credentials.put(Credential("webex", f"seed-key-{number:05d}", f"t{number}", origin="auto"))
        failures: list[BaseException] = []
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                try:
                    credentials.protected("t1")
                    credentials.tenants()
                    credentials.find_secret("seed-key-00001")
                    credentials.all("webex")
                except RuntimeError as failure:  # dictionary changed size during iteration
                    failures.append(failure)
                    return

        readers = [threading.Thread(target=read) for _ in range(2)]
        for reader in readers:
            reader.start()
        for number in range(3000):
            credentials.put(Credential("webex", f"new-key-{number:05d}", f"n{number}", origin="auto"))
        done.set()
        for reader in readers:
            reader.join(10)
    finally:
        sys.setswitchinterval(interval)

    assert failures == []
