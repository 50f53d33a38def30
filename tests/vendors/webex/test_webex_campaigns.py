"""Webex Create/List/Get/Update Campaign: success paths and every documented failure."""

from __future__ import annotations

import re

import pytest
from webex_helpers import (
    CAMPAIGNS,
    assert_webex_error,
    auth,
    campaign_body,
    png_base64,
    seed_campaign_example,
)


def create(client, body, key=None):
    return client.post(CAMPAIGNS, json=body, headers=auth(key) if key else auth())


def test_seed_example_creates_a_campaign(client):
    response = create(client, seed_campaign_example())
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "Sample_campaign"
    assert body["message"] == "Campaign created successfully."
    assert re.fullmatch(r"\d{14}", body["id"])


def test_read_side_uses_vendor_spellings_and_formats(client):
    campaign_id = create(client, seed_campaign_example()).get_json()["id"]
    campaign = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()
    assert campaign["id"] == campaign_id and isinstance(campaign["id"], str)
    assert campaign["refernceid"] == "20222023"  # the vendor's read-side spelling
    assert "referenceid" not in campaign
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", campaign["createdOn"])
    assert campaign["createdBy"] == "demo.api.user"
    assert campaign["deploymentsCount"] == 0
    assert campaign["categoryId"] == "Others"
    assert campaign["businessStakeHolder"] == "marketing"
    notification = campaign["notifications"][0]
    assert notification["emailId"] == "[email protected]"
    assert set(notification) == {"emailId", "description", "status", "excepitonAlert", "defaultUser"}


def test_referenceid_write_spelling_is_accepted(client):
    campaign_id = create(client, campaign_body(referenceid="REF-9")).get_json()["id"]
    assert client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()["refernceid"] == "REF-9"


def test_nulls_in_optional_fields_read_as_absent(client):
    """Jackson, Json.NET, pydantic and Go clients send null for every unset field: the defaults apply."""
    nulls = {"referenceid": None, "imageName": None, "imageContent": None, "businessStakeHolder": None}
    notification = {"emailId": "ops@example.com", "description": None, "status": None}
    notification.update(excepitonAlert=None, defaultUser=None)
    body = campaign_body(priority=None, notifications=[notification], **nulls)
    response = create(client, body)
    assert response.status_code == 200, response.get_json()
    campaign = client.get(f"{CAMPAIGNS}/{response.get_json()['id']}", headers=auth()).get_json()
    assert campaign["priority"] == 0 and campaign["refernceid"] is None and campaign["imageUri"] is None
    assert campaign["notifications"] == [
        {"emailId": "ops@example.com", "description": "", "status": 1, "excepitonAlert": 0, "defaultUser": 0}
    ]


@pytest.mark.parametrize("field", ["name", "notifications", "alertsettings"])
def test_a_null_in_a_required_field_is_still_refused(client, field):
    response = create(client, campaign_body(**{field: None}))
    assert response.status_code == 400 and field in response.get_json()["description"]


def test_created_on_follows_the_sandbox_clock(client):
    client.post("/_sandbox/clock/advance", json={"to": "2030-01-02T03:04:05Z"})
    campaign_id = create(client, campaign_body()).get_json()["id"]
    campaign = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()
    assert campaign["createdOn"] == "2030-01-02 03:04:05"
    assert campaign_id.startswith("1893553445")  # epoch millis of that moment, then one more digit


def test_ids_are_unique_and_increasing(client):
    ids = [create(client, campaign_body()).get_json()["id"] for _ in range(30)]
    assert ids == sorted(ids) and len(set(ids)) == 30


def test_list_omits_notifications_and_keeps_creation_order(client):
    first = create(client, campaign_body(name="one")).get_json()["id"]
    second = create(client, campaign_body(name="two")).get_json()["id"]
    listed = client.get(CAMPAIGNS, headers=auth()).get_json()
    assert [item["id"] for item in listed] == [first, second]
    assert all("notifications" not in item for item in listed)
    assert {"refernceid", "imageUri", "channels", "deploymentsCount", "createdOn"} <= set(listed[0])


