"""Server configuration: storage, fixtures, strictness, journal size and limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 8700
DEFAULT_FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures"
DEFAULT_SCENARIOS_DIR = Path(__file__).resolve().parents[1] / "scenarios"
STORE_FILE = "sandbox.json"


@dataclass(frozen=True)
class Config:
    memory: bool = True
    data_dir: Path | None = None
    fixtures_dir: Path = DEFAULT_FIXTURES_DIR
    strict: bool = False  # accept only known credentials
    journal_size: int = 5000
    journal_body_cap: int = 4096
    journal_max_bytes: int = 16 * 1024 * 1024  # the journal is bounded in bytes as well as in entries
    persist_commit_seconds: float = 0.05  # group commit of the change log: what kill -9 can lose
    seed: int | None = None  # for the random parts of ids
    max_body_bytes: int = 1024 * 1024
    max_state_bytes: int = 256 * 1024 * 1024  # PUT /_sandbox/state: a snapshot restore has its own limit
    body_timeout_seconds: float = 30.0  # serve: a request body must arrive within this (web/rsgi.py)
    control_token: str | None = None  # serve --control-token: every control call needs it (web/guard.py)
    control_hosts: tuple[str, ...] = ()  # Host names of this server besides addresses and local names (--host)
    webhook_allow: tuple[str, ...] = ()  # serve --webhook-allow: addresses, networks, names (core.webhook_targets)
    listen: tuple[str, int] | None = None  # where serve listens: webhooks may not target it
    max_tenants: int = 2000  # serve --max-tenants; 0: no cap (core.tenants)
    tenant_idle_seconds: float = 10.0  # at the cap, a tenant idle this long makes room for a new key's
    events_kept_per_tenant: int = 10_000
    scenarios_dirs: tuple[Path, ...] = (DEFAULT_SCENARIOS_DIR,)  # the ready-made ones, plus --scenarios DIR
    active_scenarios: tuple[str, ...] = ()  # serve --scenario NAME: active for everyone from the start
    demo: bool = False  # serve --demo: the demo tenant is filled with the demo story at start

    @property
    def store_path(self) -> Path | None:
        if self.memory or self.data_dir is None:
            return None
        return self.data_dir / STORE_FILE
