"""Webex Campaign views under ``/webex``: thin, the rules live in models.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify

from sandbox.core.context import current_sandbox
from sandbox.core.pipeline import json_object, operation, tenant
from sandbox.vendors.webex.errors import EVENT_OPERATION
from sandbox.vendors.webex.models import EVENT_MAX_BYTES, WebexBackend


def backend() -> WebexBackend:
    return WebexBackend(current_sandbox(), tenant())


def blueprint() -> Blueprint:
    bp = Blueprint("webex", __name__)

    @bp.post("/v1/campaigns")
    @operation("create_campaign", grant="campaigns")
    def create_campaign() -> Any:
        return jsonify(backend().create_campaign(json_object(), created_by=g.credential.user))

    @bp.get("/v1/campaigns")
    @operation("list_campaigns", grant="campaigns")
    def list_campaigns() -> Any:
        return jsonify(backend().list_campaigns())

    @bp.get("/v1/campaigns/<campaign_id>")
    @operation("get_campaign", grant="campaigns")
    def get_campaign(campaign_id: str) -> Any:
        return jsonify(backend().get_campaign(campaign_id))

    @bp.put("/v1/campaigns/<campaign_id>")
    @operation("update_campaign", grant="campaigns")
    def update_campaign(campaign_id: str) -> Any:
        return jsonify(backend().update_campaign(campaign_id, json_object()))

    @bp.post("/v1/campaigns/<campaign_id>/deployments")
    @operation("create_deployment", grant="campaigns")
    def create_deployment(campaign_id: str) -> Any:
        return jsonify(backend().create_deployment(campaign_id, json_object()))

    @bp.post("/campaignapi/resources/v3/events")
    @operation(EVENT_OPERATION, grant="events")
    def trigger_event() -> Any:
        return jsonify(backend().trigger_event(json_object(max_bytes=EVENT_MAX_BYTES)))

    return bp
