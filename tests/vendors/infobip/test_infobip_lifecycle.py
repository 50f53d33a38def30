"""Infobip campaign stages on the sandbox clock: every branch, appeal and its limits, deregister, the register rules."""

from __future__ import annotations

import pytest
from freezegun import freeze_time
from infobip_helpers import (
    AGE_GATED,
    CAMPAIGNS,
    DAY,
    DEMO_KEY,
    DRAFT_BRAND,
    REJECTED_BRAND,
    assert_infobip_error,
    auth,
    campaign_body,
    created,
    fresh_key,
    get,
    lifecycles,
    register,
    stage,
    validation_errors,
)

HOUR = 3600.0
START = "2030-01-10T00:00:00Z"
MACHINE = "infobip.campaign"


@pytest.fixture(autouse=True)
def frozen():
    """Real time stands still, so virtual timestamps are exact; only the sandbox clock moves."""
    with freeze_time(START):
        yield


def advance(client, seconds=None, to=None, key=DEMO_KEY):
    body = {"seconds": seconds} if to is None else {"to": to}
    response = client.post("/_sandbox/clock/advance", json={**body, "credential": key, "vendor": "infobip"})
    assert response.status_code == 200, response.get_json()


def networks(client, campaign_id, key=DEMO_KEY):
    response = client.get(f"{CAMPAIGNS}/{campaign_id}/network-statuses", headers=auth(key))
    assert response.status_code == 200
    return sorted({(entry["network"], entry["state"]) for entry in response.get_json()})


def appeal(client, campaign_id, reason="We fixed the content", key=DEMO_KEY):
    return client.post(f"{CAMPAIGNS}/{campaign_id}/appeal", json={"appealReason": reason}, headers=auth(key))


def deregister(client, campaign_id, key=DEMO_KEY):
    return client.post(f"{CAMPAIGNS}/{campaign_id}/deregister", headers=auth(key))


def rejected_campaign(client, key=DEMO_KEY):
    """A campaign the age-gate content rule rejects, 1 h + 2 days after it is registered (at START)."""
    campaign_id = created(client, key=key, **AGE_GATED)["id"]
    assert register(client, campaign_id, key=key).status_code == 202
    advance(client, HOUR + 2 * DAY, key=key)
    assert stage(client, campaign_id, key) == "REJECTED"
    return campaign_id


