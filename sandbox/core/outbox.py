"""The webhook outbox: deliveries any vendor queues in the store, POSTed for real, in order per stream, with retries."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Protocol

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from sandbox.core.clock import Clock
from sandbox.core.errors import ControlError, describe_validation
from sandbox.core.ids import Ids
from sandbox.core.store import Store
from sandbox.core.webhook_targets import Posted, WebhookPolicy

log = logging.getLogger(__name__)

_OUTBOX = "_sandbox.webhook_deliveries"  # every delivery of a tenant, with its attempts
_PENDING = "_sandbox.webhook_pending"  # the tenant's undelivered ones, in the order they were queued
_CONFIG = "_sandbox.webhook_config"
_GLOBAL = "*"
STATUSES = ("pending", "delivered", "failed")
KEPT_PER_TENANT = 1000  # finished deliveries kept for inspection; the oldest finished one goes first
# Real seconds, not virtual: the receiver is a real process. Short, so a test sees a retry at once.
DEFAULTS: dict[str, Any] = {"backoff_seconds": [0.5, 1.0, 2.0, 4.0, 8.0], "max_attempts": 6, "timeout_seconds": 3.0}


def outbox_table(tenant: str) -> str:
    return f"{_OUTBOX}/{tenant}"  # per tenant: a tenant reset drops its deliveries with its other tables


def pending_table(tenant: str) -> str:
    return f"{_PENDING}/{tenant}"


class _TenantClock(Protocol):
    def now(self, tenant: str | None = None) -> datetime: ...


class ConfigSchema(Schema):
    class Meta:
        unknown = RAISE

    backoff_seconds = fields.List(
        fields.Float(allow_nan=False, validate=validate.Range(0, 3600)), validate=validate.Length(1, 20)
    )
    max_attempts = fields.Integer(strict=True, validate=validate.Range(1, 20))
    timeout_seconds = fields.Float(allow_nan=False, validate=validate.Range(0.1, 30))


class Outbox:
    """Deliveries live in the store (so a restart loses none); a worker thread POSTs them with ``requests``.

    Each delivery belongs to a stream (a vendor's registered webhook): a stream's deliveries go out one
    at a time in the order they were queued, and one waiting for its retry holds back those behind it.
    A delivery is retried on a connection error, a timeout or a non-2xx answer, after ``backoff_seconds``
    (the last value repeats), until ``max_attempts``; then it is ``failed`` and the stream moves on.
    """

    def __init__(
        self, store: Store, ids: Ids, clock: _TenantClock | None = None, targets: WebhookPolicy | None = None
    ) -> None:
        self.store = store
        self.ids = ids
        self.targets = targets or WebhookPolicy()  # where deliveries may go (core.webhook_targets)
        # Retries back off (Zexa's docs) on the sandbox clock: advancing it hurries them.
        self.clock = clock
        self._active: set[str] = set()  # tenants that may have pending deliveries
        self._inflight: set[tuple[str, str]] = set()  # (tenant, stream) being POSTed now
        self._lock = threading.Lock()
        self._released = threading.Condition(self._lock)  # a stream's POST in flight finished
        self._held: list[str] = []  # tenants ("*": all) whose deliveries an advance of the clock sends itself
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self.reload()

    # -- configuration ---------------------------------------------------------------------------------
    def config(self, tenant: str | None) -> dict[str, Any]:
        merged = dict(DEFAULTS)
        for scope in (_GLOBAL, tenant) if tenant else (_GLOBAL,):
            merged.update(self.store.get(_CONFIG, scope) or {})
        return merged

    def configure(self, tenant: str | None, changes: Mapping[str, Any]) -> dict[str, Any]:
        try:
            loaded = ConfigSchema().load(changes)
        except ValidationError as failure:
            raise ControlError(400, "invalid_webhook_config", describe_validation(failure.messages)) from None
        with self.store.lock:
            scope = tenant or _GLOBAL
            self.store.put(_CONFIG, scope, {**(self.store.get(_CONFIG, scope) or {}), **loaded})
        return self.config(tenant)

    # -- queueing --------------------------------------------------------------------------------------
    def enqueue(
        self,
        tenant: str,
        vendor: str,
        stream: str,
        url: str,
        body: str,
        headers: Mapping[str, str],
        event: str,
        event_id: str,
        created_at: str,
    ) -> str:
        """Queue one POST of ``body`` to ``url``; quick and without I/O, so a lifecycle hook may call it."""
        delivery_id = f"dlv_{self.ids.token(20)}"
        queued = self._now(tenant)
        record = {
            "id": delivery_id,
            "tenant": tenant,
            "vendor": vendor,
            "stream": stream,
            "event": event,
            "event_id": event_id,
            "url": url,
            "headers": dict(headers),
            "body": body,
            "status": "pending",
            "attempts": [],
            "created_at": created_at,
            "queued_at": queued.isoformat(),
            "next_attempt_at": queued.isoformat(),
        }
        with self.store.lock:
            self._trim(tenant)
            self.store.insert(outbox_table(tenant), delivery_id, record)
            self.store.put(pending_table(tenant), delivery_id, {"stream": stream, "due": queued.timestamp()})
        with self._lock:
            self._active.add(tenant)
        self._wake.set()
        return delivery_id

    def _trim(self, tenant: str) -> None:
        table = outbox_table(tenant)
        if self.store.count(table) < KEPT_PER_TENANT:
            return
        oldest = self.store.oldest_key(table)
        if oldest is not None and not self.store.contains(pending_table(tenant), oldest):
            self.store.delete(table, oldest)

    def redeliver(self, tenant: str, delivery_id: str) -> dict[str, Any]:
        """Send a finished delivery again (behind whatever its stream has pending); its attempts are kept."""
        with self.store.lock:
            found = self.store.get(outbox_table(tenant), delivery_id)
            if found is None:
                raise ControlError(404, "not_found", f"no delivery {delivery_id!r} for tenant {tenant!r}")
            if found["status"] == "pending":
                raise ControlError(409, "delivery_pending", f"{delivery_id} is still pending")
            now = self._now(tenant)
            self.store.update(
                outbox_table(tenant), delivery_id, {"status": "pending", "next_attempt_at": now.isoformat()}
            )
            self.store.put(pending_table(tenant), delivery_id, {"stream": found["stream"], "due": now.timestamp()})
        with self._lock:
            self._active.add(tenant)
        self._wake.set()
        return self.get(tenant, delivery_id)

    # -- reading -----------------------------------------------------------------------------------------
    def get(self, tenant: str, delivery_id: str) -> dict[str, Any]:
        found = self.store.get(outbox_table(tenant), delivery_id)
        if found is None:
            raise ControlError(404, "not_found", f"no delivery {delivery_id!r} for tenant {tenant!r}")
        return found

    def deliveries(self, tenant: str | None = None, **filters: str) -> list[dict[str, Any]]:
        """Deliveries in the order they were queued (per tenant), filtered by any of their top-level fields."""
        prefix = outbox_table("")
        tenants = (
            [tenant] if tenant else sorted(n[len(prefix) :] for n in self.store.table_names() if n.startswith(prefix))
        )
        found = [row for name in tenants for row in self.store.values(outbox_table(name))]
        return [row for row in found if all(row.get(key) == value for key, value in filters.items() if value)]

    # -- delivering --------------------------------------------------------------------------------------
    def _now(self, tenant: str) -> datetime:
        return self.clock.now(tenant) if self.clock is not None else Clock.real_now()

    def wake(self) -> None:
        """Look again at once (the clock was advanced)."""
        self._wake.set()

    def due(
        self, tenant: str | None = None, skip: Collection[str] = (), claim: bool = False, worker: bool = False
    ) -> tuple[list[tuple[str, str, str]], float | None, bool]:
        """The head of every stream (of ``tenant``, or of all) that is due, not in flight and not in ``skip``;
        the seconds until the next one is due; whether a due head is in flight. ``claim`` puts the heads in flight.
        """
        heads: list[tuple[str, str, str]] = []
        later: float | None = None
        busy = False
        with self._lock:
            tenants = [tenant] if tenant else list(self._active)
            if worker:  # what an advance of the clock is sending is left to it, so that it can count it
                tenants = [] if _GLOBAL in self._held else [t for t in tenants if t not in self._held]
        with self.store.lock:
            for owner in tenants:
                now = self._now(owner).timestamp()
                firsts: dict[str, tuple[str, float]] = {}
                for key, row in self.store.items(pending_table(owner)):
                    firsts.setdefault(row["stream"], (key, row["due"]))
                with self._lock:
                    if not firsts:
                        self._active.discard(owner)
                    for stream, (key, due) in firsts.items():
                        if due > now:
                            later = due - now if later is None else min(later, due - now)
                        elif (owner, stream) in self._inflight:
                            busy = True
                        elif key not in skip:
                            heads.append((owner, key, stream))
                            if claim:
                                self._inflight.add((owner, stream))
        return heads, later, busy

    def deliver_due(self) -> int:
        """One pass, in the calling thread: attempt every stream's due head once. Answers how many."""
        heads, _, _ = self.due()
        for tenant, key, _stream in heads:
            self.attempt(tenant, key)
        return len(heads)

    def deliver_now(self, tenant: str | None = None) -> dict[str, int]:
        """Attempt every due delivery of ``tenant`` (or of all) once, in this thread, in order per stream.

        What advancing the clock promises before it answers. A head the worker is POSTing is waited for; a
        head that fails holds back its stream until its retry falls due on the clock (a later advance).
        """
        sent = delivered = 0
        attempted: set[str] = set()
        while self._thread is not None:  # only once started: an app in a test holds deliveries for inspection
            heads, _, busy = self.due(tenant, attempted, claim=True)
            if not heads:
                if not busy:
                    break
                with self._lock:
                    self._released.wait(0.05)
                continue
            for owner, key, stream in heads:
                try:
                    delivered += self.attempt(owner, key)
                finally:
                    self._release(owner, stream)
                attempted.add(key)
                sent += 1
        with self._lock:
            tenants = [tenant] if tenant else list(self._active)
        waiting = sum(self.store.count(pending_table(name)) for name in tenants)
        return {"sent": sent, "delivered": delivered, "waiting": waiting}

    @contextlib.contextmanager
    def held(self, tenant: str | None) -> Iterator[None]:
        """The worker leaves ``tenant``'s deliveries (all, for None) alone: an advance sends (and counts) them."""
        with self._lock:
            self._held.append(tenant or _GLOBAL)
        try:
            yield
        finally:
            with self._lock:
                self._held.remove(tenant or _GLOBAL)
            self._wake.set()

    def _release(self, tenant: str, stream: str) -> None:
        with self._lock:
            self._inflight.discard((tenant, stream))
            self._released.notify_all()
        self._wake.set()

    def attempt(self, tenant: str, delivery_id: str) -> bool:
        """POST one delivery and record the attempt; answers whether it was delivered."""
        delivery = self.store.get(outbox_table(tenant), delivery_id)
        if delivery is None or delivery["status"] != "pending":
            self.store.delete(pending_table(tenant), delivery_id)
            return False
        config = self.config(tenant)
        started, clock_started = self._now(tenant), time.perf_counter()
        status_code, failure, retryable = self._post(delivery, config["timeout_seconds"])
        attempt = {
            "at": started.isoformat(),
            "status_code": status_code,
            "error": failure,
            "duration_ms": round((time.perf_counter() - clock_started) * 1000, 1),
        }
        self._record(tenant, delivery_id, attempt, config, final=not retryable)
        return failure is None

    def _post(self, delivery: dict[str, Any], timeout: float) -> Posted:
        """(status code, error, whether a retry could succeed); the target is checked again, resolved, here."""
        return self.targets.post(delivery["url"], delivery["body"].encode("utf-8"), delivery["headers"], timeout)

    def _record(
        self, tenant: str, delivery_id: str, attempt: dict[str, Any], config: dict[str, Any], final: bool
    ) -> None:
        with self.store.lock:
            delivery = self.store.get(outbox_table(tenant), delivery_id)
            if delivery is None or delivery["status"] != "pending":
                return  # the tenant was reset while the POST was in flight
            attempts = [*delivery["attempts"], attempt]
            changes: dict[str, Any] = {"attempts": attempts, "next_attempt_at": None}
            if attempt["error"] is None:
                changes["status"] = "delivered"
            elif final or len(attempts) >= config["max_attempts"]:
                changes["status"] = "failed"
            else:
                backoff = config["backoff_seconds"]
                due = self._now(tenant).timestamp() + backoff[min(len(attempts), len(backoff)) - 1]
                changes["next_attempt_at"] = datetime.fromtimestamp(due, UTC).isoformat()
                self.store.put(pending_table(tenant), delivery_id, {"stream": delivery["stream"], "due": due})
            if changes.get("status"):
                self.store.delete(pending_table(tenant), delivery_id)
            self.store.update(outbox_table(tenant), delivery_id, changes)

    # -- the worker ----------------------------------------------------------------------------------------
    def start(self, workers: int = 4) -> None:
        """Deliver in the background: a scheduler thread, and a few threads so one slow receiver holds up no other."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="sandbox-webhook")
        self._thread = threading.Thread(target=self._loop, name="sandbox-webhook-scheduler", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            wait = 1.0
            try:
                heads, later, _ = self.due(claim=True, worker=True)
                for tenant, key, stream in heads:
                    assert self._pool is not None
                    self._pool.submit(self._run, tenant, key, stream)
                if later is not None:
                    wait = min(wait, max(0.01, later))
            except Exception:  # a bad record must not stop deliveries
                log.exception("webhook scheduling failed")
            self._wake.wait(wait)
            self._wake.clear()

    def _run(self, tenant: str, key: str, stream: str) -> None:
        try:
            self.attempt(tenant, key)
        except Exception:
            log.exception("webhook delivery %s failed unexpectedly", key)
        finally:
            self._release(tenant, stream)

    def stop(self) -> None:
        """Stop the worker; a POST in flight finishes (bounded by its timeout), one not yet started stays pending."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- whole-sandbox events ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Find every tenant with pending deliveries (start, full reset, state import)."""
        prefix = pending_table("")
        with self.store.lock:
            tenants = {name[len(prefix) :] for name in self.store.table_names() if name.startswith(prefix)}
        with self._lock:
            self._active = tenants
        self._wake.set()

    def forget(self, tenant: str) -> None:
        """A tenant reset: its tables go with the tenant's others; its configuration here."""
        self.store.delete(_CONFIG, tenant)
        with self._lock:
            self._active.discard(tenant)
