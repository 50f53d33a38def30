"""DailyStory request validation: every seed field's types, enums and limits at both edges; 400 and 404."""

from __future__ import annotations

import pytest
from dailystory_helpers import (
    CAMPAIGN,
    FIRST_ID,
    FIXTURE_IDS,
    INT32_MAX,
    USER,
    assert_failure,
    assert_ok,
    bearer,
    create,
    listed,
    post,
    read,
    update,
)

GOALS = {"enabled": False, "suspects": 0, "mcls": 0, "mqls": 0, "sqls": 0}

ACCEPTED = [
    ("name", "x" * 255),
    ("name", "y"),
    ("description", ""),
    ("description", "d" * 2000),
    *[("campaignType", value) for value in ("Conversion", "Transactional", "Nurture", "Broadcast")],
    *[("status", value) for value in ("Active", "Paused")],
    ("utmCampaign", "u" * 255),
    ("segments", []),
    ("segments", [1201] * 100),
    ("subscriber_preferences", [301] * 100),
    ("allow_autopause", False),
    *[("workflowBehavior", value) for value in ("All", "Match", "None")],
    ("cost", 0),
    ("cost", 1_000_000_000),
    ("cost", 0.01),
    *[("costPeriod", value) for value in ("None", "OneTime", "Daily", "Weekly", "Monthly", "Yearly")],
    ("isNotifyNewLead", True),
    ("isAutoQualifyNewLead", False),
    ("notificationRecipients", []),
    ("notificationRecipients", [USER] * 50),
    ("conversionGoals", {}),
    ("conversionGoals", {**GOALS, "enabled": True, "suspects": INT32_MAX, "sqls": INT32_MAX}),
]


@pytest.mark.parametrize(("field", "value"), ACCEPTED)
def test_values_at_the_edges_are_accepted_and_stored(sandbox_client, field, value):
    campaign_id = assert_ok(post(sandbox_client, {"name": "Edge", field: value}))["id"]
    stored = read(sandbox_client, campaign_id)[field]
    if isinstance(value, list):
        value = list(dict.fromkeys(value))
    if field == "conversionGoals":
        value = {**GOALS, **value}
    assert stored == value


REFUSED = [
    ("campaignId", -1),
    ("campaignId", INT32_MAX + 1),
    ("campaignId", 24109.5),
    ("campaignId", "24109"),
    ("campaignId", True),
    ("name", ""),
    ("name", "   "),
    ("name", "x" * 256),
    ("name", 42),
    ("name", ["a"]),
    ("description", "d" * 2001),
    ("description", 5),
    ("campaignType", "conversion"),
    ("campaignType", "Other"),
    ("campaignType", 1),
    ("status", "active"),
    ("status", "Running"),
    ("status", False),
    ("utmCampaign", "u" * 256),
    ("utmCampaign", 7),
    ("segments", "1201"),
    ("segments", 1201),
    ("segments", {"id": 1201}),
    ("segments", ["1201"]),
    ("segments", [1201.0]),
    ("segments", [0]),
    ("segments", [INT32_MAX + 1]),
    ("segments", [None]),
    ("segments", [True]),
    ("segments", [1201] * 101),
    ("subscriber_preferences", ["301"]),
    ("subscriber_preferences", [-301]),
    ("subscriber_preferences", [301] * 101),
    ("allow_autopause", "true"),
    ("allow_autopause", 1),
    ("workflowBehavior", "none"),
    ("workflowBehavior", ""),
    ("cost", -0.01),
    ("cost", 1_000_000_000.01),
    ("cost", "12"),
    ("cost", True),
    ("cost", [1]),
    ("costPeriod", "Biweekly"),
    ("costPeriod", "monthly"),
    ("isNotifyNewLead", "yes"),
    ("isAutoQualifyNewLead", 0),
    ("notificationRecipients", USER),
    ("notificationRecipients", [123]),
    ("notificationRecipients", [""]),
    ("notificationRecipients", ["u" * 65]),
    ("notificationRecipients", [USER] * 51),
    ("conversionGoals", []),
    ("conversionGoals", "none"),
    ("conversionGoals", {"suspects": -1}),
    ("conversionGoals", {"mcls": INT32_MAX + 1}),
    ("conversionGoals", {"mqls": 1.5}),
    ("conversionGoals", {"sqls": "3"}),
    ("conversionGoals", {"enabled": "yes"}),
]


