"""The WSGI app on Granian's RSGI interface: bodies read on the event loop, the app run there or in a thread.

Under Granian's WSGI interface a request thread is taken as soon as the headers are in, and then waits for
the body: 32 clients trickling a body held all 32 threads, and every other request waited. Here the body is
read by the event loop (a coroutine per request costs no thread), within ``body_timeout`` seconds and up to
the limit of what the app would read. A body cut short by the deadline reaches the app as a stream that
fails when read, so the vendor (or the control API) answers its own 400.

Then the app runs on the event loop itself when ``inline`` says the request cannot wait on anything (a vendor
call with no scenario that could delay it), and in a pool thread otherwise (a scenario delay holds its
thread; control calls may deliver webhooks). Handing a request to a thread and back costs more than most
requests take (bench/README.md); one deadline sweep per second, for declared and chunked bodies alike,
replaces a timer per request for the same reason.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from werkzeug.exceptions import ClientDisconnected

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Limit = Callable[[str, str], int]  # (method, path) -> bytes the app may read
Inline = Callable[[str, str, Any], bool]  # (method, path, headers) -> the app may run on the event loop
INLINE_KEY = "sandbox.inline"  # set in the environ of a request run on the event loop (web/injection.py reads it)
BODY_KEY = "sandbox.body"  # the body read whole within the limit (web/current.py reads it)


class _CutShort(io.RawIOBase):
    """The body of a request whose client stopped sending before the deadline: reading it is a disconnection."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise ClientDisconnected("the request body did not arrive in time")


class Answer:
    """What the app answered, gathered in its thread: status, headers, body, or a connection to drop."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[str, str]] = []
        self.body = b""
        self.drop = False  # the body failed (a connection_reset fault): send the head, then cut the connection

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
        self.status = int(status.split(" ", 1)[0])
        self.headers = headers
        return lambda data: None  # the legacy write() callable; Flask never uses it


class WSGIOverRSGI:
    """An RSGI application (``__rsgi__``) running ``app`` on the event loop, or in a pool of ``threads`` threads."""

    def __init__(
        self, app: WSGIApp, threads: int, limit: Limit, body_timeout: float, inline: Inline | None = None
    ) -> None:
        self.app = app
        self.threads = threads
        self.limit = limit
        self.body_timeout = body_timeout
        self.inline = inline or (lambda method, path, headers: False)
        self._pool: ThreadPoolExecutor | None = None
        self._reading: dict[asyncio.Task[Any], float] = {}  # body reads in progress and their deadlines
        self._expired: set[asyncio.Task[Any]] = set()  # the reads the sweep cut short

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="sandbox-request")
        loop.call_later(self._sweep_every, self._sweep, loop)

    @property
    def _sweep_every(self) -> float:
        return min(1.0, self.body_timeout / 4)

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        """Cancel the body reads past their deadline (at most a quarter of the deadline late)."""
        now = loop.time()
        for task, deadline in list(self._reading.items()):
            if deadline <= now and task not in self._expired:
                self._expired.add(task)
                task.cancel()
        loop.call_later(self._sweep_every, self._sweep, loop)

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":
            return
        headers = scope.headers
        body, complete, whole = await self._read_body(proto, scope.method, scope.path, headers)
        environ = self._environ(scope, headers.items(), body, complete)
        if whole:
            environ[BODY_KEY] = body
        if self.inline(scope.method, scope.path, headers):
            environ[INLINE_KEY] = True
            answer = self._run(environ)
        else:
            assert self._pool is not None
            answer = await asyncio.get_running_loop().run_in_executor(self._pool, self._run, environ)
        if answer.drop:
            # The head goes out with its declared length, then nothing: the client sees the connection cut.
            await proto.response_stream(answer.status, answer.headers).send_bytes(b"")
            return
        proto.response_bytes(answer.status, answer.headers, answer.body)

    async def _read_body(self, proto: Any, method: str, path: str, headers: Any) -> tuple[bytes, bool, bool]:
        """The body, up to one byte past the app's limit (so the app sees it is too large), whether it came, and
        whether it is the whole body within the limit (which the app may then take as it is)."""
        declared = headers.get("content-length")
        if declared == "0" or (declared is None and "transfer-encoding" not in headers):
            return b"", True, True  # HTTP/1.1: no length and no chunks is no body
        limit = self.limit(method, path)
        if declared is not None and declared.isdigit():
            if int(declared) > limit:
                return b"", True, False  # the app refuses it by its Content-Length, without reading it
            body, complete = await self._before_deadline(proto())
            return body, complete, complete
        return *(await self._before_deadline(self._chunks(proto, limit))), False

    async def _before_deadline(self, reading: Awaitable[bytes]) -> tuple[bytes, bool]:
        """The body ``reading`` reads, and True; or, if the deadline sweep cut it short, nothing and False."""
        task = asyncio.current_task()
        assert task is not None
        self._reading[task] = asyncio.get_running_loop().time() + self.body_timeout
        try:
            return await reading, True
        except asyncio.CancelledError:
            if task not in self._expired:
                raise  # the server is stopping, or the client went away
            task.uncancel()
            return b"", False
        finally:
            self._reading.pop(task, None)
            self._expired.discard(task)

    @staticmethod
    async def _chunks(proto: Any, limit: int) -> bytes:
        """A chunked body, piece by piece, so that one byte past the limit stops the reading."""
        chunks: list[bytes] = []
        size = 0
        async for chunk in proto:
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                break
        return b"".join(chunks)

    def _environ(self, scope: Any, headers: list[tuple[str, str]], body: bytes, complete: bool) -> dict[str, Any]:
        server, _, server_port = scope.server.rpartition(":")
        client = scope.client.rpartition(":")[0]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": scope.method,
            "SCRIPT_NAME": "",
            # RSGI gives the path decoded as UTF-8; WSGI wants its bytes as latin-1 (PEP 3333), as Granian's WSGI does.
            "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": server.strip("[]"),
            "SERVER_PORT": server_port,
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "REMOTE_ADDR": client.strip("[]"),
            "GATEWAY_INTERFACE": "CGI/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body) if complete else io.BufferedReader(_CutShort()),
            "wsgi.input_terminated": True,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in headers:
            key = name.upper().replace("-", "_")
            key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _run(self, environ: dict[str, Any]) -> Answer:
        answer = Answer()
        result = self.app(environ, answer.start_response)
        try:
            answer.body = b"".join(result)
        except ConnectionError:
            answer.drop = True
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return answer
