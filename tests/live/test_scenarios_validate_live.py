"""`scenarios validate` refuses what `serve --scenarios` refuses, in one pass; what is no scenario is skipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from live_helpers import ServerProcess

from sandbox.config import DEFAULT_SCENARIOS_DIR

pytestmark = pytest.mark.live
GOOD = "name: mine\nrules:\n  - match: {vendor: webex}\n    respond: {status: 503}\n"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_name_taken_by_a_ready_made_scenario_is_refused_by_both(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "gateway.yaml").write_text(GOOD.replace("name: mine", "name: webex-bad-gateway"), encoding="utf-8")
    ready_made = DEFAULT_SCENARIOS_DIR / "webex" / "bad-gateway.yaml"

    validated = cli("scenarios", "validate", str(mine), cwd=tmp_path)
    served = cli("serve", "--port", "0", "--scenarios", str(mine), cwd=tmp_path)

    expected = f"{mine / 'gateway.yaml'}:1: name: 'webex-bad-gateway' is already defined in {ready_made}"
    assert (validated.returncode, validated.stderr.strip()) == (1, expected)
    assert (served.returncode, served.stderr.strip()) == (1, expected)


def test_a_ready_made_file_validates_on_its_own(tmp_path: Path) -> None:
    ready_made = DEFAULT_SCENARIOS_DIR / "webex" / "bad-gateway.yaml"
    result = cli("scenarios", "validate", str(ready_made), cwd=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, "ok: 1 scenario(s) valid")


def test_every_problem_of_every_file_in_one_pass(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "name: a\nrules:\n"
        "  - match: {vendor: webex, operation: no_such_op}\n    respond: {error: bad_gateway}\n"
        "  - match: {vendor: webex}\n    respond: {error: nope}\n    times: 0\n",
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text(
        "name: b\nrules:\n  - match: {vendor: infobip}\n    lifecycle: {name: infobip.nothing, outcome: rejected}\n",
        encoding="utf-8",
    )
    (tmp_path / "c.yaml").write_text(GOOD.replace("mine", "a"), encoding="utf-8")  # the name of a.yaml

    result = cli("scenarios", "validate", str(tmp_path), cwd=tmp_path)

    assert result.returncode == 1
    problems = result.stderr.strip().splitlines()
    assert [line.split(": ", 2)[1] for line in problems] == [
        "rules[1].times",  # the schema's problem...
        "rules[0].match.operation",  # ...and, in the same reading, the names in the rules that loaded
        "rules[1].respond.error",
        "rules[0].lifecycle.name",
        "name",
    ]
    assert problems[0].startswith(f"{tmp_path / 'a.yaml'}:7:")
    assert problems[3].startswith(f"{tmp_path / 'b.yaml'}:4:")
    assert problems[4] == f"{tmp_path / 'c.yaml'}:1: name: 'a' is already defined in {tmp_path / 'a.yaml'}"


def scenario_dir_with_other_things(root: Path) -> Path:
    folder = root / "scenarios"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "sandbox.json").write_text('{"_sandbox.clock": {}}', encoding="utf-8")  # a data dir
    (folder / "data" / "extra.json").write_text("[1, 2", encoding="utf-8")
    (folder / ".cache").mkdir()
    (folder / ".cache" / "x.json").write_text("not even json", encoding="utf-8")
    (folder / "notes.yaml").write_text("title: what these scenarios are for\n", encoding="utf-8")
    (folder / "mine.yaml").write_text(GOOD, encoding="utf-8")
    return folder


def test_what_is_no_scenario_is_skipped_with_a_note(tmp_path: Path) -> None:
    folder = scenario_dir_with_other_things(tmp_path)

    result = cli("scenarios", "validate", str(folder), cwd=tmp_path)

    assert (result.returncode, result.stdout.strip()) == (0, "ok: 1 scenario(s) valid"), result.stderr
    assert sorted(result.stderr.strip().splitlines()) == [
        f"note: {folder / '.cache'}: skipped, a hidden folder",
        f"note: {folder / 'data'}: skipped, a data dir (it holds sandbox.json)",
        f"note: {folder / 'notes.yaml'}: skipped, not a scenario (no name, no rules)",
    ]


def test_serve_starts_with_such_a_folder_and_loads_its_scenario(tmp_path: Path) -> None:
    folder = scenario_dir_with_other_things(tmp_path)
    server = ServerProcess("--memory", "--scenarios", str(folder), "--scenario", "mine", cwd=tmp_path)
    try:
        lines = server.wait_ready()
    finally:
        server.kill()
    assert any("skipped, a data dir" in line for line in lines)
    assert lines[-1].startswith("campaign-sandbox ready on")