def test_update_replaces_fields_and_keeps_identity(client):
    campaign_id = create(client, campaign_body(name="before")).get_json()["id"]
    original = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()
    response = client.put(f"{CAMPAIGNS}/{campaign_id}", json=campaign_body(name="after", priority=2), headers=auth())
    assert response.status_code == 200
    assert response.get_json() == {"id": campaign_id, "name": "after", "message": "Campaign updated successfully."}
    updated = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()
    assert updated["name"] == "after" and updated["priority"] == 2
    assert updated["createdOn"] == original["createdOn"]
    # the old name is free again, the new one is taken
    assert create(client, campaign_body(name="before")).status_code == 200
    assert_webex_error(create(client, campaign_body(name="after")), 409, 409)


def test_update_may_keep_its_own_name(client):
    campaign_id = create(client, campaign_body(name="same")).get_json()["id"]
    response = client.put(f"{CAMPAIGNS}/{campaign_id}", json=campaign_body(name="same"), headers=auth())
    assert response.status_code == 200


def test_update_to_another_campaigns_name_is_409(client):
    create(client, campaign_body(name="taken"))
    campaign_id = create(client, campaign_body(name="mine")).get_json()["id"]
    response = client.put(f"{CAMPAIGNS}/{campaign_id}", json=campaign_body(name="taken"), headers=auth())
    assert_webex_error(response, 409, 409)
    assert client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()["name"] == "mine"


def test_update_applies_the_create_rules(client):
    campaign_id = create(client, campaign_body()).get_json()["id"]
    body = campaign_body()
    del body["categoryId"]
    response = client.put(f"{CAMPAIGNS}/{campaign_id}", json=body, headers=auth())
    assert_webex_error(response, 400, 400, "Campaign category is required")


def test_update_unknown_campaign_is_404(client):
    response = client.put(f"{CAMPAIGNS}/12345678901234", json=campaign_body(), headers=auth())
    assert_webex_error(response, 404, 404, "Not found")


def test_get_unknown_campaign_is_404(client):
    assert_webex_error(client.get(f"{CAMPAIGNS}/99999999999999", headers=auth()), 404, 404, "Not found")


def test_logo_within_100px_is_stored_and_served(client):
    body = campaign_body(imageName="logo.png", imageContent=png_base64(100, 80))
    campaign_id = create(client, body).get_json()["id"]
    image_uri = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()["imageUri"]
    image = client.get(image_uri)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")


# -- the seed's failure table ---------------------------------------------------------------------------


@pytest.mark.parametrize("category", [None, "", "   "])
def test_category_required(client, category):
    body = campaign_body(categoryId=category)
    if category is None:
        del body["categoryId"]
    assert_webex_error(create(client, body), 400, 400, "Campaign category is required")


def test_image_content_required_with_image_name(client):
    response = create(client, campaign_body(imageName="logo.png"))
    assert_webex_error(response, 400, 400, "Image Content is required.")


def test_priority_above_high(client):
    response = create(client, campaign_body(priority=3))
    assert_webex_error(
        response,
        400,
        400,
        "Maximum Permissible Priority is High. User cannot create campaigns above than this priority.",
    )


