"""The contract check itself: it refuses answers the official client cannot read, and a tour reaches every endpoint.

Every Infobip test's answers pass through ``conftest.client_contract``; these tests prove the check would fail
on drift (so a passing suite means something) and that no endpoint of the client's table escapes it.
"""

from __future__ import annotations

import json
import re

import pytest
from infobip_contract import _endpoints, check
from infobip_helpers import BASE, BRANDS, CAMPAIGNS, SEED_BRAND, SEED_NUMBER, advance, auth, brand_body, created

GOOD_BRAND = {
    "id": SEED_BRAND,
    "name": "Examples Warehouse",
    "type": "TENDLC_PRIVATE_COMPANY",
    "stage": "SUBMITTED",
    "website": "https://www.example.com",
    "address": {"street": "1 Example Way", "city": "Springfield", "state": "IL", "zipCode": "62701"},
    "countryCode": "US",
    "supportPhone": "18889997777",
    "supportEmail": "examples@example.com",
    "legalName": "Examples Warehouse Inc.",
    "vertical": "RETAIL_AND_CONSUMER_PRODUCTS",
    "taxId": "123456789",
    "createdDate": "2019-08-20T09:00:00Z",
    "lastModifiedDate": "2019-08-21T09:00:00+0000",
}
JSON = "application/json"


def answer(body: object) -> bytes:
    return json.dumps(body).encode()


def test_a_good_brand_passes() -> None:
    check("GET", f"/brands/{SEED_BRAND}", 200, JSON, answer(GOOD_BRAND))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"stage": "REGISTERED"}, "stage"),  # the client's NumbersBrandStage is DRAFT/SUBMITTED
        ({"type": None}, "type"),  # the discriminator must be present
        ({"type": "TEN_DIGIT_LONG_CODE"}, "type"),
        ({"vertical": "RETAIL"}, "vertical"),
        ({"email": "examples@example.com"}, "email"),  # a field the client does not have
        ({"createdDate": "2019-08-20T09:00:00"}, "createdDate"),  # no offset: OffsetDateTime fails
        ({"id": "brand-1"}, "id"),  # not a UUID
    ],
)
def test_a_drifted_brand_fails(change: dict, why: str) -> None:
    body = {k: v for k, v in {**GOOD_BRAND, **change}.items() if v is not None}
    with pytest.raises(AssertionError, match=why):
        check("GET", f"/brands/{SEED_BRAND}", 200, JSON, answer(body))


@pytest.mark.parametrize(
    "body",
    [
        [{"network": "ATT", "state": "ACTIVE"}, {"network": "TMOBILE", "state": "ACTIVE"}],
        {"network": "ATT", "state": "DEACTIVATED"},
        {"network": "US_CELLULAR", "state": "ACTIVE", "tier": "LOW"},
    ],
)
def test_old_network_names_states_and_unknown_fields_fail(body: object) -> None:
    with pytest.raises(AssertionError):
        check("GET", "/campaigns/x/network-statuses", 200, JSON, answer(body))


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (
            403,
            {"requestError": {"serviceException": {"messageId": "UNAUTHORIZED", "text": "Unauthorized access"}}},
            JSON,
        ),
        (400, {"requestError": {"serviceException": {"messageId": "BAD_REQUEST", "text": "x", "detail": "y"}}}, JSON),
        (400, {"requestError": {"serviceException": {"messageId": "BAD_REQUEST"}}}, JSON),
        (400, {"error": "bad"}, JSON),
        (404, "<h1>Not Found</h1>", "text/html"),
    ],
)
def test_errors_the_client_cannot_map_fail(status: int, body: object, content_type: str) -> None:
    with pytest.raises(AssertionError):
        check("GET", "/campaigns", status, content_type, answer(body))


def test_bodies_and_types_of_bodiless_answers_and_unknown_endpoints_fail() -> None:
    with pytest.raises(AssertionError, match="no body"):
        check("POST", "/campaigns/x/register", 202, JSON, b"{}")
    with pytest.raises(AssertionError, match="Content-Type"):
        check("POST", "/campaigns/x/appeal", 204, "text/html; charset=utf-8", b"")
    with pytest.raises(AssertionError, match="expects"):
        check("POST", "/campaigns/x/appeal", 202, None, b"")  # the client's tests: 204
    with pytest.raises(AssertionError, match="does not have"):
        check("GET", "/campaigns/x/history", 200, JSON, b"[]")


def test_the_seeds_lower_case_message_types_pass_and_other_cases_fail(client) -> None:
    campaign = created(client)
    assert campaign["messageTypes"] == ["sms", "mms"]
    with pytest.raises(AssertionError, match="messageTypes"):
        check("GET", f"/campaigns/{campaign['id']}", 200, JSON, answer({**campaign, "messageTypes": ["Sms"]}))


