"""The README, executed: every shell example against a live server (twice, with the same answers), every YAML
and JSON example loaded, every Python example run by pytest as a user's suite, every command synopsis checked.

Shell blocks run as written, with bash, from a folder that has the repo's ``examples/``; only the address changes
(``localhost:8700`` / ``127.0.0.1:8700`` become the test server's). A comment line right after a command is what
that command prints: JSON is compared as a subset (an object lists some of the answer's fields; ``…`` in a string
matches anything there), other text as a glob (``…`` is ``*``).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from live_helpers import ServerProcess

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ADDRESS = re.compile(r"\b(?:localhost|127\.0\.0\.1):8700\b")
MARK = "@@readme-command@@"


@dataclass(frozen=True)
class Block:
    kind: str
    line: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.kind}@README.md:{self.line}"


def blocks(kind: str) -> list[Block]:
    found = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S):
        if match.group(1) == kind:
            line = README.read_text(encoding="utf-8")[: match.start()].count("\n") + 1
            found.append(Block(kind, line, match.group(2)))
    return found


@dataclass
class Command:
    source: str
    expected: list[str]


def commands(block: Block) -> list[Command]:
    """The block's commands (continuations and multi-line quotes joined), each with the comment lines after it."""
    found: list[Command] = []
    pending = ""
    for line in block.text.splitlines():
        if pending:
            pending += "\n" + line
        elif line.startswith("#") or not line.strip():
            if line.startswith("# ") and found and not found[-1].source.endswith("\n"):
                found[-1].expected.append(line[2:])
            elif not line.strip() and found:
                found[-1].source += "\n"  # a blank line ends what a command prints
            continue
        else:
            pending = line
        if not complete(pending):
            continue
        found.append(Command(pending, []))
        pending = ""
    assert not pending, f"{block.id}: an unfinished command: {pending!r}"
    return found


def complete(source: str) -> bool:
    if source.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(source, comments=True)
    except ValueError:  # a quote still open
        return False
    return True


def matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and matches(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(matches, expected, actual))
    if isinstance(expected, str) and "…" in expected:
        return isinstance(actual, str) and fnmatch.fnmatchcase(actual, expected.replace("…", "*"))
    return bool(expected == actual)


def check_output(block: Block, command: Command, printed: str) -> None:
    wanted = "\n".join(command.expected)
    try:
        expected = json.loads(wanted)
    except ValueError:
        assert fnmatch.fnmatchcase(printed.strip(), wanted.replace("…", "*")), (block.id, command.source, printed)
        return
    try:
        actual = json.loads(printed)
    except ValueError:
        pytest.fail(f"{block.id}: {command.source!r} printed {printed!r}, not the JSON {wanted}")
    assert matches(expected, actual), f"{block.id}: {command.source!r} printed {printed}, expected {wanted}"


def setup_only(block: Block) -> bool:
    lines = [line for line in block.text.splitlines() if line.strip() and not line.startswith("#")]
    return all(re.fullmatch(r"make \w+(\s+#.*)?", line) for line in lines)


SHELL = blocks("sh")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("readme")
    (folder / "examples").symlink_to(ROOT / "examples")  # what the examples send, as from a checkout
    process = ServerProcess("--memory", cwd=folder)
    process.wait_ready()
    yield process, folder
    process.kill()


def run(block: Block, url: str, cwd: Path) -> list[str]:
    """The block as a bash script, a marker printed after each command; answers each command's output."""
    script = "set -euo pipefail\n" + "".join(
        f"{ADDRESS.sub(url, command.source)}\nprintf '\\n{MARK}\\n'\n" for command in commands(block)
    )
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    result = subprocess.run(
        ["bash", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120, env={**os.environ, "PATH": path}
    )
    assert result.returncode == 0, f"{block.id} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return [part.strip() for part in result.stdout.split(MARK)[:-1]]


@pytest.mark.parametrize("block", SHELL, ids=lambda block: block.id)
def test_every_shell_example_runs_and_answers_the_same_twice(block: Block, server: Any) -> None:
    if setup_only(block):  # `make run` would start a second server and `make test` this suite: they must exist
        for target in re.findall(r"^make (\w+)", block.text, re.M):
            dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60)
            assert dry.returncode == 0, dry.stderr
        return
    process, folder = server
    host = process.url.removeprefix("http://")
    for _ in range(2):  # walking the README twice gives the same answers
        outputs = run(block, host, folder)
        for command, printed in zip(commands(block), outputs, strict=True):
            if command.expected:
                check_output(block, command, printed)


def test_the_shell_examples_were_found() -> None:
    assert len(SHELL) >= 8
    assert sum(len(commands(block)) for block in SHELL if not setup_only(block)) >= 25


@pytest.mark.parametrize("block", blocks("yaml") + blocks("json"), ids=lambda block: block.id)
def test_every_yaml_and_json_example_loads(block: Block) -> None:
    loaded = yaml.safe_load(block.text) if block.kind == "yaml" else json.loads(block.text)
    assert loaded
    if block.kind == "yaml" and "rules" in loaded:  # a scenario: the file it documents ships and validates
        shipped = ROOT / "examples" / "scenarios" / f"{loaded['name']}.yaml"
        assert shipped.read_text(encoding="utf-8") == block.text
        result = subprocess.run(
            [sys.executable, "-m", "sandbox", "scenarios", "validate", str(shipped)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (result.returncode, result.stdout.strip()) == (0, "ok: 1 scenario(s) valid"), result.stderr


def test_every_python_example_passes_as_a_users_suite(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # only this plugin: the others cost seconds to load
    tests = 0
    for number, block in enumerate(blocks("python")):
        if block.text.startswith("# conftest.py"):
            pytester.makeconftest(block.text)
        else:
            pytester.makepyfile(**{f"test_readme_{number}": block.text})
            tests += len(re.findall(r"^def test_", block.text, re.M))
    assert tests >= 5
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "sandbox.pytest_plugin").assert_outcomes(passed=tests)


@pytest.mark.parametrize(
    "line",
    [line for block in blocks("text") for line in block.text.splitlines() if line.startswith("campaign-sandbox ")],
)
def test_every_command_synopsis_names_real_options(line: str) -> None:
    words = line.split("#", 1)[0].split()
    subcommand = [word for word in words[1:3] if re.fullmatch(r"[a-z]+", word)]
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", *subcommand, "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for option in re.findall(r"--[a-z][a-z-]*", line.split("#", 1)[0]):
        assert option in result.stdout, f"{option} is not an option of campaign-sandbox {' '.join(subcommand)}"


def test_the_pytest_plugin_and_the_mock_are_documented() -> None:
    readme = README.read_text(encoding="utf-8")
    for name in ("--sandbox-url", "CAMPAIGN_SANDBOX_URL", "sandbox_mock", "sandbox.mock(", "SandboxControl"):
        assert name in readme, name
    members = re.findall(r"^\| `([a-z_]+)[(`]", readme[readme.index("The `sandbox` object") :], re.M)
    from sandbox.testing import SandboxControl

    public = {name for name in dir(SandboxControl) if not name.startswith("_")} - {"transport", "scoped"}
    documented = {word for row in re.findall(r"^\| (.+?) \|", readme, re.M) for word in re.findall(r"`(\w+)", row)}
    assert members
    assert public <= documented, f"undocumented: {sorted(public - documented)}"
