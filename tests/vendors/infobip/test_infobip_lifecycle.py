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
    """Every network's state: the array form (setting ``network_statuses``) of the 2023 clients."""
    settings = {"credential": key, "vendor": "infobip", "infobip": {"network_statuses": "array"}}
    assert client.patch("/_sandbox/settings", json=settings).status_code == 200
    response = client.get(f"{CAMPAIGNS}/{campaign_id}/network-statuses", headers=auth(key))
    assert response.status_code == 200
    return sorted({(entry["network"], entry["state"]) for entry in response.get_json()})


def appeal(client, campaign_id, reason="We fixed the content", key=DEMO_KEY):
    """The client's NumbersAppealRequest: ``reason``; 204 on success."""
    return client.post(f"{CAMPAIGNS}/{campaign_id}/appeal", json={"reason": reason}, headers=auth(key))


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
def test_register_walks_the_default_path_each_step_after_its_delay(client):
    campaign_id = created(client)["id"]
    response = register(client, campaign_id)
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
        advance(client, seconds)
        campaign = get(client, campaign_id)
        assert campaign["stage"] == expected, seconds
    assert campaign["lastModifiedDate"] == "2030-01-14T02:00:00Z"  # the moment it was registered
    assert campaign["createdDate"] == "2030-01-10T00:00:00Z"


def test_network_statuses_follow_the_carrier_stages(client):
    campaign_id = created(client)["id"]
    assert {state for _, state in networks(client, campaign_id)} == {"NOT_REGISTERED"}
    register(client, campaign_id)
    advance(client, 2 * HOUR + 2 * DAY)
    assert networks(client, campaign_id) == [
        ("ATT", "PENDING"), ("T_MOBILE", "PENDING"), ("US_CELLULAR", "PENDING"), ("VERIZON", "PENDING"),
    ]  # fmt: skip
    advance(client, 2 * DAY)
    assert {state for _, state in networks(client, campaign_id)} == {"ACTIVE"}


def test_network_statuses_of_an_unknown_campaign_are_404(client):
    response = client.get(f"{CAMPAIGNS}/nope/network-statuses", headers=auth())
    assert_infobip_error(response, 404, "NOT_FOUND", "Campaign not found.")


def test_step_durations_are_configurable_per_tenant(client, fresh_key):
    key = fresh_key("infobip")
    campaign_id = created(client, key=key)["id"]
    lifecycles(client, key, lifecycle=MACHINE, durations={"internal_review": 60, "carrier_review": 60})
    register(client, campaign_id, key=key)
    advance(client, HOUR + 60, key=key)
    assert stage(client, campaign_id, key) == "APPROVED_BY_INTERNAL_REVIEWER"
    advance(client, HOUR + 60, key=key)
    assert stage(client, campaign_id, key) == "REGISTERED"
    other = created(client)["id"]  # the demo tenant keeps the default durations
    register(client, other)
    advance(client, 2 * HOUR + 120)
    assert stage(client, other) == "IN_REVIEW"


# -- branches ------------------------------------------------------------------------------------------------
def test_the_age_gate_content_rule_rejects_with_the_seeds_feedback(client):
    campaign_id = created(client, **AGE_GATED)["id"]
    register(client, campaign_id)
    advance(client, HOUR + 2 * DAY - 1)
    assert stage(client, campaign_id) == "IN_REVIEW"
    advance(client, 1)
    campaign = get(client, campaign_id)
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
    assert {state for _, state in networks(client, campaign_id)} == {"NOT_REGISTERED"}  # never sent to the carriers


def test_age_gated_content_with_the_attribute_set_passes_the_rule(client):
    campaign_id = created(client, **{**AGE_GATED, "ageGated": True})["id"]
    register(client, campaign_id)
    advance(client, 5 * DAY)
    assert stage(client, campaign_id) == "REGISTERED"


def test_a_rejection_forced_through_the_control_api_carries_the_reviewers_reason(client):
    campaign_id = created(client)["id"]
    lifecycles(client, DEMO_KEY, lifecycle=MACHINE, id=campaign_id, outcome="rejected")
    register(client, campaign_id)
    advance(client, HOUR + 2 * DAY)
    feedback = get(client, campaign_id)["campaignFeedback"]
    assert feedback["rejectionReasons"] == ["This is a custom rejection reason provided by a reviewer."]
    assert feedback["rejectionDetails"] == [
        {
            "errorCode": "9999",
            "description": "This is a custom rejection reason provided by a reviewer.",
            "recommendedAction": None,
        }
    ]


