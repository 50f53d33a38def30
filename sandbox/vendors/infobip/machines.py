"""Infobip's lifecycles as data: the campaign stage machine, brand registration, and their hooks."""

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
    "BLOCKED", "SUSPENDED", "APPEALED", "IN_MIGRATION",
)  # fmt: skip  # [seed]
UPDATABLE = frozenset({"DRAFT", "REJECTED"})  # [doc]
DELETABLE = frozenset({"DRAFT", "DEREGISTERED", "REJECTED"})  # [doc]
# After an update request the customer submits again with register [decided].
REGISTRABLE = frozenset({"DRAFT", "UPDATE_REQUESTED_BY_INTERNAL_REVIEWER", "UPDATE_REQUESTED_BY_CARRIERS"})

REJECTED = "rejected"
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
    return changes


def on_brand_enter(tenant: Tenant, move: Transition) -> dict[str, Any]:
    return {"lastModifiedDate": iso(move.at)} if move.cause != "created" else {}


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
        "REGISTERED_PENDING_DEREGISTRATION": Timed("deregistration", {"default": "DEREGISTERED"}),
    },
    actions={
        "register": Action(REGISTRABLE, "SUBMITTED_FOR_REVIEW"),
        "appeal": Action(frozenset({"REJECTED"}), "APPEALED"),
        "deregister": Action(frozenset({"REGISTERED"}), "REGISTERED_PENDING_DEREGISTRATION"),
    },
    # Infobip: compliance review "up to 5 working days", then the registry and carriers [doc];
    # the split between the steps is [decided]. All are configurable per tenant.
    durations={
        "queue_for_review": 3600.0,
        "internal_review": 2 * 86400.0,
        "submit_to_carriers": 3600.0,
        "carrier_review": 2 * 86400.0,
        "deregistration": 86400.0,
    },
    choose=choose_campaign_branch,
    on_enter=on_campaign_enter,
)

BRAND_STAGES = ("DRAFT", "SUBMITTED", "REGISTERED", "REJECTED")
BRAND = Machine(
    name="infobip.brand",
    collection="brands",
    field="stage",
    states=BRAND_STAGES,
    initial="DRAFT",
    timed={"SUBMITTED": Timed("brand_registration", {"default": "REGISTERED", REJECTED: "REJECTED"})},
    actions={"register": Action(frozenset({"DRAFT", "REJECTED"}), "SUBMITTED")},
    durations={"brand_registration": 3600.0},
    on_enter=on_brand_enter,
)
