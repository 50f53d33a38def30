"""Per-tenant vendor settings: vendor defaults, overridden globally, overridden per tenant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError

from sandbox.core.errors import ControlError
from sandbox.core.store import Store

_TABLE = "_sandbox.settings"
GLOBAL = "*"


class Settings:
    """Each vendor contributes a marshmallow schema whose ``load_default`` values are the defaults."""

    def __init__(self, store: Store, schemas: Mapping[str, type[Schema]]) -> None:
        self._store = store
        self._schemas = schemas
        self._defaults = {vendor: schema().load({}) for vendor, schema in schemas.items()}
        self._cache: dict[tuple[str, str], dict[str, Any]] = {}

    def get(self, tenant: str | None, vendor: str) -> dict[str, Any]:
        key = (tenant or GLOBAL, vendor)
        cached = self._cache.get(key)
        if cached is None:
            merged = dict(self._defaults[vendor])
            merged.update((self._store.get(_TABLE, GLOBAL) or {}).get(vendor, {}))
            if tenant not in (None, GLOBAL):
                merged.update((self._store.get(_TABLE, tenant) or {}).get(vendor, {}))
            cached = self._cache[key] = merged
        return cached

    def view(self, tenant: str | None) -> dict[str, Any]:
        return {vendor: dict(self.get(tenant, vendor)) for vendor in self._schemas}

    def patch(self, tenant: str | None, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Validate and apply ``{vendor: {setting: value}}``; answer the settings now in force."""
        scope = tenant or GLOBAL
        stored = self._store.get(_TABLE, scope) or {}
        for vendor, values in changes.items():
            schema = self._schemas.get(vendor)
            if schema is None:
                raise ControlError(400, "invalid_settings", f"unknown vendor {vendor!r}")
            if not isinstance(values, Mapping):
                raise ControlError(400, "invalid_settings", f"{vendor}: an object of settings is expected")
            try:
                loaded = schema(partial=True).load(values)
            except ValidationError as error:
                raise ControlError(400, "invalid_settings", f"{vendor}: {error.messages}") from error
            stored[vendor] = {**stored.get(vendor, {}), **loaded}
        self._store.put(_TABLE, scope, stored)
        self._cache.clear()
        return self.view(tenant)

    def clear_cache(self) -> None:
        self._cache.clear()

    def forget(self, tenant: str | None = None) -> None:
        if tenant is None:
            self._store.drop(_TABLE)
        else:
            self._store.delete(_TABLE, tenant)
        self._cache.clear()
