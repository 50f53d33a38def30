"""Webex request and settings schemas (marshmallow), as the seeds and the fidelity document define them."""

from __future__ import annotations

import functools
from typing import Any

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, fields, pre_load, validate

from sandbox.vendors.webex.errors import error

EVENT_MAX_PARAMS = 400  # seed 004
FLAG = validate.OneOf([0, 1], error="must be 0 or 1")


class NullsAbsent(Schema):
    """An explicit ``null`` in an optional field reads as if the field were absent [decided].

    Jackson, Json.NET, pydantic and Go clients serialise unset fields as ``null`` by default; the vendor's
    documents never say null is refused, and a client that works against Webex must work here.
    """

    @pre_load
    def nulls_are_absent(self, body: Any, **_: Any) -> Any:
        if not isinstance(body, dict) or None not in body.values():
            return body
        return {key: value for key, value in body.items() if value is not None or key in self._required}

    @functools.cached_property
    def _required(self) -> frozenset[str]:
        return frozenset(field.data_key or name for name, field in self.load_fields.items() if field.required)


class NotificationSchema(NullsAbsent):
    class Meta:
        unknown = EXCLUDE

    # The seed's own example address is the scraped placeholder "[email protected]", and the seeds
    # say nothing of a format check, so any non-blank text up to 254 characters is taken [decided].
    emailId = fields.String(
        required=True, validate=validate.Regexp(r"^(?=.*\S).{1,254}$", error="must be 1-254 characters, not blank")
    )
    description = fields.String(load_default="", validate=validate.Length(max=500))
    status = fields.Integer(strict=True, load_default=1, validate=FLAG)
    # Vendor's spelling (seed 000), kept on purpose.
    excepitonAlert = fields.Integer(strict=True, load_default=0, validate=FLAG)
    defaultUser = fields.Integer(strict=True, load_default=0, validate=FLAG)


class AlertSettingSchema(NullsAbsent):
    class Meta:
        unknown = EXCLUDE

    alertType = fields.String(required=True, validate=validate.Length(1, 32))


class CampaignSchema(NullsAbsent):
    """Create and update share these rules; the catalogue's own failures are checked before it."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(
        required=True, validate=validate.Regexp(r"^(?=.*\S).{1,255}$", error="must be 1-255 characters, not blank")
    )
    referenceid = fields.String(allow_none=True, validate=validate.Length(max=255))
    # The seed's request example writes "refernceid" (the read side's spelling): accept it too.
    refernceid = fields.String(allow_none=True, validate=validate.Length(max=255))
    imageName = fields.String(allow_none=True, validate=validate.Length(max=255))
    imageContent = fields.String(allow_none=True)
    categoryId = fields.String(required=True)
    priority = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, 2, error="must be 0 (low), 1 (medium) or 2 (high)")
    )
    notifications = fields.List(
        fields.Nested(NotificationSchema),
        required=True,
        validate=validate.Length(min=1, max=100, error="between {min} and {max} recipients are expected"),
    )
    alertsettings = fields.List(
        fields.Nested(AlertSettingSchema),
        required=True,
        validate=validate.Length(min=1, max=100, error="between {min} and {max} alert settings are expected"),
    )
    businessStakeHolder = fields.String(allow_none=True, validate=validate.Length(max=255))

    @pre_load
    def seed_failures(self, body: dict[str, Any], **_: Any) -> dict[str, Any]:
        """The seed's own failures first, in the order its table lists them (seed 000), then the fields."""
        if blank(body.get("categoryId")):
            raise error("category_required")
        if not blank(body.get("imageName")) and blank(body.get("imageContent")):
            raise error("image_content_required")
        priority = body.get("priority")
        if isinstance(priority, int) and not isinstance(priority, bool) and priority > 2:
            raise error("priority_above_high")
        return body


class DeploymentInfoSchema(Schema):
    class Meta:
        unknown = INCLUDE  # the vendor lists more fields than it defines ("...")

    deploymentName = fields.String(
        required=True, validate=validate.Regexp(r"^(?=.*\S).{1,255}$", error="must be 1-255 characters, not blank")
    )
    contentType = fields.String(allow_none=True)
    deploymentType = fields.String(allow_none=True)
    promotionType = fields.String(allow_none=True)
    channel = fields.String(allow_none=True, validate=validate.Length(max=32))
    scheduleMode = fields.String(allow_none=True)


class TargetGroupSchema(Schema):
    class Meta:
        unknown = INCLUDE

    targetGroupIds = fields.List(fields.Raw(), allow_none=True)


class DeploymentSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    milestone = fields.Raw(allow_none=True)
    deploymentInfo = fields.Nested(DeploymentInfoSchema, required=True)
    targetGroup = fields.Nested(TargetGroupSchema, allow_none=True)
    reportTags = fields.List(fields.Raw(), allow_none=True)


class EventSchema(Schema):
    """The Event API's body (seed 004); its checks run in the seed's order, each with the seed's code."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.Raw(data_key="event-id")
    event_key = fields.Raw(data_key="event-key")
    event_params = fields.Raw(data_key="event-params")

    @pre_load
    def seed_checks(self, body: dict[str, Any], **_: Any) -> dict[str, Any]:
        """The two mandatory fields first (1002), then the parameters (1001)."""
        event_id, event_key = body.get("event-id"), body.get("event-key")
        for field, value in (("event-id", event_id), ("event-key", event_key)):
            if blank(value):
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
                detail = f'event-params.{name} is "NULL"/"null", which the Event API rejects'
                raise error("invalid_json", detail=detail)
            if isinstance(value, dict | list):
                raise error("invalid_json", detail=f"event-params.{name} must be a string, number or boolean")
        return {"event-id": event_id, "event-key": event_key, "event-params": params}


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class WebexSettingsSchema(Schema):
    """``PATCH /_sandbox/settings {"webex": {...}}``."""

    class Meta:
        unknown = RAISE  # a misspelt setting must not pass silently

    # imicampaign.eventapi.resp.statuscode: 1 -> 500 (the default here), 0 -> 200 (seed 004).
    event_failure_status = fields.Integer(strict=True, load_default=500, validate=validate.OneOf([200, 500]))
    deployment_scheduled_seconds = fields.Float(load_default=60.0, validate=validate.Range(0, 365 * 86400))
    deployment_processing_seconds = fields.Float(load_default=300.0, validate=validate.Range(0, 365 * 86400))
    event_processing_seconds = fields.Float(load_default=1.0, validate=validate.Range(0, 86400))


# -- answers (for the OpenAPI document) --------------------------------------------------------------------
class SavedSchema(Schema):
    """Create and update campaign, create deployment (seed 000's response parameters)."""

    id = fields.String(required=True, metadata={"example": "17953142275630"})
    name = fields.String(required=True)
    message = fields.String(required=True, metadata={"example": "Campaign created successfully."})


class CampaignReadSchema(Schema):
    """A campaign as list and get answer it; the read side spells it ``refernceid`` [doc]."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    refernceid = fields.String(allow_none=True)
    imageUri = fields.String(allow_none=True)
    channels = fields.List(fields.String(), required=True)
    categoryId = fields.String(required=True)
    priority = fields.Integer(required=True)
    createdOn = fields.String(required=True, metadata={"example": "2022-10-21 17:12:38"})
    createdBy = fields.String(required=True)
    deploymentsCount = fields.Integer(required=True)
    businessStakeHolder = fields.String(allow_none=True)


class CampaignDetailSchema(CampaignReadSchema):
    notifications = fields.List(fields.Nested(NotificationSchema), required=True)


class EventAcceptedSchema(Schema):
    transaction_id = fields.String(required=True, data_key="transaction-id")


class ErrorSchema(Schema):
    """Every Webex failure: ``{"code", "description"}`` (seeds 000 and 004)."""

    code = fields.Integer(required=True)
    description = fields.String(required=True)


# The seeds' request examples, made valid JSON where scraping lost their braces.
CAMPAIGN_EXAMPLE = {
    "refernceid": "20222023",
    "name": "Sample_campaign",
    "categoryId": "Others",
    "priority": 0,
    "notifications": [{"emailId": "ops@example.com"}],
    "alertsettings": [{"alertType": "N0002"}],
    "businessStakeHolder": "marketing",
}
EXAMPLES = {
    "create_campaign": CAMPAIGN_EXAMPLE,
    "update_campaign": {**CAMPAIGN_EXAMPLE, "priority": 1},
    # [decided] The deployment API's fields are listed without an example; this one fills the required one.
    "create_deployment": {
        "milestone": "launch",
        "deploymentInfo": {"deploymentName": "Morning push", "channel": "SMS", "scheduleMode": "IMMEDIATE"},
        "reportTags": ["spring"],
    },
    "trigger_event": {
        "event-id": "evt_14296935520105",
        "event-key": "44839382928",
        "event-params": {"account": "123", "firstname": "joe", "lastname": "bloggs"},
    },
}
