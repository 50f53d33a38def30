"""Infobip after registration: numbers (update-registration, add, remove, list), number pools, priorities,
network statuses as each client generation reads them, external campaigns, and what is not emulated."""

from __future__ import annotations

import pytest
from infobip_helpers import (
    BASE,
    CAMPAIGNS,
    DAY,
    DEMO_KEY,
    SAMPLE_NUMBER,
    SAMPLE_NUMBER_KEY,
    SEED_NUMBER,
    SEED_NUMBER_KEY,
    advance,
    assert_infobip_error,
    auth,
    campaign_body,
    create,
    created,
    get,
    lifecycles,
    register,
    stage,
    validation_errors,
)

HOUR = 3600.0
PRIORITY = "46de4f63-390c-4253-9869-da282096691b"  # the account's, as in seed 001's response sample
NOT_REGISTERED = "The campaign's registration must be complete before its numbers or registration can be updated."
EXTRA = [f"120255501{n:02d}" for n in range(10, 60)]  # 50 more numbers of the account


def registered(client, key=DEMO_KEY, **overrides):
    campaign_id = created(client, key=key, **overrides)["id"]
    assert register(client, campaign_id, key=key).status_code == 202
    advance(client, 5 * DAY, key=key)
    assert stage(client, campaign_id, key) == "REGISTERED"
    return campaign_id


def post(client, campaign_id, action, body=None, key=DEMO_KEY):
    return client.post(f"{CAMPAIGNS}/{campaign_id}/{action}", json=body, headers=auth(key))


def numbers(client, campaign_id):
    response = client.get(f"{CAMPAIGNS}/{campaign_id}/numbers", headers=auth())
    assert response.status_code == 200, response.get_json()
    return [preview["number"] for preview in response.get_json()["numberPreviews"]]


# -- numbers of a registered campaign ----------------------------------------------------------------------
def test_campaign_numbers_lists_the_number_previews(client):
    campaign_id = created(client, numbers=[SEED_NUMBER, SAMPLE_NUMBER])["id"]
    response = client.get(f"{CAMPAIGNS}/{campaign_id}/numbers", headers=auth())
    assert response.get_json() == {
        "numberPreviews": [
            {"numberKey": SEED_NUMBER_KEY, "number": SEED_NUMBER, "countryCode": "US"},
            {"numberKey": SAMPLE_NUMBER_KEY, "number": SAMPLE_NUMBER, "countryCode": "US"},
        ]
    }


@pytest.mark.parametrize(
    ("action", "body", "after"),
    [
        ("add-numbers", {"numbers": [SAMPLE_NUMBER]}, [SEED_NUMBER, SAMPLE_NUMBER]),
        ("add-numbers", {"numberKeys": [SAMPLE_NUMBER_KEY, SEED_NUMBER_KEY]}, [SEED_NUMBER, SAMPLE_NUMBER]),
        ("update-registration", {"numbers": [SAMPLE_NUMBER]}, [SAMPLE_NUMBER]),
        ("remove-numbers", {"numbers": [SEED_NUMBER]}, [SAMPLE_NUMBER]),
    ],
)
def test_a_registration_update_passes_through_pending_update_on_the_clock(client, action, body, after):
    campaign_id = registered(
        client, numbers=[SEED_NUMBER, SAMPLE_NUMBER] if action == "remove-numbers" else [SEED_NUMBER]
    )
    before = numbers(client, campaign_id)
    response = post(client, campaign_id, action, body)
    assert response.status_code == 202 and response.get_data() == b""
    assert stage(client, campaign_id) == "REGISTERED_PENDING_UPDATE"
    assert numbers(client, campaign_id) == before  # the carriers have not accepted it yet
    advance(client, HOUR)
    assert stage(client, campaign_id) == "REGISTERED"
    assert numbers(client, campaign_id) == after
    assert get(client, campaign_id)["numberKeys"] == [
        SEED_NUMBER_KEY if n == SEED_NUMBER else SAMPLE_NUMBER_KEY for n in after
    ]


