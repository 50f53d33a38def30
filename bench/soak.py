"""Soak: mixed load on one server for a long time; RSS and latency percentiles per interval, to see that both stay flat.

    .venv/bin/python bench/soak.py [--minutes 30] [--interval 60] [--clients 6] [--max-tenants 300] [--output PATH]

The server is ``campaign-sandbox serve --data-dir <temp> --max-tenants N`` (the change log, its compactions and
the tenant cap all take part). Each client works as a test suite would: a fresh key (so a fresh tenant) every
40 iterations, and in each iteration creates and reads campaigns of all four vendors, posts a Webex event,
lists, reads the journal and the health, and now and then advances its tenant's clock. With the cap, old
tenants are evicted as new ones come, so what the server holds stays bounded and RSS must level off.

Every interval prints one line: minutes, requests, errors (any unexpected status), p50/p99/max latency in ms,
the server's RSS (granian parent + worker) and the tenants it holds; the whole series is written as JSON.
Only loopback traffic, to the server this script starts, for ``--minutes``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import threading
import time
from itertools import count
from pathlib import Path
from typing import Any

import requests
import run  # bench/run.py: the server process helpers

ITERATIONS_PER_KEY = 40
ZEXA = {
    "name": "Weekend Sale",
    "channel": "sms",
    "contact_list_id": "lst_abc123",
    "sender_id": "MYBRAND",
    "body": "Hi! 20% off everything this weekend.",
}


class Recorder:
    """Latencies and errors of the current interval, shared by the clients."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.first_errors: dict[str, str] = {}

    def done(self, started: float, what: str, response: requests.Response, expected: tuple[int, ...]) -> Any:
        took = time.perf_counter() - started
        with self._lock:
            self.latencies.append(took)
            if response.status_code not in expected:
                key = f"{what} {response.status_code}"
                self.errors[key] = self.errors.get(key, 0) + 1
                self.first_errors.setdefault(key, response.text[:300])
        return response

    def take(self) -> tuple[list[float], dict[str, int]]:
        with self._lock:
            taken, self.latencies = self.latencies, []
            errors, self.errors = self.errors, {}
        return taken, errors


def client(url: str, number: int, recorder: Recorder, stop: threading.Event) -> None:
    session = requests.Session()
    names = count()
    iteration = 0
    key = ""

    def call(what: str, method: str, path: str, expected: tuple[int, ...] = (200,), **options: Any) -> Any:
        started = time.perf_counter()
        try:
            response = session.request(method, f"{url}{path}", timeout=30, **options)
        except requests.RequestException as failure:
            with recorder._lock:
                recorder.errors[f"{what} {type(failure).__name__}"] = recorder.errors.get(what, 0) + 1
            return None
        return recorder.done(started, what, response, expected)

    while not stop.is_set():
        if iteration % ITERATIONS_PER_KEY == 0:
            key = f"soak-{number}-{time.monotonic_ns()}"
        iteration += 1
        unique = f"{number}-{next(names)}-{time.monotonic_ns()}"
        bearer = {"Authorization": f"Bearer {key}"}
        webex = {
            "name": f"soak {unique}",
            "categoryId": "Others",
            "notifications": [{"emailId": "ops@example.com"}],
            "alertsettings": [{"alertType": "N0002"}],
        }
        created = call("webex create", "POST", "/webex/v1/campaigns", json=webex, headers=bearer)
        if created is not None and created.status_code == 200:
            call("webex get", "GET", f"/webex/v1/campaigns/{created.json()['id']}", headers=bearer)
        call("webex list", "GET", "/webex/v1/campaigns", headers=bearer)
        call(
            "webex event",
            "POST",
            run.EVENTS,
            data=run.EVENT_BODY,
            headers={**bearer, "content-type": "application/json"},
        )
        zexa = call("zexa create", "POST", "/zexa/v1/campaigns", (201,), json={**ZEXA, "name": unique}, headers=bearer)
        if zexa is not None and zexa.status_code == 201:
            call("zexa get", "GET", f"/zexa/v1/campaigns/{zexa.json()['id']}", headers=bearer)
        infobip = run.INFOBIP_CAMPAIGN_BODY.replace(run.NAME_SLOT, unique)
        app = {"Authorization": f"App {key}", "content-type": "application/json"}
        call("infobip create", "POST", run.INFOBIP_CAMPAIGNS, (201,), data=infobip, headers=app)
        call(
            "dailystory create", "POST", "/dailystory/api/v1/campaign", json={"name": f"soak {unique}"}, headers=bearer
        )
        call("journal", "GET", "/_sandbox/requests", params={"credential": key, "limit": "20"})
        call("health", "GET", "/_sandbox/health")
        if iteration % 10 == 0:
            advance = {"credential": key, "seconds": 3600}
            call("clock advance", "POST", "/_sandbox/clock/advance", json=advance)


def sample(server: run.Server, url: str, recorder: Recorder, started: float) -> dict[str, Any]:
    latencies, errors = recorder.take()
    latencies.sort()
    health = requests.get(f"{url}/_sandbox/health", timeout=30).json()

    def percentile(share: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * share))] * 1000, 1) if latencies else 0.0

    return {
        "minute": round((time.monotonic() - started) / 60, 1),
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else 0.0,
        "rss_mb": server.memory()["rss_sum_mb"],
        "tenants": health["tenants"],
        "status": health["status"],
        "error_kinds": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--interval", type=float, default=60.0, help="seconds per sample")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--max-tenants", type=int, default=300)
    parser.add_argument("--output", type=Path, default=run.ROOT / "bench" / "results" / "soak.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sandbox-soak-") as data_dir:
        python = shlex.quote(sys.executable)
        serve = f"serve --data-dir {shlex.quote(data_dir)} --max-tenants {args.max_tenants}"
        command = f"{python} -m sandbox {serve} --port {{port}}"
        with run.running_server(command) as server:
            url = f"http://127.0.0.1:{server.port}"
            recorder, stop = Recorder(), threading.Event()
            clients = [
                threading.Thread(target=client, args=(url, n, recorder, stop), daemon=True) for n in range(args.clients)
            ]
            started = time.monotonic()
            for thread in clients:
                thread.start()
            series: list[dict[str, Any]] = []
            columns = ("requests", "errors", "p50 ms", "p99 ms", "max ms", "RSS MB", "tenants")
            print(f"{'min':>5} " + " ".join(f"{name:>{max(7, len(name))}}" for name in columns))
            try:
                while time.monotonic() - started < args.minutes * 60:
                    time.sleep(min(args.interval, max(0.0, args.minutes * 60 - (time.monotonic() - started))))
                    point = sample(server, url, recorder, started)
                    series.append(point)
                    print(
                        f"{point['minute']:>5} {point['requests']:>8} {point['errors']:>7} {point['p50_ms']:>7} "
                        f"{point['p99_ms']:>7} {point['max_ms']:>7} {point['rss_mb']:>7} {point['tenants']:>7}",
                        flush=True,
                    )
            finally:
                stop.set()
                for thread in clients:
                    thread.join(35)
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps({"series": series, "first_errors": recorder.first_errors}, indent=1))
            args.output.with_suffix(".log").write_text(server.log_tail(100_000))  # what the server said, tracebacks too
            print(f"first answer of each error kind: {json.dumps(recorder.first_errors)[:2000]}")
            print(f"series written to {args.output}")


if __name__ == "__main__":
    main()
