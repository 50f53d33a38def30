"""Infobip brands: the client's models, create/get/list/update/delete, registration (Authentication+) on the clock."""

from __future__ import annotations

import re

import pytest
from infobip_helpers import (
    BRANDS,
    CAMPAIGNS,
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
    public_brand_body,
    register,
    stage,
    validation_errors,
)

HOUR = 3600.0
PUBLIC = {"type": "TENDLC_PUBLIC_COMPANY", "stockSymbol": "S", "businessContactEmail": "c@d.example.com"}
NOT_REGISTRABLE = "Brand registration is pending or complete; only a new or rejected brand can be registered."
NO_AUTHENTICATION = (
    "Brand authentication can only be started for a TENDLC_PUBLIC_COMPANY brand whose authentication failed or expired."
)
EMPTY_JSON = {"Content-Type": "application/json"}  # the client's body-less POSTs: no body, a JSON type [client]
# [client NumbersBrand] in the sandbox's order, for a TENDLC_PRIVATE_COMPANY brand.
BRAND_FIELDS = [
    "id", "applicationId", "entityId", "name", "website", "type", "referenceId", "address", "countryCode",
    "supportPhone", "supportEmail", "businessContactFirstName", "businessContactLastName", "businessDBA",
    "legalName", "alternateBusinessId", "vertical", "taxId", "taxIdIssuingCountry", "stage", "createdDate",
    "lastModifiedDate",
]  # fmt: skip


def new_brand(client, key=DEMO_KEY, body=None, **overrides):
    response = client.post(BRANDS, json=body or brand_body(**overrides), headers=auth(key))
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


def state(client, brand_id, key=DEMO_KEY):
    found = registrar(client, brand_id, key)
    return found[0]["state"] if found else None


def register_brand(client, brand_id, key=DEMO_KEY):
    return client.post(f"{BRANDS}/{brand_id}/register", headers=auth(key))


def put(client, brand_id, body, key=DEMO_KEY):
    return client.put(f"{BRANDS}/{brand_id}", json=body, headers=auth(key))


def test_the_seeds_brand_is_registered_in_every_account(client, fresh_key):
    for key in (DEMO_KEY, fresh_key("infobip")):
        seed = brand(client, SEED_BRAND, key)
        assert seed["name"] == "Examples Warehouse" and seed["stage"] == "SUBMITTED"
        assert registrar(client, SEED_BRAND, key) == [
            {
                "registrar": "CAMPAIGN_REGISTRY",
                "state": "ACTIVE",
                "brandIdentityStatus": "VERIFIED",
                "brandAuthenticationStatus": None,
                "rejectionReason": None,
            }
        ]


def test_the_unregistered_and_rejected_fixture_brands(client):
    assert brand(client, DRAFT_BRAND)["stage"] == "DRAFT"
    assert registrar(client, DRAFT_BRAND) == []
    assert brand(client, REJECTED_BRAND)["stage"] == "SUBMITTED"  # the client's stages: DRAFT, SUBMITTED
    rejected = registrar(client, REJECTED_BRAND)[0]
    assert rejected["state"] == "REJECTED" and rejected["rejectionReason"]


def test_create_brand_is_201_in_draft_in_the_clients_model(client):
    made = new_brand(client)
    assert list(made) == BRAND_FIELDS
    assert re.fullmatch(r"[0-9a-f-]{36}", made["id"])
    assert made["stage"] == "DRAFT" and made["type"] == "TENDLC_PRIVATE_COMPANY"
    assert made["address"] == {"street": "5 Bean Road", "city": "Austin", "state": "TX", "zipCode": "73301"}
    assert made["supportEmail"] == "owner@coffee.example.com" and made["supportPhone"] == "+12025550199"
    assert brand(client, made["id"]) == made


