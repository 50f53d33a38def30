"""The lifecycle engine: moves records through their declared machines on the sandbox clock."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox.core.clock import Clock
from sandbox.core.errors import ControlError
from sandbox.core.machines import MODES, Machine, Tenant, Transition
from sandbox.core.schedule import Schedule
from sandbox.core.store import Store, table_name
from sandbox.core.ticker import Ticker

log = logging.getLogger(__name__)

BOOK = "_lifecycle"  # the engine's bookkeeping inside each tracked record
HISTORY_KEPT = 50
_CONFIG = "_sandbox.lifecycles"
_GLOBAL = "*"


class LifecycleRefused(Exception):
    """An action asked of a record whose state does not allow it; the vendor maps it to its own error."""

    def __init__(self, machine: str, action: str, state: str) -> None:
        super().__init__(f"{machine}: {action} is not possible in {state}")
        self.machine = machine
        self.action = action
        self.state = state


class Lifecycles:
    """Every tracked record is either settled or waits for a timed step with a due time.

    Due steps are kept in one heap per tenant (tenants have their own clocks) and applied in time
    order, each at its own due time, whenever the tenant's clock is read by a request, advanced by the
    control API, or ticked by the server's background thread. Nothing here knows any vendor.
    """

    def __init__(self, store: Store, clock: Clock, tenant: Callable[[str], Tenant]) -> None:
        self.store = store
        self.clock = clock
        self._tenant = tenant  # what hooks are handed
        self.machines: dict[str, Machine] = {}
        self.schedule = Schedule(store)
        self._config_cache: dict[tuple[str, str], dict[str, Any]] = {}
        self._ticker = Ticker(self.tick, "sandbox-lifecycle-ticker")

    def register(self, machine: Machine) -> None:
        self.machines[machine.name] = machine

    def machine(self, name: str) -> Machine:
        return self.machines[name]

    def table(self, machine: Machine, tenant: str) -> str:
        return table_name(machine.vendor, machine.collection, tenant)

    # -- per-tenant configuration ---------------------------------------------------------------------
    def config(self, tenant: str | None, name: str) -> dict[str, Any]:
        """Mode, durations and forced outcome in force: the tenant's, over the global ones, over defaults."""
        key = (tenant or _GLOBAL, name)
        cached = self._config_cache.get(key)
        if cached is not None:
            return cached
        machine = self.machines[name]
        merged: dict[str, Any] = {"mode": "time", "durations": dict(machine.durations), "outcome": None}
        for scope in (_GLOBAL, tenant) if tenant not in (None, _GLOBAL) else (_GLOBAL,):
            stored = (self.store.get(_CONFIG, scope) or {}).get(name, {})
            merged["durations"].update(stored.get("durations", {}))
            merged.update({k: v for k, v in stored.items() if k != "durations"})
        self._config_cache[key] = merged
        return merged

    def configure(self, tenant: str | None, name: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply ``mode``/``durations``/``outcome`` for one tenant (or globally), then re-time pending records."""
        machine = self._known(name)
        scope = tenant or _GLOBAL
        with self.store.lock:
            stored = self.store.get(_CONFIG, scope) or {}
            entry = dict(stored.get(name, {}))
            if "mode" in changes:
                if changes["mode"] not in MODES:
                    raise ControlError(400, "invalid_lifecycle", f"mode: one of {list(MODES)}")
                entry["mode"] = changes["mode"]
            if "durations" in changes:
                durations = machine.checked_durations(changes["durations"])
                entry["durations"] = {**entry.get("durations", {}), **durations}
            if "outcome" in changes:
                entry["outcome"] = machine.outcome_name(changes["outcome"])
            stored[name] = entry
            self.store.put(_CONFIG, scope, stored)
            self._config_cache.clear()
            for pending_tenant in [tenant] if tenant else self.schedule.tenants():
                self._retime(machine, pending_tenant)
                self._run_due(pending_tenant)
        return self.config(tenant, name)

    def force(self, tenant: str, name: str, key: str, outcome: str | None) -> dict[str, Any]:
        """Force the branch one record takes at its next timed step (and those after it)."""
        machine = self._known(name)
        outcome = machine.outcome_name(outcome)
        with self.store.lock:
            record = self.store.get(self.table(machine, tenant), key)
            if record is None:
                raise ControlError(404, "not_found", f"no {name} record {key!r} for tenant {tenant!r}")
            book = {**record.get(BOOK, {}), "outcome": outcome, "outcome_by": "the control API"}
            self.store.update(self.table(machine, tenant), key, {BOOK: book})
            return {"id": key, machine.field: record.get(machine.field), "outcome": outcome}

    def _known(self, name: str) -> Machine:
        machine = self.machines.get(name)
        if machine is None:
            raise ControlError(404, "unknown_lifecycle", f"no lifecycle {name!r}; known: {sorted(self.machines)}")
        return machine

    # -- records -----------------------------------------------------------------------------------
    def track(
        self,
        name: str,
        tenant: str,
        key: str,
        state: str | None = None,
        stored: dict[str, Any] | None = None,
        requested: str | None = None,
    ) -> dict[str, Any]:
        """Start following a stored record, in ``state`` (the machine's initial one by default).

        ``stored`` is the record as the caller just stored it, which saves reading it back; ``requested``
        is the outcome a scenario rule asks for it.
        """
        machine = self.machines[name]
        with self.store.lock:
            record = dict(stored) if stored is not None else self._record(machine, tenant, key)
            outcome = self._adopt_requested(requested, record)
            when = self._now(tenant)
            entered = self._enter(machine, tenant, key, record, state or machine.initial, when, outcome, "created")
            return self._after_due(machine, tenant, key, entered)

    def create(
        self, name: str, tenant: str, key: str, record: dict[str, Any], requested: str | None = None
    ) -> dict[str, Any]:
        """Store a new record already following its machine from the initial state: one write, not two."""
        machine = self.machines[name]
        with self.store.lock:
            record = dict(record)
            outcome = self._adopt_requested(requested, record)
            when = self._now(tenant)
            entered = self._enter(machine, tenant, key, record, machine.initial, when, outcome, "created", insert=True)
            return self._after_due(machine, tenant, key, entered)

    def trigger(
        self, name: str, tenant: str, key: str, action_name: str, requested: str | None = None
    ) -> dict[str, Any]:
        """Run a vendor action on a record; ``LifecycleRefused`` if its current state does not allow it."""
        machine = self.machines[name]
        action = machine.actions[action_name]
        with self.store.lock:
            self._run_due(tenant)
            record = self._record(machine, tenant, key)
            state = record.get(machine.field)
            if state not in action.sources:
                raise LifecycleRefused(name, action_name, str(state))
            outcome = self._adopt_requested(requested, record)
            entered = self._enter(machine, tenant, key, record, action.target, self._now(tenant), outcome, action_name)
            return self._after_due(machine, tenant, key, entered)

    @staticmethod
    def _adopt_requested(requested: str | None, record: dict[str, Any]) -> str | None:
        """A scenario's outcome for the record a request touches; it stays until another is forced."""
        book = dict(record.get(BOOK) or {})
        if requested is not None:
            book.update(outcome=requested, outcome_by="a scenario rule")
        record[BOOK] = book
        return book.get("outcome")

    def observe(self, name: str, tenant: str, key: str) -> dict[str, Any] | None:
        """A read of one record: in ``manual`` mode it moves one step, otherwise it only catches up."""
        machine = self.machines[name]
        with self.store.lock:
            self._run_due(tenant)
            record = self.store.get(self.table(machine, tenant), key)
            if record is None:
                return None
            book = record.get(BOOK) or {}
            if book.get("pending") and self.config(tenant, name)["mode"] == "manual":
                self._step(machine, tenant, key, record, self._now(tenant), "manual")
                record = self.store.get(self.table(machine, tenant), key)
            return record

    def untrack(self, name: str, tenant: str, key: str) -> None:
        """The record is gone (deleted, or trimmed as too old): its pending step goes with it."""
        self.schedule.drop(name, tenant, key)

    def history(self, name: str, tenant: str, key: str) -> list[dict[str, Any]]:
        record = self.store.get(self.table(self.machines[name], tenant), key) or {}
        return list((record.get(BOOK) or {}).get("history", []))

    def _record(self, machine: Machine, tenant: str, key: str) -> dict[str, Any]:
        record = self.store.get(self.table(machine, tenant), key)
        if record is None:
            raise KeyError(f"{machine.name}: no record {key!r} for tenant {tenant!r}")
        return record

    def _now(self, tenant: str) -> datetime:
        return self.clock.now(tenant)

    # -- moving ---------------------------------------------------------------------------------------
    def next_due(self, tenant: str) -> datetime | None:
        """When the tenant's next timed step falls due (virtual time), if one is pending."""
        for due, _, name, key in self.schedule.earliest(tenant, 64):  # superseded entries may lead: skip them
            machine = self.machines.get(name)
            record = self.store.peek(self.table(machine, tenant), key) if machine else None
            if record is not None and (record.get(BOOK) or {}).get("due") == due:
                return datetime.fromtimestamp(due, UTC)
        return None

    def tick(self, tenant: str | None = None) -> int:
        """Apply every step that fell due, in time order, for one tenant or all; answers how many."""
        if tenant is not None:
            first = self.schedule.first_due(tenant)
            if first is None or first > self._now(tenant).timestamp():
                return 0  # the common case of every request: nothing due, no lock taken
        with self.store.lock:
            return sum(len(self._run_due(t)) for t in ([tenant] if tenant else self.schedule.tenants_due()))

    def _after_due(self, machine: Machine, tenant: str, key: str, entered: dict[str, Any]) -> dict[str, Any]:
        """``entered`` once the steps that fell due meanwhile have run: read again only if they could change it
        (a step of this record, or any step with a hook, which may write other records)."""
        stepped = self._run_due(tenant)
        if any(other.on_enter is not None or (other is machine and moved == key) for other, moved in stepped):
            return self._record(machine, tenant, key)
        return entered

    def _run_due(self, tenant: str) -> list[tuple[Machine, str]]:
        """Apply the tenant's steps due by now, in time order; answers which records moved."""
        if self.schedule.first_due(tenant) is None:
            return []
        # What is due as of now; a step that falls due while these run waits for the next tick (microseconds).
        now = self._now(tenant).timestamp()
        applied: list[tuple[Machine, str]] = []
        for due, name, key in self.schedule.pop_due(tenant, now):
            machine = self.machines.get(name)
            record = self.store.peek(self.table(machine, tenant), key) if machine else None
            if machine is None or record is None or (record.get(BOOK) or {}).get("due") != due:
                continue  # superseded by a later action, or the record is gone
            self._step(machine, tenant, key, record, datetime.fromtimestamp(due, UTC), "time")
            applied.append((machine, key))
        return applied

    def _step(self, machine: Machine, tenant: str, key: str, record: dict[str, Any], at: datetime, cause: str) -> None:
        state = record.get(machine.field)
        timed = machine.timed.get(str(state))
        if timed is None:
            self._unschedule(machine, tenant, key, record)
            return
        outcome, why = self._choose(machine, tenant, record, str(state))
        self._enter(machine, tenant, key, record, timed.target(outcome), at, outcome, cause, why=why)

    def _choose(
        self, machine: Machine, tenant: str, record: dict[str, Any], state: str
    ) -> tuple[str | None, str | None]:
        """The branch a timed step takes, and who chose it (None: the default path)."""
        branches = machine.timed[state].to
        book = record.get(BOOK) or {}
        if book.get("outcome") in branches:
            return str(book["outcome"]), str(book.get("outcome_by") or "the control API")
        for_tenant = self.config(tenant, machine.name)["outcome"]
        if for_tenant in branches:
            return str(for_tenant), "the tenant's lifecycle configuration"
        chosen = machine.choose(self._tenant(tenant), record, state) if machine.choose else None
        return (chosen, "the vendor's rules") if chosen in branches else (None, None)

    def _enter(
        self,
        machine: Machine,
        tenant: str,
        key: str,
        record: dict[str, Any],
        target: str,
        at: datetime,
        outcome: str | None,
        cause: str,
        insert: bool = False,
        why: str | None = None,
    ) -> dict[str, Any]:
        """Move the record to ``target`` and schedule what follows; answers the record as now stored.

        ``record`` is never changed (it may be the stored dict itself); ``insert`` stores it as a new record.
        """
        table = self.table(machine, tenant)
        source = record.get(machine.field) if cause != "created" else None
        changes: dict[str, Any] = {machine.field: target}
        if machine.on_enter is not None:
            transition = Transition(machine, tenant, key, record, source, target, at, outcome, cause)
            changes.update(machine.on_enter(self._tenant(tenant), transition) or {})
        book = dict(record.get(BOOK) or {})
        moment = at.isoformat()
        step: dict[str, Any] = {
            "state": target,
            "at": moment,
            "real_at": self.clock.real_now().isoformat(),
            "cause": cause,
        }
        if why is not None:  # a branch other than the default path: which, and who chose it
            step.update(outcome=outcome, outcome_by=why)
        history = [*book.get("history", ()), step]
        book.update(since=moment, history=history[-HISTORY_KEPT:], due=None, pending=False)
        updated = {**record, **changes}
        timed = machine.timed.get(target)
        if timed is not None:
            config = self.config(tenant, machine.name)
            book["pending"] = True
            if config["mode"] != "manual":
                book["due"] = self._due(machine, tenant, updated, target, at, config)
        changes[BOOK] = book
        if insert:
            self.store.insert(table, key, {**updated, BOOK: book})
        else:
            self.store.update(table, key, changes)
        self._schedule(machine, tenant, key, book)
        return {**updated, BOOK: book}

    def _due(
        self, machine: Machine, tenant: str, record: dict[str, Any], state: str, since: datetime, config: dict[str, Any]
    ) -> float:
        if config["mode"] == "immediate":
            return since.timestamp()
        seconds = float(config["durations"][machine.timed[state].delay])
        if machine.delay is not None:
            seconds = machine.delay(self._tenant(tenant), record, state, seconds)
        return (since + timedelta(seconds=max(0.0, seconds))).timestamp()

    def _schedule(self, machine: Machine, tenant: str, key: str, book: dict[str, Any]) -> None:
        if book.get("pending"):
            self.schedule.put(machine.name, tenant, key, book["due"])
        else:
            self.schedule.drop(machine.name, tenant, key)

    def _unschedule(self, machine: Machine, tenant: str, key: str, record: dict[str, Any]) -> None:
        book = {**(record.get(BOOK) or {}), "due": None, "pending": False}
        self.store.update(self.table(machine, tenant), key, {BOOK: book})
        self.schedule.drop(machine.name, tenant, key)

    def _retime(self, machine: Machine, tenant: str) -> None:
        """Give a tenant's pending records of one machine due times under the configuration now in force."""
        config = self.config(tenant, machine.name)
        for _, row in self.schedule.rows(tenant):
            if row["machine"] != machine.name:
                continue
            record = self.store.get(self.table(machine, tenant), row["key"])
            if record is None:
                self.schedule.drop(machine.name, tenant, row["key"])
                continue
            book = dict(record.get(BOOK) or {})
            since = datetime.fromisoformat(book["since"])
            state = str(record.get(machine.field))
            due = None if config["mode"] == "manual" else self._due(machine, tenant, record, state, since, config)
            book["due"] = due
            self.store.update(self.table(machine, tenant), row["key"], {BOOK: book})
            self._schedule(machine, tenant, row["key"], book)

    # -- whole-sandbox events -------------------------------------------------------------------------
    def reload(self) -> None:
        """Rebuild the heaps from the stored schedule (start, full reset, state import)."""
        with self.store.lock:
            self._config_cache.clear()
            self.schedule.reload()

    def forget(self, tenant: str) -> None:
        """A tenant reset: its records and schedule are dropped by the store; its configuration here."""
        with self.store.lock:
            self.schedule.forget(tenant)
            self.store.delete(_CONFIG, tenant)
            self._config_cache.clear()

    def describe(self, tenant: str | None) -> list[dict[str, Any]]:
        return [{**m.describe(), "config": self.config(tenant, m.name)} for m in self.machines.values()]

    def start_ticker(self) -> None:
        """In a served sandbox, steps fall due with real time too; this applies them (and queues webhooks)."""
        self._ticker.start()

    def stop_ticker(self) -> None:
        self._ticker.stop()
