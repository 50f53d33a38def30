"""Webex Campaign backend: campaigns, deployments and events, with the vendor's rules and state."""

from __future__ import annotations

import base64
import binascii
import functools
import io
from datetime import datetime
from typing import Any

from jinja2.sandbox import SandboxedEnvironment
from PIL import UnidentifiedImageError

from sandbox.core.deferred import Deferred
from sandbox.core.tenant import Backend, Tenant
from sandbox.vendors.webex.errors import error
from sandbox.vendors.webex.machines import DEPLOYMENT, EVENT
from sandbox.vendors.webex.schemas import blank

Image = Deferred("PIL.Image")  # the logo check's decoder: imported with the first logo, not at start (issue 16)
VENDOR = "webex"
EVENT_MAX_BYTES = 24 * 1024  # seed 004: "each event payload cannot be more than 24KB"
LOGO_MAX_PIXELS = (100, 100)  # seed 000
LIST_FIELDS = (
    "id", "name", "refernceid", "imageUri", "channels", "categoryId", "priority",
    "createdOn", "createdBy", "deploymentsCount", "businessStakeHolder",
)  # fmt: skip


def created_on(moment: datetime) -> str:
    """Webex's ``createdOn`` format, ``yyyy-MM-dd HH:mm:ss`` (UTC in the sandbox) [doc]."""
    return moment.isoformat(sep=" ", timespec="seconds")[:19]  # strftime's result, at a fifth of its cost


def seed_tenant(tenant: Tenant) -> None:
    """Every tenant starts with the fixtures' categories and event definitions."""
    fixtures = tenant.fixtures(VENDOR)
    for collection in ("categories", "event_definitions"):
        for record in fixtures.get(collection) or []:
            tenant.store.put(tenant.table(VENDOR, collection), str(record["id"]), record)