def test_each_brand_type_keeps_its_own_fields(client):
    public = new_brand(client, body=public_brand_body())
    assert (public["stockExchange"], public["stockSymbol"]) == ("NASDAQ", "SUNR")
    assert public["businessContactEmail"] == "cfo@coffee.example.com"
    non_profit = new_brand(client, type="TENDLC_NON_PROFIT", taxExemptStatus="501(c)(3)", stockSymbol="X")
    assert non_profit["taxExemptStatus"] == "501(c)(3)" and "stockSymbol" not in non_profit
    government = new_brand(client, type="TENDLC_GOVERNMENT", vertical="PUBLIC_SECTOR")
    assert government["vertical"] == "PUBLIC_SECTOR" and "taxExemptStatus" not in government
    with_id = new_brand(client, alternateBusinessId={"type": "DUNS", "id": "123456789"}, businessDBA="Sunrise")
    assert with_id["alternateBusinessId"] == {"type": "DUNS", "id": "123456789"} and with_id["businessDBA"] == "Sunrise"


def test_tax_id_issuing_country_falls_back_to_the_country_code(client):
    body = brand_body(countryCode="CA", address={"street": "1 Maple", "city": "Toronto", "zipCode": "M5V"})
    del body["taxIdIssuingCountry"]
    assert new_brand(client, body=body)["taxIdIssuingCountry"] == "CA"


def test_create_brand_names_every_missing_field(client):
    response = client.post(BRANDS, json={"type": "TENDLC_PUBLIC_COMPANY"}, headers=auth())
    required = ("name", "legalName", "website", "address", "countryCode", "supportPhone", "supportEmail")
    required += ("vertical", "taxId", "stockExchange", "stockSymbol", "businessContactEmail")
    assert validation_errors(response) == {name: ["must not be null"] for name in required}


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"type": None}, {"type"}),
        ({"type": "TEN_DIGIT_LONG_CODE"}, {"type"}),  # the sandbox's old default: not a brand type
        ({"vertical": "RETAIL"}, {"vertical"}),  # TCR's name; Infobip's is RETAIL_AND_CONSUMER_PRODUCTS
        ({"supportPhone": "0123"}, {"supportPhone"}),
        ({"supportEmail": "not-an-email"}, {"supportEmail"}),
        ({"supportEmail": "a=b@example.com"}, {"supportEmail"}),
        ({"name": "n" * 256}, {"name"}),
        ({"countryCode": "usa"}, {"countryCode"}),
        ({"address": {"street": "x", "zipCode": "12345678901"}}, {"address.city", "address.zipCode"}),
        ({"address": {"street": "x", "city": "Austin", "zipCode": "1", "state": "Texas"}}, {"address.state"}),
        ({"address": "Austin"}, {"address"}),
        ({"alternateBusinessId": {"type": "EIN", "id": "1"}}, {"alternateBusinessId.type"}),
        (
            {
                "type": "TENDLC_PUBLIC_COMPANY",
                "stockExchange": "NASDAQ ",
                "stockSymbol": "S",
                "businessContactEmail": "c@d.example",
            },
            {"stockExchange"},
        ),
    ],
)
def test_create_brand_validation_by_field_path(client, overrides, errors):
    response = client.post(BRANDS, json=brand_body(**overrides), headers=auth())
    assert set(validation_errors(response)) == errors


def test_a_toll_free_brand_is_not_emulated(client):
    """The client's NumbersBrandType has no TOLL_FREE_NUMBER: it can neither build nor read such a brand."""
    response = client.post(BRANDS, json=brand_body(type="TOLL_FREE_NUMBER"), headers=auth())
    assert_infobip_error(response, 501, "NOT_IMPLEMENTED", "This operation is not emulated by the sandbox.")


def test_a_repeated_brand_reference_id_is_400_and_free_again_after_delete(client):
    first = new_brand(client, referenceId="sunrise")
    again = client.post(BRANDS, json=brand_body(referenceId="sunrise"), headers=auth())
    assert validation_errors(again) == {"referenceId": ["brand with the same referenceId already exists"]}
    assert validation_errors(client.post(BRANDS, json=brand_body(referenceId="corner-bakery"), headers=auth()))
    assert client.delete(f"{BRANDS}/{first['id']}", headers=auth()).status_code == 204
    assert new_brand(client, referenceId="sunrise")["referenceId"] == "sunrise"


# -- update: 200 never registered, 202 registered or rejected, 400 while pending [client updateBrand] ---------
def test_update_of_a_brand_never_registered_is_200_and_may_change_its_type(client):
    made = new_brand(client)
    advance(client, 60)
    response = put(client, made["id"], public_brand_body(name="Sunset Coffee"))
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["name"] == "Sunset Coffee" and updated["type"] == "TENDLC_PUBLIC_COMPANY"
    assert updated["createdDate"] == made["createdDate"] and updated["lastModifiedDate"] > made["lastModifiedDate"]
    back = put(client, made["id"], brand_body()).get_json()
    assert "stockSymbol" not in back and "stockSymbol" not in brand(client, made["id"])


