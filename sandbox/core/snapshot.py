"""A state snapshot (``GET``/``PUT /_sandbox/state``) checked whole before it replaces anything.

Checked: the version that exported it, the shape of every table and record, the types of what the sandbox
reads back (clock offsets, credentials, settings, lifecycle configurations and bookkeeping, webhook
deliveries, scenarios), and every value in every record (finite numbers, 64-bit integers, text without lone
surrogates, bounded nesting). The first problem is reported with its path, e.g.
``tables["_sandbox.clock"]["*"].offset_seconds: a number between 0 and 2.2e11 is expected``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError

from sandbox.core.jsontext import INT_LIMIT
from sandbox.core.machines import MODES, Machine
from sandbox.core.outbox import STATUSES, ConfigSchema

TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
VENDOR_TABLE = re.compile(r"^(?P<vendor>[a-z]+)\.(?P<collection>[a-z][a-z0-9_]*)/(?P<tenant>.+)$")
MAX_DEPTH = 64
MAX_OFFSET = 2.2e11  # the clock stops at the year 9000 (core.clock)
ORIGINS = ("fixture", "control", "auto")


class SnapshotError(ValueError):
    """The first problem of a snapshot, at ``path``."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Rules:
    """What a snapshot may hold: this sandbox's version, vendors, settings schemas, machines and scenarios."""

    version: str
    vendors: frozenset[str]
    settings: Mapping[str, type[Schema]]
    machines: Mapping[str, Machine]
    scenario: Callable[[Any], None]  # raises ValueError for a posted scenario document that does not load


def check(document: Any, rules: Rules) -> dict[str, dict[str, dict[str, Any]]]:
    """The snapshot's tables, or ``SnapshotError`` for its first problem."""
    if not isinstance(document, dict):
        raise SnapshotError("(document)", 'an object with "version" and "tables" is expected')
    _check_version(document.get("version"), rules.version)
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise SnapshotError("tables", "an object of {table name: {key: record}} is expected")
    check_tables(tables, rules)
    return tables


def check_tables(tables: Mapping[str, Any], rules: Rules) -> None:
    """Every table given (a snapshot's, or at start a loaded store's own ``_sandbox.*``), or ``SnapshotError``."""
    tracked = {(m.vendor, m.collection): m for m in rules.machines.values()}
    for name, rows in tables.items():
        at = f"tables[{_quote(name)}]"
        if not isinstance(rows, dict):
            raise SnapshotError(at, "an object of {key: record} is expected")
        check_row = _row_checker(name, at, rules, tracked)
        for key, row in rows.items():
            where = f"{at}[{_quote(key)}]"
            if not key or len(key) > 512:
                raise SnapshotError(where, "a key of 1-512 characters is expected")
            if not isinstance(row, dict):
                raise SnapshotError(where, "a record (an object) is expected")
            _check_values(row, where)
            check_row(key, row, where)


def _check_version(version: Any, ours: str) -> None:
    if not isinstance(version, str):
        raise SnapshotError("version", "missing: an export of GET /_sandbox/state says which version wrote it")
    if version.split(".")[:2] != ours.split(".")[:2]:
        release = ".".join(ours.split(".")[:2])
        raise SnapshotError("version", f"{version!r} cannot be read here: this sandbox ({ours}) reads {release}.x")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- every value ---------------------------------------------------------------------------------------------------
