"""Scenario documents: their schema, and reading them from YAML or JSON with errors that name file, line, field."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from sandbox.config import STORE_FILE
from sandbox.core import jsontext

FAULTS = ("connection_reset", "empty_reply", "malformed_json")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
SUFFIXES = (".yaml", ".yml", ".json")
NAME = validate.Regexp(r"^[a-z0-9][a-z0-9._-]{0,99}$", error="1-100 of a-z, 0-9, '.', '_', '-'")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class MatchSchema(_Strict):
    vendor = fields.String()
    operation = fields.String()
    method = fields.String(validate=validate.OneOf(METHODS))
    path = fields.String(validate=validate.Regexp(r"^/", error="a vendor path glob starting with '/'"))
    body = fields.Dict(keys=fields.String())
    headers = fields.Dict(keys=fields.String(), values=fields.String())
    tenant = fields.String()


class RespondSchema(_Strict):
    error = fields.String()
    message = fields.String()
    status = fields.Integer(strict=True, validate=validate.Range(100, 599))
    body = fields.Raw(allow_none=True)
    headers = fields.Dict(keys=fields.String(), values=fields.String())

    @validates_schema
    def error_or_status(self, data: dict[str, Any], **_: Any) -> None:
        if ("error" in data) == ("status" in data):
            raise ValidationError('give either "error" (a catalogue entry) or "status" (a literal answer)')
        if "error" in data and "body" in data:
            raise ValidationError('"body" goes with "status"; a catalogue error renders its own body', "body")
        if "status" in data and "message" in data:
            raise ValidationError('"message" overrides a catalogue error\'s text; with "status" use "body"', "message")


class LifecycleSchema(_Strict):
    name = fields.String(required=True)
    outcome = fields.String(required=True)


class RuleSchema(_Strict):
    match = fields.Nested(MatchSchema, load_default=dict)
    respond = fields.Nested(RespondSchema)
    delay_ms = fields.Integer(strict=True, validate=validate.Range(0, 300_000), load_default=0)
    fault = fields.String(validate=validate.OneOf(FAULTS), allow_none=True, load_default=None)
    lifecycle = fields.Nested(LifecycleSchema, allow_none=True, load_default=None)  # null: none, as for fault
    times = fields.Integer(strict=True, validate=validate.Range(min=1), allow_none=True, load_default=None)
    after = fields.Integer(strict=True, validate=validate.Range(min=0), load_default=0)
    probability = fields.Float(validate=validate.Range(0.0, 1.0), allow_nan=False, load_default=1.0)

    @validates_schema
    def does_something(self, data: dict[str, Any], **_: Any) -> None:
        if not (data.get("respond") or data.get("fault") or data.get("lifecycle") or data.get("delay_ms")):
            raise ValidationError('a rule needs "respond", "fault", "lifecycle" or "delay_ms"')
        if data.get("lifecycle") and (data.get("respond") or data.get("fault")):
            raise ValidationError('"lifecycle" steers a request that goes through; it cannot also answer', "lifecycle")


class ScenarioSchema(_Strict):
    name = fields.String(required=True, validate=NAME)
    description = fields.String(load_default="")
    seed = fields.Integer(strict=True, allow_none=True, load_default=None)
    rules = fields.List(fields.Nested(RuleSchema), required=True, validate=validate.Length(1, 1000))


SCHEMA = ScenarioSchema()
MAX_TEXT = 1024 * 1024  # characters of one scenario file or posted YAML document
MAX_NODES = 100_000  # YAML nodes a document may expand to; a 1,000-rule scenario has about 20,000
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it


@dataclass(frozen=True)
class Rule:
    match: dict[str, Any]
    respond: dict[str, Any] | None
    delay_ms: int
    fault: str | None
    lifecycle: dict[str, str] | None
    times: int | None
    after: int
    probability: float


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    seed: int | None
    rules: tuple[Rule, ...]
    source: str  # the file it came from, or "api"
    document: dict[str, Any] = field(compare=False)

    @property
    def vendors(self) -> list[str]:
        return sorted({rule.match["vendor"] for rule in self.rules if "vendor" in rule.match})


@dataclass(frozen=True)
class Known:
    """What names in a scenario may refer to: per vendor its catalogue and operations; lifecycles' outcomes."""

    errors: Mapping[str, Iterable[str]]
    operations: Mapping[str, Iterable[str]]
    outcomes: Mapping[str, Iterable[str]]


