"""What a fired scenario rule does to a vendor request: delay, fault, injected answer or lifecycle outcome."""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Iterator
from typing import Any

from flask import Response, g, request

from sandbox.core.errors import VendorError
from sandbox.core.sandbox import Sandbox
from sandbox.core.scenarios import Call, Hit, lenient_json
from sandbox.core.vendor import Vendor
from sandbox.web.current import current_sandbox, request_body
from sandbox.web.rsgi import INLINE_KEY

SCENARIO_HEADER = "X-Sandbox-Scenario"
# A body cut off mid-document, as a proxy that drops the connection half-way would deliver it.
MALFORMED_JSON = b'{"status": "ok", "data": [{"id": 1, "name": "trunc'


def may_run_inline(sandbox: Sandbox, path: str, headers: Any) -> bool:
    """Whether a request can run on the server's event loop: a vendor call no scenario could delay.

    Read once, as the request is dispatched: a scenario activated after that point applies from the next
    request on (``apply_scenarios`` does not look again), so a delay never holds the event loop.
    """
    return sandbox.scenarios.idle and not path.startswith("/_sandbox") and SCENARIO_HEADER.lower() not in headers


def apply_scenarios() -> Response | None:
    """Run before auth: the rule that fires may answer in place of the vendor, or steer what follows."""
    if request.environ.get(INLINE_KEY):
        return None  # no scenario was active when the request was dispatched (may_run_inline)
    sandbox = current_sandbox()
    header = request.headers.get(SCENARIO_HEADER, "")
    if sandbox.scenarios.idle and not header:
        return None
    vendor: Vendor = g.vendor
    tenant = _peek_tenant(sandbox, vendor)
    call = Call(
        vendor=vendor.name,
        operation=g.get("operation"),
        method=request.method,
        path=g.vendor_path,
        headers=request.headers,
        tenant=tenant,
        body=lambda: lenient_json(request_body(request)),
    )
    hit = sandbox.scenarios.fire(call, [name.strip() for name in header.split(",") if name.strip()])
    if hit is None:
        return None
    g.scenario_rule = hit.label
    g.tenant = tenant
    rule = hit.rule
    if rule.delay_ms:
        time.sleep(rule.delay_ms / 1000)  # only this request's thread waits; the server has others
    if rule.lifecycle is not None:
        g.lifecycle_outcomes = {rule.lifecycle["name"]: rule.lifecycle["outcome"]}
    if rule.fault is not None:
        return _fault(rule.fault, (rule.respond or {}).get("status", 200))
    if rule.respond is not None:
        return _respond(hit, vendor)
    return None


def _peek_tenant(sandbox: Sandbox, vendor: Vendor) -> str | None:
    """The caller's tenant without side effects (auth proper runs after the scenario check)."""
    secret = vendor.extract_secret(request.headers)
    if secret is None:
        return None
    known = sandbox.credentials.get(vendor.name, secret)
    if known is not None:
        return known.tenant
    if sandbox.credentials.strict or not vendor.well_formed(secret):
        return None
    return sandbox.credentials.tenant_for(secret)


def _respond(hit: Hit, vendor: Vendor) -> Response:
    respond: dict[str, Any] = hit.rule.respond or {}
    headers = respond.get("headers", {})
    if "error" in respond:
        raise VendorError(
            vendor.name,
            vendor.catalogue[respond["error"]],
            description=respond.get("message"),
            detail=f"injected by scenario rule {hit.label}",
            extra={"headers": headers},
        )
    g.detail = f"injected by scenario rule {hit.label}"
    body = respond.get("body")
    payload = body if isinstance(body, str) else ("" if body is None else json.dumps(body, ensure_ascii=False))
    response = Response(payload, status=respond["status"], mimetype="application/json")
    response.headers.update(headers)
    return response


def _fault(fault: str, status: int) -> Response:
    g.detail = f"transport fault {fault} injected by scenario rule {g.scenario_rule}"
    if fault == "empty_reply":
        return Response(b"", status=status, mimetype="application/json")
    if fault == "malformed_json":
        return Response(MALFORMED_JSON, status=status, mimetype="application/json")
    _reset_socket()
    # A declared length makes Granian drop the connection before any byte when the body fails;
    # without one it would end a chunked body cleanly.
    return Response(_dropped(), status=status, mimetype="application/json", headers={"Content-Length": "64"})


def _reset_socket() -> None:
    """Abort the TCP connection (RST) where the server exposes its socket (the werkzeug server does)."""
    sock = request.environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # close() alone would wait for the server's own file objects on the socket to be released.
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _dropped() -> Iterator[bytes]:
    # Raised before the first byte, so the server (werkzeug, Granian) abandons the response and closes
    # the connection instead of sending anything; a ConnectionError is what servers treat as a drop.
    raise ConnectionResetError("connection cut by a scenario fault")
    yield b""  # pragma: no cover - makes this a generator