@pytest.mark.parametrize(
    ("overrides", "mentions"),
    [
        ({"priority": -1}, "priority"),
        ({"priority": "high"}, "priority"),
        ({"priority": 1.5}, "priority"),
        ({"priority": True}, "priority"),
        ({"name": ""}, "name"),
        ({"name": 42}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"notifications": []}, "notifications"),
        ({"notifications": "ops@example.com"}, "notifications"),
        ({"notifications": [{"description": "no email"}]}, "emailId"),
        ({"notifications": [{"emailId": "a@b.c", "status": 2}]}, "status"),
        ({"notifications": [{"emailId": "a@b.c", "excepitonAlert": 5}]}, "excepitonAlert"),
        ({"alertsettings": []}, "alertsettings"),
        ({"alertsettings": [{}]}, "alertType"),
        ({"categoryId": "NoSuchCategory"}, "categoryId"),
        ({"categoryId": 7}, "categoryId"),
        ({"imageName": "logo.png", "imageContent": "%%%not-base64"}, "base64"),
        ({"imageName": "logo.png", "imageContent": "aGVsbG8="}, "image"),
    ],
)
def test_other_validation_failures_are_400_with_a_clear_description(client, overrides, mentions):
    response = create(client, campaign_body(**overrides))
    assert_webex_error(response, 400, 400)
    assert mentions in response.get_json()["description"]


def test_missing_required_fields_are_named(client):
    response = create(client, {"categoryId": "Others"})
    assert_webex_error(response, 400, 400)
    description = response.get_json()["description"]
    assert all(field in description for field in ("name", "notifications", "alertsettings"))


def test_logo_larger_than_100px_is_rejected(client):
    response = create(client, campaign_body(imageName="big.png", imageContent=png_base64(101, 50)))
    assert_webex_error(response, 400, 400)
    assert "100x100" in response.get_json()["description"]


def test_duplicate_name_is_409(client):
    assert create(client, campaign_body(name="Dup")).status_code == 200
    response = create(client, campaign_body(name="Dup"))
    assert_webex_error(
        response, 409, 409, "Failed to add the campaign as the campaign with the given campaign name already exists."
    )
    assert len(client.get(CAMPAIGNS, headers=auth()).get_json()) == 1


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"", b"[1, 2]", b'"text"', b'{"name": NaN}', b"\xff\xfe{}", b"[" * 100_000],
)
def test_malformed_json_is_500_1001(client, raw):
    response = client.post(CAMPAIGNS, data=raw, headers={**auth(), "content-type": "application/json"})
    assert_webex_error(response, 500, 1001, "Invalid input JSON")
    assert response.headers["X-Sandbox-Detail"]


def test_huge_body_is_rejected_without_state_change(client):
    body = campaign_body(businessStakeHolder="x" * (2 * 1024 * 1024))
    assert_webex_error(create(client, body), 500, 1001)
    assert client.get(CAMPAIGNS, headers=auth()).get_json() == []


def test_unknown_fields_are_ignored_and_unicode_kept(client):
    body = campaign_body(name="Kampagne 🚀 ñandú 北京", surprise={"nested": [1, 2]})
    campaign_id = create(client, body).get_json()["id"]
    campaign = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()
    assert campaign["name"] == "Kampagne 🚀 ñandú 北京"
    assert "surprise" not in campaign


def test_failed_validation_leaves_no_state(client):
    create(client, campaign_body(name="kept", priority=9))
    assert client.get(CAMPAIGNS, headers=auth()).get_json() == []
    assert create(client, campaign_body(name="kept")).status_code == 200


def test_unknown_path_under_webex_is_404_404(client):
    assert_webex_error(client.get("/webex/v1/nothing-here", headers=auth()), 404, 404, "Not found")


def test_wrong_method_is_405_405(client):
    assert_webex_error(client.delete(CAMPAIGNS, headers=auth()), 405, 405, "Method not supported")
    assert_webex_error(client.patch(f"{CAMPAIGNS}/1", headers=auth()), 405, 405, "Method not supported")


def test_logo_as_a_data_uri_is_accepted_and_served_decoded(client):
    content = "data:image/png;base64," + png_base64(10, 10)
    campaign_id = create(client, campaign_body(imageName="logo.png", imageContent=content)).get_json()["id"]
    image_uri = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=auth()).get_json()["imageUri"]
    assert client.get(image_uri).data.startswith(b"\x89PNG")
