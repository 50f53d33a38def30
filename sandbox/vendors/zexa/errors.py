"""Zexa's error catalogue and its flat ``{"error", "message", "details", "request_id"}`` body."""

from __future__ import annotations

import math
from typing import Any

from sandbox.core.auth import Headers
from sandbox.core.errors import Catalogue, CatalogueEntry, VendorError, describe_validation
from sandbox.core.vendor import Asked, Reply

VENDOR = "zexa"

CATALOGUE = Catalogue(
    VENDOR,
    [
        # The Create a Campaign failure table (seed 002); the body shape is the public docs'.
        CatalogueEntry(
            "invalid_request", 400, "invalid_request", "Missing required fields or malformed JSON body", "[seed]"
        ),
        CatalogueEntry("unauthorized", 401, "unauthorized", "API key is missing or invalid", "[seed]"),
        CatalogueEntry("not_found", 404, "not_found", "The requested resource does not exist", "[seed]"),
        CatalogueEntry("validation_error", 422, "validation_error", "The request failed validation", "[seed]"),
        CatalogueEntry(
            "insufficient_credits", 422, "insufficient_credits", "Not enough credits to dispatch the campaign", "[seed]"
        ),
        CatalogueEntry(
            "rate_limit_exceeded",
            429,
            "rate_limit_exceeded",
            "Too many requests — retry after the time indicated in Retry-After",
            "[seed]",
        ),
        # Not in the sources: what an unknown method or an unexpected failure answers, in the same body.
        CatalogueEntry(
            "method_not_allowed", 405, "method_not_allowed", "The method is not allowed for this path", "[decided]"
        ),
        CatalogueEntry("internal_error", 500, "internal_error", "An unexpected error occurred", "[decided]"),
    ],
)

DEFAULT_RETRY_AFTER = 1  # seconds, when a scenario injects a 429 without saying how long to wait


def error(
    name: str,
    message: str | None = None,
    detail: str | None = None,
    details: dict[str, Any] | None = None,
    retry_after: float | None = None,
) -> VendorError:
    """``details`` goes into the body (the docs' ``details`` object); ``detail`` only into X-Sandbox-Detail."""
    extra: dict[str, Any] = {"details": details or {}}
    if retry_after is not None:
        extra["retry_after"] = retry_after
    return VendorError(VENDOR, CATALOGUE[name], description=message, detail=detail, extra=extra)


def render(failure: VendorError, asked: Asked) -> Reply:
    identifier = f"req_{asked.ids.token(24)}"
    body = {
        "error": failure.entry.code,
        "message": failure.message,
        "details": failure.extra.get("details") or {},
        "request_id": identifier,
    }
    headers = {"X-Request-Id": identifier}
    if failure.entry.status == 429:
        wait = failure.extra.get("retry_after", DEFAULT_RETRY_AFTER)
        headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return Reply(failure.entry.status, body, headers)


def invalid(messages: Any) -> VendorError:
    """Shape errors are 400 ``invalid_request``, naming each field in ``message`` and ``details`` [decided]."""
    messages = messages if isinstance(messages, dict) else {"_schema": messages}
    return error("invalid_request", describe_validation(messages), details={"fields": messages})


def http_error(status: int, path: str) -> VendorError:
    if status == 404:
        return error("not_found", f"No route for {path}", detail=f"no Zexa API at {path}")
    if status == 405:
        return error("method_not_allowed", detail=f"{path} does not take this method")
    if status in (400, 413):
        return error("invalid_request", "The request body could not be read", detail=f"HTTP {status} from the parser")
    return error("internal_error")


AUTH_DETAILS = {
    "missing": "no 'Authorization: Bearer <API key>' header",
    "unknown": "the key is not known (strict mode) or not well formed",
    "revoked": "the key was revoked",
    "expired": "the key has expired",
    "not_granted": "the key is not granted this API",
}


def auth_error(reason: str, headers: Headers) -> VendorError:
    return error("unauthorized", detail=AUTH_DETAILS.get(reason, reason))


def invalid_json(detail: str, too_large: bool) -> VendorError:
    return error("invalid_request", "The request body is not a valid JSON object", detail=detail)
