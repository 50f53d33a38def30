"""Infobip request and settings schemas (marshmallow): field helpers, campaigns, campaign actions, settings."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from sandbox.vendors.infobip.errors import error

# Infobip's services are Java: its validation messages read as Jakarta Bean Validation's defaults
# ("must not be null", "size must be between 1 and 30"), which the sandbox reproduces [decided].
NOT_NULL = "must not be null"
TYPE_MESSAGES = {
    fields.String: "must be a string",
    fields.List: "must be an array",
    fields.Integer: "must be an integer",
    fields.UUID: "must be a valid UUID",
}

# Seed 001 and the official client's NumbersMessageType: upper case; lower case is taken too (the seed's answer).
MESSAGE_TYPES = ("SMS", "MMS")
# Seed 001's ten use cases, plus M2M from the client's NumbersTenDlcUseCase.
USE_CASES = (
    "ALERTS", "CHAT", "DONATION", "EDUCATION", "FRAUD_ALERTS", "PROMOTIONAL_MARKETING",
    "PUBLIC_SERVICE_ANNOUNCEMENT", "TWO_FACTOR_AUTH", "VOTING_POLLING", "POLITICAL", "M2M",
)  # fmt: skip
# The client's NumbersCampaignType (list filters); only the first three have a model (a discriminator subtype).
CAMPAIGN_TYPES = (
    "TEN_DIGIT_LONG_CODE", "EXTERNAL_TEN_DIGIT_LONG_CODE", "SHORT_CODE", "DCA2_TEN_DIGIT_LONG_CODE",
    "TOLL_FREE_NUMBER", "TOLL_FREE_UNIFIED_NUMBER", "TOLL_FREE_EXTERNALLY_VERIFIED",
)  # fmt: skip
TEN_DLC, EXTERNAL, TOLL_FREE = "TEN_DIGIT_LONG_CODE", "EXTERNAL_TEN_DIGIT_LONG_CODE", "TOLL_FREE_NUMBER"
CAMPAIGN_SUBTYPES = (TEN_DLC, EXTERNAL, TOLL_FREE)
PHONE = r"\+?[1-9]\d{1,14}"
NUMBERS_MAX = 49
FILES_MAX = 5  # mmsSampleFiles, supportingDocuments [client NumbersTenDlcCampaign]


class StrictBoolean(fields.Field):
    """A JSON boolean only: ``"true"``, ``1`` and ``"yes"`` are refused (marshmallow's Boolean takes them)."""

    default_error_messages = {"invalid": "must be a boolean"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _messages(field: fields.Field) -> fields.Field:
    field.error_messages.update({"required": NOT_NULL, "null": NOT_NULL})
    for kind, message in TYPE_MESSAGES.items():
        if isinstance(field, kind):
            field.error_messages["invalid"] = message
            if kind is fields.UUID:
                field.error_messages["invalid_uuid"] = message
    if isinstance(field, fields.List):
        _messages(field.inner)
    return field


def text(
    lo: int | None = None, hi: int | None = None, pattern: str | None = None, required: bool = False
) -> fields.Field:
    checks: list[Any] = []
    if lo is not None and hi is not None:
        checks.append(validate.Length(lo, hi, error=f"size must be between {lo} and {hi}"))
    elif lo is not None:
        checks.append(validate.Length(min=lo, error=f"must be at least {lo} characters long"))
    if pattern is not None:
        literal = pattern.replace("{", "{{").replace("}", "}}")  # marshmallow formats the message
        # ASCII: the patterns are Java's, whose \d is [0-9]; Python's would also take "١٢٣".
        checks.append(validate.Regexp(rf"(?:{pattern})\Z", re.ASCII, error=f'must match "{literal}"'))
    return _messages(fields.String(required=required, allow_none=not required, validate=checks))


def one_of(choices: Sequence[str], required: bool = False) -> fields.Field:
    check = validate.OneOf(choices, error=f"must be one of [{', '.join(choices)}]")
    return _messages(fields.String(required=required, allow_none=not required, validate=check))


def array(inner: fields.Field, lo: int, hi: int | None, required: bool = False, unique: bool = False) -> fields.Field:
    checks: list[Any] = [
        validate.Length(lo, hi, error=f"size must be between {lo} and {hi}")
        if hi is not None
        else validate.Length(min=lo, error=f"size must be at least {lo}")
    ]
    if unique:
        checks.append(_unique)
    return _messages(fields.List(inner, required=required, allow_none=not required, validate=checks))


def nested(schema: type[Schema], required: bool = False) -> fields.Field:
    return _messages(fields.Nested(schema, required=required, allow_none=not required))


def flag(required: bool = False) -> fields.Field:
    if required:
        return _messages(StrictBoolean(required=True))
    return _messages(StrictBoolean(allow_none=True, load_default=False))


def email(without_equals: bool = False, hi: int = 255) -> fields.Field:
    checks: list[Any] = [
        validate.Length(1, hi, error=f"size must be between 1 and {hi}"),
        validate.Email(error="must be a well-formed email address"),
    ]
    if without_equals:
        checks.append(_email_without_equals)
    return _messages(fields.String(required=True, validate=checks))


def uuid(required: bool = False) -> fields.Field:
    return _messages(fields.UUID(required=required, allow_none=not required))


def _unique(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("must not contain duplicate values")


def _email_without_equals(value: str) -> None:
    # Seed: "Must be a well formed email address that does not include a '=' character."
    if "=" in value:
        raise ValidationError("must not contain the '=' character")


class Base(Schema):
    class Meta:
        unknown = EXCLUDE  # unknown fields are ignored, as Infobip's JSON binding does [decided]

    error_messages = {"type": "must be an object"}  # a nested value that is not a JSON object


class Polymorphic(Base):
    """A body whose ``type`` picks its model, as the client's ``EXISTING_PROPERTY`` discriminators do.

    ``subtypes`` maps each type to its schema; ``default`` is the type of a body without one (None: required);
    ``not_emulated`` names types the sandbox answers with its 501.
    """

    subtypes: Mapping[str, type[Schema]] = {}
    default: str | None = None
    not_emulated: tuple[str, ...] = ()

    def load(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        kind = data.get("type") if isinstance(data, dict) else None
        kind = self.default if kind is None else kind
        if kind in self.not_emulated:
            raise error("not_emulated", detail=f"type {kind} is not emulated by the sandbox")
        loaders = self.__dict__.get("_loaders")
        if loaders is None:  # built once per instance: a setdefault would build every subtype's schema every call
            loaders = self.__dict__["_loaders"] = {name: model() for name, model in self.subtypes.items()}
        schema = loaders.get(kind) if isinstance(kind, str) else None
        if schema is None:
            problem = NOT_NULL if kind is None else f"must be one of [{', '.join(self.subtypes)}]"
            messages: dict[str, Any] = {"type": [problem]}
            try:
                next(iter(self.subtypes.values()))(partial=True).load(data)
            except ValidationError as failure:  # every other problem is named too
                if isinstance(failure.messages, dict):
                    messages.update({k: v for k, v in failure.messages.items() if k != "type"})
            raise ValidationError(messages)
        loaded = schema.load(data)
        loaded["type"] = kind
        return loaded


# -- campaigns ------------------------------------------------------------------------------------------------
class OptInSchema(Base):
    callToAction = text(lo=1, required=True)


class WebOptInSchema(OptInSchema):
    url = text(1, 255)  # [client NumbersWebOptIn]


class KeywordOptInSchema(OptInSchema):
    # "upper-case letters and digits only" [client NumbersKeywordOptIn]
    keywords = array(text(lo=1, pattern="[A-Z0-9]+", required=True), 1, None, required=True)


class OptInsSchema(Base):
    keyword = nested(KeywordOptInSchema)
    web = nested(WebOptInSchema)
    verbal = nested(OptInSchema)
    interactiveVoiceResponse = nested(OptInSchema)

    @validates_schema
    def at_least_one(self, data: dict[str, Any], **_: Any) -> None:
        if not any(data.get(name) for name in ("keyword", "web", "verbal", "interactiveVoiceResponse")):
            raise ValidationError("at least one of [keyword, web, verbal, interactiveVoiceResponse] is required")


class CampaignCommonSchema(Base):
    """What every campaign model has [client NumbersCampaign]; ``stage``, ``priority`` and server fields are ignored."""

    referenceId = text()
    applicationId = text()
    entityId = text()
    name = text(1, 30, pattern=r"[A-Za-z0-9_ ]*", required=True)
    type = one_of(CAMPAIGN_SUBTYPES)
    numberKeys = array(text(required=True), 0, NUMBERS_MAX)
    numbers = array(text(required=True), 0, NUMBERS_MAX)


class TenDlcCampaignSchema(CampaignCommonSchema):
    """Seed 001's create body (its limits), with the client's NumbersTenDlcCampaign fields the seed omits."""

    brandId = text(required=True)
    programSummary = text(40, 500, required=True)
    confirmationMessage = text(20, 320, required=True)
    exampleMessages = array(text(lo=20, required=True), 0, 5, required=True)
    helpMessage = text(20, 320, required=True)
    stopMessage = text(20, 320, required=True)
    messageTypes = array(
        one_of((*MESSAGE_TYPES, *(kind.lower() for kind in MESSAGE_TYPES)), required=True),
        1,
        len(MESSAGE_TYPES),
        required=True,
    )
    # "termsAndConditionsUrl required" in the seed's schema and R in the client; the seed's request sample lacks it.
    termsAndConditionsUrl = text(11, 255, required=True)
    optIns = nested(OptInsSchema, required=True)
    ageGated = flag()
    directLending = flag()
    embeddedLink = flag()
    embeddedPhone = flag()
    lowVolume = flag(required=True)
    customerCarePhone = text(3, 16, pattern=PHONE, required=True)
    customerCareEmail = email(without_equals=True)
    useCases = array(one_of(USE_CASES, required=True), 1, 5, required=True, unique=True)
    mmsSampleFiles = array(text(1, 2048, required=True), 0, FILES_MAX)
    supportingDocuments = array(text(1, 2048, required=True), 0, FILES_MAX)

    @validates_schema
    def message_types_once(self, data: dict[str, Any], **_: Any) -> None:
        kinds = [str(kind).upper() for kind in data.get("messageTypes") or []]
        if len(set(kinds)) != len(kinds):
            raise ValidationError({"messageTypes": ["must not contain duplicate values"]})


class ExternalCampaignSchema(CampaignCommonSchema):
    """A campaign already registered with The Campaign Registry elsewhere [client NumbersExternalTenDlcCampaign]."""

    externalCampaignId = text(1, 64, required=True)


class CampaignSchema(Polymorphic):
    """Create and update (PUT): ``type`` picks the model; none is seed 001's TEN_DIGIT_LONG_CODE."""

    subtypes = {TEN_DLC: TenDlcCampaignSchema, EXTERNAL: ExternalCampaignSchema, TOLL_FREE: TenDlcCampaignSchema}
    default = TEN_DLC
    not_emulated = (TOLL_FREE,)


class RegisterSchema(Base):
    priorityId = uuid()


class AppealSchema(Base):
    reason = text(1, 1000, required=True)  # [client NumbersAppealRequest]


class NumbersUpdateSchema(Base):
    """update-registration, add-numbers, remove-numbers [client NumbersUpdateCampaignRegistrationRequest]."""

    numberKeys = array(text(required=True), 0, None)
    numbers = array(text(required=True), 0, None)

    @validates_schema
    def some_numbers(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("numberKeys") and not data.get("numbers"):
            raise ValidationError({"numbers": ["numberKeys or numbers must list at least one number"]})


class AttachPoolSchema(Base):
    numberPoolId = text(1, 64)  # absent: a default pool is assigned [client]
    reason = text(1, 1000)


class InfobipSettingsSchema(Schema):
    """``PATCH /_sandbox/settings {"infobip": {...}}``."""

    class Meta:
        unknown = RAISE  # a misspelt setting must not pass silently

    # Infobip: "1 request/second per account" on register [doc]; 0 lifts the limit.
    register_requests_per_second = fields.Integer(strict=True, load_default=1, validate=validate.Range(0, 1000))
    # Seed 001 answers messageTypes in lower case; the official client (6.4.0) parses only upper case.
    message_types_case = fields.String(load_default="lower", validate=validate.OneOf(["lower", "upper"]))
    # The official client reads one network status object; Infobip's 2023 clients read an array of them.
    network_statuses = fields.String(load_default="object", validate=validate.OneOf(["object", "array"]))


# -- answers (for the OpenAPI document) --------------------------------------------------------------------
# The official client's models as JSON Schemas: the OpenAPI document describes every answer with them, and the
# Infobip tests check every answer against them (tests/vendors/infobip/infobip_contract.py).
CLIENT_MODELS: dict[str, Any] = json.loads((Path(__file__).parent / "client_models.json").read_text("utf-8"))
COMPONENTS: dict[str, Any] = json.loads(
    json.dumps(CLIENT_MODELS["$defs"]).replace('"#/$defs/', '"#/components/schemas/')
)


def model(name: str) -> dict[str, Any]:
    """A reference to one of the client's models, as an operation's answer."""
    if name not in COMPONENTS:
        raise KeyError(f"the client has no model {name!r}")
    return {"$ref": f"#/components/schemas/{name}"}


# Seed 001's request sample, with the terms URL its schema requires; a brand in the client's model [decided].
CAMPAIGN_EXAMPLE: dict[str, Any] = {
    "type": "TEN_DIGIT_LONG_CODE",
    "name": "Example Promo",
    "numbers": ["41785473249"],
    "brandId": "a0c63335-f841-4d43-9ef8-e0765a233f29",
    "confirmationMessage": "Example promotional-marketing. Msg&data rates may apply. "
    "Reply HELP for help, STOP to cancel.",
    "customerCarePhone": "41785473249",
    "customerCareEmail": "examples@example.com",
    "exampleMessages": ["Come in today and get 10% OFF today!"],
    "helpMessage": "Example promotional-marketing: Help at textsupport@example.com or 18889997777. "
    "Msg&data rates may apply. Reply STOP to cancel.",
    "lowVolume": False,
    "messageTypes": ["SMS", "MMS"],
    "programSummary": "A mix of promotional and informational messaging.",
    "stopMessage": "Example promotional-marketing: You have been unsubscribed, no more messages will be sent.",
    "useCases": ["PROMOTIONAL_MARKETING", "EDUCATION"],
    "optIns": {"keyword": {"callToAction": "Text MESSAGE to subscribe", "keywords": ["MESSAGE"]}},
    "termsAndConditionsUrl": "https://www.example.com/terms-of-service/",
    "ageGated": True,
    "directLending": False,
    "embeddedLink": True,
    "embeddedPhone": False,
}
BRAND_EXAMPLE: dict[str, Any] = {
    "type": "TENDLC_PRIVATE_COMPANY",
    "name": "Sunrise Coffee",
    "legalName": "Sunrise Coffee LLC",
    "website": "https://coffee.example.com",
    "address": {"street": "5 Bean Road", "city": "Austin", "state": "TX", "zipCode": "73301"},
    "countryCode": "US",
    "supportPhone": "+12025550199",
    "supportEmail": "owner@coffee.example.com",
    "vertical": "RETAIL_AND_CONSUMER_PRODUCTS",
    "taxId": "121212121",
    "taxIdIssuingCountry": "US",
}
EXAMPLES: dict[str, Any] = {
    "create_campaign": CAMPAIGN_EXAMPLE,
    "update_campaign": CAMPAIGN_EXAMPLE,
    "create_brand": BRAND_EXAMPLE,
    "update_brand": BRAND_EXAMPLE,
}
_REASON = "Campaign appears to be for an age-gated content type but age gate attribute is not selected."
_CUSTOM = "This is a custom rejection reason provided by a reviewer."
_ACTION = (
    "Verify if the Age Gate attribute is selected for the campaign registration. If the campaign is not related "
    "to age-gated content, update the campaign description."
)
# Seed 001's response sample (201), with the same terms URL, which the client's model requires [decided]; the
# request's "numbers" is never answered (seed 001).
ANSWER_EXAMPLES: dict[str, Any] = {
    "create_campaign": {
        "id": "4d3601ed-c632-4979-ae22-43854ef4ffaf",
        "referenceId": "customer-defined-identifier",
        "applicationId": "app-id",
        "entityId": "entity-id",
        "createdDate": "2019-08-24T14:15:22Z",
        "lastModifiedDate": "2019-08-24T14:15:22Z",
        "stage": "DRAFT",
        "priority": {"priorityId": "46de4f63-390c-4253-9869-da282096691b"},
        **{key: value for key, value in CAMPAIGN_EXAMPLE.items() if key != "numbers"},
        "messageTypes": ["sms", "mms"],
        "brandPreview": {"brandId": "a0c63335-f841-4d43-9ef8-e0765a233f29", "brandName": "Examples Warehouse"},
        "useCase": None,
        "numberKeys": ["2C958BA98F9EBACA4F9357D81BFBF47B"],
        "numberPreviews": [
            {"numberKey": "2C958BA98F9EBACA4F9357D81BFBF47B", "number": "41793026727", "countryCode": "US"}
        ],
        "campaignFeedback": {
            "rejectionReasons": [_REASON, _CUSTOM],
            "rejectionDetails": [
                {"errorCode": "1001", "description": _REASON, "recommendedAction": _ACTION},
                {"errorCode": "9999", "description": _CUSTOM, "recommendedAction": None},
            ],
            "rejectionDate": "2019-08-23T14:15:22Z",
        },
        "appealData": {"appealReason": "Example appeal reason", "appealDate": "2019-08-24T14:15:22Z"},
    },
}
