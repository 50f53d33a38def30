"""Infobip campaigns: create (the seed's sample), get, update, delete, numbers, and every documented failure."""

from __future__ import annotations

import re

import pytest
from infobip_helpers import (
    BRANDS,
    CAMPAIGNS,
    DAY,
    DEMO_KEY,
    SAMPLE_NUMBER,
    SAMPLE_NUMBER_KEY,
    SEED_BRAND,
    SEED_NUMBER,
    SEED_NUMBER_KEY,
    advance,
    assert_infobip_error,
    auth,
    campaign_body,
    client_request,
    create,
    created,
    get,
    lifecycles,
    register,
    seed_request,
    stage,
    validation_errors,
)

# The seed's 201 response sample, its fields in its order.
SAMPLE_FIELDS = [
    "id", "referenceId", "applicationId", "entityId", "name", "createdDate", "lastModifiedDate", "stage",
    "priority", "brandId", "programSummary", "customerCareEmail", "confirmationMessage", "exampleMessages",
    "helpMessage", "stopMessage", "messageTypes", "optIns", "termsAndConditionsUrl", "brandPreview",
    "customerCarePhone", "lowVolume", "useCase", "useCases", "numberKeys", "numberPreviews", "ageGated",
    "directLending", "embeddedLink", "embeddedPhone", "type", "campaignFeedback", "appealData",
]  # fmt: skip
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_the_seed_request_as_it_stands_lacks_the_terms_url_its_schema_requires(client):
    """Seed 001's schema says "termsAndConditionsUrl required", as the client's model does; its sample omits it."""
    assert validation_errors(create(client, seed_request())) == {"termsAndConditionsUrl": ["must not be null"]}


def test_the_seed_request_with_its_terms_url_is_created_in_draft(client):
    client.post("/_sandbox/clock/advance", json={"to": "2030-05-06T07:08:09Z"})
    response = create(client, client_request())
    assert response.status_code == 201
    campaign = response.get_json()
    assert list(campaign) == SAMPLE_FIELDS
    assert UUID.fullmatch(campaign["id"])
    sent = client_request()
    for name in ("referenceId", "applicationId", "entityId", "name", "brandId", "programSummary", "customerCareEmail",
                 "confirmationMessage", "exampleMessages", "helpMessage", "stopMessage", "optIns",
                 "customerCarePhone", "lowVolume", "useCases", "ageGated", "directLending", "embeddedLink",
                 "embeddedPhone", "type", "termsAndConditionsUrl"):  # fmt: skip
        assert campaign[name] == sent[name], name
    assert campaign["createdDate"] == campaign["lastModifiedDate"] == "2030-05-06T07:08:09Z"
    assert campaign["stage"] == "DRAFT"
    assert campaign["messageTypes"] == ["sms", "mms"]  # lower case, as the seed's response shows
    assert campaign["useCase"] is None
    assert campaign["brandPreview"] == {
        "brandId": SEED_BRAND,
        "brandName": "Examples Warehouse",
        "website": "https://www.example.com",  # [client NumbersBrandPreview]
    }
    assert campaign["numberKeys"] == [SEED_NUMBER_KEY]
    assert campaign["numberPreviews"] == [{"numberKey": SEED_NUMBER_KEY, "number": SEED_NUMBER, "countryCode": "US"}]
    assert "numbers" not in campaign  # "it is not returned in the API response" [seed]
    assert campaign["priority"] is None and campaign["campaignFeedback"] is None and campaign["appealData"] is None


def test_the_seed_request_reaches_registered_once_registered_and_the_clock_advanced(client):
    campaign_id = create(client, client_request()).get_json()["id"]
    response = register(client, campaign_id)
    assert response.status_code == 202 and response.get_data() == b""
    advance(client, 10 * DAY)
    campaign = get(client, campaign_id)
    assert campaign["stage"] == "REGISTERED"
    assert campaign["campaignFeedback"] is None  # ageGated is true in the sample: the age-gate rule passes it


