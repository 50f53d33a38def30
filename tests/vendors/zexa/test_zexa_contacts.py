"""Zexa contacts, sender ids and credits as the API shows them; the fixtures every tenant starts with."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from zexa_helpers import CONTACTS, assert_zexa_error, auth, create_campaign

ID = re.compile(r"^cnt_[a-z0-9]{12}$")


def contact(**overrides: Any) -> dict[str, Any]:
    body = {"name": "Zé Ninguém", "phone": "+244923111222", "email": "ze@example.ao", "lists": ["lst_abc123"]}
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def test_create_contact_answers_201_with_the_documented_fields(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    response = client.post(CONTACTS, json=contact(), headers=auth(fresh_key("zexa")))

    assert response.status_code == 201
    body = response.get_json()
    assert list(body) == ["id", "name", "phone", "email", "lists", "created_at"]
    assert ID.match(body["id"])
    assert (body["name"], body["phone"], body["email"], body["lists"]) == (
        "Zé Ninguém", "+244923111222", "ze@example.ao", ["lst_abc123"],
    )  # fmt: skip


def test_a_new_contact_receives_the_lists_campaigns(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    client.post(CONTACTS, json=contact(lists=["lst_vip001", "lst_vip001"]), headers=auth(key))
    assert create_campaign(client, key, contact_list_id="lst_vip001")["total_contacts"] == 3


@pytest.mark.parametrize(
    "overrides",
    [
        {"phone": ..., "email": ...},
        {"phone": None, "email": None},
        {"phone": "923111222"},
        {"phone": "+0123456789"},
        {"phone": 244923111222},
        {"email": "not-an-email"},
        {"lists": "lst_abc123"},
        {"lists": [1]},
        {"lists": ["l"] * 101},
        {"name": "n" * 256},
    ],
)
def test_bad_contacts_are_invalid_request(
    client: FlaskClient, overrides: dict[str, Any], fresh_key: Callable[[str], str]
) -> None:
    response = client.post(CONTACTS, json=contact(**overrides), headers=auth(fresh_key("zexa")))
    assert_zexa_error(response, 400, "invalid_request")


@pytest.mark.parametrize("overrides", [{"email": ...}, {"phone": ...}, {"lists": ...}, {"name": ...}])
def test_phone_or_email_is_enough(
    client: FlaskClient, overrides: dict[str, Any], fresh_key: Callable[[str], str]
) -> None:
    assert client.post(CONTACTS, json=contact(**overrides), headers=auth(fresh_key("zexa"))).status_code == 201


def test_an_unknown_list_is_not_found_and_nothing_is_written(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    response = client.post(CONTACTS, json=contact(lists=["lst_abc123", "lst_nope00"]), headers=auth(key))
    assert_zexa_error(response, 404, "not_found", "lst_nope00")
    assert client.get(CONTACTS, headers=auth(key)).get_json()["meta"]["total"] == 8


def test_malformed_contact_json_is_invalid_request(client: FlaskClient) -> None:
    response = client.post(CONTACTS, data=b"{oops", headers={**auth(), "Content-Type": "application/json"})
    assert_zexa_error(response, 400, "invalid_request")


def test_list_contacts_pages_the_fixtures_and_new_ones(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    created = client.post(CONTACTS, json=contact(), headers=auth(key)).get_json()

    page = client.get(f"{CONTACTS}?per_page=3", headers=auth(key)).get_json()

    assert page["meta"] == {"total": 9, "page": 1, "per_page": 3}
    assert page["data"][0] == created
    assert_zexa_error(client.get(f"{CONTACTS}?per_page=101", headers=auth(key)), 400, "invalid_request")


def test_delete_contact_answers_204_then_404_and_leaves_its_lists(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    response = client.delete(f"{CONTACTS}/cnt_ana00001", headers=auth(key))

    assert (response.status_code, response.get_data()) == (204, b"")
    assert_zexa_error(client.delete(f"{CONTACTS}/cnt_ana00001", headers=auth(key)), 404, "not_found")
    assert create_campaign(client, key, contact_list_id="lst_vip001")["total_contacts"] == 1


def test_deleting_a_contact_does_not_change_a_campaign_already_made(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    created = create_campaign(client, key, contact_list_id="lst_vip001", scheduled_at="2099-01-01T00:00:00Z")
    client.delete(f"{CONTACTS}/cnt_ana00001", headers=auth(key))
    found = client.get(f"/zexa/v1/campaigns/{created['id']}", headers=auth(key)).get_json()
    assert found["total_contacts"] == 2


def test_sender_ids_list_every_channel_with_its_status(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    body = client.get("/zexa/v1/sender-ids", headers=auth(fresh_key("zexa"))).get_json()

    assert body["meta"] == {"total": 11, "page": 1, "per_page": 50}
    first = body["data"][0]
    assert list(first) == ["sender_id", "channel", "status", "created_at"]
    assert (first["sender_id"], first["channel"], first["status"]) == ("MYBRAND", "sms", "approved")
    statuses = {(s["channel"], s["sender_id"]): s["status"] for s in body["data"]}
    assert statuses[("email", "marketing@mybrand.ao")] == "verified"
    assert {s["channel"] for s in body["data"]} == {"sms", "whatsapp", "telegram", "slack", "email"}
    assert "pending" in {s["status"] for s in body["data"]}


def test_sender_ids_page_like_every_list(client: FlaskClient) -> None:
    body = client.get("/zexa/v1/sender-ids?page=2&per_page=10", headers=auth()).get_json()
    assert (len(body["data"]), body["meta"]) == (1, {"total": 11, "page": 2, "per_page": 10})


def test_credits_answer_the_balance_and_currency(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    response = client.get("/zexa/v1/credits", headers=auth(fresh_key("zexa")))
    assert (response.status_code, response.get_json()) == (200, {"credits": 4250, "currency": "USD"})


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/zexa/v1/credits"), ("get", "/zexa/v1/sender-ids"), ("get", CONTACTS), ("delete", f"{CONTACTS}/x")],
)
def test_every_endpoint_needs_a_key(client: FlaskClient, method: str, path: str) -> None:
    assert_zexa_error(getattr(client, method)(path), 401, "unauthorized")


def test_a_tenant_reset_brings_the_fixtures_back(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    client.delete(f"{CONTACTS}/cnt_ana00001", headers=auth(key))
    client.post("/_sandbox/zexa/credits", json={"credential": key, "balance": 1})
    assert client.post("/_sandbox/reset", json={"credential": key, "vendor": "zexa"}).status_code == 200
    assert client.get(CONTACTS, headers=auth(key)).get_json()["meta"]["total"] == 8
    assert client.get("/zexa/v1/credits", headers=auth(key)).get_json()["credits"] == 4250
