"""DailyStory authentication: Bearer and Basic api:<token> accepted, everything else refused with 401."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from dailystory_helpers import (
    CAMPAIGN,
    CAMPAIGNS,
    DEMO_TOKEN,
    FIXTURE_IDS,
    REVOKED_TOKEN,
    assert_failure,
    assert_ok,
    basic,
    bearer,
    listed,
    read,
)
from flask import Flask

from sandbox.app import create_app
from sandbox.config import Config

MISSING = (
    "Authorization required: send 'Authorization: Bearer <token>' or HTTP Basic with user 'api' "
    "and the token as password."
)


def test_bearer_token_is_accepted(client):
    assert len(assert_ok(client.get(CAMPAIGNS, headers=bearer()))["campaigns"]) == len(FIXTURE_IDS)


def test_bearer_scheme_is_case_insensitive(client):
    assert_ok(client.get(CAMPAIGNS, headers={"Authorization": f"bearer {DEMO_TOKEN}"}))


def test_basic_with_user_api_and_the_token_as_password_is_the_same_account(client, token):
    response = client.post(CAMPAIGN, json={"name": "Via Basic"}, headers=basic(token))
    campaign_id = assert_ok(response)["id"]
    assert read(client, campaign_id, token)["name"] == "Via Basic"


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "no Authorization header"),
        ("", "no Authorization header"),
        (DEMO_TOKEN, "not '<scheme> <credentials>'"),
        (f"Token {DEMO_TOKEN}", "unsupported scheme"),
        (f"Bearer {DEMO_TOKEN} extra", "not '<scheme> <credentials>'"),
        (basic(DEMO_TOKEN, user="admin")["Authorization"], "Basic credentials"),
        (basic(DEMO_TOKEN, user="API")["Authorization"], "Basic credentials"),
        (basic("", user="api")["Authorization"], "Basic credentials"),
        ("Basic " + base64.b64encode(DEMO_TOKEN.encode()).decode(), "Basic credentials"),
        ("Basic %%%not-base64%%%", "Basic credentials"),
        ("Basic " + base64.b64encode(b"api:\xff\xfe").decode(), "Basic credentials"),
    ],
)
def test_missing_or_unusable_authorization_is_401(client, header, detail):
    headers = {} if header is None else {"Authorization": header}
    response = client.get(CAMPAIGNS, headers=headers)
    assert_failure(response, 401, MISSING)
    assert detail in response.headers["X-Sandbox-Detail"]


@pytest.mark.parametrize("token", ["short", "has;semicolons-in-it", "x" * 257])
def test_a_malformed_token_is_401_invalid(client, token):
    assert_failure(client.get(CAMPAIGNS, headers=bearer(token)), 401, "The API token is not valid.")


def test_a_revoked_token_is_401_with_both_schemes(client):
    for headers in (bearer(REVOKED_TOKEN), basic(REVOKED_TOKEN)):
        assert_failure(client.get(CAMPAIGNS, headers=headers), 401, "The API token has been revoked.")


def test_an_expired_token_is_401(client, token):
    made = client.post("/_sandbox/credentials", json={"vendor": "dailystory", "secret": token, "expired": True})
    assert made.status_code == 201
    assert_failure(client.get(CAMPAIGNS, headers=bearer(token)), 401, "The API token has expired.")


def test_a_token_without_the_campaigns_grant_is_403(client, token):
    body = {"vendor": "dailystory", "secret": token, "grants": []}
    assert client.post("/_sandbox/credentials", json=body).status_code == 201
    response = client.post(CAMPAIGN, json={"name": "Denied"}, headers=bearer(token))
    assert_failure(response, 403, "This API token is not allowed to use the campaigns API.")


def test_auth_is_checked_before_the_body_is_read(client):
    response = client.post(CAMPAIGN, data=b"{broken", headers={"Content-Type": "application/json"})
    assert_failure(response, 401, MISSING)


def test_a_refused_call_changes_nothing(client):
    before = listed(client)
    assert_failure(client.post(CAMPAIGN, json={"name": "x"}, headers=bearer(REVOKED_TOKEN)), 401)
    assert_failure(client.delete(f"{CAMPAIGN}/{FIXTURE_IDS[0]}", headers={}), 401)
    assert_failure(client.delete(f"{CAMPAIGN}/{FIXTURE_IDS[0]}", headers=basic(DEMO_TOKEN, user="root")), 401)
    assert listed(client) == before


class TestStrictMode:
    @pytest.fixture(scope="class")
    @classmethod
    def app(cls) -> Iterator[Flask]:
        app = create_app(Config(memory=True, strict=True))
        yield app
        app.extensions["sandbox"].close()

    def test_an_unknown_well_formed_token_is_401(self, client):
        response = client.get(CAMPAIGNS, headers=bearer("well-formed-but-unknown"))
        assert_failure(response, 401, "The API token is not valid.")

    def test_the_demo_tokens_work(self, client):
        assert_ok(client.get(CAMPAIGNS, headers=bearer("demo-dailystory-token-0002")))
        assert_ok(client.get(CAMPAIGNS, headers=basic()))