def test_number_keys_give_the_number_previews_of_the_seeds_response(client):
    campaign = created(client, numbers=None, numberKeys=[SAMPLE_NUMBER_KEY])
    assert campaign["numberKeys"] == [SAMPLE_NUMBER_KEY]
    assert campaign["numberPreviews"] == [
        {"numberKey": SAMPLE_NUMBER_KEY, "number": SAMPLE_NUMBER, "countryCode": "US"}
    ]


def test_number_keys_win_over_numbers_when_both_are_given(client):
    campaign = created(client, numbers=["19999999999"], numberKeys=[SAMPLE_NUMBER_KEY])
    assert campaign["numberKeys"] == [SAMPLE_NUMBER_KEY]


def test_an_empty_number_keys_list_leaves_numbers_in_force(client):
    campaign = created(client, numbers=[SAMPLE_NUMBER], numberKeys=[])
    assert campaign["numberKeys"] == [SAMPLE_NUMBER_KEY]


def test_numbers_in_international_format_with_a_plus_and_repeats_are_taken_once(client):
    campaign = created(client, numbers=[f"+{SEED_NUMBER}", SEED_NUMBER, SAMPLE_NUMBER])
    assert campaign["numberKeys"] == [SEED_NUMBER_KEY, SAMPLE_NUMBER_KEY]


def test_a_campaign_may_have_no_numbers_yet(client):
    campaign = created(client, numbers=None)
    assert campaign["numberKeys"] == [] and campaign["numberPreviews"] == []


def test_numbers_outside_the_account_are_400_by_index(client):
    response = create(client, campaign_body(numbers=[SEED_NUMBER, "19999999999", "not a number"]))
    assert validation_errors(response) == {
        "numbers[1]": ["number is not associated with your account"],
        "numbers[2]": ["number is not associated with your account"],
    }


def test_number_keys_outside_the_account_are_400_by_index(client):
    response = create(client, campaign_body(numberKeys=[SAMPLE_NUMBER_KEY, "FFFF"]))
    assert validation_errors(response) == {"numberKeys[1]": ["number key is not associated with your account"]}


def test_an_unknown_brand_is_400(client):
    response = create(client, campaign_body(brandId="00000000-0000-4000-8000-000000000000"))
    assert validation_errors(response) == {"brandId": ["brand does not exist"]}


def test_account_rules_are_reported_together(client):
    response = create(client, campaign_body(brandId="nope", numbers=["19999999999"]))
    assert set(validation_errors(response)) == {"brandId", "numbers[0]"}


def test_a_repeated_reference_id_is_rejected_with_400(client):
    assert create(client, client_request()).status_code == 201
    again = create(client, campaign_body(referenceId="customer-defined-identifier"))
    assert validation_errors(again) == {"referenceId": ["campaign with the same referenceId already exists"]}
    listed = client.get(CAMPAIGNS, headers=auth()).get_json()
    assert listed["paging"]["totalResults"] == 1


def test_reference_ids_are_unique_per_account_and_free_again_after_delete(client, fresh_key):
    first = create(client, client_request()).get_json()["id"]
    assert create(client, client_request(), key=fresh_key("infobip")).status_code == 201  # another account
    assert client.delete(f"{CAMPAIGNS}/{first}", headers=auth()).status_code == 204
    assert create(client, client_request()).status_code == 201


def test_terms_and_conditions_url_is_returned_after_the_opt_ins(client):
    campaign = created(client, termsAndConditionsUrl="https://example.com/terms")
    assert campaign["termsAndConditionsUrl"] == "https://example.com/terms"
    assert list(campaign).index("termsAndConditionsUrl") == list(campaign).index("optIns") + 1


def test_opt_ins_keep_only_the_mechanisms_sent(client):
    campaign = created(client, optIns={"web": {"callToAction": "Sign up at example.com"}, "verbal": None})
    assert campaign["optIns"] == {"web": {"callToAction": "Sign up at example.com"}}


