"""A start that cannot succeed ends in one line (what, where, what to do) and exit 1, never after "ready"."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from live_helpers import HTTP_TIMEOUT, START_TIMEOUT, ServerProcess, free_port

from sandbox import cli, server
from sandbox.core import changelog
from sandbox.server import StartupError, listen

pytestmark = pytest.mark.live


def start(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )


def one_line_failure(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The run failed with exit 1, printed nothing on stdout and exactly one line on stderr."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_a_port_held_by_another_program_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as other:
        # Held the way Granian binds (SO_REUSEPORT), which used to let a second server share the port.
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = start("--memory", "--port", str(port), cwd=tmp_path)
    one_line_failure(result, f"Error: cannot listen on 127.0.0.1:{port}", "already in use", "--port")


def test_a_second_server_on_a_busy_port_is_refused_and_the_first_keeps_serving(tmp_path: Path) -> None:
    first = ServerProcess("--memory", cwd=tmp_path)
    try:
        first.wait_ready()
        created = requests.post(
            f"{first.url}/zexa/v1/campaigns",
            json={
                "name": "Mine",
                "channel": "sms",
                "contact_list_id": "lst_abc123",
                "sender_id": "MYBRAND",
                "body": "x",
            },
            headers={"Authorization": "Bearer demo-zexa-api-key-0001"},
            timeout=HTTP_TIMEOUT,
        ).json()["id"]

        second = start("--memory", "--port", str(first.port), cwd=tmp_path)

        one_line_failure(second, "already in use", "another campaign-sandbox")
        # One state behind the URL: every read finds the campaign (two servers answered 404 for half of them).
        statuses = {
            requests.get(
                f"{first.url}/zexa/v1/campaigns/{created}",
                headers={"Authorization": "Bearer demo-zexa-api-key-0001"},
                timeout=HTTP_TIMEOUT,
            ).status_code
            for _ in range(12)
        }
        assert statuses == {200}
    finally:
        assert first.stop() == 0


def test_a_host_that_is_not_this_machine_is_one_line(tmp_path: Path) -> None:
    # 192.0.2.1 is TEST-NET-1: never an address of this machine, and binding it sends nothing anywhere.
    result = start("--memory", "--host", "192.0.2.1", "--port", str(free_port()), cwd=tmp_path)
    one_line_failure(result, "cannot listen on 192.0.2.1:", "not an address of this machine", "--host 127.0.0.1")


def test_a_host_name_that_does_not_resolve_is_a_startup_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def unknown(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)  # a stubbed resolver: no lookup leaves the machine
    with pytest.raises(StartupError) as failure:
        listen("sandbox.invalid", 8700)
    assert "cannot listen on sandbox.invalid:8700" in str(failure.value)
    assert "neither an address nor a known host name" in str(failure.value)
    assert "--host 127.0.0.1" in str(failure.value)


def test_a_corrupt_data_file_is_one_line_and_never_ready(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "sandbox.json").write_text('{"_sandbox.credentials": {"webex:x": ', encoding="utf-8")

    result = start("--data-dir", str(data), "--port", str(free_port()), cwd=tmp_path)

    line = one_line_failure(result, f"Error: cannot load the data dir {data}", "sandbox.json", "--data-dir")
    assert "ready" not in result.stdout + line
    assert (data / "sandbox.json").read_text(encoding="utf-8").startswith('{"_sandbox')  # left as it was


@pytest.mark.parametrize(
    ("file", "content", "where"),
    [
        (
            "sandbox.json",
            '{"_sandbox.clock": {"*": {"offset_seconds": "x"}}}',
            '["_sandbox.clock"]["*"].offset_seconds',
        ),
        (
            "sandbox.json",
            '{"_sandbox.clock": {"*": {"offset_seconds": 1e300}}}',
            '["_sandbox.clock"]["*"].offset_seconds',
        ),
        ("sandbox.json", '{"_sandbox.credentials": {"webex:k": {"vendor": "webex", "secret": "k"}}}', ".tenant"),
        (
            "sandbox.000001.log",
            changelog.put_line("_sandbox.lifecycles", "*", b'{"zexa.campaign": {"mode": "x"}}'),
            ".mode",
        ),
    ],
    ids=["clock-offset-text", "clock-offset-huge", "credential-without-tenant", "lifecycle-mode-in-the-log"],
)
def test_a_data_dir_holding_what_the_sandbox_cannot_read_back_is_one_line(
    tmp_path: Path, file: str, content: str | bytes, where: str
) -> None:
    # Well-formed files whose own tables would break the start (before: a traceback naming no file, or a server
    # that answered 500 to everything): the same one line as a damaged file, naming the field.
    data = tmp_path / "data"
    data.mkdir()
    target = data / file
    target.write_bytes(content if isinstance(content, bytes) else content.encode())

    result = start("--data-dir", str(data), "--port", str(free_port()), cwd=tmp_path)

    line = one_line_failure(result, f"Error: cannot load the data dir {data}", "sandbox.json", where, "--data-dir")
    assert "Traceback" not in result.stderr and "ready" not in line
    assert target.read_bytes() == (content if isinstance(content, bytes) else content.encode())  # left as it was


@pytest.mark.parametrize("kind", ["data-dir-is-a-file", "store-is-a-folder"])
def test_an_unusable_data_dir_is_one_line(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "data"
    if kind == "data-dir-is-a-file":
        data.write_text("not a folder", encoding="utf-8")
    else:
        (data / "sandbox.json").mkdir(parents=True)

    result = start("--data-dir", str(data), "--port", str(free_port()), cwd=tmp_path)

    one_line_failure(result, f"Error: cannot use the data dir {data}", "--data-dir")


@pytest.mark.parametrize(
    ("denied", "mode", "problem"),
    [
        ("", os.R_OK, "is not readable by this user"),
        ("", os.W_OK, "is not writable by this user"),
        ("sandbox.json", os.R_OK, "is not a readable file"),
    ],
    ids=["folder-unreadable", "folder-unwritable", "store-unreadable"],
)
def test_a_data_dir_this_user_may_not_read_or_write_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, denied: str, mode: int, problem: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "sandbox.json").write_text("{}", encoding="utf-8")
    refused = data / denied if denied else data
    real_access = os.access
    # Permissions as a user without those rights meets them (chmod cannot deny them to root, who may run this
    # suite); click's checks see them too, so a usage error of its own would fail this test.
    monkeypatch.setattr(
        os, "access", lambda path, asked: not (Path(path) == refused and asked & mode) and real_access(path, asked)
    )

    def never(*args: object) -> None:
        raise AssertionError("the port was bound: the data dir was not checked first")

    monkeypatch.setattr(server, "listen", never)
    result = CliRunner().invoke(cli.main, ["serve", "--data-dir", str(data), "--port", "0"])

    assert (result.exit_code, result.stdout) == (1, ""), result.output
    assert result.stderr.splitlines() == [
        f"Error: cannot use the data dir {data}: {refused} {problem}; choose another --data-dir (or fix that)"
    ]


def test_port_zero_prints_the_port_it_got(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--memory", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline().strip() for _ in range(7)]
        ready = lines[-1]
        assert ready.startswith("campaign-sandbox ready on http://127.0.0.1:"), lines
        url = ready.rsplit(" ", 1)[1]
        assert not url.endswith(":0")
        assert requests.get(f"{url}/_sandbox/health", timeout=HTTP_TIMEOUT).status_code == 200
    finally:
        server.terminate()
        server.wait(START_TIMEOUT)
