"""The zexa.campaign lifecycle on the sandbox clock: schedule, batched dispatch, credits, pause/resume, receipts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from zexa_helpers import (
    CAMPAIGNS,
    CONTACTS,
    CREDITS,
    advance,
    auth,
    balance,
    create_campaign,
    credits,
    get_campaign,
    lifecycle,
    settings,
)

from sandbox.app import create_app
from sandbox.config import Config

SEED_STATUSES = ("draft", "scheduled", "processing", "sent", "completed", "failed")  # seed 002's table


def add_contacts(client: FlaskClient, key: str, count: int, list_id: str = "lst_empty01") -> None:
    for n in range(count):
        body = {"name": f"Bulk {n}", "phone": f"+2449240{n:05d}", "lists": [list_id]}
        assert client.post(CONTACTS, json=body, headers=auth(key)).status_code == 201


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def hour_from_now(sandbox: Any) -> str:
    return (sandbox.clock.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_immediate_campaign_goes_processing_sent_completed(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    created = create_campaign(client, key)
    assert created["status"] == "processing"

    advance(client, key, 1)  # 5 sms at 10/s: one batch of 0.5 s
    sent = get_campaign(client, key, created["id"])
    advance(client, key, 5)  # receipts 5 s after dispatch
    done = get_campaign(client, key, created["id"])

    assert sent["status"] == "sent"
    assert sent["completed_at"] is None
    assert done["status"] == "completed"
    assert (done["delivered"], done["failed"]) == (4, 1)  # cnt_dario004 is undeliverable
    assert done["delivered"] + done["failed"] == done["total_contacts"] == 5
    assert done["started_at"] == created["created_at"]
    assert moment(done["completed_at"]) - moment(done["started_at"]) in (timedelta(seconds=5), timedelta(seconds=6))
    assert balance(client, key) == 4245


def test_a_scheduled_campaign_waits_for_scheduled_at(
    client: FlaskClient, sandbox: Any, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    start = (sandbox.clock.now() + timedelta(hours=2)).replace(microsecond=0)
    created = create_campaign(client, key, scheduled_at=start.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert created["status"] == "scheduled"

    advance(client, key, 7190)
    waiting = get_campaign(client, key, created["id"])
    advance(client, key, 20)
    started = get_campaign(client, key, created["id"])

    assert (waiting["status"], waiting["started_at"]) == ("scheduled", None)
    assert waiting["scheduled_at"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert started["status"] == "completed"
    assert started["started_at"] == waiting["scheduled_at"]
    assert balance(client, key) == 4245


def test_scheduled_at_with_an_offset_is_stored_in_utc(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    created = create_campaign(client, key, scheduled_at="2099-07-01T09:00:00+01:00")
    assert get_campaign(client, key, created["id"])["scheduled_at"] == "2099-07-01T08:00:00Z"


def test_a_past_scheduled_at_starts_at_once(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    assert create_campaign(client, fresh_key("zexa"), scheduled_at="2001-01-01T00:00:00Z")["status"] == "processing"


def test_dispatch_follows_the_channels_rate_and_spends_credits_per_message(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    settings(client, key, dispatch_rates={"sms": 2})
    add_contacts(client, key, 10)
    created = create_campaign(client, key, contact_list_id="lst_empty01")

    advance(client, key, 1)
    assert balance(client, key) == 4248  # 2 per second, paid as they are dispatched
    advance(client, key, 2)
    assert balance(client, key) == 4244
    assert get_campaign(client, key, created["id"])["status"] == "processing"
    advance(client, key, 2)
    assert get_campaign(client, key, created["id"])["status"] == "sent"
    assert balance(client, key) == 4240


def test_each_channel_has_its_own_dispatch_rate(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    settings(client, key, dispatch_rates={"email": 1})
    by_sms = create_campaign(client, key, contact_list_id="lst_vip001")
    by_email = create_campaign(client, key, contact_list_id="lst_vip001", channel="email",
                               sender_id="marketing@mybrand.ao")  # fmt: skip

    advance(client, key, 1)

    assert get_campaign(client, key, by_sms["id"])["status"] == "sent"  # default 10/s: both in 0.2 s
    assert get_campaign(client, key, by_email["id"])["status"] == "processing"  # 1/s: one of two so far
    assert balance(client, key) == 4250 - 2 - 0.5
    advance(client, key, 1)
    assert get_campaign(client, key, by_email["id"])["status"] == "sent"


def test_receipts_arrive_during_processing(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    settings(client, key, dispatch_rates={"sms": 1})
    lifecycle(client, key, durations={"receipts": 2})
    add_contacts(client, key, 6)
    created = create_campaign(client, key, contact_list_id="lst_empty01")

    advance(client, key, 4)  # batches at 1, 2, 3, 4 s; receipts of those at or before 2 s
    halfway = get_campaign(client, key, created["id"])
    advance(client, key, 10)
    done = get_campaign(client, key, created["id"])

    assert (halfway["status"], halfway["delivered"]) == ("processing", 2)
    assert (done["status"], done["delivered"], done["failed"]) == ("completed", 6, 0)


def test_email_costs_half_a_credit_and_an_address_less_contact_fails(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    created = create_campaign(client, key, channel="email", sender_id="marketing@mybrand.ao")
    advance(client, key, 60)
    done = get_campaign(client, key, created["id"])
    assert (done["delivered"], done["failed"]) == (3, 2)  # dario undeliverable, fabio has no email
    assert balance(client, key) == 4247.5
    assert client.get("/zexa/v1/credits", headers=auth(key)).get_json()["credits"] == 4247.5


def test_prices_are_a_tenant_setting(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    settings(client, key, credit_prices={"sms": 3})
    create_campaign(client, key)
    advance(client, key, 60)
    assert balance(client, key) == 4250 - 15


def test_only_active_contacts_count(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    assert create_campaign(client, key, contact_list_id="lst_vip001")["total_contacts"] == 2
    assert create_campaign(client, key, contact_list_id="lst_abc123")["total_contacts"] == 5


@pytest.mark.parametrize("list_id", ["lst_optout", "lst_empty01"])
def test_a_campaign_with_nobody_to_send_to_fails(
    client: FlaskClient, list_id: str, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    created = create_campaign(client, key, contact_list_id=list_id)
    advance(client, key, 60)
    found = get_campaign(client, key, created["id"])
    assert (created["status"], created["total_contacts"]) == ("failed", 0)
    assert (found["status"], found["started_at"], found["completed_at"]) == ("failed", None, None)
    assert balance(client, key) == 4250


def test_a_forced_failed_outcome_fails_a_scheduled_campaign_at_its_start(
    client: FlaskClient, sandbox: Any, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    created = create_campaign(client, key, scheduled_at=hour_from_now(sandbox))
    lifecycle(client, key, id=created["id"], outcome="failed")
    advance(client, key, 3600)
    assert get_campaign(client, key, created["id"])["status"] == "failed"
    assert balance(client, key) == 4250


def test_a_failure_rate_fails_a_seeded_deterministic_share() -> None:
    def run(seed: int) -> tuple[int, int]:
        app = create_app(Config(memory=True, seed=99))
        client = app.test_client()
        try:
            key = "zexa-failure-rate-key"
            settings(client, key, failure_rate=0.5, failure_seed=seed)
            add_contacts(client, key, 40)
            created = create_campaign(client, key, contact_list_id="lst_empty01")
            advance(client, key, 600)
            done = get_campaign(client, key, created["id"])
            return done["delivered"], done["failed"]
        finally:
            app.extensions["sandbox"].close()

    first, second = run(7), run(7)
    assert first == second
    assert sum(first) == 40
    assert 8 < first[1] < 32
    assert run(8) != first  # the seed, not the batching or the ids, picks the failures


def test_a_failure_rate_of_one_fails_every_message(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    settings(client, key, failure_rate=1)
    created = create_campaign(client, key)
    advance(client, key, 60)
    assert get_campaign(client, key, created["id"])["failed"] == 5


def test_out_of_credits_mid_send_pauses_and_a_top_up_resumes(
    client: FlaskClient, sandbox: Any, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    credits(client, key, balance=7)
    start = hour_from_now(sandbox)
    later = create_campaign(client, key, scheduled_at=start)  # affordable at creation
    create_campaign(client, key)  # spends 5 of the 7 first
    advance(client, key, 3610)

    waiting = get_campaign(client, key, later["id"])
    # Seed 002 has no `paused`: a campaign waiting for credits is still `processing`, neither sent nor
    # completed; its counts show the fate of the 2 messages the credits paid for, not the 3 unsent ones.
    assert waiting["status"] == "processing" and waiting["completed_at"] is None
    assert waiting["delivered"] + waiting["failed"] == 2 < waiting["total_contacts"] == 5
    assert balance(client, key) == 0
    advance(client, key, 3600)
    assert get_campaign(client, key, later["id"]) == waiting  # time alone does not resume it
    listed = client.get(CAMPAIGNS, headers=auth(key)).get_json()["data"]
    assert {campaign["status"] for campaign in listed} <= set(SEED_STATUSES)

    answer = credits(client, key, amount=10)
    assert answer["resumed"] == [later["id"]]
    advance(client, key, 60)
    done = get_campaign(client, key, later["id"])
    assert (done["status"], done["delivered"] + done["failed"]) == ("completed", 5)
    assert balance(client, key) == 7  # 10 topped up, 3 spent on the rest
    assert done["started_at"] == start


def test_a_top_up_too_small_for_one_message_resumes_nothing(
    client: FlaskClient, sandbox: Any, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    credits(client, key, balance=5)
    later = create_campaign(client, key, scheduled_at=hour_from_now(sandbox))
    create_campaign(client, key)
    advance(client, key, 3610)
    assert get_campaign(client, key, later["id"])["status"] == "processing"
    assert credits(client, key, amount=0.5)["resumed"] == []
    assert credits(client, key, amount=0.5)["resumed"] == [later["id"]]


def test_immediate_mode_completes_inside_the_create(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    lifecycle(client, key, mode="immediate")
    created = create_campaign(client, key)
    assert created["status"] == "completed"
    done = get_campaign(client, key, created["id"])
    assert (done["delivered"], done["failed"], done["started_at"] is not None) == (4, 1, True)


def test_manual_mode_moves_one_step_per_read(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    lifecycle(client, key, mode="manual")
    created = create_campaign(client, key)
    statuses = [get_campaign(client, key, created["id"])["status"] for _ in range(4)]
    assert created["status"] == "draft"
    assert statuses == ["processing", "sent", "completed", "completed"]


def test_lifecycle_durations_are_configurable(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    config = lifecycle(client, key, durations={"receipts": 120})["config"]
    assert config["durations"] == {"start": 0.0, "schedule": 0.0, "batch": 1.0, "receipts": 120.0}
    created = create_campaign(client, key)
    advance(client, key, 100)
    assert get_campaign(client, key, created["id"])["status"] == "sent"
    advance(client, key, 21)
    assert get_campaign(client, key, created["id"])["status"] == "completed"


def test_list_shows_statuses_as_of_the_clock(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    create_campaign(client, key)
    advance(client, key, 60)
    listed = client.get("/zexa/v1/campaigns", headers=auth(key)).get_json()["data"]
    assert [(c["status"], c["delivered"], c["failed"]) for c in listed] == [("completed", 4, 1)]


# -- the credits control call --------------------------------------------------------------------------------
def test_credits_control_reads_sets_and_tops_up(client: FlaskClient, fresh_key: Callable[[str], str]) -> None:
    key = fresh_key("zexa")
    read = client.get(f"{CREDITS}?credential={key}").get_json()
    assert (read["credits"], read["currency"]) == (4250, "USD")
    assert credits(client, key, balance=10)["credits"] == 10
    topped = credits(client, key, amount=2.5)
    assert topped == {"tenant": read["tenant"], "credits": 12.5, "currency": "USD", "resumed": []}
    assert balance(client, key) == 12.5


def test_credits_before_first_use_are_kept_when_the_tenant_is_seeded(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    credits(client, key, balance=3)
    assert balance(client, key) == 3


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 0},
        {"amount": -5},
        {"amount": "10"},
        {"amount": True},
        {"amount": None},
        {"balance": -1},
        {"balance": 1e12},
        {"amount": 1, "balance": 1},
        {},
        {"amount": 1, "extra": 1},
    ],
)
def test_bad_credit_calls_are_refused(
    client: FlaskClient, body: dict[str, Any], fresh_key: Callable[[str], str]
) -> None:
    response = client.post(CREDITS, json={"credential": fresh_key("zexa"), **body})
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"


def test_a_credit_call_needs_a_tenant(client: FlaskClient) -> None:
    response = client.post(CREDITS, json={"amount": 5})
    assert (response.status_code, response.get_json()["error"]) == (400, "invalid_request")
    assert client.post(CREDITS, data=b"[1]").status_code == 400


def test_a_forced_sent_outcome_hands_over_the_rest_at_once(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    settings(client, key, dispatch_rates={"sms": 1})
    add_contacts(client, key, 10)
    created = create_campaign(client, key, contact_list_id="lst_empty01")
    lifecycle(client, key, id=created["id"], outcome="sent")
    advance(client, key, 1)
    assert get_campaign(client, key, created["id"])["status"] == "sent"
    assert balance(client, key) == 4240
    advance(client, key, 5)
    done = get_campaign(client, key, created["id"])
    assert (done["status"], done["delivered"]) == ("completed", 10)


def test_a_forced_failed_outcome_stops_a_campaign_mid_send(
    client: FlaskClient, fresh_key: Callable[[str], str]
) -> None:
    key = fresh_key("zexa")
    settings(client, key, dispatch_rates={"sms": 1})
    add_contacts(client, key, 10)
    created = create_campaign(client, key, contact_list_id="lst_empty01")
    advance(client, key, 3)
    lifecycle(client, key, id=created["id"], outcome="failed")
    advance(client, key, 60)
    found = get_campaign(client, key, created["id"])
    assert (found["status"], found["completed_at"]) == ("failed", None)
    assert balance(client, key) == 4247  # three messages went out before it failed
