"""Webex lifecycles: a deployment's run and an event's processing, on the tenant's clock."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sandbox.core.machines import Machine, Tenant, Timed

VENDOR = "webex"
DEPLOYMENT = "webex.deployment"
EVENT = "webex.event"

# The settings that timed these before they were lifecycles still do [decided]: a tenant's setting
# applies while the lifecycle's own duration for that step is left at its default.
_SETTING_OF = {
    (DEPLOYMENT, "scheduled"): "deployment_scheduled_seconds",
    (DEPLOYMENT, "processing"): "deployment_processing_seconds",
    (EVENT, "accepted"): "event_processing_seconds",
}


def _delay(machine: Machine) -> Any:
    def delay(tenant: Tenant, record: dict[str, Any], state: str, seconds: float) -> float:
        step = machine.timed[state].delay
        if seconds != machine.durations[step]:
            return seconds  # set through POST /_sandbox/lifecycles: that wins
        return float(tenant.settings(VENDOR)[_SETTING_OF[(machine.name, state)]])

    return delay


def _with_settings(machine: Machine) -> Machine:
    return replace(machine, delay=_delay(machine))


# [decided] A deployment is scheduled for 60 s, then processes for 300 s (the seeds give no figures); it ends
# `completed`, or `failed` when that outcome is forced (control API or a scenario), for testing a client's
# handling of a deployment that did not go out.
DEPLOYMENT_MACHINE = _with_settings(
    Machine(
        name=DEPLOYMENT,
        collection="deployments",
        states=("scheduled", "processing", "completed", "failed"),
        initial="scheduled",
        timed={
            "scheduled": Timed("scheduled", {"default": "processing"}),
            "processing": Timed("processing", {"default": "completed", "failed": "failed"}),
        },
        durations={"scheduled": 60.0, "processing": 300.0},
    )
)

# Seed 004: events are "processed asynchronously", and a failure is reported in the account's error stream;
# here an event is processed 1 s after it is accepted, or `failed` when that outcome is forced [decided].
EVENT_MACHINE = _with_settings(
    Machine(
        name=EVENT,
        collection="events",
        states=("accepted", "processed", "failed"),
        initial="accepted",
        timed={"accepted": Timed("processing", {"default": "processed", "failed": "failed"})},
        durations={"processing": 1.0},
    )
)
