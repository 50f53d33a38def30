"""Control calls under ``/_sandbox`` about what the sandbox holds: credentials, the journal, state, images."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import RequestEntityTooLarge

from sandbox.core import jsontext
from sandbox.core.auth import Credential
from sandbox.core.errors import ControlError
from sandbox.core.journal import FILTERS
from sandbox.core.sandbox import Sandbox
from sandbox.core.snapshot import SnapshotError
from sandbox.core.store import table_name
from sandbox.version import __version__
from sandbox.web.current import current_sandbox
from sandbox.web.scope import TENANT_NAME, Scoped, args_as, body_as, scope


class CredentialSchema(Schema):
    vendor = fields.String(required=True)
    secret = fields.String(validate=validate.Regexp(r"^\S{1,512}$", error="1-512 characters, no spaces"))
    tenant = fields.String(validate=TENANT_NAME)
    grants = fields.List(fields.String(), allow_none=True)
    expired = fields.Boolean(load_default=False)
    revoked = fields.Boolean(load_default=False)
    expires_at = fields.AwareDateTime(default_timezone=UTC)
    # Bounded so that "now + expires_in_seconds" stays a datetime (an unbounded value answered 500).
    expires_in_seconds = fields.Float(validate=validate.Range(min=0, max=100 * 365 * 86400), allow_nan=False)
    user = fields.String(validate=validate.Length(1, 128))


bp = Blueprint("sandbox_state", __name__)


@bp.get("/credentials")
def list_credentials() -> Any:
    sandbox = current_sandbox()
    vendor = request.args.get("vendor")
    tenant = request.args.get("tenant")
    found = [c.to_json() for c in sandbox.credentials.all(vendor) if tenant in (None, c.tenant)]
    return jsonify(credentials=found)


@bp.post("/credentials")
def make_credential() -> Any:
    sandbox = current_sandbox()
    credential = _credential(sandbox, body_as(CredentialSchema))
    created = sandbox.put_credential(credential)
    return jsonify(credential.to_json()), 201 if created else 200


@bp.get("/requests")
def journal() -> Any:
    sandbox = current_sandbox()
    limit = request.args.get("limit", type=int)
    if "limit" in request.args and (limit is None or limit < 0):  # a negative one dropped the oldest
        raise ControlError(400, "invalid_request", "limit: a non-negative integer is expected")
    matched = sandbox.journal.query(_journal_filters(sandbox))
    shown = matched[-limit:] if limit else matched
    return jsonify(requests=[sandbox.journal.show(entry) for entry in shown], total=len(matched))


@bp.delete("/requests")
def clear_journal() -> Any:
    sandbox = current_sandbox()
    return jsonify(deleted=sandbox.journal.clear(_journal_filters(sandbox)))


@bp.get("/state")
def export_state() -> Any:
    sandbox = current_sandbox()
    tenant = scope(sandbox, args_as(Scoped))
    sandbox.lifecycles.tick(tenant)  # every status as of the tenant's clock
    tables = sandbox.store.export()
    if tenant is not None:
        tables = {name: rows for name, rows in tables.items() if name.endswith(f"/{tenant}")}
    return jsonify(version=__version__, tables=tables)


@bp.put("/state")
def import_state() -> Any:
    """Replace all state with an export, checked whole first: a bad one names its first bad field, changes nothing."""
    sandbox = current_sandbox()
    limit = sandbox.config.max_state_bytes  # its own limit: an export of many tenants is far over 1 MiB
    request.max_content_length = limit
    try:
        document = jsontext.loads_document(request.get_data(cache=False))
    except RequestEntityTooLarge:
        raise ControlError(413, "state_too_large", f"a snapshot of at most {limit} bytes is accepted") from None
    except jsontext.NotText as error:
        raise ControlError(400, "invalid_json", str(error)) from None
    if not isinstance(document, dict):
        raise ControlError(400, "invalid_json", "the body must be a JSON object (an export of GET /_sandbox/state)")
    try:
        tables = sandbox.check_snapshot(document, __version__)
    except SnapshotError as error:
        raise ControlError(400, "invalid_state", str(error)) from None
    previous = sandbox.store.export()
    try:
        sandbox.import_state(tables)
    except (KeyError, TypeError, ValueError) as error:  # a check missed something: put the old state back
        sandbox.import_state(previous)
        raise ControlError(400, "invalid_state", f"the state does not load: {error!r}") from error
    return jsonify(imported=len(tables))


@bp.get("/images/<vendor>/<tenant>/<key>")
def image(vendor: str, tenant: str, key: str) -> Any:
    sandbox = current_sandbox()
    stored = sandbox.store.get(table_name(vendor, "images", tenant), key)
    if stored is None:
        raise ControlError(404, "not_found", "no such image")
    return Response(base64.b64decode(stored["content"]), mimetype=stored["mimetype"])


def _credential(sandbox: Sandbox, body: dict[str, Any]) -> Credential:
    vendor = sandbox.vendors.get(body["vendor"])
    if vendor is None:
        raise ControlError(400, "invalid_credential", f"unknown vendor {body['vendor']!r}")
    grants = body.get("grants")
    unknown = sorted(set(grants or ()) - set(vendor.grants))
    if unknown:
        raise ControlError(
            400, "invalid_credential", f"unknown grants {unknown}; {vendor.name} has {list(vendor.grants)}"
        )
    secret = body.get("secret") or sandbox.ids.token(40)
    tenant = body.get("tenant") or sandbox.credentials.tenant_for(secret)
    expires_at = body.get("expires_at")
    if "expires_in_seconds" in body:
        tenant_now = sandbox.clock.now(tenant)  # the key's own tenant's clock is the one it expires by
        expires_at = datetime.fromtimestamp(tenant_now.timestamp() + body["expires_in_seconds"], UTC)
    return Credential(
        vendor=vendor.name,
        secret=secret,
        tenant=tenant,
        grants=grants,
        expired=body["expired"],
        revoked=body["revoked"],
        expires_at=expires_at.isoformat() if expires_at else None,
        user=body.get("user", "api-user"),
    )


def _journal_filters(sandbox: Sandbox) -> dict[str, str]:
    filters = {key: request.args[key] for key in FILTERS if request.args.get(key)}
    if "credential" in request.args:
        tenant = scope(sandbox, {"credential": request.args["credential"], "vendor": request.args.get("vendor")})
        if tenant:
            filters["tenant"] = tenant
    elif "tenant" not in filters and (tenant := scope(sandbox, {})):  # X-Sandbox-Tenant / X-Sandbox-Credential
        filters["tenant"] = tenant
    return filters
