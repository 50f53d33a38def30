"""Infobip stage rules in every reachable stage: which of update, delete, register, deregister, appeal each allows."""

from __future__ import annotations

import pytest
from infobip_helpers import (
    CAMPAIGNS,
    assert_infobip_error,
    auth,
    campaign_body,
    created,
    lifecycles,
    register,
)

MACHINE = "infobip.campaign"
# The outcome that leads a campaign to a stage, and the action that follows (manual mode: one step per GET).
OUTCOME = {
    "REJECTED": "rejected",
    "APPEALED": "rejected",
    "UPDATE_REQUESTED_BY_INTERNAL_REVIEWER": "update_requested_by_internal_reviewer",
    "UPDATE_REQUESTED_BY_CARRIERS": "update_requested_by_carriers",
}
REACHABLE = [
    "DRAFT", "SUBMITTED_FOR_REVIEW", "IN_REVIEW", "APPROVED_BY_INTERNAL_REVIEWER", "SUBMITTED", "REGISTERED",
    "REJECTED", "UPDATE_REQUESTED_BY_INTERNAL_REVIEWER", "UPDATE_REQUESTED_BY_CARRIERS", "APPEALED",
    "REGISTERED_PENDING_DEREGISTRATION", "DEREGISTERED",
]  # fmt: skip
UPDATABLE = {"DRAFT", "REJECTED"}  # [doc]
DELETABLE = {"DRAFT", "DEREGISTERED", "REJECTED"}  # [doc]
REGISTRABLE = {"DRAFT", "UPDATE_REQUESTED_BY_INTERNAL_REVIEWER", "UPDATE_REQUESTED_BY_CARRIERS"}  # [decided]


def peek(client, key, campaign_id):
    """The stage without moving it: in manual mode a list does not step, a single GET does."""
    response = client.get(CAMPAIGNS, query_string={"id": campaign_id}, headers=auth(key))
    return response.get_json()["results"][0]["stage"]


def step(client, key, campaign_id):
    assert client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth(key)).status_code == 200


def post(client, key, campaign_id, action, body=None):
    return client.post(f"{CAMPAIGNS}/{campaign_id}/{action}", json=body, headers=auth(key))


def campaign_in(client, key, target):
    """The fresh ``key``'s account (manual mode, no register limit) and a campaign of it in ``target``."""
    lifecycles(client, key, lifecycle=MACHINE, mode="manual")
    campaign_id = created(client, key=key)["id"]  # the credential's first use makes its account
    settings = {"credential": key, "infobip": {"register_requests_per_second": 0}}
    assert client.patch("/_sandbox/settings", json=settings).status_code == 200
    if target != "DRAFT":
        if target in OUTCOME:
            lifecycles(client, key, lifecycle=MACHINE, id=campaign_id, outcome=OUTCOME[target])
        assert register(client, campaign_id, key=key).status_code == 202
        for _ in range(8):
            current = peek(client, key, campaign_id)
            if current == target:
                break
            if current == "REJECTED" and target == "APPEALED":
                assert post(client, key, campaign_id, "appeal", {"reason": "Fixed"}).status_code == 204
            elif current == "REGISTERED" and target != "REGISTERED":
                assert post(client, key, campaign_id, "deregister").status_code == 202
            else:
                step(client, key, campaign_id)
    assert peek(client, key, campaign_id) == target
    return key, campaign_id


@pytest.mark.parametrize("target", REACHABLE)
def test_update_is_allowed_only_in_draft_or_rejected(client, fresh_key, target):
    key, campaign_id = campaign_in(client, fresh_key("infobip"), target)
    response = client.put(f"{CAMPAIGNS}/{campaign_id}", json=campaign_body(name="Changed"), headers=auth(key))
    if target in UPDATABLE:
        assert response.status_code == 200 and response.get_json()["name"] == "Changed"
    else:
        assert_infobip_error(response, 400, "BAD_REQUEST", "Campaign can only be updated in DRAFT or REJECTED stage.")
        assert peek(client, key, campaign_id) == target


@pytest.mark.parametrize("target", REACHABLE)
def test_delete_is_allowed_only_in_draft_deregistered_or_rejected(client, fresh_key, target):
    key, campaign_id = campaign_in(client, fresh_key("infobip"), target)
    response = client.delete(f"{CAMPAIGNS}/{campaign_id}", headers=auth(key))
    if target in DELETABLE:
        assert response.status_code == 204
        assert client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth(key)).status_code == 404
    else:
        assert_infobip_error(
            response, 400, "BAD_REQUEST", "Campaign can only be deleted in DRAFT, DEREGISTERED or REJECTED stage."
        )
        assert peek(client, key, campaign_id) == target


@pytest.mark.parametrize("target", REACHABLE)
def test_register_is_accepted_only_in_draft_or_after_an_update_request(client, fresh_key, target):
    key, campaign_id = campaign_in(client, fresh_key("infobip"), target)
    response = register(client, campaign_id, key=key)
    if target in REGISTRABLE:
        assert response.status_code == 202
        assert peek(client, key, campaign_id) == "SUBMITTED_FOR_REVIEW"
    else:
        assert_infobip_error(response, 400, "BAD_REQUEST")
        assert peek(client, key, campaign_id) == target


@pytest.mark.parametrize("target", REACHABLE)
def test_deregister_is_accepted_only_when_registered(client, fresh_key, target):
    key, campaign_id = campaign_in(client, fresh_key("infobip"), target)
    response = post(client, key, campaign_id, "deregister")
    if target == "REGISTERED":
        assert response.status_code == 202
        assert peek(client, key, campaign_id) == "REGISTERED_PENDING_DEREGISTRATION"
    else:
        assert_infobip_error(response, 400, "BAD_REQUEST", "Campaign can only be deregistered in REGISTERED stage.")
        assert peek(client, key, campaign_id) == target


@pytest.mark.parametrize("target", REACHABLE)
def test_appeal_is_accepted_only_when_rejected(client, fresh_key, target):
    key, campaign_id = campaign_in(client, fresh_key("infobip"), target)
    response = post(client, key, campaign_id, "appeal", {"reason": "Please look again"})
    if target == "REJECTED":
        assert response.status_code == 204
        assert peek(client, key, campaign_id) == "APPEALED"
    else:
        assert_infobip_error(response, 400, "BAD_REQUEST", "Only a campaign in REJECTED stage can be appealed.")
        assert peek(client, key, campaign_id) == target
