"""Control calls under ``/_sandbox/webhooks``: deliveries with their attempts, redelivery, retry configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, jsonify, request

from sandbox.core.errors import ControlError
from sandbox.core.outbox import STATUSES
from sandbox.web.current import current_sandbox
from sandbox.web.scope import raw_body, scope

bp = Blueprint("sandbox_webhooks", __name__)


def tenant_of(values: Mapping[str, Any], required: bool = False) -> str | None:
    picked = {k: values[k] for k in ("tenant", "credential", "vendor") if isinstance(values.get(k), str)}
    tenant = scope(current_sandbox(), picked)
    if required and not tenant:
        raise ControlError(400, "invalid_request", 'give "tenant" or "credential"')
    return tenant


@bp.get("/deliveries")
def deliveries() -> Any:
    status = request.args.get("status")
    if status and status not in STATUSES:
        raise ControlError(400, "invalid_request", f"status: one of {list(STATUSES)}")
    limit = request.args.get("limit", type=int)
    if "limit" in request.args and (limit is None or limit < 0):
        raise ControlError(400, "invalid_request", "limit: a non-negative integer is expected")
    filters = {k: request.args.get(k, "") for k in ("vendor", "stream", "event", "event_id")}
    found = current_sandbox().outbox.deliveries(tenant_of(request.args), status=status or "", **filters)
    return jsonify(deliveries=found[-limit:] if limit else found, total=len(found))


@bp.get("/deliveries/<delivery_id>")
def delivery(delivery_id: str) -> Any:
    return jsonify(current_sandbox().outbox.get(tenant_of(request.args, required=True) or "", delivery_id))


@bp.post("/deliveries/<delivery_id>/redeliver")
def redeliver(delivery_id: str) -> Any:
    tenant = tenant_of({**request.args, **raw_body()}, required=True) or ""
    return jsonify(current_sandbox().outbox.redeliver(tenant, delivery_id))


@bp.get("/config")
def config() -> Any:
    tenant = tenant_of(request.args)
    return jsonify(tenant=tenant, **current_sandbox().outbox.config(tenant))


@bp.patch("/config")
def configure() -> Any:
    values = raw_body()
    tenant = tenant_of(values)
    changes = {k: v for k, v in values.items() if k not in ("tenant", "credential", "vendor")}
    return jsonify(tenant=tenant, **current_sandbox().outbox.configure(tenant, changes))
