"""Infobip's error catalogue and its ``{"requestError": {"serviceException": ...}}`` envelope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.core.auth import Headers
from sandbox.core.errors import Catalogue, CatalogueEntry, VendorError
from sandbox.core.vendor import Asked, Reply
from sandbox.vendors.infobip.schemas import flatten

VENDOR = "infobip"
ValidationErrors = dict[str, list[str]]

# The envelope and the messageId per status are [doc]; Infobip documents no texts for the number
# registration rules, so the texts are [decided] unless the seed words them (the number rule).
CATALOGUE = Catalogue(
    VENDOR,
    [
        CatalogueEntry("validation_failed", 400, "BAD_REQUEST", "Bad request", "[doc]"),
        CatalogueEntry("malformed_body", 400, "BAD_REQUEST", "Bad request", "[decided]"),
        CatalogueEntry("duplicate_reference_id", 400, "BAD_REQUEST", "Bad request", "[seed]"),
        CatalogueEntry("unknown_brand", 400, "BAD_REQUEST", "Bad request", "[seed]"),
        CatalogueEntry("number_not_in_account", 400, "BAD_REQUEST", "Bad request", "[seed]"),
        CatalogueEntry("invalid_paging", 400, "BAD_REQUEST", "Bad request", "[doc]"),
        CatalogueEntry(
            "campaign_not_updatable",
            400,
            "BAD_REQUEST",
            "Campaign can only be updated in DRAFT or REJECTED stage.",
            "[doc]",
        ),
        CatalogueEntry(
            "campaign_not_deletable",
            400,
            "BAD_REQUEST",
            "Campaign can only be deleted in DRAFT, DEREGISTERED or REJECTED stage.",
            "[doc]",
        ),
        CatalogueEntry(
            "campaign_not_registrable",
            400,
            "BAD_REQUEST",
            "Campaign can only be registered in DRAFT, UPDATE_REQUESTED_BY_INTERNAL_REVIEWER or UPDATE_REQUESTED_BY_CARRIERS stage.",
            "[decided]",
        ),
        CatalogueEntry(
            "campaign_without_numbers",
            400,
            "BAD_REQUEST",
            "Campaign must have at least one 10DLC number associated before it can be submitted for review.",
            "[seed]",
        ),
        CatalogueEntry(
            "brand_not_registered",
            400,
            "BAD_REQUEST",
            "The campaign's brand must be registered before the campaign can be submitted for review.",
            "[doc]",
        ),
        CatalogueEntry(
            "campaign_not_deregistrable",
            400,
            "BAD_REQUEST",
            "Campaign can only be deregistered in REGISTERED stage.",
            "[decided]",
        ),
        CatalogueEntry(
            "appeal_not_rejected", 400, "BAD_REQUEST", "Only a campaign in REJECTED stage can be appealed.", "[doc]"
        ),
        CatalogueEntry(
            "appeal_window_closed",
            400,
            "BAD_REQUEST",
            "Campaign can only be appealed within 3 months of its rejection.",
            "[doc]",
        ),
        CatalogueEntry(
            "appeal_limit_reached", 400, "BAD_REQUEST", "Campaign cannot be appealed more than 5 times.", "[doc]"
        ),
        CatalogueEntry(
            "brand_not_updatable",
            400,
            "BAD_REQUEST",
            "Brand cannot be updated while its registration is in progress.",
            "[decided]",
        ),
        CatalogueEntry(
            "brand_not_registrable",
            400,
            "BAD_REQUEST",
            "Brand can only be registered in DRAFT or REJECTED stage.",
            "[decided]",
        ),
        CatalogueEntry("unauthorized", 401, "UNAUTHORIZED", "Invalid login details", "[doc]"),
        CatalogueEntry("forbidden", 403, "UNAUTHORIZED", "Unauthorized access", "[doc]"),
        CatalogueEntry("not_found", 404, "NOT_FOUND", "Not found", "[doc]"),
        CatalogueEntry("campaign_not_found", 404, "NOT_FOUND", "Campaign not found.", "[doc]"),
        CatalogueEntry("brand_not_found", 404, "NOT_FOUND", "Brand not found.", "[doc]"),
        CatalogueEntry("method_not_allowed", 405, "METHOD_NOT_ALLOWED", "Method not allowed", "[decided]"),
        CatalogueEntry("too_many_requests", 429, "TOO_MANY_REQUESTS", "Too many requests", "[seed]"),
        CatalogueEntry(
            "general_error", 500, "GENERAL_ERROR", "Something went wrong. Please contact support.", "[seed]"
        ),
    ],
)

# What a catalogue entry carries in ``validationErrors`` when it is produced without a cause of its own
# (a scenario's ``respond: {error: ...}``), so an injected failure reads like the real one.
DEFAULT_VALIDATION: Mapping[str, ValidationErrors] = {
    "duplicate_reference_id": {"referenceId": ["campaign with the same referenceId already exists"]},
    "unknown_brand": {"brandId": ["brand does not exist"]},
    "number_not_in_account": {"numbers[0]": ["number is not associated with your account"]},
    "invalid_paging": {"size": ["must be between 1 and 2000"]},
    "validation_failed": {"name": ["must not be null"]},
}
DEFAULT_RETRY_AFTER = "1"


def error(
    name: str,
    detail: str | None = None,
    validation: ValidationErrors | None = None,
    headers: Mapping[str, str] | None = None,
) -> VendorError:
    extra: dict[str, object] = {}
    if validation is not None:
        extra["validationErrors"] = validation
    if headers:
        extra["headers"] = dict(headers)
    return VendorError(VENDOR, CATALOGUE[name], detail=detail, extra=extra)


def invalid(validation: ValidationErrors, detail: str | None = None) -> VendorError:
    return error("validation_failed", detail=detail or "; ".join(validation), validation=validation)


def render(failure: VendorError, asked: Asked) -> Reply:
    exception: dict[str, object] = {"messageId": failure.entry.code, "text": failure.message}
    validation = failure.extra.get("validationErrors") or DEFAULT_VALIDATION.get(failure.entry.name)
    if validation:
        exception["validationErrors"] = validation
    headers = dict(failure.extra.get("headers") or {})
    if failure.entry.status == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = DEFAULT_RETRY_AFTER
    return Reply(failure.entry.status, {"requestError": {"serviceException": exception}}, headers)


def invalid_fields(messages: Any) -> VendorError:
    """A request that fails its schema: 400 with marshmallow's messages as Infobip's ``validationErrors``."""
    return invalid(flatten(messages))


def http_error(status: int, path: str) -> VendorError:
    if status == 404:
        return error("not_found", detail=f"no Infobip API at {path}")
    if status == 405:
        return error("method_not_allowed", detail=f"{path} does not take this method")
    if status in (400, 413):
        return error("malformed_body", detail="the request body could not be read or is too large")
    return error("general_error")


AUTH_DETAILS = {
    "missing": "no 'Authorization: App|Basic|IBSSO|Bearer ...' header",
    "unknown": "the credential is not known (strict mode) or not well formed",
    "revoked": "the credential was revoked",
    "expired": "the credential has expired",
}


def auth_error(reason: str, headers: Headers) -> VendorError:
    if reason == "not_granted":
        return error("forbidden", detail="the credential is not granted the number-registration API")
    return error("unauthorized", detail=AUTH_DETAILS.get(reason, reason))


def invalid_json(detail: str, too_large: bool) -> VendorError:
    return error("malformed_body", detail=detail)
