"""The running sandbox of the app serving this request: the one door from Flask's globals to the core."""

from __future__ import annotations

from flask import Request, current_app

from sandbox.core.sandbox import Sandbox
from sandbox.web.rsgi import BODY_KEY

EXTENSION = "sandbox"


def current_sandbox() -> Sandbox:
    sandbox: Sandbox = current_app.extensions[EXTENSION]
    return sandbox


def request_body(current: Request) -> bytes:
    """The request's body: as the server read it before the app ran, whole and within the limit (web/rsgi.py),
    or else read by werkzeug (its stream, its limits, its cache)."""
    body: bytes | None = current.environ.get(BODY_KEY)
    return body if body is not None else current.get_data(cache=True)