@pytest.mark.parametrize("action", ["update-registration", "add-numbers", "remove-numbers"])
def test_numbers_change_only_once_registered(client, action):
    campaign_id = created(client)["id"]
    assert_infobip_error(
        post(client, campaign_id, action, {"numbers": [SEED_NUMBER]}), 400, "BAD_REQUEST", NOT_REGISTERED
    )
    register(client, campaign_id)
    assert_infobip_error(
        post(client, campaign_id, action, {"numbers": [SEED_NUMBER]}), 400, "BAD_REQUEST", NOT_REGISTERED
    )
    assert_infobip_error(post(client, "nope", action, {"numbers": [SEED_NUMBER]}), 404, "NOT_FOUND")


def test_registration_updates_check_their_numbers(client):
    campaign_id = registered(client)
    assert validation_errors(post(client, campaign_id, "add-numbers", {})) == {
        "numbers": ["numberKeys or numbers must list at least one number"]
    }
    unknown = post(client, campaign_id, "add-numbers", {"numbers": [SAMPLE_NUMBER, "19999999999"]})
    assert validation_errors(unknown) == {"numbers[1]": ["number is not associated with your account"]}
    absent = post(client, campaign_id, "remove-numbers", {"numbers": [SAMPLE_NUMBER]})
    assert validation_errors(absent) == {"numbers[0]": ["number is not used by this campaign"]}
    last = post(client, campaign_id, "remove-numbers", {"numbers": [SEED_NUMBER]})
    assert_infobip_error(last, 400, "BAD_REQUEST", "A registered campaign must keep at least one number.")
    assert stage(client, campaign_id) == "REGISTERED"


def test_more_than_49_numbers_need_a_number_pool(client):
    campaign_id = registered(client)
    too_many = post(client, campaign_id, "add-numbers", {"numbers": EXTRA[:49]})
    assert_infobip_error(too_many, 400, "BAD_REQUEST", "A campaign without a number pool can have at most 49 numbers.")
    assert post(client, campaign_id, "number-pool/attach").status_code == 204
    assert post(client, campaign_id, "add-numbers", {"numbers": EXTRA[:49]}).status_code == 202
    advance(client, HOUR)
    assert len(numbers(client, campaign_id)) == 50
    detach = post(client, campaign_id, "number-pool/detach")
    text = "A number pool can only be detached from a campaign with fewer than 50 numbers."
    assert_infobip_error(detach, 400, "BAD_REQUEST", text)


# -- number pools --------------------------------------------------------------------------------------------
def pools(client, query=None):
    response = client.get(f"{BASE}/number-pools", query_string=query, headers=auth())
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_number_pools_are_listed_with_their_use(client):
    page = pools(client)
    assert page["paging"] == {"page": 0, "size": 10, "totalPages": 1, "totalResults": 2}  # size 10 [client]
    assert page["results"][0] == {"numberPoolId": "NP-0001", "campaignId": None, "campaignName": None}
    campaign = created(client, name="Pooled")
    assert post(client, campaign["id"], "number-pool/attach", {"numberPoolId": "NP-0002"}).status_code == 204
    used = pools(client, {"availability": "IN_USE"})["results"]
    assert used == [{"numberPoolId": "NP-0002", "campaignId": campaign["id"], "campaignName": "Pooled"}]
    assert [p["numberPoolId"] for p in pools(client, {"availability": "AVAILABLE"})["results"]] == ["NP-0001"]
    assert pools(client, {"registrarRecordId": "NNID-100001"})["paging"]["totalResults"] == 1
    assert validation_errors(client.get(f"{BASE}/number-pools?size=1001", headers=auth())) == {
        "size": ["must be between 0 and 1000"]
    }


def test_an_attached_pool_is_verified_on_the_clock_and_freed_by_detach_or_delete(client):
    campaign_id = created(client)["id"]
    response = post(client, campaign_id, "number-pool/attach", {"reason": "a big campaign"})
    assert response.status_code == 204 and response.get_data() == b""
    pool = get(client, campaign_id)["numberPool"]
    assert pool == {
        "numberPoolId": "NP-0001",  # the first available: a default pool is assigned [client]
        "numberPoolType": "CAMPAIGN_ID",
        "numberPoolStatus": "PENDING_VERIFICATION",
        "nnid": "NNID-100001",
        "policy": "STANDARD",
    }
    advance(client, HOUR)
    assert get(client, campaign_id)["numberPool"]["numberPoolStatus"] == "SUBMITTED_FOR_VERIFICATION"
    advance(client, DAY)
    assert get(client, campaign_id)["numberPool"]["numberPoolStatus"] == "VALID"
    assert post(client, campaign_id, "number-pool/detach").status_code == 204
    assert "numberPool" not in get(client, campaign_id)
    assert post(client, campaign_id, "number-pool/attach").status_code == 204
    assert client.delete(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).status_code == 204
    assert pools(client, {"availability": "IN_USE"})["results"] == []


