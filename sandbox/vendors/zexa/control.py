"""Zexa control calls at ``/_sandbox/zexa``: read, set or top up credits (a top-up resumes paused campaigns)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from sandbox.core.errors import ControlError
from sandbox.core.sandbox import Sandbox
from sandbox.vendors.zexa.models.base import VENDOR
from sandbox.vendors.zexa.models.credits import Credits
from sandbox.web.scope import control, required_scope

MAX_CREDITS = 1_000_000_000


def _tenant(sandbox: Sandbox, values: dict[str, Any]) -> str:
    # "vendor" is taken as every other control call takes it (it narrows which vendor's key "credential" is);
    # here only Zexa's makes sense.
    if "vendor" in values and values["vendor"] != VENDOR:
        raise ControlError(400, "invalid_request", f'vendor: these are Zexa\'s credits: "{VENDOR}" or leave it out')
    picked: dict[str, Any] = {k: values[k] for k in ("tenant", "credential") if k in values}
    tenant = required_scope(sandbox, picked, VENDOR)
    sandbox.ensure_tenant(tenant, VENDOR)  # seeding later would overwrite the balance set here
    return tenant


def _amount(body: dict[str, Any], name: str, minimum: float) -> float | None:
    if name not in body:
        return None
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not minimum <= value <= MAX_CREDITS:
        bound = "above 0" if minimum > 0 else "0 or more"
        raise ControlError(400, "invalid_request", f"{name}: a number {bound}, at most {MAX_CREDITS}")
    if name == "amount" and value <= 0:
        raise ControlError(400, "invalid_request", "amount: a number above 0")
    return float(value)


bp = Blueprint("zexa_control", __name__)


@bp.get("/credits")
@control(location="query")
def credits(sandbox: Sandbox, query: dict[str, Any]) -> Any:
    tenant = _tenant(sandbox, query)
    return {"tenant": tenant, **Credits(sandbox.tenant(tenant)).view()}


@bp.post("/credits")
@control()
def top_up(sandbox: Sandbox, body: dict[str, Any]) -> Any:
    """``{"tenant"|"credential", "amount": N}`` adds N credits; ``{"balance": N}`` sets the balance."""
    unknown = sorted(set(body) - {"tenant", "credential", "vendor", "amount", "balance"})
    if unknown:
        raise ControlError(400, "invalid_request", f"unknown fields {unknown}")
    amount, balance = _amount(body, "amount", 0), _amount(body, "balance", 0)
    if (amount is None) == (balance is None):
        raise ControlError(400, "invalid_request", 'give either "amount" (a top-up) or "balance"')
    tenant = _tenant(sandbox, body)
    return {"tenant": tenant, **Credits(sandbox.tenant(tenant)).top_up(amount=amount, balance=balance)}
