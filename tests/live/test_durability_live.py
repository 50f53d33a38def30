"""kill -9 under steady create load, five times over: at most 0.2 s of acknowledged writes lost, no temp files left.

The figure at 100 MB is bench/durability.py's (a benchmark, not a timed test).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from live_helpers import HTTP_TIMEOUT, ServerProcess
from zexa_helpers import CAMPAIGNS, auth, campaign_body

pytestmark = pytest.mark.live

CLIENTS = 4  # each with a key of its own per round: a Zexa tenant's credits last ~200 campaigns
MAX_LOSS_SECONDS = 0.2


def create_until_killed(server: ServerProcess, key: str, acked: dict[str, float], stop: threading.Event) -> None:
    """Create campaigns back to back; note when each was acknowledged (its 201 fully read)."""
    session = requests.Session()
    number = 0
    while not stop.is_set():
        number += 1
        try:
            response = session.post(
                f"{server.url}{CAMPAIGNS}",
                json=campaign_body(name=f"{key} {number} {time.monotonic_ns()}"),
                headers=auth(key),
                timeout=HTTP_TIMEOUT,
            )
        except requests.RequestException:
            return  # the server is gone
        if response.status_code == 201:
            acked[response.json()["id"]] = time.monotonic()


def stored_ids(server: ServerProcess, keys: list[str]) -> set[str]:
    ids: set[str] = set()
    for key in keys:
        state = requests.get(
            f"{server.url}/_sandbox/state", params={"credential": key, "vendor": "zexa"}, timeout=HTTP_TIMEOUT
        ).json()
        for name, rows in state["tables"].items():
            if name.startswith("zexa.campaigns/"):
                ids.update(rows)
    return ids


def test_kill_9_under_create_load_loses_at_most_a_fifth_of_a_second(
    start_server: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    survivors: set[str] = set()
    used: list[str] = []
    windows: list[float] = []
    for round_ in range(5):
        server = start_server("--data-dir", str(data_dir))
        assert survivors <= stored_ids(server, used), "writes that survived an earlier kill were lost later"
        keys = [f"durability-key-{round_}-{n}" for n in range(CLIENTS)]
        used += keys
        acked: dict[str, float] = {}
        stop = threading.Event()
        workers = [threading.Thread(target=create_until_killed, args=(server, key, acked, stop)) for key in keys]
        for worker in workers:
            worker.start()
        time.sleep(0.6)  # steady load, then a crash in the middle of it
        killed_at = time.monotonic()
        server.kill()
        stop.set()
        for worker in workers:
            worker.join(HTTP_TIMEOUT)
        assert len(acked) > 50, "too little load to say anything"

        server = start_server("--data-dir", str(data_dir))
        stored = stored_ids(server, keys)
        lost = [at for campaign_id, at in acked.items() if campaign_id not in stored]
        windows.append(killed_at - min(lost) if lost else 0.0)
        survivors |= set(acked) & stored
        assert not [entry.name for entry in data_dir.iterdir() if entry.name.startswith(".store-")]
        server.stop()

    assert max(windows) <= MAX_LOSS_SECONDS, f"acknowledged writes lost in the last {windows} s before each kill"
    assert {entry.suffix for entry in data_dir.iterdir()} <= {".json", ".log"}
