"""sandbox.mock(): code that calls the vendors' real hosts with requests or httpx is answered in process."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import requests
import respx

import sandbox
from sandbox.mocking import mock

ZEXA = "https://api.zexa.ao/v1"
WEBEX = "https://api.webexcampaign.com/v1/campaigns"
INFOBIP = "https://xyz123.api.infobip.com/number-registration/1/brands"
DAILYSTORY = "https://us-1.dailystory.com/api/v1/campaigns"
SALE = {"name": "Sale", "channel": "sms", "contact_list_id": "lst_abc123", "sender_id": "MYBRAND", "body": "20% off"}
CAMPAIGN = {
    "name": "Spring",
    "categoryId": "Others",
    "notifications": [{"emailId": "ops@example.com"}],
    "alertsettings": [{"alertType": "N0002"}],
}


@contextlib.contextmanager
def loopback_server() -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1, the one place a passed-through call may go."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"plain")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_requests_reach_every_vendor_on_its_real_host() -> None:
    with mock() as control:
        created = requests.post(f"{ZEXA}/campaigns", json=SALE, headers=control.headers("zexa"), timeout=5)
        read = requests.get(f"{ZEXA}/campaigns/{created.json()['id']}", headers=control.headers("zexa"), timeout=5)
        webex = requests.post(WEBEX, json=CAMPAIGN, headers=control.headers("webex"), timeout=5)
        infobip = requests.get(INFOBIP, headers=control.headers("infobip"), timeout=5)
        dailystory = requests.get(DAILYSTORY, headers=control.headers("dailystory"), timeout=5)
        journal = control.journal()

    assert (created.status_code, created.json()["status"]) == (201, "processing")
    assert read.json()["name"] == "Sale"
    assert webex.status_code == 200 and webex.json()["message"] == "Campaign created successfully."
    assert infobip.status_code == 200 and dailystory.status_code == 200
    assert [(e["vendor"], e["operation"]) for e in journal] == [
        ("zexa", "create_campaign"),
        ("zexa", "get_campaign"),
        ("webex", "create_campaign"),
        ("infobip", "list_brands"),
        ("dailystory", "list_campaigns"),
    ]


def test_httpx_reaches_the_vendors_sync_and_async() -> None:
    async def read_async(url: str, headers: dict[str, str]) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.get(url, headers=headers)

    with mock() as control:
        with httpx.Client(base_url=ZEXA, headers=control.headers("zexa")) as client:
            created = client.post("/campaigns", json=SALE)
            listed = client.get("/campaigns", params={"status": "processing"})
        read = asyncio.run(read_async(f"{ZEXA}/campaigns/{created.json()['id']}", control.headers("zexa")))

    assert created.status_code == 201
    assert [c["id"] for c in listed.json()["data"]] == [created.json()["id"]]
    assert read.status_code == 200 and read.json()["name"] == "Sale"
    assert read.headers["content-type"].startswith("application/json")


def test_vendor_errors_and_scenarios_come_back_as_from_the_vendor() -> None:
    with mock() as control:
        unauthorised = requests.get(f"{ZEXA}/campaigns", timeout=5)
        duplicate = httpx.post(
            WEBEX,
            json=CAMPAIGN,
            headers={**control.headers("webex"), "X-Sandbox-Scenario": "webex-duplicate-campaign-name"},
        )
        control.activate("webex-bad-gateway")
        event = {"event-id": "evt_14296935520105", "event-key": "1", "event-params": {"account": "1"}}
        gateway = requests.post(
            "https://api.webexcampaign.com/campaignapi/resources/v3/events",
            json=event,
            headers=control.headers("webex"),
            timeout=5,
        )

    assert unauthorised.status_code == 401
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, 409)
    assert gateway.status_code == 502


def test_a_cut_connection_is_each_clients_connection_error() -> None:
    cut = {"name": "cut", "rules": [{"match": {"vendor": "zexa"}, "fault": "connection_reset"}]}
    with mock() as control:
        control.define(cut)
        control.activate("cut")
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{ZEXA}/campaigns", headers=control.headers("zexa"), timeout=5)
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{ZEXA}/campaigns", headers=control.headers("zexa"))


def test_the_clock_and_lifecycles_are_the_tests_to_drive() -> None:
    with mock() as control:
        created = requests.post(f"{ZEXA}/campaigns", json=SALE, headers=control.headers("zexa"), timeout=5).json()
        assert control.status("zexa.campaign", created["id"]) == "processing"
        advanced = control.advance(60)
        after = httpx.get(f"{ZEXA}/campaigns/{created['id']}", headers=control.headers("zexa")).json()
        assert control.status("zexa.campaign", created["id"]) == "completed"

    assert advanced["transitions"] > 0 and advanced["tenant"] is None  # the mock's sandbox is the test's own
    assert after["status"] == "completed" and after["delivered"] == 4


def test_the_sandbox_answers_at_its_own_root_too() -> None:
    with mock() as control:
        health = requests.get(f"{control.url}/_sandbox/health", timeout=5)
        webex = httpx.get(f"{control.vendor_url('webex')}/v1/campaigns", headers=control.headers("webex"))
    assert control.url == "http://campaign-sandbox.test"
    assert health.json()["status"] == "ok"
    assert webex.status_code == 200


def test_each_mock_is_a_fresh_sandbox() -> None:
    with mock():
        requests.post(WEBEX, json=CAMPAIGN, headers={"Authorization": "Bearer my-apps-own-key-1"}, timeout=5)
        first = requests.get(WEBEX, headers={"Authorization": "Bearer my-apps-own-key-1"}, timeout=5).json()
    with mock():
        second = requests.get(WEBEX, headers={"Authorization": "Bearer my-apps-own-key-1"}, timeout=5).json()
    assert [c["name"] for c in first] == ["Spring"]
    assert second == []


def test_other_hosts_fail_as_unmocked_unless_passed_through() -> None:
    with loopback_server() as url:
        with mock():
            with pytest.raises(requests.ConnectionError):
                requests.get(url, timeout=5)
            with pytest.raises(respx.models.AllMockedAssertionError):
                httpx.get(url)
        with mock(passthrough=True):
            through = requests.get(url, timeout=5)
            through_httpx = httpx.get(url)
            zexa = requests.get(f"{ZEXA}/campaigns", timeout=5)  # still the sandbox: 401 without a key
        after = requests.get(url, timeout=5)  # the mock is gone once the block ends
    assert through.text == through_httpx.text == after.text == "plain"
    assert zexa.status_code == 401


def test_as_a_decorator_and_as_sandbox_mock() -> None:
    seen: list[int] = []

    @sandbox.mock()
    def code_under_test() -> None:
        seen.append(requests.get(f"{ZEXA}/credits", headers={"Authorization": "Bearer app-key-000001"}).status_code)
        seen.append(httpx.get("http://campaign-sandbox.test/_sandbox/health").status_code)

    code_under_test()
    code_under_test()  # a fresh sandbox for each call
    assert seen == [200, 200, 200, 200]
    assert sandbox.mock is mock