def _check_values(value: Any, at: str) -> None:
    """Finite numbers, 64-bit integers, text, bounded nesting: what the store can keep and read back the same."""
    stack: list[tuple[Any, str, int]] = [(value, at, 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SnapshotError(where, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            stack.extend((child, _field(where, key), depth + 1) for key, child in reversed(item.items()))
            for key in item:
                _check_text(key, where)
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]", depth + 1) for index, child in reversed(list(enumerate(item))))
        elif isinstance(item, float) and not math.isfinite(item):
            raise SnapshotError(where, f"{item} is not a finite number")
        elif isinstance(item, int) and not isinstance(item, bool) and not -INT_LIMIT <= item < INT_LIMIT:
            raise SnapshotError(where, "an integer out of the 64-bit range")
        elif isinstance(item, str):
            _check_text(item, where)


def _check_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise SnapshotError(where, "text with a lone UTF-16 surrogate") from None


def _field(where: str, key: str) -> str:
    return f"{where}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else f"{where}[{_quote(key)}]"


# -- what each table holds ---------------------------------------------------------------------------------------
RowCheck = Callable[[str, dict[str, Any], str], None]


def _row_checker(name: str, at: str, rules: Rules, tracked: Mapping[tuple[str, str], Machine]) -> RowCheck:
    system, _, tenant = name.partition("/")
    if system.startswith("_sandbox."):
        checks = _TENANT_TABLES if tenant else _GLOBAL_TABLES
        found = checks.get(system)
        if found is None or (tenant and not TENANT.match(tenant)):
            raise SnapshotError(at, "not a table of this sandbox")
        return lambda key, row, where: found(key, row, where, rules)
    match = VENDOR_TABLE.match(name)
    if match is None or match["vendor"] not in rules.vendors or not TENANT.match(match["tenant"]):
        raise SnapshotError(at, "not a table of this sandbox (<vendor>.<collection>/<tenant>)")
    machine = tracked.get((match["vendor"], match["collection"]))
    return (lambda key, row, where: _tracked_record(machine, row, where)) if machine else (lambda *_: None)


def _tracked_record(machine: Machine, row: dict[str, Any], where: str) -> None:
    if machine.field in row and row[machine.field] not in machine.states:
        raise SnapshotError(f"{where}.{machine.field}", f"one of {machine.name}'s states {list(machine.states)}")
    book = row.get("_lifecycle")
    if book is None:
        return
    at = f"{where}._lifecycle"
    if not isinstance(book, dict):
        raise SnapshotError(at, "the lifecycle bookkeeping is an object")
    _optional(book, "due", at, _number_or_none)
    _optional(book, "pending", at, _bool)
    _optional(book, "since", at, _moment)
    _optional(book, "history", at, _list)
    _optional(book, "outcome", at, lambda v, w: _outcome(machine, v, w))


def _optional(row: Mapping[str, Any], key: str, at: str, check: Callable[[Any, str], None]) -> None:
    if key in row:
        check(row[key], f"{at}.{key}")


def _required(row: Mapping[str, Any], key: str, at: str, check: Callable[[Any, str], None]) -> None:
    if key not in row:
        raise SnapshotError(f"{at}.{key}", "missing")
    check(row[key], f"{at}.{key}")


def _number_or_none(value: Any, where: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise SnapshotError(where, "a number (or null) is expected")


def _bool(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise SnapshotError(where, "true or false is expected")


def _text(value: Any, where: str) -> None:
    if not isinstance(value, str):
        raise SnapshotError(where, "a string is expected")


def _list(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise SnapshotError(where, "a list is expected")


def _moment(value: Any, where: str) -> None:
    if value is None:
        return
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise SnapshotError(where, "an ISO-8601 date-time (or null) is expected") from None


def _outcome(machine: Machine, value: Any, where: str) -> None:
    if value is not None and value not in machine.outcomes:
        raise SnapshotError(where, f"one of {machine.name}'s outcomes {machine.outcomes} (or null)")


def _schema(schema: Schema, row: Any, where: str) -> None:
    try:
        schema.load(row)
    except ValidationError as error:
        path, message = _first(error.messages)
        raise SnapshotError(f"{where}{path}", message) from None


def _first(messages: Any, path: str = "") -> tuple[str, str]:
    if isinstance(messages, dict):
        key, value = next(iter(messages.items()))
        return _first(
            value, path if key == "_schema" else f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"
        )
    if isinstance(messages, list) and messages:
        return _first(messages[0], path)
    return path, str(messages)


# -- the sandbox's own tables --------------------------------------------------------------------------------------
def _credential(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _required(row, "vendor", where, lambda v, w: _one_of(v, sorted(rules.vendors), w))
    _required(row, "secret", where, _text)
    _required(row, "tenant", where, _tenant)
    if key != f"{row['vendor']}:{row['secret']}":
        raise SnapshotError(where, 'the key is "<vendor>:<secret>" of the record')
    _optional(row, "grants", where, lambda v, w: None if v is None else _strings(v, w))
    _optional(row, "expired", where, _bool)
    _optional(row, "revoked", where, _bool)
    _optional(row, "expires_at", where, _moment)
    _optional(row, "user", where, _text)
    _optional(row, "origin", where, lambda v, w: _one_of(v, list(ORIGINS), w))
    _optional(row, "extra", where, _object)
    unknown = sorted(set(row) - {"vendor", "secret", "tenant", "grants", "expired", "revoked", "expires_at", "user",
                                 "origin", "extra"})  # fmt: skip
    if unknown:
        raise SnapshotError(f"{where}.{unknown[0]}", "not a field of a credential")


def _clock(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _scope(key, where)

    def offset(value: Any, at: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_OFFSET:
            raise SnapshotError(at, f"a number of seconds between 0 and {MAX_OFFSET:.2g} is expected")

    _required(row, "offset_seconds", where, offset)


def _tenant_row(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _tenant(key, where)
    _required(row, "vendors", where, lambda v, w: _strings(v, w, sorted(rules.vendors)))


def _settings(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _scope(key, where)
    for vendor, values in row.items():
        schema = rules.settings.get(vendor)
        if schema is None:
            raise SnapshotError(f"{where}.{vendor}", f"not a vendor; known: {sorted(rules.settings)}")
        _schema(schema(partial=True), values, f"{where}.{vendor}")


def _lifecycle_config(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _scope(key, where)
    for name, config in row.items():
        at = f"{where}[{_quote(name)}]"
        machine = rules.machines.get(name)
        if machine is None:
            raise SnapshotError(at, f"not a lifecycle; known: {sorted(rules.machines)}")
        _object(config, at)
        _machine_config(machine, config, at)


def _machine_config(machine: Machine, config: dict[str, Any], at: str) -> None:
    _optional(config, "mode", at, lambda v, w: _one_of(v, list(MODES), w))
    _optional(config, "outcome", at, lambda v, w: _outcome(machine, v, w))
    _optional(config, "durations", at, _object)
    for step, seconds in (config.get("durations") or {}).items():
        if step not in machine.durations or isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise SnapshotError(f"{at}.durations.{step}", f"seconds for one of {sorted(machine.durations)}")


def _schedule(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _required(row, "machine", where, lambda v, w: _one_of(v, sorted(rules.machines), w))
    _required(row, "key", where, _text)
    _required(row, "due", where, _number_or_none)


def _delivery(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    for name in ("id", "tenant", "vendor", "stream", "event", "event_id", "url", "body", "created_at", "queued_at"):
        _required(row, name, where, _text)
    _required(row, "status", where, lambda v, w: _one_of(v, list(STATUSES), w))
    _required(row, "headers", where, lambda v, w: _object(v, w, str))
    _required(row, "attempts", where, _list)
    _optional(row, "next_attempt_at", where, _moment)


def _pending(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _required(row, "stream", where, _text)
    _required(row, "due", where, _number_or_none)


def _webhook_config(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _scope(key, where)
    _schema(ConfigSchema(), row, where)


def _posted_scenario(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _required(row, "document", where, _object)
    try:
        rules.scenario(row["document"])
    except ValueError as error:
        raise SnapshotError(f"{where}.document", f"the scenario does not load: {error}") from None


def _activations(key: str, row: dict[str, Any], where: str, rules: Rules) -> None:
    _scope(key, where)
    _required(row, "names", where, _strings)


def _scope(key: str, where: str) -> None:
    if key != "*":
        _tenant(key, where)


def _tenant(value: Any, where: str) -> None:
    if not isinstance(value, str) or not TENANT.match(value):
        raise SnapshotError(where, "a tenant name (1-64 letters, digits, '.', '_' or '-') is expected")


def _one_of(value: Any, allowed: list[str], where: str) -> None:
    if value not in allowed:
        raise SnapshotError(where, f"one of {allowed} is expected")


def _strings(value: Any, where: str, allowed: list[str] | None = None) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SnapshotError(where, "a list of strings is expected")
    for index, item in enumerate(value):
        if allowed is not None and item not in allowed:
            raise SnapshotError(f"{where}[{index}]", f"one of {allowed} is expected")


def _object(value: Any, where: str, values: type | None = None) -> None:
    if not isinstance(value, dict) or (values is not None and not all(isinstance(v, values) for v in value.values())):
        raise SnapshotError(where, "an object is expected" + (f" of {values.__name__} values" if values else ""))


TableCheck = Callable[[str, dict[str, Any], str, Rules], None]
_GLOBAL_TABLES: dict[str, TableCheck] = {
    "_sandbox.credentials": _credential,
    "_sandbox.clock": _clock,
    "_sandbox.tenants": _tenant_row,
    "_sandbox.settings": _settings,
    "_sandbox.lifecycles": _lifecycle_config,
    "_sandbox.webhook_config": _webhook_config,
    "_sandbox.scenarios": _posted_scenario,
    "_sandbox.scenarios_active": _activations,
}
_TENANT_TABLES: dict[str, TableCheck] = {
    "_sandbox.schedule": _schedule,
    "_sandbox.webhook_deliveries": _delivery,
    "_sandbox.webhook_pending": _pending,
}
