"""Zexa views under ``/zexa``: each is its decorators (auth, the key's rate limit) and one backend call."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint
from marshmallow import Schema

from sandbox.core.tenant import Tenant
from sandbox.vendors.zexa.errors import error
from sandbox.vendors.zexa.models.base import VENDOR
from sandbox.vendors.zexa.models.campaigns import Campaigns
from sandbox.vendors.zexa.models.contacts import Contacts
from sandbox.vendors.zexa.models.webhooks import Webhooks
from sandbox.vendors.zexa.schemas import (
    CampaignCreatedSchema,
    CampaignPageSchema,
    CampaignReadSchema,
    CampaignSchema,
    ContactPageSchema,
    ContactReadSchema,
    ContactSchema,
    CreditsSchema,
    PageSchema,
    SenderIdPageSchema,
    WebhookCreatedSchema,
    WebhookSchema,
)
from sandbox.web.pipeline import accepts, operation

GRANT = "api"  # [decided] Zexa documents one API key with access to everything
View = TypeVar("View", bound=Callable[..., Any])
bp = Blueprint(VENDOR, __name__)
PAGE = PageSchema()  # loading is stateless: one instance of each schema serves every request


def zexa_operation(name: str, status: int | None = None, answers: Schema | None = None) -> Callable[[View], View]:
    """Authorise (the shared pipeline), then count the request against the key's rate limit."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def limited(tenant: Tenant, *args: Any, **kwargs: Any) -> Any:
            throttle(tenant)
            return view(tenant, *args, **kwargs)

        return operation(name, grant=GRANT, status=status, answers=answers)(limited)  # type: ignore[return-value]

    return decorate


def throttle(tenant: Tenant) -> None:
    """[decided] A per-key limit the tenant sets: ``rate_limit_requests`` per ``rate_limit_window_seconds``."""
    settings = tenant.settings(VENDOR)
    limit = settings["rate_limit_requests"]
    if limit is None or tenant.credential is None:
        return
    key = f"{tenant.name}:{VENDOR}:{tenant.credential.secret}"
    window = settings["rate_limit_window_seconds"]
    wait = tenant.services.rate_limits.hit(key, limit, window, tenant.now())
    if wait is not None:
        raise error(
            "rate_limit_exceeded",
            detail=f"{limit} requests per {window} s for this key",
            details={"limit": limit, "window_seconds": window},
            retry_after=wait,
        )


@bp.post("/v1/campaigns")
@zexa_operation("create_campaign", status=201, answers=CampaignCreatedSchema())
@accepts(CampaignSchema())
def create_campaign(tenant: Tenant, body: dict[str, Any]) -> Any:
    return Campaigns(tenant).create(body)


@bp.get("/v1/campaigns")
@zexa_operation("list_campaigns", answers=CampaignPageSchema())
@accepts(PAGE, location="query")
def list_campaigns(tenant: Tenant, query: dict[str, Any]) -> Any:
    return Campaigns(tenant).page(query)


@bp.get("/v1/campaigns/<campaign_id>")
@zexa_operation("get_campaign", answers=CampaignReadSchema())
def get_campaign(tenant: Tenant, campaign_id: str) -> Any:
    return Campaigns(tenant).get(campaign_id)


@bp.post("/v1/contacts")
@zexa_operation("create_contact", status=201, answers=ContactReadSchema())
@accepts(ContactSchema())
def create_contact(tenant: Tenant, body: dict[str, Any]) -> Any:
    return Contacts(tenant).create(body)


@bp.get("/v1/contacts")
@zexa_operation("list_contacts", answers=ContactPageSchema())
@accepts(PAGE, location="query")
def list_contacts(tenant: Tenant, query: dict[str, Any]) -> Any:
    return Contacts(tenant).page(query)


@bp.delete("/v1/contacts/<contact_id>")
@zexa_operation("delete_contact", status=204)
def delete_contact(tenant: Tenant, contact_id: str) -> Any:
    return Contacts(tenant).delete(contact_id)


@bp.get("/v1/sender-ids")
@zexa_operation("list_sender_ids", answers=SenderIdPageSchema())
@accepts(PAGE, location="query")
def list_sender_ids(tenant: Tenant, query: dict[str, Any]) -> Any:
    return Contacts(tenant).sender_ids(query)


@bp.get("/v1/credits")
@zexa_operation("get_credits", answers=CreditsSchema())
def get_credits(tenant: Tenant) -> Any:
    return Contacts(tenant).credits()


@bp.post("/v1/webhooks")
@zexa_operation("create_webhook", status=201, answers=WebhookCreatedSchema())
@accepts(WebhookSchema())
def create_webhook(tenant: Tenant, body: dict[str, Any]) -> Any:
    return Webhooks(tenant).register(body)
