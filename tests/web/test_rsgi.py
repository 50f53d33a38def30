"""The RSGI adapter: bodies read on the event loop within a deadline; the app run there or in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from flask import Flask
from granian.constants import Loops
from werkzeug.exceptions import ClientDisconnected

from sandbox import server
from sandbox.web.injection import may_run_inline
from sandbox.web.rsgi import INLINE_KEY, WSGIOverRSGI

NAME = "webex-duplicate-campaign-name"  # a ready-made scenario (scenarios/webex)


class Headers:
    """RSGI's headers: lower-case names, ``get``, ``in`` and ``items``."""

    def __init__(self, values: dict[str, str]) -> None:
        self._values = {name.lower(): value for name, value in values.items()}

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._values.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def items(self) -> list[tuple[str, str]]:
        return list(self._values.items())


class Scope:
    proto = "http"
    http_version = "1.1"
    scheme = "http"
    server = "127.0.0.1:8000"
    client = "127.0.0.1:50000"

    def __init__(self, method: str, path: str, headers: dict[str, str]) -> None:
        self.method, self.path, self.query_string = method, path, ""
        self.headers = Headers(headers)


class Protocol:
    """The connection: a body that comes at once, or never (``body=None``), and the answer it was given."""

    def __init__(self, body: bytes | None) -> None:
        self.body = body
        self.reads = 0
        self.answer: tuple[int, list[tuple[str, str]], bytes] | None = None

    async def __call__(self) -> bytes:
        self.reads += 1
        if self.body is None:
            await asyncio.Event().wait()  # a client that declared a body and stopped sending
        assert self.body is not None
        return self.body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        """A chunked body: the body in one chunk, or (``body=None``) a first chunk and then nothing more."""
        yield self.body if self.body is not None else b"{"
        if self.body is None:
            await asyncio.Event().wait()

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.answer = (status, headers, body)


def echo_app() -> tuple[Any, dict[str, Any]]:
    """A WSGI app answering the body it read (or 400 when reading failed); ``seen`` is its last environ."""
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        seen.update(environ, thread=threading.current_thread().name)
        try:
            body = environ["wsgi.input"].read()
        except ClientDisconnected:
            start_response("400 Bad Request", [])
            return [b"cut short"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body]

    return app, seen


def serve(adapter: WSGIOverRSGI, *requests: tuple[Scope, Protocol]) -> None:
    async def run() -> None:
        adapter.__rsgi_init__(asyncio.get_running_loop())
        try:
            await asyncio.gather(*(adapter.__rsgi__(scope, proto) for scope, proto in requests))
        finally:
            adapter.__rsgi_del__(asyncio.get_running_loop())

    asyncio.run(run())


def vendor_calls_inline(method: str, path: str, headers: Any) -> bool:
    return not path.startswith("/_sandbox")


def test_vendor_calls_run_on_the_event_loop_and_control_calls_in_a_thread() -> None:
    app, seen = echo_app()
    adapter = WSGIOverRSGI(app, 2, lambda method, path: 1024, 5.0, inline=vendor_calls_inline)
    vendor = (Scope("POST", "/webex/v1/campaigns", {"content-length": "2"}), Protocol(b"{}"))
    serve(adapter, vendor)
    assert vendor[1].answer is not None and vendor[1].answer[2] == b"{}"
    assert seen["thread"] == threading.current_thread().name and seen[INLINE_KEY] is True

    seen.clear()
    control = (Scope("POST", "/_sandbox/reset", {"content-length": "2"}), Protocol(b"{}"))
    serve(adapter, control)
    assert seen["thread"].startswith("sandbox-request") and INLINE_KEY not in seen


def test_a_request_without_a_length_or_chunks_has_no_body_to_wait_for() -> None:
    app, _ = echo_app()
    adapter = WSGIOverRSGI(app, 2, lambda method, path: 1024, 5.0, inline=vendor_calls_inline)
    request = (Scope("GET", "/webex/v1/campaigns", {}), Protocol(None))
    serve(adapter, request)  # would hang if the body were awaited
    assert request[1].reads == 0 and request[1].answer is not None and request[1].answer[0] == 200


def test_a_declared_body_that_never_comes_is_cut_by_the_deadline_while_others_are_served() -> None:
    app, _ = echo_app()
    adapter = WSGIOverRSGI(app, 2, lambda method, path: 1024, 0.2, inline=vendor_calls_inline)
    stalled = (Scope("POST", "/webex/v1/campaigns", {"content-length": "10"}), Protocol(None))
    prompt = (Scope("POST", "/webex/v1/campaigns", {"content-length": "2"}), Protocol(b"ok"))
    serve(adapter, stalled, prompt)
    assert prompt[1].answer is not None and prompt[1].answer[2] == b"ok"
    assert stalled[1].answer is not None and stalled[1].answer[:1] == (400,)
    assert not adapter._reading and not adapter._expired  # nothing left behind


def test_a_chunked_body_is_read_whole_or_cut_by_the_same_deadline() -> None:
    app, _ = echo_app()
    adapter = WSGIOverRSGI(app, 2, lambda method, path: 1024, 0.2, inline=vendor_calls_inline)
    chunked = {"transfer-encoding": "chunked"}
    stalled = (Scope("POST", "/webex/v1/campaigns", chunked), Protocol(None))
    prompt = (Scope("POST", "/webex/v1/campaigns", chunked), Protocol(b"{}"))
    serve(adapter, stalled, prompt)
    assert prompt[1].answer is not None and prompt[1].answer[2] == b"{}"
    assert stalled[1].answer is not None and stalled[1].answer[:1] == (400,)
    assert not adapter._reading and not adapter._expired


def test_a_cancellation_that_is_not_the_deadline_goes_through() -> None:
    app, _ = echo_app()
    adapter = WSGIOverRSGI(app, 2, lambda method, path: 1024, 30.0, inline=vendor_calls_inline)
    stalled = (Scope("POST", "/webex/v1/campaigns", {"content-length": "10"}), Protocol(None))

    async def run() -> None:
        adapter.__rsgi_init__(asyncio.get_running_loop())
        task = asyncio.ensure_future(adapter.__rsgi__(*stalled))
        await asyncio.sleep(0.01)
        task.cancel()  # the server stopping
        with pytest.raises(asyncio.CancelledError):
            await task
        adapter.__rsgi_del__(asyncio.get_running_loop())

    asyncio.run(run())
    assert stalled[1].answer is None and not adapter._reading


def test_only_vendor_calls_no_scenario_can_delay_run_inline(app: Flask, sandbox: Any) -> None:
    core = app.extensions["sandbox"]
    assert may_run_inline(core, "/webex/v1/campaigns", Headers({}))
    assert not may_run_inline(core, "/_sandbox/clock/advance", Headers({}))
    assert not may_run_inline(core, "/webex/v1/campaigns", Headers({"X-Sandbox-Scenario": "slow"}))
    core.scenarios.activate(NAME, None)
    try:
        assert not may_run_inline(core, "/webex/v1/campaigns", Headers({}))
    finally:
        core.scenarios.deactivate(NAME, None)
    assert may_run_inline(core, "/webex/v1/campaigns", Headers({}))


def test_the_server_runs_on_uvloop() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        assert server._granian(listener).loop == Loops.uvloop  # not Granian's "auto", which prefers rloop
