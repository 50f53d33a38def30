"""DailyStory request and settings schemas (marshmallow), as seed 003 and the vendor's public docs define them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate

# Enums as the seed lists them; matched exactly, case included [decided].
CAMPAIGN_TYPES = ("Conversion", "Transactional", "Nurture", "Broadcast")
STATUSES = ("Active", "Paused", "Archived", "Deleted")
WORKFLOW_BEHAVIORS = ("All", "Match", "None")
COST_PERIODS = ("None", "OneTime", "Daily", "Weekly", "Monthly", "Yearly")

INT32_MAX = 2_147_483_647  # DailyStory is a .NET service: ids and counts are Int32 [decided]
NAME_MAX = 255
DESCRIPTION_MAX = 2000
UTM_MAX = 255
COST_MAX = 1_000_000_000
IDS_MAX = 100  # segments, subscriber_preferences
RECIPIENTS_MAX = 50
USER_ID_MAX = 64

NOT_BLANK = validate.Regexp(r"\s*\S", error="must not be blank")


def one_of(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error=f"must be one of: {', '.join(choices)}")


class Text(fields.String):
    """A JSON string that can be stored and answered again: JSON allows a lone surrogate escape
    (``"\\ud800"``), which is no character and cannot be encoded in any later UTF-8 response."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError(
                "must be valid unicode text: a lone surrogate (\\ud800-\\udfff) is not a character"
            ) from None
        return text


