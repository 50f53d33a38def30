"""Webex Campaign backend: campaigns, deployments and events, with the vendor's rules and state."""

from __future__ import annotations

import base64
import binascii
import functools
import io
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError

from sandbox.core.context import TenantBackend
from sandbox.core.errors import describe_validation
from sandbox.core.lifecycle import Lifecycle
from sandbox.vendors.webex.errors import error
from sandbox.vendors.webex.schemas import CampaignSchema, DeploymentSchema

VENDOR = "webex"
DEPLOYMENT = Lifecycle("webex.deployment", ("scheduled", "processing", "completed"))
EVENT = Lifecycle("webex.event", ("accepted", "processed"))

EVENT_MAX_PARAMS = 400  # seed 004
EVENT_MAX_BYTES = 24 * 1024  # seed 004: "each event payload cannot be more than 24KB"
LOGO_MAX_PIXELS = (100, 100)  # seed 000
LIST_FIELDS = (
    "id", "name", "refernceid", "imageUri", "channels", "categoryId", "priority",
    "createdOn", "createdBy", "deploymentsCount", "businessStakeHolder",
)  # fmt: skip


def created_on(moment: datetime) -> str:
    """Webex's ``createdOn`` format, ``yyyy-MM-dd HH:mm:ss`` (UTC in the sandbox) [doc]."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


# Loading is stateless, so one instance of each schema serves every request (building one per
# request, nested schemas included, cost five times the load itself).
CAMPAIGN_SCHEMA = CampaignSchema()
DEPLOYMENT_SCHEMA = DeploymentSchema()


def _load(schema: Schema, body: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(body)
    except ValidationError as failure:
        raise error("validation_failed", description=describe_validation(failure.messages)) from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class WebexBackend(TenantBackend):
    vendor = VENDOR

    # -- campaigns -------------------------------------------------------------------------------------
    def _checked_campaign(self, body: dict[str, Any]) -> dict[str, Any]:
        """The seed's own failures first, in the order its table lists them, then the schema."""
        if _blank(body.get("categoryId")):
            raise error("category_required")
        if not _blank(body.get("imageName")) and _blank(body.get("imageContent")):
            raise error("image_content_required")
        priority = body.get("priority")
        if isinstance(priority, int) and not isinstance(priority, bool) and priority > 2:
            raise error("priority_above_high")
        data = _load(CAMPAIGN_SCHEMA, body)
        if not self.store.contains(self.table("categories"), data["categoryId"]):
            raise error("validation_failed", description=f"categoryId: unknown category {data['categoryId']!r}")
        return data

    def create_campaign(self, body: dict[str, Any], created_by: str) -> dict[str, Any]:
        data = self._checked_campaign(body)
        with self.store.lock:
            self._claim_name(data["name"], None)
            now = self.now()
            campaign_id = self.sandbox.ids.epoch_digits(now)
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

    def update_campaign(self, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            current = self._campaign(campaign_id)
            data = self._checked_campaign(body)
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
        if not _blank(data.get("imageName")):
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
    def create_deployment(self, campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
        data = _load(DEPLOYMENT_SCHEMA, body)
        settings = self.sandbox.settings.get(self.tenant, VENDOR)
        with self.store.lock:
            campaign = self._campaign(campaign_id)
            now = self.now()
            deployment_id = self.sandbox.ids.epoch_digits(now)
            info = data["deploymentInfo"]
            timeline = DEPLOYMENT.timeline(
                now, [settings["deployment_scheduled_seconds"], settings["deployment_processing_seconds"]]
            )
            self.store.insert(
                self.table("deployments"),
                deployment_id,
                {
                    "id": deployment_id,
                    "campaignId": campaign_id,
                    "name": info["deploymentName"],
                    **data,
                    "createdOn": created_on(now),
                    "timeline": timeline,
                },
            )
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
    def trigger_event(self, body: dict[str, Any]) -> dict[str, Any]:
        event_id, event_key, params = _event_parts(body)
        definition = self.store.get(self.table("event_definitions"), event_id)
        if definition is None:
            raise error("event_mandatory_field_missing", detail=f"no event definition {event_id!r}")
        missing = [name for name in definition.get("mandatoryParams", []) if _blank(params.get(name))]
        if missing:
            raise error("event_mandatory_field_missing", detail=f"mandatory event-params missing: {', '.join(missing)}")
        settings = self.sandbox.settings.get(self.tenant, VENDOR)
        now = self.now()
        transaction_id = self.sandbox.ids.uuid()
        record = {
            "transaction-id": transaction_id,
            "eventId": event_id,
            "eventKey": event_key,
            "eventParams": params,
            "receivedOn": created_on(now),
            "channel": definition.get("channel"),
            "message": render_template(definition.get("template", ""), {**params, "eventKey": event_key}),
            "timeline": EVENT.timeline(now, [settings["event_processing_seconds"]]),
        }
        table = self.table("events")
        with self.store.lock:
            if self.store.count(table) >= self.sandbox.config.events_kept_per_tenant:
                oldest = self.store.oldest_key(table)
                if oldest is not None:
                    self.store.delete(table, oldest)
            self.store.insert(table, transaction_id, record)
        return {"transaction-id": transaction_id}


def _event_parts(body: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """Shape checks of seed 004, in order: the two mandatory fields (1002), then the parameters (1001)."""
    event_id, event_key = body.get("event-id"), body.get("event-key")
    for field, value in (("event-id", event_id), ("event-key", event_key)):
        if _blank(value):
            raise error("event_mandatory_field_missing", detail=f"{field} is missing or blank")
    if not isinstance(event_id, str):
        raise error("invalid_json", detail="event-id must be a string")
    # A mobile number sent as a JSON number is taken as its digits [decided].
    if isinstance(event_key, int) and not isinstance(event_key, bool):
        event_key = str(event_key)
    if not isinstance(event_key, str):
        raise error("invalid_json", detail="event-key must be a string")
    params = body.get("event-params")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise error("invalid_json", detail="event-params must be a JSON object")
    if len(params) > EVENT_MAX_PARAMS:
        raise error("invalid_json", detail=f"{len(params)} event-params; at most {EVENT_MAX_PARAMS} are allowed")
    for name, value in params.items():
        if value is None or value in ("NULL", "null"):
            raise error("invalid_json", detail=f'event-params.{name} is "NULL"/"null", which the Event API rejects')
        if isinstance(value, dict | list):
            raise error("invalid_json", detail=f"event-params.{name} must be a string, number or boolean")
    return event_id, event_key, params


@functools.lru_cache(maxsize=256)
def _compiled(template: str) -> Any:
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=False).from_string(template)


def render_template(template: str, values: dict[str, Any]) -> str:
    """The message an event would send: the definition's template with the event's parameters."""
    if not template:
        return ""
    try:
        return str(_compiled(template).render(**{k: v for k, v in values.items() if k.isidentifier()}))
    except Exception as failure:  # a fixture's template is user-supplied text
        return f"[template error: {failure}]"


def check_logo(content: str) -> tuple[str, str]:
    """The logo's MIME type and base64 payload, once checked to be an image of at most 100x100 px (seed 000)."""
    payload = content.split(",", 1)[1] if content.startswith("data:") else content
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise error("validation_failed", description="imageContent: not valid base64") from None
    from PIL import Image, UnidentifiedImageError

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
