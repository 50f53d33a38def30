"""Infobip authentication: App, Basic, IBSSO and Bearer; 401 and 403 in Infobip's envelope; tenants per credential."""

from __future__ import annotations

import pytest
from infobip_helpers import (
    BRANDS,
    CAMPAIGNS,
    DEMO_KEY,
    NO_GRANT_KEY,
    SEED_BRAND,
    assert_infobip_error,
    auth,
    basic,
    campaign_body,
    created,
)

DEMO_HEADERS = {
    "App": auth(DEMO_KEY),
    "Basic": basic("demo.user", "demo-password-0001"),
    "IBSSO": {"Authorization": "IBSSO demo-infobip-ibsso-token-0001"},
    "Bearer": {"Authorization": "Bearer demo-infobip-oauth-token-0001"},
}


def unauthorized(response):
    assert_infobip_error(response, 401, "UNAUTHORIZED", "Invalid login details")


@pytest.mark.parametrize("scheme", list(DEMO_HEADERS))
def test_each_demo_credential_reaches_the_demo_account(client, scheme):
    campaign_id = created(client)["id"]  # made with the demo App key
    response = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=DEMO_HEADERS[scheme])
    assert response.status_code == 200


def test_the_scheme_name_is_case_insensitive(client):
    response = client.get(CAMPAIGNS, headers={"Authorization": f"app {DEMO_KEY}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": DEMO_KEY},
        {"Authorization": f"Token {DEMO_KEY}"},
        {"Authorization": "App"},
        {"Authorization": "App short"},
        {"Authorization": "App has space"},
        {"Authorization": "Basic !!!not-base64!!!"},
        {"Authorization": "Basic bm9jb2xvbg=="},  # "nocolon"
        {"Authorization": "Bearer tiny"},
    ],
)
def test_missing_or_malformed_credentials_are_401(client, headers):
    unauthorized(client.get(CAMPAIGNS, headers=headers))


def test_a_credential_without_the_number_registration_grant_is_403(client):
    response = client.get(CAMPAIGNS, headers=auth(NO_GRANT_KEY))
    assert_infobip_error(response, 403, "FORBIDDEN", "Unauthorized access")


def test_a_credential_made_without_grants_through_the_control_api_is_403(client):
    made = client.post(
        "/_sandbox/credentials", json={"vendor": "infobip", "secret": "ibsso:control-made-token-01", "grants": []}
    )
    assert made.status_code == 201, made.get_json()
    response = client.get(CAMPAIGNS, headers={"Authorization": "IBSSO control-made-token-01"})
    assert_infobip_error(response, 403, "FORBIDDEN", "Unauthorized access")


@pytest.mark.parametrize("flag", ["revoked", "expired"])
def test_revoked_and_expired_credentials_are_401(client, fresh_key, flag):
    secret = fresh_key("infobip")
    client.post("/_sandbox/credentials", json={"vendor": "infobip", "secret": secret, flag: True})
    unauthorized(client.get(CAMPAIGNS, headers=auth(secret)))


def test_auth_is_checked_before_the_body(client):
    response = client.post(CAMPAIGNS, data=b"{", headers={"Content-Type": "application/json"})
    unauthorized(response)


def test_an_unknown_well_formed_credential_gets_an_account_of_its_own_with_the_fixtures(client, fresh_key):
    key = fresh_key("infobip")
    created(client)  # in the demo account
    assert client.get(CAMPAIGNS, headers=auth(key)).get_json()["paging"]["totalResults"] == 0
    brand = client.get(f"{BRANDS}/{SEED_BRAND}", headers=auth(key)).get_json()
    assert brand["name"] == "Examples Warehouse" and brand["stage"] == "SUBMITTED"  # registered: see registrar-statuses
    assert client.post(CAMPAIGNS, json=campaign_body(), headers=auth(key)).status_code == 201


def test_a_token_is_bound_to_its_scheme(client):
    created(client)
    # The demo IBSSO token presented as an App key is another, unknown credential: not the demo account.
    response = client.get(CAMPAIGNS, headers=auth("demo-infobip-ibsso-token-0001"))
    assert response.get_json()["paging"]["totalResults"] == 0


def test_unknown_basic_credentials_get_their_own_account(client):
    created(client)
    response = client.get(CAMPAIGNS, headers=basic("someone", "p@ss word:with colon"))
    assert response.status_code == 200 and response.get_json()["paging"]["totalResults"] == 0


def test_strict_mode_refuses_unknown_credentials(fresh_key):
    from sandbox.app import create_app
    from sandbox.config import Config

    app = create_app(Config(memory=True, strict=True))
    try:
        client = app.test_client()
        unauthorized(client.get(CAMPAIGNS, headers=auth(fresh_key("infobip"))))
        assert client.get(CAMPAIGNS, headers=DEMO_HEADERS["Bearer"]).status_code == 200
    finally:
        app.extensions["sandbox"].close()


def test_the_vendor_answers_the_header_of_each_kind_of_secret(sandbox):
    vendor = sandbox.vendors["infobip"]
    assert vendor.auth_header("my-api-key-123") == {"Authorization": "App my-api-key-123"}
    assert vendor.auth_header("basic:demo.user:demo-password-0001") == DEMO_HEADERS["Basic"]
    assert vendor.auth_header("ibsso:demo-infobip-ibsso-token-0001") == DEMO_HEADERS["IBSSO"]
    assert vendor.auth_header("bearer:demo-infobip-oauth-token-0001") == DEMO_HEADERS["Bearer"]
