"""The generic lifecycle engine, driven with a machine declared here (no vendor code involved)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from sandbox.app import create_app
from sandbox.config import Config
from sandbox.core.lifecycle import BOOK, LifecycleRefused
from sandbox.core.machines import Action, Machine, Timed, Transition
from sandbox.core.sandbox import Sandbox
from sandbox.core.schedule import schedule_table
from sandbox.core.store import table_name
from sandbox.core.tenant import Tenant

TENANT = "toy-tenant"
entered: list[tuple[str, str | None, str, str]] = []


def _on_enter(tenant: Tenant, move: Transition) -> dict[str, Any]:
    entered.append((move.key, move.source, move.target, move.cause))
    return {"modified": move.at.isoformat()}


def _choose(tenant: Tenant, record: dict[str, Any], state: str) -> str | None:
    return "refused" if "bad" in record.get("text", "") else None


TOY = Machine(
    name="webex.toy",
    collection="toys",
    states=("NEW", "QUEUED", "REVIEW", "DONE", "REFUSED", "APPEALED"),
    initial="NEW",
    timed={
        "QUEUED": Timed("queue", {"default": "REVIEW"}),
        "REVIEW": Timed("review", {"default": "DONE", "refused": "REFUSED"}),
        "APPEALED": Timed("queue", {"default": "REVIEW"}),
    },
    actions={"submit": Action(frozenset({"NEW"}), "QUEUED"), "appeal": Action(frozenset({"REFUSED"}), "APPEALED")},
    durations={"queue": 10, "review": 100},
    choose=_choose,
    on_enter=_on_enter,
)


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    """The module's app knows the toy machine from the start; reset() keeps registered machines."""
    app = create_app(Config(memory=True, seed=1234))
    app.extensions["sandbox"].lifecycles.register(TOY)
    yield app
    app.extensions["sandbox"].close()


@pytest.fixture
def toy(sandbox: Sandbox) -> Sandbox:
    entered.clear()
    return sandbox


def make(sandbox: Sandbox, key: str, text: str = "fine") -> dict[str, Any]:
    sandbox.store.insert(table_name("webex", "toys", TENANT), key, {"id": key, "text": text})
    return sandbox.lifecycles.track("webex.toy", TENANT, key)


def state(sandbox: Sandbox, key: str) -> str:
    return sandbox.store.get(table_name("webex", "toys", TENANT), key)["status"]


def advance(client: Any, seconds: float, tenant: str | None = TENANT) -> dict[str, Any]:
    body: dict[str, Any] = {"seconds": seconds}
    if tenant:
        body["tenant"] = tenant
    response = client.post("/_sandbox/clock/advance", json=body)
    assert response.status_code == 200, response.json
    return response.json


def test_a_tracked_record_starts_in_the_initial_state_and_waits_for_an_action(toy: Sandbox, client: Any) -> None:
    assert make(toy, "a")["status"] == "NEW"
    advance(client, 10_000)
    assert state(toy, "a") == "NEW"
    assert entered == [("a", None, "NEW", "created")]


def test_timed_steps_fall_due_in_time_order_each_at_its_own_moment(toy: Sandbox, client: Any) -> None:
    make(toy, "a")
    start = toy.clock.now(TENANT)
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")
    advance(client, 9.5)
    assert state(toy, "a") == "QUEUED"
    moved = advance(client, 1000)
    assert moved["transitions"] == 2
    assert state(toy, "a") == "DONE"
    history = toy.lifecycles.history("webex.toy", TENANT, "a")
    assert [h["state"] for h in history] == ["NEW", "QUEUED", "REVIEW", "DONE"]
    # Each step happened at its due time, not at the moment the clock was advanced.
    offsets = [round((_parse(h["at"]) - start).total_seconds()) for h in history[1:]]
    assert offsets == [0, 10, 110]
    assert toy.store.get(table_name("webex", "toys", TENANT), "a")["modified"] == history[-1]["at"]


