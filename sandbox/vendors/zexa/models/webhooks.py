"""Zexa webhooks: registration (POST /v1/webhooks) and the signed events campaigns emit into the outbox."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sandbox.core.store import table_name
from sandbox.core.tenant import Tenant
from sandbox.core.webhook_targets import Refused
from sandbox.vendors.zexa.errors import error
from sandbox.vendors.zexa.models.base import VENDOR, ZexaBase, iso

SIGNATURE_HEADER = "X-Zexa-Signature"
EVENT_HEADER = "X-Zexa-Event"
USER_AGENT = "Zexa-Webhooks/1.0 (campaign-sandbox)"
PRESENTED = ("id", "url", "events", "created_at")


def sign(secret: str, body: bytes) -> str:
    """[decided] HMAC-SHA256 of the raw body under the webhook's secret, lowercase hex, nothing else."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class Webhooks(ZexaBase):
    def register(self, data: dict[str, Any]) -> dict[str, Any]:
        url = data["url"].strip()
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            parts.port  # noqa: B018 -- raises on a malformed port
        except ValueError:
            raise error(
                "invalid_request", "url: must be a valid URL", details={"fields": {"url": ["invalid"]}}
            ) from None
        if not parts.scheme or not host:
            raise error("invalid_request", "url: must be an absolute URL", details={"fields": {"url": ["invalid"]}})
        # [doc] HTTPS only; plain http to loopback, private networks and single-label hosts is the sandbox's
        # relaxation, and link-local, cloud metadata and the sandbox's own address are refused [decided]
        # (core.webhook_targets, which checks again, resolved, at every delivery).
        try:
            self.services.outbox.targets.check(url)
        except Refused as refused:
            kind = "https" if "HTTPS" in str(refused) else "not_allowed"
            raise error("validation_error", f"url: {refused}", details={"fields": {"url": [kind]}}) from None
        events = list(dict.fromkeys(data["events"]))
        with self.store.lock:
            webhook_id = self.new_id("wh", "webhooks")
            record = {
                "id": webhook_id,
                "url": url,
                "events": events,
                "secret": f"whsec_{self.services.ids.token(32)}",
                "created_at": iso(self.now()),
            }
            self.store.insert(self.table("webhooks"), webhook_id, record)
        # The secret is shown once, at creation [decided].
        return {**{key: record[key] for key in PRESENTED}, "secret": record["secret"]}


class Emitter:
    """Puts one tenant's events in the outbox, one delivery per subscribed webhook (hooks run under the store lock)."""

    def __init__(self, tenant: Tenant) -> None:
        self.scope = tenant
        self.tenant = tenant.name
        self._hooks: list[dict[str, Any]] | None = None

    def hooks(self) -> list[dict[str, Any]]:
        if self._hooks is None:
            self._hooks = self.scope.store.values(table_name(VENDOR, "webhooks", self.tenant))
        return self._hooks

    def emit(self, event: str, data: dict[str, Any], at: datetime) -> None:
        subscribed = [hook for hook in self.hooks() if "*" in hook["events"] or event in hook["events"]]
        if not subscribed:
            return
        event_id = f"evt_{self.scope.ids.token(24)}"
        payload = {"id": event_id, "type": event, "created_at": iso(at), "data": data}
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        for hook in subscribed:
            headers = {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                EVENT_HEADER: event,
                SIGNATURE_HEADER: sign(hook["secret"], body.encode("utf-8")),
            }
            self.scope.outbox.enqueue(
                self.tenant, VENDOR, hook["id"], hook["url"], body, headers, event, event_id, iso(at)
            )
