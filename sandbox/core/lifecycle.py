"""Declarative lifecycles: a resource's states and their virtual durations, read from the clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

Timeline = list[dict[str, str]]  # [{"status": ..., "at": ISO-8601}, ...] in order


@dataclass(frozen=True)
class Lifecycle:
    """States in order; each state but the last lasts a duration chosen when the resource is made.

    A record keeps its timeline and its status is computed from the clock when read (moto's
    state-manager idea), so real time, freezegun and ``/_sandbox/clock/advance`` all move it.
    """

    name: str
    states: tuple[str, ...]

    def timeline(self, start: datetime, durations: Sequence[float]) -> Timeline:
        if len(durations) != len(self.states) - 1:
            raise ValueError(f"{self.name}: {len(self.states) - 1} durations expected")
        moments = [start]
        for seconds in durations:
            moments.append(moments[-1] + timedelta(seconds=max(0.0, seconds)))
        return [{"status": s, "at": m.isoformat()} for s, m in zip(self.states, moments, strict=True)]


def status_at(timeline: Timeline, now: datetime) -> str:
    """The status in force at ``now`` (the first one if ``now`` precedes them all)."""
    current = timeline[0]["status"]
    for entry in timeline[1:]:
        if datetime.fromisoformat(entry["at"]) > now:
            break
        current = entry["status"]
    return current


def present_statuses(tables: Mapping[str, Mapping[str, dict[str, Any]]], now_of: Callable[[str], datetime]) -> None:
    """Give every exported record that has a ``timeline`` its ``status`` as of its tenant's clock."""
    for name, rows in tables.items():
        tenant = name.rpartition("/")[2]
        now = now_of(tenant)
        for record in rows.values():
            timeline = record.get("timeline")
            if isinstance(timeline, list) and timeline:
                record["status"] = status_at(timeline, now)
