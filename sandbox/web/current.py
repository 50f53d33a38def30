"""The running sandbox of the app serving this request: the one door from Flask's globals to the core."""

from __future__ import annotations

from flask import current_app

from sandbox.core.sandbox import Sandbox

EXTENSION = "sandbox"


def current_sandbox() -> Sandbox:
    sandbox: Sandbox = current_app.extensions[EXTENSION]
    return sandbox
