"""The sandbox's own API under ``/_sandbox``: health, reset, clock, lifecycles, credentials, journal, state."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.exceptions import HTTPException

from sandbox import __version__
from sandbox.core.auth import Credential, auto_tenant_name
from sandbox.core.context import Sandbox, current_sandbox, table_name
from sandbox.core.errors import ControlError, describe_validation
from sandbox.core.journal import FILTERS
from sandbox.core.lifecycle import present_statuses

log = logging.getLogger(__name__)

MAX_ADVANCE_SECONDS = 10 * 365 * 86400
TENANT_NAME = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", error="1-64 letters, digits, '.', '_' or '-'")


class Scoped(Schema):
    tenant = fields.String(validate=TENANT_NAME)
    credential = fields.String(validate=validate.Length(min=1))
    vendor = fields.String()


SCOPE_KEYS = frozenset(Scoped().fields)


class AdvanceSchema(Scoped):
    seconds = fields.Float(validate=validate.Range(min=0, max=MAX_ADVANCE_SECONDS), allow_nan=False)
    to = fields.DateTime()

    @validates_schema
    def one_of(self, data: dict[str, Any], **_: Any) -> None:
        if ("seconds" in data) == ("to" in data):
            raise ValidationError('give either "seconds" or "to"')


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


def control_blueprint() -> Blueprint:
    bp = Blueprint("sandbox_control", __name__)

    @bp.get("/health")
    def health() -> Any:
        sandbox = current_sandbox()
        root = request.host_url.rstrip("/")
        path = sandbox.config.store_path
        return jsonify(
            status="ok",
            version=__version__,
            storage=str(path) if path else "memory",
            vendors={name: f"{root}{vendor.prefix}" for name, vendor in sandbox.vendors.items()},
            tenants=len(sandbox.tenants()),
            now=sandbox.clock.now().isoformat(),
        )

    @bp.post("/reset")
    def reset() -> Any:
        sandbox = current_sandbox()
        tenant = scope(sandbox, body_as(Scoped))
        sandbox.reset(tenant)
        return jsonify(reset=tenant or "all")

    @bp.get("/clock")
    def clock() -> Any:
        sandbox = current_sandbox()
        return jsonify(_clock_view(sandbox, scope(sandbox, args_as(Scoped))))

    @bp.post("/clock/advance")
    def advance() -> Any:
        sandbox = current_sandbox()
        body = body_as(AdvanceSchema)
        tenant = scope(sandbox, body)
        try:
            if "seconds" in body:
                sandbox.clock.advance(body["seconds"], tenant)
            else:
                moment = body["to"] if body["to"].tzinfo else body["to"].replace(tzinfo=UTC)
                # The same bound as "seconds": a clock near datetime.max would overflow on every later read.
                if (moment - sandbox.clock.now(tenant)).total_seconds() > MAX_ADVANCE_SECONDS:
                    raise ValueError("the sandbox clock moves at most 10 years per call")
                sandbox.clock.advance_to(moment, tenant)
        except ValueError as error:
            raise ControlError(400, "invalid_clock", str(error)) from error
        applied = sandbox.lifecycles.tick(tenant)
        sandbox.webhooks.wake()  # retries wait on the sandbox clock too
        return jsonify({**_clock_view(sandbox, tenant), "transitions": applied})

    @bp.get("/lifecycles")
    def lifecycles() -> Any:
        sandbox = current_sandbox()
        tenant = scope(sandbox, args_as(Scoped))
        return jsonify(tenant=tenant, lifecycles=sandbox.lifecycles.describe(tenant))

    @bp.post("/lifecycles")
    def configure_lifecycle() -> Any:
        sandbox = current_sandbox()
        tenant, body = split_scope(sandbox, raw_body())
        name = body.get("lifecycle")
        if not isinstance(name, str):
            raise ControlError(
                400, "invalid_lifecycle", f'"lifecycle" names one of {sorted(sandbox.lifecycles.machines)}'
            )
        unknown = sorted(set(body) - {"lifecycle", "mode", "durations", "outcome", "id"})
        if unknown:
            raise ControlError(400, "invalid_lifecycle", f"unknown fields {unknown}")
        if "id" in body:
            if tenant is None:
                raise ControlError(400, "invalid_lifecycle", 'forcing one record needs "tenant" or "credential"')
            if set(body) - {"lifecycle", "id", "outcome"}:
                raise ControlError(400, "invalid_lifecycle", 'with "id", only "outcome" can be given')
            record = sandbox.lifecycles.force(tenant, name, str(body["id"]), body.get("outcome"))
            return jsonify(tenant=tenant, lifecycle=name, record=record)
        changes: dict[str, Any] = {k: body[k] for k in ("mode", "durations", "outcome") if k in body}
        config = sandbox.lifecycles.configure(tenant, name, changes)
        return jsonify(tenant=tenant, lifecycle=name, config=config)

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
        created = sandbox.credentials.put(credential)
        sandbox.ensure_tenant(credential.tenant, credential.vendor)
        return jsonify(credential.to_json()), 201 if created else 200

    @bp.get("/requests")
    def journal() -> Any:
        sandbox = current_sandbox()
        limit = request.args.get("limit", type=int)
        if "limit" in request.args and (limit is None or limit < 0):  # a negative one dropped the oldest
            raise ControlError(400, "invalid_request", "limit: a non-negative integer is expected")
        matched = sandbox.journal.query(_journal_filters(sandbox))
        shown = matched[-limit:] if limit else matched
        return jsonify(requests=[entry.to_json() for entry in shown], total=len(matched))

    @bp.delete("/requests")
    def clear_journal() -> Any:
        sandbox = current_sandbox()
        return jsonify(deleted=sandbox.journal.clear(_journal_filters(sandbox)))

    @bp.get("/settings")
    def settings() -> Any:
        sandbox = current_sandbox()
        tenant = scope(sandbox, args_as(Scoped))
        return jsonify(tenant=tenant, **sandbox.settings.view(tenant))

    @bp.patch("/settings")
    def patch_settings() -> Any:
        sandbox = current_sandbox()
        body = raw_body()
        # The settings name their vendor, which is what a key never used yet needs to find its tenant.
        vendors = body.keys() - SCOPE_KEYS
        tenant, changes = split_scope(sandbox, body, next(iter(vendors)) if len(vendors) == 1 else None)
        return jsonify(tenant=tenant, **sandbox.settings.patch(tenant, changes))

    @bp.get("/state")
    def export_state() -> Any:
        sandbox = current_sandbox()
        tenant = scope(sandbox, args_as(Scoped))
        tables = sandbox.store.export()
        if tenant is not None:
            tables = {name: rows for name, rows in tables.items() if name.endswith(f"/{tenant}")}
        present_statuses(tables, sandbox.clock.now)
        return jsonify(version=__version__, tables=tables)

    @bp.put("/state")
    def import_state() -> Any:
        sandbox = current_sandbox()
        tables = raw_body().get("tables")
        if not isinstance(tables, dict) or not all(
            isinstance(rows, dict) and all(isinstance(row, dict) for row in rows.values()) for rows in tables.values()
        ):
            raise ControlError(400, "invalid_state", '"tables" must map table names to {key: record}')
        previous = sandbox.store.export()
        try:
            sandbox.import_state(tables)
        except (KeyError, TypeError, ValueError) as error:  # well-shaped tables whose records do not load
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

    return bp


def split_scope(
    sandbox: Sandbox, body: dict[str, Any], vendor_hint: str | None = None
) -> tuple[str | None, dict[str, Any]]:
    """A body's scope keys resolved to a tenant, and the rest of the body."""
    scoping = {k: v for k, v in body.items() if k in SCOPE_KEYS}
    if vendor_hint is not None and "vendor" not in scoping:
        scoping["vendor"] = vendor_hint
    return scope(sandbox, _load(Scoped, scoping)), {k: v for k, v in body.items() if k not in SCOPE_KEYS}


