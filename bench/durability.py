"""Durability at size: restart time and what kill -9 under steady create load loses, on a store of ~100 MB.

    .venv/bin/python bench/durability.py [--mb 100] [--kills 5] [--keep DIR]

Phases, on a data dir filled with ``--mb`` of Zexa campaigns (records of the shape a create stores, spread over
10 tenants):
  1. snapshot: the state is the TinyDB JSON file; restart time (launch to the first answer); then ``--kills``
     times: steady creates from 4 clients, kill -9 of the whole server 1-3 s in, restart, and the loss window
     (the kill's moment minus the earliest acknowledged create that did not survive); create latency under load.
  2. log: the same state as an uncompacted change log (as after an import or a long run); restart replays it and
     the first commit starts a compaction of the whole 100 MB; the server is killed while the compaction's temp
     file is being written, and the next start must find everything, and no temp file.
  3. import: an export of the same size restored with PUT /_sandbox/state on a fresh server (checked whole first).
Only loopback traffic, to servers this script starts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import run  # bench/run.py: the server process helpers

TENANTS = [f"durability-bench-{n:02d}" for n in range(10)]
CLIENTS = 4  # each with a fresh key per round: a Zexa tenant's credits last ~200 campaigns
CAMPAIGN = {
    "name": "Weekend Sale",
    "channel": "sms",
    "contact_list_id": "lst_abc123",
    "sender_id": "MYBRAND",
    "body": "Hi! 20% off everything this weekend.",
}


def command(data_dir: Path) -> str:
    python = shlex.quote(sys.executable)
    return f"{python} -m sandbox serve --data-dir {shlex.quote(str(data_dir))} --port {{port}}"


def template_record(work: Path) -> dict[str, Any]:
    """One campaign exactly as the server stores it, read from a data dir after a create."""
    data_dir = work / "template"
    with run.running_server(command(data_dir)) as server:
        url = f"http://127.0.0.1:{server.port}/zexa/v1/campaigns"
        response = requests.post(url, json=CAMPAIGN, headers={"Authorization": "Bearer template-key-0001"}, timeout=5)
        response.raise_for_status()
    tables = json.loads((data_dir / "sandbox.json").read_bytes())
    (rows,) = [rows for name, rows in tables.items() if name.startswith("zexa.campaigns/")]
    return dict(next(iter(rows.values())))


def fill(data_dir: Path, megabytes: int, template: dict[str, Any], as_log: bool) -> int:
    """Write ~``megabytes`` of campaigns, as the TinyDB file or as one change log; answers the record count."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target, written, count = megabytes * 1024 * 1024, 0, 0
    tables: dict[str, dict[str, Any]] = {}
    lines: list[bytes] = []
    while written < target:
        tenant = TENANTS[count % len(TENANTS)]
        key = f"cmp_bench{count:09d}"
        record = {**template, "id": key, "name": f"Bench campaign {count}", "body": "x" * 600}
        encoded = json.dumps(record, separators=(",", ":")).encode()
        table = f"zexa.campaigns/{tenant}"
        if as_log:
            lines.append(b'["p",' + json.dumps([table, key]).encode()[1:-1] + b"," + encoded + b"]\n")
        else:
            tables.setdefault(table, {})[key] = record
        written += len(encoded) + 30
        count += 1
    if as_log:
        (data_dir / "sandbox.000001.log").write_bytes(b"".join(lines))
    else:
        (data_dir / "sandbox.json").write_bytes(json.dumps(tables, separators=(",", ":")).encode())
    return count


def load_and_kill(server: run.Server, until: Callable[[], None], keys: list[str]) -> dict[str, Any]:
    """Creates from 4 clients, kill -9 once ``until`` returns; the acknowledgements and the kill's moment."""
    acked: dict[str, float] = {}
    latencies: list[float] = []
    refused: dict[int, str] = {}  # any answer but 201 makes the run invalid
    stop = threading.Event()

    def client(key: str) -> None:
        session, number = requests.Session(), 0
        url = f"http://127.0.0.1:{server.port}/zexa/v1/campaigns"
        while not stop.is_set():
            number += 1
            started = time.perf_counter()
            try:
                response = session.post(
                    url,
                    json={**CAMPAIGN, "name": f"{key} {number} {time.monotonic_ns()}"},
                    headers={"Authorization": f"Bearer {key}"},
                )
            except requests.RequestException:
                return
            if response.status_code == 201:
                acked[response.json()["id"]] = time.monotonic()
                latencies.append(time.perf_counter() - started)
            else:
                refused.setdefault(response.status_code, response.text[:200])

    clients = [threading.Thread(target=client, args=(key,)) for key in keys]
    for thread in clients:
        thread.start()
    until()
    killed_at = time.monotonic()
    kill(server)
    stop.set()
    for thread in clients:
        thread.join(10)
    if refused:
        raise SystemExit(f"creates were refused: {refused}")
    return {"acked": acked, "killed_at": killed_at, "latencies": latencies}


def kill(server: run.Server) -> None:
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()