def test_update_of_a_registered_or_rejected_brand_is_202(client):
    seed = brand(client, SEED_BRAND)
    body = {k: v for k, v in seed.items() if k not in ("id", "stage", "createdDate", "lastModifiedDate")}
    response = put(client, SEED_BRAND, {**body, "website": "https://shop.example.com"})
    assert response.status_code == 202 and response.get_json()["website"] == "https://shop.example.com"
    assert state(client, SEED_BRAND) == "ACTIVE"
    rejected = put(client, REJECTED_BRAND, brand_body(legalName="Accepted Traders Ltd"))
    assert rejected.status_code == 202 and state(client, REJECTED_BRAND) == "REJECTED"


@pytest.mark.parametrize(
    "change",
    [{"legalName": "Other Inc."}, {"taxId": "999999999"}, {"taxIdIssuingCountry": "CA"}, {"type": "TENDLC_GOVERNMENT"}],
)
def test_a_registered_brand_keeps_its_identity(client, change):
    seed = brand(client, SEED_BRAND)
    body = {k: v for k, v in seed.items() if k not in ("id", "stage", "createdDate", "lastModifiedDate")}
    response = put(client, SEED_BRAND, {**body, **change})
    assert_infobip_error(
        response,
        400,
        "BAD_REQUEST",
        "The legal name, type, tax id and tax id issuing country of a registered brand cannot be changed.",
    )


def test_update_brand_is_refused_while_its_registration_is_pending(client):
    made = new_brand(client)
    register_brand(client, made["id"])
    response = put(client, made["id"], brand_body())
    assert_infobip_error(response, 400, "BAD_REQUEST", "Brand cannot be updated while its registration is pending.")


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_an_unknown_brand_is_404(client, method):
    response = getattr(client, method)(f"{BRANDS}/nope", json=brand_body(), headers=auth())
    assert_infobip_error(response, 404, "NOT_FOUND", "Brand not found.")


# -- delete [client deleteBrand] ------------------------------------------------------------------------------
def test_delete_brand_is_204_with_its_deletable_campaigns(client):
    campaign_id = created(client, brandId=DRAFT_BRAND)["id"]
    response = client.delete(f"{BRANDS}/{DRAFT_BRAND}", headers=auth())
    assert response.status_code == 204 and response.get_data() == b""
    assert client.get(f"{BRANDS}/{DRAFT_BRAND}", headers=auth()).status_code == 404
    assert client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).status_code == 404


def test_delete_brand_is_refused_while_a_campaign_of_it_is_not_deletable(client):
    campaign_id = created(client)["id"]
    assert register(client, campaign_id).status_code == 202
    response = client.delete(f"{BRANDS}/{SEED_BRAND}", headers=auth())
    assert_infobip_error(
        response,
        400,
        "BAD_REQUEST",
        "Brand can only be deleted when each of its campaigns is in DRAFT, DEREGISTERED or REJECTED stage.",
    )
    assert stage(client, campaign_id) == "SUBMITTED_FOR_REVIEW"


# -- registration on the clock ------------------------------------------------------------------------------
def test_register_brand_progresses_on_the_clock(client):
    made = new_brand(client)
    response = register_brand(client, made["id"])
    assert response.status_code == 202 and response.get_data() == b""
    assert brand(client, made["id"])["stage"] == "SUBMITTED"
    assert registrar(client, made["id"])[0] == {
        "registrar": "CAMPAIGN_REGISTRY",
        "state": "PENDING",
        "brandIdentityStatus": "UNVERIFIED",
        "brandAuthenticationStatus": None,
        "rejectionReason": None,
    }
    advance(client, HOUR)
    assert state(client, made["id"]) == "ACTIVE" and brand(client, made["id"])["stage"] == "SUBMITTED"


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
    assert state(client, made["id"], key) == "REJECTED"
    lifecycles(client, key, lifecycle="infobip.brand", id=made["id"], outcome=None)
    assert register_brand(client, made["id"], key=key).status_code == 202
    advance(client, HOUR, key=key)
    assert state(client, made["id"], key) == "ACTIVE"


