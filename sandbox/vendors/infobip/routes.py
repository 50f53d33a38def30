"""Infobip 10DLC number-registration views under ``/infobip/number-registration/1``: decorators and one call."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint

from sandbox.core.tenant import Tenant
from sandbox.vendors.infobip.models.brands import BrandBackend
from sandbox.vendors.infobip.models.campaigns import CampaignBackend
from sandbox.vendors.infobip.schemas import AppealSchema, BrandSchema, CampaignSchema, RegisterSchema
from sandbox.web.pipeline import accepts, operation

BASE = "/number-registration/1"
GRANT = "number-registration"
bp = Blueprint("infobip", __name__)
View = TypeVar("View", bound=Callable[..., Any])
# Loading is stateless: one instance of each schema serves every request.
BRAND = BrandSchema()
CAMPAIGN = CampaignSchema()


def register_limit(view: View) -> View:
    """Every register request counts against the account's limit, whatever its fate [decided]: before the body."""

    @functools.wraps(view)
    def limited(tenant: Tenant, *args: Any, **kwargs: Any) -> Any:
        CampaignBackend(tenant).throttle_register()
        return view(tenant, *args, **kwargs)

    return limited  # type: ignore[return-value]


# -- brands ----------------------------------------------------------------------------------------------
@bp.post(f"{BASE}/brands")
@operation("create_brand", grant=GRANT, status=201)
@accepts(BRAND)
def create_brand(tenant: Tenant, body: dict[str, Any]) -> Any:
    return BrandBackend(tenant).create(body)


@bp.get(f"{BASE}/brands")
@operation("list_brands", grant=GRANT)
@accepts(None, location="query_lists")
def list_brands(tenant: Tenant, query: dict[str, list[str]]) -> Any:
    return BrandBackend(tenant).page(query)


@bp.get(f"{BASE}/brands/<brand_id>")
@operation("get_brand", grant=GRANT)
def get_brand(tenant: Tenant, brand_id: str) -> Any:
    return BrandBackend(tenant).get(brand_id)


@bp.put(f"{BASE}/brands/<brand_id>")
@operation("update_brand", grant=GRANT)
@accepts(BRAND)
def update_brand(tenant: Tenant, body: dict[str, Any], brand_id: str) -> Any:
    return BrandBackend(tenant).update(brand_id, body)


@bp.post(f"{BASE}/brands/<brand_id>/register")
@operation("register_brand", grant=GRANT, status=202)
@accepts(None, location="optional_json")  # an optional body [doc]: none at all reads as {}
def register_brand(tenant: Tenant, body: dict[str, Any], brand_id: str) -> Any:
    return BrandBackend(tenant).register(brand_id)


@bp.get(f"{BASE}/brands/<brand_id>/registrar-statuses")
@operation("get_brand_registrar_statuses", grant=GRANT)
def brand_registrar_statuses(tenant: Tenant, brand_id: str) -> Any:
    return BrandBackend(tenant).registrar_statuses(brand_id)


# -- campaigns -------------------------------------------------------------------------------------------
@bp.post(f"{BASE}/campaigns")
@operation("create_campaign", grant=GRANT, status=201)
@accepts(CAMPAIGN)
def create_campaign(tenant: Tenant, body: dict[str, Any]) -> Any:
    return CampaignBackend(tenant).create(body)


@bp.get(f"{BASE}/campaigns")
@operation("list_campaigns", grant=GRANT)
@accepts(None, location="query_lists")
def list_campaigns(tenant: Tenant, query: dict[str, list[str]]) -> Any:
    return CampaignBackend(tenant).page(query)


@bp.get(f"{BASE}/campaigns/<campaign_id>")
@operation("get_campaign", grant=GRANT)
def get_campaign(tenant: Tenant, campaign_id: str) -> Any:
    return CampaignBackend(tenant).get(campaign_id)


@bp.put(f"{BASE}/campaigns/<campaign_id>")
@operation("update_campaign", grant=GRANT)
@accepts(CAMPAIGN)
def update_campaign(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignBackend(tenant).update(campaign_id, body)


@bp.delete(f"{BASE}/campaigns/<campaign_id>")
@operation("delete_campaign", grant=GRANT, status=204)
def delete_campaign(tenant: Tenant, campaign_id: str) -> Any:
    return CampaignBackend(tenant).delete(campaign_id)


@bp.post(f"{BASE}/campaigns/<campaign_id>/register")
@operation("register_campaign", grant=GRANT, status=202)
@register_limit
@accepts(RegisterSchema(), location="optional_json")
def register_campaign(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignBackend(tenant).register(campaign_id, body)


@bp.post(f"{BASE}/campaigns/<campaign_id>/deregister")
@operation("deregister_campaign", grant=GRANT, status=202)
@accepts(None, location="optional_json")
def deregister_campaign(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignBackend(tenant).deregister(campaign_id)


@bp.post(f"{BASE}/campaigns/<campaign_id>/appeal")
@operation("appeal_campaign", grant=GRANT, status=202)
@accepts(AppealSchema())
def appeal_campaign(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignBackend(tenant).appeal(campaign_id, body)


@bp.get(f"{BASE}/campaigns/<campaign_id>/network-statuses")
@operation("get_campaign_network_statuses", grant=GRANT)
def campaign_network_statuses(tenant: Tenant, campaign_id: str) -> Any:
    return CampaignBackend(tenant).network_statuses(campaign_id)
