"""Webex Campaign views under ``/webex``: each is its decorators and one backend call."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from sandbox.core.tenant import Tenant
from sandbox.vendors.webex.errors import EVENT_OPERATION
from sandbox.vendors.webex.models import EVENT_MAX_BYTES, WebexBackend
from sandbox.vendors.webex.schemas import (
    CampaignDetailSchema,
    CampaignReadSchema,
    CampaignSchema,
    DeploymentSchema,
    EventAcceptedSchema,
    EventSchema,
    SavedSchema,
)
from sandbox.web.pipeline import accepts, operation

bp = Blueprint("webex", __name__)
# Loading is stateless, so one instance of each schema serves every request (building one per
# request, nested schemas included, cost five times the load itself).
CAMPAIGN = CampaignSchema()
SAVED = SavedSchema()


@bp.post("/v1/campaigns")
@operation("create_campaign", grant="campaigns", answers=SAVED)
@accepts(CAMPAIGN)
def create_campaign(tenant: Tenant, body: dict[str, Any]) -> Any:
    return WebexBackend(tenant).create_campaign(body)


@bp.get("/v1/campaigns")
@operation("list_campaigns", grant="campaigns", answers=CampaignReadSchema(many=True))
def list_campaigns(tenant: Tenant) -> Any:
    return WebexBackend(tenant).list_campaigns()


@bp.get("/v1/campaigns/<campaign_id>")
@operation("get_campaign", grant="campaigns", answers=CampaignDetailSchema())
def get_campaign(tenant: Tenant, campaign_id: str) -> Any:
    return WebexBackend(tenant).get_campaign(campaign_id)


@bp.put("/v1/campaigns/<campaign_id>")
@operation("update_campaign", grant="campaigns", answers=SAVED)
@accepts(CAMPAIGN)
def update_campaign(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return WebexBackend(tenant).update_campaign(campaign_id, body)


@bp.post("/v1/campaigns/<campaign_id>/deployments")
@operation("create_deployment", grant="campaigns", answers=SAVED)
@accepts(DeploymentSchema())
def create_deployment(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return WebexBackend(tenant).create_deployment(campaign_id, body)


@bp.post("/campaignapi/resources/v3/events")
@operation(EVENT_OPERATION, grant="events", answers=EventAcceptedSchema())
@accepts(EventSchema(), max_bytes=EVENT_MAX_BYTES)
def trigger_event(tenant: Tenant, body: dict[str, Any]) -> Any:
    return WebexBackend(tenant).trigger_event(body)
