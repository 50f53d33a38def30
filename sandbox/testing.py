"""A test's handle on a sandbox: its own key for every vendor, and the control API bound to that key's tenant."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import requests

from sandbox.app import VENDORS

# (method, path under the server's root, JSON body, query) -> (HTTP status, JSON answer)
Transport = Callable[[str, str, Any, Mapping[str, str] | None], tuple[int, Any]]
_SPECS = {vendor.name: vendor for vendor in VENDORS}
_MACHINES = {machine.name: machine for vendor in VENDORS for machine in vendor.machines}


class SandboxError(AssertionError):
    """A control call the sandbox refused: its status and its answer (``{"error", "message"}``)."""

    def __init__(self, method: str, path: str, status: int, answer: Any) -> None:
        super().__init__(f"{method} {path} answered {status}: {answer}")
        self.status = status
        self.answer = answer


def new_key(prefix: str = "test") -> str:
    """A key no one else holds: well formed for every vendor, so a tenant of its own."""
    return f"{prefix}-{uuid4().hex}"


def http_transport(url: str, session: requests.Session | None = None, timeout: float = 30.0) -> Transport:
    """Control calls over HTTP to a served sandbox at ``url``."""
    session = session or requests.Session()

    def call(method: str, path: str, body: Any, query: Mapping[str, str] | None) -> tuple[int, Any]:
        response = session.request(method, f"{url}{path}", json=body, params=query, timeout=timeout)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    return call


@dataclass
class SandboxControl:
    """What the ``sandbox`` fixture (and ``sandbox.mock()``) hands a test.

    ``key`` is the test's own credential, good for every vendor, so one tenant whichever vendor it calls;
    every helper acts on that tenant only (``scoped``), so tests share one server without seeing each
    other. A mock's sandbox is the test's own: there the helpers act on all of it (``scoped=False``).
    """

    url: str  # the sandbox's root: vendors under /<vendor>, the control API under /_sandbox
    transport: Transport
    key: str = field(default_factory=new_key)
    scoped: bool = True

    # -- what a client under test needs -------------------------------------------------------------------
    def vendor_url(self, vendor: str) -> str:
        """The vendor's base URL on this sandbox (its paths follow, as on the vendor's own host)."""
        return f"{self.url}/{self._vendor(vendor)}"

    def credential(self, vendor: str) -> str:
        """The test's key, as ``vendor`` takes it (the same key for every vendor: one tenant)."""
        self._vendor(vendor)
        return self.key

    def headers(self, vendor: str) -> dict[str, str]:
        """The ``Authorization`` header ``vendor`` expects for the test's key (Infobip: ``App``, others: Bearer)."""
        return dict(_SPECS[self._vendor(vendor)].auth_header(self.key))

    @property
    def tenant(self) -> str | None:
        """The tenant the key maps to (None for a mock's unscoped handle)."""
        tenant = self.call("GET", "/_sandbox/clock")["tenant"]
        return str(tenant) if tenant is not None else None

    # -- time, scenarios, lifecycles --------------------------------------------------------------------------
    def now(self) -> datetime:
        """The tenant's virtual time."""
        return datetime.fromisoformat(self.call("GET", "/_sandbox/clock")["now"])

    def advance(self, seconds: float | None = None, *, to: datetime | str | None = None) -> dict[str, Any]:
        """Move the tenant's clock forward; due transitions run and due webhooks are sent before it answers."""
        if (seconds is None) == (to is None):
            raise ValueError("give either seconds or to")
        moment = to.isoformat() if isinstance(to, datetime) else to
        body = {"seconds": seconds} if to is None else {"to": moment}
        return dict(self.call("POST", "/_sandbox/clock/advance", body))

    def activate(self, scenario: str) -> list[str]:
        """Activate a scenario (ready-made or defined) for the tenant; answers what is active for it."""
        return list(self.call("POST", f"/_sandbox/scenarios/{quote(scenario)}/activate", {})["active"])

    def deactivate(self, scenario: str | None = None) -> list[str]:
        """Deactivate one scenario for the tenant, or all of them."""
        if scenario is None:
            return list(self.call("DELETE", "/_sandbox/scenarios/active")["active"])
        return list(self.call("POST", f"/_sandbox/scenarios/{quote(scenario)}/deactivate", {})["active"])

    def define(self, scenario: Mapping[str, Any]) -> dict[str, Any]:
        """Define a scenario (the document of a scenario file, as a dict); activate it by its name."""
        return dict(self.call("POST", "/_sandbox/scenarios", dict(scenario), scope=False))

    def lifecycle(
        self,
        name: str,
        *,
        mode: str | None = None,
        durations: Mapping[str, float] | None = None,
        outcome: str | None = None,
    ) -> dict[str, Any]:
        """Set a lifecycle's ``mode`` (time, immediate, manual), step ``durations`` or forced ``outcome``."""
        changes = {"mode": mode, "durations": dict(durations) if durations else None, "outcome": outcome}
        body = {"lifecycle": name, **{k: v for k, v in changes.items() if v is not None}}
        return dict(self.call("POST", "/_sandbox/lifecycles", body)["config"])

    def force(self, name: str, record_id: str, outcome: str) -> dict[str, Any]:
        """Force the branch one record takes at its next step (``rejected``, ``failed``...)."""
        return dict(self.call("POST", "/_sandbox/lifecycles", {"lifecycle": name, "id": record_id, "outcome": outcome}))

    def record(self, lifecycle: str, record_id: str) -> dict[str, Any]:
        """A record's place in a lifecycle: ``state``, ``outcome``, ``next_due``, ``history``."""
        self._machine(lifecycle)
        return dict(self.call("GET", f"/_sandbox/lifecycles/{quote(lifecycle)}/{quote(str(record_id), safe='')}"))

    def status(self, lifecycle: str, record_id: str) -> str:
        """A record's state in a lifecycle as of the tenant's clock, e.g. ``status("infobip.campaign", id)``."""
        return str(self.record(lifecycle, record_id)["state"])

    # -- what happened ------------------------------------------------------------------------------------------
    def journal(self, **filters: str | int) -> list[dict[str, Any]]:
        """The tenant's vendor requests, oldest first; filters: vendor, method, path (glob), status, operation..."""
        query = {k: str(v) for k, v in filters.items()}
        return list(self.call("GET", "/_sandbox/requests", query=query)["requests"])

    def clear_journal(self) -> int:
        return int(self.call("DELETE", "/_sandbox/requests")["deleted"])

    def deliveries(self, **filters: str) -> list[dict[str, Any]]:
        """The tenant's webhook deliveries with their attempts; filters: status, vendor, stream, event."""
        return list(self.call("GET", "/_sandbox/webhooks/deliveries", query=dict(filters))["deliveries"])

    # -- settings, reset, anything else ----------------------------------------------------------------------
    def settings(self, vendor: str, **values: Any) -> dict[str, Any]:
        """Patch the tenant's settings of one vendor (none: read them); answers the vendor's settings in force."""
        vendor = self._vendor(vendor)
        if not values:
            return dict(self.call("GET", "/_sandbox/settings")[vendor])
        return dict(self.call("PATCH", "/_sandbox/settings", {vendor: values})[vendor])

    def reset(self) -> None:
        """The tenant back to fresh reference data (its key keeps working); a mock's sandbox back to its fixtures."""
        self.call("POST", "/_sandbox/reset", {})

    def call(
        self, method: str, path: str, body: Any = None, query: Mapping[str, str] | None = None, scope: bool = True
    ) -> Any:
        """Any control call, scoped to the tenant; a refusal raises ``SandboxError``."""
        if self.scoped:
            # The key in the query of every call, a body's scope besides: a proxy spreading tenants over instances
            # routes on what it sees (deploy/), so the test's calls, a scenario it defines included, reach its tenant.
            query = {"credential": self.key, **(query or {})}
            if scope and (body is not None or method not in ("GET", "DELETE")):
                body = {"credential": self.key, **(body or {})}
        status, answer = self.transport(method, path, body, query)
        if status >= 400:
            raise SandboxError(method, path, status, answer)
        return answer

    @staticmethod
    def _vendor(name: str) -> str:
        if name not in _SPECS:
            raise ValueError(f"no vendor {name!r}; known: {sorted(_SPECS)}")
        return name

    @staticmethod
    def _machine(name: str) -> None:
        if name not in _MACHINES:
            raise ValueError(f"no lifecycle {name!r}; known: {sorted(_MACHINES)}")
