"""DailyStory's error catalogue and its ``{"Status", "Message", "Response"}`` envelope."""

from __future__ import annotations

from typing import Any

from sandbox.core.auth import Headers
from sandbox.core.errors import Catalogue, CatalogueEntry, VendorError, describe_validation
from sandbox.core.vendor import Asked, Reply
from sandbox.vendors.dailystory.auth import why_refused

VENDOR = "dailystory"

# The vendor documents the envelope ({"Status": false, "Message": <reason>}) and that failures carry a
# meaningful HTTP status, not a table of failures: every entry below is [decided] in its wording, and
# the vendor has no error codes of its own, so each entry's code is its HTTP status.
CATALOGUE = Catalogue(
    VENDOR,
    [
        CatalogueEntry("invalid_json", 400, 400, "The request body must be a JSON object.", "[decided]"),
        CatalogueEntry("validation_failed", 400, 400, "The request is invalid.", "[decided]"),
        # seed: "name ... Required when creating."
        CatalogueEntry("name_required", 400, 400, "name is required when creating a campaign.", "[seed]"),
        CatalogueEntry(
            "unknown_reference",
            400,
            400,
            "The request refers to an id that does not exist in this account.",
            "[decided]",
        ),
        CatalogueEntry(
            "invalid_status_transition", 400, 400, "The campaign cannot move to the requested status.", "[decided]"
        ),
        CatalogueEntry(
            "campaign_deleted",
            400,
            400,
            "The campaign is deleted; restore it by posting its status as Active, Paused or Archived.",
            "[decided]",
        ),
        CatalogueEntry(
            "missing_token",
            401,
            401,
            "Authorization required: send 'Authorization: Bearer <token>' or HTTP Basic with user 'api' and the token as password.",
            "[doc]",
        ),
        CatalogueEntry("invalid_token", 401, 401, "The API token is not valid.", "[decided]"),
        CatalogueEntry("revoked_token", 401, 401, "The API token has been revoked.", "[decided]"),
        CatalogueEntry("expired_token", 401, 401, "The API token has expired.", "[decided]"),
        CatalogueEntry(
            "access_denied", 403, 403, "This API token is not allowed to use the campaigns API.", "[decided]"
        ),
        CatalogueEntry("campaign_not_found", 404, 404, "Campaign not found.", "[decided]"),
        CatalogueEntry("not_found", 404, 404, "The requested API endpoint does not exist.", "[decided]"),
        CatalogueEntry(
            "method_not_allowed", 405, 405, "The HTTP method is not supported by this endpoint.", "[decided]"
        ),
        CatalogueEntry("payload_too_large", 413, 413, "The request body is too large.", "[decided]"),
        CatalogueEntry("internal_error", 500, 500, "An unexpected error occurred.", "[decided]"),
    ],
)


def error(name: str, description: str | None = None, detail: str | None = None) -> VendorError:
    return VendorError(VENDOR, CATALOGUE[name], description=description, detail=detail)


def envelope(response: object, status: bool = True, message: str = "") -> dict[str, Any]:
    """The vendor's envelope around every answer, success or failure [doc]."""
    return {"Status": status, "Message": message, "Response": response}


def render(failure: VendorError, asked: Asked) -> Reply:
    return Reply(failure.entry.status, envelope({}, status=False, message=failure.message))


def invalid(messages: Any) -> VendorError:
    return error("validation_failed", description=describe_validation(messages))


def http_error(status: int, path: str) -> VendorError:
    if status == 404:
        return error("not_found", detail=f"no DailyStory API at {path}")
    if status == 405:
        return error("method_not_allowed")
    if status == 413:
        return error("payload_too_large", detail="the body is larger than the sandbox accepts")
    if status == 400:
        return error("invalid_json", detail="the request could not be read")
    return error("internal_error")


AUTH_FAILURES = {
    "unknown": ("invalid_token", "the token is not known (strict mode) or not well formed"),
    "revoked": ("revoked_token", "the token was revoked"),
    "expired": ("expired_token", "the token has expired"),
    "not_granted": ("access_denied", "the token is not granted the campaigns API"),
}


def auth_error(reason: str, headers: Headers) -> VendorError:
    if reason in AUTH_FAILURES:
        name, detail = AUTH_FAILURES[reason]
        return error(name, detail=detail)
    return error("missing_token", detail=why_refused(headers))


def invalid_json(detail: str, too_large: bool) -> VendorError:
    """Over the body limit, by its Content-Length or (chunked) where the server stopped reading, is 413."""
    return error("payload_too_large" if too_large else "invalid_json", detail=detail)