class ScenarioError(Exception):
    """One or more invalid scenario documents; each problem reads ``file:line: field: message``."""

    def __init__(self, problems: list[str], name: str | None = None) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.name = name  # the name a refused document gives itself, so a clash with it is reported too


class NotAScenario(ScenarioError):
    """A document that is no scenario at all (neither a name nor rules): a file of it is skipped with a note."""


def load_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """A YAML (or JSON) document and its node tree, or ``ScenarioError``; bounded in size and in alias expansion.

    PyYAML shares an aliased node rather than copying it, but everything after it (validation, JSON answers,
    the store) copies: nine nested aliases in 625 bytes expand to a billion nodes. The tree is counted as it
    would expand, and refused past ``MAX_NODES``, before anything is built from it.
    """
    if len(text) > MAX_TEXT:
        raise ScenarioError([f"{source}:1: the document is {len(text)} characters; at most {MAX_TEXT} are read"])
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        expanded = _expanded_size(node, {}) if node is not None else 0
        if expanded > MAX_NODES:
            raise ScenarioError([f"{source}:1: the document expands (aliases) to more than {MAX_NODES} nodes"])
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise ScenarioError([f"{source}:{line}: not valid YAML/JSON: {error.problem or error}"]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([f"{source}:1: not valid YAML/JSON: {error}"]) from None
    except RecursionError:
        raise ScenarioError([f"{source}:1: the document is nested too deeply"]) from None
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes ``node`` stands for once every alias is expanded (each shared node is counted once per use)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = MAX_NODES + 1  # a node that contains itself expands without end
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(_expanded_size(key, sizes) + _expanded_size(value, sizes) for key, value in node.value)
    sizes[id(node)] = total = min(total, MAX_NODES + 1)
    return total


def parse(text: str, source: str, known: Known) -> Scenario:
    """A scenario from YAML or JSON text (JSON is read as YAML), checked against the schema and ``known``."""
    data, node = load_yaml(text, source)
    return build(data, source, known, node)


def build(data: Any, source: str, known: Known, node: yaml.Node | None = None) -> Scenario:
    """A scenario from an already parsed document (a JSON body, or a file's YAML)."""
    if not isinstance(data, dict) or not data.keys() & {"name", "rules"}:
        raise NotAScenario([f"{source}:1: a scenario is a mapping with name, description, seed and rules"])
    try:
        loaded = SCHEMA.load(data)
    except ValidationError as error:
        problems = _flatten(error.messages, ())
        # The names in the rules that did load are checked too, so one reading reports every problem.
        partial = error.valid_data if isinstance(error.valid_data, dict) else {}
        problems += list(_check_names(partial, known))
        named = data.get("name") if isinstance(data.get("name"), str) else None
        raise ScenarioError([_describe(source, node, path, message) for path, message in problems], named) from None
    semantic = list(_check_names(loaded, known))
    if semantic:
        raise ScenarioError([_describe(source, node, path, message) for path, message in semantic], loaded["name"])
    rules = tuple(
        Rule(
            match=rule["match"],
            respond=rule.get("respond"),
            delay_ms=rule["delay_ms"],
            fault=rule["fault"],
            lifecycle=rule.get("lifecycle"),
            times=rule["times"],
            after=rule["after"],
            probability=rule["probability"],
        )
        for rule in loaded["rules"]
    )
    try:
        jsontext.check(data)  # kept in the store and shown as JSON: plain JSON text only (no dates, no surrogates)
    except jsontext.Unstorable as error:
        raise ScenarioError([f"{source}:1: not plain JSON data: {error}"]) from None
    return Scenario(loaded["name"], loaded["description"], loaded["seed"], rules, source, data)


def _check_names(document: dict[str, Any], known: Known) -> Iterable[tuple[tuple[Any, ...], str]]:
    for index, rule in enumerate(document.get("rules") or []):
        at = ("rules", index)
        match = rule.get("match") or {}
        vendor = match.get("vendor")
        if vendor is not None and vendor not in known.operations:
            yield (*at, "match", "vendor"), f"unknown vendor {vendor!r}; known: {sorted(known.operations)}"
            continue
        operation = match.get("operation")
        if operation is not None:
            allowed = set(known.operations[vendor]) if vendor else {o for ops in known.operations.values() for o in ops}
            if operation not in allowed:
                yield (*at, "match", "operation"), f"unknown operation {operation!r}; known: {sorted(allowed)}"
        error = (rule.get("respond") or {}).get("error")
        if error is not None:
            if vendor is None:
                yield (*at, "match", "vendor"), "a catalogue error needs match.vendor (whose catalogue it is)"
            elif error not in set(known.errors[vendor]):
                yield (
                    (*at, "respond", "error"),
                    f"{vendor} has no catalogue entry {error!r}; known: {sorted(known.errors[vendor])}",
                )
        lifecycle = rule.get("lifecycle") or {}
        if "name" in lifecycle:
            outcomes = known.outcomes.get(lifecycle["name"])
            if outcomes is None:
                yield (
                    (*at, "lifecycle", "name"),
                    f"unknown lifecycle {lifecycle['name']!r}; known: {sorted(known.outcomes)}",
                )
            elif "outcome" in lifecycle and lifecycle["outcome"] not in set(outcomes):
                yield (*at, "lifecycle", "outcome"), f"{lifecycle['name']} has outcomes {sorted(outcomes)}"


def _flatten(messages: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            found += _flatten(value, path if key == "_schema" else (*path, key))
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(path, "; ".join(messages))]
    if isinstance(messages, list):
        return [item for value in messages for item in _flatten(value, path)]
    return [(path, str(messages))]


def _describe(source: str, node: yaml.Node | None, path: tuple[Any, ...], message: str) -> str:
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "(document)"
    return f"{source}:{_line(node, path)}: {dotted}: {message}"


def _line(node: yaml.Node | None, path: tuple[Any, ...]) -> int:
    """The line of the deepest node of ``path`` that exists (a missing field points at its parent)."""
    if node is None:
        return 1
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def scenario_paths(root: Path, notes: list[str] | None = None) -> list[Path]:
    """Every scenario file under ``root`` (a file is itself), sorted for a stable load order.

    Hidden files and folders and data dirs (a folder holding the store's file) hold no scenarios: they are
    left out, each with a line in ``notes``.
    """
    if root.is_file():
        return [root]
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        for name in sorted(subfolders):
            if name.startswith(".") or (here / name / STORE_FILE).exists():
                subfolders.remove(name)
                why = "a hidden folder" if name.startswith(".") else f"a data dir (it holds {STORE_FILE})"
                (notes if notes is not None else []).append(f"{here / name}: skipped, {why}")
        found += [here / name for name in files if Path(name).suffix in SUFFIXES and not name.startswith(".")]
    return sorted(found)


def read_files(roots: Iterable[Path], known: Known, notes: list[str] | None = None) -> list[Scenario]:
    """Read every scenario under ``roots``; all problems of all files are reported together.

    A file read twice (under two roots) counts once; one that is no scenario is skipped with a line in ``notes``.
    """
    scenarios: list[Scenario] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    read: set[Path] = set()
    for root in roots:
        for path in scenario_paths(root, notes):
            if path.resolve() in read:
                continue
            read.add(path.resolve())
            try:
                if path.stat().st_size > MAX_TEXT:  # refused before it is read
                    raise ScenarioError([f"{path}:1: the file is {path.stat().st_size} bytes; at most {MAX_TEXT}"])
                scenario = parse(path.read_text(encoding="utf-8"), str(path), known)
            except NotAScenario:
                (notes if notes is not None else []).append(f"{path}: skipped, not a scenario (no name, no rules)")
                continue
            except ScenarioError as error:
                problems += error.problems
                if error.name is not None:
                    seen.setdefault(error.name, str(path))
                continue
            except (OSError, UnicodeDecodeError) as error:
                problems.append(f"{path}:1: cannot be read: {error}")
                continue
            if scenario.name in seen:
                problems.append(f"{path}:1: name: {scenario.name!r} is already defined in {seen[scenario.name]}")
                continue
            seen[scenario.name] = str(path)
            scenarios.append(scenario)
    if problems:
        raise ScenarioError(problems)
    return scenarios
