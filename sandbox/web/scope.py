"""What every control call shares: the JSON body, schema loading, the tenant in scope, the error envelope."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import HTTPException

from sandbox.core import jsontext
from sandbox.core.errors import ControlError, describe_validation
from sandbox.core.sandbox import Sandbox
from sandbox.web.current import current_sandbox

log = logging.getLogger(__name__)
View = TypeVar("View", bound=Callable[..., Any])

TENANT_NAME = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", error="1-64 letters, digits, '.', '_' or '-'")


class Scoped(Schema):
    tenant = fields.String(validate=TENANT_NAME)
    credential = fields.String(validate=validate.Length(min=1))
    vendor = fields.String()


SCOPE_KEYS = frozenset(Scoped().fields)
# Scope by header as well, so a proxy spreading tenants over instances can route control calls (deploy/).
TENANT_HEADER, CREDENTIAL_HEADER = "X-Sandbox-Tenant", "X-Sandbox-Credential"


def split_scope(
    sandbox: Sandbox, body: dict[str, Any], vendor_hint: str | None = None
) -> tuple[str | None, dict[str, Any]]:
    """A body's scope keys resolved to a tenant, and the rest of the body."""
    scoping = {k: v for k, v in body.items() if k in SCOPE_KEYS}
    if vendor_hint is not None and "vendor" not in scoping:
        scoping["vendor"] = vendor_hint
    return scope(sandbox, load(Scoped, scoping)), {k: v for k, v in body.items() if k not in SCOPE_KEYS}


def scope(sandbox: Sandbox, body: dict[str, Any]) -> str | None:
    """The tenant a control call is about: ``tenant`` or ``X-Sandbox-Tenant``, else a vendor credential
    (``credential`` or ``X-Sandbox-Credential``).

    The body's scope keys come first, then the query string's (``POST ...?credential=K`` keeps a curl body plain).
    """
    query = args_as(Scoped) if request.args else {}
    tenant = body.get("tenant") or query.get("tenant") or request.headers.get(TENANT_HEADER)
    secret = body.get("credential") or query.get("credential") or request.headers.get(CREDENTIAL_HEADER)
    if tenant or not secret:
        return tenant
    return credential_tenant(sandbox, secret, body.get("vendor") or query.get("vendor"))


def credential_tenant(sandbox: Sandbox, secret: str, vendor: str | None = None) -> str:
    """The tenant of a vendor key, whether or not any vendor has seen it yet: the one a vendor call with it reaches.

    ``vendor`` only narrows which vendor's key format is accepted for a key the sandbox was never given.
    """
    known = sandbox.credentials.get(vendor, secret) if vendor else None
    if known is not None:
        return known.tenant
    given = sandbox.credentials.given_tenant(secret)
    if given is not None:
        return given
    formats = [sandbox.vendors[vendor]] if vendor in sandbox.vendors else list(sandbox.vendors.values())
    if not sandbox.credentials.strict and any(v.well_formed(secret) for v in formats):
        return sandbox.credentials.tenant_for(secret)
    why = "--strict accepts only keys it was given" if sandbox.credentials.strict else "not a well-formed key"
    raise ControlError(404, "unknown_credential", f"no tenant is known for that credential ({why})")


def required_scope(sandbox: Sandbox, values: dict[str, Any], vendor: str | None = None) -> str:
    """``scope`` of the string values among tenant/credential/vendor, which must name a tenant."""
    picked = {k: values[k] for k in ("tenant", "credential", "vendor") if isinstance(values.get(k), str) and values[k]}
    if vendor is not None:
        picked["vendor"] = vendor
    tenant = scope(sandbox, picked)
    if not tenant:
        raise ControlError(400, "invalid_request", 'give "tenant" or "credential"')
    return tenant


def control(location: str = "json") -> Callable[[View], View]:
    """A control view gets the sandbox and the call's JSON body (or query string) as arguments."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {key: request.args[key] for key in request.args} if location == "query" else raw_body()
            return view(current_sandbox(), values, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def raw_body() -> dict[str, Any]:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = jsontext.loads(raw)  # strict: what a control call sends may be stored (core.jsontext)
    except jsontext.NotText as error:
        raise ControlError(400, "invalid_json", f"the body must be a JSON object: {error}") from None
    if not isinstance(body, dict):
        raise ControlError(400, "invalid_json", "the body must be a JSON object")
    return body


def body_as(schema: type[Schema]) -> dict[str, Any]:
    return load(schema, raw_body())


def args_as(schema: type[Schema]) -> dict[str, Any]:
    return load(schema, {key: request.args[key] for key in schema().fields if key in request.args})


def load(schema: type[Schema], data: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema().load(data)
    except ValidationError as error:
        raise ControlError(400, "invalid_request", describe_validation(error.messages)) from error


def render_control_error(error: Exception) -> tuple[Response, int]:
    if isinstance(error, ControlError):
        return jsonify(error=error.error, message=error.message), error.status
    if isinstance(error, HTTPException):
        name = (error.name or "error").lower().replace(" ", "_")
        return jsonify(error=name, message=error.description), error.code or 500
    log.exception("unexpected error in %s %s", request.method, request.path)
    return jsonify(error="internal_error", message="the sandbox failed; see its log"), 500
