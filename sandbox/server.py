"""Serves the app with Granian (chosen by benchmark: see bench/README.md) in one worker process."""

from __future__ import annotations

import dataclasses
import errno
import gc
import http.client
import importlib.util
import logging
import multiprocessing
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sandbox.config import STORE_FILE, Config

log = logging.getLogger(__name__)

_app: Any = None  # the worker's app, so that its store is written out when the worker stops
SERVING_GC_THRESHOLDS = (50_000, 50, 1000)  # the worker's collector, once the app is built (see load_app)


class StartupError(Exception):
    """A failed start told in one line: what failed, where, and what to do."""


def listen(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A socket listening on host:port for this server alone, or ``StartupError``.

    Bound here rather than by Granian, which binds with SO_REUSEPORT on Linux: there a second server on
    the same port starts silently and the kernel spreads requests over two diverging states.
    """
    where = f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as error:
        raise StartupError(
            f"cannot listen on {where}: {host!r} is neither an address nor a known host name ({error}); "
            "give an address of this machine: --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every network)"
        ) from None
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait out TIME_WAIT
        listener.bind(address)
        listener.listen(backlog)
    except OSError as error:
        listener.close()
        raise StartupError(f"cannot listen on {where}: {_bind_problem(host, error)}") from None
    listener.set_inheritable(True)
    return listener


def check_data_dir(folder: Path) -> None:
    """What can be told of a data dir before the worker loads it: a folder (or one to create) it can write in."""
    existing = next((path for path in (folder, *folder.parents) if path.exists()), None)
    store = folder / STORE_FILE
    if existing is None or not existing.is_dir():
        problem = f"{existing} is a file, not a folder"
    elif existing == folder and not os.access(folder, os.R_OK):
        problem = f"{folder} is not readable by this user"
    elif not os.access(existing, os.W_OK | os.X_OK):
        problem = f"{existing} is not writable by this user"
    elif store.exists() and (not store.is_file() or not os.access(store, os.R_OK)):
        problem = f"{store} is not a readable file"
    else:
        return
    raise StartupError(f"cannot use the data dir {folder}: {problem}; choose another --data-dir (or fix that)")


def _bind_problem(host: str, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            "the port is already in use, by another campaign-sandbox (a second `make run`?) or another program; "
            "stop that one, or choose another --port"
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine; use --host 127.0.0.1 (this machine) or 0.0.0.0 (all)"
    if error.errno == errno.EACCES:
        return "permission denied (ports below 1024 need privileges); choose a --port above 1023"
    return f"{error.strerror or error}; check --host and --port"


def serve(config: Config, listener: socket.socket, threads: int, on_ready: Callable[[], None]) -> None:
    """Block serving ``config`` on ``listener`` (see ``listen``); call ``on_ready`` once the first request is answered.

    One worker process holds all state (the store is in memory). Granian forks the worker over the
    socket; the worker builds the app, then probes itself and calls ``on_ready``. The probe runs
    in the worker on purpose: a thread alive in the parent while it forks can hold an import lock
    (its first connect imports ``encodings.idna``) that the worker then waits on forever.
    """
    with _starting():
        from granian.server.mp import MPServer

    host, port = listener.getsockname()[:2]
    config = dataclasses.replace(config, listen=(host, port))  # webhooks may not target the sandbox itself
    failed = multiprocessing.Event()  # the worker could not start and said why: Granian's own words add nothing

    def load_app() -> Any:
        global _app
        with _starting():
            from sandbox.app import create_app

            _die_with_parent()
            try:
                _app = create_app(config)
            except Exception as error:
                _give_up(config, error, failed)
        # A request makes hundreds of short-lived containers; collecting the youngest generation every 700 of
        # them (the default) and the whole heap, store included, every 100 of those cost events 8% of their
        # throughput (bench/README.md). The only cycles a request leaves (werkzeug's URL matcher closes over
        # itself: 8 objects each) die young, so the youngest generations still collect them.
        gc.set_threshold(*SERVING_GC_THRESHOLDS)
        _app.extensions["sandbox"].lifecycles.start_ticker()
        _app.extensions["sandbox"].outbox.start()
        if config.demo:
            from sandbox.demo import tell

            tell(_app)  # before the ready probe, so "ready" means the story is there
        probe = (host, port, on_ready, config.control_token)
        threading.Thread(target=_announce_when_ready, args=probe, daemon=True).start()
        return _on_rsgi(_app, config, threads)

    def run_worker(*args: Any, **kwargs: Any) -> Any:
        try:
            return MPServer._spawn_rsgi_worker(*args, **kwargs)
        finally:
            if _app is not None:
                _app.extensions["sandbox"].close()

    # Many threads are on purpose: each scenario delay holds one (see cli --threads).
    logging.getLogger("_granian").addFilter(lambda record: "seems quite high" not in record.getMessage())
    logging.getLogger("_granian").addFilter(lambda record: not failed.is_set())
    _granian(listener).serve(spawn_target=run_worker, target_loader=load_app, wrap_loader=False)


@contextmanager
def _starting() -> Iterator[None]:
    """No garbage collection while a process imports and builds what it keeps for its whole life.

    Start-up makes some 100,000 objects that all live on: the collector would walk them again and again for
    nothing (about 25 ms of a 0.35 s start, issue 16). They are then frozen out of later collections, which
    would otherwise walk them at every full collection (about 20 ms each); the few hundred cyclic leftovers of
    the imports stay, frozen with them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _granian(listener: socket.socket) -> Any:
    """Granian's multi-process server (one worker) over ``listener`` instead of a socket of its own."""
    from granian._granian import SocketHolder
    from granian.constants import Interfaces, Loops
    from granian.log import LogLevels
    from granian.server.mp import MPServer

    holder: Any = SocketHolder  # its stub lacks the (fd, is_uds, backlog) constructor

    class OnListener(MPServer):
        # Granian's own path where it cannot rely on SO_REUSEPORT: one socket bound in the parent, which the
        # forked worker inherits.
        def _init_shared_socket(self) -> None:
            self._ssp = None
            self._shd = holder(listener.fileno(), False, self.backlog)
            self._sfd: Any = listener.fileno()
            self._sso = listener

    host, port = listener.getsockname()[:2]
    return OnListener(
        target="sandbox.app:create_app",
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        # uvloop (a dependency where it builds), named rather than left to Granian's "auto", which would take
        # rloop first if it happened to be installed: measured, uvloop answers one connection fastest.
        loop=Loops.uvloop if importlib.util.find_spec("uvloop") else Loops.asyncio,
        workers=1,
        log_access=False,
        log_level=LogLevels.warning,  # the CLI prints the addresses and the ready line itself
        workers_kill_timeout=10,
    )


def _on_rsgi(app: Any, config: Config, threads: int) -> Any:
    """RSGI, not WSGI: bodies are read on the event loop, and vendor calls no scenario can delay run there too;
    the others take one of ``threads`` request threads (web/rsgi.py)."""
    from sandbox.web.injection import may_run_inline
    from sandbox.web.rsgi import WSGIOverRSGI

    sandbox = app.extensions["sandbox"]
    return WSGIOverRSGI(
        app,
        threads,
        _body_limit(config),
        config.body_timeout_seconds,
        inline=lambda method, path, headers: may_run_inline(sandbox, path, headers),
    )


def _body_limit(config: Config) -> Callable[[str, str], int]:
    """What the app reads of a body at most: a snapshot restore has its own limit."""

    def limit(method: str, path: str) -> int:
        if method == "PUT" and path.rstrip("/") == "/_sandbox/state":
            return config.max_state_bytes
        return config.max_body_bytes

    return limit


def _give_up(config: Config, error: Exception, failed: Any) -> None:
    """The worker could not build the app: one line on stderr, and the whole server exits 1 without "ready"."""
    from sandbox.core.changelog import StoreLoadError

    if isinstance(error, StoreLoadError):
        line = (
            f"cannot load the data dir {config.data_dir}: {error}; "
            "move that folder aside (or fix the file) to start afresh, or choose another --data-dir"
        )
    else:
        log.exception("the sandbox could not start")
        line = f"the sandbox could not start: {type(error).__name__}: {error} (the traceback is above)"
    failed.set()
    sys.stderr.write(f"Error: {line}\n")
    sys.stderr.flush()
    os._exit(1)


def _announce_when_ready(
    host: str, port: int, on_ready: Callable[[], None], token: str | None, timeout: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout
    probe_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    headers = {"X-Sandbox-Token": token} if token else {}
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(probe_host, port, timeout=1)
            connection.request("GET", "/_sandbox/health", headers=headers)
            if connection.getresponse().status == 200:
                on_ready()
                return
        except OSError:
            time.sleep(0.005)
    log.error("the sandbox did not answer on %s:%s within %.0f s", host, port, timeout)


def _die_with_parent() -> None:
    """A worker whose Granian parent is killed outright would keep the port and its state alive, unseen."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
