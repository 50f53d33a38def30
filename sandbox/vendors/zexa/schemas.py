"""Zexa request, query and settings schemas (marshmallow), as seed 002 and the vendor's public docs define them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

CHANNELS = ("sms", "whatsapp", "telegram", "email", "slack")
WEBHOOK_EVENTS = (
    "message.delivered", "message.failed", "message.undeliverable", "message.optout",
    "campaign.sent", "campaign.completed",
)  # fmt: skip
# [decided] Per-message prices within the docs' ranges; dispatch rates per second; both tenant settings.
DEFAULT_PRICES = {"sms": 1.0, "whatsapp": 1.0, "telegram": 1.0, "email": 0.5, "slack": 0.5}
DEFAULT_RATES = {"sms": 10.0, "whatsapp": 10.0, "telegram": 10.0, "email": 50.0, "slack": 10.0}
LATEST_SCHEDULE = datetime(2100, 1, 1, tzinfo=UTC)

NOT_BLANK = validate.Regexp(r"^(?=[\s\S]*\S)", error="must not be blank")
E164 = validate.Regexp(r"^\+[1-9][0-9]{6,14}$", error="must be an E.164 number such as +244923000000")


class StrictString(fields.String):
    """A JSON string only: marshmallow's String already refuses numbers; this names the field type in errors."""

    default_error_messages = {"invalid": "must be a string"}


class UtcDateTime(fields.Field):
    """ISO 8601; a naive value is taken as UTC, an offset is converted to UTC [decided]."""

    default_error_messages = {"invalid": "must be an ISO 8601 UTC datetime such as 2026-07-01T08:00:00Z"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            raise self.make_error("invalid") from None
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        if moment >= LATEST_SCHEDULE:
            raise ValidationError("must be before 2100-01-01T00:00:00Z")
        return moment


class Template(fields.Field):
    """A WhatsApp template: its name, or an object with a ``name`` (and the vendor's other keys) [decided]."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        name = value.get("name") if isinstance(value, dict) else value
        if not isinstance(name, str) or not name.strip() or len(name) > 512:
            raise ValidationError("must be a template name (1-512 characters) or an object with a name")
        return value


class CampaignSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = StrictString(required=True, validate=[validate.Length(1, 255), NOT_BLANK])
    channel = StrictString(required=True, validate=validate.OneOf(CHANNELS, error="must be one of: {choices}"))
    contact_list_id = StrictString(required=True, validate=validate.Length(1, 64))
    sender_id = StrictString(required=True, validate=validate.Length(1, 254))
    body = StrictString(allow_none=True, validate=validate.Length(max=4096))
    template = Template(allow_none=True)
    scheduled_at = UtcDateTime(allow_none=True)


class ContactSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = StrictString(allow_none=True, validate=validate.Length(max=255))
    phone = StrictString(allow_none=True, validate=E164)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    lists = fields.List(
        StrictString(validate=validate.Length(1, 64)), load_default=list, validate=validate.Length(max=100)
    )

    @validates_schema
    def reachable(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("phone") and not data.get("email"):
            raise ValidationError("phone or email is required", "phone")


class WebhookSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    url = StrictString(required=True, validate=validate.Length(1, 2048))
    events = fields.List(
        StrictString(validate=validate.OneOf((*WEBHOOK_EVENTS, "*"), error="must be one of: {choices}")),
        required=True,
        validate=validate.Length(1, len(WEBHOOK_EVENTS) + 1),
    )


class PageSchema(Schema):
    """``?page=&per_page=``: 1-based page, 1-100 per page (default 50) [seed]."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(1, 1_000_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 100))


def _channel_map(values: validate.Validator, defaults: dict[str, float]) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=validate.OneOf(CHANNELS)),
        values=fields.Float(allow_nan=False, validate=values),
        load_default=lambda: dict(defaults),
    )


