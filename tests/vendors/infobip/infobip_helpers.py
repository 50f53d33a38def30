"""Shared request bodies and helpers for the Infobip 10DLC tests."""

from __future__ import annotations

import base64
import copy
import itertools
from typing import Any

BASE = "/infobip/number-registration/1"
CAMPAIGNS = f"{BASE}/campaigns"
BRANDS = f"{BASE}/brands"
DEMO_KEY = "demo-infobip-api-key-0001"
NO_GRANT_KEY = "demo-infobip-no-grant-key-0002"
SEED_BRAND = "a0c63335-f841-4d43-9ef8-e0765a233f29"
DRAFT_BRAND = "7e1c3c2a-5b8d-4f6e-9a0b-1c2d3e4f5a6b"
REJECTED_BRAND = "3f9d2b71-0c4e-4a8f-b6d2-8e5f7a9c1b30"
SEED_NUMBER = "41785473249"
SEED_NUMBER_KEY = "8F0C7A3E1D9B4C2A6E5F7D8C9B0A1E2F"
SAMPLE_NUMBER = "41793026727"
SAMPLE_NUMBER_KEY = "2C958BA98F9EBACA4F9357D81BFBF47B"
DAY = 86400.0

_names = itertools.count(1)


def auth(key: str = DEMO_KEY) -> dict[str, str]:
    return {"Authorization": f"App {key}"}


def basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


SEED_REQUEST: dict[str, Any] = {
    "referenceId": "customer-defined-identifier",
    "type": "TEN_DIGIT_LONG_CODE",
    "applicationId": "app-id",
    "entityId": "entity-id",
    "name": "Example Promo",
    "numbers": ["41785473249"],
    "brandId": "a0c63335-f841-4d43-9ef8-e0765a233f29",
    "confirmationMessage": "Example promotional-marketing. Msg&data rates may apply. "
    "Reply HELP for help, STOP to cancel.",
    "customerCarePhone": "41785473249",
    "customerCareEmail": "examples@example.com",
    "exampleMessages": ["Come in today and get 10% OFF today!"],
    "helpMessage": "Example promotional-marketing: Help at textsupport@example.com or 18889997777. "
    "Msg&data rates may apply. Reply STOP to cancel.",
    "lowVolume": False,
    "messageTypes": ["SMS", "MMS"],
    "programSummary": "A mix of promotional and informational messaging.",
    "stopMessage": "Example promotional-marketing: You have been unsubscribed, no more messages will be sent.",
    "useCases": ["PROMOTIONAL_MARKETING", "EDUCATION"],
    "optIns": {
        "keyword": {
            "callToAction": "Text MESSAGE to subscribe to recurring promotional marketing alerts. "
            "Msg&DataRates may apply. Text HELP for help, STOP to opt out. Terms and PP "
            "https://www.example.om/terms-of-service/",
            "keywords": ["MESSAGE"],
        }
    },
    "ageGated": True,
    "directLending": False,
    "embeddedLink": True,
    "embeddedPhone": False,
}


def seed_request() -> dict[str, Any]:
    """Seed 001's request sample, as it stands."""
    return copy.deepcopy(SEED_REQUEST)


TERMS_URL = "https://www.example.com/terms-of-service/"


def client_request() -> dict[str, Any]:
    """The seed's sample with the one field its own schema (and the client's model) requires but the sample lacks."""
    return {**seed_request(), "termsAndConditionsUrl": TERMS_URL}


def campaign_body(**overrides: Any) -> dict[str, Any]:
    """The seed's sample (with its terms URL) under a unique name and no referenceId, so it can be sent many times."""
    body = client_request()
    del body["referenceId"]
    body["name"] = f"Campaign {next(_names)}"
    body.update(overrides)
    return body


AGE_GATED = {"ageGated": False, "exampleMessages": ["Happy hour: two craft beers for the price of one!"]}


def brand_body(**overrides: Any) -> dict[str, Any]:
    """A TENDLC_PRIVATE_COMPANY brand as the official client sends it (NumbersPrivateCompanyBrand)."""
    body: dict[str, Any] = {
        "type": "TENDLC_PRIVATE_COMPANY",
        "name": "Sunrise Coffee",
        "legalName": "Sunrise Coffee LLC",
        "website": "https://coffee.example.com",
        "address": {"street": "5 Bean Road", "city": "Austin", "state": "TX", "zipCode": "73301"},
        "countryCode": "US",
        "supportPhone": "+12025550199",
        "supportEmail": "owner@coffee.example.com",
        "vertical": "RETAIL_AND_CONSUMER_PRODUCTS",
        "taxId": "121212121",
        "taxIdIssuingCountry": "US",
    }
    body.update(overrides)
    return body


def public_brand_body(**overrides: Any) -> dict[str, Any]:
    """A TENDLC_PUBLIC_COMPANY brand: stock exchange and symbol, and the contact who gets the 2FA email."""
    extra = {"stockExchange": "NASDAQ", "stockSymbol": "SUNR", "businessContactEmail": "cfo@coffee.example.com"}
    return brand_body(type="TENDLC_PUBLIC_COMPANY", **{**extra, **overrides})


def create(client: Any, body: dict[str, Any], key: str = DEMO_KEY) -> Any:
    return client.post(CAMPAIGNS, json=body, headers=auth(key))


def created(client: Any, key: str = DEMO_KEY, **overrides: Any) -> dict[str, Any]:
    response = create(client, campaign_body(**overrides), key)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def get(client: Any, campaign_id: str, key: str = DEMO_KEY) -> dict[str, Any]:
    response = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def stage(client: Any, campaign_id: str, key: str = DEMO_KEY) -> str:
    return str(get(client, campaign_id, key)["stage"])


def register(client: Any, campaign_id: str, key: str = DEMO_KEY, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{CAMPAIGNS}/{campaign_id}/register", json=body, headers=auth(key))


def advance(client: Any, seconds: float, key: str = DEMO_KEY) -> dict[str, Any]:
    response = client.post("/_sandbox/clock/advance", json={"seconds": seconds, "credential": key, "vendor": "infobip"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def lifecycles(client: Any, key: str, **body: Any) -> dict[str, Any]:
    response = client.post("/_sandbox/lifecycles", json={"credential": key, "vendor": "infobip", **body})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_infobip_error(
    response: Any, status: int, message_id: str, text: str | None = None, validation: dict[str, Any] | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"requestError"}
    exception = body["requestError"]["serviceException"]
    assert exception["messageId"] == message_id
    if text is not None:
        assert exception["text"] == text
    if validation is not None:
        assert exception["validationErrors"] == validation
    else:
        assert set(exception) <= {"messageId", "text", "validationErrors"}
    return dict(exception)


def validation_errors(response: Any) -> dict[str, list[str]]:
    exception = assert_infobip_error(response, 400, "BAD_REQUEST", "Bad request")
    return dict(exception["validationErrors"])
