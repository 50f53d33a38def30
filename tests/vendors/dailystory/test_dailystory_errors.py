"""DailyStory failures outside validation: malformed and huge bodies, unknown paths and methods."""

from __future__ import annotations

import pytest
from dailystory_helpers import (
    CAMPAIGN,
    CAMPAIGNS,
    FIRST_ID,
    FIXTURE_IDS,
    assert_failure,
    bearer,
    create,
    listed,
)

from sandbox.vendors.dailystory.errors import CATALOGUE
from sandbox.vendors.dailystory.models import DailyStoryBackend


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"[1, 2]",
        b'"text"',
        b"null",
        b'{"name": NaN}',
        b'{"name": Infinity}',
        b"\xff\xfe{}",
        b"[" * 100_000,
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(client, raw):
    response = client.post(CAMPAIGN, data=raw, headers={**bearer(), "Content-Type": "application/json"})
    assert_failure(response, 400, "The request body must be a JSON object.")
    assert response.headers["X-Sandbox-Detail"]


def test_a_huge_body_is_413_and_changes_nothing(client, token):
    body = {"name": "big", "description": "x" * (2 * 1024 * 1024)}
    assert_failure(client.post(CAMPAIGN, json=body, headers=bearer(token)), 413, "The request body is too large.")
    assert len(listed(client, token)) == len(FIXTURE_IDS)
    assert create(client, token) == FIRST_ID


def test_an_unexpected_failure_is_500_in_the_envelope(client, monkeypatch):
    def broken(self):
        raise RuntimeError("a bug in the sandbox")

    monkeypatch.setattr(DailyStoryBackend, "list_campaigns", broken)
    response = client.get(CAMPAIGNS, headers=bearer())
    assert_failure(response, 500, "An unexpected error occurred.")
    assert "Traceback" not in response.get_data(as_text=True)


def test_an_unknown_path_is_404_in_the_envelope(client):
    response = client.get("/dailystory/api/v1/nothing-here", headers=bearer())
    assert_failure(response, 404, "The requested API endpoint does not exist.")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", CAMPAIGN),
        ("get", CAMPAIGN),
        ("delete", CAMPAIGNS),
        ("patch", f"{CAMPAIGN}/24101"),
        ("post", f"{CAMPAIGN}/24101"),
    ],
)
def test_a_wrong_method_is_405_in_the_envelope(client, method, path):
    response = getattr(client, method)(path, headers=bearer())
    assert_failure(response, 405, "The HTTP method is not supported by this endpoint.")


def test_the_real_host_reaches_the_vendor_without_the_prefix(client):
    response = client.get("/api/v1/campaigns", headers={**bearer(), "Host": "us-1.dailystory.com"})
    assert response.status_code == 200 and response.get_json()["Status"] is True


def test_every_catalogue_entry_has_a_status_a_message_and_a_source(client):
    for entry in CATALOGUE.values():
        assert 400 <= entry.status < 600 and entry.message and entry.source in ("[seed]", "[doc]", "[decided]")


def test_requests_are_journaled_with_their_operation(client, token):
    create(client, token)
    client.get(f"{CAMPAIGN}/24109", headers=bearer(token))
    entries = client.get(f"/_sandbox/requests?vendor=dailystory&credential={token}").get_json()["requests"]
    assert [(e["operation"], e["path"]) for e in entries] == [
        ("create_or_update_campaign", "/api/v1/campaign"),
        ("get_campaign", "/api/v1/campaign/24109"),
    ]