def test_unknown_and_server_fields_are_ignored_and_unicode_kept(client):
    summary = "Ofertas de café ☕ y novedades para clientes frecuentes"
    campaign = created(
        client, programSummary=summary, stage="REGISTERED", id="mine", priority={"priorityId": "x"}, extra=1
    )
    assert campaign["programSummary"] == summary
    assert campaign["stage"] == "DRAFT" and campaign["id"] != "mine" and campaign["priority"] is None
    assert "extra" not in campaign


def test_booleans_default_to_false(client):
    body = campaign_body()
    for flag in ("ageGated", "directLending", "embeddedLink", "embeddedPhone"):
        del body[flag]
    body["embeddedPhone"] = None
    campaign = create(client, body).get_json()
    assert [campaign[f] for f in ("ageGated", "directLending", "embeddedLink", "embeddedPhone")] == [False] * 4


def test_get_returns_what_create_returned(client):
    campaign = created(client)
    assert get(client, campaign["id"]) == campaign


def test_get_unknown_or_another_accounts_campaign_is_404(client, fresh_key):
    campaign_id = created(client)["id"]
    for key, wanted in ((DEMO_KEY, "nope"), (fresh_key("infobip"), campaign_id)):
        response = client.get(f"{CAMPAIGNS}/{wanted}", headers=auth(key))
        assert_infobip_error(response, 404, "NOT_FOUND", "Campaign not found.")


def test_update_in_draft_replaces_the_campaign(client):
    campaign = created(client, referenceId="ref-1")
    advance(client, 60)
    body = campaign_body(name="Renamed", referenceId="ref-1", numbers=None, numberKeys=[SAMPLE_NUMBER_KEY])
    response = client.put(f"{CAMPAIGNS}/{campaign['id']}", json=body, headers=auth())
    assert response.status_code == 200
    updated = response.get_json()
    assert updated["name"] == "Renamed" and updated["numberKeys"] == [SAMPLE_NUMBER_KEY]
    assert updated["createdDate"] == campaign["createdDate"]
    assert updated["lastModifiedDate"] > campaign["lastModifiedDate"]
    assert get(client, campaign["id"]) == updated


def test_update_applies_the_create_rules(client):
    campaign_id = created(client)["id"]
    response = client.put(f"{CAMPAIGNS}/{campaign_id}", json=campaign_body(name="x" * 31), headers=auth())
    assert validation_errors(response) == {"name": ["size must be between 1 and 30"]}


def test_update_to_another_campaigns_reference_id_is_400_and_frees_its_own(client):
    created(client, referenceId="taken")
    campaign_id = created(client, referenceId="mine")["id"]
    response = client.put(f"{CAMPAIGNS}/{campaign_id}", json=campaign_body(referenceId="taken"), headers=auth())
    assert "referenceId" in validation_errors(response)
    body = campaign_body(referenceId="changed")
    assert client.put(f"{CAMPAIGNS}/{campaign_id}", json=body, headers=auth()).status_code == 200
    assert create(client, campaign_body(referenceId="mine")).status_code == 201


def test_update_unknown_campaign_is_404(client):
    response = client.put(f"{CAMPAIGNS}/nope", json=campaign_body(), headers=auth())
    assert_infobip_error(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("seconds", [0, 3600, 3600 + 2 * DAY, 2 * 3600 + 2 * DAY, 2 * 3600 + 4 * DAY])
def test_update_outside_draft_and_rejected_is_refused(client, seconds):
    campaign_id = created(client)["id"]
    register(client, campaign_id)
    advance(client, seconds)
    current = stage(client, campaign_id)
    assert current not in ("DRAFT", "REJECTED")
    response = client.put(f"{CAMPAIGNS}/{campaign_id}", json=campaign_body(), headers=auth())
    assert_infobip_error(response, 400, "BAD_REQUEST", "Campaign can only be updated in DRAFT or REJECTED stage.")
    assert stage(client, campaign_id) == current


def test_delete_in_draft_is_204_and_the_campaign_is_gone(client):
    campaign_id = created(client)["id"]
    response = client.delete(f"{CAMPAIGNS}/{campaign_id}", headers=auth())
    assert response.status_code == 204 and response.get_data() == b""
    assert client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).status_code == 404
    assert client.delete(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).status_code == 404


