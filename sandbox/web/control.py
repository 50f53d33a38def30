"""The sandbox's own API under ``/_sandbox``: health, reset, the clock, lifecycles and settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, jsonify, request
from marshmallow import ValidationError, fields, validate, validates_schema

from sandbox.core.errors import ControlError
from sandbox.core.lifecycle import BOOK
from sandbox.core.sandbox import Sandbox
from sandbox.version import __version__
from sandbox.web.current import current_sandbox
from sandbox.web.scope import SCOPE_KEYS, Scoped, args_as, body_as, raw_body, scope, split_scope

MAX_ADVANCE_SECONDS = 10 * 365 * 86400


class AdvanceSchema(Scoped):
    seconds = fields.Float(validate=validate.Range(min=0, max=MAX_ADVANCE_SECONDS), allow_nan=False)
    to = fields.DateTime()

    @validates_schema
    def one_of(self, data: dict[str, Any], **_: Any) -> None:
        if ("seconds" in data) == ("to" in data):
            raise ValidationError('give either "seconds" or "to"')


bp = Blueprint("sandbox_control", __name__)


@bp.get("/health")
def health() -> Any:
    sandbox = current_sandbox()
    root = request.host_url.rstrip("/")
    path = sandbox.config.store_path
    problem = sandbox.store.problem  # a write to disk failing, or a value refused: said here until it is over
    return jsonify(
        status="degraded" if problem else "ok",
        **({"problem": problem} if problem else {}),
        version=__version__,
        storage=str(path) if path else "memory",
        vendors={name: f"{root}{vendor.prefix}" for name, vendor in sandbox.vendors.items()},
        tenants=sandbox.tenant_count(),  # O(1): health is polled
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
    # Every webhook that fell due is attempted before the answer (retries wait on the sandbox clock too),
    # so a test that advances can assert on its receiver at once.
    with sandbox.outbox.held(tenant):
        applied = sandbox.lifecycles.tick(tenant)
        webhooks = sandbox.outbox.deliver_now(tenant)
    sandbox.outbox.wake()  # the worker's next retry moved closer on the clock
    return jsonify({**_clock_view(sandbox, tenant), "transitions": applied, "webhooks": webhooks})


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
        raise ControlError(400, "invalid_lifecycle", f'"lifecycle" names one of {sorted(sandbox.lifecycles.machines)}')
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


@bp.get("/lifecycles/<name>/<key>")
def lifecycle_record(name: str, key: str) -> Any:
    """One record's place in its lifecycle as of its tenant's clock: state, forced outcome, history, next step.

    A control read: unlike a vendor read it never moves a ``manual`` record. Without a scope, the record is
    looked for in every tenant (a mock's sandbox is the test's own), and must be found in exactly one.
    """
    sandbox = current_sandbox()
    machine = sandbox.lifecycles.machines.get(name)
    if machine is None:
        raise ControlError(
            404, "unknown_lifecycle", f"no lifecycle {name!r}; known: {sorted(sandbox.lifecycles.machines)}"
        )
    tenant = scope(sandbox, args_as(Scoped))
    if not tenant:
        prefix = sandbox.lifecycles.table(machine, "")
        holders = [t[len(prefix) :] for t in sorted(sandbox.store.table_names()) if t.startswith(prefix)]
        holders = [holder for holder in holders if sandbox.store.contains(prefix + holder, key)]
        if len(holders) > 1:
            raise ControlError(
                400, "invalid_request", f'{len(holders)} tenants hold {key!r}: give "tenant" or "credential"'
            )
        if not holders:
            raise ControlError(404, "not_found", f"no {name} record {key!r} in any tenant")
        tenant = holders[0]
    sandbox.lifecycles.tick(tenant)
    record = sandbox.store.get(sandbox.lifecycles.table(machine, tenant), key)
    if record is None:
        raise ControlError(404, "not_found", f"no {name} record {key!r} for tenant {tenant!r}")
    book = record.get(BOOK) or {}
    due = book.get("due") if book.get("pending") else None
    return jsonify(
        tenant=tenant,
        lifecycle=name,
        id=key,
        state=record.get(machine.field),
        outcome=book.get("outcome"),
        next_due=datetime.fromtimestamp(due, UTC).isoformat() if due is not None else None,
        history=book.get("history", []),
    )


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


def _clock_view(sandbox: Sandbox, tenant: str | None) -> dict[str, Any]:
    return {
        "now": sandbox.clock.now(tenant).isoformat(),
        "real_now": sandbox.clock.real_now().isoformat(),
        "offset_seconds": sandbox.clock.offset(tenant),
        "tenant": tenant,
    }