# -- the default path --------------------------------------------------------------------------------------
def test_register_walks_the_default_path_each_step_after_its_delay(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    response = register(sandbox_client, campaign_id)
    assert response.status_code == 202 and response.get_data() == b""
    path = [
        (0, "SUBMITTED_FOR_REVIEW"),
        (HOUR - 1, "SUBMITTED_FOR_REVIEW"),
        (1, "IN_REVIEW"),
        (2 * DAY, "APPROVED_BY_INTERNAL_REVIEWER"),
        (HOUR, "SUBMITTED"),
        (2 * DAY, "REGISTERED"),
        (365 * DAY, "REGISTERED"),
    ]
    for seconds, expected in path:
        advance(sandbox_client, seconds)
        campaign = get(sandbox_client, campaign_id)
        assert campaign["stage"] == expected, seconds
    assert campaign["lastModifiedDate"] == "2030-01-14T02:00:00Z"  # the moment it was registered
    assert campaign["createdDate"] == "2030-01-10T00:00:00Z"


def test_network_statuses_follow_the_carrier_stages(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    assert networks(sandbox_client, campaign_id) == []
    register(sandbox_client, campaign_id)
    advance(sandbox_client, 2 * HOUR + 2 * DAY)
    assert networks(sandbox_client, campaign_id) == [
        ("ATT", "PENDING"), ("TMOBILE", "PENDING"), ("USCELLULAR", "PENDING"), ("VERIZON", "PENDING"),
    ]  # fmt: skip
    advance(sandbox_client, 2 * DAY)
    assert {state for _, state in networks(sandbox_client, campaign_id)} == {"ACTIVE"}


def test_network_statuses_of_an_unknown_campaign_are_404(sandbox_client):
    response = sandbox_client.get(f"{CAMPAIGNS}/nope/network-statuses", headers=auth())
    assert_infobip_error(response, 404, "NOT_FOUND", "Campaign not found.")


def test_step_durations_are_configurable_per_tenant(sandbox_client):
    key = fresh_key()
    campaign_id = created(sandbox_client, key=key)["id"]
    lifecycles(sandbox_client, key, lifecycle=MACHINE, durations={"internal_review": 60, "carrier_review": 60})
    register(sandbox_client, campaign_id, key=key)
    advance(sandbox_client, HOUR + 60, key=key)
    assert stage(sandbox_client, campaign_id, key) == "APPROVED_BY_INTERNAL_REVIEWER"
    advance(sandbox_client, HOUR + 60, key=key)
    assert stage(sandbox_client, campaign_id, key) == "REGISTERED"
    other = created(sandbox_client)["id"]  # the demo tenant keeps the default durations
    register(sandbox_client, other)
    advance(sandbox_client, 2 * HOUR + 120)
    assert stage(sandbox_client, other) == "IN_REVIEW"


# -- branches ------------------------------------------------------------------------------------------------
def test_the_age_gate_content_rule_rejects_with_the_seeds_feedback(sandbox_client):
    campaign_id = created(sandbox_client, **AGE_GATED)["id"]
    register(sandbox_client, campaign_id)
    advance(sandbox_client, HOUR + 2 * DAY - 1)
    assert stage(sandbox_client, campaign_id) == "IN_REVIEW"
    advance(sandbox_client, 1)
    campaign = get(sandbox_client, campaign_id)
    assert campaign["stage"] == "REJECTED"
    assert campaign["campaignFeedback"] == {
        "rejectionReasons": [
            "Campaign appears to be for an age-gated content type but age gate attribute is not selected."
        ],
        "rejectionDetails": [
            {
                "errorCode": "1001",
                "description": "Campaign appears to be for an age-gated content type but age gate attribute is "
                "not selected.",
                "recommendedAction": "Verify if the Age Gate attribute is selected for the campaign registration. "
                "If the campaign is not related to age-gated content, update the campaign description.",
            }
        ],
        "rejectionDate": "2030-01-12T01:00:00Z",  # the virtual moment of the rejection
    }
    assert campaign["appealData"] is None
    assert networks(sandbox_client, campaign_id) == []


def test_age_gated_content_with_the_attribute_set_passes_the_rule(sandbox_client):
    campaign_id = created(sandbox_client, **{**AGE_GATED, "ageGated": True})["id"]
    register(sandbox_client, campaign_id)
    advance(sandbox_client, 5 * DAY)
    assert stage(sandbox_client, campaign_id) == "REGISTERED"


def test_a_rejection_forced_through_the_control_api_carries_the_reviewers_reason(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    lifecycles(sandbox_client, DEMO_KEY, lifecycle=MACHINE, id=campaign_id, outcome="rejected")
    register(sandbox_client, campaign_id)
    advance(sandbox_client, HOUR + 2 * DAY)
    feedback = get(sandbox_client, campaign_id)["campaignFeedback"]
    assert feedback["rejectionReasons"] == ["This is a custom rejection reason provided by a reviewer."]
    assert feedback["rejectionDetails"] == [
        {
            "errorCode": "9999",
            "description": "This is a custom rejection reason provided by a reviewer.",
            "recommendedAction": None,
        }
    ]


def test_the_internal_reviewer_can_request_an_update_then_a_new_register_resubmits(sandbox_client):
    key = fresh_key()
    campaign_id = created(sandbox_client, key=key)["id"]
    lifecycles(sandbox_client, key, lifecycle=MACHINE, outcome="update_requested_by_internal_reviewer")
    register(sandbox_client, campaign_id, key=key)
    advance(sandbox_client, HOUR + 2 * DAY, key=key)
    assert stage(sandbox_client, campaign_id, key) == "UPDATE_REQUESTED_BY_INTERNAL_REVIEWER"
    refused = sandbox_client.put(f"{CAMPAIGNS}/{campaign_id}", json=campaign_body(), headers=auth(key))
    assert_infobip_error(refused, 400, "BAD_REQUEST", "Campaign can only be updated in DRAFT or REJECTED stage.")
    lifecycles(sandbox_client, key, lifecycle=MACHINE, outcome=None)
    assert register(sandbox_client, campaign_id, key=key).status_code == 202
    assert stage(sandbox_client, campaign_id, key) == "SUBMITTED_FOR_REVIEW"
    advance(sandbox_client, 5 * DAY, key=key)
    assert stage(sandbox_client, campaign_id, key) == "REGISTERED"


def test_carriers_can_request_an_update_after_the_internal_review(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    lifecycles(sandbox_client, DEMO_KEY, lifecycle=MACHINE, id=campaign_id, outcome="update_requested_by_carriers")
    register(sandbox_client, campaign_id)
    advance(sandbox_client, 2 * HOUR + 2 * DAY)
    assert stage(sandbox_client, campaign_id) == "SUBMITTED"  # the internal review took the default branch
    advance(sandbox_client, 2 * DAY)
    assert stage(sandbox_client, campaign_id) == "UPDATE_REQUESTED_BY_CARRIERS"
    assert {state for _, state in networks(sandbox_client, campaign_id)} == {"UPDATE_REQUESTED"}
    assert register(sandbox_client, campaign_id).status_code == 202
    assert stage(sandbox_client, campaign_id) == "SUBMITTED_FOR_REVIEW"


# -- appeal ----------------------------------------------------------------------------------------------------
def test_an_appeal_fills_appeal_data_and_sends_the_campaign_back_to_review(sandbox_client):
    campaign_id = rejected_campaign(sandbox_client)
    fixed = campaign_body(**{**AGE_GATED, "ageGated": True})
    assert sandbox_client.put(f"{CAMPAIGNS}/{campaign_id}", json=fixed, headers=auth()).status_code == 200
    response = appeal(sandbox_client, campaign_id, reason="The campaign is age gated now")
    assert response.status_code == 202 and response.get_data() == b""
    campaign = get(sandbox_client, campaign_id)
    assert campaign["stage"] == "APPEALED"
    assert campaign["appealData"] == {
        "appealReason": "The campaign is age gated now",
        "appealDate": "2030-01-12T01:00:00Z",
    }
    assert campaign["campaignFeedback"]["rejectionDate"] == "2030-01-12T01:00:00Z"  # the last rejection stays
    advance(sandbox_client, HOUR)
    assert stage(sandbox_client, campaign_id) == "IN_REVIEW"
    advance(sandbox_client, 5 * DAY)
    assert stage(sandbox_client, campaign_id) == "REGISTERED"


def test_an_appeal_of_unchanged_content_is_rejected_again_and_five_appeals_are_the_limit(sandbox_client):
    campaign_id = rejected_campaign(sandbox_client)
    for _ in range(5):
        assert appeal(sandbox_client, campaign_id).status_code == 202
        advance(sandbox_client, HOUR + 2 * DAY)
        assert stage(sandbox_client, campaign_id) == "REJECTED"
    response = appeal(sandbox_client, campaign_id)
    assert_infobip_error(response, 400, "BAD_REQUEST", "Campaign cannot be appealed more than 5 times.")
    assert stage(sandbox_client, campaign_id) == "REJECTED"


def test_an_appeal_is_possible_until_three_months_after_the_rejection(sandbox_client):
    campaign_id = rejected_campaign(sandbox_client)  # rejected at 2030-01-12T01:00:00Z
    advance(sandbox_client, to="2030-04-12T00:59:59Z")
    assert appeal(sandbox_client, campaign_id).status_code == 202


def test_an_appeal_three_months_after_the_rejection_is_refused(sandbox_client):
    campaign_id = rejected_campaign(sandbox_client)
    advance(sandbox_client, to="2030-04-12T01:00:00Z")
    response = appeal(sandbox_client, campaign_id)
    assert_infobip_error(
        response, 400, "BAD_REQUEST", "Campaign can only be appealed within 3 months of its rejection."
    )
    assert get(sandbox_client, campaign_id)["appealData"] is None


def test_only_a_rejected_campaign_can_be_appealed(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    response = appeal(sandbox_client, campaign_id)
    assert_infobip_error(response, 400, "BAD_REQUEST", "Only a campaign in REJECTED stage can be appealed.")


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"appealReason": ["must not be null"]}),
        ({"appealReason": ""}, {"appealReason": ["size must be between 1 and 1000"]}),
        ({"appealReason": "r" * 1001}, {"appealReason": ["size must be between 1 and 1000"]}),
        ({"appealReason": 5}, {"appealReason": ["must be a string"]}),
    ],
)
def test_an_appeal_needs_a_reason_of_1_to_1000_characters(sandbox_client, body, errors):
    campaign_id = rejected_campaign(sandbox_client)
    response = sandbox_client.post(f"{CAMPAIGNS}/{campaign_id}/appeal", json=body, headers=auth())
    assert validation_errors(response) == errors


def test_an_appeal_reason_of_1000_characters_is_accepted(sandbox_client):
    assert appeal(sandbox_client, rejected_campaign(sandbox_client), reason="r" * 1000).status_code == 202


# -- deregister --------------------------------------------------------------------------------------------------
def test_deregister_moves_a_registered_campaign_to_deregistered_then_it_can_be_deleted(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    register(sandbox_client, campaign_id)
    advance(sandbox_client, 5 * DAY)
    response = deregister(sandbox_client, campaign_id)
    assert response.status_code == 202 and response.get_data() == b""
    assert stage(sandbox_client, campaign_id) == "REGISTERED_PENDING_DEREGISTRATION"
    assert {state for _, state in networks(sandbox_client, campaign_id)} == {"PENDING_DEACTIVATION"}
    advance(sandbox_client, DAY)
    assert stage(sandbox_client, campaign_id) == "DEREGISTERED"
    assert {state for _, state in networks(sandbox_client, campaign_id)} == {"DEACTIVATED"}
    assert sandbox_client.delete(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).status_code == 204


@pytest.mark.parametrize("seconds", [None, 0.0, HOUR])
def test_deregister_is_refused_unless_registered(sandbox_client, seconds):
    campaign_id = created(sandbox_client)["id"]
    if seconds is not None:
        register(sandbox_client, campaign_id)
        advance(sandbox_client, seconds)
    response = deregister(sandbox_client, campaign_id)
    assert_infobip_error(response, 400, "BAD_REQUEST", "Campaign can only be deregistered in REGISTERED stage.")


def test_deregister_unknown_campaign_is_404(sandbox_client):
    assert_infobip_error(deregister(sandbox_client, "nope"), 404, "NOT_FOUND")


# -- register rules ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("brand", [DRAFT_BRAND, REJECTED_BRAND])
def test_register_needs_a_registered_brand(sandbox_client, brand):
    campaign_id = created(sandbox_client, brandId=brand)["id"]
    response = register(sandbox_client, campaign_id)
    assert_infobip_error(
        response,
        400,
        "BAD_REQUEST",
        "The campaign's brand must be registered before the campaign can be submitted for review.",
    )
    assert stage(sandbox_client, campaign_id) == "DRAFT"


def test_register_needs_at_least_one_number(sandbox_client):
    campaign_id = created(sandbox_client, numbers=None)["id"]
    response = register(sandbox_client, campaign_id)
    assert_infobip_error(
        response,
        400,
        "BAD_REQUEST",
        "Campaign must have at least one 10DLC number associated before it can be submitted for review.",
    )
    assert stage(sandbox_client, campaign_id) == "DRAFT"


def test_register_twice_is_refused_by_stage(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    register(sandbox_client, campaign_id)
    advance(sandbox_client, 1)
    response = register(sandbox_client, campaign_id)
    assert_infobip_error(response, 400, "BAD_REQUEST")
    assert "can only be registered" in response.get_json()["requestError"]["serviceException"]["text"]


def test_register_unknown_campaign_is_404(sandbox_client):
    assert_infobip_error(register(sandbox_client, "nope"), 404, "NOT_FOUND", "Campaign not found.")


def test_register_with_a_priority_id_records_the_priority(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    priority = "46de4f63-390c-4253-9869-da282096691b"
    assert register(sandbox_client, campaign_id, body={"priorityId": priority}).status_code == 202
    assert get(sandbox_client, campaign_id)["priority"] == {"priorityId": priority}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"priorityId": "fast"}, {"priorityId": ["must be a valid UUID"]}),
        ({"priorityId": 7}, {"priorityId": ["must be a valid UUID"]}),
    ],
)
def test_register_with_a_bad_priority_id_is_400(sandbox_client, body, errors):
    campaign_id = created(sandbox_client)["id"]
    assert validation_errors(register(sandbox_client, campaign_id, body=body)) == errors
    assert stage(sandbox_client, campaign_id) == "DRAFT"