def test_the_internal_reviewer_can_request_an_update_then_a_new_register_resubmits(client, fresh_key):
    key = fresh_key("infobip")
    campaign_id = created(client, key=key)["id"]
    lifecycles(client, key, lifecycle=MACHINE, outcome="update_requested_by_internal_reviewer")
    register(client, campaign_id, key=key)
    advance(client, HOUR + 2 * DAY, key=key)
    assert stage(client, campaign_id, key) == "UPDATE_REQUESTED_BY_INTERNAL_REVIEWER"
    refused = client.put(f"{CAMPAIGNS}/{campaign_id}", json=campaign_body(), headers=auth(key))
    assert_infobip_error(refused, 400, "BAD_REQUEST", "Campaign can only be updated in DRAFT or REJECTED stage.")
    lifecycles(client, key, lifecycle=MACHINE, outcome=None)
    assert register(client, campaign_id, key=key).status_code == 202
    assert stage(client, campaign_id, key) == "SUBMITTED_FOR_REVIEW"
    advance(client, 5 * DAY, key=key)
    assert stage(client, campaign_id, key) == "REGISTERED"


def test_carriers_can_request_an_update_after_the_internal_review(client):
    campaign_id = created(client)["id"]
    lifecycles(client, DEMO_KEY, lifecycle=MACHINE, id=campaign_id, outcome="update_requested_by_carriers")
    register(client, campaign_id)
    advance(client, 2 * HOUR + 2 * DAY)
    assert stage(client, campaign_id) == "SUBMITTED"  # the internal review took the default branch
    advance(client, 2 * DAY)
    assert stage(client, campaign_id) == "UPDATE_REQUESTED_BY_CARRIERS"
    assert {state for _, state in networks(client, campaign_id)} == {"PENDING"}
    assert register(client, campaign_id).status_code == 202
    assert stage(client, campaign_id) == "SUBMITTED_FOR_REVIEW"


# -- appeal ----------------------------------------------------------------------------------------------------
def test_an_appeal_fills_appeal_data_and_sends_the_campaign_back_to_review(client):
    campaign_id = rejected_campaign(client)
    fixed = campaign_body(**{**AGE_GATED, "ageGated": True})
    assert client.put(f"{CAMPAIGNS}/{campaign_id}", json=fixed, headers=auth()).status_code == 200
    response = appeal(client, campaign_id, reason="The campaign is age gated now")
    assert response.status_code == 204 and response.get_data() == b""  # [client NumbersApiTest]
    campaign = get(client, campaign_id)
    assert campaign["stage"] == "APPEALED"
    assert campaign["appealData"] == {
        "appealReason": "The campaign is age gated now",
        "appealDate": "2030-01-12T01:00:00Z",
    }
    assert campaign["campaignFeedback"]["rejectionDate"] == "2030-01-12T01:00:00Z"  # the last rejection stays
    advance(client, HOUR)
    assert stage(client, campaign_id) == "IN_REVIEW"
    advance(client, 5 * DAY)
    assert stage(client, campaign_id) == "REGISTERED"


def test_an_appeal_of_unchanged_content_is_rejected_again_and_five_appeals_are_the_limit(client):
    campaign_id = rejected_campaign(client)
    for _ in range(5):
        assert appeal(client, campaign_id).status_code == 204
        advance(client, HOUR + 2 * DAY)
        assert stage(client, campaign_id) == "REJECTED"
    response = appeal(client, campaign_id)
    assert_infobip_error(response, 400, "BAD_REQUEST", "Campaign cannot be appealed more than 5 times.")
    assert stage(client, campaign_id) == "REJECTED"


def test_an_appeal_is_possible_until_three_months_after_the_rejection(client):
    campaign_id = rejected_campaign(client)  # rejected at 2030-01-12T01:00:00Z
    advance(client, to="2030-04-12T00:59:59Z")
    assert appeal(client, campaign_id).status_code == 204


def test_an_appeal_three_months_after_the_rejection_is_refused(client):
    campaign_id = rejected_campaign(client)
    advance(client, to="2030-04-12T01:00:00Z")
    response = appeal(client, campaign_id)
    assert_infobip_error(
        response, 400, "BAD_REQUEST", "Campaign can only be appealed within 3 months of its rejection."
    )
    assert get(client, campaign_id)["appealData"] is None


