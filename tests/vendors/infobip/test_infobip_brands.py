"""Infobip brands: fixtures, create/get/update, registration on the clock and the registrar statuses."""

from __future__ import annotations

import re

import pytest
from infobip_helpers import (
    BRANDS,
    DAY,
    DEMO_KEY,
    DRAFT_BRAND,
    REJECTED_BRAND,
    SEED_BRAND,
    advance,
    assert_infobip_error,
    auth,
    brand_body,
    created,
    lifecycles,
    register,
    stage,
    validation_errors,
)

HOUR = 3600.0
BRAND_FIELDS = [
    "id", "referenceId", "applicationId", "entityId", "type", "name", "legalName", "entityType", "vertical", "taxId",
    "taxIdIssuingCountry", "stockSymbol", "stockExchange", "website", "email", "phone", "address", "stage",
    "createdDate", "lastModifiedDate",
]  # fmt: skip


def new_brand(client, key=DEMO_KEY, **overrides):
    response = client.post(BRANDS, json=brand_body(**overrides), headers=auth(key))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def brand(client, brand_id, key=DEMO_KEY):
    response = client.get(f"{BRANDS}/{brand_id}", headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def registrar(client, brand_id, key=DEMO_KEY):
    response = client.get(f"{BRANDS}/{brand_id}/registrar-statuses", headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def register_brand(client, brand_id, key=DEMO_KEY):
    return client.post(f"{BRANDS}/{brand_id}/register", headers=auth(key))


def test_the_seeds_brand_is_registered_in_every_account(client, fresh_key):
    for key in (DEMO_KEY, fresh_key("infobip")):
        seed = brand(client, SEED_BRAND, key)
        assert seed["name"] == "Examples Warehouse" and seed["stage"] == "REGISTERED"
        assert registrar(client, SEED_BRAND, key) == [
            {"registrar": "CAMPAIGN_REGISTRY", "state": "REGISTERED", "brandIdentityStatus": "VERIFIED"}
        ]


def test_the_unregistered_and_rejected_fixture_brands(client):
    assert brand(client, DRAFT_BRAND)["stage"] == "DRAFT"
    assert registrar(client, DRAFT_BRAND) == []
    assert brand(client, REJECTED_BRAND)["stage"] == "REJECTED"
    assert registrar(client, REJECTED_BRAND)[0]["state"] == "FAILED"


def test_create_brand_is_201_in_draft(client):
    made = new_brand(client)
    assert list(made) == BRAND_FIELDS
    assert re.fullmatch(r"[0-9a-f-]{36}", made["id"])
    assert made["stage"] == "DRAFT" and made["type"] == "TEN_DIGIT_LONG_CODE"
    assert made["address"]["city"] == "Austin" and made["stockSymbol"] is None
    assert brand(client, made["id"]) == made


def test_create_brand_names_every_missing_field(client):
    response = client.post(BRANDS, json={}, headers=auth())
    assert validation_errors(response) == {
        name: ["must not be null"] for name in ("name", "entityType", "vertical", "email", "phone", "address")
    }


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"entityType": "COMPANY"}, {"entityType"}),
        ({"vertical": "SPACE"}, {"vertical"}),
        ({"phone": "0123"}, {"phone"}),
        ({"email": "not-an-email"}, {"email"}),
        ({"name": "n" * 256}, {"name"}),
        ({"taxIdIssuingCountry": "usa"}, {"taxIdIssuingCountry"}),
        (
            {"address": {"addressLine1": "x", "country": "US", "postCode": "12345678901"}},
            {"address.city", "address.postCode"},
        ),
        ({"address": "Austin"}, {"address"}),
    ],
)
def test_create_brand_validation_by_field_path(client, overrides, errors):
    response = client.post(BRANDS, json=brand_body(**overrides), headers=auth())
    assert set(validation_errors(response)) == errors


def test_update_brand_replaces_it(client):
    made = new_brand(client)
    advance(client, 60)
    response = client.put(f"{BRANDS}/{made['id']}", json=brand_body(name="Sunset Coffee"), headers=auth())
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["name"] == "Sunset Coffee" and updated["createdDate"] == made["createdDate"]
    assert updated["lastModifiedDate"] > made["lastModifiedDate"]


def test_update_brand_is_refused_while_it_is_being_registered(client):
    made = new_brand(client)
    register_brand(client, made["id"])
    response = client.put(f"{BRANDS}/{made['id']}", json=brand_body(), headers=auth())
    assert_infobip_error(response, 400, "BAD_REQUEST", "Brand cannot be updated while its registration is in progress.")


@pytest.mark.parametrize("method", ["get", "put"])
def test_an_unknown_brand_is_404(client, method):
    response = getattr(client, method)(f"{BRANDS}/nope", json=brand_body(), headers=auth())
    assert_infobip_error(response, 404, "NOT_FOUND", "Brand not found.")


def test_register_brand_progresses_on_the_clock(client):
    made = new_brand(client)
    response = register_brand(client, made["id"])
    assert response.status_code == 202 and response.get_data() == b""
    assert brand(client, made["id"])["stage"] == "SUBMITTED"
    assert registrar(client, made["id"]) == [
        {"registrar": "CAMPAIGN_REGISTRY", "state": "PENDING", "brandIdentityStatus": "UNVERIFIED"}
    ]
    advance(client, HOUR)
    assert brand(client, made["id"])["stage"] == "REGISTERED"
    assert registrar(client, made["id"])[0]["state"] == "REGISTERED"


def test_a_campaign_on_a_newly_registered_brand_can_be_registered(client):
    campaign_id = created(client, brandId=DRAFT_BRAND)["id"]
    register_brand(client, DRAFT_BRAND)
    advance(client, HOUR)
    assert register(client, campaign_id).status_code == 202
    advance(client, 5 * DAY)
    assert stage(client, campaign_id) == "REGISTERED"


def test_a_brand_registration_can_be_forced_to_fail_and_be_registered_again(client, fresh_key):
    key = fresh_key("infobip")
    made = new_brand(client, key=key)
    lifecycles(client, key, lifecycle="infobip.brand", id=made["id"], outcome="rejected")
    register_brand(client, made["id"], key=key)
    advance(client, HOUR, key=key)
    assert brand(client, made["id"], key)["stage"] == "REJECTED"
    assert registrar(client, made["id"], key)[0]["state"] == "FAILED"
    lifecycles(client, key, lifecycle="infobip.brand", id=made["id"], outcome=None)
    assert register_brand(client, made["id"], key=key).status_code == 202
    advance(client, HOUR, key=key)
    assert brand(client, made["id"], key)["stage"] == "REGISTERED"


@pytest.mark.parametrize("brand_id", [SEED_BRAND, "pending"])
def test_register_brand_is_refused_when_registered_or_pending(client, brand_id):
    if brand_id == "pending":
        brand_id = new_brand(client)["id"]
        register_brand(client, brand_id)
    response = register_brand(client, brand_id)
    assert_infobip_error(response, 400, "BAD_REQUEST", "Brand can only be registered in DRAFT or REJECTED stage.")


def test_register_unknown_brand_is_404(client):
    assert_infobip_error(register_brand(client, "nope"), 404, "NOT_FOUND", "Brand not found.")
