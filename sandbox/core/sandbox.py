"""The composition root: store, clock, journal, ids, credentials, settings, lifecycles, scenarios and outbox."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from sandbox.config import Config
from sandbox.core import memory, snapshot
from sandbox.core.auth import Credential, Credentials
from sandbox.core.clock import Clock
from sandbox.core.fixtures import load_vendor_fixtures
from sandbox.core.ids import Ids
from sandbox.core.journal import Journal
from sandbox.core.lifecycle import Lifecycles
from sandbox.core.machines import Machine
from sandbox.core.outbox import Outbox
from sandbox.core.ratelimit import RateLimiter
from sandbox.core.scenario_files import Known, ScenarioError, build
from sandbox.core.scenarios import Scenarios
from sandbox.core.settings import Settings
from sandbox.core.store import Store, StoreLoadError
from sandbox.core.tenant import Services, Tenant
from sandbox.core.tenants import TenantRegistry
from sandbox.core.vendor import Vendor
from sandbox.core.webhook_targets import WebhookPolicy

_TENANTS = "_sandbox.tenants"


class Sandbox:
    def __init__(self, config: Config, vendors: Mapping[str, Vendor]) -> None:
        self.config = config
        self.vendors = dict(vendors)
        self.started = time.monotonic()
        self.store = Store(config.store_path, config.persist_commit_seconds)
        self._check_loaded()
        self.clock = Clock(self.store)
        self.journal = Journal(config.journal_size, config.journal_body_cap, config.journal_max_bytes)
        self.ids = Ids(config.seed)
        self.credentials = Credentials(self.store, strict=config.strict)
        self.tenant_registry = TenantRegistry(config.max_tenants, config.tenant_idle_seconds)
        self.credentials.admit = self._admit
        self.settings = Settings(self.store, {n: v.settings_schema for n, v in self.vendors.items()})
        self.fixtures = {name: load_vendor_fixtures(config.fixtures_dir, name) for name in self.vendors}
        self.rate_limits = RateLimiter()
        self.lifecycles = Lifecycles(self.store, self.clock, self.tenant)
        self.outbox = Outbox(self.store, self.ids, self.clock, WebhookPolicy(config.webhook_allow, config.listen))
        self.services = Services(
            config=config,
            store=self.store,
            clock=self.clock,
            ids=self.ids,
            settings=self.settings,
            lifecycles=self.lifecycles,
            outbox=self.outbox,
            rate_limits=self.rate_limits,
            fixtures=self.fixtures,
        )
        for vendor in self.vendors.values():
            for machine in vendor.machines:
                self.lifecycles.register(machine)
        self.lifecycles.reload()
        self.scenarios = Scenarios(self.store, config.scenarios_dirs, config.active_scenarios, config.seed)
        self._seeded = self._seeded_in_store()
        self._seed_lock = threading.RLock()
        self._register_stored()
        self._load_fixtures()

    def tenant(
        self, name: str, credential: Credential | None = None, outcomes: Mapping[str, str] | None = None
    ) -> Tenant:
        """A tenant's handle on the services, for a backend, a lifecycle hook or a tenant's seeding."""
        return Tenant(name, self.services, credential, outcomes or {})

    def start_scenarios(self, operations: Mapping[str, Any]) -> None:
        """Check the scenario library against every vendor's catalogue, operations and lifecycle outcomes."""
        self.scenarios.start(
            Known(
                errors={name: sorted(vendor.catalogue) for name, vendor in self.vendors.items()},
                operations={name: sorted(operations.get(name, ())) for name in self.vendors},
                outcomes={name: machine.outcomes for name, machine in self.lifecycles.machines.items()},
            )
        )

    # -- tenants ---------------------------------------------------------------------------------------
    def ensure_tenant(self, tenant: str, vendor: str) -> None:
        """Give a tenant its copy of the vendor's reference data the first time it is used."""
        if (tenant, vendor) in self._seeded:
            self.tenant_registry.touch(tenant)
            return
        with self._seed_lock, self.store.lock:
            if (tenant, vendor) in self._seeded:
                return
            if tenant not in self.tenant_registry:
                if self.tenant_registry.full():
                    victim = self.tenant_registry.victim()  # a tenant of the control API may go past the cap
                    if victim is not None:
                        self.forget_tenant(victim)
                self.tenant_registry.add(tenant, self.credentials.protected(tenant))
            self.vendors[vendor].seed_tenant(self.tenant(tenant))
            row = self.store.get(_TENANTS, tenant) or {"vendors": []}
            row["vendors"] = sorted({*row["vendors"], vendor})
            self.store.put(_TENANTS, tenant, row)
            self._seeded.add((tenant, vendor))

    def tenants(self) -> list[str]:
        return sorted(set(self.tenant_registry.names()) | self.credentials.tenants())

    def tenant_count(self) -> int:
        """How many tenants hold reference data: O(1), for health."""
        return len(self.tenant_registry)

    def put_credential(self, credential: Credential) -> bool:
        """A credential from the control API (answers whether it is new); its tenant is never evicted."""
        created = self.credentials.put(credential)
        self.ensure_tenant(credential.tenant, credential.vendor)
        self.tenant_registry.add(credential.tenant, protected=credential.origin != "auto")
        return created

    def _admit(self, tenant: str) -> None:
        """Make room for the tenant of a key seen for the first time, or raise ``TenantCapReached``."""
        if tenant in self.tenant_registry or not self.tenant_registry.full():
            return
        with self._seed_lock, self.store.lock:
            if tenant in self.tenant_registry or not self.tenant_registry.full():
                return
            victim = self.tenant_registry.victim()
            if victim is None:
                raise self.tenant_registry.refusal()
            self.forget_tenant(victim)

    def forget_tenant(self, tenant: str) -> None:
        """Remove a tenant altogether, its keys included (an eviction); O(the tenant's own data)."""
        with self._seed_lock, self.store.lock:
            self.store.drop_tenant(tenant)
            self.store.delete(_TENANTS, tenant)
            self.credentials.forget_tenant(tenant)
            self.clock.forget(tenant)
            self.settings.forget(tenant)
            self.lifecycles.forget(tenant)
            self.outbox.forget(tenant)
            self.scenarios.forget(tenant)
            for vendor in self.vendors:
                self._seeded.discard((tenant, vendor))
            self.tenant_registry.remove(tenant)
        memory.release(at_most_every=10.0)  # evictions come one by one; trimming once in a while keeps RSS flat

    def _register_stored(self) -> None:
        """The tenants of a loaded or imported store, protected ones apart, in the order they were made."""
        self.tenant_registry.clear()
        for tenant in dict.fromkeys(tenant for tenant, _ in self._seeded):
            self.tenant_registry.add(tenant, self.credentials.protected(tenant))

    # -- reset ---------------------------------------------------------------------------------------
    def reset(self, tenant: str | None = None) -> None:
        """Everything back to the fixtures, or one tenant back to fresh reference data.

        Resetting one tenant keeps its credentials, so the key a test holds keeps working.
        """
        with self._seed_lock, self.store.lock:  # the order every path takes them in (ensure_tenant, eviction)
            if tenant is None:
                self.store.drop_where(lambda name: True)
                self.store.refused = None  # what was refused is gone with everything else
                self.credentials.reload()
                self.clock.reload()
                self.settings.forget()
                self.journal.clear({})
                self._seeded.clear()
                self.tenant_registry.clear()
                self.lifecycles.reload()
                self.outbox.reload()
                self.rate_limits.forget()
                self.scenarios.after_full_reset()
                self._load_fixtures()
                return
            self.store.drop_tenant(tenant)
            self.store.delete(_TENANTS, tenant)
            self.clock.forget(tenant)
            self.settings.forget(tenant)
            self.lifecycles.forget(tenant)
            self.outbox.forget(tenant)
            self.rate_limits.forget(f"{tenant}:")
            self.scenarios.forget(tenant)
            self.journal.clear({"tenant": tenant})
            vendors = [vendor for vendor in self.vendors if (tenant, vendor) in self._seeded]
            self._seeded -= {(tenant, vendor) for vendor in vendors}
            for vendor in vendors:
                self.ensure_tenant(tenant, vendor)

    def check_snapshot(self, document: Any, version: str) -> dict[str, dict[str, dict[str, Any]]]:
        """The tables of an export of ``GET /_sandbox/state``, checked whole; raises ``snapshot.SnapshotError``."""

        def scenario(posted: Any) -> None:
            try:
                build(posted, "api", self.scenarios.known)
            except ScenarioError as error:
                raise ValueError("; ".join(error.problems)) from None

        return snapshot.check(document, self._snapshot_rules(version, self.lifecycles.machines, scenario))

    def _snapshot_rules(
        self, version: str, machines: Mapping[str, Machine], scenario: Callable[[Any], None]
    ) -> snapshot.Rules:
        return snapshot.Rules(
            version=version,
            vendors=frozenset(self.vendors),
            settings={name: vendor.settings_schema for name, vendor in self.vendors.items()},
            machines=machines,
            scenario=scenario,
        )

    def _check_loaded(self) -> None:
        """A data dir whose own tables would break the start (a clock offset "x" or NaN, a credential without a
        tenant...) ends the start in one line, as a damaged file does. Only the ``_sandbox.*`` tables are checked
        (a fraction of a 100 MB store); a posted scenario that no longer builds is skipped later, not refused."""
        path = self.config.store_path
        if path is None:
            return
        try:
            machines = {machine.name: machine for vendor in self.vendors.values() for machine in vendor.machines}
            rules = self._snapshot_rules("", machines, lambda _: None)
            snapshot.check_tables(self.store.tables_view("_sandbox."), rules)
        except snapshot.SnapshotError as error:
            problem = f"it (or its change log) holds what this sandbox cannot read back, at {error}"
            raise StoreLoadError(path, problem) from None

    def import_state(self, tables: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        """Replace all state with the tables of a checked export (a snapshot restore)."""
        with self.store.lock:
            self.store.replace_all(tables)
            self.credentials.reload()
            self.clock.reload()
            self.settings.clear_cache()
            self.lifecycles.reload()
            self.outbox.reload()
            self.scenarios.reload()
            self._seeded = self._seeded_in_store()
            self._register_stored()

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
        self.outbox.stop()
        self.store.close()
