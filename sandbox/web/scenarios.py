"""Control calls under ``/_sandbox/scenarios``: list, define, remove, activate and deactivate scenarios."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from sandbox.core.errors import ControlError
from sandbox.core.scenario_files import Scenario, ScenarioError, load_yaml
from sandbox.web.current import current_sandbox
from sandbox.web.scope import Scoped, args_as, body_as, raw_body, scope

bp = Blueprint("sandbox_scenarios", __name__)


@bp.get("")
def list_scenarios() -> Any:
    scenarios = current_sandbox().scenarios
    return jsonify(
        scenarios=[_summary(s) for s in sorted(scenarios.library.values(), key=lambda s: s.name)],
        active=scenarios.activations(),
    )


@bp.post("")
def define() -> Any:
    scenarios = current_sandbox().scenarios
    try:
        scenario, created = scenarios.define(_document())
    except ScenarioError as error:
        raise ControlError(400, "invalid_scenario", "; ".join(error.problems)) from error
    return jsonify(_summary(scenario)), 201 if created else 200


@bp.get("/<name>")
def show(name: str) -> Any:
    scenarios = current_sandbox().scenarios
    scenario = scenarios.get(name)
    return jsonify(**_summary(scenario), document=scenario.document, matches=scenarios.counts(name))


@bp.delete("/<name>")
def remove(name: str) -> Any:
    current_sandbox().scenarios.remove(name)
    return jsonify(deleted=name)


@bp.post("/<name>/activate")
def activate(name: str) -> Any:
    sandbox = current_sandbox()
    tenant = scope(sandbox, body_as(Scoped))
    return jsonify(tenant=tenant, active=sandbox.scenarios.activate(name, tenant))


@bp.post("/<name>/deactivate")
def deactivate(name: str) -> Any:
    sandbox = current_sandbox()
    tenant = scope(sandbox, body_as(Scoped))
    sandbox.scenarios.get(name)
    return jsonify(tenant=tenant, active=sandbox.scenarios.deactivate(name, tenant))


@bp.get("/active")
def active() -> Any:
    sandbox = current_sandbox()
    tenant = scope(sandbox, args_as(Scoped))
    return jsonify(tenant=tenant, active=sandbox.scenarios.active(tenant))


@bp.delete("/active")
def deactivate_all() -> Any:
    sandbox = current_sandbox()
    tenant = scope(sandbox, args_as(Scoped))
    return jsonify(tenant=tenant, active=sandbox.scenarios.deactivate(None, tenant))


def _document() -> Any:
    """A scenario posted as JSON, or as YAML (``Content-Type: application/yaml`` or ``text/yaml``)."""
    if "yaml" in (request.mimetype or ""):
        try:
            return load_yaml(request.get_data(as_text=True), "api")[0]
        except ScenarioError as error:
            raise ControlError(400, "invalid_scenario", "; ".join(error.problems)) from None
    return raw_body()


def _summary(scenario: Scenario) -> dict[str, Any]:
    return {
        "name": scenario.name,
        "description": scenario.description,
        "vendors": scenario.vendors,
        "rules": len(scenario.rules),
        "source": scenario.source,
    }
