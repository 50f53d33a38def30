"""Serves the app with Granian (chosen by benchmark: see bench/README.md) in one worker process."""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sandbox.config import Config

log = logging.getLogger(__name__)

_app: Any = None  # the worker's app, so that its store is written out when the worker stops


def serve(config: Config, host: str, port: int, threads: int, on_ready: Callable[[], None]) -> None:
    """Block serving ``config`` on host:port; call ``on_ready`` once the first request is answered.

    One worker process holds all state (the store is in memory). Granian binds the socket and forks
    the worker; the worker builds the app, then probes itself and calls ``on_ready``. The probe runs
    in the worker on purpose: a thread alive in the parent while it forks can hold an import lock
    (its first connect imports ``encodings.idna``) that the worker then waits on forever.
    """
    from granian.constants import Interfaces
    from granian.server.mp import MPServer

    def load_app() -> Any:
        global _app
        from sandbox.app import create_app

        _die_with_parent()
        _app = create_app(config)
        _app.extensions["sandbox"].lifecycles.start_ticker()
        _app.extensions["sandbox"].outbox.start()
        threading.Thread(target=_announce_when_ready, args=(host, port, on_ready), daemon=True).start()
        return _app

    def run_worker(*args: Any, **kwargs: Any) -> Any:
        try:
            return MPServer._spawn_wsgi_worker(*args, **kwargs)
        finally:
            if _app is not None:
                _app.extensions["sandbox"].close()

    # Many threads are on purpose: each scenario delay holds one (see cli --threads).
    logging.getLogger("_granian").addFilter(lambda record: "seems quite high" not in record.getMessage())
    server = MPServer(
        target="sandbox.app:create_app",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=threads,
        log_access=False,
        workers_kill_timeout=10,
    )
    server.serve(spawn_target=run_worker, target_loader=load_app, wrap_loader=False)


def _announce_when_ready(host: str, port: int, on_ready: Callable[[], None], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    probe_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(probe_host, port, timeout=1)
            connection.request("GET", "/_sandbox/health")
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