def test_only_a_rejected_campaign_can_be_appealed(client):
    campaign_id = created(client)["id"]
    response = appeal(client, campaign_id)
    assert_infobip_error(response, 400, "BAD_REQUEST", "Only a campaign in REJECTED stage can be appealed.")


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"reason": ["must not be null"]}),
        ({"appealReason": "the seed's response field is not the request's"}, {"reason": ["must not be null"]}),
        ({"reason": ""}, {"reason": ["size must be between 1 and 1000"]}),
        ({"reason": "r" * 1001}, {"reason": ["size must be between 1 and 1000"]}),
        ({"reason": 5}, {"reason": ["must be a string"]}),
    ],
)
def test_an_appeal_needs_a_reason_of_1_to_1000_characters(client, body, errors):
    campaign_id = rejected_campaign(client)
    response = client.post(f"{CAMPAIGNS}/{campaign_id}/appeal", json=body, headers=auth())
    assert validation_errors(response) == errors


def test_an_appeal_reason_of_1000_characters_is_accepted(client):
    assert appeal(client, rejected_campaign(client), reason="r" * 1000).status_code == 204


# -- deregister --------------------------------------------------------------------------------------------------
def test_deregister_moves_a_registered_campaign_to_deregistered_then_it_can_be_deleted(client):
    campaign_id = created(client)["id"]
    register(client, campaign_id)
    advance(client, 5 * DAY)
    response = deregister(client, campaign_id)
    assert response.status_code == 202 and response.get_data() == b""
    assert stage(client, campaign_id) == "REGISTERED_PENDING_DEREGISTRATION"
    assert {state for _, state in networks(client, campaign_id)} == {"ACTIVE"}  # until the carriers let go
    advance(client, DAY)
    assert stage(client, campaign_id) == "DEREGISTERED"
    assert {state for _, state in networks(client, campaign_id)} == {"NOT_REGISTERED"}
    assert client.delete(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).status_code == 204


@pytest.mark.parametrize("seconds", [None, 0.0, HOUR])
def test_deregister_is_refused_unless_registered(client, seconds):
    campaign_id = created(client)["id"]
    if seconds is not None:
        register(client, campaign_id)
        advance(client, seconds)
    response = deregister(client, campaign_id)
    assert_infobip_error(response, 400, "BAD_REQUEST", "Campaign can only be deregistered in REGISTERED stage.")


def test_deregister_unknown_campaign_is_404(client):
    assert_infobip_error(deregister(client, "nope"), 404, "NOT_FOUND")


# -- register rules ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("brand", [DRAFT_BRAND, REJECTED_BRAND])
def test_register_needs_a_registered_brand(client, brand):
    campaign_id = created(client, brandId=brand)["id"]
    response = register(client, campaign_id)
    assert_infobip_error(
        response,
        400,
        "BAD_REQUEST",
        "The campaign's brand must be registered before the campaign can be submitted for review.",
    )
    assert stage(client, campaign_id) == "DRAFT"


def test_register_needs_at_least_one_number(client):
    campaign_id = created(client, numbers=None)["id"]
    response = register(client, campaign_id)
    assert_infobip_error(
        response,
        400,
        "BAD_REQUEST",
        "Campaign must have at least one 10DLC number associated before it can be submitted for review.",
    )
    assert stage(client, campaign_id) == "DRAFT"


def test_register_twice_is_refused_by_stage(client):
    campaign_id = created(client)["id"]
    register(client, campaign_id)
    advance(client, 1)
    response = register(client, campaign_id)
    assert_infobip_error(response, 400, "BAD_REQUEST")
    assert "can only be registered" in response.get_json()["requestError"]["serviceException"]["text"]


def test_register_unknown_campaign_is_404(client):
    assert_infobip_error(register(client, "nope"), 404, "NOT_FOUND", "Campaign not found.")


def test_register_with_a_priority_id_records_the_priority(client):
    campaign_id = created(client)["id"]
    priority = "46de4f63-390c-4253-9869-da282096691b"
    assert register(client, campaign_id, body={"priorityId": priority}).status_code == 202
    assert get(client, campaign_id)["priority"] == {"priorityId": priority, "submittedDate": "2030-01-10T00:00:00Z"}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"priorityId": "fast"}, {"priorityId": ["must be a valid UUID"]}),
        ({"priorityId": 7}, {"priorityId": ["must be a valid UUID"]}),
    ],
)
def test_register_with_a_bad_priority_id_is_400(client, body, errors):
    campaign_id = created(client)["id"]
    assert validation_errors(register(client, campaign_id, body=body)) == errors
    assert stage(client, campaign_id) == "DRAFT"


def test_register_with_a_malformed_body_is_400(client):
    campaign_id = created(client)["id"]
    response = client.post(
        f"{CAMPAIGNS}/{campaign_id}/register", data=b"{", headers={**auth(), "Content-Type": "application/json"}
    )
    assert_infobip_error(response, 400, "BAD_REQUEST", "Bad request")


