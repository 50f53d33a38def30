"""For the live tests: a real ``campaign-sandbox serve`` in a subprocess, and a real webhook receiver."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

START_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
HTTP_TIMEOUT = 5.0
# The control API's blueprints: what the dashboard (and a test) may call; the page's own blueprints serve files only.
CONTROL = (
    "sandbox_control",
    "sandbox_state",
    "sandbox_records",
    "sandbox_scenarios",
    "sandbox_webhooks",
    "zexa_control",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """``python -m sandbox serve`` in a subprocess; its output is read by a thread so nothing blocks."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "serve", "--port", str(self.port), *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,  # its own process group: the server and its worker stop together
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> list[str]:
        """The lines printed up to and including the ready line."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no ready line within {timeout} s; output so far: {self.output}")
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"the server exited ({self.process.poll()}) before it was ready: {self.output}")
            self.output.append(line)
            if "ready" in line:
                return list(self.output)

    def printed(self) -> list[str]:
        """The lines printed since the last call (or the ready line), without waiting for more."""
        lines = []
        while True:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                return lines
            if line is None:
                self._lines.put(None)  # the end stays seen
                return lines
            self.output.append(line)
            lines.append(line)

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM, then wait for the exit; a server that does not stop fails the test."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
            raise AssertionError(f"the server did not stop within {timeout} s after SIGTERM") from None

    def kill(self) -> None:
        """SIGKILL to the whole process group (a crash), so no worker is left behind serving."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(5)


# -- a real HTTP receiver ---------------------------------------------------------------------------------
@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    """Records every POST; answers the scripted statuses first, then 200."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    _ready: threading.Condition = field(default_factory=threading.Condition)

    def take(self, request: Received) -> int:
        with self._ready:
            self.requests.append(request)
            status = self.script.pop(0) if self.script else 200
            self._ready.notify_all()
            return status

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Poll until ``count`` requests arrived (or fail at the deadline)."""
        deadline = time.monotonic() + timeout
        with self._ready:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(self.requests)} of {count} webhook requests within {timeout} s")
                self._ready.wait(remaining)
            return list(self.requests)


@contextlib.contextmanager
def receiver(*script: int) -> Iterator[Receiver]:
    """A local HTTP server in a thread on an ephemeral loopback port."""
    state = Receiver(script=list(script))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status = state.take(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/zexa"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def wait_until(predicate: Any, timeout: float = 30.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it answers something truthy (or fail at the deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout} s")
        time.sleep(0.02)
