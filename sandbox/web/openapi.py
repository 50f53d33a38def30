"""Each vendor's OpenAPI document: a walk over its views' decorators, its schemas and its error catalogue."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from flask import Flask
from marshmallow import Schema
from werkzeug.routing import Rule

from sandbox.core.deferred import Deferred
from sandbox.core.errors import VendorError
from sandbox.core.ids import Ids
from sandbox.core.vendor import Asked, Docs, Vendor
from sandbox.version import __version__
from sandbox.web.pipeline import Documented

# The document's builder: imported with the first document asked for, not at start (issue 16).
apispec = Deferred("apispec")
apispec_marshmallow = Deferred("apispec.ext.marshmallow")
OPENAPI_VERSION = "3.1.0"
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_JSON = "application/json"


def document(app: Flask, vendor: Vendor, server: str, version: str = OPENAPI_VERSION) -> dict[str, Any]:
    """The OpenAPI document of every route the sandbox serves under ``/<vendor>``, served from ``server``."""
    docs = _docs(vendor)
    spec = apispec.APISpec(
        title=f"{docs.title} (campaign-sandbox)",
        version=__version__,
        openapi_version=version,
        plugins=[
            apispec_marshmallow.MarshmallowPlugin(
                schema_name_resolver=lambda schema: _schema_name(schema, docs.components)
            )
        ],
        info={"description": docs.description},
        servers=[{"url": f"{server}{vendor.prefix}", "description": "this sandbox"}],
    )
    for name, scheme in docs.security.items():
        spec.components.security_scheme(name, scheme)
    for name, definition in docs.components.items():
        spec.components.schema(name, component=definition)
    if docs.error_schema is not None:
        spec.components.schema("Error", schema=docs.error_schema)
    errors = error_responses(vendor)
    seen: set[str] = set()
    for rule, documented in routes(app, vendor):
        if documented is None:
            continue  # tests/web/test_openapi.py fails on such a route
        path = _CONVERTER.sub(r"{\1}", rule.rule[len(vendor.prefix) :])
        methods = sorted(method for method in rule.methods or () if method not in ("HEAD", "OPTIONS"))
        operations = {}
        for method in methods:
            operation = _operation(spec, docs, documented, errors)
            if operation["operationId"] in seen:  # one view behind several routes: an id per route
                operation["operationId"] += "_" + re.sub(r"\W+", "_", f"{method} {path}").strip("_").lower()
            seen.add(operation["operationId"])
            operations[method.lower()] = operation
        parameters = [
            {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
            for name in _CONVERTER.findall(rule.rule)
        ]
        spec.path(path=path, operations=operations, parameters=parameters)
    return _enums_for_generators(spec.to_dict())


def _enums_for_generators(node: Any) -> Any:
    """The document with every enum whose values differ only in case (Infobip's ``messageTypes``: ``SMS`` or
    ``sms``, a tenant setting) split into an ``anyOf`` of enums that do not, and every enum of strings typed as
    one: client generators name an enum's members by the upper-cased value and stop on such a pair
    (openapi-python-client: "Duplicate key SMS"), and skip an enum of no type."""
    if isinstance(node, list):
        return [_enums_for_generators(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _enums_for_generators(value) for key, value in node.items()}
    values = node.get("enum")
    if isinstance(values, list) and all(isinstance(value, str) for value in values):
        groups: list[list[str]] = []
        for value in values:
            free = next((group for group in groups if value.upper() not in {v.upper() for v in group}), None)
            if free is None:
                groups.append(free := [])
            free.append(value)
        if len(groups) > 1:
            del node["enum"]
            node.pop("type", None)
            node["anyOf"] = [{"type": "string", "enum": group} for group in groups]
        else:
            node.setdefault("type", "string")
    return node


def routes(app: Flask, vendor: Vendor) -> Iterator[tuple[Rule, Documented | None]]:
    """Every route under the vendor's prefix, with what its view declares (None if it declares nothing)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint.partition(".")[0] != vendor.routes.name:
            continue
        yield rule, getattr(app.view_functions[rule.endpoint], "documented", None)


def error_responses(vendor: Vendor) -> dict[int, dict[str, Any]]:
    """Every catalogue entry as the exact body the vendor's renderer answers, grouped by HTTP status."""
    asked = Asked(None, vendor.settings_schema().load({}), Ids(0))
    by_status: dict[int, dict[str, Any]] = defaultdict(dict)
    for entry in vendor.catalogue.values():
        reply = vendor.render(VendorError(vendor.name, entry), asked)
        by_status[reply.status][entry.name] = {"summary": entry.message, "value": reply.body}
    return {
        status: {
            "description": "; ".join(example["summary"] for example in examples.values()),
            "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Error"}, "examples": examples}},
        }
        for status, examples in sorted(by_status.items())
    }


def _operation(spec: Any, docs: Docs, documented: Documented, errors: dict[int, dict[str, Any]]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": documented.name,
        "summary": documented.name.replace("_", " ").capitalize(),
        "security": [{name: []} for name in docs.security],
        "responses": {str(status): response for status, response in errors.items()},
    }
    success: dict[str, Any] = {"description": "Success"}
    if documented.answers is not None:
        success["content"] = {_JSON: {"schema": documented.answers}}
        if documented.name in docs.answer_examples:
            success["content"][_JSON]["example"] = docs.answer_examples[documented.name]
    for status in (documented.status, *documented.also):
        if status < 400:  # a view that always refuses (a 501) is documented by its catalogue entry
            operation["responses"][str(status)] = success
    if documented.location in ("query", "query_lists") and documented.accepts is not None:
        operation["parameters"] = [{"in": "query", "schema": documented.accepts}]
    elif documented.location in ("json", "optional_json"):
        content: dict[str, Any] = {"schema": _request_schema(spec, documented.accepts, docs.components)}
        if documented.name in docs.more_examples:  # the seed shows several: each under its title, the first first
            more = docs.more_examples[documented.name].items()
            content["examples"] = {title: {"summary": title, "value": example} for title, example in more}
        elif documented.name in docs.examples:
            content["example"] = docs.examples[documented.name]
        operation["requestBody"] = {"required": documented.location == "json", "content": {_JSON: content}}
    return operation


def _request_schema(spec: Any, schema: Schema | None, taken: Any) -> Any:
    """A body's schema; one whose ``type`` picks its model (``subtypes``) is a oneOf with that discriminator."""
    if schema is None:
        return {"type": "object"}
    subtypes = getattr(schema, "subtypes", None)
    if not subtypes:
        return schema
    choices = []
    for kind, model in subtypes.items():
        name = _schema_name(model, taken)
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=model)
        tagged = {"type": "object", "properties": {"type": {"enum": [kind]}}}
        if getattr(schema, "default", None) != kind:
            tagged["required"] = ["type"]
        choices.append({"allOf": [{"$ref": f"#/components/schemas/{name}"}, tagged]})
    return {"oneOf": choices}


def _docs(vendor: Vendor) -> Docs:
    if vendor.docs is None:
        raise LookupError(f"{vendor.name} has no OpenAPI description")
    return vendor.docs


def _schema_name(schema: type[Schema] | Schema, taken: Any = ()) -> str:
    """``CampaignSchema`` is ``Campaign``; a request schema named like one of the vendor's models is ``...Input``."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    return f"{name}Input" if name in taken else name
