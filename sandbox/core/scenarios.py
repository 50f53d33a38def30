"""The scenario library, which scenarios are active where, and which rule a vendor request fires."""

from __future__ import annotations

import fnmatch
import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sandbox.core.errors import ControlError
from sandbox.core.scenario_files import Known, Rule, Scenario, ScenarioError, build, read_files
from sandbox.core.store import Store

_DEFINED = "_sandbox.scenarios"  # scenarios posted through the control API
_ACTIVE = "_sandbox.scenarios_active"  # scope ("*" or a tenant) -> {"names": [...]}
GLOBAL = "*"


@dataclass(frozen=True)
class Hit:
    """The rule that fired for a request."""

    scenario: Scenario
    index: int
    rule: Rule
    vendor: str

    @property
    def label(self) -> str:
        return f"{self.scenario.name}#{self.index}"


class HeaderLookup(Protocol):
    """A request's headers, looked up case-insensitively (werkzeug's ``Headers``)."""

    def get(self, key: str, default: None, /) -> str | None: ...


@dataclass(frozen=True)
class Call:
    """What rules match on; the body is parsed only if a rule asks for it."""

    vendor: str
    operation: str | None
    method: str
    path: str
    headers: HeaderLookup  # the request's
    tenant: str | None
    body: Callable[[], Any]


class UnknownScenario(ControlError):
    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(404, "unknown_scenario", f"no scenario {name!r}; known: {sorted(known)}")


