"""The demo story (`serve --demo`): the demo tenant's records of every vendor, at telling points of their lifecycles.

It is told through the sandbox's own vendor and control APIs, in-process, so what it shows is exactly what a
client would have produced: nothing is written behind the APIs' backs.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from sandbox.vendors.infobip.schemas import CAMPAIGN_EXAMPLE

log = logging.getLogger(__name__)

TENANT = "demo"
WEBEX = {"authorization": "Bearer demo-webex-api-key-0001"}
INFOBIP = {"Authorization": "App demo-infobip-api-key-0001"}
ZEXA = {"Authorization": "Bearer demo-zexa-api-key-0001"}
DAILYSTORY = {"Authorization": "Bearer demo-dailystory-token-0001"}
INFOBIP_BASE = "/infobip/number-registration/1"
# Seed 001's request sample, as Infobip's OpenAPI example holds it, under the demo's own name.
INFOBIP_CAMPAIGN: dict[str, Any] = {**CAMPAIGN_EXAMPLE, "name": "Spring Promo"}


class _Receiver(BaseHTTPRequestHandler):
    """A webhook receiver that takes every event (the demo's "your endpoint")."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


def start_receiver() -> str:
    """A loopback receiver on a free port, serving for as long as the process lives; answers its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, name="demo-webhook-receiver", daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/events"


def nobody_listening() -> str:
    """A loopback URL where nothing answers: the demo's broken endpoint."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/down"


def tell(app: Flask, receiver_url: str | None = None) -> dict[str, Any]:
    """Fill the demo tenant with the story; answers the ids a presenter (or a test) may want."""
    client = app.test_client()
    told: dict[str, Any] = {}
    _webhooks(client, receiver_url or start_receiver())
    told["infobip"] = _infobip(client)
    told["webex"] = _webex(client, "Spring launch", "Morning push")
    _dailystory(client)
    told["zexa_sent"] = _call(client, "POST", "/zexa/v1/campaigns", ZEXA, _zexa_campaign("Weekend Sale", "lst_abc123"))
    _advance(client, 2 * 86400 + 2 * 3600)  # two days on: reviews decided, deployments done, a sale sent
    told["webex_scheduled"] = _webex(client, "Summer teaser", "Teaser push")
    told["zexa_sending"] = _zexa_mid_send(client)
    return told


def _call(client: FlaskClient, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    response = client.open(path, method=method, headers=headers, json=body)
    if response.status_code >= 400:
        raise RuntimeError(f"demo: {method} {path} answered {response.status_code}: {response.get_data(as_text=True)}")
    return response.get_json(silent=True)


def _control(client: FlaskClient, method: str, path: str, body: dict[str, Any]) -> Any:
    return _call(client, method, f"/_sandbox{path}", {"Content-Type": "application/json"}, {"tenant": TENANT, **body})


def _advance(client: FlaskClient, seconds: float) -> None:
    _control(client, "POST", "/clock/advance", {"seconds": seconds})


def _webhooks(client: FlaskClient, receiver_url: str) -> None:
    # Short retries, so the broken endpoint's deliveries fail while the presenter is still talking.
    _control(client, "PATCH", "/webhooks/config", {"max_attempts": 2, "backoff_seconds": [1]})
    _call(client, "POST", "/zexa/v1/webhooks", ZEXA, {"url": receiver_url, "events": ["*"]})
    _call(client, "POST", "/zexa/v1/webhooks", ZEXA, {"url": nobody_listening(), "events": ["campaign.sent"]})


def _infobip(client: FlaskClient) -> dict[str, str]:
    good = _call(client, "POST", f"{INFOBIP_BASE}/campaigns", INFOBIP, INFOBIP_CAMPAIGN)
    # Age-gated content without the ageGated attribute: the reviewer's content rule rejects it, with feedback.
    gated = {**INFOBIP_CAMPAIGN, "name": "Happy Hour", "ageGated": False}
    gated["exampleMessages"] = ["Happy hour: two craft beers for the price of one!"]
    rejected = _call(client, "POST", f"{INFOBIP_BASE}/campaigns", INFOBIP, gated)
    for campaign in (good, rejected):
        _call(client, "POST", f"{INFOBIP_BASE}/campaigns/{campaign['id']}/register", INFOBIP)
        _advance(client, 1.0)  # register is limited to one request a second per account [doc]
    return {"submitted": good["id"], "rejected": rejected["id"]}


def _webex(client: FlaskClient, campaign_name: str, deployment_name: str) -> dict[str, str]:
    campaign = {
        "name": campaign_name,
        "categoryId": "Promotional",
        "priority": 1,
        "notifications": [{"emailId": "ops@example.com"}],
        "alertsettings": [{"alertType": "N0002"}],
    }
    created = _call(client, "POST", "/webex/v1/campaigns", WEBEX, campaign)
    deployment = {"deploymentInfo": {"deploymentName": deployment_name, "channel": "SMS"}}
    deployed = _call(client, "POST", f"/webex/v1/campaigns/{created['id']}/deployments", WEBEX, deployment)
    event = {"event-id": "evt_14296935520105", "event-key": "44839382928", "event-params": {"account": "123"}}
    _call(client, "POST", "/webex/campaignapi/resources/v3/events", WEBEX, event)
    return {"campaign": created["id"], "deployment": deployed["id"]}


def _dailystory(client: FlaskClient) -> None:
    _call(client, "POST", "/dailystory/api/v1/campaign", DAILYSTORY, {"campaignId": 24102, "status": "Paused"})
    _call(client, "DELETE", "/dailystory/api/v1/campaign/24104", DAILYSTORY)


def _zexa_campaign(name: str, contact_list: str) -> dict[str, Any]:
    return {"name": name, "channel": "sms", "contact_list_id": contact_list, "sender_id": "MYBRAND", "body": "20% off"}


def _zexa_mid_send(client: FlaskClient) -> Any:
    """A campaign caught half-way: a bigger list, a slow channel, and the clock stopped while it sends."""
    for index in range(18):
        contact = {"name": f"Guest {index + 1}", "phone": f"+2449231{index:05d}", "lists": ["lst_vip001"]}
        _call(client, "POST", "/zexa/v1/contacts", ZEXA, contact)
    _control(client, "PATCH", "/settings", {"zexa": {"dispatch_rates": {"sms": 1}}})
    sending = _call(client, "POST", "/zexa/v1/campaigns", ZEXA, _zexa_campaign("VIP preview", "lst_vip001"))
    _advance(client, 12)
    log.info("demo story told: %s", json.dumps(sending))
    return sending
