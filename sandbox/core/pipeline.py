"""Around every vendor request: which vendor, who is calling, the JSON body, errors, the journal."""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, g, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from sandbox.core.context import current_sandbox
from sandbox.core.errors import ControlError, VendorError
from sandbox.core.injection import apply_scenarios
from sandbox.registry import Vendor

log = logging.getLogger(__name__)
View = TypeVar("View", bound=Callable[..., Any])


def current_vendor() -> Vendor | None:
    return g.get("vendor")


def tenant() -> str:
    return g.tenant


def detect_vendor() -> None:
    """``before_request``: the vendor whose prefix the path carries, if any."""
    first = request.path.split("/", 2)[1] if request.path.startswith("/") else ""
    vendor = current_sandbox().vendors.get(first)
    if vendor is not None:
        g.vendor = vendor
        g.vendor_path = request.path[len(vendor.prefix) :] or "/"


def operation(name: str, grant: str) -> Callable[[View], View]:
    """Name the vendor operation (for the journal and scenarios) and authorise the caller for it."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.operation = name
            injected = apply_scenarios()
            if injected is not None:
                return injected
            authorise(grant)
            return view(*args, **kwargs)

        wrapper.operation_name = name  # type: ignore[attr-defined]  # what scenarios may match on
        return wrapper  # type: ignore[return-value]

    return decorate


def authorise(grant: str) -> None:
    sandbox = current_sandbox()
    vendor: Vendor = g.vendor
    secret = vendor.extract_secret(request.headers)
    if secret is None:
        raise vendor.auth_error("missing")
    credential = sandbox.credentials.resolve(vendor.name, secret, vendor.well_formed)
    if credential is None:
        raise vendor.auth_error("unknown")
    g.tenant = credential.tenant
    if credential.revoked:
        raise vendor.auth_error("revoked")
    if credential.is_expired(sandbox.clock.now(credential.tenant)):
        raise vendor.auth_error("expired")
    if not credential.allows(grant):
        raise vendor.auth_error("not_granted")
    g.credential = credential
    sandbox.ensure_tenant(credential.tenant, vendor.name)
    sandbox.lifecycles.tick(credential.tenant)  # what fell due with real time is materialised before the read


_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def json_object(max_bytes: int | None = None) -> dict[str, Any]:
    """The request body as a JSON object, or the vendor's malformed-body error."""
    vendor: Vendor = g.vendor
    cut_at = current_sandbox().config.max_body_bytes  # where the server stops reading a body without a length
    limit = max_bytes or cut_at
    if request.content_length is not None and request.content_length > limit:
        raise vendor.invalid_json(f"the body is {request.content_length} bytes; at most {limit} are accepted")
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise vendor.invalid_json(f"the body is larger than {limit} bytes") from None
    if len(raw) > limit or (request.content_length is None and len(raw) >= cut_at):
        # Without a Content-Length the server stops reading at its limit, so a body that reaches it is too large.
        raise vendor.invalid_json(f"the body is {len(raw)} bytes or more; at most {limit} are accepted")
    if b"\\u" in raw and _LONE_SURROGATE.search(raw):
        # Valid JSON syntax, but not text: stored, it would make every later answer that shows it unencodable.
        raise vendor.invalid_json("the body has a lone UTF-16 surrogate escape (\\ud800-\\udfff), which is not text")
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise vendor.invalid_json(f"the body is not valid JSON: {str(error)[:200]}") from None
    if not isinstance(body, dict):
        raise vendor.invalid_json(f"a JSON object is expected, not {type(body).__name__}")
    return body


def handle_error(error: Exception) -> Response | tuple[Response, int]:
    """Every failure under a vendor prefix, rendered in that vendor's envelope; never a traceback."""
    vendor = current_vendor()
    if isinstance(error, VendorError):
        g.detail = error.detail
        response = current_sandbox().vendors[error.vendor].render(error)
        response.headers.update(error.extra.get("headers", {}))
        return response
    if vendor is None or isinstance(error, ControlError):
        from sandbox.core.control import render_control_error

        return render_control_error(error)
    if isinstance(error, HTTPException):
        status = error.code or 500
    else:
        log.exception("unexpected error in %s %s", request.method, request.path)
        status = 500
    vendor_error = vendor.http_error(status, g.get("vendor_path", request.path))
    g.detail = vendor_error.detail
    return vendor.render(vendor_error)


def journal_response(response: Response) -> Response:
    """``after_request``: record the vendor request; control and dashboard calls are not journaled."""
    vendor = current_vendor()
    if vendor is None:
        return response
    sandbox = current_sandbox()
    tenant_name = g.get("tenant")
    detail = g.get("detail")
    if detail:
        response.headers["X-Sandbox-Detail"] = detail.encode("ascii", "backslashreplace").decode()
    sandbox.journal.record(
        time=sandbox.clock.now(tenant_name).isoformat(),
        tenant=tenant_name,
        vendor=vendor.name,
        operation=g.get("operation"),
        method=request.method,
        path=g.vendor_path,
        query=request.query_string.decode("latin-1"),
        status=response.status_code,
        scenario_rule=g.get("scenario_rule"),
        detail=detail,
        request_body=_request_body(sandbox.journal.cap),
        response_body="[streamed]" if response.is_streamed else sandbox.journal.cap(response.get_data()),
    )
    return response


def _request_body(cap: Callable[[bytes], str]) -> str:
    try:
        return cap(request.get_data(cache=True))
    except RequestEntityTooLarge:
        return f"[a body of {request.content_length} bytes, over the limit, was not read]"
