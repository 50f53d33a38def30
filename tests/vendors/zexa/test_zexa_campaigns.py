"""Zexa campaigns: create, get, list, and every documented failure in the flat error body (seed 002)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from zexa_helpers import (
    CAMPAIGNS,
    DEMO_KEY,
    advance,
    assert_zexa_error,
    auth,
    campaign_body,
    create_campaign,
    credits,
    get_campaign,
    settings,
)

ID = re.compile(r"^cmp_[a-z0-9]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


# -- create --------------------------------------------------------------------------------------------------
def test_create_answers_201_with_the_seed_fields(client: FlaskClient) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(), headers=auth())

    assert response.status_code == 201
    body = response.get_json()
    assert list(body) == ["id", "status", "name", "channel", "total_contacts", "created_at"]
    assert ID.match(body["id"])
    assert body["status"] == "processing"
    assert (body["name"], body["channel"]) == ("Weekend Sale - June 2026", "sms")
    assert body["total_contacts"] == 5  # lst_abc123: 5 active, 1 unsubscribed
    assert TIMESTAMP.match(body["created_at"])


def test_get_adds_delivery_stats_and_times(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    created = create_campaign(client, key)

    body = get_campaign(client, key, created["id"])

    assert list(body) == [
        "id", "name", "status", "channel", "total_contacts", "delivered", "failed",
        "created_at", "scheduled_at", "started_at", "completed_at",
    ]  # fmt: skip
    assert (body["delivered"], body["failed"], body["scheduled_at"], body["completed_at"]) == (0, 0, None, None)
    assert body["started_at"] == body["created_at"]
    assert "_lifecycle" not in body and "dispatched" not in body


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"channel": "whatsapp", "body": ..., "template": "summer_sale"}, "processing"),
        ({"channel": "whatsapp", "body": ..., "template": {"name": "summer_sale", "language": "pt"}}, "processing"),
        ({"channel": "telegram"}, "processing"),
        ({"channel": "slack"}, "processing"),
        ({"channel": "email", "sender_id": "Marketing@MyBrand.ao"}, "processing"),
        ({"scheduled_at": None}, "processing"),
        ({"scheduled_at": "2099-07-01T08:00:00Z"}, "scheduled"),
        ({"name": "Promoção de verão ☀️ 日本"}, "processing"),
        ({"unknown_field": [1, 2]}, "processing"),
    ],
)
def test_create_accepts_every_channel_and_optional_field(
    client: FlaskClient, overrides: dict[str, Any], status: str, fresh_key: Callable[[str], str]
) -> None:
    body = create_campaign(client, fresh_key("zexa"), **overrides)
    assert body["status"] == status


def test_name_and_body_limits_at_both_edges(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    assert create_campaign(client, key, name="n" * 255, body="b" * 4096)["name"] == "n" * 255
    for overrides in ({"name": "n" * 256}, {"body": "b" * 4097}, {"name": ""}, {"name": "   "}):
        response = client.post(CAMPAIGNS, json=campaign_body(**overrides), headers=auth(key))
        assert_zexa_error(response, 400, "invalid_request")


# -- 400 invalid_request -------------------------------------------------------------------------------------
@pytest.mark.parametrize("missing", ["name", "channel", "contact_list_id", "sender_id"])
def test_a_missing_required_field_is_invalid_request(client: FlaskClient, missing: str) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(**{missing: ...}), headers=auth())

    body = assert_zexa_error(response, 400, "invalid_request", missing)
    assert missing in body["details"]["fields"]


@pytest.mark.parametrize(
    "raw",
    [b'{"name": "x",', b"not json", b"[]", b'"text"', b"", b'{"name": NaN}', b"\xff\xfe"],
)
def test_malformed_json_is_invalid_request(client: FlaskClient, raw: bytes) -> None:
    response = client.post(CAMPAIGNS, data=raw, headers={**auth(), "Content-Type": "application/json"})
    assert_zexa_error(response, 400, "invalid_request")


def test_a_body_over_one_mebibyte_is_invalid_request(client: FlaskClient) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(body="x" * (1024 * 1024 + 1)), headers=auth())
    assert_zexa_error(response, 400, "invalid_request")


@pytest.mark.parametrize("channel", ["fax", "SMS", "", 5, None, ["sms"]])
def test_a_bad_channel_is_invalid_request(client: FlaskClient, channel: Any) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(channel=channel), headers=auth())
    assert_zexa_error(response, 400, "invalid_request", "channel")


@pytest.mark.parametrize(
    "scheduled_at", ["tomorrow", "2026-13-01T00:00:00Z", 1767225600, True, {}, "2100-01-01T00:00:00Z"]
)
def test_a_bad_scheduled_at_is_invalid_request(client: FlaskClient, scheduled_at: Any) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(scheduled_at=scheduled_at), headers=auth())
    assert_zexa_error(response, 400, "invalid_request", "scheduled_at")


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": 42},
        {"name": True},
        {"sender_id": 7},
        {"contact_list_id": ["lst_abc123"]},
        {"body": 3.5},
        {"template": 9},
    ],
)
def test_wrong_types_are_invalid_request(client: FlaskClient, overrides: dict[str, Any]) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(**overrides), headers=auth())
    assert_zexa_error(response, 400, "invalid_request", next(iter(overrides)))


# -- 401 unauthorized ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic ZGVtbzpkZW1v"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer short"},
        {"Authorization": "Bearer demo-zexa-revoked-key-0002"},
        {"Authorization": "Bearer demo-zexa-expired-key-0003"},
    ],
)
def test_missing_or_invalid_keys_are_unauthorized(client: FlaskClient, headers: dict[str, str]) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(), headers=headers)
    assert_zexa_error(response, 401, "unauthorized", "API key")


def test_auth_is_checked_before_the_body(client: FlaskClient) -> None:
    response = client.post(CAMPAIGNS, data=b"{", headers={"Content-Type": "application/json"})
    assert_zexa_error(response, 401, "unauthorized")


def test_strict_mode_refuses_unknown_keys(
    client: FlaskClient, sandbox: Any, fresh_key: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox.credentials, "strict", True)  # reset() does not undo it; the module's app is shared
    assert_zexa_error(client.get(CAMPAIGNS, headers=auth(fresh_key("zexa"))), 401, "unauthorized")
    assert client.get(CAMPAIGNS, headers=auth(DEMO_KEY)).status_code == 200


# -- 404 not_found -------------------------------------------------------------------------------------------
def test_an_unknown_contact_list_is_not_found(client: FlaskClient) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(contact_list_id="lst_nope00"), headers=auth())
    body = assert_zexa_error(response, 404, "not_found", "lst_nope00")
    assert body["details"] == {"contact_list_id": "lst_nope00"}


def test_an_unknown_campaign_is_not_found(client: FlaskClient) -> None:
    assert_zexa_error(client.get(f"{CAMPAIGNS}/cmp_doesnotexist", headers=auth()), 404, "not_found")


def test_another_tenants_campaign_is_not_found(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    created = create_campaign(client, fresh_key("zexa"))
    assert_zexa_error(client.get(f"{CAMPAIGNS}/{created['id']}", headers=auth(fresh_key("zexa"))), 404, "not_found")


def test_unknown_paths_and_methods_answer_in_the_zexa_body(client: FlaskClient) -> None:
    assert_zexa_error(client.get("/zexa/v1/nothing", headers=auth()), 404, "not_found")
    assert_zexa_error(client.put(CAMPAIGNS, json={}, headers=auth()), 405, "method_not_allowed")


# -- 422 validation_error ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"sender_id": "UNKNOWNID"}, "not registered for sms"),
        ({"sender_id": "PENDINGID"}, "not approved for sms (status pending)"),
        ({"sender_id": "REJECTEDID"}, "status rejected"),
        ({"channel": "whatsapp", "sender_id": "NEWBRAND"}, "status pending"),
        ({"channel": "telegram", "sender_id": "TGPENDING"}, "status pending"),
        ({"channel": "slack", "sender_id": "SLACKPENDING"}, "status pending"),
        ({"channel": "whatsapp", "sender_id": "PENDINGID"}, "not registered for whatsapp"),
    ],
)
def test_a_sender_id_not_registered_or_not_approved_for_the_channel_is_a_validation_error(
    client: FlaskClient, overrides: dict[str, Any], fragment: str
) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(**overrides), headers=auth())
    body = assert_zexa_error(response, 422, "validation_error", fragment)
    assert "sender_id" in body["details"]["fields"]


@pytest.mark.parametrize("sender_id", ["MYBRAND", "news@mybrand.ao", "someone@elsewhere.ao"])
def test_email_without_a_verified_email_sender_is_a_validation_error(client: FlaskClient, sender_id: str) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(channel="email", sender_id=sender_id), headers=auth())
    assert_zexa_error(response, 422, "validation_error", "not a verified email sender")


@pytest.mark.parametrize("overrides", [{"body": ...}, {"body": None}, {"body": "  "}, {"body": None, "template": None}])
def test_neither_body_nor_template_is_a_validation_error(client: FlaskClient, overrides: dict[str, Any]) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(**overrides), headers=auth())
    assert_zexa_error(response, 422, "validation_error", "body is required unless template is provided")


def test_a_template_without_body_outside_whatsapp_is_a_validation_error(client: FlaskClient) -> None:
    response = client.post(CAMPAIGNS, json=campaign_body(body=..., template="summer_sale"), headers=auth())
    assert_zexa_error(response, 422, "validation_error", "whatsapp")


def test_a_bad_template_is_invalid_request(client: FlaskClient) -> None:
    body = campaign_body(channel="whatsapp", body=..., template={"language": "pt"})
    assert_zexa_error(client.post(CAMPAIGNS, json=body, headers=auth()), 400, "invalid_request", "template")


# -- 422 insufficient_credits --------------------------------------------------------------------------------
def test_a_balance_below_the_campaign_cost_is_insufficient_credits(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    credits(client, key, balance=4.5)  # 5 sms at 1 credit each

    response = client.post(CAMPAIGNS, json=campaign_body(), headers=auth(key))

    body = assert_zexa_error(response, 422, "insufficient_credits", "needs 5 credits")
    assert body["details"] == {"required": 5, "available": 4.5}
    assert client.get(CAMPAIGNS, headers=auth(key)).get_json()["meta"]["total"] == 0  # nothing was written


def test_a_balance_of_exactly_the_cost_is_enough(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    credits(client, key, balance=2.5)  # 5 emails at 0.5
    assert create_campaign(client, key, channel="email", sender_id="marketing@mybrand.ao")["total_contacts"] == 5


# -- 429 rate_limit_exceeded ---------------------------------------------------------------------------------
def test_the_tenants_rate_limit_answers_429_with_retry_after(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    settings(client, key, rate_limit_requests=2, rate_limit_window_seconds=60)
    assert client.get(CAMPAIGNS, headers=auth(key)).status_code == 200
    assert client.get(CAMPAIGNS, headers=auth(key)).status_code == 200

    refused = client.post(CAMPAIGNS, json=campaign_body(), headers=auth(key))

    body = assert_zexa_error(refused, 429, "rate_limit_exceeded", "Retry-After")
    assert refused.headers["Retry-After"] == "30"
    assert body["details"] == {"limit": 2, "window_seconds": 60.0}
    assert client.get(CAMPAIGNS, headers=auth(fresh_key("zexa"))).status_code == 200  # other keys are not limited
    advance(client, key, 30)
    assert client.get(CAMPAIGNS, headers=auth(key)).status_code == 200


def test_the_rate_limit_counts_each_key_of_a_tenant_apart(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    first, second = fresh_key("zexa"), fresh_key("zexa")
    for secret in (first, second):
        made = client.post("/_sandbox/credentials", json={"vendor": "zexa", "secret": secret, "tenant": "rl"})
        assert made.status_code in (200, 201), made.get_json()
    settings(client, first, rate_limit_requests=1, rate_limit_window_seconds=10)

    assert client.get(CAMPAIGNS, headers=auth(first)).status_code == 200
    refused = client.get(CAMPAIGNS, headers=auth(first))

    assert_zexa_error(refused, 429, "rate_limit_exceeded")
    assert refused.headers["Retry-After"] == "10"
    assert client.get(CAMPAIGNS, headers=auth(second)).status_code == 200  # same tenant, its own count


def test_without_a_configured_limit_nothing_is_refused(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    assert all(client.get(CAMPAIGNS, headers=auth(key)).status_code == 200 for _ in range(50))


def test_a_misspelt_or_bad_rate_limit_setting_is_refused(client: FlaskClient) -> None:
    for values in ({"rate_limit": 5}, {"rate_limit_requests": 0}, {"rate_limit_requests": "5"}):
        response = client.patch("/_sandbox/settings", json={"tenant": "t1", "zexa": values})
        assert response.status_code == 400


# -- list ----------------------------------------------------------------------------------------------------
def test_list_pages_newest_first_in_the_data_meta_envelope(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    ids = [create_campaign(client, key, name=f"c{n}")["id"] for n in range(5)]

    first = client.get(f"{CAMPAIGNS}?per_page=2", headers=auth(key)).get_json()
    last = client.get(f"{CAMPAIGNS}?page=3&per_page=2", headers=auth(key)).get_json()
    beyond = client.get(f"{CAMPAIGNS}?page=4&per_page=2", headers=auth(key)).get_json()

    assert list(first) == ["data", "meta"]
    assert first["meta"] == {"total": 5, "page": 1, "per_page": 2}
    assert [c["id"] for c in first["data"]] == ids[::-1][:2]
    assert [c["id"] for c in last["data"]] == ids[:1]
    assert beyond == {"data": [], "meta": {"total": 5, "page": 4, "per_page": 2}}
    assert set(first["data"][0]) == {
        "id", "name", "status", "channel", "total_contacts", "delivered", "failed",
        "created_at", "scheduled_at", "started_at", "completed_at",
    }  # fmt: skip


def test_list_defaults_to_page_1_of_50(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    assert client.get(CAMPAIGNS, headers=auth(fresh_key("zexa"))).get_json()["meta"] == {
        "total": 0, "page": 1, "per_page": 50,
    }  # fmt: skip


@pytest.mark.parametrize(("query", "ok"), [("per_page=100", True), ("per_page=1", True), ("per_page=101", False),
                                          ("per_page=0", False), ("page=0", False), ("page=x", False),
                                          ("per_page=2.5", False), ("per_page=-1", False)])  # fmt: skip
def test_paging_limits_at_both_edges(client: FlaskClient, query: str, ok: bool) -> None:
    response = client.get(f"{CAMPAIGNS}?{query}", headers=auth())
    if ok:
        assert response.status_code == 200
    else:
        assert_zexa_error(response, 400, "invalid_request", query.split("=")[0])


def test_the_journal_names_each_operation(client: FlaskClient) -> None:
    created = create_campaign(client, DEMO_KEY)
    client.get(f"{CAMPAIGNS}/{created['id']}", headers=auth())
    journal = client.get("/_sandbox/requests?vendor=zexa").get_json()["requests"]
    assert [entry["operation"] for entry in journal] == ["create_campaign", "get_campaign"]
    assert journal[0]["tenant"] == "demo"


def test_the_real_host_reaches_zexa_without_the_prefix(client: FlaskClient) -> None:
    response = client.get("/v1/credits", headers={**auth(), "Host": "api.zexa.ao"})
    assert response.get_json() == {"credits": 4250, "currency": "USD"}
