"""Webex Campaign's error catalogue and its ``{"code", "description"}`` envelope."""

from __future__ import annotations

from typing import Any

from sandbox.core.auth import Headers
from sandbox.core.errors import Catalogue, CatalogueEntry, VendorError, describe_validation
from sandbox.core.vendor import Asked, Reply

VENDOR = "webex"
EVENT_OPERATION = "trigger_event"

CATALOGUE = Catalogue(
    VENDOR,
    [
        # Create Campaign API failure table (seed 000).
        CatalogueEntry(
            "io_error",
            400,
            400,
            "I/O error on post request. Cannot retry due to server authentication, in streaming mode.",
            "[seed]",
        ),
        CatalogueEntry("category_required", 400, 400, "Campaign category is required", "[seed]"),
        CatalogueEntry("image_content_required", 400, 400, "Image Content is required.", "[seed]"),
        CatalogueEntry(
            "priority_above_high",
            400,
            400,
            "Maximum Permissible Priority is High. User cannot create campaigns above than this priority.",
            "[seed]",
        ),
        CatalogueEntry("validation_failed", 400, 400, "Invalid request", "[decided]"),
        CatalogueEntry(
            "api_not_allowed",
            401,
            430,
            "Authorization failed. This resource is not allowed to access using this TOKEN or KEY",
            "[seed]",
        ),
        CatalogueEntry("invalid_token", 401, 498, "Invalid token or Access token expired", "[seed]"),
        CatalogueEntry("not_found", 404, 404, "Not found", "[seed]"),
        CatalogueEntry("method_not_supported", 405, 405, "Method not supported", "[seed]"),
        CatalogueEntry(
            "duplicate_campaign_name",
            409,
            409,
            "Failed to add the campaign as the campaign with the given campaign name already exists.",
            "[seed]",
        ),
        CatalogueEntry("internal_error", 500, 500, "Internal server error", "[seed]"),
        CatalogueEntry("invalid_json", 500, 1001, "Invalid input JSON", "[seed]"),
        # Event API failure table (seed 004); the "?" is in the seed's text and kept as it stands.
        CatalogueEntry(
            "event_mandatory_field_missing", 500, 1002, "Mandatory field missing? EventID / EventKey", "[seed]"
        ),
        CatalogueEntry("event_page_not_found", 404, 404, "Error - Page Not Found", "[seed]"),
        CatalogueEntry(
            "too_many_requests", 429, 429, "Too many requests. Throttle limit reached for the time window.", "[seed]"
        ),
        CatalogueEntry(
            "request_failed",
            499,
            499,
            "Request failed. Check the exact reason of failure in application code and description of error stream.",
            "[seed]",
        ),
        CatalogueEntry("event_no_recommendation", 500, 1003, "No recommendation available", "[seed]"),
        CatalogueEntry("bad_gateway", 502, 502, "Bad gateway", "[seed]"),
    ],
)

# Seed 004: for these codes the Event API answers HTTP 200 or 500, by the account setting
# imicampaign.eventapi.resp.statuscode (0 -> 200, 1 -> 500).
EVENT_CONFIGURABLE_CODES = frozenset({1001, 1002, 1003, 500})


def error(name: str, description: str | None = None, detail: str | None = None) -> VendorError:
    return VendorError(VENDOR, CATALOGUE[name], description=description, detail=detail)


def render(failure: VendorError, asked: Asked) -> Reply:
    status = failure.entry.status
    if asked.operation == EVENT_OPERATION and failure.entry.code in EVENT_CONFIGURABLE_CODES:
        status = asked.settings["event_failure_status"]
    return Reply(status, {"code": failure.entry.code, "description": failure.message})


def invalid(messages: Any) -> VendorError:
    """A request that fails its schema: 400 "Invalid request" naming each field [decided]."""
    return error("validation_failed", description=describe_validation(messages))


def http_error(status: int, path: str) -> VendorError:
    is_event_api = path.startswith("/campaignapi/")
    if status == 404:
        return error("event_page_not_found" if is_event_api else "not_found", detail=f"no Webex API at {path}")
    if status == 405:
        return error("method_not_supported")
    if status == 413:
        return error("invalid_json", detail="the body is larger than the sandbox accepts")
    if status == 400:
        return error("invalid_json", detail="the request could not be read")
    return error("internal_error")


AUTH_DETAILS = {
    "missing": "no 'authorization: Bearer <key>' header",
    "unknown": "the key is not known (strict mode) or not well formed",
    "revoked": "the key was revoked",
    "expired": "the key has expired",
}


def auth_error(reason: str, headers: Headers) -> VendorError:
    if reason == "not_granted":
        return error("api_not_allowed", detail="the key is not granted this API")
    return error("invalid_token", detail=AUTH_DETAILS.get(reason, reason))


def invalid_json(detail: str, too_large: bool) -> VendorError:
    return error("invalid_json", detail=detail)
