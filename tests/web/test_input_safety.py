"""Bodies that are valid JSON but not safe text, or too large without a length: refused the vendor's way."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from flask.testing import FlaskClient
from webex_helpers import CAMPAIGNS, auth, campaign_body

from sandbox.pytest_plugin import LiveSandbox


@pytest.mark.parametrize("escape", [r"\ud800", r"\udfff", r"x\ud83d", r"\ude00y"])
def test_a_lone_surrogate_is_refused_and_nothing_is_stored(sandbox_client: FlaskClient, escape: str) -> None:
    body = ('{"name": "' + escape + '", "categoryId": "Others", "notifications": [{"emailId": "a@b.c"}],'
            ' "alertsettings": [{"alertType": "N0002"}]}').encode()  # fmt: skip
    response = sandbox_client.post(CAMPAIGNS, data=body, headers={**auth(), "content-type": "application/json"})
    assert (response.status_code, response.json["code"]) == (500, 1001)
    assert "surrogate" in response.headers["X-Sandbox-Detail"]
    listed = sandbox_client.get(CAMPAIGNS, headers=auth())
    assert listed.status_code == 200 and listed.json == []


def test_a_surrogate_pair_is_text_and_accepted(sandbox_client: FlaskClient) -> None:
    body = campaign_body(name="placeholder")
    raw = json.dumps(body).replace("placeholder", r"party \ud83c\udf89").encode()
    response = sandbox_client.post(CAMPAIGNS, data=raw, headers={**auth(), "content-type": "application/json"})
    assert response.status_code == 200, response.json
    assert response.json["name"] == "party 🎉"
    assert sandbox_client.get(CAMPAIGNS, headers=auth()).json[0]["name"] == "party 🎉"


@pytest.mark.live
def test_an_oversized_body_without_a_length_is_too_large_not_malformed(sandbox_server: LiveSandbox) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(2048):
            yield b"x" * 1024
        yield b'"}'

    response = requests.post(
        f"{sandbox_server.url}{CAMPAIGNS}",
        data=chunks(),  # chunked transfer encoding: no Content-Length
        headers={**auth(), "content-type": "application/json"},
        timeout=30,
    )
    assert (response.status_code, response.json()["code"]) == (500, 1001)
    assert "bytes or more" in response.headers["X-Sandbox-Detail"]