class Scenarios:
    """Inactive until activated: globally, for a tenant, or per request (``X-Sandbox-Scenario``).

    ``times``/``after`` count the matches of each rule per scope (a tenant, or "*" for a global
    activation); a request naming a scenario in its header counts in its tenant's scope, so a client
    that retries with the same header sees "fail twice, then succeed". Counters restart on activation.
    """

    def __init__(
        self, store: Store, roots: Iterable[Path], startup: Iterable[str] = (), seed: int | None = None
    ) -> None:
        self.store = store
        self.seed = seed
        self.roots = [Path(root) for root in roots]
        self.startup = tuple(startup)
        self.known = Known({}, {}, {})
        self._files: dict[str, Scenario] | None = None
        self.notes: list[str] = []  # files under the roots skipped as no scenario (hidden, data dirs...)
        self._posted: dict[str, Scenario] = {}
        self._active: dict[str, list[str]] = {}
        self._counts: dict[tuple[str, str, int], int] = {}
        self._random: dict[tuple[str, str], random.Random] = {}
        self._lock = store.lock  # the store's: one lock order everywhere (an eviction forgets under it)

    # -- loading --------------------------------------------------------------------------------------
    def start(self, known: Known) -> None:
        """Read the scenario files once the vendors' operations are known; raise ``ScenarioError`` if any is bad."""
        self.known = known
        self._files = None
        self.reload()
        if not self.startup:
            return  # the files are read on first use: a plain start stays fast
        missing = [name for name in self.startup if name not in self.library]
        if missing:
            raise ScenarioError([f"--scenario {name}: no such scenario" for name in missing])
        if self.startup and not self.store.contains(_ACTIVE, GLOBAL):
            self._set_active(GLOBAL, list(self.startup))

    def reload(self) -> None:
        """Posted scenarios and activations from the store (start, reset, state import)."""
        with self._lock:
            self._posted = {}
            for name, row in self.store.items(_DEFINED):
                try:
                    self._posted[name] = build(row["document"], "api", self.known)
                except ScenarioError:
                    continue  # an imported state from another version; its scenario no longer loads
            self._active = {scope: list(row["names"]) for scope, row in self.store.items(_ACTIVE)}
            self._counts.clear()
            self._random.clear()

    def after_full_reset(self) -> None:
        self.reload()
        if self.startup:
            self._set_active(GLOBAL, list(self.startup))

    def forget(self, tenant: str) -> None:
        with self._lock:
            self.store.delete(_ACTIVE, tenant)
            self._active.pop(tenant, None)
            self._drop_counters(tenant, None)

    @property
    def files(self) -> dict[str, Scenario]:
        if self._files is None:
            with self._lock:
                if self._files is None:
                    self.notes = []
                    self._files = {s.name: s for s in read_files(self.roots, self.known, self.notes)}
        return self._files

    @property
    def library(self) -> dict[str, Scenario]:
        return {**self.files, **self._posted}

    def get(self, name: str) -> Scenario:
        found = self.library.get(name)
        if found is None:
            raise UnknownScenario(name, self.library)
        return found

    def define(self, document: Any) -> tuple[Scenario, bool]:
        """Add or replace a scenario posted through the control API; answers it and whether it is new."""
        scenario = build(document, "api", self.known)
        if scenario.name in self.files:
            raise ControlError(
                409, "scenario_exists", f"{scenario.name!r} comes from {self.files[scenario.name].source}"
            )
        with self._lock:
            created = scenario.name not in self._posted
            self._posted[scenario.name] = scenario
            self.store.put(_DEFINED, scenario.name, {"document": scenario.document})
            self._drop_counters(None, scenario.name)
        return scenario, created

    def remove(self, name: str) -> None:
        if name in self.files:
            raise ControlError(409, "scenario_from_file", f"{name!r} comes from {self.files[name].source}")
        if name not in self._posted:
            raise UnknownScenario(name, self.library)
        with self._lock:
            del self._posted[name]
            self.store.delete(_DEFINED, name)
            for scope, names in list(self._active.items()):
                if name in names:
                    self._set_active(scope, [n for n in names if n != name])

    # -- activation ---------------------------------------------------------------------------------
    def activate(self, name: str, tenant: str | None) -> list[str]:
        self.get(name)
        scope = tenant or GLOBAL
        with self._lock:
            names = [n for n in self._active.get(scope, []) if n != name] + [name]
            self._set_active(scope, names)
            self._drop_counters(scope, name)
            return names

    def deactivate(self, name: str | None, tenant: str | None) -> list[str]:
        scope = tenant or GLOBAL
        with self._lock:
            names = [n for n in self._active.get(scope, []) if name is not None and n != name]
            self._set_active(scope, names)
            return names

    def active(self, tenant: str | None) -> list[str]:
        return list(self._active.get(tenant or GLOBAL, []))

    def activations(self) -> dict[str, list[str]]:
        return {scope: list(names) for scope, names in self._active.items() if names}

    def _set_active(self, scope: str, names: list[str]) -> None:
        if names:
            self._active[scope] = names
            self.store.put(_ACTIVE, scope, {"names": names})
        else:
            self._active.pop(scope, None)
            self.store.delete(_ACTIVE, scope)

    def _drop_counters(self, scope: str | None, name: str | None) -> None:
        def keep(key: tuple[Any, ...]) -> bool:
            return not ((scope is None or key[0] == scope) and (name is None or key[1] == name))

        self._counts = {k: v for k, v in self._counts.items() if keep(k)}
        self._random = {k: v for k, v in self._random.items() if keep(k)}

    # -- matching -----------------------------------------------------------------------------------
    @property
    def idle(self) -> bool:
        """True when nothing is active anywhere: the one check every request pays."""
        return not self._active

    def fire(self, call: Call, requested: Iterable[str]) -> Hit | None:
        """The first rule that matches ``call`` and is not spent, skipped or unlucky; it is counted."""
        scoped: list[tuple[str, str]] = []
        tenant_scope = call.tenant or GLOBAL
        scoped += [(tenant_scope, name) for name in requested]
        if call.tenant is not None:
            scoped += [(call.tenant, name) for name in self._active.get(call.tenant, [])]
        scoped += [(GLOBAL, name) for name in self._active.get(GLOBAL, [])]
        library = self.library
        with self._lock:
            for scope, name in scoped:
                scenario = library.get(name)
                if scenario is None:
                    raise UnknownScenario(name, library)
                for index, rule in enumerate(scenario.rules):
                    if not _matches(rule.match, call):
                        continue
                    key = (scope, name, index)
                    seen = self._counts.get(key, 0)
                    if rule.times is not None and seen >= rule.after + rule.times:
                        continue
                    self._counts[key] = seen + 1
                    if seen < rule.after:
                        continue
                    if rule.probability < 1.0 and self._rng(scope, scenario).random() >= rule.probability:
                        continue
                    return Hit(scenario, index, rule, call.vendor)
        return None

    def counts(self, name: str) -> dict[str, list[int]]:
        """Matches seen so far per scope, for each rule of a scenario (``after`` ones included)."""
        scenario = self.get(name)
        scopes = sorted({key[0] for key in self._counts if key[1] == name})
        return {s: [self._counts.get((s, name, i), 0) for i in range(len(scenario.rules))] for s in scopes}

    def _rng(self, scope: str, scenario: Scenario) -> random.Random:
        key = (scope, scenario.name)
        rng = self._random.get(key)
        if rng is None:
            seed = scenario.seed if scenario.seed is not None else (self.seed or 0)
            rng = self._random[key] = random.Random(f"{seed}:{scenario.name}:{scope}")
        return rng


def _matches(match: Mapping[str, Any], call: Call) -> bool:
    if match.get("vendor", call.vendor) != call.vendor:
        return False
    if "operation" in match and match["operation"] != call.operation:
        return False
    if "method" in match and match["method"] != call.method:
        return False
    if "path" in match and not fnmatch.fnmatchcase(call.path, match["path"]):
        return False
    if "tenant" in match and not (call.tenant and fnmatch.fnmatchcase(call.tenant, match["tenant"])):
        return False
    for header, value in match.get("headers", {}).items():
        if call.headers.get(header, None) != value:
            return False
    return "body" not in match or _contains(call.body(), match["body"])


def _contains(actual: Any, expected: Any) -> bool:
    """JSON subset: every key of ``expected`` is in ``actual`` with a matching value (lists compare whole)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _contains(actual[k], v) for k, v in expected.items())
    return bool(actual == expected and type(actual) is type(expected))


def lenient_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None