def test_register_with_a_malformed_body_is_400(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    response = sandbox_client.post(
        f"{CAMPAIGNS}/{campaign_id}/register", data=b"{", headers={**auth(), "Content-Type": "application/json"}
    )
    assert_infobip_error(response, 400, "BAD_REQUEST", "Bad request")


def test_register_is_limited_to_one_request_per_second_per_account(sandbox_client):
    first, second = created(sandbox_client)["id"], created(sandbox_client)["id"]
    assert register(sandbox_client, first).status_code == 202
    response = register(sandbox_client, second)
    assert_infobip_error(response, 429, "TOO_MANY_REQUESTS", "Too many requests")
    assert response.headers["Retry-After"] == "1"
    assert stage(sandbox_client, second) == "DRAFT"
    other = fresh_key()  # another account has its own budget
    assert register(sandbox_client, created(sandbox_client, key=other)["id"], key=other).status_code == 202
    advance(sandbox_client, 1)
    assert register(sandbox_client, second).status_code == 202


def test_a_refused_register_still_counts_against_the_limit(sandbox_client):
    campaign_id = created(sandbox_client)["id"]
    assert register(sandbox_client, "nope").status_code == 404
    assert register(sandbox_client, campaign_id).status_code == 429


def test_the_register_limit_is_a_tenant_setting(sandbox_client):
    response = sandbox_client.patch(
        "/_sandbox/settings", json={"credential": DEMO_KEY, "infobip": {"register_requests_per_second": 0}}
    )
    assert response.status_code == 200, response.get_json()
    ids = [created(sandbox_client)["id"] for _ in range(3)]
    assert [register(sandbox_client, campaign_id).status_code for campaign_id in ids] == [202, 202, 202]


# -- progression modes through the vendor endpoints --------------------------------------------------------------
def test_immediate_mode_registers_at_once(sandbox_client):
    key = fresh_key()
    lifecycles(sandbox_client, key, lifecycle=MACHINE, mode="immediate")
    campaign_id = created(sandbox_client, key=key)["id"]
    register(sandbox_client, campaign_id, key=key)
    assert stage(sandbox_client, campaign_id, key) == "REGISTERED"


def test_manual_mode_moves_one_stage_per_read(sandbox_client):
    key = fresh_key()
    lifecycles(sandbox_client, key, lifecycle=MACHINE, mode="manual")
    campaign_id = created(sandbox_client, key=key)["id"]
    register(sandbox_client, campaign_id, key=key)
    advance(sandbox_client, 30 * DAY, key=key)
    listed = sandbox_client.get(CAMPAIGNS, headers=auth(key)).get_json()["results"]
    assert listed[0]["stage"] == "SUBMITTED_FOR_REVIEW"  # neither time nor a list moves it
    reads = [stage(sandbox_client, campaign_id, key) for _ in range(5)]
    assert reads == ["IN_REVIEW", "APPROVED_BY_INTERNAL_REVIEWER", "SUBMITTED", "REGISTERED", "REGISTERED"]


def test_the_campaign_lifecycle_is_described_with_its_branches(sandbox_client):
    response = sandbox_client.get("/_sandbox/lifecycles", query_string={"credential": DEMO_KEY})
    machines = {m["name"]: m for m in response.get_json()["lifecycles"]}
    assert machines[MACHINE]["config"]["mode"] == "time"
    assert machines[MACHINE]["outcomes"] == [
        "rejected", "update_requested_by_carriers", "update_requested_by_internal_reviewer",
    ]  # fmt: skip
    assert machines["infobip.brand"]["outcomes"] == ["rejected"]


# -- one clock jump materialises every due step at its own moment, in time order -------------------------------
def test_one_big_advance_applies_every_due_step_at_its_own_time_in_order(sandbox_client, sandbox):
    campaign_id = created(sandbox_client)["id"]
    register(sandbox_client, campaign_id)
    advance(sandbox_client, 90 * DAY)
    campaign = get(sandbox_client, campaign_id)
    assert campaign["stage"] == "REGISTERED"
    assert campaign["lastModifiedDate"] == "2030-01-14T02:00:00Z"  # 1 h + 2 d + 1 h + 2 d after START, not now
    steps = [(step["state"], step["at"]) for step in sandbox.lifecycles.history(MACHINE, "demo", campaign_id)]
    assert steps == [
        ("DRAFT", "2030-01-10T00:00:00+00:00"),
        ("SUBMITTED_FOR_REVIEW", "2030-01-10T00:00:00+00:00"),
        ("IN_REVIEW", "2030-01-10T01:00:00+00:00"),
        ("APPROVED_BY_INTERNAL_REVIEWER", "2030-01-12T01:00:00+00:00"),
        ("SUBMITTED", "2030-01-12T02:00:00+00:00"),
        ("REGISTERED", "2030-01-14T02:00:00+00:00"),
    ]


def test_a_rejection_reached_by_a_big_advance_is_dated_when_it_fell_due(sandbox_client):
    campaign_id = created(sandbox_client, **AGE_GATED)["id"]
    register(sandbox_client, campaign_id)
    advance(sandbox_client, 30 * DAY)
    campaign = get(sandbox_client, campaign_id)
    assert campaign["stage"] == "REJECTED"
    assert campaign["campaignFeedback"]["rejectionDate"] == "2030-01-12T01:00:00Z"
    # The appeal window runs from that moment, not from the advance: 3 months later it is closed.
    advance(sandbox_client, to="2030-04-12T01:00:00Z")
    assert appeal(sandbox_client, campaign_id).status_code == 400


def test_two_accounts_campaigns_move_on_their_own_clocks(sandbox_client):
    key = fresh_key()
    mine, theirs = created(sandbox_client)["id"], created(sandbox_client, key=key)["id"]
    register(sandbox_client, mine)
    register(sandbox_client, theirs, key=key)
    advance(sandbox_client, 5 * DAY, key=key)
    assert stage(sandbox_client, theirs, key) == "REGISTERED"
    assert stage(sandbox_client, mine) == "SUBMITTED_FOR_REVIEW"