def test_pool_attach_and_detach_refusals(client):
    first, second, third = (created(client)["id"] for _ in range(3))
    assert_infobip_error(
        post(client, first, "number-pool/detach"), 400, "BAD_REQUEST", "The campaign has no number pool."
    )
    taken = post(client, first, "number-pool/attach", {"numberPoolId": "NP-0009"})
    assert validation_errors(taken) == {"numberPoolId": ["is not available"]}
    assert post(client, first, "number-pool/attach").status_code == 204
    assert_infobip_error(post(client, first, "number-pool/attach"), 400, "BAD_REQUEST")  # it has one
    assert post(client, second, "number-pool/attach").status_code == 204
    none_left = post(client, third, "number-pool/attach")
    assert validation_errors(none_left) == {"numberPoolId": ["no number pool of the account is available"]}


# -- priorities -------------------------------------------------------------------------------------------------
def test_priorities_is_one_object_never_a_campaign_id(client):
    response = client.get(f"{CAMPAIGNS}/priorities", headers=auth())
    assert response.status_code == 200
    assert response.get_json() == {
        "priorityId": PRIORITY,
        "dailySubmitLimit": 10,
        "reviewTime": {"timeUnit": "HOURS", "amount": 24},
        "priorityType": "TEN_DLC",
    }


def test_a_priority_registration_is_reviewed_in_the_prioritys_time(client):
    campaign_id = created(client)["id"]
    assert register(client, campaign_id, body={"priorityId": PRIORITY}).status_code == 202
    advance(client, HOUR + 24 * HOUR)  # queue, then 24 h of review instead of 2 days
    assert stage(client, campaign_id) == "APPROVED_BY_INTERNAL_REVIEWER"


def test_an_unknown_priority_or_one_past_its_daily_limit_is_refused(client, fresh_key):
    key = fresh_key("infobip")
    client.patch("/_sandbox/settings", json={"credential": key, "infobip": {"register_requests_per_second": 0}})
    other = "00000000-0000-4000-8000-000000000000"
    response = register(client, created(client, key=key)["id"], key=key, body={"priorityId": other})
    assert validation_errors(response) == {"priorityId": ["priority does not exist"]}
    for _ in range(10):
        assert (
            register(client, created(client, key=key)["id"], key=key, body={"priorityId": PRIORITY}).status_code == 202
        )
    eleventh = register(client, created(client, key=key)["id"], key=key, body={"priorityId": PRIORITY})
    assert_infobip_error(eleventh, 400, "BAD_REQUEST", "The daily submit limit of the priority has been reached.")
    advance(client, DAY, key=key)
    assert register(client, created(client, key=key)["id"], key=key, body={"priorityId": PRIORITY}).status_code == 202


# -- network statuses: one object (the official client) or an array (the 2023 clients) ---------------------
def test_network_statuses_are_one_object_by_default_and_an_array_by_setting(client, fresh_key):
    key = fresh_key("infobip")
    campaign_id = registered(client, key=key, lowVolume=True)
    single = client.get(f"{CAMPAIGNS}/{campaign_id}/network-statuses", headers=auth(key)).get_json()
    assert single == {"network": "ATT", "state": "ACTIVE", "messageClass": "T", "throughput": 75, "brandTier": None}
    settings = {"credential": key, "vendor": "infobip", "infobip": {"network_statuses": "array"}}
    assert client.patch("/_sandbox/settings", json=settings).status_code == 200
    many = client.get(f"{CAMPAIGNS}/{campaign_id}/network-statuses", headers=auth(key)).get_json()
    assert [entry["network"] for entry in many] == ["ATT", "T_MOBILE", "VERIZON", "US_CELLULAR"]
    assert many[0] == single
    assert many[1] == {
        "network": "T_MOBILE",
        "state": "ACTIVE",
        "messageClass": None,
        "throughput": 2000,
        "brandTier": "LOW",
    }
    assert many[2]["throughput"] is None  # unlimited [client]