@pytest.mark.parametrize(("field", "value"), REFUSED)
def test_wrong_types_and_values_past_the_edges_are_400_naming_the_field(sandbox_client, field, value):
    response = post(sandbox_client, {"name": "Refused", field: value})
    assert_failure(response, 400, mentions=field)
    assert len(listed(sandbox_client)) == len(FIXTURE_IDS)


def test_enum_failures_list_the_allowed_values(sandbox_client):
    message = assert_failure(post(sandbox_client, {"name": "x", "costPeriod": "Hourly"}), 400)
    assert message == "costPeriod: must be one of: None, OneTime, Daily, Weekly, Monthly, Yearly"


def test_every_failing_field_is_named_in_one_message(sandbox_client):
    message = assert_failure(post(sandbox_client, {"name": "", "cost": -1, "segments": "x"}), 400)
    assert all(field in message for field in ("name", "cost", "segments"))


@pytest.mark.parametrize("body", [{}, {"name": None}, {"description": "no name"}, {"campaignId": 0}])
def test_name_is_required_on_create(sandbox_client, body):
    assert_failure(post(sandbox_client, body), 400, "name is required when creating a campaign.")


def test_name_is_not_required_on_update(sandbox_client):
    campaign_id = create(sandbox_client, name="Keeps its name")
    assert_ok(update(sandbox_client, campaign_id, description="no name sent"))
    assert read(sandbox_client, campaign_id)["name"] == "Keeps its name"


@pytest.mark.parametrize("status", ["Archived", "Deleted"])
def test_a_new_campaign_cannot_start_archived_or_deleted(sandbox_client, status):
    message = assert_failure(post(sandbox_client, {"name": "x", "status": status}), 400)
    assert message == f"A new campaign starts Active or Paused, not {status}."


@pytest.mark.parametrize("campaign_id", [1, 24108, FIRST_ID + 1, INT32_MAX])
def test_an_unknown_campaign_id_is_404(sandbox_client, campaign_id):
    create(sandbox_client)
    response = update(sandbox_client, campaign_id, name="Nobody")
    assert_failure(response, 404, f"Campaign {campaign_id} was not found.")


@pytest.mark.parametrize(
    ("field", "value", "mentions"),
    [
        ("segments", [1201, 9999, 8888], "segments: unknown id(s) 9999, 8888"),
        ("subscriber_preferences", [305], "subscriber_preferences: unknown id(s) 305"),
        ("notificationRecipients", [USER, "someone-else"], "notificationRecipients: unknown id(s) someone-else"),
    ],
)
def test_referenced_ids_must_exist_in_the_account(sandbox_client, field, value, mentions):
    assert_failure(post(sandbox_client, {"name": "Refs", field: value}), 400, mentions)
    campaign_id = create(sandbox_client)
    assert_failure(update(sandbox_client, campaign_id, **{field: value}), 400, mentions)


def test_a_refused_request_changes_nothing_and_uses_no_id(sandbox_client):
    campaign_id = create(sandbox_client, name="Before", segments=[1201])
    before = read(sandbox_client, campaign_id)
    assert_failure(update(sandbox_client, campaign_id, name="After", status="Paused", segments=[4242]), 400)
    assert read(sandbox_client, campaign_id) == before
    assert_failure(post(sandbox_client, {"name": "No", "cost": -5}), 400)
    assert create(sandbox_client) == campaign_id + 1


def test_shape_is_checked_before_the_campaign_exists(sandbox_client):
    assert_failure(update(sandbox_client, 999, cost="free"), 400, mentions="cost")


@pytest.mark.parametrize("campaign_id", ["abc", "-1", "1.5", "2147483648", "99999999999"])
def test_a_malformed_id_in_the_path_is_404(sandbox_client, campaign_id):
    response = sandbox_client.get(f"{CAMPAIGN}/{campaign_id}", headers=bearer())
    assert_failure(response, 404, f"Campaign {campaign_id} was not found.")
    assert_failure(sandbox_client.delete(f"{CAMPAIGN}/{campaign_id}", headers=bearer()), 404)
