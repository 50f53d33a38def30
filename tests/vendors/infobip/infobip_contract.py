"""The official client's contract (``contract/*.json``): which model each Infobip answer must parse in.

``sandbox/vendors/infobip/client_models.json`` holds JSON Schemas of the client's models (the OpenAPI document
describes Infobip's answers with them too), written from Infobip's official Java client
6.4.0 (exact enums, ``type`` discriminators, required fields, no field the client does not know);
``contract/endpoints.json`` maps each endpoint to its 2xx statuses and model, and each error status to the
``messageId`` the client maps. ``check`` raises ``AssertionError`` for an answer that drifts from them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

FOLDER = Path(__file__).parent / "contract"
MODELS = Path(__file__).resolve().parents[3] / "sandbox" / "vendors" / "infobip" / "client_models.json"
PREFIX = "/infobip/number-registration/1"
HOSTED = "/number-registration/1"  # the path of a request routed by its Infobip Host header


@cache
def _models() -> dict[str, Any]:
    return json.loads(MODELS.read_text())


@cache
def _endpoints() -> dict[str, Any]:
    return json.loads((FOLDER / "endpoints.json").read_text())


@cache
def validator(model: str) -> Draft202012Validator:
    models = _models()
    registry: Registry = Registry().with_resource(models["$id"], Resource.from_contents(models))
    schema = {"$schema": models["$schema"], "$ref": f"{models['$id']}#/$defs/{model}"}
    return Draft202012Validator(schema, registry=registry)


def endpoint(method: str, path: str) -> dict[str, Any] | None:
    for entry in _endpoints()["endpoints"]:
        if entry["method"] == method and re.fullmatch(entry["path"], path):
            return dict(entry)
    return None


def infobip_path(path: str, host: str) -> str | None:
    """The path after ``/number-registration/1`` of an Infobip request, or None for any other request."""
    if path.startswith(PREFIX):
        return path[len(PREFIX) :] or "/"
    if host.split(":")[0].endswith("api.infobip.com") and path.startswith(HOSTED):
        return path[len(HOSTED) :] or "/"
    return None


def _leaves(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """The innermost failures: a ``oneOf`` of subtypes says why each subtype refused the answer."""
    for problem in errors:
        if problem.context:
            yield from _leaves(problem.context)
        else:
            yield problem


def validate(model: str, body: Any, where: str) -> None:
    problems = list(validator(model).iter_errors(body))
    if problems:
        leaves = {f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in _leaves(problems)}
        raise AssertionError(f"{where}: the answer does not parse as {model}: {'; '.join(sorted(leaves))}")


def check(method: str, path: str, status: int, content_type: str | None, data: bytes) -> None:
    """Fail if an answer to ``method path`` (after the prefix) is not what the client can read."""
    where = f"{method} {path} -> {status}"
    if status >= 300:
        assert content_type == "application/json", f"{where}: an error is JSON, not {content_type}"
        body = json.loads(data)
        validate("Error", body, where)
        expected = _endpoints()["errors"].get(str(status))
        assert expected is not None, f"{where}: no error status the client knows"
        message_id = body.get("requestError", {}).get("serviceException", {}).get("messageId")
        assert message_id == expected, f"{where}: messageId {message_id!r}, the client maps {expected!r}"
        return
    entry = endpoint(method, path)
    assert entry is not None, f"{where}: an endpoint the client does not have answered {status}"
    assert status in entry["status"], f"{where}: the client's {entry['operation']} expects {entry['status']}"
    if entry["schema"] is None:
        assert data == b"", f"{where}: {entry['operation']} has no body, got {data[:200]!r}"
        assert content_type is None, f"{where}: a bodiless answer with Content-Type {content_type}"
        return
    assert content_type == "application/json", f"{where}: {entry['operation']} is JSON, not {content_type}"
    validate(entry["schema"], json.loads(data), f"{where} ({entry['operation']})")
