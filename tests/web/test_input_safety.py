"""Bodies that are valid JSON but not safe text: refused the vendor's way (chunked ones: live/test_bodies_live.py)."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from webex_helpers import CAMPAIGNS, auth, campaign_body


@pytest.mark.parametrize("escape", [r"\ud800", r"\udfff", r"x\ud83d", r"\ude00y"])
def test_a_lone_surrogate_is_refused_and_nothing_is_stored(client: FlaskClient, escape: str) -> None:
    body = ('{"name": "' + escape + '", "categoryId": "Others", "notifications": [{"emailId": "a@b.c"}],'
            ' "alertsettings": [{"alertType": "N0002"}]}').encode()  # fmt: skip
    response = client.post(CAMPAIGNS, data=body, headers={**auth(), "content-type": "application/json"})
    assert (response.status_code, response.json["code"]) == (500, 1001)
    assert "surrogate" in response.headers["X-Sandbox-Detail"]
    listed = client.get(CAMPAIGNS, headers=auth())
    assert listed.status_code == 200 and listed.json == []


def test_a_surrogate_pair_is_text_and_accepted(client: FlaskClient) -> None:
    body = campaign_body(name="placeholder")
    raw = json.dumps(body).replace("placeholder", r"party \ud83c\udf89").encode()
    response = client.post(CAMPAIGNS, data=raw, headers={**auth(), "content-type": "application/json"})
    assert response.status_code == 200, response.json
    assert response.json["name"] == "party 🎉"
    assert client.get(CAMPAIGNS, headers=auth()).json[0]["name"] == "party 🎉"
