"""One tenant's handle on the sandbox's services, and the base class every vendor backend builds on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

from sandbox.config import Config
from sandbox.core.auth import Credential
from sandbox.core.clock import Clock
from sandbox.core.ids import Ids
from sandbox.core.outbox import Outbox
from sandbox.core.ratelimit import RateLimiter
from sandbox.core.settings import Settings
from sandbox.core.store import Store, table_name


class Engine(Protocol):
    """The lifecycle engine as backends use it (``core.lifecycle.Lifecycles``)."""

    def track(
        self,
        name: str,
        tenant: str,
        key: str,
        state: str | None = None,
        stored: dict[str, Any] | None = None,
        requested: str | None = None,
    ) -> dict[str, Any]: ...

    def trigger(
        self, name: str, tenant: str, key: str, action_name: str, requested: str | None = None
    ) -> dict[str, Any]: ...

    def observe(self, name: str, tenant: str, key: str) -> dict[str, Any] | None: ...

    def create(
        self, name: str, tenant: str, key: str, record: dict[str, Any], requested: str | None = None
    ) -> dict[str, Any]: ...

    def untrack(self, name: str, tenant: str, key: str) -> None: ...

    def tick(self, tenant: str | None = None) -> int: ...

    def config(self, tenant: str | None, name: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Services:
    """The collaborators a backend or a lifecycle hook may use; built once by the composition root."""

    config: Config
    store: Store
    clock: Clock
    ids: Ids
    settings: Settings
    lifecycles: Engine
    outbox: Outbox
    rate_limits: RateLimiter
    fixtures: Mapping[str, dict[str, Any]]  # per vendor: ``{file stem: parsed content}``


@dataclass(frozen=True)
class Tenant:
    """A tenant as one request (or one lifecycle step) sees it.

    ``credential`` is the caller's (None outside a vendor request); ``outcomes`` are the lifecycle
    outcomes a fired scenario rule asks for the records this request touches.
    """

    name: str
    services: Services
    credential: Credential | None = None
    outcomes: Mapping[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def ids(self) -> Ids:
        return self.services.ids

    @property
    def outbox(self) -> Outbox:
        return self.services.outbox

    def now(self) -> datetime:
        return self.services.clock.now(self.name)

    def table(self, vendor: str, collection: str) -> str:
        return table_name(vendor, collection, self.name)

    def settings(self, vendor: str) -> Mapping[str, Any]:
        return self.services.settings.get(self.name, vendor)

    def durations(self, machine: str) -> Mapping[str, float]:
        return self.services.lifecycles.config(self.name, machine)["durations"]

    def fixtures(self, vendor: str) -> dict[str, Any]:
        return dict(self.services.fixtures.get(vendor) or {})


class Backend:
    """A vendor backend bound to one tenant: its tables, its clock, and its records' lifecycles."""

    vendor: ClassVar[str]

    def __init__(self, tenant: Tenant) -> None:
        self.scope = tenant
        self.services = tenant.services
        self.store = tenant.services.store
        self.tenant = tenant.name

    def table(self, collection: str) -> str:
        return table_name(self.vendor, collection, self.tenant)

    def now(self) -> datetime:
        return self.services.clock.now(self.tenant)

    def settings(self) -> Mapping[str, Any]:
        return self.services.settings.get(self.tenant, self.vendor)

    # -- lifecycles: the request's scenario outcome goes with every move it starts -------------------------
    def track(
        self, machine: str, key: str, state: str | None = None, stored: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        requested = self.scope.outcomes.get(machine)
        return self.services.lifecycles.track(machine, self.tenant, key, state, stored, requested)

    def track_new(self, machine: str, key: str, record: dict[str, Any]) -> dict[str, Any]:
        """Store a new record that follows ``machine`` from its initial state (one write)."""
        requested = self.scope.outcomes.get(machine)
        return self.services.lifecycles.create(machine, self.tenant, key, record, requested)

    def trigger(self, machine: str, key: str, action: str) -> dict[str, Any]:
        requested = self.scope.outcomes.get(machine)
        return self.services.lifecycles.trigger(machine, self.tenant, key, action, requested)

    def observe(self, machine: str, key: str) -> dict[str, Any] | None:
        return self.services.lifecycles.observe(machine, self.tenant, key)
