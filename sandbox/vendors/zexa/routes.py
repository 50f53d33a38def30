"""Zexa views under ``/zexa``: thin; auth, the tenant's rate limit, then the backend modules."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, g, jsonify, request

from sandbox.core.context import current_sandbox
from sandbox.core.pipeline import json_object, operation, tenant
from sandbox.vendors.zexa.base import VENDOR, zexa_settings
from sandbox.vendors.zexa.campaigns import Campaigns
from sandbox.vendors.zexa.contacts import Contacts
from sandbox.vendors.zexa.errors import error
from sandbox.vendors.zexa.webhooks import Webhooks

GRANT = "api"  # [decided] Zexa documents one API key with access to everything
View = TypeVar("View", bound=Callable[..., Any])


def zexa_operation(name: str) -> Callable[[View], View]:
    """Authorise (the shared pipeline), then count the request against the key's rate limit."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            throttle()
            return view(*args, **kwargs)

        return operation(name, grant=GRANT)(limited)  # type: ignore[return-value]

    return decorate


def throttle() -> None:
    """[decided] A per-key limit the tenant sets: ``rate_limit_requests`` per ``rate_limit_window_seconds``."""
    sandbox = current_sandbox()
    settings = zexa_settings(sandbox, tenant())
    limit = settings["rate_limit_requests"]
    if limit is None:
        return
    key = f"{tenant()}:{VENDOR}:{g.credential.secret}"
    wait = sandbox.rate_limits.hit(key, limit, settings["rate_limit_window_seconds"], sandbox.clock.now(tenant()))
    if wait is not None:
        window = settings["rate_limit_window_seconds"]
        raise error(
            "rate_limit_exceeded",
            detail=f"{limit} requests per {window} s for this key",
            details={"limit": limit, "window_seconds": window},
            retry_after=wait,
        )


def query() -> dict[str, str]:
    return {key: request.args[key] for key in request.args}


def created(body: dict[str, Any]) -> tuple[Response, int]:
    return jsonify(body), 201


def blueprint() -> Blueprint:
    bp = Blueprint(VENDOR, __name__)

    @bp.post("/v1/campaigns")
    @zexa_operation("create_campaign")
    def create_campaign() -> Any:
        return created(Campaigns(current_sandbox(), tenant()).create(json_object()))

    @bp.get("/v1/campaigns")
    @zexa_operation("list_campaigns")
    def list_campaigns() -> Any:
        return jsonify(Campaigns(current_sandbox(), tenant()).list(query()))

    @bp.get("/v1/campaigns/<campaign_id>")
    @zexa_operation("get_campaign")
    def get_campaign(campaign_id: str) -> Any:
        return jsonify(Campaigns(current_sandbox(), tenant()).get(campaign_id))

    @bp.post("/v1/contacts")
    @zexa_operation("create_contact")
    def create_contact() -> Any:
        return created(Contacts(current_sandbox(), tenant()).create(json_object()))

    @bp.get("/v1/contacts")
    @zexa_operation("list_contacts")
    def list_contacts() -> Any:
        return jsonify(Contacts(current_sandbox(), tenant()).list(query()))

    @bp.delete("/v1/contacts/<contact_id>")
    @zexa_operation("delete_contact")
    def delete_contact(contact_id: str) -> Any:
        Contacts(current_sandbox(), tenant()).delete(contact_id)
        return Response(status=204)

    @bp.get("/v1/sender-ids")
    @zexa_operation("list_sender_ids")
    def list_sender_ids() -> Any:
        return jsonify(Contacts(current_sandbox(), tenant()).sender_ids(query()))

    @bp.get("/v1/credits")
    @zexa_operation("get_credits")
    def get_credits() -> Any:
        return jsonify(Contacts(current_sandbox(), tenant()).credits())

    @bp.post("/v1/webhooks")
    @zexa_operation("create_webhook")
    def create_webhook() -> Any:
        return created(Webhooks(current_sandbox(), tenant()).register(json_object()))

    return bp
