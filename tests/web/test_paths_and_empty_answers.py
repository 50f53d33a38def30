"""Paths with an empty segment get the vendor's JSON 404 (never a redirect); bodiless answers carry no type."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

ZEXA = {"Authorization": "Bearer demo-zexa-api-key-0001"}
INFOBIP = {"Authorization": "App demo-infobip-api-key-0001"}
WEBEX = {"Authorization": "Bearer demo-webex-api-key-0001"}
DAILYSTORY = {"Authorization": "Bearer demo-dailystory-token-0001"}


@pytest.mark.parametrize(
    ("path", "headers", "key"),
    [
        ("/zexa/v1//campaigns", ZEXA, "error"),
        ("/zexa//v1/campaigns", ZEXA, "error"),
        ("/zexa/v1/campaigns//", ZEXA, "error"),
        ("/infobip/number-registration/1/campaigns//network-statuses", INFOBIP, "requestError"),
        ("/infobip/number-registration/1//brands", INFOBIP, "requestError"),
        ("/webex/v1//campaigns", WEBEX, "code"),
        ("/dailystory/api/v1//campaigns", DAILYSTORY, "Status"),
    ],
)
def test_an_empty_path_segment_is_the_vendors_json_404(client: FlaskClient, path: str, headers: dict, key: str) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 404, response.data
    assert "Location" not in response.headers
    assert response.mimetype == "application/json"
    if key is not None:
        assert key in response.get_json()


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/webex/v1/campaigns/a%0Ab", WEBEX, 404),  # the detail quotes the id
        ("GET", "/webex/v1/nothing%0D%0Ahere", WEBEX, 404),  # ... or the path
        ("GET", "/zexa/v1/contacts/a%0Ab", ZEXA, 405),
        ("GET", "/zexa/v1/nothing%0A", ZEXA, 404),
        ("GET", "/infobip/number-registration/1/nothing%0A", INFOBIP, 404),
        ("GET", "/dailystory/api/v1/nothing%0A", DAILYSTORY, 404),
    ],
)
def test_a_newline_in_the_path_gets_the_vendors_error_with_the_detail_escaped(
    client: FlaskClient, method: str, path: str, headers: dict, status: int
) -> None:
    # Schemathesis found it: the detail quoted the path with its newline, werkzeug refused to write such a
    # header, and the request answered an unrequested 500.
    response = client.open(path, method=method, headers=headers)
    assert response.status_code == status, response.data
    detail = response.headers["X-Sandbox-Detail"]
    assert "\\n" in detail and "\n" not in detail and "\r" not in detail


def test_a_trailing_slash_still_reaches_its_route(client: FlaskClient) -> None:
    response = client.get("/zexa/v1/campaigns/", headers=ZEXA)
    assert response.status_code == 200 and "data" in response.get_json()


def test_a_204_has_no_body_and_no_content_type(client: FlaskClient) -> None:
    contact = client.post("/zexa/v1/contacts", json={"name": "Gone soon", "phone": "+244924000001"}, headers=ZEXA)
    assert contact.status_code == 201, contact.get_json()
    response = client.delete(f"/zexa/v1/contacts/{contact.get_json()['id']}", headers=ZEXA)
    assert response.status_code == 204 and response.data == b""
    assert "Content-Type" not in response.headers


def test_a_202_without_a_body_has_no_content_type(client: FlaskClient) -> None:
    brand = "7e1c3c2a-5b8d-4f6e-9a0b-1c2d3e4f5a6b"  # the fixtures' DRAFT brand
    response = client.post(f"/infobip/number-registration/1/brands/{brand}/register", headers=INFOBIP)
    assert response.status_code == 202 and response.data == b""
    assert "Content-Type" not in response.headers
