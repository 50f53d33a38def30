"""sandbox.core.scenario_files: YAML is read within bounds (size, alias expansion) before anything is built from it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from sandbox.core.scenario_files import MAX_NODES, MAX_TEXT, Known, ScenarioError, load_yaml, read_files

LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + n)}: &{chr(98 + n)} [{','.join([f'*{chr(97 + n)}'] * 9)}]" for n in range(8)]
    + ["name: laughs", "rules: [{delay_ms: 1, match: {body: {x: *i}}}]"]
)  # 600 bytes; nine levels of nine aliases: 387 million strings once expanded


def test_nested_aliases_past_the_bound_are_refused_at_once() -> None:
    assert len(LAUGHS) < 1000
    started = time.monotonic()

    with pytest.raises(ScenarioError) as refused:
        load_yaml(LAUGHS, "laughs.yaml")

    assert time.monotonic() - started < 1.0
    assert refused.value.problems == [f"laughs.yaml:1: the document expands (aliases) to more than {MAX_NODES} nodes"]


def test_a_self_referencing_alias_is_refused() -> None:
    with pytest.raises(ScenarioError, match="expands"):
        load_yaml("a: &a [1, *a]\n", "loop.yaml")


def test_a_few_aliases_are_fine() -> None:
    document, _ = load_yaml("base: &b {vendor: webex}\nrules: [{match: *b}, {match: *b}]\n", "ok.yaml")

    assert document["rules"] == [{"match": {"vendor": "webex"}}, {"match": {"vendor": "webex"}}]


def test_a_document_over_the_size_limit_is_refused_unread() -> None:
    with pytest.raises(ScenarioError, match="at most"):
        load_yaml("x" * (MAX_TEXT + 1), "big.yaml")


def test_a_file_over_the_size_limit_is_reported_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * MAX_TEXT)

    with pytest.raises(ScenarioError) as refused:
        read_files([tmp_path], Known({}, {}, {}))

    assert refused.value.problems == [f"{big}:1: the file is {MAX_TEXT + 2} bytes; at most {MAX_TEXT}"]


def test_the_control_api_refuses_alias_bombs_posted_as_yaml(client: FlaskClient) -> None:
    started = time.monotonic()

    response = client.post("/_sandbox/scenarios", data=LAUGHS, content_type="application/yaml")

    assert response.status_code == 400
    assert "expands" in response.json["message"]
    assert time.monotonic() - started < 1.0
