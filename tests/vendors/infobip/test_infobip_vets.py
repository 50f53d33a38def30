"""Infobip brand vets: request (vetted on the clock), list, get, upgrade to ENHANCED, import, and their refusals."""

from __future__ import annotations

import pytest
from infobip_helpers import (
    BRANDS,
    DAY,
    DEMO_KEY,
    DRAFT_BRAND,
    SEED_BRAND,
    advance,
    assert_infobip_error,
    auth,
    lifecycles,
)

VETS = f"{BRANDS}/{SEED_BRAND}/vets"


def vet(client, body=None, brand_id=SEED_BRAND, key=DEMO_KEY):
    return client.post(f"{BRANDS}/{brand_id}/vets", json=body or {"type": "STANDARD"}, headers=auth(key))


def read(client, vet_id, key=DEMO_KEY):
    response = client.get(f"{VETS}/{vet_id}", headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def identity(client, brand_id=SEED_BRAND):
    return client.get(f"{BRANDS}/{brand_id}/registrar-statuses", headers=auth()).get_json()[0]["brandIdentityStatus"]


def test_a_vet_is_202_pending_then_vetted_on_the_clock(client):
    response = vet(client)
    assert response.status_code == 202
    made = response.get_json()
    assert made["status"] == "PENDING" and made["type"] == "STANDARD" and made["brandId"] == SEED_BRAND
    assert made["imported"] is False and made["score"] is None and made["vettedDate"] is None
    assert identity(client) == "VERIFIED"
    advance(client, DAY)
    done = read(client, made["vetId"])
    assert done["status"] == "SUCCESS" and done["score"] == 75 and done["vettedDate"]
    assert identity(client) == "VETTED_VERIFIED"


def test_a_vet_can_fail(client, fresh_key):
    key = fresh_key("infobip")
    made = vet(client, key=key).get_json()
    lifecycles(client, key, lifecycle="infobip.brand_vet", id=made["vetId"], outcome="failure")
    advance(client, DAY, key=key)
    assert read(client, made["vetId"], key)["status"] == "FAILURE"


def test_at_most_one_vet_per_30_days(client):
    assert vet(client).status_code == 202
    assert_infobip_error(vet(client), 400, "BAD_REQUEST", "A brand can be vetted at most once every 30 days.")
    advance(client, 30 * DAY)
    assert vet(client, {"type": "POLITICAL"}).status_code == 202


def test_a_vet_needs_a_registered_brand_and_a_known_type(client):
    response = vet(client, brand_id=DRAFT_BRAND)
    assert_infobip_error(response, 400, "BAD_REQUEST", "A brand must be registered before it can be vetted.")
    assert_infobip_error(vet(client, {"type": "DELUXE"}), 400, "BAD_REQUEST")
    response = vet(client, {"type": "ENHANCED"})
    text = "An ENHANCED vet is requested by updating the brand's current STANDARD vet."
    assert_infobip_error(response, 400, "BAD_REQUEST", text)
    assert_infobip_error(vet(client, brand_id="nope"), 404, "NOT_FOUND", "Brand not found.")


def test_the_current_standard_vet_is_upgraded_to_enhanced_within_30_days(client):
    made = vet(client).get_json()
    advance(client, DAY)
    response = client.put(f"{VETS}/{made['vetId']}", json={"type": "ENHANCED"}, headers=auth())
    assert response.status_code == 200
    assert response.get_json()["type"] == "ENHANCED" and response.get_json()["status"] == "PENDING"
    advance(client, DAY)
    done = read(client, made["vetId"])
    assert done["status"] == "SUCCESS" and done["score"] == 88 and done["enhancedVettedDate"] > done["vettedDate"]


@pytest.mark.parametrize("case", ["pending", "late", "standard", "political"])
def test_a_vet_update_is_refused_otherwise(client, case):
    made = vet(client, {"type": "POLITICAL"} if case == "political" else None).get_json()
    advance(client, 0 if case == "pending" else 31 * DAY if case == "late" else DAY)
    body = {"type": "STANDARD" if case == "standard" else "ENHANCED"}
    response = client.put(f"{VETS}/{made['vetId']}", json=body, headers=auth())
    text = (
        "Only the brand's current successful STANDARD vet can be updated, to ENHANCED, within 30 days of its vetting."
    )
    assert_infobip_error(response, 400, "BAD_REQUEST", text)


def test_vets_are_listed_per_brand_with_paging_and_sort(client):
    first = vet(client).get_json()
    imported = client.put(f"{VETS}/import", json={"type": "WMC_GLOBAL", "transactionId": "tx-1"}, headers=auth())
    page = client.get(VETS, query_string={"sort": "type,desc", "size": 1}, headers=auth()).get_json()
    assert page["paging"] == {"page": 0, "size": 1, "totalPages": 2, "totalResults": 2}
    assert [v["vetId"] for v in page["results"]] == [first["vetId"]]  # STANDARD twice: creation order
    assert imported.get_json()["vetId"] in {v["vetId"] for v in client.get(VETS, headers=auth()).get_json()["results"]}
    other = client.get(f"{BRANDS}/{DRAFT_BRAND}/vets", headers=auth()).get_json()
    assert other["paging"]["totalResults"] == 0


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"type": "AEGIS_MOBILE", "externalVetId": "AEG-1", "vettingToken": "tok"}, "STANDARD"),
        ({"type": "CAMPAIGN_VERIFY", "authorizationToken": "cv-token"}, "POLITICAL"),
        ({"type": "WMC_GLOBAL", "transactionId": "tx-1"}, "STANDARD"),
    ],
)
def test_an_existing_vet_is_imported_as_a_success(client, body, kind):
    response = client.put(f"{VETS}/import", json=body, headers=auth())
    assert response.status_code == 200
    imported = response.get_json()
    assert (imported["imported"], imported["importedVetProvider"], imported["type"]) == (True, body["type"], kind)
    assert imported["status"] == "SUCCESS" and imported["vettedDate"]
    assert read(client, imported["vetId"]) == imported


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"type": "AEGIS_MOBILE", "externalVetId": "AEG-1"}, {"vettingToken": ["must not be null"]}),
        ({"type": "CAMPAIGN_VERIFY"}, {"authorizationToken": ["must not be null"]}),
        ({}, {"type": ["must not be null"]}),
        ({"type": "TCR"}, {"type": ["must be one of [AEGIS_MOBILE, CAMPAIGN_VERIFY, WMC_GLOBAL]"]}),
    ],
)
def test_an_import_needs_its_providers_fields(client, body, errors):
    response = client.put(f"{VETS}/import", json=body, headers=auth())
    assert assert_infobip_error(response, 400, "BAD_REQUEST")["validationErrors"] == errors


def test_an_unknown_or_another_brands_vet_is_404(client):
    made = vet(client).get_json()
    assert_infobip_error(client.get(f"{VETS}/nope", headers=auth()), 404, "NOT_FOUND", "Vet not found.")
    response = client.get(f"{BRANDS}/{DRAFT_BRAND}/vets/{made['vetId']}", headers=auth())
    assert_infobip_error(response, 404, "NOT_FOUND", "Vet not found.")


def test_the_enhanced_vet_report_is_not_emulated(client):
    made = vet(client).get_json()
    response = client.get(f"{VETS}/{made['vetId']}/report", headers=auth())
    assert_infobip_error(response, 501, "NOT_IMPLEMENTED", "This operation is not emulated by the sandbox.")