def test_a_vetted_brand_gets_a_higher_t_mobile_tier(client, fresh_key):
    key = fresh_key("infobip")
    settings = {"credential": key, "vendor": "infobip", "infobip": {"network_statuses": "array"}}
    campaign_id = registered(client, key=key)
    client.patch("/_sandbox/settings", json=settings)
    client.post(
        f"{BASE}/brands/a0c63335-f841-4d43-9ef8-e0765a233f29/vets", json={"type": "STANDARD"}, headers=auth(key)
    )
    advance(client, DAY, key=key)
    tmobile = client.get(f"{CAMPAIGNS}/{campaign_id}/network-statuses", headers=auth(key)).get_json()[1]
    assert (tmobile["brandTier"], tmobile["throughput"]) == ("TOP", 200_000)  # score 75


# -- external campaigns, and what is not emulated -------------------------------------------------------------
def test_an_external_campaign_skips_the_internal_review(client):
    body = {
        "type": "EXTERNAL_TEN_DIGIT_LONG_CODE",
        "name": "Imported",
        "externalCampaignId": "CX4Y2Z1",
        "numbers": [SEED_NUMBER],
    }
    response = create(client, body)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["externalCampaignId"] == "CX4Y2Z1" and "brandId" not in made and made["stage"] == "DRAFT"
    assert register(client, made["id"]).status_code == 202
    assert stage(client, made["id"]) == "SUBMITTED"
    advance(client, 2 * DAY)
    assert stage(client, made["id"]) == "REGISTERED"
    missing = create(client, {"type": "EXTERNAL_TEN_DIGIT_LONG_CODE", "name": "No id"})
    assert validation_errors(missing) == {"externalCampaignId": ["must not be null"]}
    changed = client.put(f"{CAMPAIGNS}/{made['id']}", json=campaign_body(), headers=auth())
    assert_infobip_error(changed, 400, "BAD_REQUEST")


def test_an_update_may_not_change_the_campaign_type(client):
    campaign_id = created(client)["id"]
    body = {"type": "EXTERNAL_TEN_DIGIT_LONG_CODE", "name": "Other", "externalCampaignId": "CX1"}
    response = client.put(f"{CAMPAIGNS}/{campaign_id}", json=body, headers=auth())
    assert validation_errors(response) == {"type": ["must not change"]}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"{CAMPAIGNS}/toll-free"),
        ("POST", f"{BASE}/documents"),
        ("GET", f"{BASE}/documents/4d3601ed-c632-4979-ae22-43854ef4ffaf"),
        ("POST", f"{BASE}/automatic-review"),
        ("POST", f"{BASE}/automatic-review/campaigns/4d3601ed-c632-4979-ae22-43854ef4ffaf"),
        ("GET", f"{BASE}/automatic-review/4d3601ed-c632-4979-ae22-43854ef4ffaf"),
    ],
)
def test_endpoints_not_emulated_answer_a_vendor_shaped_501(client, method, path):
    response = client.open(path, method=method, json={}, headers=auth())
    assert_infobip_error(response, 501, "NOT_IMPLEMENTED", "This operation is not emulated by the sandbox.")
    toll_free = create(client, campaign_body(type="TOLL_FREE_NUMBER"))
    assert_infobip_error(toll_free, 501, "NOT_IMPLEMENTED")


def test_lifecycles_of_vets_and_pools_are_described(client):
    machines = {m["name"]: m for m in client.get("/_sandbox/lifecycles").get_json()["lifecycles"]}
    assert machines["infobip.brand_vet"]["outcomes"] == ["failure"]
    assert machines["infobip.number_pool"]["outcomes"] == ["invalid"]
    assert "registration_update" in machines["infobip.campaign"]["durations"]
    lifecycles(client, DEMO_KEY, lifecycle="infobip.number_pool", mode="immediate")
    campaign_id = created(client)["id"]
    post(client, campaign_id, "number-pool/attach")
    assert get(client, campaign_id)["numberPool"]["numberPoolStatus"] == "VALID"
