"""DailyStory create-or-update, get, list and delete: success paths, fixtures, ids, defaults, tenancy."""

from __future__ import annotations

import re

from dailystory_helpers import (
    CAMPAIGN,
    CAMPAIGNS,
    FIRST_ID,
    FIXTURE_IDS,
    PREFERENCES,
    SEED_CREATE,
    SEED_UPDATE,
    SEGMENTS,
    USER,
    advance,
    assert_ok,
    bearer,
    create,
    listed,
    post,
    read,
    update,
)
from freezegun import freeze_time

FIELDS = [
    "id", "name", "description", "campaignType", "status", "utmCampaign", "segments", "subscriber_preferences",
    "allow_autopause", "workflowBehavior", "cost", "costPeriod", "isNotifyNewLead", "notificationRecipients",
    "isAutoQualifyNewLead", "conversionGoals", "createdOn", "modifiedOn",
]  # fmt: skip
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$")


def test_the_seed_examples_create_then_pause_as_they_stand(client, token):
    created = assert_ok(post(client, SEED_CREATE, token))
    assert created == {"id": 24109}
    assert assert_ok(post(client, SEED_UPDATE, token)) == {"id": 24109}
    campaign = read(client, 24109, token)
    assert campaign["status"] == "Paused"
    assert campaign["description"] == SEED_CREATE["description"]
    assert campaign["allow_autopause"] is True and campaign["workflowBehavior"] == "All"


def test_every_seed_field_is_stored_and_read_back(client, token):
    body = {
        "name": "Everything",
        "description": "All the fields",
        "campaignType": "Nurture",
        "status": "Paused",
        "utmCampaign": "custom-utm",
        "segments": [1203, 1201],
        "subscriber_preferences": [302],
        "allow_autopause": True,
        "workflowBehavior": "Match",
        "cost": 12.5,
        "costPeriod": "Weekly",
        "isNotifyNewLead": True,
        "notificationRecipients": [USER],
        "isAutoQualifyNewLead": True,
        "conversionGoals": {"enabled": True, "suspects": 100, "mcls": 50, "mqls": 20, "sqls": 5},
    }
    campaign_id = assert_ok(post(client, body, token))["id"]
    campaign = read(client, campaign_id, token)
    assert list(campaign) == FIELDS
    assert {key: campaign[key] for key in body} == body
    assert campaign["id"] == campaign_id and isinstance(campaign_id, int)


def test_defaults_when_only_the_name_is_sent(client, token):
    campaign = read(client, create(client, token, name="Just a name"), token)
    assert {key: campaign[key] for key in FIELDS[2:16]} == {
        "description": "",
        "campaignType": "Conversion",
        "status": "Active",
        "utmCampaign": "just_a_name",
        "segments": [],
        "subscriber_preferences": [],
        "allow_autopause": False,
        "workflowBehavior": "All",
        "cost": 0,
        "costPeriod": "None",
        "isNotifyNewLead": False,
        "notificationRecipients": [],
        "isAutoQualifyNewLead": False,
        "conversionGoals": {"enabled": False, "suspects": 0, "mcls": 0, "mqls": 0, "sqls": 0},
    }


def test_utm_campaign_is_derived_from_the_name_when_omitted_or_blank(client, token):
    cases = {
        "Spring Sale 2025 Launch": "spring_sale_2025_launch",
        "  Café Été -- Crème Brûlée!! ": "cafe_ete_creme_brulee",
        "Kampagne 🚀 北京 Ñandú": "kampagne_北京_nandu",
        "!!!": None,
    }
    for name, expected in cases.items():
        campaign_id = create(client, token, name=name)
        assert read(client, campaign_id, token)["utmCampaign"] == (expected or f"campaign_{campaign_id}")
    blank = create(client, token, name="Blank UTM", utmCampaign="  ")
    assert read(client, blank, token)["utmCampaign"] == "blank_utm"


def test_utm_campaign_is_kept_on_rename_unless_sent(client, token):
    campaign_id = create(client, token, name="First Name")
    assert_ok(update(client, campaign_id, token, name="Second Name"))
    assert read(client, campaign_id, token)["utmCampaign"] == "first_name"
    assert_ok(update(client, campaign_id, token, utmCampaign=""))
    assert read(client, campaign_id, token)["utmCampaign"] == "second_name"
    assert_ok(update(client, campaign_id, token, utmCampaign="Explicit Value"))
    assert read(client, campaign_id, token)["utmCampaign"] == "Explicit Value"