@pytest.mark.parametrize("seconds", [0, 3600, 10 * DAY])
def test_delete_outside_draft_deregistered_and_rejected_is_refused(client, seconds):
    campaign_id = created(client)["id"]
    register(client, campaign_id)
    advance(client, seconds)
    response = client.delete(f"{CAMPAIGNS}/{campaign_id}", headers=auth())
    assert_infobip_error(
        response, 400, "BAD_REQUEST", "Campaign can only be deleted in DRAFT, DEREGISTERED or REJECTED stage."
    )
    assert get(client, campaign_id)["id"] == campaign_id


def test_update_and_delete_are_allowed_once_rejected(client, fresh_key):
    key = fresh_key("infobip")
    campaign_id = created(client, key=key)["id"]
    lifecycles(client, key, lifecycle="infobip.campaign", id=campaign_id, outcome="rejected")
    register(client, campaign_id, key=key)
    advance(client, 3 * DAY, key=key)
    assert stage(client, campaign_id, key) == "REJECTED"
    body = campaign_body(name="Fixed")
    assert client.put(f"{CAMPAIGNS}/{campaign_id}", json=body, headers=auth(key)).status_code == 200
    assert client.delete(f"{CAMPAIGNS}/{campaign_id}", headers=auth(key)).status_code == 204


def test_the_brand_preview_follows_a_brand_rename(client):
    campaign_id = created(client)["id"]
    brand = client.get(f"{BRANDS}/{SEED_BRAND}", headers=auth()).get_json()
    renamed = {k: v for k, v in brand.items() if k not in ("id", "stage", "createdDate", "lastModifiedDate")}
    renamed["name"] = "Examples Depot"
    assert client.put(f"{BRANDS}/{SEED_BRAND}", json=renamed, headers=auth()).status_code == 202  # registered
    assert get(client, campaign_id)["brandPreview"]["brandName"] == "Examples Depot"


@pytest.mark.parametrize("raw", [b"{", b"[]", b"", b"null", b'"text"', b'{"name": NaN}', b"\xff\xfe"])
def test_a_malformed_body_is_400_bad_request_without_state(client, raw):
    response = client.post(CAMPAIGNS, data=raw, headers={**auth(), "Content-Type": "application/json"})
    exception = assert_infobip_error(response, 400, "BAD_REQUEST", "Bad request")
    assert "validationErrors" not in exception
    assert client.get(CAMPAIGNS, headers=auth()).get_json()["paging"]["totalResults"] == 0


def test_a_huge_body_is_400_without_state(client):
    body = campaign_body(programSummary="x" * (2 * 1024 * 1024))
    assert_infobip_error(create(client, body), 400, "BAD_REQUEST")
    assert client.get(CAMPAIGNS, headers=auth()).get_json()["paging"]["totalResults"] == 0


def test_a_failed_validation_leaves_no_state(client):
    create(client, campaign_body(referenceId="r1", name="bad!"))
    assert create(client, campaign_body(referenceId="r1")).status_code == 201
    assert client.get(CAMPAIGNS, headers=auth()).get_json()["paging"]["totalResults"] == 1


def test_an_unknown_path_is_404_and_a_wrong_method_405_in_the_envelope(client):
    assert_infobip_error(client.get("/infobip/number-registration/1/nothing", headers=auth()), 404, "NOT_FOUND")
    response = client.patch(CAMPAIGNS, json={}, headers=auth())
    assert_infobip_error(response, 405, "METHOD_NOT_ALLOWED")


def test_responses_never_carry_engine_bookkeeping(client):
    campaign_id = created(client)["id"]
    register(client, campaign_id)
    text = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_data(as_text=True)
    listed = client.get(CAMPAIGNS, headers=auth()).get_data(as_text=True)
    for shown in (text, listed):
        assert "_lifecycle" not in shown and '"appeals"' not in shown