class StrictBoolean(fields.Boolean):
    """JSON true/false only: marshmallow's Boolean also takes 1, "yes", "true"..."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictNumber(fields.Float):
    """A JSON number: marshmallow's Float also takes numeric strings."""

    def _validated(self, value: Any) -> float:
        if not isinstance(value, int | float):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class JsonObject(fields.Nested):
    """A nested object whose wrong type is reported on the field itself (not as a nameless schema error)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, partial: Any = None, **kwargs: Any
    ) -> Any:
        if not isinstance(value, dict):
            raise ValidationError("must be a JSON object")
        return super()._deserialize(value, attr, data, partial=partial, **kwargs)


def strict_int(low: int, high: int = INT32_MAX, **kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(low, high), **kwargs)


def id_list(maximum: int) -> fields.List:
    return fields.List(
        strict_int(1), validate=validate.Length(max=maximum, error=f"at most {maximum} ids are accepted")
    )


class _NullIsOmitted(Schema):
    """A JSON null counts as an omitted field [decided]: .NET clients serialise unset members as null."""

    class Meta:
        unknown = EXCLUDE  # unknown fields are ignored [decided], as the vendor's .NET binder does

    @pre_load
    def drop_nulls(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


class ConversionGoalsSchema(_NullIsOmitted):
    enabled = StrictBoolean(load_default=False)
    suspects = strict_int(0, load_default=0)
    mcls = strict_int(0, load_default=0)
    mqls = strict_int(0, load_default=0)
    sqls = strict_int(0, load_default=0)


class CampaignSchema(_NullIsOmitted):
    """Create and update share it; only the fields sent are in the result (defaults are the backend's)."""

    # 0 means "new" too, as a .NET client's unset int would send it [decided].
    campaignId = strict_int(0)
    name = Text(validate=[validate.Length(max=NAME_MAX), NOT_BLANK])
    description = Text(validate=validate.Length(max=DESCRIPTION_MAX))
    campaignType = fields.String(validate=one_of(CAMPAIGN_TYPES))
    status = fields.String(validate=one_of(STATUSES))
    utmCampaign = Text(validate=validate.Length(max=UTM_MAX))
    segments = id_list(IDS_MAX)
    subscriber_preferences = id_list(IDS_MAX)
    allow_autopause = StrictBoolean()
    workflowBehavior = fields.String(validate=one_of(WORKFLOW_BEHAVIORS))
    cost = StrictNumber(allow_nan=False, validate=validate.Range(0, COST_MAX))
    costPeriod = fields.String(validate=one_of(COST_PERIODS))
    isNotifyNewLead = StrictBoolean()
    notificationRecipients = fields.List(
        Text(validate=[validate.Length(max=USER_ID_MAX), NOT_BLANK]),
        validate=validate.Length(max=RECIPIENTS_MAX, error=f"at most {RECIPIENTS_MAX} recipients are accepted"),
    )
    isAutoQualifyNewLead = StrictBoolean()
    # Sent whole: the members omitted take their defaults (false, 0) [decided].
    conversionGoals = JsonObject(ConversionGoalsSchema)


class DailyStorySettingsSchema(Schema):
    """``PATCH /_sandbox/settings {"dailystory": {...}}``: nothing yet; time is set by the lifecycles."""

    class Meta:
        unknown = RAISE  # a misspelt setting must not pass silently


# -- answers (for the OpenAPI document): every one inside the vendor's envelope -------------------------------
class GoalsReadSchema(Schema):
    enabled = fields.Boolean(required=True)
    suspects = fields.Integer(required=True)
    mcls = fields.Integer(required=True)
    mqls = fields.Integer(required=True)
    sqls = fields.Integer(required=True)


class CampaignReadSchema(Schema):
    id = fields.Integer(required=True, metadata={"example": 24109})
    name = fields.String(required=True)
    description = fields.String(required=True)
    campaignType = fields.String(required=True, validate=validate.OneOf(CAMPAIGN_TYPES))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    utmCampaign = fields.String(required=True)
    segments = fields.List(fields.Integer(), required=True)
    subscriber_preferences = fields.List(fields.Integer(), required=True)
    allow_autopause = fields.Boolean(required=True)
    workflowBehavior = fields.String(required=True, validate=validate.OneOf(WORKFLOW_BEHAVIORS))
    cost = fields.Float(required=True)
    costPeriod = fields.String(required=True, validate=validate.OneOf(COST_PERIODS))
    isNotifyNewLead = fields.Boolean(required=True)
    notificationRecipients = fields.List(fields.String(), required=True)
    isAutoQualifyNewLead = fields.Boolean(required=True)
    conversionGoals = fields.Nested(GoalsReadSchema, required=True)
    createdOn = fields.String(required=True, metadata={"example": "2018-07-17T16:01:44.717"})
    modifiedOn = fields.String(required=True, metadata={"example": "2018-07-17T16:01:44.717"})


def envelope_schema(name: str, response: fields.Field) -> type[Schema]:
    """``{"Status": true, "Message": "", "Response": ...}`` around an answer [doc]."""
    return Schema.from_dict(
        {"Status": fields.Boolean(required=True), "Message": fields.String(required=True), "Response": response},
        name=name,
    )


SavedSchema = envelope_schema(
    "Saved", fields.Nested(Schema.from_dict({"id": fields.Integer(required=True)}, name="Id"))
)
CampaignEnvelopeSchema = envelope_schema(
    "CampaignAnswer", fields.Nested(Schema.from_dict({"campaign": fields.Nested(CampaignReadSchema)}, name="One"))
)
CampaignsEnvelopeSchema = envelope_schema(
    "CampaignsAnswer",
    fields.Nested(Schema.from_dict({"campaigns": fields.List(fields.Nested(CampaignReadSchema))}, name="Many")),
)


class ErrorSchema(Schema):
    """Every DailyStory failure: the envelope with ``Status`` false and the reason in ``Message`` [doc]."""

    Status = fields.Boolean(required=True)
    Message = fields.String(required=True)
    Response = fields.Dict(required=True)


# Seed 003's request examples and its response example, as they stand.
CREATE_EXAMPLE = {
    "name": "Spring Sale 2025 Launch",
    "description": "Don\u2019t Miss Our Exclusive Spring Sale!",
    "campaignType": "Conversion",
    "status": "Active",
    "allow_autopause": True,
    "workflowBehavior": "All",
    "isNotifyNewLead": False,
    "conversionGoals": {"enabled": False, "suspects": 0, "mcls": 0, "mqls": 0, "sqls": 0},
}
EXAMPLES = {"create_or_update_campaign": CREATE_EXAMPLE}
MORE_EXAMPLES = {
    "create_or_update_campaign": {
        "Create a new campaign": CREATE_EXAMPLE,
        "Update an existing campaign (transition to Paused)": {
            "campaignId": 24109,
            "name": "Spring Sale 2025 Launch",
            "status": "Paused",
        },
    },
}
ANSWER_EXAMPLES = {"create_or_update_campaign": {"Status": True, "Message": "", "Response": {"id": 24109}}}
