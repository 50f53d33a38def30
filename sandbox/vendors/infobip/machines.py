"""Infobip's lifecycles as data: campaign stages, brand registration, brand vets, number pools, and their hooks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sandbox.core.machines import Action, Machine, Timed, Transition
from sandbox.core.tenant import Tenant

STAGES = (
    "DRAFT", "SUBMITTED_FOR_REVIEW", "IN_REVIEW", "UPDATE_REQUESTED_BY_INTERNAL_REVIEWER",
    "APPROVED_BY_INTERNAL_REVIEWER", "SUBMITTED", "UPDATE_REQUESTED_BY_CARRIERS", "REGISTERED", "REJECTED",
    "ON_HOLD", "DEREGISTERED", "REGISTERED_PENDING_UPDATE", "REGISTERED_PENDING_DEREGISTRATION", "ARCHIVED",
    "BLOCKED", "SUSPENDED", "APPEALED", "IN_MIGRATION", "PAUSED",
)  # fmt: skip  # seed 001's 18 stages, and PAUSED [client NumbersCampaignStage]
UPDATABLE = frozenset({"DRAFT", "REJECTED"})  # [client NumbersApi.updateCampaign]
DELETABLE = frozenset({"DRAFT", "DEREGISTERED", "REJECTED"})  # [client NumbersApi.deleteCampaign]
# After an update request the customer submits again with register [decided].
REGISTRABLE = frozenset({"DRAFT", "UPDATE_REQUESTED_BY_INTERNAL_REVIEWER", "UPDATE_REQUESTED_BY_CARRIERS"})

REJECTED = "rejected"
PENDING_UPDATE = "REGISTERED_PENDING_UPDATE"
INTERNAL_UPDATE = "update_requested_by_internal_reviewer"
CARRIER_UPDATE = "update_requested_by_carriers"

# The seed's own rejection sample: error 1001 for content that looks age-gated without the attribute,
# 9999 for a reviewer's custom reason (what a rejection forced without a content rule shows).
AGE_GATE_REJECTION = {
    "errorCode": "1001",
    "description": "Campaign appears to be for an age-gated content type but age gate attribute is not selected.",
    "recommendedAction": "Verify if the Age Gate attribute is selected for the campaign registration. If the "
    "campaign is not related to age-gated content, update the campaign description.",
}
REVIEWER_REJECTION = {
    "errorCode": "9999",
    "description": "This is a custom rejection reason provided by a reviewer.",
    "recommendedAction": None,
}
# What "looks age-gated" (CTIA: alcohol, tobacco/vaping, cannabis, firearms, gambling) [decided].
AGE_GATED_CONTENT = re.compile(
    r"\b(alcohol\w*|beers?|wines?|liquors?|vodka|whiske?y|tequila|tobacco|cigar\w*|vap(?:e|es|ing)|e-?cig\w*"
    r"|cannabis|marijuana|cbd|thc|firearms?|guns?|ammo|ammunition|casinos?|gambl\w*|betting|21\+)(?!\w)",
    re.IGNORECASE,
)


def iso(moment: datetime) -> str:
    """Infobip's timestamps: ISO-8601 in UTC to the second, ``2019-08-24T14:15:22Z`` [seed]."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def campaign_text(record: Mapping[str, Any]) -> str:
    parts = [record.get(name) or "" for name in ("name", "programSummary", "confirmationMessage", "helpMessage")]
    parts += list(record.get("exampleMessages") or [])
    for opt_in in (record.get("optIns") or {}).values():
        if isinstance(opt_in, dict):
            parts.append(opt_in.get("callToAction") or "")
            parts += list(opt_in.get("keywords") or [])
    return "\n".join(parts)


def looks_age_gated_without_attribute(record: Mapping[str, Any]) -> bool:
    return not record.get("ageGated") and AGE_GATED_CONTENT.search(campaign_text(record)) is not None


def choose_campaign_branch(tenant: Tenant, record: dict[str, Any], state: str) -> str | None:
    """The internal reviewer's content rule (seed sample): age-gated content without ``ageGated`` is rejected."""
    if state == "IN_REVIEW" and looks_age_gated_without_attribute(record):
        return REJECTED
    return None


