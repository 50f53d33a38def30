"""Webex request and settings schemas (marshmallow), as the seeds and shared/vendors/webex.md define them."""

from __future__ import annotations

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, fields, validate

FLAG = validate.OneOf([0, 1], error="must be 0 or 1")


class NotificationSchema(Schema):
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


class AlertSettingSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    alertType = fields.String(required=True, validate=validate.Length(1, 32))


class CampaignSchema(Schema):
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


class WebexSettingsSchema(Schema):
    """``PATCH /_sandbox/settings {"webex": {...}}``."""

    class Meta:
        unknown = RAISE  # a misspelt setting must not pass silently

    # imicampaign.eventapi.resp.statuscode: 1 -> 500 (the default here), 0 -> 200 (seed 004).
    event_failure_status = fields.Integer(strict=True, load_default=500, validate=validate.OneOf([200, 500]))
    deployment_scheduled_seconds = fields.Float(load_default=60.0, validate=validate.Range(0, 365 * 86400))
    deployment_processing_seconds = fields.Float(load_default=300.0, validate=validate.Range(0, 365 * 86400))
    event_processing_seconds = fields.Float(load_default=1.0, validate=validate.Range(0, 86400))
