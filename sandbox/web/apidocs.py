"""Control calls for API descriptions: each vendor's OpenAPI document, Swagger UI (offline) and Postman collection."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request

from sandbox.core.errors import ControlError
from sandbox.core.vendor import Vendor
from sandbox.web.current import current_sandbox
from sandbox.web.openapi import OPENAPI_VERSION, document
from sandbox.web.postman import collection


def _package_folder(name: str) -> Path:
    """Where an installed package's files are, found without importing it."""
    spec = find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return Path(spec.origin).parent


# Swagger UI's own files come from its PyPI package (swagger-ui-py), never from a CDN. Its Python side is never
# used: importing it would cost the start a few milliseconds (issue 16).
SWAGGER_UI = str(_package_folder("swagger_ui") / "static")

bp = Blueprint(
    "sandbox_apidocs",
    __name__,
    template_folder="assets",
    static_folder=SWAGGER_UI,
    static_url_path="/docs/swagger-ui",
)


@bp.get("/openapi/<vendor>.json")
def openapi(vendor: str) -> Any:
    """``?openapi=3.0.3`` answers the same document for tools that do not read 3.1 yet."""
    version = request.args.get("openapi", OPENAPI_VERSION)
    if version not in (OPENAPI_VERSION, "3.0.3"):
        raise ControlError(400, "invalid_request", f"openapi: {OPENAPI_VERSION} (default) or 3.0.3")
    found = _vendor(vendor)
    if version != OPENAPI_VERSION and found.docs is not None and found.docs.components:
        # Its answers are described by JSON Schema 2020-12 models, which only OpenAPI 3.1 can hold.
        raise ControlError(400, "invalid_request", f"{vendor}: only OpenAPI {OPENAPI_VERSION}")
    return jsonify(document(current_app, found, request.host_url.rstrip("/"), version))


@bp.get("/postman/<vendor>.json")
def postman(vendor: str) -> Any:
    """A Postman Collection v2.1 of the vendor's operations, aimed at this sandbox (``baseUrl``)."""
    found = _vendor(vendor)
    server = request.host_url.rstrip("/")
    return jsonify(collection(found, document(current_app, found, server), server))


@bp.get("/docs/<vendor>")
def swagger(vendor: str) -> Any:
    found = _vendor(vendor)
    assert found.docs is not None  # _vendor checked it
    scheme = next(iter(found.docs.security))
    credential = found.auth_header(found.docs.demo_secret)["Authorization"]
    # "Try it out" calls this sandbox with the demo credential: bearer schemes take the token alone.
    value = credential.split(" ", 1)[1] if found.docs.security[scheme].get("scheme") == "bearer" else credential
    return render_template("swagger.html", vendor=found, title=found.docs.title, scheme=scheme, credential=value)


def _vendor(name: str) -> Vendor:
    vendor = current_sandbox().vendors.get(name)
    if vendor is None or vendor.docs is None:
        known = sorted(n for n, v in current_sandbox().vendors.items() if v.docs is not None)
        raise ControlError(404, "unknown_vendor", f"no API description for {name!r}; known: {known}")
    return vendor
