"""DailyStory views under ``/dailystory``: each is its decorators and one backend call, in the vendor's envelope."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from sandbox.core.tenant import Tenant
from sandbox.vendors.dailystory.errors import envelope
from sandbox.vendors.dailystory.models import DailyStoryBackend
from sandbox.vendors.dailystory.schemas import (
    CampaignEnvelopeSchema,
    CampaignSchema,
    CampaignsEnvelopeSchema,
    SavedSchema,
)
from sandbox.web.pipeline import accepts, operation

GRANT = "campaigns"
bp = Blueprint("dailystory", __name__)


@bp.post("/api/v1/campaign")
@operation("create_or_update_campaign", grant=GRANT, answers=SavedSchema())
@accepts(CampaignSchema())
def create_or_update_campaign(tenant: Tenant, body: dict[str, Any]) -> Any:
    return envelope(DailyStoryBackend(tenant).save_campaign(body))


@bp.get("/api/v1/campaign/<campaign_id>")
@operation("get_campaign", grant=GRANT, answers=CampaignEnvelopeSchema())
def get_campaign(tenant: Tenant, campaign_id: str) -> Any:
    return envelope(DailyStoryBackend(tenant).get_campaign(campaign_id))


@bp.delete("/api/v1/campaign/<campaign_id>")
@operation("delete_campaign", grant=GRANT, answers=SavedSchema())
def delete_campaign(tenant: Tenant, campaign_id: str) -> Any:
    return envelope(DailyStoryBackend(tenant).delete_campaign(campaign_id))


@bp.get("/api/v1/campaigns")
@operation("list_campaigns", grant=GRANT, answers=CampaignsEnvelopeSchema())
def list_campaigns(tenant: Tenant) -> Any:
    return envelope(DailyStoryBackend(tenant).list_campaigns())
