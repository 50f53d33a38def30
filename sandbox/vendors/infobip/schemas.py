"""Infobip request and settings schemas (marshmallow), with the seed's limits and Bean Validation style messages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

# Infobip's services are Java: its validation messages read as Jakarta Bean Validation's defaults
# ("must not be null", "size must be between 1 and 30"), which the sandbox reproduces [decided].
NOT_NULL = "must not be null"
TYPE_MESSAGES = {
    fields.String: "must be a string",
    fields.List: "must be an array",
    fields.Integer: "must be an integer",
    fields.UUID: "must be a valid UUID",
}

MESSAGE_TYPES = ("SMS", "MMS")
USE_CASES = (
    "ALERTS", "CHAT", "DONATION", "EDUCATION", "FRAUD_ALERTS", "PROMOTIONAL_MARKETING",
    "PUBLIC_SERVICE_ANNOUNCEMENT", "TWO_FACTOR_AUTH", "VOTING_POLLING", "POLITICAL",
)  # fmt: skip
CAMPAIGN_TYPES = ("TEN_DIGIT_LONG_CODE",)
ENTITY_TYPES = ("PRIVATE_PROFIT", "PUBLIC_PROFIT", "NON_PROFIT", "GOVERNMENT", "SOLE_PROPRIETOR")
# The Campaign Registry's verticals, which Infobip passes on for a brand [decided].
VERTICALS = (
    "AGRICULTURE", "COMMUNICATION", "CONSTRUCTION", "EDUCATION", "ENERGY", "ENTERTAINMENT", "FINANCIAL",
    "GAMBLING", "GOVERNMENT", "HEALTHCARE", "HOSPITALITY", "HUMAN_RESOURCES", "INSURANCE", "LEGAL",
    "MANUFACTURING", "NGO", "POLITICAL", "POSTAL", "PROFESSIONAL", "REAL_ESTATE", "RETAIL", "TECHNOLOGY",
    "TRANSPORTATION",
)  # fmt: skip
PHONE = r"\+?[1-9]\d{1,14}"
NUMBERS_MAX = 49


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


def email(without_equals: bool = False) -> fields.Field:
    checks: list[Any] = [
        validate.Length(1, 255, error="size must be between 1 and 255"),
        validate.Email(error="must be a well-formed email address"),
    ]
    if without_equals:
        checks.append(_email_without_equals)
    return _messages(fields.String(required=True, validate=checks))


def _unique(values: list[Any]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("must not contain duplicate values")


def _email_without_equals(value: str) -> None:
    # Seed: "Must be a well formed email address that does not include a '=' character."
    if "=" in value:
        raise ValidationError("must not contain the '=' character")


class _Base(Schema):
    class Meta:
        unknown = EXCLUDE  # unknown fields are ignored, as Infobip's JSON binding does [decided]

    error_messages = {"type": "must be an object"}  # a nested value that is not a JSON object


class OptInSchema(_Base):
    callToAction = text(lo=1, required=True)


class KeywordOptInSchema(OptInSchema):
    keywords = array(text(lo=1, required=True), 1, None, required=True)


class OptInsSchema(_Base):
    keyword = nested(KeywordOptInSchema)
    web = nested(OptInSchema)
    verbal = nested(OptInSchema)
    interactiveVoiceResponse = nested(OptInSchema)

    @validates_schema
    def at_least_one(self, data: dict[str, Any], **_: Any) -> None:
        if not any(data.get(name) for name in ("keyword", "web", "verbal", "interactiveVoiceResponse")):
            raise ValidationError("at least one of [keyword, web, verbal, interactiveVoiceResponse] is required")


class CampaignSchema(_Base):
    """Create and update (PUT) take the same body [seed]; ``stage``, ``priority`` and server fields are ignored."""

    referenceId = text()
    applicationId = text()
    entityId = text()
    name = text(1, 30, pattern=r"[A-Za-z0-9_ ]*", required=True)
    type = one_of(CAMPAIGN_TYPES)
    brandId = text(required=True)
    programSummary = text(40, 500, required=True)
    confirmationMessage = text(20, 320, required=True)
    exampleMessages = array(text(lo=20, required=True), 0, 5, required=True)
    helpMessage = text(20, 320, required=True)
    stopMessage = text(20, 320, required=True)
    messageTypes = array(one_of(MESSAGE_TYPES, required=True), 1, len(MESSAGE_TYPES), required=True, unique=True)
    # Required by the seed's schema, yet its own request sample leaves it out; the sample must pass [decided].
    termsAndConditionsUrl = text(11, 255)
    optIns = nested(OptInsSchema, required=True)
    ageGated = flag()
    directLending = flag()
    embeddedLink = flag()
    embeddedPhone = flag()
    lowVolume = flag(required=True)
    customerCarePhone = text(3, 16, pattern=PHONE, required=True)
    customerCareEmail = email(without_equals=True)
    useCases = array(one_of(USE_CASES, required=True), 1, 5, required=True, unique=True)
    numberKeys = array(text(required=True), 0, NUMBERS_MAX)
    numbers = array(text(required=True), 0, NUMBERS_MAX)


class AddressSchema(_Base):
    addressLine1 = text(1, 100, required=True)
    addressLine2 = text(1, 100)
    city = text(1, 100, required=True)
    state = text(1, 20)
    postCode = text(1, 10, required=True)
    country = text(2, 2, pattern="[A-Z]{2}", required=True)


class BrandSchema(_Base):
    """Brand create and update [decided: the seed covers campaigns only; fields after The Campaign Registry's]."""

    referenceId = text()
    applicationId = text()
    entityId = text()
    type = one_of(CAMPAIGN_TYPES)
    name = text(1, 255, required=True)
    legalName = text(1, 255)
    entityType = one_of(ENTITY_TYPES, required=True)
    vertical = one_of(VERTICALS, required=True)
    taxId = text(1, 21)
    taxIdIssuingCountry = text(2, 2, pattern="[A-Z]{2}")
    stockSymbol = text(1, 10)
    stockExchange = text(1, 32)
    website = text(1, 255)
    email = email()
    phone = text(3, 16, pattern=PHONE, required=True)
    address = nested(AddressSchema, required=True)


class RegisterSchema(_Base):
    priorityId = _messages(fields.UUID(allow_none=True))


class AppealSchema(_Base):
    appealReason = text(1, 1000, required=True)


class InfobipSettingsSchema(Schema):
    """``PATCH /_sandbox/settings {"infobip": {...}}``."""

    class Meta:
        unknown = RAISE  # a misspelt setting must not pass silently

    # Infobip: "1 request/second per account" on register [doc]; 0 lifts the limit.
    register_requests_per_second = fields.Integer(strict=True, load_default=1, validate=validate.Range(0, 1000))


def flatten(messages: Any, path: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as Infobip's ``validationErrors``: ``{"optIns.keyword": [...], "numbers[0]": [...]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                child = path
            elif isinstance(key, int):
                child = f"{path}[{key}]"
            else:
                child = f"{path}.{key}" if path else str(key)
            for name, found in flatten(value, child).items():
                flat.setdefault(name, []).extend(found)
    elif isinstance(messages, list):
        for value in messages:
            for name, found in flatten(value, path).items():
                flat.setdefault(name, []).extend(found)
    else:
        flat.setdefault(path or "body", []).append(str(messages))
    return flat
