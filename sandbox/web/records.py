"""Control calls for the dashboard and tests: the tenants, a tenant's records, one record with its timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, jsonify

from sandbox.core.errors import ControlError
from sandbox.core.lifecycle import BOOK
from sandbox.core.sandbox import Sandbox
from sandbox.core.store import table_name
from sandbox.core.vendor import Shown, Vendor
from sandbox.web.current import current_sandbox
from sandbox.web.scope import Scoped, args_as, scope

LISTED = 50  # records of each kind in a listing, newest first; the total is given too

bp = Blueprint("sandbox_records", __name__)


@bp.get("/tenants")
def tenants() -> Any:
    """Every tenant with its vendors, record counts and last request; the demo tenant first."""
    sandbox = current_sandbox()
    last_seen: dict[str, str] = {}
    for entry in sandbox.journal.query({}):
        if entry.tenant:
            last_seen[entry.tenant] = entry.time
    found = [_tenant_summary(sandbox, name, last_seen.get(name)) for name in sandbox.tenants()]
    found.sort(key=lambda row: (row["tenant"] != "demo", row["tenant"]))
    return jsonify(tenants=found)


@bp.get("/records")
def records() -> Any:
    """A tenant's records of every vendor, newest first per kind, with their status and next due step."""
    sandbox = current_sandbox()
    tenant = _required(sandbox)
    sandbox.lifecycles.tick(tenant)
    now = sandbox.clock.now(tenant)
    kinds = []
    for vendor in sandbox.vendors.values():
        for shown in vendor.shown:
            table = table_name(vendor.name, shown.collection, tenant)
            keys = list(sandbox.store.keys(table))[::-1][:LISTED]
            rows = [sandbox.store.get(table, key) for key in keys]
            kinds.append(
                {
                    "vendor": vendor.name,
                    "collection": shown.collection,
                    "label": shown.label,
                    "lifecycle": shown.machine,
                    "total": sandbox.store.count(table),
                    "records": [_summary(shown, key, row, now) for key, row in zip(keys, rows, strict=True) if row],
                }
            )
    next_due = sandbox.lifecycles.next_due(tenant)
    return jsonify(
        tenant=tenant,
        now=now.isoformat(),
        next_due=next_due.isoformat() if next_due else None,
        kinds=kinds,
    )


@bp.get("/records/<vendor>/<collection>/<key>")
def record(vendor: str, collection: str, key: str) -> Any:
    """One record as stored (engine bookkeeping aside) and its timeline: every state, when, and why."""
    sandbox = current_sandbox()
    tenant = _required(sandbox)
    shown = _shown(sandbox, vendor, collection)
    # A control read, as GET /_sandbox/lifecycles/{name}/{id}: the steps that fell due run, but a manual record is
    # not moved (the dashboard reads an open timeline at each refresh, which walked it through its whole lifecycle).
    sandbox.lifecycles.tick(tenant)
    found = sandbox.store.get(table_name(vendor, collection, tenant), key)
    if found is None:
        raise ControlError(404, "not_found", f"no {vendor} {collection} record {key!r} for tenant {tenant!r}")
    book = found.pop(BOOK, None) or {}
    now = sandbox.clock.now(tenant)
    return jsonify(
        tenant=tenant,
        vendor=vendor,
        collection=collection,
        id=key,
        lifecycle=shown.machine,
        record=found,
        timeline=book.get("history", []),
        outcome=book.get("outcome"),
        next=_next(book, now),
    )


def _required(sandbox: Sandbox) -> str:
    tenant = scope(sandbox, args_as(Scoped))
    if not tenant:
        raise ControlError(400, "invalid_request", 'give "tenant" or "credential"')
    return tenant


def _shown(sandbox: Sandbox, vendor_name: str, collection: str) -> Shown:
    vendor: Vendor | None = sandbox.vendors.get(vendor_name)
    for shown in vendor.shown if vendor else ():
        if shown.collection == collection:
            return shown
    raise ControlError(404, "not_found", f"no record kind {vendor_name}/{collection}")


def _tenant_summary(sandbox: Sandbox, tenant: str, last_seen: str | None) -> dict[str, Any]:
    counts = {
        f"{vendor.name}.{shown.collection}": sandbox.store.count(table_name(vendor.name, shown.collection, tenant))
        for vendor in sandbox.vendors.values()
        for shown in vendor.shown
    }
    credentials = [c for c in sandbox.credentials.all() if c.tenant == tenant]
    return {
        "tenant": tenant,
        "vendors": sorted({c.vendor for c in credentials}),
        "credentials": len(credentials),
        "records": {name: count for name, count in counts.items() if count},
        "last_activity": last_seen,
    }


def _summary(shown: Shown, key: str, row: dict[str, Any], now: datetime) -> dict[str, Any]:
    summary: dict[str, Any] = {"id": key, "title": row.get(shown.title)}
    if shown.status:
        summary["status"] = row.get(shown.status)
    if shown.progress:
        summary["progress"] = {name: row.get(name) for name in shown.progress}
    if shown.machine:
        summary["next"] = _next(row.get(BOOK) or {}, now)
    return summary


def _next(book: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """The pending timed step, if any: when it falls due (virtual time) and in how many seconds."""
    if not book.get("pending"):
        return None
    due = book.get("due")
    if due is None:
        return {"due": None, "in_seconds": None, "manual": True}
    moment = datetime.fromtimestamp(due, now.tzinfo)
    return {"due": moment.isoformat(), "in_seconds": round((moment - now).total_seconds(), 3), "manual": False}