def survivors(server: run.Server, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for key in keys:
        state = requests.get(
            f"http://127.0.0.1:{server.port}/_sandbox/state", params={"credential": key, "vendor": "zexa"}, timeout=60
        ).json()
        for name, rows in state["tables"].items():
            if name.startswith("zexa.campaigns/"):
                found.update(rows)
    return found


def restart(data_dir: Path) -> tuple[run.Server, float]:
    server = run.Server(command(data_dir))
    return server, server.wait_ready(timeout=300)


def phase_snapshot(data_dir: Path, kills: int) -> dict[str, Any]:
    windows, restarts, lost_counts, latencies = [], [], [], []
    for round_ in range(kills):
        server, seconds = restart(data_dir)
        restarts.append(seconds)
        after = random.uniform(1.0, 3.0)
        keys = [f"durability-snapshot-{round_}-{n}" for n in range(CLIENTS)]
        outcome = load_and_kill(server, lambda: time.sleep(after), keys)  # noqa: B023 -- called at once
        latencies += outcome["latencies"]
        checker, _ = restart(data_dir)
        stored = survivors(checker, keys)
        checker.stop()
        lost = [at for key, at in outcome["acked"].items() if key not in stored]
        lost_counts.append(len(lost))
        windows.append(outcome["killed_at"] - min(lost) if lost else 0.0)
        print(f"  kill: {len(outcome['acked'])} acknowledged, {len(lost)} lost, window {windows[-1] * 1000:.0f} ms")
    latencies.sort()
    return {
        "restart_s": [round(s, 2) for s in restarts],
        "loss_window_ms": [round(w * 1000) for w in windows],
        "lost": lost_counts,
        "create_p50_ms": round(statistics.median(latencies) * 1000, 2),
        "create_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
        "temp_files_left": [p.name for p in data_dir.glob(".store-*")],
    }


def phase_log(data_dir: Path) -> dict[str, Any]:
    server, seconds = restart(data_dir)
    started = time.monotonic()

    def compacting() -> None:
        deadline = time.monotonic() + 120
        while not list(data_dir.glob(".store-*")) and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.3)  # well inside the write of the 100 MB file

    keys = [f"durability-log-{n}" for n in range(CLIENTS)]
    outcome = load_and_kill(server, compacting, keys)
    checker, second_restart = restart(data_dir)
    stored = survivors(checker, keys)
    health = requests.get(f"http://127.0.0.1:{checker.port}/_sandbox/health", timeout=10).json()
    checker.stop()
    lost = [at for key, at in outcome["acked"].items() if key not in stored]
    return {
        "restart_replaying_log_s": round(seconds, 2),
        "killed_during_compaction_after_s": round(outcome["killed_at"] - started, 2),
        "acknowledged": len(outcome["acked"]),
        "lost": len(lost),
        "loss_window_ms": round((outcome["killed_at"] - min(lost)) * 1000) if lost else 0,
        "restart_after_kill_s": round(second_restart, 2),
        "temp_files_left": [p.name for p in data_dir.glob(".store-*")],
        "health": health.get("status"),
    }


def phase_import(megabytes: int, template: dict[str, Any]) -> dict[str, Any]:
    """PUT /_sandbox/state of a ~``megabytes`` export to a fresh server: checked whole, then restored."""
    tables: dict[str, dict[str, Any]] = {}
    written, count = 0, 0
    while written < megabytes * 1024 * 1024:
        key = f"cmp_import{count:09d}"
        record = {**template, "id": key, "name": f"Imported campaign {count}", "body": "x" * 600}
        tables.setdefault(f"zexa.campaigns/{TENANTS[count % len(TENANTS)]}", {})[key] = record
        written += len(json.dumps(record)) + 30
        count += 1
    python = shlex.quote(sys.executable)
    with run.running_server(f"{python} -m sandbox serve --memory --port {{port}}") as server:
        url = f"http://127.0.0.1:{server.port}/_sandbox"
        version = requests.get(f"{url}/health", timeout=10).json()["version"]
        body = json.dumps({"version": version, "tables": tables}).encode()
        started = time.perf_counter()
        response = requests.put(f"{url}/state", data=body, headers={"Content-Type": "application/json"}, timeout=600)
        took = time.perf_counter() - started
        held = sum(len(rows) for rows in requests.get(f"{url}/state", timeout=600).json()["tables"].values())
        return {
            "snapshot_mb": round(len(body) / 1024 / 1024),
            "status": response.status_code,
            "import_s": round(took, 2),
            "records_sent": count,
            "records_held": held,
            "rss_mb": server.memory()["rss_sum_mb"],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="sandbox-durability-"))
    try:
        template = template_record(work)
        snapshot_dir, log_dir = work / "snapshot", work / "log"
        count = fill(snapshot_dir, args.mb, template, as_log=False)
        size = (snapshot_dir / "sandbox.json").stat().st_size / 1024 / 1024
        print(f"snapshot phase: {count} campaigns, {size:.0f} MB")
        results: dict[str, Any] = {"records": count, "store_mb": round(size)}
        results["snapshot"] = phase_snapshot(snapshot_dir, args.kills)
        fill(log_dir, args.mb, template, as_log=True)
        print("log phase: the same state as a change log; killed during the compaction it starts")
        results["log"] = phase_log(log_dir)
        print("import phase: PUT /_sandbox/state of the same size")
        results["import"] = phase_import(args.mb, template)
        print(json.dumps(results, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
