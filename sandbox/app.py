"""The Flask app factory: the vendors, the composition root and the web layer put together."""

from __future__ import annotations

from typing import Any

from flask import Flask

from sandbox.config import Config
from sandbox.core.sandbox import Sandbox
from sandbox.core.vendor import Vendor
from sandbox.vendors import dailystory, infobip, webex, zexa
from sandbox.web import apidocs, control, dashboard, guard, pipeline, records, scenarios, state, webhooks
from sandbox.web.current import EXTENSION
from sandbox.web.fastjson import SandboxJSON
from sandbox.web.hostrouting import VendorHostRouter
from sandbox.web.routing import LazyBuilderRule

VENDORS: tuple[Vendor, ...] = (webex.VENDOR, dailystory.VENDOR, infobip.VENDOR, zexa.VENDOR)


class SandboxFlask(Flask):
    """Flask, told that every view and hook is a plain function (none is ``async``)."""

    def ensure_sync(self, func: Any) -> Any:
        # Flask asks ``inspect`` about every view and hook of every request, to wrap coroutines; there are none.
        return func


def create_app(config: Config | None = None) -> Flask:
    """A new app with its own sandbox; nothing stateful happens at import time."""
    config = config or Config()
    app = SandboxFlask("sandbox")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json = SandboxJSON(app)  # orjson; keys in order, UTF-8 as is
    app.url_map.strict_slashes = False
    # No 308 redirect (an HTML body) from /zexa/v1//campaigns to /zexa/v1/campaigns: a path with an empty
    # segment matches no route, so it gets the vendor's own JSON 404, as an API gateway would answer.
    app.url_map.merge_slashes = False
    app.url_rule_class = LazyBuilderRule

    vendors = {vendor.name: vendor for vendor in VENDORS}
    sandbox = Sandbox(config, vendors)
    app.extensions[EXTENSION] = sandbox

    for vendor in VENDORS:
        app.register_blueprint(vendor.routes, url_prefix=vendor.prefix)
    app.register_blueprint(control.bp, url_prefix="/_sandbox")
    app.register_blueprint(state.bp, url_prefix="/_sandbox")
    app.register_blueprint(records.bp, url_prefix="/_sandbox")
    app.register_blueprint(dashboard.bp, url_prefix="/_sandbox")
    app.register_blueprint(apidocs.bp, url_prefix="/_sandbox")
    app.register_blueprint(webhooks.bp, url_prefix="/_sandbox/webhooks")
    app.register_blueprint(scenarios.bp, url_prefix="/_sandbox/scenarios")
    for vendor in VENDORS:
        if vendor.control is not None:
            app.register_blueprint(vendor.control, url_prefix=f"/_sandbox/{vendor.name}")

    app.before_request(guard.guard_control)  # first: a refused control call does nothing else
    app.before_request(pipeline.detect_vendor)
    app.after_request(pipeline.journal_response)
    app.register_error_handler(Exception, pipeline.handle_error)

    sandbox.start_scenarios(vendor_operations(app))
    app.wsgi_app = VendorHostRouter(  # type: ignore[method-assign]
        app.wsgi_app, {vendor.name: vendor.hosts for vendor in VENDORS}
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
