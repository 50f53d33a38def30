"""The Flask app factory: nothing stateful happens at import time."""

from __future__ import annotations

import logging

from flask import Flask

from sandbox.config import Config
from sandbox.core import pipeline, webhooks
from sandbox.core.context import Sandbox
from sandbox.core.control import control_blueprint
from sandbox.core.hostrouting import VendorHostRouter
from sandbox.core.injection import requested_outcome
from sandbox.core.routing import LazyBuilderRule
from sandbox.core.scenario_control import scenarios_blueprint
from sandbox.registry import load_vendors

log = logging.getLogger(__name__)


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = Flask("sandbox")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    app.url_rule_class = LazyBuilderRule

    vendors = load_vendors()
    sandbox = Sandbox(config, vendors)
    app.extensions["sandbox"] = sandbox

    for vendor in vendors.values():
        app.register_blueprint(vendor.blueprint(), url_prefix=vendor.prefix)
    app.register_blueprint(control_blueprint(), url_prefix="/_sandbox")
    app.register_blueprint(webhooks.blueprint(), url_prefix="/_sandbox/webhooks")
    app.register_blueprint(scenarios_blueprint(), url_prefix="/_sandbox/scenarios")
    for vendor in vendors.values():
        if vendor.control is not None:
            app.register_blueprint(vendor.control(), url_prefix=f"/_sandbox/{vendor.name}")

    app.before_request(pipeline.detect_vendor)
    app.after_request(pipeline.journal_response)
    app.register_error_handler(Exception, pipeline.handle_error)

    sandbox.lifecycles.requested_outcome = requested_outcome
    sandbox.scenarios.start(vendor_operations(app))

    app.wsgi_app = VendorHostRouter(  # type: ignore[method-assign]
        app.wsgi_app, {name: vendor.hosts for name, vendor in vendors.items()}
    )
    return app


def vendor_operations(app: Flask) -> dict[str, set[str]]:
    """Each vendor's operation names (what scenario rules match on), read off its views."""
    operations: dict[str, set[str]] = {}
    for endpoint, view in app.view_functions.items():
        name = getattr(view, "operation_name", None)
        if name is not None:
            operations.setdefault(endpoint.split(".", 1)[0], set()).add(name)
    return operations