def on_campaign_enter(tenant: Tenant, move: Transition) -> dict[str, Any]:
    changes: dict[str, Any] = {"lastModifiedDate": iso(move.at)}
    if move.target == "REJECTED":
        details = [AGE_GATE_REJECTION if looks_age_gated_without_attribute(move.record) else REVIEWER_REJECTION]
        changes["campaignFeedback"] = {
            "rejectionReasons": [detail["description"] for detail in details],
            "rejectionDetails": [dict(detail) for detail in details],
            "rejectionDate": iso(move.at),
        }
    if move.source == PENDING_UPDATE and move.record.get("pendingNumbers") is not None:
        # The carriers accepted the registration update: its number set takes effect now [decided].
        changes.update(numberPreviews=move.record["pendingNumbers"], pendingNumbers=None)
        changes["numberKeys"] = [preview["numberKey"] for preview in move.record["pendingNumbers"]]
    return changes


def campaign_delay(tenant: Tenant, record: dict[str, Any], state: str, seconds: float) -> float:
    """A campaign registered with the account's priority is reviewed in the priority's review time [decided]."""
    review = record.get("priorityReviewSeconds")
    return float(review) if state == "IN_REVIEW" and review is not None else seconds


CAMPAIGN = Machine(
    name="infobip.campaign",
    collection="campaigns",
    field="stage",
    states=STAGES,
    initial="DRAFT",
    timed={
        "SUBMITTED_FOR_REVIEW": Timed("queue_for_review", {"default": "IN_REVIEW"}),
        "IN_REVIEW": Timed(
            "internal_review",
            {
                "default": "APPROVED_BY_INTERNAL_REVIEWER",
                REJECTED: "REJECTED",
                INTERNAL_UPDATE: "UPDATE_REQUESTED_BY_INTERNAL_REVIEWER",
            },
        ),
        "APPROVED_BY_INTERNAL_REVIEWER": Timed("submit_to_carriers", {"default": "SUBMITTED"}),
        "SUBMITTED": Timed("carrier_review", {"default": "REGISTERED", CARRIER_UPDATE: "UPDATE_REQUESTED_BY_CARRIERS"}),
        "APPEALED": Timed("queue_for_review", {"default": "IN_REVIEW"}),
        PENDING_UPDATE: Timed("registration_update", {"default": "REGISTERED"}),
        "REGISTERED_PENDING_DEREGISTRATION": Timed("deregistration", {"default": "DEREGISTERED"}),
    },
    actions={
        "register": Action(REGISTRABLE, "SUBMITTED_FOR_REVIEW"),
        # A campaign The Campaign Registry already knows skips Infobip's internal review [decided].
        "register_external": Action(REGISTRABLE, "SUBMITTED"),
        "appeal": Action(frozenset({"REJECTED"}), "APPEALED"),
        "update_registration": Action(frozenset({"REGISTERED"}), PENDING_UPDATE),
        "deregister": Action(frozenset({"REGISTERED"}), "REGISTERED_PENDING_DEREGISTRATION"),
    },
    # Infobip: compliance review "up to 5 working days", then the registry and carriers [doc];
    # the split between the steps is [decided]. All are configurable per tenant.
    durations={
        "queue_for_review": 3600.0,
        "internal_review": 2 * 86400.0,
        "submit_to_carriers": 3600.0,
        "carrier_review": 2 * 86400.0,
        "registration_update": 3600.0,
        "deregistration": 86400.0,
    },
    choose=choose_campaign_branch,
    on_enter=on_campaign_enter,
    delay=campaign_delay,
)

# -- brands: the registration with The Campaign Registry, in the sandbox's own field ``registration`` ----------
# The client's brand ``stage`` has only DRAFT and SUBMITTED; the outcome shows in registrar-statuses [client].
UNREGISTERED, AUTHENTICATING, VERIFYING, ACTIVE = "UNREGISTERED", "AUTHENTICATING", "VERIFYING", "ACTIVE"
AUTH_FAILED, AUTH_EXPIRED, BRAND_REJECTED = "AUTH_FAILED", "AUTH_EXPIRED", "REJECTED"
REGISTRATION_STATES = (UNREGISTERED, AUTHENTICATING, AUTH_FAILED, AUTH_EXPIRED, VERIFYING, ACTIVE, BRAND_REJECTED)
PENDING_REGISTRATION = frozenset({AUTHENTICATING, VERIFYING})
AUTH_FAILED_OUTCOME, AUTH_EXPIRED_OUTCOME = "authentication_failed", "authentication_expired"


