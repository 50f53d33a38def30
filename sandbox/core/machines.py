"""Declarations of a lifecycle: states, timed steps with branches, actions, durations and hooks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.core.errors import ControlError
from sandbox.core.tenant import Tenant

MODES = ("time", "immediate", "manual")
DEFAULT = "default"  # the branch a timed step takes when no outcome is chosen


@dataclass(frozen=True)
class Timed:
    """A record leaves its state ``delay`` (a duration name) after entering it.

    It goes to ``to[outcome]`` for the outcome chosen at that moment, or to ``to["default"]``.
    """

    delay: str
    to: Mapping[str, str]

    def target(self, outcome: str | None) -> str:
        return self.to.get(outcome or DEFAULT) or self.to[DEFAULT]


@dataclass(frozen=True)
class Action:
    """A transition that a vendor call starts (register, appeal, deregister, ...)."""

    sources: frozenset[str]
    target: str


@dataclass(frozen=True)
class Transition:
    """What a hook is told: a record moved from ``source`` to ``target`` at ``at`` (virtual time)."""

    machine: Machine
    tenant: str
    key: str
    record: dict[str, Any]  # as it was before the move
    source: str | None  # None when the record is first tracked
    target: str
    at: datetime
    outcome: str | None
    cause: str  # an action name, "created", "time", "immediate" or "manual"


# Hooks run under the store lock, inside the request or the tick that moves the record: they must be
# quick and must not do I/O (a webhook is put in the outbox, not sent).
EnterHook = Callable[[Tenant, Transition], Mapping[str, Any] | None]
ChooseHook = Callable[[Tenant, dict[str, Any], str], str | None]  # (tenant, record, state)
DelayHook = Callable[[Tenant, dict[str, Any], str, float], float]  # ... , configured seconds


@dataclass(frozen=True)
class Machine:
    """A resource's lifecycle, declared once by its vendor; the engine needs nothing else to run it.

    ``field`` is the record's own status field (``stage`` for Infobip, ``status`` elsewhere). Which
    branch a timed step takes is, in order: an outcome forced on the record (scenario or control
    API), one forced for the tenant, ``choose`` (the vendor's content rules), else ``"default"``.
    """

    name: str  # "<vendor>.<resource>"
    collection: str  # the vendor's table of these records (per tenant)
    states: tuple[str, ...]
    initial: str
    timed: Mapping[str, Timed] = field(default_factory=dict)
    actions: Mapping[str, Action] = field(default_factory=dict)
    durations: Mapping[str, float] = field(default_factory=dict)  # default seconds per duration name
    field: str = "status"
    choose: ChooseHook | None = None
    on_enter: EnterHook | None = None
    delay: DelayHook | None = None  # a delay that depends on the record (a scheduled send time, a rate)

    def __post_init__(self) -> None:
        known = set(self.states)
        problems = [f"initial {self.initial!r}"] if self.initial not in known else []
        for state, step in self.timed.items():
            if state not in known:
                problems.append(f"timed state {state!r}")
            if DEFAULT not in step.to:
                problems.append(f"{state!r} has no default branch")
            problems += [f"{state!r} -> {t!r}" for t in step.to.values() if t not in known]
            if step.delay not in self.durations:
                problems.append(f"{state!r} waits for an undeclared duration {step.delay!r}")
        for name, action in self.actions.items():
            problems += [f"action {name!r} target {action.target!r}"] if action.target not in known else []
            problems += [f"action {name!r} source {s!r}" for s in action.sources if s not in known]
        if problems:
            raise ValueError(f"lifecycle {self.name}: unknown or missing " + ", ".join(problems))

    @property
    def vendor(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def outcomes(self) -> list[str]:
        return sorted({o for step in self.timed.values() for o in step.to if o != DEFAULT})

    def checked_durations(self, durations: Any) -> dict[str, float]:
        """``{duration name: seconds}`` from the control API, each checked against this machine."""
        if not isinstance(durations, Mapping):
            raise ControlError(400, "invalid_lifecycle", "durations: an object of {name: seconds}")
        checked = {}
        for name, seconds in durations.items():
            if name not in self.durations:
                detail = f"durations.{name}: unknown; {self.name} has {sorted(self.durations)}"
                raise ControlError(400, "invalid_lifecycle", detail)
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 315_360_000:
                raise ControlError(400, "invalid_lifecycle", f"durations.{name}: seconds between 0 and 10 years")
            checked[name] = float(seconds)
        return checked

    def outcome_name(self, outcome: Any) -> str | None:
        """A forced outcome from the control API: one of this machine's branches, or None for the default."""
        if outcome is None or outcome == DEFAULT:
            return None
        if outcome not in self.outcomes:
            detail = f"outcome: {outcome!r} is not one of {self.name}'s {self.outcomes}"
            raise ControlError(400, "invalid_lifecycle", detail)
        return str(outcome)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "field": self.field,
            "states": list(self.states),
            "initial": self.initial,
            "timed": {s: {"delay": t.delay, "to": dict(t.to)} for s, t in self.timed.items()},
            "actions": {n: {"from": sorted(a.sources), "to": a.target} for n, a in self.actions.items()},
            "durations": dict(self.durations),
            "outcomes": self.outcomes,
        }