def test_two_records_interleave_in_time_order(toy: Sandbox, client: Any) -> None:
    make(toy, "a")
    make(toy, "b")
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")
    advance(client, 5)
    toy.lifecycles.trigger("webex.toy", TENANT, "b", "submit")
    entered.clear()
    advance(client, 500)
    assert [(key, target) for key, _, target, _ in entered] == [
        ("a", "REVIEW"), ("b", "REVIEW"), ("a", "DONE"), ("b", "DONE"),
    ]  # fmt: skip


def test_content_rules_choose_the_branch_and_actions_check_their_source_state(toy: Sandbox, client: Any) -> None:
    make(toy, "bad", text="a bad one")
    with pytest.raises(LifecycleRefused):
        toy.lifecycles.trigger("webex.toy", TENANT, "bad", "appeal")
    toy.lifecycles.trigger("webex.toy", TENANT, "bad", "submit")
    advance(client, 200)
    assert state(toy, "bad") == "REFUSED"
    with pytest.raises(LifecycleRefused) as refused:
        toy.lifecycles.trigger("webex.toy", TENANT, "bad", "submit")
    assert refused.value.state == "REFUSED"
    toy.lifecycles.trigger("webex.toy", TENANT, "bad", "appeal")
    advance(client, 200)
    assert state(toy, "bad") == "REFUSED"  # the content has not changed, so the rule refuses again


def test_immediate_mode_jumps_to_the_end_inside_the_action(toy: Sandbox, client: Any) -> None:
    response = client.post(
        "/_sandbox/lifecycles", json={"tenant": TENANT, "lifecycle": "webex.toy", "mode": "immediate"}
    )
    assert response.status_code == 200, response.json
    make(toy, "a")
    assert toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")["status"] == "DONE"


def test_manual_mode_moves_one_step_per_read(toy: Sandbox, client: Any) -> None:
    client.post("/_sandbox/lifecycles", json={"tenant": TENANT, "lifecycle": "webex.toy", "mode": "manual"})
    make(toy, "a")
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")
    advance(client, 10_000)
    assert state(toy, "a") == "QUEUED"  # time alone does nothing in manual mode
    assert toy.lifecycles.observe("webex.toy", TENANT, "a")["status"] == "REVIEW"
    assert toy.lifecycles.observe("webex.toy", TENANT, "a")["status"] == "DONE"
    assert toy.lifecycles.observe("webex.toy", TENANT, "a")["status"] == "DONE"


def test_switching_back_to_time_mode_retimes_pending_records(toy: Sandbox, client: Any) -> None:
    client.post("/_sandbox/lifecycles", json={"tenant": TENANT, "lifecycle": "webex.toy", "mode": "manual"})
    make(toy, "a")
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")
    advance(client, 5)
    client.post("/_sandbox/lifecycles", json={"tenant": TENANT, "lifecycle": "webex.toy", "mode": "time"})
    assert state(toy, "a") == "QUEUED"
    advance(client, 5)
    assert state(toy, "a") == "REVIEW"


def test_durations_are_configurable_per_tenant_and_retime_pending_steps(toy: Sandbox, client: Any) -> None:
    make(toy, "a")
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")
    response = client.post(
        "/_sandbox/lifecycles", json={"tenant": TENANT, "lifecycle": "webex.toy", "durations": {"queue": 1}}
    )
    assert response.json["config"]["durations"] == {"queue": 1.0, "review": 100}
    advance(client, 1)
    assert state(toy, "a") == "REVIEW"
    other = client.get("/_sandbox/lifecycles?tenant=someone-else").json
    toy_config = next(m for m in other["lifecycles"] if m["name"] == "webex.toy")["config"]
    assert toy_config["durations"]["queue"] == 10


def test_a_forced_outcome_for_the_tenant_wins_over_content_rules(toy: Sandbox, client: Any) -> None:
    client.post("/_sandbox/lifecycles", json={"tenant": TENANT, "lifecycle": "webex.toy", "outcome": "refused"})
    make(toy, "a")
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")
    advance(client, 200)
    assert state(toy, "a") == "REFUSED"


