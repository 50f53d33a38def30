"""Bodies sent chunked to a real socket, with no Content-Length: too large is too large, not malformed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import requests
from dailystory_helpers import CAMPAIGN as DAILYSTORY_CAMPAIGN
from dailystory_helpers import FIRST_ID as DAILYSTORY_FIRST_ID
from dailystory_helpers import bearer
from webex_helpers import CAMPAIGNS as WEBEX_CAMPAIGNS
from webex_helpers import auth

from sandbox.pytest_plugin import LiveSandbox

pytestmark = pytest.mark.live


def test_an_oversized_body_without_a_length_is_too_large_not_malformed(sandbox_server: LiveSandbox) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(2048):
            yield b"x" * 1024
        yield b'"}'

    response = requests.post(
        f"{sandbox_server.url}{WEBEX_CAMPAIGNS}",
        data=chunks(),  # chunked transfer encoding: no Content-Length
        headers={**auth(), "content-type": "application/json"},
        timeout=30,
    )
    assert (response.status_code, response.json()["code"]) == (500, 1001)
    assert "bytes or more" in response.headers["X-Sandbox-Detail"]


def test_a_huge_chunked_body_without_a_length_is_413(
    sandbox_server: LiveSandbox, fresh_key: Callable[[str], str]
) -> None:
    # The WSGI server cuts a body with no Content-Length at the limit without a word: it must not pass for
    # malformed JSON.
    body = json.dumps({"name": "big", "description": "x" * (2 * 1024 * 1024)}).encode()
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    token = fresh_key("dailystory")
    response = requests.post(
        sandbox_server.url + DAILYSTORY_CAMPAIGN,
        data=chunks,
        headers={**bearer(token), "Content-Type": "application/json"},
        timeout=10,
    )
    assert (response.status_code, response.json()["Message"]) == (413, "The request body is too large.")
    small = requests.post(
        sandbox_server.url + DAILYSTORY_CAMPAIGN, data=iter([b'{"name": "chunked"}']), headers=bearer(token), timeout=10
    )
    assert (small.status_code, small.json()["Response"]) == (200, {"id": DAILYSTORY_FIRST_ID})
