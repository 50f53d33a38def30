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
    fresh_key,
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


def test_the_seeds_brand_is_registered_in_every_account(sandbox_client):
    for key in (DEMO_KEY, fresh_key()):
        seed = brand(sandbox_client, SEED_BRAND, key)
        assert seed["name"] == "Examples Warehouse" and seed["stage"] == "REGISTERED"
        assert registrar(sandbox_client, SEED_BRAND, key) == [
            {"registrar": "CAMPAIGN_REGISTRY", "state": "REGISTERED", "brandIdentityStatus": "VERIFIED"}
        ]


def test_the_unregistered_and_rejected_fixture_brands(sandbox_client):
    assert brand(sandbox_client, DRAFT_BRAND)["stage"] == "DRAFT"
    assert registrar(sandbox_client, DRAFT_BRAND) == []
    assert brand(sandbox_client, REJECTED_BRAND)["stage"] == "REJECTED"
    assert registrar(sandbox_client, REJECTED_BRAND)[0]["state"] == "FAILED"


def test_create_brand_is_201_in_draft(sandbox_client):
    made = new_brand(sandbox_client)
    assert list(made) == BRAND_FIELDS
    assert re.fullmatch(r"[0-9a-f-]{36}", made["id"])
    assert made["stage"] == "DRAFT" and made["type"] == "TEN_DIGIT_LONG_CODE"
    assert made["address"]["city"] == "Austin" and made["stockSymbol"] is None
    assert brand(sandbox_client, made["id"]) == made


def test_create_brand_names_every_missing_field(sandbox_client):
    response = sandbox_client.post(BRANDS, json={}, headers=auth())
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
def test_create_brand_validation_by_field_path(sandbox_client, overrides, errors):
    response = sandbox_client.post(BRANDS, json=brand_body(**overrides), headers=auth())
    assert set(validation_errors(response)) == errors


def test_update_brand_replaces_it(sandbox_client):
    made = new_brand(sandbox_client)
    advance(sandbox_client, 60)
    response = sandbox_client.put(f"{BRANDS}/{made['id']}", json=brand_body(name="Sunset Coffee"), headers=auth())
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["name"] == "Sunset Coffee" and updated["createdDate"] == made["createdDate"]
    assert updated["lastModifiedDate"] > made["lastModifiedDate"]


def test_update_brand_is_refused_while_it_is_being_registered(sandbox_client):
    made = new_brand(sandbox_client)
    register_brand(sandbox_client, made["id"])
    response = sandbox_client.put(f"{BRANDS}/{made['id']}", json=brand_body(), headers=auth())
    assert_infobip_error(response, 400, "BAD_REQUEST", "Brand cannot be updated while its registration is in progress.")


@pytest.mark.parametrize("method", ["get", "put"])
def test_an_unknown_brand_is_404(sandbox_client, method):
    response = getattr(sandbox_client, method)(f"{BRANDS}/nope", json=brand_body(), headers=auth())
    assert_infobip_error(response, 404, "NOT_FOUND", "Brand not found.")


def test_register_brand_progresses_on_the_clock(sandbox_client):
    made = new_brand(sandbox_client)
    response = register_brand(sandbox_client, made["id"])
    assert response.status_code == 202 and response.get_data() == b""
    assert brand(sandbox_client, made["id"])["stage"] == "SUBMITTED"
    assert registrar(sandbox_client, made["id"]) == [
        {"registrar": "CAMPAIGN_REGISTRY", "state": "PENDING", "brandIdentityStatus": "UNVERIFIED"}
    ]
    advance(sandbox_client, HOUR)
    assert brand(sandbox_client, made["id"])["stage"] == "REGISTERED"
    assert registrar(sandbox_client, made["id"])[0]["state"] == "REGISTERED"


def test_a_campaign_on_a_newly_registered_brand_can_be_registered(sandbox_client):
    campaign_id = created(sandbox_client, brandId=DRAFT_BRAND)["id"]
    register_brand(sandbox_client, DRAFT_BRAND)
    advance(sandbox_client, HOUR)
    assert register(sandbox_client, campaign_id).status_code == 202
    advance(sandbox_client, 5 * DAY)
    assert stage(sandbox_client, campaign_id) == "REGISTERED"


def test_a_brand_registration_can_be_forced_to_fail_and_be_registered_again(sandbox_client):
    key = fresh_key()
    made = new_brand(sandbox_client, key=key)
    lifecycles(sandbox_client, key, lifecycle="infobip.brand", id=made["id"], outcome="rejected")
    register_brand(sandbox_client, made["id"], key=key)
    advance(sandbox_client, HOUR, key=key)
    assert brand(sandbox_client, made["id"], key)["stage"] == "REJECTED"
    assert registrar(sandbox_client, made["id"], key)[0]["state"] == "FAILED"
    lifecycles(sandbox_client, key, lifecycle="infobip.brand", id=made["id"], outcome=None)
    assert register_brand(sandbox_client, made["id"], key=key).status_code == 202
    advance(sandbox_client, HOUR, key=key)
    assert brand(sandbox_client, made["id"], key)["stage"] == "REGISTERED"


@pytest.mark.parametrize("brand_id", [SEED_BRAND, "pending"])
def test_register_brand_is_refused_when_registered_or_pending(sandbox_client, brand_id):
    if brand_id == "pending":
        brand_id = new_brand(sandbox_client)["id"]
        register_brand(sandbox_client, brand_id)
    response = register_brand(sandbox_client, brand_id)
    assert_infobip_error(response, 400, "BAD_REQUEST", "Brand can only be registered in DRAFT or REJECTED stage.")


def test_register_unknown_brand_is_404(sandbox_client):
    assert_infobip_error(register_brand(sandbox_client, "nope"), 404, "NOT_FOUND", "Brand not found.")
