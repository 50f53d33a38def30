"""Around every vendor request: which vendor, who is calling, the body at the view edge, errors, the journal."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from flask import Request, Response, g, jsonify, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import ClientDisconnected, HTTPException, RequestEntityTooLarge

from sandbox.core import jsontext
from sandbox.core.errors import ControlError, VendorError
from sandbox.core.sandbox import Sandbox
from sandbox.core.tenant import Tenant
from sandbox.core.tenants import TenantCapReached
from sandbox.core.vendor import Asked, Reply, Vendor
from sandbox.web.current import current_sandbox, request_body
from sandbox.web.injection import apply_scenarios
from sandbox.web.scope import render_control_error

log = logging.getLogger(__name__)
View = TypeVar("View", bound=Callable[..., Any])


def current_vendor() -> Vendor | None:
    return g.get("vendor")


def detect_vendor() -> None:
    """``before_request``: the vendor whose prefix the path carries, if any."""
    path = request.path
    first = path.split("/", 2)[1] if path.startswith("/") else ""
    sandbox = current_sandbox()
    vendor = sandbox.vendors.get(first)
    if vendor is not None:
        here = g._get_current_object()  # one proxy lookup, not one per name
        here.vendor = vendor
        here.vendor_path = path[len(vendor.prefix) :] or "/"
        here.sandbox = sandbox  # for the rest of the pipeline, without another lookup


def operation(
    name: str,
    grant: str,
    status: int | None = None,
    answers: Schema | dict[str, Any] | None = None,
    also: tuple[int, ...] = (),
) -> Callable[[View], View]:
    """Name the vendor operation (journal, scenarios), authorise the caller, hand the view its ``Tenant``.

    ``status`` is the success status when it is not 200; a view that answers None sends no body.
    ``answers`` is the success body's schema (marshmallow, or JSON Schema) and ``also`` the other success
    statuses the view may answer, for the OpenAPI document.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            here = g._get_current_object()
            here.operation = name
            injected = apply_scenarios()
            if injected is not None:
                return injected
            answer = view(authorise(grant, here), *args, **kwargs)
            if answer is None and status is not None:
                return empty(status)
            return answer if status is None else (answer, status)

        wrapper.operation_name = name  # type: ignore[attr-defined]  # what scenarios may match on
        documented = Documented(name, grant, status or 200, answers, *_accepted(view), also=also)
        wrapper.documented = documented  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def empty(status: int) -> Response:
    """A 202/204 with no body: no ``Content-Type`` either (Flask would label the empty string text/html)."""
    response = Response(status=status)
    del response.headers["Content-Type"]
    return response


def authorise(grant: str, here: Any) -> Tenant:
    """The caller's tenant, or the vendor's 401/403; a new tenant gets its reference data first.

    ``here`` is the request's ``g``, which ``detect_vendor`` gave the vendor and the sandbox.
    """
    sandbox: Sandbox = here.sandbox
    vendor: Vendor = here.vendor
    headers = request.headers
    secret = vendor.extract_secret(headers)
    if secret is None:
        raise vendor.auth_error("missing", headers)
    try:
        credential = sandbox.credentials.resolve(vendor.name, secret, vendor.well_formed)
    except TenantCapReached as full:  # the vendor's answer to a key it does not know, and why (core.tenants)
        refusal = vendor.auth_error("unknown", headers)
        refusal.detail = str(full)
        raise refusal from None
    if credential is None:
        raise vendor.auth_error("unknown", headers)
    here.tenant = credential.tenant
    if credential.revoked:
        raise vendor.auth_error("revoked", headers)
    if credential.is_expired(lambda: sandbox.clock.now(credential.tenant)):
        raise vendor.auth_error("expired", headers)
    if not credential.allows(grant):
        raise vendor.auth_error("not_granted", headers)
    sandbox.ensure_tenant(credential.tenant, vendor.name)
    sandbox.lifecycles.tick(credential.tenant)  # what fell due with real time is materialised before the read
    return sandbox.tenant(credential.tenant, credential, here.get("lifecycle_outcomes"))


Location = Literal["json", "optional_json", "query", "query_lists"]


def accepts(schema: Schema | None, location: Location = "json", max_bytes: int | None = None) -> Callable[[View], View]:
    """Load the request's JSON body (or query) at the view edge; the view gets the loaded data after its tenant.

    ``schema`` None hands over the raw object; ``optional_json`` reads a missing body as ``{}``; ``query``
    is the query string's first value per name, ``query_lists`` all of them. Bodies
    that are not JSON objects get the vendor's malformed-body error; schema failures the vendor's
    validation error (a schema's own hooks may raise a catalogue error first).
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(tenant: Tenant, *args: Any, **kwargs: Any) -> Any:
            if location == "query":
                data: dict[str, Any] = {key: request.args[key] for key in request.args}
            elif location == "query_lists":  # every value of a repeated name, in order
                data = request.args.to_dict(flat=False)
            elif location == "optional_json" and not request_body(request).strip():
                data = {}
            else:
                data = json_object(max_bytes)
            if schema is not None:
                try:
                    data = schema.load(data)
                except ValidationError as failure:
                    raise g.vendor.invalid(failure.messages) from None
            return view(tenant, data, *args, **kwargs)

        wrapper.accepted = (schema, location)  # type: ignore[attr-defined]  # for the OpenAPI document
        return wrapper  # type: ignore[return-value]

    return decorate


@dataclass(frozen=True)
class Documented:
    """What a view's decorators say about its operation: the OpenAPI document is a walk over these."""

    name: str
    grant: str
    status: int
    answers: Schema | dict[str, Any] | None
    accepts: Schema | None
    location: Location | None
    also: tuple[int, ...] = ()