class WebexBackend(Backend):
    vendor = VENDOR

    # -- campaigns -------------------------------------------------------------------------------------
    def _known_category(self, data: dict[str, Any]) -> dict[str, Any]:
        if not self.store.contains(self.table("categories"), data["categoryId"]):
            raise error("validation_failed", description=f"categoryId: unknown category {data['categoryId']!r}")
        return data

    def create_campaign(self, data: dict[str, Any]) -> dict[str, Any]:
        self._known_category(data)
        credential = self.scope.credential
        created_by = credential.user if credential is not None else "api-user"
        with self.store.lock:
            self._claim_name(data["name"], None)
            now = self.now()
            campaign_id = self.services.ids.epoch_digits(now)
            record = {
                "id": campaign_id,
                **self._fields(data, campaign_id),
                "channels": [],
                "createdOn": created_on(now),
                "createdBy": created_by,
                "deploymentsCount": 0,
            }
            self.store.insert(self.table("campaigns"), campaign_id, record)
            self.store.put(self.table("campaign_names"), data["name"], {"id": campaign_id})
        return {"id": campaign_id, "name": data["name"], "message": "Campaign created successfully."}

    def update_campaign(self, campaign_id: str, data: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            current = self._campaign(campaign_id)
            self._known_category(data)
            self._claim_name(data["name"], campaign_id)
            if data["name"] != current["name"]:
                self.store.delete(self.table("campaign_names"), current["name"])
                self.store.put(self.table("campaign_names"), data["name"], {"id": campaign_id})
            self.store.update(self.table("campaigns"), campaign_id, self._fields(data, campaign_id))
        return {"id": campaign_id, "name": data["name"], "message": "Campaign updated successfully."}

    def _claim_name(self, name: str, owner: str | None) -> None:
        holder = self.store.get(self.table("campaign_names"), name)
        if holder is not None and holder["id"] != owner:
            raise error("duplicate_campaign_name", detail=f"campaign {holder['id']} is named {name!r}")

    def _fields(self, data: dict[str, Any], campaign_id: str) -> dict[str, Any]:
        image_uri = None
        if not blank(data.get("imageName")):
            image_uri = self._store_logo(campaign_id, data["imageContent"])
        return {
            "name": data["name"],
            "refernceid": data.get("referenceid") or data.get("refernceid"),
            "imageName": data.get("imageName"),
            "imageUri": image_uri,
            "categoryId": data["categoryId"],
            "priority": data["priority"],
            "businessStakeHolder": data.get("businessStakeHolder"),
            "notifications": data["notifications"],
            "alertsettings": data["alertsettings"],
        }

    def _store_logo(self, campaign_id: str, content: str) -> str:
        mimetype, payload = check_logo(content)
        self.store.put(self.table("images"), campaign_id, {"mimetype": mimetype, "content": payload})
        return f"/_sandbox/images/{VENDOR}/{self.tenant}/{campaign_id}"

    def _campaign(self, campaign_id: str) -> dict[str, Any]:
        found = self.store.get(self.table("campaigns"), campaign_id)
        if found is None:
            raise error("not_found", detail=f"no campaign {campaign_id}")
        return found

    def get_campaign(self, campaign_id: str) -> dict[str, Any]:
        found = self._campaign(campaign_id)
        return {**{key: found[key] for key in LIST_FIELDS}, "notifications": found["notifications"]}

    def list_campaigns(self) -> list[dict[str, Any]]:
        return [{key: row[key] for key in LIST_FIELDS} for row in self.store.values(self.table("campaigns"))]

    # -- deployments ---------------------------------------------------------------------------------
    def create_deployment(self, campaign_id: str, data: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            campaign = self._campaign(campaign_id)
            now = self.now()
            deployment_id = self.services.ids.epoch_digits(now)
            info = data["deploymentInfo"]
            record = {
                "id": deployment_id,
                "campaignId": campaign_id,
                "name": info["deploymentName"],
                **data,
                "createdOn": created_on(now),
            }
            self.track_new(DEPLOYMENT, deployment_id, record)
            channels = campaign["channels"]
            if info.get("channel") and info["channel"] not in channels:
                channels = [*channels, info["channel"]]
            self.store.update(
                self.table("campaigns"),
                campaign_id,
                {"deploymentsCount": campaign["deploymentsCount"] + 1, "channels": channels},
            )
        return {"id": deployment_id, "name": info["deploymentName"], "message": "Deployment created successfully."}

    # -- Event API -----------------------------------------------------------------------------------
    def trigger_event(self, data: dict[str, Any]) -> dict[str, Any]:
        event_id, event_key, params = data["event_id"], data["event_key"], data["event_params"]
        definition = self.store.peek(self.table("event_definitions"), event_id)  # read, never changed
        if definition is None:
            raise error("event_mandatory_field_missing", detail=f"no event definition {event_id!r}")
        missing = [name for name in definition.get("mandatoryParams", []) if blank(params.get(name))]
        if missing:
            raise error("event_mandatory_field_missing", detail=f"mandatory event-params missing: {', '.join(missing)}")
        now = self.now()
        transaction_id = self.services.ids.uuid()
        record = {
            "transaction-id": transaction_id,
            "eventId": event_id,
            "eventKey": event_key,
            "eventParams": params,
            "receivedOn": created_on(now),
            "channel": definition.get("channel"),
            "message": render_template(definition.get("template", ""), {**params, "eventKey": event_key}),
        }
        table = self.table("events")
        with self.store.lock:
            if self.store.count(table) >= self.services.config.events_kept_per_tenant:
                oldest = self.store.oldest_key(table)
                if oldest is not None:
                    self.store.delete(table, oldest)
                    self.services.lifecycles.untrack(EVENT, self.tenant, oldest)
            self.track_new(EVENT, transaction_id, record)
        return {"transaction-id": transaction_id}


@functools.lru_cache(maxsize=256)
def _compiled(template: str) -> tuple[Any, dict[str, Any]]:
    """The template, and Jinja's globals for it read into a dict once (see render_template)."""
    compiled = SandboxedEnvironment(autoescape=False).from_string(template)
    return compiled, dict(compiled.globals)


def render_template(template: str, values: dict[str, Any]) -> str:
    """The message an event would send: the definition's template with the event's parameters."""
    if not template:
        return ""
    try:
        compiled, names = _compiled(template)
        # Template.render, but with the globals merged once per template: it reads them out of a ChainMap on
        # every call, which is most of a render's cost; new_context(shared=True) takes the merged dict as it is.
        context = compiled.new_context({**names, **{k: v for k, v in values.items() if k.isidentifier()}}, shared=True)
        return str(compiled.environment.concat(compiled.root_render_func(context)))
    except Exception as failure:  # a fixture's template is user-supplied text
        return f"[template error: {failure}]"


def check_logo(content: str) -> tuple[str, str]:
    """The logo's MIME type and base64 payload, once checked to be an image of at most 100x100 px (seed 000)."""
    payload = content.split(",", 1)[1] if content.startswith("data:") else content
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise error("validation_failed", description="imageContent: not valid base64") from None
    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
            mimetype = Image.MIME.get(image.format or "", "application/octet-stream")
    except (UnidentifiedImageError, OSError, ValueError):
        raise error("validation_failed", description="imageContent: not an image Pillow can read") from None
    if width > LOGO_MAX_PIXELS[0] or height > LOGO_MAX_PIXELS[1]:
        raise error(
            "validation_failed",
            description=f"imageContent: the logo is {width}x{height} px; at most 100x100 px is allowed",
        )
    return mimetype, payload
