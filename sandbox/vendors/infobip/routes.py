"""Infobip 10DLC number-registration views under ``/infobip/number-registration/1``: thin, rules in the backends."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.core.context import current_sandbox
from sandbox.core.pipeline import json_object, operation, tenant
from sandbox.vendors.infobip.brands import BrandBackend
from sandbox.vendors.infobip.campaigns import CampaignBackend

BASE = "/number-registration/1"
GRANT = "number-registration"


def campaigns() -> CampaignBackend:
    return CampaignBackend(current_sandbox(), tenant())


def brands() -> BrandBackend:
    return BrandBackend(current_sandbox(), tenant())


def optional_json() -> dict[str, Any]:
    """Register and deregister take an optional body [doc]: none at all reads as ``{}``."""
    return json_object() if request.get_data(cache=True).strip() else {}


def accepted() -> Response:
    return Response(status=202)


def blueprint() -> Blueprint:
    bp = Blueprint("infobip", __name__)

    # -- brands ----------------------------------------------------------------------------------------
    @bp.post(f"{BASE}/brands")
    @operation("create_brand", grant=GRANT)
    def create_brand() -> Any:
        return jsonify(brands().create(json_object())), 201

    @bp.get(f"{BASE}/brands")
    @operation("list_brands", grant=GRANT)
    def list_brands() -> Any:
        return jsonify(brands().page(request.args))

    @bp.get(f"{BASE}/brands/<brand_id>")
    @operation("get_brand", grant=GRANT)
    def get_brand(brand_id: str) -> Any:
        return jsonify(brands().get(brand_id))

    @bp.put(f"{BASE}/brands/<brand_id>")
    @operation("update_brand", grant=GRANT)
    def update_brand(brand_id: str) -> Any:
        return jsonify(brands().update(brand_id, json_object()))

    @bp.post(f"{BASE}/brands/<brand_id>/register")
    @operation("register_brand", grant=GRANT)
    def register_brand(brand_id: str) -> Any:
        optional_json()
        brands().register(brand_id)
        return accepted()

    @bp.get(f"{BASE}/brands/<brand_id>/registrar-statuses")
    @operation("get_brand_registrar_statuses", grant=GRANT)
    def brand_registrar_statuses(brand_id: str) -> Any:
        return jsonify(brands().registrar_statuses(brand_id))

    # -- campaigns -------------------------------------------------------------------------------------
    @bp.post(f"{BASE}/campaigns")
    @operation("create_campaign", grant=GRANT)
    def create_campaign() -> Any:
        return jsonify(campaigns().create(json_object())), 201

    @bp.get(f"{BASE}/campaigns")
    @operation("list_campaigns", grant=GRANT)
    def list_campaigns() -> Any:
        return jsonify(campaigns().page(request.args))

    @bp.get(f"{BASE}/campaigns/<campaign_id>")
    @operation("get_campaign", grant=GRANT)
    def get_campaign(campaign_id: str) -> Any:
        return jsonify(campaigns().get(campaign_id))

    @bp.put(f"{BASE}/campaigns/<campaign_id>")
    @operation("update_campaign", grant=GRANT)
    def update_campaign(campaign_id: str) -> Any:
        return jsonify(campaigns().update(campaign_id, json_object()))

    @bp.delete(f"{BASE}/campaigns/<campaign_id>")
    @operation("delete_campaign", grant=GRANT)
    def delete_campaign(campaign_id: str) -> Any:
        campaigns().delete(campaign_id)
        return Response(status=204)

    @bp.post(f"{BASE}/campaigns/<campaign_id>/register")
    @operation("register_campaign", grant=GRANT)
    def register_campaign(campaign_id: str) -> Any:
        backend = campaigns()
        backend.throttle_register()  # every register request counts, whatever its fate [decided]
        backend.register(campaign_id, optional_json())
        return accepted()

    @bp.post(f"{BASE}/campaigns/<campaign_id>/deregister")
    @operation("deregister_campaign", grant=GRANT)
    def deregister_campaign(campaign_id: str) -> Any:
        optional_json()
        campaigns().deregister(campaign_id)
        return accepted()

    @bp.post(f"{BASE}/campaigns/<campaign_id>/appeal")
    @operation("appeal_campaign", grant=GRANT)
    def appeal_campaign(campaign_id: str) -> Any:
        campaigns().appeal(campaign_id, json_object())
        return accepted()

    @bp.get(f"{BASE}/campaigns/<campaign_id>/network-statuses")
    @operation("get_campaign_network_statuses", grant=GRANT)
    def campaign_network_statuses(campaign_id: str) -> Any:
        return jsonify(campaigns().network_statuses(campaign_id))

    return bp