def _accepted(view: Callable[..., Any]) -> tuple[Schema | None, Location | None]:
    return getattr(view, "accepted", (None, None))


def query() -> dict[str, str]:
    """The query string as a plain dict (the last value of a repeated name wins)."""
    return {key: request.args[key] for key in request.args}


def json_object(max_bytes: int | None = None) -> dict[str, Any]:
    """The request body as a JSON object, or the vendor's malformed-body error."""
    here = g._get_current_object()
    vendor: Vendor = here.vendor
    current = request._get_current_object()  # type: ignore[attr-defined]
    cut_at = here.sandbox.config.max_body_bytes  # where the server stops reading a body without a length
    limit = max_bytes or cut_at
    length = current.content_length
    if length is not None and length > limit:
        detail = f"the body is {length} bytes; at most {limit} are accepted"
        raise vendor.invalid_json(detail, length > cut_at)
    try:
        raw = request_body(current)
    except RequestEntityTooLarge:
        raise vendor.invalid_json(f"the body is larger than {limit} bytes", True) from None
    if len(raw) > limit or (length is None and len(raw) >= cut_at):
        # Without a Content-Length the server stops reading at its limit, so a body that reaches it is too large.
        too_large = length is None and len(raw) >= cut_at
        raise vendor.invalid_json(f"the body is {len(raw)} bytes or more; at most {limit} are accepted", too_large)
    try:
        # Strict (core.jsontext): besides bad syntax, bytes that are not UTF-8 (a surrogate sent raw), lone surrogate
        # escapes, NaN/Infinity and out-of-range numbers; each would otherwise be stored and break later answers.
        body = jsontext.loads(raw)
    except jsontext.NotText as error:
        raise vendor.invalid_json(str(error), False) from None
    if not isinstance(body, dict):
        raise vendor.invalid_json(f"a JSON object is expected, not {type(body).__name__}", False)
    return body


def handle_error(error: Exception) -> Response | tuple[Response, int]:
    """Every failure under a vendor prefix, rendered in that vendor's envelope; never a traceback."""
    vendor = current_vendor()
    if isinstance(error, VendorError):
        g.detail = error.detail
        response = render(current_sandbox().vendors[error.vendor], error)
        response.headers.update(error.extra.get("headers", {}))
        return response
    if vendor is None or isinstance(error, ControlError):
        return render_control_error(error)
    if isinstance(error, HTTPException):
        status = error.code or 500
    else:
        log.exception("unexpected error in %s %s", request.method, request.path)
        status = 500
    vendor_error = vendor.http_error(status, g.get("vendor_path", request.path))
    g.detail = vendor_error.detail
    return render(vendor, vendor_error)


def render(vendor: Vendor, error: VendorError) -> Response:
    """The vendor's pure renderer, told what it may depend on; its ``Reply`` made an HTTP response."""
    sandbox = current_sandbox()
    asked = Asked(g.get("operation"), sandbox.settings.get(g.get("tenant"), vendor.name), sandbox.ids)
    return to_response(vendor.render(error, asked))


def to_response(reply: Reply) -> Response:
    response = jsonify(reply.body)
    response.status_code = reply.status
    for name, value in reply.headers.items():
        response.headers[name] = value
    return response


def journal_response(response: Response) -> Response:
    """``after_request``: record the vendor request; control and dashboard calls are not journaled."""
    here = g._get_current_object()
    vendor = here.get("vendor")
    if vendor is None:
        return response
    current = request._get_current_object()  # type: ignore[attr-defined]
    sandbox: Sandbox = here.sandbox
    tenant_name = here.get("tenant")
    detail = here.get("detail")
    if detail:
        # Escaped whole: a detail may quote a path or an id holding a newline, which no header may carry.
        response.headers["X-Sandbox-Detail"] = detail.encode("unicode_escape").decode("ascii")
    journal = sandbox.journal
    journal.record(
        time=sandbox.clock.now(tenant_name).isoformat(),
        tenant=tenant_name,
        vendor=vendor.name,
        operation=here.get("operation"),
        method=current.method,
        path=here.vendor_path,
        query=current.query_string.decode("latin-1"),
        status=response.status_code,
        scenario_rule=here.get("scenario_rule"),
        detail=detail,
        request_body=_request_body(current),
        response_body="[streamed]" if response.is_streamed else response.get_data(),
    )
    return response


def _request_body(current: Request) -> bytes | str:
    """The body as received (the journal masks and caps it), or why there is none to show."""
    if not current.content_length and "Transfer-Encoding" not in current.headers:
        return b""  # no body was sent: nothing to read
    try:
        return request_body(current)
    except RequestEntityTooLarge:
        return f"[a body of {current.content_length} bytes, over the limit, was not read]"
    except ClientDisconnected:  # the server's body deadline passed (web/rsgi.py)
        return "[the body did not arrive in time]"
