"""Who may call the control API: this server's own Host names, no cross-site browser request, and the token if set.

[decided] A web page must not be able to drive the sandbox a developer runs: a cross-site ``text/plain`` POST
reset everything, and a page on a domain re-bound to 127.0.0.1 (DNS rebinding) read the state. Control calls
(everything under ``/_sandbox``; vendor paths never) are therefore refused when
- ``Host`` is not a name of this server: an IP address, ``localhost`` (and ``*.localhost``), a single-label name
  (a docker-compose or CI service), a reserved name (``.test``, ``.internal``, ``.local``, ``.example``,
  ``.invalid``), or the ``--host`` it was started with; a public domain name is what DNS rebinding uses;
- ``Origin`` (which browsers send with every non-GET request) or ``Sec-Fetch-Site`` says another site sent it;
- a write carries a body of a type a form or a simple cross-site request can send (``text/plain``, a form,
  ``multipart``) and no ``X-Sandbox-Control`` header: refused even without an ``Origin``, so the JSON body a
  control call takes must say ``Content-Type: application/json`` (``curl -d`` alone sends a form type).
With ``serve --control-token`` (or ``SANDBOX_CONTROL_TOKEN``) every control call needs ``X-Sandbox-Token``
(or ``Authorization: Bearer``) with the token; a caller holding it is trusted whatever ``Host`` it uses (a proxy).
Pages and files with no state (the dashboard's page, API descriptions, served images) need no token.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from flask import request

from sandbox.core.auth import bearer_secret
from sandbox.core.errors import ControlError
from sandbox.web.current import current_sandbox

PREFIX = "/_sandbox"
TOKEN_HEADER = "X-Sandbox-Token"
MARK_HEADER = "X-Sandbox-Control"
RESERVED_TLDS = ("test", "internal", "local", "localhost", "example", "invalid")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SIMPLE_TYPES = ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")  # what forms send
STATELESS = ("sandbox_dashboard.", "sandbox_apidocs.", "sandbox_state.image")


def guard_control() -> None:
    """``before_request``: refuse a control call that the rules above do not allow (raises ``ControlError``)."""
    path = request.path
    if path != PREFIX and not path.startswith(f"{PREFIX}/"):
        return
    config = current_sandbox().config
    trusted = _token_given(config.control_token)
    if config.control_token and not trusted and not (request.endpoint or "").startswith(STATELESS):
        raise ControlError(
            401, "unauthorized", f"this sandbox's control API needs its token: send {TOKEN_HEADER}: <the token>"
        )
    if not trusted and not host_allowed(request.host, config.control_hosts):
        raise ControlError(
            403, "forbidden_host", f"Host {request.host!r} is not a name of this sandbox; call it by its address"
        )
    if _cross_site():
        raise ControlError(403, "cross_site_request", "control calls are not taken from other sites' pages")
    if request.method not in SAFE_METHODS and _has_body() and not _json_or_marked():
        raise ControlError(
            415, "unsupported_media_type", f"send the body as Content-Type: application/json (or add {MARK_HEADER}: 1)"
        )


def _token_given(token: str | None) -> bool:
    if not token:
        return False
    presented = request.headers.get(TOKEN_HEADER) or bearer_secret(request.headers) or ""
    return hmac.compare_digest(presented.encode(), token.encode())


def host_allowed(host: str, extra: tuple[str, ...] = ()) -> bool:
    """Whether ``host`` (a Host header, port included) names this server rather than someone's domain."""
    name = urlsplit(f"//{host}").hostname if host else None
    if not name:
        return True  # HTTP/1.0 without Host: no browser sends that
    name = name.rstrip(".").lower()
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    labels = name.split(".")
    return len(labels) == 1 or labels[-1] in RESERVED_TLDS or name in {n.lower() for n in extra}


def _cross_site() -> bool:
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        mine = urlsplit(request.host_url)
        if (parts.scheme, parts.netloc.lower()) != (mine.scheme, mine.netloc.lower()):
            return True
    return request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _json_or_marked() -> bool:
    """Not a type a cross-site page can send without asking first (CORS-safelisted): those need the header."""
    return request.mimetype not in SIMPLE_TYPES or MARK_HEADER in request.headers or TOKEN_HEADER in request.headers
