"""Each vendor's Postman Collection v2.1, made from its OpenAPI document: runnable in order against this sandbox."""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.core.vendor import Vendor

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
_PARAMETER = re.compile(r"\{([^{}]+)\}")
_ORDER = {"post": 0, "put": 1, "get": 2, "patch": 3, "delete": 4}  # what a later request needs exists first


def collection(vendor: Vendor, document: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Every operation of ``document`` as a request: the seeds' examples as bodies, the demo credential as auth.

    A create's test script keeps the new id in a collection variable named after the path parameter that
    the other operations of that resource take (``campaign_id``...), so the collection runs top to bottom.
    """
    assert vendor.docs is not None
    producers = _producers(document)
    # The ids the collection makes; a request on them must succeed unless a review's stage decides (Infobip).
    made = set() if vendor.docs.stage_dependent else {name for name in producers.values() if name}
    items = []
    for path, method, operation in _operations(document):
        items.append(_item(path, method, operation, producers.get((path, method)), made))
    variables = [{"key": "baseUrl", "value": f"{base_url}{vendor.prefix}"}]
    variables += [{"key": name, "value": "unknown"} for name in sorted({v for v in producers.values() if v})]
    return {
        "info": {"name": f"{vendor.docs.title} (campaign-sandbox)", "schema": SCHEMA},
        "auth": _auth(vendor),
        "variable": variables,
        "item": items,
    }


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [
        (path, method, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in _ORDER
    ]
    # Creates on the shortest paths first, then reads, updates and deletes, so the ids they need exist.
    return sorted(found, key=lambda row: (_ORDER[row[1]] != 0, row[0].count("{"), _ORDER[row[1]], row[0]))


def _producers(document: dict[str, Any]) -> dict[tuple[str, str], str | None]:
    """``POST /a`` produces the ``{x}`` of ``/a/{x}``: the variable its answer's id fills."""
    produced: dict[tuple[str, str], str | None] = {}
    for path in document["paths"]:
        match = re.fullmatch(r"(.*)/\{([^{}/]+)\}", path)
        if match is None:
            continue
        parent, parameter = match.groups()
        for candidate in (parent, parent.rstrip("s")):  # DailyStory: POST /campaign, GET /campaign/{id}
            if "post" in document["paths"].get(candidate, {}):
                produced.setdefault((candidate, "post"), parameter)
    return produced


def _item(path: str, method: str, operation: dict[str, Any], produces: str | None, made: set[str]) -> dict[str, Any]:
    documented = sorted(int(code) for code in operation["responses"] if code.isdigit())
    success = next((code for code in documented if code < 300), documented[0])
    request: dict[str, Any] = {
        "method": method.upper(),
        "header": [],
        "url": {
            "raw": "{{baseUrl}}" + _PARAMETER.sub(r"{{\1}}", path),
            "host": ["{{baseUrl}}"],
            "path": [_PARAMETER.sub(r"{{\1}}", part) for part in path.strip("/").split("/")],
        },
    }
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is not None:
        request["header"].append({"key": "Content-Type", "value": "application/json"})
        examples = [example["value"] for example in content.get("examples", {}).values()]
        example = content.get("example", examples[0] if examples else {})  # a seed's first when it shows several
        request["body"] = {"mode": "raw", "raw": json.dumps(_runnable(example), indent=2)}
    if success < 300 and set(_PARAMETER.findall(path)) <= made:
        # A create or a read on a top-level collection, or a call on what the collection made: it succeeds.
        script = [f"pm.test('{method.upper()} {path} answers {success}', function () {{"]
        script.append(f"    pm.response.to.have.status({success});")
    else:
        # The others depend on the state the collection reached (a review's stage...): a documented answer.
        script = [f"pm.test('{method.upper()} {path} answers a documented status', function () {{"]
        script.append(f"    pm.expect({documented}).to.include(pm.response.code);")
    script.append("});")
    if produces:
        script += [
            "var answer = pm.response.json();",
            "var made = answer.id !== undefined ? answer.id : (answer.Response || {}).id;",
            f"pm.collectionVariables.set('{produces}', String(made));",
        ]
    return {
        "name": operation["operationId"],
        "request": request,
        "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": script}}],
    }


def _runnable(example: Any) -> Any:
    """The example with a name of its own on every run: some vendors refuse a second campaign of one name."""
    if isinstance(example, dict) and isinstance(example.get("name"), str):
        return {**example, "name": example["name"] + " {{$timestamp}}{{$randomInt}}"}
    return example


def _auth(vendor: Vendor) -> dict[str, Any]:
    assert vendor.docs is not None
    header = vendor.auth_header(vendor.docs.demo_secret)["Authorization"]
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return {"type": "bearer", "bearer": [{"key": "token", "value": value, "type": "string"}]}
    return {
        "type": "apikey",
        "apikey": [
            {"key": "key", "value": "Authorization", "type": "string"},
            {"key": "value", "value": header, "type": "string"},
            {"key": "in", "value": "header", "type": "string"},
        ],
    }