def on_brand_enter(tenant: Tenant, move: Transition) -> dict[str, Any]:
    changes: dict[str, Any] = {"stage": "DRAFT" if move.target == UNREGISTERED else "SUBMITTED"}
    if move.cause != "created":
        changes["lastModifiedDate"] = iso(move.at)
    if move.target == AUTHENTICATING and move.source != AUTHENTICATING:
        changes["lastResend"] = None  # a new authentication: a resend is possible at once
    return changes


BRAND = Machine(
    name="infobip.brand",
    collection="brands",
    field="registration",
    states=REGISTRATION_STATES,
    initial=UNREGISTERED,
    timed={
        # Authentication+ (TENDLC_PUBLIC_COMPANY): the business contact completes the 2FA email, or does not.
        AUTHENTICATING: Timed(
            "brand_authentication",
            {"default": VERIFYING, AUTH_FAILED_OUTCOME: AUTH_FAILED, AUTH_EXPIRED_OUTCOME: AUTH_EXPIRED},
        ),
        VERIFYING: Timed("brand_registration", {"default": ACTIVE, REJECTED: BRAND_REJECTED}),
    },
    actions={
        "register": Action(frozenset({UNREGISTERED, BRAND_REJECTED}), VERIFYING),
        "register_public": Action(frozenset({UNREGISTERED, BRAND_REJECTED}), AUTHENTICATING),
        "authenticate": Action(frozenset({AUTH_FAILED, AUTH_EXPIRED}), AUTHENTICATING),
        "resend_2fa": Action(frozenset({AUTHENTICATING}), AUTHENTICATING),  # the email again: a new wait
    },
    durations={"brand_authentication": 3600.0, "brand_registration": 3600.0},
    on_enter=on_brand_enter,
)

# -- brand vets ------------------------------------------------------------------------------------------------
VET_SCORES = {"STANDARD": 75, "ENHANCED": 88, "POLITICAL": None}  # [decided]: a vetting partner's 0-100 score
VET_FAILURE = "failure"


def on_vet_enter(tenant: Tenant, move: Transition) -> dict[str, Any]:
    if move.target != "SUCCESS":
        return {}
    kind = move.record.get("type")
    if kind == "ENHANCED":
        return {"enhancedVettedDate": iso(move.at), "score": VET_SCORES["ENHANCED"]}
    return {"vettedDate": iso(move.at), "score": VET_SCORES.get(str(kind))}


VET = Machine(
    name="infobip.brand_vet",
    collection="vets",
    field="status",
    states=("PENDING", "SUCCESS", "FAILURE"),  # [client NumbersBrandVetStatus]
    initial="PENDING",
    timed={"PENDING": Timed("vetting", {"default": "SUCCESS", VET_FAILURE: "FAILURE"})},
    actions={"enhance": Action(frozenset({"SUCCESS"}), "PENDING")},
    durations={"vetting": 86400.0},
    on_enter=on_vet_enter,
)

# -- number pools: verified once attached to a campaign ----------------------------------------------------------
DETACHED = "DETACHED"  # the sandbox's own resting state: a pool no campaign uses (never shown)
# [client NumbersNumberPoolStatus], and DETACHED
POOL_STATES = (DETACHED, "PENDING_VERIFICATION", "SUBMITTED_FOR_VERIFICATION", "VALID", "INVALID")
POOL = Machine(
    name="infobip.number_pool",
    collection="number_pools",
    field="numberPoolStatus",
    states=POOL_STATES,
    initial=DETACHED,
    timed={
        "PENDING_VERIFICATION": Timed("pool_submission", {"default": "SUBMITTED_FOR_VERIFICATION"}),
        "SUBMITTED_FOR_VERIFICATION": Timed("pool_verification", {"default": "VALID", "invalid": "INVALID"}),
    },
    actions={
        "attach": Action(frozenset({DETACHED}), "PENDING_VERIFICATION"),
        "detach": Action(frozenset(POOL_STATES) - {DETACHED}, DETACHED),
    },
    durations={"pool_submission": 3600.0, "pool_verification": 86400.0},
)