def test_a_tour_of_every_endpoint_passes_the_contract(client, client_contract) -> None:
    """Each endpoint of the client's table is answered (2xx, or the documented 501) and checked."""
    campaign = created(client)["id"]
    brand = client.post(BRANDS, json=brand_body(), headers=auth()).get_json()["id"]
    calls = [
        ("GET", BRANDS), ("GET", f"{BRANDS}/{brand}"), ("PUT", f"{BRANDS}/{brand}", brand_body()),
        ("GET", f"{BRANDS}/{SEED_BRAND}/registrar-statuses"),
        ("POST", f"{BRANDS}/{SEED_BRAND}/vets", {"type": "STANDARD"}), ("GET", f"{BRANDS}/{SEED_BRAND}/vets"),
        ("PUT", f"{BRANDS}/{SEED_BRAND}/vets/import", {"type": "WMC_GLOBAL", "transactionId": "t"}),
        ("GET", f"{CAMPAIGNS}"), ("GET", f"{CAMPAIGNS}/priorities"), ("GET", f"{CAMPAIGNS}/{campaign}"),
        ("GET", f"{CAMPAIGNS}/{campaign}/network-statuses"), ("GET", f"{CAMPAIGNS}/{campaign}/numbers"),
        ("POST", f"{CAMPAIGNS}/{campaign}/number-pool/attach"), ("POST", f"{CAMPAIGNS}/{campaign}/number-pool/detach"),
        ("GET", f"{BASE}/number-pools"), ("POST", f"{CAMPAIGNS}/toll-free", {}), ("POST", f"{BASE}/documents", {}),
        ("GET", f"{BASE}/documents/{campaign}"), ("POST", f"{BASE}/automatic-review", {}),
        ("POST", f"{BASE}/automatic-review/campaigns/{campaign}"), ("GET", f"{BASE}/automatic-review/{campaign}"),
    ]  # fmt: skip
    for method, path, *body in calls:
        response = client.open(path, method=method, json=body[0] if body else None, headers=auth())
        assert response.status_code in (200, 201, 202, 204, 501), (method, path, response.get_json())
    vet = client.get(f"{BRANDS}/{SEED_BRAND}/vets", headers=auth()).get_json()["results"][0]["vetId"]
    client.get(f"{BRANDS}/{SEED_BRAND}/vets/{vet}", headers=auth())
    client.get(f"{BRANDS}/{SEED_BRAND}/vets/{vet}/report", headers=auth())
    advance(client, 86400)
    assert client.put(f"{BRANDS}/{SEED_BRAND}/vets/{vet}", json={"type": "ENHANCED"}, headers=auth()).status_code == 200
    public = {**brand_body(name="Pub"), "type": "TENDLC_PUBLIC_COMPANY", "stockExchange": "NYSE", "stockSymbol": "P"}
    public_id = client.post(BRANDS, json={**public, "businessContactEmail": "c@p.example.com"}, headers=auth())
    public_id = public_id.get_json()["id"]
    client.post(f"{BRANDS}/{public_id}/register", headers=auth())
    assert client.post(f"{BRANDS}/{public_id}/resend2fa", headers=auth()).status_code == 204
    client.post("/_sandbox/lifecycles", json={"tenant": "demo", "lifecycle": "infobip.brand", "id": public_id,
                                             "outcome": "authentication_expired"})  # fmt: skip
    advance(client, 3600)
    assert client.post(f"{BRANDS}/{public_id}/brand-auth-verification", headers=auth()).status_code == 204
    registered = created(client, numbers=[SEED_NUMBER])["id"]
    client.post(f"{CAMPAIGNS}/{registered}/register", headers=auth())
    advance(client, 5 * 86400)
    changes = [{"numbers": [SEED_NUMBER]}, {"numbers": ["14232180111"]}, {"numbers": ["14232180111"]}]
    for action, body in zip(("update-registration", "add-numbers", "remove-numbers"), changes, strict=True):
        assert client.post(f"{CAMPAIGNS}/{registered}/{action}", json=body, headers=auth()).status_code == 202
        advance(client, 3600)
    client.post(f"{CAMPAIGNS}/{registered}/deregister", headers=auth())
    rejected = created(client, ageGated=False, exampleMessages=["Two craft beers for the price of one!"])["id"]
    advance(client, 2)
    client.post(f"{CAMPAIGNS}/{rejected}/register", headers=auth())
    advance(client, 3 * 86400)
    assert client.post(f"{CAMPAIGNS}/{rejected}/appeal", json={"reason": "fixed"}, headers=auth()).status_code == 204
    fetched = client.get(f"{CAMPAIGNS}/{campaign}", headers=auth()).get_json()  # PUT back what was read
    assert client.put(f"{CAMPAIGNS}/{campaign}", json=fetched, headers=auth()).status_code == 200
    assert client.delete(f"{CAMPAIGNS}/{campaign}", headers=auth()).status_code == 204
    assert client.delete(f"{BRANDS}/{brand}", headers=auth()).status_code == 204
    reached = {
        entry["operation"]
        for entry in _endpoints()["endpoints"]
        for call in client_contract
        if call.split(" ", 1)[0] == entry["method"] and re.fullmatch(entry["path"], call.split(" ", 1)[1])
    }
    assert {entry["operation"] for entry in _endpoints()["endpoints"]} - reached == set()


def test_an_answer_routed_by_its_infobip_host_is_checked_too(client, client_contract) -> None:
    response = client.get("/number-registration/1/campaigns", headers={**auth(), "Host": "xyz.api.infobip.com"})
    assert response.status_code == 200
    assert client_contract == ["GET /campaigns"]