def test_a_forced_outcome_for_one_record_wins_over_the_tenants(toy: Sandbox, client: Any) -> None:
    make(toy, "a")
    make(toy, "b")
    response = client.post(
        "/_sandbox/lifecycles", json={"tenant": TENANT, "lifecycle": "webex.toy", "id": "a", "outcome": "refused"}
    )
    assert response.status_code == 200, response.json
    for key in ("a", "b"):
        toy.lifecycles.trigger("webex.toy", TENANT, key, "submit")
    advance(client, 200)
    assert (state(toy, "a"), state(toy, "b")) == ("REFUSED", "DONE")


def test_a_scenario_requested_outcome_is_adopted_by_the_record_it_touches(toy: Sandbox, client: Any) -> None:
    make(toy, "a")
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit", requested="refused")
    advance(client, 200)
    assert state(toy, "a") == "REFUSED"


def test_a_global_advance_moves_every_tenant(toy: Sandbox, client: Any) -> None:
    make(toy, "a")
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")
    advance(client, 200, tenant=None)
    assert state(toy, "a") == "DONE"


def test_the_schedule_survives_a_reload_and_a_tenant_reset_drops_it(toy: Sandbox, client: Any) -> None:
    make(toy, "a")
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")
    toy.lifecycles.reload()  # what a restart does with the stored schedule
    advance(client, 20)
    assert state(toy, "a") == "REVIEW"
    assert toy.store.count(schedule_table(TENANT)) == 1
    client.post("/_sandbox/reset", json={"tenant": TENANT})
    assert toy.store.count(schedule_table(TENANT)) == 0
    advance(client, 200)  # nothing left to move, nothing fails


def test_superseded_steps_are_skipped(toy: Sandbox, client: Any) -> None:
    make(toy, "a", text="bad")
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "submit")
    advance(client, 200)
    toy.lifecycles.trigger("webex.toy", TENANT, "a", "appeal")
    toy.store.update(table_name("webex", "toys", TENANT), "a", {"text": "fixed"})
    advance(client, 200)
    assert state(toy, "a") == "DONE"
    record = toy.store.get(table_name("webex", "toys", TENANT), "a")
    assert record[BOOK]["pending"] is False and record[BOOK]["due"] is None


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"lifecycle": "nope.nothing"}, 404, "no lifecycle"),
        ({}, 400, '"lifecycle"'),
        ({"lifecycle": "webex.toy", "mode": "fast"}, 400, "mode"),
        ({"lifecycle": "webex.toy", "durations": {"wait": 1}}, 400, "durations.wait"),
        ({"lifecycle": "webex.toy", "durations": {"queue": -1}}, 400, "durations.queue"),
        ({"lifecycle": "webex.toy", "durations": {"queue": True}}, 400, "durations.queue"),
        ({"lifecycle": "webex.toy", "outcome": "exploded"}, 400, "outcome"),
        ({"lifecycle": "webex.toy", "speed": 3}, 400, "speed"),
        ({"lifecycle": "webex.toy", "id": "x", "outcome": "refused"}, 400, "tenant"),
        ({"lifecycle": "webex.toy", "tenant": TENANT, "id": "missing", "outcome": "refused"}, 404, "missing"),
    ],
)
def test_bad_lifecycle_calls_are_refused_with_a_reason(
    toy: Sandbox, client: Any, body: dict[str, Any], status: int, fragment: str
) -> None:
    response = client.post("/_sandbox/lifecycles", json=body)
    assert response.status_code == status
    assert fragment in response.json["message"]


def test_a_machine_with_an_undeclared_duration_or_state_is_refused_at_declaration() -> None:
    with pytest.raises(ValueError, match="undeclared duration"):
        Machine("x.y", "ys", ("A", "B"), "A", timed={"A": Timed("wait", {"default": "B"})})
    with pytest.raises(ValueError, match="'C'"):
        Machine("x.y", "ys", ("A", "B"), "A", actions={"go": Action(frozenset({"A"}), "C")})


def test_get_lifecycles_describes_each_machine(toy: Sandbox, client: Any) -> None:
    described = client.get("/_sandbox/lifecycles").json["lifecycles"]
    toy_view = next(m for m in described if m["name"] == "webex.toy")
    assert toy_view["outcomes"] == ["refused"]
    assert toy_view["actions"]["submit"] == {"from": ["NEW"], "to": "QUEUED"}
    assert toy_view["config"]["mode"] == "time"


def _parse(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)
