"""The demo story: `serve --demo` fills the demo tenant with every vendor's records at telling points."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from live_helpers import HTTP_TIMEOUT, ServerProcess, wait_until

from sandbox.demo import tell

pytestmark = pytest.mark.live  # a webhook receiver and a server on loopback sockets

ROOT = Path(__file__).resolve().parents[2]


def kinds(records: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {f"{kind['vendor']}.{kind['collection']}": kind["records"] for kind in records["kinds"]}


def statuses(found: dict[str, list[dict[str, Any]]], kind: str) -> dict[str, Any]:
    return {row["title"]: row.get("status") for row in found[kind]}


def test_the_story_puts_every_vendor_at_a_telling_point(app: Flask) -> None:
    sandbox = app.extensions["sandbox"]
    sandbox.reset()
    sandbox.outbox.start()
    try:
        told = tell(app)
        client = app.test_client()
        found = kinds(client.get("/_sandbox/records?tenant=demo").get_json())
        assert statuses(found, "webex.deployments") == {"Teaser push": "scheduled", "Morning push": "completed"}
        assert statuses(found, "infobip.campaigns") == {"Happy Hour": "REJECTED", "Spring Promo": "SUBMITTED"}
        rejected = client.get(f"/_sandbox/records/infobip/campaigns/{told['infobip']['rejected']}?tenant=demo")
        assert rejected.get_json()["record"]["campaignFeedback"]["rejectionReasons"]
        zexa = {row["title"]: row for row in found["zexa.campaigns"]}
        assert zexa["Weekend Sale"]["status"] == "completed"
        assert zexa["Weekend Sale"]["progress"] == {"delivered": 4, "failed": 1, "total_contacts": 5}
        sending = zexa["VIP preview"]["progress"]
        assert zexa["VIP preview"]["status"] == "processing" and 0 < sending["delivered"] < sending["total_contacts"]
        assert {"Paused", "Deleted"} <= set(statuses(found, "dailystory.campaigns").values())

        def deliveries() -> set[str]:
            listed = client.get("/_sandbox/webhooks/deliveries?tenant=demo").get_json()["deliveries"]
            return {row["status"] for row in listed}

        wait_until(lambda: {"delivered", "failed"} <= deliveries(), timeout=20, what="delivered and failed webhooks")
    finally:
        sandbox.outbox.stop()


def test_serve_demo_is_ready_with_the_story_and_its_dashboard() -> None:
    server = ServerProcess("--demo", cwd=ROOT)
    try:
        server.wait_ready()
        records = requests.get(f"{server.url}/_sandbox/records?tenant=demo", timeout=HTTP_TIMEOUT).json()
        assert statuses(kinds(records), "infobip.campaigns") == {"Happy Hour": "REJECTED", "Spring Promo": "SUBMITTED"}
        page = requests.get(f"{server.url}/_sandbox/", timeout=HTTP_TIMEOUT)
        assert page.status_code == 200 and "campaign-sandbox" in page.text
    finally:
        assert server.stop() == 0
