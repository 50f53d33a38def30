"""``sandbox.mock()``: requests and httpx calls to the vendors' real hosts answered by an in-process sandbox.

Like moto's ``mock_aws``: the code under test keeps its URLs (``https://api.zexa.ao/v1/...``) and its HTTP
client; ``responses`` (requests) and ``respx`` (httpx) catch the calls and hand them to a sandbox app of the
mock's own, with no socket, where the Host-header routing of a served sandbox finds the vendor. The sandbox
itself also answers at ``http://campaign-sandbox.test`` (vendors under ``/<vendor>``, the control API under
``/_sandbox``), as a served one would. Any other host passes through to the network, or fails as unmocked.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import httpx
import requests
import responses
import respx
from flask import Flask
from flask.testing import FlaskClient

from sandbox.app import VENDORS, create_app
from sandbox.config import Config
from sandbox.testing import SandboxControl, Transport, new_key

ROOT = "http://campaign-sandbox.test"  # .test never resolves (RFC 6761): only the mock answers it
OWN_HOST = "campaign-sandbox.test"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def host_pattern(hosts: Iterable[str]) -> str:
    """A regex of host names for the vendors' host globs (``*.api.infobip.com``) and the sandbox's own root."""
    globs = [*hosts, ROOT.split("://", 1)[1]]
    return "|".join(re.escape(glob).replace(r"\*", r"[^/:?#]*") for glob in globs)


HOSTS = host_pattern(host for vendor in VENDORS for host in vendor.hosts)
URLS = re.compile(rf"^https?://(?:{HOSTS})(?::\d+)?(?:[/?#].*)?$", re.IGNORECASE)


class mock(contextlib.ContextDecorator):  # lower case: used like a function, as moto's mock_aws
    """Route requests and httpx calls to the vendors' real hosts into a fresh in-process sandbox.

    ``with sandbox.mock() as control:`` (or ``@sandbox.mock()``): ``control`` is a ``SandboxControl`` over
    the whole mock sandbox (it is the block's own), with a fresh ``key`` for every vendor. Calls to other
    hosts fail as unmocked (``requests.ConnectionError``, ``respx.models.AllMockedAssertionError``) unless
    ``passthrough=True`` lets them reach the network. Webhooks stay in the outbox (``control.deliveries()``).
    """

    def __init__(self, *, passthrough: bool = False, config: Config | None = None) -> None:
        self.passthrough = passthrough
        self.config = config or Config(memory=True)
        self.app: Flask | None = None
        self._stack: contextlib.ExitStack | None = None

    def __enter__(self) -> SandboxControl:
        stack = contextlib.ExitStack()
        app = create_app(self.config)
        stack.callback(app.extensions["sandbox"].close)
        stack.enter_context(self._requests(app))
        stack.enter_context(self._httpx(app))
        self.app, self._stack = app, stack
        return SandboxControl(ROOT, app_transport(app), new_key("mock"), scoped=False)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        stack, self._stack, self.app = self._stack, None, None
        if stack is not None:
            stack.close()

    def _requests(self, app: Flask) -> responses.RequestsMock:
        """``responses`` answers every method on the vendors' hosts from the app; other hosts as chosen."""
        mocked = responses.RequestsMock(assert_all_requests_are_fired=False)
        client = app.test_client()
        for method in METHODS:
            mocked.add_callback(method, URLS, callback=lambda request: _answer_requests(client, request))
        if self.passthrough:
            mocked.add_passthru(re.compile(r"^https?://"))
        return mocked

    def _httpx(self, app: Flask) -> respx.MockRouter:
        """``respx`` hands the vendors' hosts to httpx's own WSGI transport over the app; other hosts as chosen."""
        router = respx.mock(assert_all_called=False, assert_all_mocked=not self.passthrough)
        transport = httpx.WSGITransport(app=app)
        router.route(host__regex=rf"^(?:{HOSTS})$").mock(side_effect=lambda request: _answer_httpx(transport, request))
        if self.passthrough:
            router.route().pass_through()
        return router


def app_transport(app: Flask) -> Transport:
    """Control calls straight into ``app`` through its Flask test client (no socket, no mocked client)."""
    client = app.test_client()

    def call(method: str, path: str, body: Any, query: Any) -> tuple[int, Any]:
        response = client.open(path, method=method, json=body, query_string=query)
        return response.status_code, response.get_json(silent=True)

    return call


def _answer_requests(client: FlaskClient, request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
    url = _local(httpx.URL(str(request.url)))
    try:
        answer = client.open(
            url.raw_path.decode("ascii"),
            base_url=f"{url.scheme}://{url.netloc.decode('ascii')}",
            method=request.method or "GET",
            headers=dict(request.headers),
            data=_body(request.body),
        )
        body = answer.get_data()
    except ConnectionResetError as cut:  # a scenario's connection_reset, as requests sees a cut connection
        raise requests.ConnectionError(str(cut), request=request) from None
    headers = {name: value for name, value in answer.headers.items() if name.lower() != "content-length"}
    return answer.status_code, headers, body


def _answer_httpx(transport: httpx.WSGITransport, request: httpx.Request) -> httpx.Response:
    url = _local(request.url)
    if url != request.url:
        headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"host"]
        request = httpx.Request(request.method, url, headers=headers, content=request.read())
    try:
        answer = transport.handle_request(request)
        content = answer.read()
    except ConnectionResetError as cut:  # a scenario's connection_reset, as httpx sees a cut connection
        raise httpx.RemoteProtocolError(str(cut), request=request) from None
    return httpx.Response(answer.status_code, headers=answer.headers, content=content, request=request)


def _local(url: httpx.URL) -> httpx.URL:
    """The sandbox's own root is this machine, as for a served sandbox: its control API answers loopback callers."""
    return url.copy_with(host="localhost") if url.host == OWN_HOST else url


def _body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    return b"".join(chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in body)
