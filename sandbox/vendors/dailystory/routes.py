"""DailyStory views under ``/dailystory``: thin, the rules live in models.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from sandbox.core.context import current_sandbox
from sandbox.core.pipeline import json_object, operation, tenant
from sandbox.vendors.dailystory.errors import envelope
from sandbox.vendors.dailystory.models import DailyStoryBackend

GRANT = "campaigns"


def backend() -> DailyStoryBackend:
    return DailyStoryBackend(current_sandbox(), tenant())


def blueprint() -> Blueprint:
    bp = Blueprint("dailystory", __name__)

    @bp.post("/api/v1/campaign")
    @operation("create_or_update_campaign", grant=GRANT)
    def create_or_update_campaign() -> Any:
        return envelope(backend().save_campaign(json_object()))

    @bp.get("/api/v1/campaign/<campaign_id>")
    @operation("get_campaign", grant=GRANT)
    def get_campaign(campaign_id: str) -> Any:
        return envelope(backend().get_campaign(campaign_id))

    @bp.delete("/api/v1/campaign/<campaign_id>")
    @operation("delete_campaign", grant=GRANT)
    def delete_campaign(campaign_id: str) -> Any:
        return envelope(backend().delete_campaign(campaign_id))

    @bp.get("/api/v1/campaigns")
    @operation("list_campaigns", grant=GRANT)
    def list_campaigns() -> Any:
        return envelope(backend().list_campaigns())

    return bp
