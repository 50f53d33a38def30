"""Infobip brand and brand vet views under ``/number-registration/1/brands``: decorators and one call each."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from sandbox.core.tenant import Tenant
from sandbox.vendors.infobip.models.brands import BrandBackend
from sandbox.vendors.infobip.models.vets import VetBackend
from sandbox.vendors.infobip.schemas import model
from sandbox.vendors.infobip.schemas_brands import BrandSchema, VetImportSchema, VetSchema
from sandbox.web.pipeline import accepts, operation

BASE = "/number-registration/1/brands"
GRANT = "number-registration"
bp = Blueprint("brands", __name__)
# Loading is stateless: one instance of each schema serves every request.
BRAND = BrandSchema()
VET = VetSchema()


@bp.post(BASE)
@operation("create_brand", grant=GRANT, status=201, answers=model("Brand"))
@accepts(BRAND)
def create_brand(tenant: Tenant, body: dict[str, Any]) -> Any:
    return BrandBackend(tenant).create(body)


@bp.get(BASE)
@operation("list_brands", grant=GRANT, answers=model("PageBrand"))
@accepts(None, location="query_lists")
def list_brands(tenant: Tenant, query: dict[str, list[str]]) -> Any:
    return BrandBackend(tenant).page(query)


@bp.get(f"{BASE}/<brand_id>")
@operation("get_brand", grant=GRANT, answers=model("Brand"))
def get_brand(tenant: Tenant, brand_id: str) -> Any:
    return BrandBackend(tenant).get(brand_id)


@bp.put(f"{BASE}/<brand_id>")
# 200, or 202 once the brand was registered [client]
@operation("update_brand", grant=GRANT, answers=model("Brand"), also=(202,))
@accepts(BRAND)
def update_brand(tenant: Tenant, body: dict[str, Any], brand_id: str) -> Any:
    return BrandBackend(tenant).update(brand_id, body)


@bp.delete(f"{BASE}/<brand_id>")
@operation("delete_brand", grant=GRANT, status=204)
def delete_brand(tenant: Tenant, brand_id: str) -> Any:
    return BrandBackend(tenant).delete(brand_id)


# The client sends its body-less POSTs with an empty body and a JSON content type [client]: none reads as {}.
@bp.post(f"{BASE}/<brand_id>/register")
@operation("register_brand", grant=GRANT, status=202)
@accepts(None, location="optional_json")
def register_brand(tenant: Tenant, body: dict[str, Any], brand_id: str) -> Any:
    return BrandBackend(tenant).register(brand_id)


@bp.get(f"{BASE}/<brand_id>/registrar-statuses")
@operation("get_brand_registrar_statuses", grant=GRANT, answers=model("BrandStatuses"))
def brand_registrar_statuses(tenant: Tenant, brand_id: str) -> Any:
    return BrandBackend(tenant).registrar_statuses(brand_id)


@bp.post(f"{BASE}/<brand_id>/brand-auth-verification")
@operation("brand_auth_verification", grant=GRANT, status=204)
@accepts(None, location="optional_json")
def brand_auth_verification(tenant: Tenant, body: dict[str, Any], brand_id: str) -> Any:
    return BrandBackend(tenant).authenticate(brand_id)


@bp.post(f"{BASE}/<brand_id>/resend2fa")
@operation("resend_2fa_mail", grant=GRANT, status=204)
@accepts(None, location="optional_json")
def resend_2fa_mail(tenant: Tenant, body: dict[str, Any], brand_id: str) -> Any:
    return BrandBackend(tenant).resend_2fa(brand_id)


# -- vets ---------------------------------------------------------------------------------------------------
@bp.post(f"{BASE}/<brand_id>/vets")
@operation("vet_brand", grant=GRANT, status=202, answers=model("BrandVet"))
@accepts(VET)
def vet_brand(tenant: Tenant, body: dict[str, Any], brand_id: str) -> Any:
    return VetBackend(tenant).create(brand_id, body)


@bp.get(f"{BASE}/<brand_id>/vets")
@operation("list_brand_vets", grant=GRANT, answers=model("PageBrandVet"))
@accepts(None, location="query_lists")
def list_brand_vets(tenant: Tenant, query: dict[str, list[str]], brand_id: str) -> Any:
    return VetBackend(tenant).page(brand_id, query)


@bp.put(f"{BASE}/<brand_id>/vets/import")
@operation("import_brand_vet", grant=GRANT, answers=model("BrandVet"))
@accepts(VetImportSchema())
def import_brand_vet(tenant: Tenant, body: dict[str, Any], brand_id: str) -> Any:
    return VetBackend(tenant).import_vet(brand_id, body)


@bp.get(f"{BASE}/<brand_id>/vets/<vet_id>")
@operation("get_brand_vet", grant=GRANT, answers=model("BrandVet"))
def get_brand_vet(tenant: Tenant, brand_id: str, vet_id: str) -> Any:
    return VetBackend(tenant).get(brand_id, vet_id)


@bp.put(f"{BASE}/<brand_id>/vets/<vet_id>")
@operation("update_brand_vet", grant=GRANT, answers=model("BrandVet"))
@accepts(VET)
def update_brand_vet(tenant: Tenant, body: dict[str, Any], brand_id: str, vet_id: str) -> Any:
    return VetBackend(tenant).update(brand_id, vet_id, body)