def scope(sandbox: Sandbox, body: dict[str, Any]) -> str | None:
    """The tenant a control call is about: ``tenant``, ``X-Sandbox-Tenant``, or a vendor credential."""
    tenant = body.get("tenant") or request.headers.get("X-Sandbox-Tenant")
    secret = body.get("credential")
    if tenant or not secret:
        return tenant
    vendor = body.get("vendor")
    matches = [c for c in sandbox.credentials.find_secret(secret) if vendor in (None, c.vendor)]
    if matches:
        return matches[0].tenant
    if vendor in sandbox.vendors and sandbox.vendors[vendor].well_formed(secret):
        return auto_tenant_name(vendor, secret)
    raise ControlError(404, "unknown_credential", "no tenant is known for that credential")


def _clock_view(sandbox: Sandbox, tenant: str | None) -> dict[str, Any]:
    return {
        "now": sandbox.clock.now(tenant).isoformat(),
        "real_now": sandbox.clock.real_now().isoformat(),
        "offset_seconds": sandbox.clock.offset(tenant),
        "tenant": tenant,
    }


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
    tenant = body.get("tenant") or auto_tenant_name(vendor.name, secret)
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
    return filters


def raw_body() -> dict[str, Any]:
    if not request.get_data(cache=True).strip():
        return {}
    # Any content type: `curl -d '{...}'` sends a form type, and control calls are always JSON.
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise ControlError(400, "invalid_json", "the body must be a JSON object")
    return body


def body_as(schema: type[Schema]) -> dict[str, Any]:
    return _load(schema, raw_body())


def args_as(schema: type[Schema]) -> dict[str, Any]:
    return _load(schema, {key: request.args[key] for key in schema().fields if key in request.args})


def _load(schema: type[Schema], data: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema().load(data)
    except ValidationError as error:
        raise ControlError(400, "invalid_request", describe_validation(error.messages)) from error


def render_control_error(error: Exception) -> tuple[Response, int]:
    if isinstance(error, ControlError):
        return jsonify(error=error.error, message=error.message), error.status
    if isinstance(error, HTTPException):
        name = (error.name or "error").lower().replace(" ", "_")
        return jsonify(error=name, message=error.description), error.code or 500
    log.exception("unexpected error in %s %s", request.method, request.path)
    return jsonify(error="internal_error", message="the sandbox failed; see its log"), 500
