"""DailyStory status transitions on the sandbox clock: posted statuses, the 7-day trash, autopause."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from dailystory_helpers import (
    CAMPAIGN,
    CAMPAIGNS,
    DAY,
    FIXTURE_IDS,
    advance,
    assert_failure,
    assert_ok,
    bearer,
    configure,
    create,
    listed,
    read,
    status_of,
    update,
)

from sandbox.core.auth import auto_tenant_name

TRASH = 7 * DAY
INACTIVITY = 30 * DAY


def delete(client, campaign_id, token):
    return client.delete(f"{CAMPAIGN}/{campaign_id}", headers=bearer(token))


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


# -- posted statuses -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "path"),
    [
        ("Active", ["Paused", "Active", "Archived", "Active", "Deleted", "Paused", "Archived", "Deleted", "Archived"]),
        ("Paused", ["Active", "Paused", "Deleted", "Active"]),
    ],
)
def test_a_posted_status_that_differs_moves_the_campaign(client, token, start, path):
    campaign_id = create(client, token, status=start)
    for status in path:
        assert_ok(update(client, campaign_id, token, status=status))
        assert status_of(client, campaign_id, token) == status


@pytest.mark.parametrize(
    ("stored", "posted"),
    [
        (a, b)
        for a in ("Active", "Paused", "Archived", "Deleted")
        for b in ("Active", "Paused", "Archived", "Deleted")
        if a != b
    ],
)
def test_every_pair_of_statuses_transitions(client, token, stored, posted):
    """Seed 003 refuses no pair: Archived -> Paused moves like any other."""
    campaign_id = create(client, token)
    if stored != "Active":
        assert_ok(update(client, campaign_id, token, status=stored))
    assert_ok(update(client, campaign_id, token, status=posted, description="saved"))
    campaign = read(client, campaign_id, token)
    assert (campaign["status"], campaign["description"]) == (posted, "saved")


def test_posting_the_stored_status_is_no_transition(client, token):
    campaign_id = create(client, token, status="Paused")
    assert_ok(update(client, campaign_id, token, status="Paused", description="same status"))
    assert status_of(client, campaign_id, token) == "Paused"


def test_a_transition_sets_modified_on_to_the_virtual_now(client, token):
    campaign_id = create(client, token)
    created = read(client, campaign_id, token)["createdOn"]
    advance(client, 3600, token)
    assert_ok(update(client, campaign_id, token, status="Paused"))
    assert at(read(client, campaign_id, token)["modifiedOn"]) - at(created) >= timedelta(seconds=3600)


# -- the trash -----------------------------------------------------------------------------------------------
def test_delete_then_restore_within_seven_days(client, token):
    campaign_id = create(client, token, status="Paused", description="kept while deleted")
    assert_ok(delete(client, campaign_id, token))
    assert status_of(client, campaign_id, token) == "Deleted"
    assert [c["status"] for c in listed(client, token) if c["id"] == campaign_id] == ["Deleted"]
    advance(client, TRASH - 1, token)
    assert_ok(update(client, campaign_id, token, status="Active"))
    campaign = read(client, campaign_id, token)
    assert (campaign["status"], campaign["description"]) == ("Active", "kept while deleted")
    advance(client, 30 * DAY, token)
    assert status_of(client, campaign_id, token) == "Active"  # restored for good


def test_posting_status_deleted_moves_to_the_trash_too(client, token):
    campaign_id = create(client, token)
    assert_ok(update(client, campaign_id, token, status="Deleted"))
    advance(client, TRASH, token)
    assert_failure(client.get(f"{CAMPAIGN}/{campaign_id}", headers=bearer(token)), 404)


def test_seven_days_after_delete_the_campaign_is_purged_everywhere(client, token):
    campaign_id = create(client, token)
    assert_ok(delete(client, campaign_id, token))
    moved = advance(client, TRASH, token)
    assert moved["transitions"] == 1
    not_found = f"Campaign {campaign_id} was not found."
    assert_failure(client.get(f"{CAMPAIGN}/{campaign_id}", headers=bearer(token)), 404, not_found)
    assert_failure(update(client, campaign_id, token, status="Active"), 404, not_found)
    assert_failure(delete(client, campaign_id, token), 404, not_found)
    assert campaign_id not in [c["id"] for c in listed(client, token)]
    assert create(client, token) == campaign_id + 1  # a purged id is never given again


def test_a_purged_campaign_leaves_nothing_behind(client, app, token):
    campaign_id = create(client, token, allow_autopause=True)
    assert_ok(delete(client, campaign_id, token))
    advance(client, TRASH, token)
    listed(client, token)
    tenant = auto_tenant_name(token)
    tables = app.extensions["sandbox"].store.export()
    mine = {name: rows for name, rows in tables.items() if name.endswith(f"/{tenant}") and "counters" not in name}
    assert {"dailystory.campaigns/" + tenant, "dailystory.autopause/" + tenant} <= set(mine)
    assert not any(key.endswith(str(campaign_id)) for rows in mine.values() for key in rows)


def test_a_deleted_campaign_only_accepts_a_restoring_status(client, token):
    campaign_id = create(client, token)
    assert_ok(delete(client, campaign_id, token))
    in_trash = f"Campaign {campaign_id} is deleted; restore it by posting its status as Active, Paused or Archived."
    assert_failure(update(client, campaign_id, token, description="edit"), 400, in_trash)
    assert_failure(update(client, campaign_id, token, status="Deleted"), 400, in_trash)
    assert_failure(delete(client, campaign_id, token), 400, in_trash)
    assert_ok(update(client, campaign_id, token, status="Archived", description="restored and edited"))
    campaign = read(client, campaign_id, token)
    assert (campaign["status"], campaign["description"]) == ("Archived", "restored and edited")


def test_a_restore_clears_the_purge(client, token):
    campaign_id = create(client, token)
    assert_ok(delete(client, campaign_id, token))
    advance(client, 6 * DAY, token)
    assert_ok(update(client, campaign_id, token, status="Paused"))
    assert_ok(delete(client, campaign_id, token))
    advance(client, 6 * DAY, token)  # 12 days after the first delete, 6 after the second
    assert status_of(client, campaign_id, token) == "Deleted"
    advance(client, DAY, token)
    assert_failure(client.get(f"{CAMPAIGN}/{campaign_id}", headers=bearer(token)), 404)


def test_the_trash_period_is_configurable(client, token):
    campaign_id = create(client, token)
    assert_ok(delete(client, campaign_id, token))
    configure(client, "dailystory.campaign", token, durations={"trash": 60})  # retimes the pending purge
    advance(client, 59, token)
    assert status_of(client, campaign_id, token) == "Deleted"
    advance(client, 1, token)
    assert_failure(client.get(f"{CAMPAIGN}/{campaign_id}", headers=bearer(token)), 404)


def test_immediate_mode_purges_at_once(client, token):
    campaign_id = create(client, token)
    configure(client, "dailystory.campaign", token, mode="immediate")
    assert_ok(delete(client, campaign_id, token))
    assert_failure(client.get(f"{CAMPAIGN}/{campaign_id}", headers=bearer(token)), 404)


def test_manual_mode_purges_on_the_next_read(client, token):
    campaign_id = create(client, token)
    configure(client, "dailystory.campaign", token, mode="manual")
    assert_ok(delete(client, campaign_id, token))
    advance(client, 365 * DAY, token)
    assert [c["status"] for c in listed(client, token) if c["id"] == campaign_id] == ["Deleted"]
    assert_failure(client.get(f"{CAMPAIGN}/{campaign_id}", headers=bearer(token)), 404)


# -- autopause -----------------------------------------------------------------------------------------------
def test_autopause_pauses_an_active_campaign_after_thirty_days_without_activity(client, token):
    campaign_id = create(client, token, allow_autopause=True)
    created = at(read(client, campaign_id, token)["createdOn"])
    advance(client, INACTIVITY - 1, token)
    assert status_of(client, campaign_id, token) == "Active"
    advance(client, 10, token)
    campaign = read(client, campaign_id, token)
    assert campaign["status"] == "Paused"
    # paused at the moment the period ended, not when the clock was next read
    assert abs((at(campaign["modifiedOn"]) - created).total_seconds() - INACTIVITY) < 1


def test_without_allow_autopause_a_campaign_stays_active(client, token):
    campaign_id = create(client, token)
    advance(client, 400 * DAY, token)
    assert status_of(client, campaign_id, token) == "Active"


def test_an_update_is_activity_and_restarts_the_period(client, token):
    campaign_id = create(client, token, allow_autopause=True)
    advance(client, 20 * DAY, token)
    assert_ok(update(client, campaign_id, token, description="still running"))
    advance(client, 29 * DAY, token)
    assert status_of(client, campaign_id, token) == "Active"
    advance(client, DAY, token)
    assert status_of(client, campaign_id, token) == "Paused"


def test_reads_are_not_activity(client, token):
    campaign_id = create(client, token, allow_autopause=True)
    for _ in range(3):
        advance(client, 10 * DAY - 1, token)
        read(client, campaign_id, token)
        listed(client, token)
    advance(client, 3, token)
    assert status_of(client, campaign_id, token) == "Paused"


def test_an_autopaused_campaign_reactivated_gets_a_new_period(client, token):
    campaign_id = create(client, token, allow_autopause=True)
    advance(client, INACTIVITY, token)
    assert_ok(update(client, campaign_id, token, status="Active"))
    advance(client, INACTIVITY - 1, token)
    assert status_of(client, campaign_id, token) == "Active"
    advance(client, 1, token)
    assert status_of(client, campaign_id, token) == "Paused"


def test_turning_allow_autopause_on_and_off_starts_and_stops_the_watch(client, token):
    campaign_id = create(client, token)
    advance(client, 40 * DAY, token)
    assert_ok(update(client, campaign_id, token, allow_autopause=True))
    advance(client, 20 * DAY, token)
    assert_ok(update(client, campaign_id, token, allow_autopause=False))
    advance(client, 60 * DAY, token)
    assert status_of(client, campaign_id, token) == "Active"
    assert_ok(update(client, campaign_id, token, allow_autopause=True))
    advance(client, INACTIVITY, token)
    assert status_of(client, campaign_id, token) == "Paused"


@pytest.mark.parametrize("status", ["Paused", "Archived", "Deleted"])
def test_a_campaign_that_is_not_active_is_never_autopaused(client, token, status):
    campaign_id = create(client, token, allow_autopause=True)
    assert_ok(update(client, campaign_id, token, status=status))
    advance(client, TRASH - 1 if status == "Deleted" else 100 * DAY, token)
    assert status_of(client, campaign_id, token) == status


def test_the_inactivity_period_is_configurable(client, token):
    campaign_id = create(client, token, allow_autopause=True)
    configure(client, "dailystory.autopause", token, durations={"inactivity": 3600})
    advance(client, 3599, token)
    assert status_of(client, campaign_id, token) == "Active"
    advance(client, 1, token)
    assert status_of(client, campaign_id, token) == "Paused"


def test_immediate_autopause_pauses_only_the_campaigns_that_allow_it(client, token):
    configure(client, "dailystory.autopause", token, mode="immediate")
    allowed = create(client, token, allow_autopause=True)
    kept = create(client, token)
    assert (status_of(client, allowed, token), status_of(client, kept, token)) == ("Paused", "Active")


def test_manual_autopause_moves_on_a_read_of_the_campaign(client, token):
    configure(client, "dailystory.autopause", token, mode="manual")
    campaign_id = create(client, token, allow_autopause=True)
    advance(client, 365 * DAY, token)
    assert [c["status"] for c in listed(client, token) if c["id"] == campaign_id] == ["Active"]
    assert status_of(client, campaign_id, token) == "Paused"


def test_the_fixture_campaign_that_allows_autopause_pauses_in_a_new_tenant(client, token):
    statuses = {c["id"]: c["status"] for c in listed(client, token)}
    advance(client, INACTIVITY, token)
    after = {c["id"]: c["status"] for c in listed(client, token)}
    assert statuses[FIXTURE_IDS[2]] == "Active" and after[FIXTURE_IDS[2]] == "Paused"
    assert {k: v for k, v in after.items() if k != FIXTURE_IDS[2]} == {
        k: v for k, v in statuses.items() if k != FIXTURE_IDS[2]
    }


def test_lifecycles_are_described_by_the_control_api(client):
    described = {m["name"]: m for m in client.get("/_sandbox/lifecycles").get_json()["lifecycles"]}
    campaign, autopause = described["dailystory.campaign"], described["dailystory.autopause"]
    assert campaign["field"] == "status" and campaign["durations"] == {"trash": TRASH}
    assert campaign["actions"]["pause"] == {"from": ["Active", "Archived", "Deleted"], "to": "Paused"}
    assert autopause["durations"] == {"inactivity": INACTIVITY}


def test_a_reset_tenant_starts_again_from_the_fixtures(client, token):
    campaign_id = create(client, token)
    assert_ok(delete(client, FIXTURE_IDS[0], token))
    response = client.post("/_sandbox/reset", json={"credential": token, "vendor": "dailystory"})
    assert response.status_code == 200
    assert [c["id"] for c in listed(client, token)] == FIXTURE_IDS
    assert status_of(client, FIXTURE_IDS[0], token) == "Active"
    assert create(client, token) == campaign_id
    assert client.get(CAMPAIGNS, headers=bearer(token)).status_code == 200