def test_update_changes_only_the_fields_sent(client, token):
    campaign_id = create(client, token, name="Partial", cost=10, segments=[1201], campaignType="Broadcast")
    before = read(client, campaign_id, token)
    advance(client, 5, token)
    assert_ok(update(client, campaign_id, token, description="now described", segments=[1202, 1203]))
    after = read(client, campaign_id, token)
    assert after["description"] == "now described" and after["segments"] == [1202, 1203]
    unchanged = set(FIELDS) - {"description", "segments", "modifiedOn"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert after["modifiedOn"] > before["modifiedOn"] and after["createdOn"] == before["createdOn"]


def test_conversion_goals_are_replaced_whole_with_defaults_for_omitted_members(client, token):
    goals = {"enabled": True, "suspects": 9, "mcls": 8, "mqls": 7, "sqls": 6}
    campaign_id = create(client, token, conversionGoals=goals)
    assert_ok(update(client, campaign_id, token, conversionGoals={"mqls": 3}))
    assert read(client, campaign_id, token)["conversionGoals"] == {
        "enabled": False, "suspects": 0, "mcls": 0, "mqls": 3, "sqls": 0,
    }  # fmt: skip


def test_repeated_ids_count_once_in_their_first_order(client, token):
    campaign_id = create(
        client,
        token,
        segments=[1203, 1201, 1203],
        subscriber_preferences=[303, 303],
        notificationRecipients=[USER, USER],
    )
    campaign = read(client, campaign_id, token)
    assert (campaign["segments"], campaign["subscriber_preferences"]) == ([1203, 1201], [303])
    assert campaign["notificationRecipients"] == [USER]


def test_ids_are_integers_from_24109_monotonic_per_tenant(client, token, fresh_key):
    ids = [create(client, token, name=f"n{i}") for i in range(5)]
    assert ids == list(range(FIRST_ID, FIRST_ID + 5))
    other = fresh_key("dailystory")
    assert create(client, other) == FIRST_ID  # another tenant numbers its own campaigns


def test_a_campaign_id_of_zero_or_null_creates(client, token):
    first = assert_ok(post(client, {"campaignId": 0, "name": "zero"}, token))["id"]
    second = assert_ok(post(client, {"campaignId": None, "name": "null"}, token))["id"]
    assert (first, second) == (FIRST_ID, FIRST_ID + 1)


def test_dates_follow_the_tenant_clock_in_the_vendor_format(client, token):
    with freeze_time("2031-05-06T07:08:09.123456Z"):
        advance(client, 3600, token)
        campaign = read(client, create(client, token), token)
    assert campaign["createdOn"] == campaign["modifiedOn"] == "2031-05-06T08:08:09.123"
    assert DATE.match(read(client, FIXTURE_IDS[0], token)["createdOn"])


def test_get_answers_the_campaign_under_response_campaign(client, token):
    response = client.get(f"{CAMPAIGN}/{FIXTURE_IDS[0]}", headers=bearer(token))
    campaign = assert_ok(response)["campaign"]
    assert campaign["name"] == "Welcome Series" and "_lifecycle" not in campaign


def test_list_answers_fixtures_then_new_campaigns_in_creation_order(client, token):
    new = create(client, token, name="Newest")
    campaigns = assert_ok(client.get(CAMPAIGNS, headers=bearer(token)))["campaigns"]
    assert [c["id"] for c in campaigns] == [*FIXTURE_IDS, new]
    assert all(list(c) == FIELDS for c in campaigns)


def test_delete_answers_the_id_and_moves_the_campaign_to_deleted(client, token):
    campaign_id = create(client, token)
    assert assert_ok(client.delete(f"{CAMPAIGN}/{campaign_id}", headers=bearer(token))) == {"id": campaign_id}
    assert read(client, campaign_id, token)["status"] == "Deleted"


def test_fixtures_are_in_every_new_tenant_and_reference_only_fixture_ids(client, token):
    campaigns = listed(client, token)
    assert [c["id"] for c in campaigns] == FIXTURE_IDS
    assert {c["status"] for c in campaigns} == {"Active", "Paused", "Archived"}
    for campaign in campaigns:
        assert set(campaign["segments"]) <= set(SEGMENTS)
        assert set(campaign["subscriber_preferences"]) <= set(PREFERENCES)
        assert DATE.match(campaign["createdOn"]) and DATE.match(campaign["modifiedOn"])
        # a fixture campaign goes through the same update rules as any other, and every id it refers to
        # (segments, preferences, users) exists in the account
        refs = {key: campaign[key] for key in ("segments", "subscriber_preferences", "notificationRecipients")}
        assert_ok(update(client, campaign["id"], token, description="touched", **refs))


def test_tenants_never_see_each_others_campaigns(client, token, fresh_key):
    mine, theirs = fresh_key("dailystory"), fresh_key("dailystory")
    campaign_id = create(client, mine, name="Mine only")
    assert client.get(f"{CAMPAIGN}/{campaign_id}", headers=bearer(theirs)).status_code == 404
    assert update(client, campaign_id, theirs, name="Stolen").status_code == 404
    assert read(client, campaign_id, mine)["name"] == "Mine only"


def test_unknown_and_read_only_fields_are_ignored(client, token):
    body = {"name": "Ignored extras", "id": 5, "createdOn": "1999-01-01T00:00:00.000", "surprise": {"a": [1]}}
    campaign_id = assert_ok(post(client, body, token))["id"]
    campaign = read(client, campaign_id, token)
    assert campaign_id == FIRST_ID and campaign["createdOn"] != body["createdOn"] and "surprise" not in campaign


def test_null_fields_count_as_omitted(client, token):
    campaign_id = create(client, token, name="Nulls", description="kept", cost=5)
    assert_ok(update(client, campaign_id, token, description=None, cost=None, segments=None, conversionGoals=None))
    campaign = read(client, campaign_id, token)
    assert (campaign["description"], campaign["cost"], campaign["segments"]) == ("kept", 5, [])
    created = assert_ok(post(client, {"name": "Null extras", "campaignType": None, "status": None}, token))["id"]
    assert (read(client, created, token)["campaignType"], read(client, created, token)["status"]) == (
        "Conversion",
        "Active",
    )


def test_unicode_names_round_trip(client, token):
    name = "Kampagne 🚀 ñandú 北京 — «Früh»"
    campaign_id = create(client, token, name=name, description="Ünïcödé ✓")
    campaign = read(client, campaign_id, token)
    assert (campaign["name"], campaign["description"]) == (name, "Ünïcödé ✓")


def test_auth_header_of_the_vendor_is_the_bearer_form(app):
    assert app.extensions["sandbox"].vendors["dailystory"].auth_header("tok-12345678") == {
        "Authorization": "Bearer tok-12345678"
    }


def test_a_path_id_with_leading_zeros_is_the_same_campaign(client, token):
    assert read(client, f"0{FIXTURE_IDS[0]}", token)["id"] == FIXTURE_IDS[0]
