"""Per-call cost of sandbox.mock() (in process, no socket) against the live server, for requests and httpx.

`.venv/bin/python bench/mock.py [--calls 2000]`: starts `campaign-sandbox serve --memory` on a free loopback
port, then times the same calls (a Zexa credits read: auth, tenant, one record; and a Zexa campaign create:
validation, credits, the lifecycle engine) one at a time through a kept-alive client, against the server and
inside `sandbox.mock()`. Prints the median and p90 per call in microseconds and the ratio mock/live.
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import requests

from sandbox.mocking import mock

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-mock-key-0001"
AUTH = {"Authorization": f"Bearer {KEY}"}
SALE = {"name": "Bench", "channel": "sms", "contact_list_id": "lst_abc123", "sender_id": "MYBRAND", "body": "Hi"}


@contextmanager
def live_server() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "sandbox", "serve", "--memory", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "ready on" in line:
                break
        else:
            raise SystemExit(f"the server did not start: exit {process.wait()}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def timed(call: Callable[[], Any], calls: int) -> list[float]:
    for _ in range(min(200, calls)):  # warm-up: imports, connection, caches
        call()
    spent = []
    for _ in range(calls):
        started = time.perf_counter_ns()
        call()
        spent.append((time.perf_counter_ns() - started) / 1000)
    return spent


def measure(base: str, calls: int) -> dict[str, list[float]]:
    """``base`` is the Zexa API's root: the live server's /zexa/v1, or the real https://api.zexa.ao/v1 in a mock."""
    session, client = requests.Session(), httpx.Client(headers=AUTH)
    session.headers.update(AUTH)
    try:
        return {
            "requests GET credits": timed(lambda: session.get(f"{base}/credits").raise_for_status(), calls),
            "httpx GET credits": timed(lambda: client.get(f"{base}/credits").raise_for_status(), calls),
            "requests POST campaign": timed(lambda: session.post(f"{base}/campaigns", json=SALE), calls // 4),
            "httpx POST campaign": timed(lambda: client.post(f"{base}/campaigns", json=SALE), calls // 4),
        }
    finally:
        session.close()
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with live_server() as url:
        live = measure(f"{url}/zexa/v1", args.calls)
    with mock():
        mocked = measure("https://api.zexa.ao/v1", args.calls)
    rows = {}
    print(f"{'call':<24} {'live p50':>9} {'live p90':>9} {'mock p50':>9} {'mock p90':>9} {'mock/live':>9}  (µs)")
    for name in live:
        live_p50, mock_p50 = statistics.median(live[name]), statistics.median(mocked[name])
        live_p90 = statistics.quantiles(live[name], n=10)[-1]
        mock_p90 = statistics.quantiles(mocked[name], n=10)[-1]
        rows[name] = {
            "live_p50_us": live_p50,
            "live_p90_us": live_p90,
            "mock_p50_us": mock_p50,
            "mock_p90_us": mock_p90,
        }
        figures = f"{live_p50:>9.0f} {live_p90:>9.0f} {mock_p50:>9.0f} {mock_p90:>9.0f}"
        print(f"{name:<24} {figures} {mock_p50 / live_p50:>9.2f}")
    print("BENCH_JSON " + json.dumps(rows))


if __name__ == "__main__":
    main()