class ZexaSettingsSchema(Schema):
    """``PATCH /_sandbox/settings {"zexa": {...}}``; channel maps replace the stored map, missing channels keep defaults."""

    class Meta:
        unknown = RAISE  # a misspelt setting must not pass silently

    rate_limit_requests = fields.Integer(
        strict=True, allow_none=True, load_default=None, validate=validate.Range(1, 1_000_000)
    )
    rate_limit_window_seconds = fields.Float(load_default=60.0, allow_nan=False, validate=validate.Range(0.001, 86400))
    dispatch_rates = _channel_map(validate.Range(0.001, 1_000_000), DEFAULT_RATES)
    credit_prices = _channel_map(validate.Range(0, 1000), DEFAULT_PRICES)
    failure_rate = fields.Float(load_default=0.0, allow_nan=False, validate=validate.Range(0, 1))
    failure_seed = fields.Integer(strict=True, load_default=0)


# -- answers (for the OpenAPI document) --------------------------------------------------------------------
STATUSES = ("draft", "scheduled", "processing", "sent", "completed", "failed")  # seed 002's six
_TIME = {"format": "date-time", "example": "2026-07-01T08:00:00Z"}


class CampaignCreatedSchema(Schema):
    """Seed 002's Create a Campaign response fields (201)."""

    id = fields.String(required=True, metadata={"example": "cmp_8f2k1m9x3q7w"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    name = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    total_contacts = fields.Integer(required=True)
    created_at = fields.String(required=True, metadata=_TIME)


class CampaignReadSchema(CampaignCreatedSchema):
    """Seed 002's Get Campaign Status fields, with ``scheduled_at``."""

    delivered = fields.Integer(required=True)
    failed = fields.Integer(required=True)
    scheduled_at = fields.String(allow_none=True, metadata=_TIME)
    started_at = fields.String(allow_none=True, metadata=_TIME)
    completed_at = fields.String(allow_none=True, metadata=_TIME)


class MetaSchema(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class CampaignPageSchema(Schema):
    data = fields.List(fields.Nested(CampaignReadSchema), required=True)
    meta = fields.Nested(MetaSchema, required=True)


class ContactReadSchema(Schema):
    id = fields.String(required=True, metadata={"example": "cnt_ana00001"})
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    lists = fields.List(fields.String(), required=True)
    created_at = fields.String(required=True, metadata=_TIME)


class ContactPageSchema(Schema):
    data = fields.List(fields.Nested(ContactReadSchema), required=True)
    meta = fields.Nested(MetaSchema, required=True)


class SenderIdSchema(Schema):
    sender_id = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    status = fields.String(required=True)
    created_at = fields.String(required=True, metadata=_TIME)


class SenderIdPageSchema(Schema):
    data = fields.List(fields.Nested(SenderIdSchema), required=True)
    meta = fields.Nested(MetaSchema, required=True)


class CreditsSchema(Schema):
    credits = fields.Float(required=True, metadata={"example": 4250})
    currency = fields.String(required=True, metadata={"example": "USD"})


class WebhookCreatedSchema(Schema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    created_at = fields.String(required=True, metadata=_TIME)
    secret = fields.String(required=True, metadata={"description": "shown once, at creation"})


class ErrorSchema(Schema):
    """Every Zexa failure: ``{"error", "message", "details", "request_id"}``."""

    error = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Dict(required=True)
    request_id = fields.String(required=True)


# Seed 002 describes its examples in words (its JSON was lost in scraping); these follow them.
EXAMPLES = {
    "create_campaign": {
        "name": "Weekend Sale - June 2026",
        "channel": "sms",
        "contact_list_id": "lst_abc123",
        "sender_id": "MYBRAND",
        "body": "Weekend sale: 20% off everything until Sunday.",
    },
    "create_contact": {"name": "Ana Silva", "phone": "+244923000001", "lists": ["lst_abc123"]},
    # A local receiver: trying the example out never sends events off this machine.
    "create_webhook": {"url": "http://127.0.0.1:8080/zexa-events", "events": ["campaign.sent", "campaign.completed"]},
}
