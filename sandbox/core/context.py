"""The running sandbox: store, clock, journal, ids, credentials, tenants and settings together."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from flask import current_app

from sandbox.config import Config
from sandbox.core.auth import Credentials
from sandbox.core.clock import Clock
from sandbox.core.fixtures import load_vendor_fixtures
from sandbox.core.ids import Ids
from sandbox.core.journal import Journal
from sandbox.core.lifecycle import Lifecycles
from sandbox.core.ratelimit import RateLimiter
from sandbox.core.scenarios import Scenarios
from sandbox.core.settings import Settings
from sandbox.core.store import Store
from sandbox.core.webhooks import Webhooks
from sandbox.registry import Vendor

_TENANTS = "_sandbox.tenants"


def table_name(vendor: str, collection: str, tenant: str) -> str:
    """Every tenant's records of one kind live in a table of their own: isolation and O(1) reset."""
    return f"{vendor}.{collection}/{tenant}"


class TenantBackend:
    """A vendor backend's view of one tenant: its tables and its clock. Subclasses name their vendor."""

    vendor: ClassVar[str]

    def __init__(self, sandbox: Sandbox, tenant: str) -> None:
        self.sandbox = sandbox
        self.store = sandbox.store
        self.tenant = tenant

    def table(self, collection: str) -> str:
        return table_name(self.vendor, collection, self.tenant)

    def now(self) -> datetime:
        return self.sandbox.clock.now(self.tenant)


class Sandbox:
    def __init__(self, config: Config, vendors: Mapping[str, Vendor]) -> None:
        self.config = config
        self.vendors = dict(vendors)
        self.started = time.monotonic()
        self.store = Store(config.store_path, config.persist_debounce_seconds)
        self.clock = Clock(self.store)
        self.journal = Journal(config.journal_size, config.journal_body_cap)
        self.ids = Ids(config.seed)
        self.credentials = Credentials(self.store, strict=config.strict)
        self.settings = Settings(self.store, {n: v.settings_schema for n, v in self.vendors.items()})
        self.fixtures = {name: load_vendor_fixtures(config.fixtures_dir, name) for name in self.vendors}
        self.rate_limits = RateLimiter()
        self.lifecycles = Lifecycles(self)
        self.webhooks = Webhooks(self.store, self.ids, self.clock)
        for vendor in self.vendors.values():
            for machine in vendor.machines:
                self.lifecycles.register(machine)
        self.lifecycles.reload()
        self.scenarios = Scenarios(self, config.scenarios_dirs, config.active_scenarios)
        self._seeded = self._seeded_in_store()
        self._seed_lock = threading.Lock()
        for vendor in self.vendors.values():
            vendor.install(self)
        self._load_fixtures()

    # -- tenants ---------------------------------------------------------------------------------------
    def ensure_tenant(self, tenant: str, vendor: str) -> None:
        """Give a tenant its copy of the vendor's reference data the first time it is used."""
        if (tenant, vendor) in self._seeded:
            return
        with self._seed_lock, self.store.lock:
            if (tenant, vendor) in self._seeded:
                return
            self.vendors[vendor].seed_tenant(self, tenant)
            row = self.store.get(_TENANTS, tenant) or {"vendors": []}
            row["vendors"] = sorted({*row["vendors"], vendor})
            self.store.put(_TENANTS, tenant, row)
            self._seeded.add((tenant, vendor))

    def tenants(self) -> list[str]:
        return sorted({tenant for tenant, _ in self._seeded} | self.credentials.tenants())

    # -- reset ---------------------------------------------------------------------------------------
    def reset(self, tenant: str | None = None) -> None:
        """Everything back to the fixtures, or one tenant back to fresh reference data.

        Resetting one tenant keeps its credentials, so the key a test holds keeps working.
        """
        with self.store.lock:
            if tenant is None:
                self.store.drop_where(lambda name: True)
                self.credentials.reload()
                self.clock.reload()
                self.settings.forget()
                self.journal.clear({})
                self._seeded.clear()
                self.lifecycles.reload()
                self.webhooks.reload()
                self.rate_limits.forget()
                self.scenarios.after_full_reset()
                self._load_fixtures()
                return
            self.store.drop_where(lambda name: name.endswith(f"/{tenant}"))
            self.store.delete(_TENANTS, tenant)
            self.clock.forget(tenant)
            self.settings.forget(tenant)
            self.lifecycles.forget(tenant)
            self.webhooks.forget(tenant)
            self.rate_limits.forget(f"{tenant}:")
            self.scenarios.forget(tenant)
            self.journal.clear({"tenant": tenant})
            vendors = [vendor for (name, vendor) in self._seeded if name == tenant]
            self._seeded = {pair for pair in self._seeded if pair[0] != tenant}
            for vendor in vendors:
                self.ensure_tenant(tenant, vendor)

    def import_state(self, tables: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        """Replace all state with an export from ``GET /_sandbox/state`` (a snapshot restore)."""
        with self.store.lock:
            self.store.replace_all(tables)
            self.credentials.reload()
            self.clock.reload()
            self.settings.clear_cache()
            self.lifecycles.reload()
            self.webhooks.reload()
            self.scenarios.reload()
            self._seeded = self._seeded_in_store()

    def _seeded_in_store(self) -> set[tuple[str, str]]:
        """The (tenant, vendor) pairs whose reference data the store already holds."""
        return {(tenant, vendor) for tenant, row in self.store.items(_TENANTS) for vendor in row["vendors"]}

    def _load_fixtures(self) -> None:
        """Fixture credentials always win over stored ones; seeding is a no-op for seeded tenants."""
        for name, vendor in self.vendors.items():
            credentials = vendor.fixture_credentials(self.fixtures[name])
            self.credentials.load(credentials)
            for tenant in sorted({credential.tenant for credential in credentials}):
                self.ensure_tenant(tenant, name)

    def close(self) -> None:
        self.lifecycles.stop_ticker()
        self.webhooks.stop()
        self.store.close()


def current_sandbox() -> Sandbox:
    return current_app.extensions["sandbox"]