def test_register_is_limited_to_one_request_per_second_per_account(client, fresh_key):
    first, second = created(client)["id"], created(client)["id"]
    assert register(client, first).status_code == 202
    response = register(client, second)
    assert_infobip_error(response, 429, "TOO_MANY_REQUESTS", "Too many requests")
    assert response.headers["Retry-After"] == "1"
    assert stage(client, second) == "DRAFT"
    other = fresh_key("infobip")  # another account has its own budget
    assert register(client, created(client, key=other)["id"], key=other).status_code == 202
    advance(client, 1)
    assert register(client, second).status_code == 202


def test_a_refused_register_still_counts_against_the_limit(client):
    campaign_id = created(client)["id"]
    assert register(client, "nope").status_code == 404
    assert register(client, campaign_id).status_code == 429


def test_the_register_limit_is_a_tenant_setting(client):
    response = client.patch(
        "/_sandbox/settings", json={"credential": DEMO_KEY, "infobip": {"register_requests_per_second": 0}}
    )
    assert response.status_code == 200, response.get_json()
    ids = [created(client)["id"] for _ in range(3)]
    assert [register(client, campaign_id).status_code for campaign_id in ids] == [202, 202, 202]


# -- progression modes through the vendor endpoints --------------------------------------------------------------
def test_immediate_mode_registers_at_once(client, fresh_key):
    key = fresh_key("infobip")
    lifecycles(client, key, lifecycle=MACHINE, mode="immediate")
    campaign_id = created(client, key=key)["id"]
    register(client, campaign_id, key=key)
    assert stage(client, campaign_id, key) == "REGISTERED"


def test_manual_mode_moves_one_stage_per_read(client, fresh_key):
    key = fresh_key("infobip")
    lifecycles(client, key, lifecycle=MACHINE, mode="manual")
    campaign_id = created(client, key=key)["id"]
    register(client, campaign_id, key=key)
    advance(client, 30 * DAY, key=key)
    listed = client.get(CAMPAIGNS, headers=auth(key)).get_json()["results"]
    assert listed[0]["stage"] == "SUBMITTED_FOR_REVIEW"  # neither time nor a list moves it
    reads = [stage(client, campaign_id, key) for _ in range(5)]
    assert reads == ["IN_REVIEW", "APPROVED_BY_INTERNAL_REVIEWER", "SUBMITTED", "REGISTERED", "REGISTERED"]


def test_the_campaign_lifecycle_is_described_with_its_branches(client):
    response = client.get("/_sandbox/lifecycles", query_string={"credential": DEMO_KEY})
    machines = {m["name"]: m for m in response.get_json()["lifecycles"]}
    assert machines[MACHINE]["config"]["mode"] == "time"
    assert machines[MACHINE]["outcomes"] == [
        "rejected", "update_requested_by_carriers", "update_requested_by_internal_reviewer",
    ]  # fmt: skip
    assert machines["infobip.brand"]["outcomes"] == ["authentication_expired", "authentication_failed", "rejected"]


# -- one clock jump materialises every due step at its own moment, in time order -------------------------------
def test_one_big_advance_applies_every_due_step_at_its_own_time_in_order(client, sandbox):
    campaign_id = created(client)["id"]
    register(client, campaign_id)
    advance(client, 90 * DAY)
    campaign = get(client, campaign_id)
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


def test_a_rejection_reached_by_a_big_advance_is_dated_when_it_fell_due(client):
    campaign_id = created(client, **AGE_GATED)["id"]
    register(client, campaign_id)
    advance(client, 30 * DAY)
    campaign = get(client, campaign_id)
    assert campaign["stage"] == "REJECTED"
    assert campaign["campaignFeedback"]["rejectionDate"] == "2030-01-12T01:00:00Z"
    # The appeal window runs from that moment, not from the advance: 3 months later it is closed.
    advance(client, to="2030-04-12T01:00:00Z")
    assert appeal(client, campaign_id).status_code == 400


def test_two_accounts_campaigns_move_on_their_own_clocks(client, fresh_key):
    key = fresh_key("infobip")
    mine, theirs = created(client)["id"], created(client, key=key)["id"]
    register(client, mine)
    register(client, theirs, key=key)
    advance(client, 5 * DAY, key=key)
    assert stage(client, theirs, key) == "REGISTERED"
    assert stage(client, mine) == "SUBMITTED_FOR_REVIEW"