@pytest.mark.parametrize("brand_id", [SEED_BRAND, "pending"])
def test_register_brand_is_refused_when_registered_or_pending(client, brand_id):
    if brand_id == "pending":
        brand_id = new_brand(client)["id"]
        register_brand(client, brand_id)
    response = register_brand(client, brand_id)
    assert_infobip_error(
        response,
        400,
        "BAD_REQUEST",
        "Brand registration is pending or complete; only a new or rejected brand can be registered.",
    )


def test_register_unknown_brand_is_404(client):
    assert_infobip_error(register_brand(client, "nope"), 404, "NOT_FOUND", "Brand not found.")


# -- Authentication+ of a public company: the 2FA email ------------------------------------------------------
def authentication(client, brand_id, key=DEMO_KEY):
    found = registrar(client, brand_id, key)[0]
    return found["state"], found["brandAuthenticationStatus"]


def test_a_public_company_is_authenticated_before_it_is_verified(client):
    made = new_brand(client, body=public_brand_body())
    assert register_brand(client, made["id"]).status_code == 202
    assert authentication(client, made["id"]) == ("PENDING_2FA", "PENDING")
    advance(client, HOUR)  # the business contact completed the 2FA email
    assert authentication(client, made["id"]) == ("PENDING", "ACTIVE")
    advance(client, HOUR)
    assert authentication(client, made["id"]) == ("ACTIVE", "ACTIVE")


@pytest.mark.parametrize(
    ("outcome", "shown"), [("authentication_expired", "EXPIRED"), ("authentication_failed", "FAILED")]
)
def test_a_failed_or_expired_authentication_is_started_again(client, fresh_key, outcome, shown):
    key = fresh_key("infobip")
    made = new_brand(client, key=key, body=public_brand_body())
    lifecycles(client, key, lifecycle="infobip.brand", id=made["id"], outcome=outcome)
    register_brand(client, made["id"], key=key)
    advance(client, HOUR, key=key)
    assert authentication(client, made["id"], key) == ("PENDING_2FA", shown)
    lifecycles(client, key, lifecycle="infobip.brand", id=made["id"], outcome=None)
    response = client.post(f"{BRANDS}/{made['id']}/brand-auth-verification", headers=auth(key))
    assert response.status_code == 204 and response.get_data() == b""
    assert authentication(client, made["id"], key) == ("PENDING_2FA", "PENDING")
    advance(client, 2 * HOUR, key=key)
    assert authentication(client, made["id"], key) == ("ACTIVE", "ACTIVE")


@pytest.mark.parametrize("which", ["private", "running", "registered"])
def test_brand_auth_verification_is_refused_otherwise(client, which):
    made = new_brand(client, body=brand_body() if which == "private" else public_brand_body())
    if which != "private":
        register_brand(client, made["id"])
    if which == "registered":
        advance(client, 2 * HOUR)
    response = client.post(f"{BRANDS}/{made['id']}/brand-auth-verification", data=b"", headers={**auth(), **EMPTY_JSON})
    assert_infobip_error(response, 400, "BAD_REQUEST", NO_AUTHENTICATION)


def test_the_2fa_email_is_resent_at_most_once_every_two_hours_while_authentication_runs(client):
    made = new_brand(client, body=public_brand_body())
    resend = f"{BRANDS}/{made['id']}/resend2fa"
    empty = {**auth(), **EMPTY_JSON}
    assert_infobip_error(client.post(resend, data=b"", headers=empty), 400, "BAD_REQUEST")  # not running yet
    register_brand(client, made["id"])
    advance(client, 30 * 60)
    response = client.post(resend, data=b"", headers=empty)
    assert response.status_code == 204
    advance(client, 45 * 60)  # 75 min after register: the resend started a new hour of waiting
    assert authentication(client, made["id"]) == ("PENDING_2FA", "PENDING")
    too_soon = client.post(resend, data=b"", headers=empty)
    assert_infobip_error(too_soon, 400, "BAD_REQUEST", "The 2FA email can be resent at most once every 2 hours.")
    advance(client, 15 * 60)
    assert authentication(client, made["id"]) == ("PENDING", "ACTIVE")
