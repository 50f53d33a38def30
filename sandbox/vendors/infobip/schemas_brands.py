"""Infobip brand and brand vet request schemas: the official client's NumbersBrand subtypes and vet models."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from sandbox.vendors.infobip.schemas import PHONE, Base, Polymorphic, email, nested, one_of, text

# The client's NumbersBrandType: 10DLC brands only. Its discriminator also maps TOLL_FREE_NUMBER, which the
# enum lacks, so a toll-free brand can be neither built nor read by the client: the sandbox answers its 501.
PRIVATE, PUBLIC, NON_PROFIT, GOVERNMENT = (
    "TENDLC_PRIVATE_COMPANY", "TENDLC_PUBLIC_COMPANY", "TENDLC_NON_PROFIT", "TENDLC_GOVERNMENT",
)  # fmt: skip
BRAND_TYPES = (NON_PROFIT, PRIVATE, PUBLIC, GOVERNMENT)
# [client NumbersVertical]
VERTICALS = (
    "AGRICULTURE", "CONSTRUCTION_AND_MATERIALS", "EDUCATION", "ENERGY_AND_UTILITIES", "ENTERTAINMENT",
    "FINANCIAL_SERVICES", "GAMBLING_AND_LOTTERY", "HEALTHCARE_AND_LIFESCIENCES", "HOSPITALITY",
    "INFORMATION_TECHNOLOGY_SERVICES", "INSURANCE", "MANUFACTURING", "MASS_MEDIA_AND_COMMUNICATION",
    "NON_PROFIT_ORGANIZATION", "PUBLIC_SECTOR", "REAL_ESTATE", "RETAIL_AND_CONSUMER_PRODUCTS",
    "PROFESSIONAL_SERVICES", "HUMAN_RESOURCES_STAFFING_RECRUITMENT", "TRANSPORTATION_LOGISTICS", "POSTAL_DELIVERY",
    "LEGAL", "POLITICAL",
)  # fmt: skip
# [client NumbersStockExchange]
STOCK_EXCHANGES = (
    "AMEX", "AMX", "ASX", "B3", "BME", "BSE", "FRA", "ICEX", "JPX", "JSE", "KRX", "LON", "NASDAQ", "NSE", "NYSE",
    "OMX", "SEHK", "SGX", "SSE", "STO", "SWX", "SZSE", "TSX", "TWSE", "VSE", "OTHER",
)  # fmt: skip
BUSINESS_ID_TYPES = ("DUNS", "GIIN", "LEI")  # [client NumbersBusinessIdentifierType]
VETTING_TYPES = ("STANDARD", "ENHANCED", "POLITICAL")  # [client NumbersVettingType]
VETTING_PROVIDERS = ("AEGIS_MOBILE", "CAMPAIGN_VERIFY", "WMC_GLOBAL")  # [client NumbersVettingProvider]
COUNTRY = "[A-Z]{2}"  # ISO 3166-1 alpha-2 [decided]
# The fields a registered brand keeps [client NumbersApi.updateBrand Javadoc].
IDENTITY_FIELDS = ("legalName", "type", "taxId", "taxIdIssuingCountry")


class AddressSchema(Base):
    """[client NumbersAddress]: no country (the brand's ``countryCode`` is); lengths as The Campaign Registry's."""

    street = text(1, 100, required=True)
    city = text(1, 100, required=True)
    state = text(1, 20)  # a 2-letter code in the US [client]
    zipCode = text(1, 10, required=True)


class BusinessIdSchema(Base):
    """[client NumbersBusinessIdentifier]: ``type`` DUNS, GIIN or LEI, and its ``id``."""

    type = one_of(BUSINESS_ID_TYPES, required=True)
    id = text(1, 64, required=True)


class BrandCommonSchema(Base):
    """[client NumbersBrand]: required and optional fields of every 10DLC brand; lengths [decided] after TCR's."""

    referenceId = text(1, 255)
    applicationId = text()
    entityId = text()
    type = one_of(BRAND_TYPES, required=True)
    name = text(1, 255, required=True)
    legalName = text(1, 255, required=True)
    website = text(1, 255, required=True)
    address = nested(AddressSchema, required=True)
    countryCode = text(2, 2, pattern=COUNTRY, required=True)
    supportPhone = text(3, 20, pattern=PHONE, required=True)
    supportEmail = email(without_equals=True, hi=100)
    businessContactFirstName = text(1, 100)
    businessContactLastName = text(1, 100)
    businessDBA = text(1, 255)
    alternateBusinessId = nested(BusinessIdSchema)
    vertical = one_of(VERTICALS, required=True)
    taxId = text(1, 21, required=True)
    taxIdIssuingCountry = text(2, 2, pattern=COUNTRY)  # falls back to countryCode [client]

    @validates_schema
    def us_state_code(self, data: dict[str, Any], **_: Any) -> None:
        state = (data.get("address") or {}).get("state")
        if data.get("countryCode") == "US" and state is not None and not (len(state) == 2 and state.isupper()):
            raise ValidationError({"address": {"state": ["must be a 2-letter state code in the US"]}})


class NonProfitBrandSchema(BrandCommonSchema):
    taxExemptStatus = text(1, 64)  # the US 501 status [client NumbersNonProfitBrand]


class PublicCompanyBrandSchema(BrandCommonSchema):
    stockExchange = one_of(STOCK_EXCHANGES, required=True)
    stockSymbol = text(1, 10, required=True)
    # The personal address that receives the authentication's 2FA email [client NumbersPublicCompanyBrand].
    businessContactEmail = email(without_equals=True, hi=100)


class BrandSchema(Polymorphic):
    """Brand create and update (PUT): ``type`` (required) picks the model, as the client's discriminator."""

    subtypes = {
        NON_PROFIT: NonProfitBrandSchema,
        PRIVATE: BrandCommonSchema,
        PUBLIC: PublicCompanyBrandSchema,
        GOVERNMENT: BrandCommonSchema,
        "TOLL_FREE_NUMBER": BrandCommonSchema,
    }
    not_emulated = ("TOLL_FREE_NUMBER",)


class VetSchema(Base):
    """POST and PUT ``/brands/{id}/vets[/{vetId}]`` [client NumbersBrandVet]: only ``type`` is the caller's."""

    type = one_of(VETTING_TYPES, required=True)


class AegisImportSchema(Base):
    externalVetId = text(1, 255, required=True)
    vettingToken = text(1, 2048, required=True)


class CampaignVerifyImportSchema(Base):
    authorizationToken = text(1, 2048, required=True)


class WmcImportSchema(Base):
    transactionId = text(1, 255, required=True)


class VetImportSchema(Polymorphic):
    """PUT ``/brands/{id}/vets/import`` [client NumbersVetImportRequest]: the vetting provider is the ``type``."""

    subtypes = {
        "AEGIS_MOBILE": AegisImportSchema,
        "CAMPAIGN_VERIFY": CampaignVerifyImportSchema,
        "WMC_GLOBAL": WmcImportSchema,
    }
