"""Infobip's error catalogue and its ``{"requestError": {"serviceException": ...}}`` envelope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.core.auth import Headers
from sandbox.core.errors import Catalogue, CatalogueEntry, VendorError
from sandbox.core.vendor import Asked, Reply

VENDOR = "infobip"
ValidationErrors = dict[str, list[str]]


# The envelope and the messageId per status are [doc]; Infobip documents no texts for the number
# registration rules, so the texts are [decided] unless the seed words them (the number rule).
def _bad(name: str, text: str, source: str = "[decided]") -> CatalogueEntry:
    return CatalogueEntry(name, 400, "BAD_REQUEST", text, source)


# The envelope and the messageId per status are [doc] (the client's ApiExceptionWrapper maps BAD_REQUEST, UNAUTHORIZED,
# FORBIDDEN, NOT_FOUND, TOO_MANY_REQUESTS and GENERAL_ERROR); Infobip documents no texts for the registration rules,
# so the texts are [decided] unless the seed words them; each rule's source is in docs/fidelity/infobip.md.
CATALOGUE = Catalogue(
    VENDOR,
    [
        _bad("validation_failed", "Bad request", "[doc]"),
        _bad("malformed_body", "Bad request"),
        _bad("duplicate_reference_id", "Bad request", "[seed]"),
        _bad("duplicate_brand_reference_id", "Bad request", "[client]"),
        _bad("unknown_brand", "Bad request", "[seed]"),
        _bad("number_not_in_account", "Bad request", "[seed]"),
        _bad("number_not_in_campaign", "Bad request"),
        _bad("unknown_priority", "Bad request"),
        _bad("invalid_paging", "Bad request", "[doc]"),
        _bad("campaign_type_changed", "Bad request"),
        _bad("campaign_not_updatable", "Campaign can only be updated in DRAFT or REJECTED stage.", "[client]"),
        _bad(
            "campaign_not_deletable",
            "Campaign can only be deleted in DRAFT, DEREGISTERED or REJECTED stage.",
            "[client]",
        ),
        _bad(
            "campaign_not_registrable",
            "Campaign can only be registered in DRAFT, UPDATE_REQUESTED_BY_INTERNAL_REVIEWER or UPDATE_REQUESTED_BY_CARRIERS stage.",
        ),
        _bad(
            "campaign_without_numbers",
            "Campaign must have at least one 10DLC number associated before it can be submitted for review.",
            "[seed]",
        ),
        _bad(
            "brand_not_registered",
            "The campaign's brand must be registered before the campaign can be submitted for review.",
            "[doc]",
        ),
        _bad("priority_limit_reached", "The daily submit limit of the priority has been reached."),
        _bad("campaign_not_deregistrable", "Campaign can only be deregistered in REGISTERED stage."),
        _bad("appeal_not_rejected", "Only a campaign in REJECTED stage can be appealed.", "[client]"),
        _bad("appeal_window_closed", "Campaign can only be appealed within 3 months of its rejection.", "[client]"),
        _bad("appeal_limit_reached", "Campaign cannot be appealed more than 5 times.", "[client]"),
        _bad(
            "campaign_not_registered",
            "The campaign's registration must be complete before its numbers or registration can be updated.",
            "[client]",
        ),
        _bad("number_limit_exceeded", "A campaign without a number pool can have at most 49 numbers.", "[client]"),
        _bad("last_number_removed", "A registered campaign must keep at least one number."),
        _bad(
            "pool_not_attachable",
            "A number pool can only be attached to a campaign in DRAFT, REJECTED or REGISTERED stage that has none.",
        ),
        _bad("pool_unavailable", "Bad request"),
        _bad("pool_not_attached", "The campaign has no number pool."),
        _bad(
            "pool_not_detachable",
            "A number pool can only be detached from a campaign with fewer than 50 numbers.",
            "[client]",
        ),
        _bad("brand_not_updatable", "Brand cannot be updated while its registration is pending.", "[client]"),
        _bad(
            "brand_identity_locked",
            "The legal name, type, tax id and tax id issuing country of a registered brand cannot be changed.",
            "[client]",
        ),
        _bad(
            "brand_not_deletable",
            "Brand can only be deleted when each of its campaigns is in DRAFT, DEREGISTERED or REJECTED stage.",
            "[client]",
        ),
        _bad(
            "brand_not_registrable",
            "Brand registration is pending or complete; only a new or rejected brand can be registered.",
        ),
        _bad(
            "brand_auth_not_possible",
            "Brand authentication can only be started for a TENDLC_PUBLIC_COMPANY brand whose authentication failed or expired.",
            "[client]",
        ),
        _bad(
            "resend_2fa_not_possible",
            "The 2FA email can only be resent while the brand's authentication is pending.",
            "[client]",
        ),
        _bad("resend_2fa_too_soon", "The 2FA email can be resent at most once every 2 hours.", "[client]"),
        _bad("vet_brand_not_registered", "A brand must be registered before it can be vetted."),
        _bad("vet_too_soon", "A brand can be vetted at most once every 30 days.", "[client]"),
        _bad(
            "vet_not_updatable",
            "Only the brand's current successful STANDARD vet can be updated, to ENHANCED, within 30 days of its vetting.",
            "[client]",
        ),
        _bad("enhanced_vet_on_create", "An ENHANCED vet is requested by updating the brand's current STANDARD vet."),
        CatalogueEntry("unauthorized", 401, "UNAUTHORIZED", "Invalid login details", "[doc]"),
        # FORBIDDEN, not UNAUTHORIZED: the client maps FORBIDDEN to E403 and UNAUTHORIZED to E401 [client].
        CatalogueEntry("forbidden", 403, "FORBIDDEN", "Unauthorized access", "[client]"),
        CatalogueEntry("not_found", 404, "NOT_FOUND", "Not found", "[doc]"),
        CatalogueEntry("campaign_not_found", 404, "NOT_FOUND", "Campaign not found.", "[doc]"),
        CatalogueEntry("brand_not_found", 404, "NOT_FOUND", "Brand not found.", "[doc]"),
        CatalogueEntry("vet_not_found", 404, "NOT_FOUND", "Vet not found.", "[doc]"),
        CatalogueEntry("method_not_allowed", 405, "METHOD_NOT_ALLOWED", "Method not allowed", "[decided]"),
        CatalogueEntry("too_many_requests", 429, "TOO_MANY_REQUESTS", "Too many requests", "[seed]"),
        CatalogueEntry(
            "general_error", 500, "GENERAL_ERROR", "Something went wrong. Please contact support.", "[seed]"
        ),
        # An endpoint of Infobip's API that the sandbox does not emulate (docs/fidelity/infobip.md says which).
        CatalogueEntry(
            "not_emulated", 501, "NOT_IMPLEMENTED", "This operation is not emulated by the sandbox.", "[decided]"
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
    "duplicate_brand_reference_id": {"referenceId": ["brand with the same referenceId already exists"]},
    "number_not_in_campaign": {"numbers[0]": ["number is not used by this campaign"]},
    "unknown_priority": {"priorityId": ["priority does not exist"]},
    "campaign_type_changed": {"type": ["must not change"]},
    "pool_unavailable": {"numberPoolId": ["number pool is not available"]},
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


def flatten(messages: Any, path: str = "") -> ValidationErrors:
    """marshmallow's nested messages as Infobip's ``validationErrors``: ``{"optIns.keyword": [...], "numbers[0]": [...]}``."""
    flat: ValidationErrors = {}
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
