"""Infobip 10DLC number-registration views under ``/infobip/number-registration/1``: decorators and one call.

Campaigns and number pools are here; brands and vets in ``routes_brands`` (a blueprint nested in this one).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint

from sandbox.core.tenant import Tenant
from sandbox.vendors.infobip import routes_brands
from sandbox.vendors.infobip.models.base import InfobipBackend
from sandbox.vendors.infobip.models.campaigns import CampaignBackend
from sandbox.vendors.infobip.models.numbers import NumberPoolBackend
from sandbox.vendors.infobip.models.registration import CampaignRegistration
from sandbox.vendors.infobip.schemas import (
    AppealSchema,
    AttachPoolSchema,
    CampaignSchema,
    NumbersUpdateSchema,
    RegisterSchema,
    model,
)
from sandbox.web.pipeline import accepts, operation

BASE = "/number-registration/1"
CAMPAIGNS = f"{BASE}/campaigns"
GRANT = "number-registration"
bp = Blueprint("infobip", __name__)
bp.register_blueprint(routes_brands.bp)
View = TypeVar("View", bound=Callable[..., Any])
CAMPAIGN = CampaignSchema()  # loading is stateless: one instance serves every request
NUMBERS = NumbersUpdateSchema()


def register_limit(view: View) -> View:
    """Every register request counts against the account's limit, whatever its fate [decided]: before the body."""

    @functools.wraps(view)
    def limited(tenant: Tenant, *args: Any, **kwargs: Any) -> Any:
        CampaignRegistration(tenant).throttle_register()
        return view(tenant, *args, **kwargs)

    return limited  # type: ignore[return-value]


@bp.post(CAMPAIGNS)
@operation("create_campaign", grant=GRANT, status=201, answers=model("Campaign"))
@accepts(CAMPAIGN)
def create_campaign(tenant: Tenant, body: dict[str, Any]) -> Any:
    return CampaignBackend(tenant).create(body)


@bp.get(CAMPAIGNS)
@operation("list_campaigns", grant=GRANT, answers=model("PageCampaign"))
@accepts(None, location="query_lists")
def list_campaigns(tenant: Tenant, query: dict[str, list[str]]) -> Any:
    return CampaignBackend(tenant).page(query)


@bp.get(f"{CAMPAIGNS}/priorities")  # a static path: never read as a campaign id
@operation("get_campaign_priorities", grant=GRANT, answers=model("Priority"))
def campaign_priorities(tenant: Tenant) -> Any:
    return CampaignRegistration(tenant).priorities()


@bp.get(f"{CAMPAIGNS}/<campaign_id>")
@operation("get_campaign", grant=GRANT, answers=model("Campaign"))
def get_campaign(tenant: Tenant, campaign_id: str) -> Any:
    return CampaignBackend(tenant).get(campaign_id)


@bp.put(f"{CAMPAIGNS}/<campaign_id>")
@operation("update_campaign", grant=GRANT, answers=model("Campaign"))
@accepts(CAMPAIGN)
def update_campaign(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignBackend(tenant).update(campaign_id, body)


@bp.delete(f"{CAMPAIGNS}/<campaign_id>")
@operation("delete_campaign", grant=GRANT, status=204)
def delete_campaign(tenant: Tenant, campaign_id: str) -> Any:
    return CampaignBackend(tenant).delete(campaign_id)


@bp.post(f"{CAMPAIGNS}/<campaign_id>/register")
@operation("register_campaign", grant=GRANT, status=202)
@register_limit
@accepts(RegisterSchema(), location="optional_json")
def register_campaign(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignRegistration(tenant).register(campaign_id, body)


@bp.post(f"{CAMPAIGNS}/<campaign_id>/deregister")
@operation("deregister_campaign", grant=GRANT, status=202)
@accepts(None, location="optional_json")
def deregister_campaign(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignRegistration(tenant).deregister(campaign_id)


@bp.post(f"{CAMPAIGNS}/<campaign_id>/appeal")
@operation("appeal_campaign", grant=GRANT, status=204)
@accepts(AppealSchema())
def appeal_campaign(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignRegistration(tenant).appeal(campaign_id, body)


@bp.get(f"{CAMPAIGNS}/<campaign_id>/network-statuses")
@operation("get_campaign_network_statuses", grant=GRANT, answers=model("NetworkStatuses"))
def campaign_network_statuses(tenant: Tenant, campaign_id: str) -> Any:
    return CampaignRegistration(tenant).network_statuses(campaign_id)


@bp.get(f"{CAMPAIGNS}/<campaign_id>/numbers")
@operation("get_campaign_numbers", grant=GRANT, answers=model("NumberPreviews"))
def campaign_numbers(tenant: Tenant, campaign_id: str) -> Any:
    return CampaignRegistration(tenant).numbers(campaign_id)


@bp.post(f"{CAMPAIGNS}/<campaign_id>/update-registration")
@operation("update_campaign_registration", grant=GRANT, status=202)
@accepts(NUMBERS)
def update_registration(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignRegistration(tenant).change_numbers(campaign_id, body, "replace")


@bp.post(f"{CAMPAIGNS}/<campaign_id>/add-numbers")
@operation("add_campaign_numbers", grant=GRANT, status=202)
@accepts(NUMBERS)
def add_numbers(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignRegistration(tenant).change_numbers(campaign_id, body, "add")


@bp.post(f"{CAMPAIGNS}/<campaign_id>/remove-numbers")
@operation("remove_campaign_numbers", grant=GRANT, status=202)
@accepts(NUMBERS)
def remove_numbers(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return CampaignRegistration(tenant).change_numbers(campaign_id, body, "remove")


@bp.post(f"{CAMPAIGNS}/<campaign_id>/number-pool/attach")
@operation("attach_number_pool", grant=GRANT, status=204)
@accepts(AttachPoolSchema(), location="optional_json")
def attach_number_pool(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return NumberPoolBackend(tenant).attach(campaign_id, body)


@bp.post(f"{CAMPAIGNS}/<campaign_id>/number-pool/detach")
@operation("detach_number_pool", grant=GRANT, status=204)
@accepts(None, location="optional_json")
def detach_number_pool(tenant: Tenant, body: dict[str, Any], campaign_id: str) -> Any:
    return NumberPoolBackend(tenant).detach(campaign_id)


@bp.get(f"{BASE}/number-pools")
@operation("list_number_pools", grant=GRANT, answers=model("PageNumberPoolUsage"))
@accepts(None, location="query_lists")
def list_number_pools(tenant: Tenant, query: dict[str, list[str]]) -> Any:
    return NumberPoolBackend(tenant).page(query)


# Not emulated (docs/fidelity/infobip.md says why): toll-free campaigns, documents, vet reports, AI review.
@bp.post(f"{CAMPAIGNS}/toll-free")
@bp.post(f"{BASE}/documents")
@bp.get(f"{BASE}/documents/<document_id>")
@bp.get(f"{BASE}/brands/<brand_id>/vets/<vet_id>/report")
@bp.post(f"{BASE}/automatic-review")
@bp.post(f"{BASE}/automatic-review/campaigns/<campaign_id>")
@bp.get(f"{BASE}/automatic-review/<request_id>")
@operation("not_emulated", grant=GRANT, status=501)
def not_emulated(tenant: Tenant, **path: str) -> Any:
    return InfobipBackend(tenant).not_emulated()
