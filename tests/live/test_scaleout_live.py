"""Scale-out by tenant (deploy/): 3 instances behind HAProxy, each key's vendor and control calls on one instance.

Everything listens on 127.0.0.1: the instances on ports of their own, HAProxy on another (deploy/scaleout.py).
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from live_helpers import free_port

from sandbox.core.auth import auto_tenant_name
from sandbox.testing import SandboxControl, http_transport

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
CAMPAIGNS = "/webex/v1/campaigns"
EVENTS = "/webex/campaignapi/resources/v3/events"
EVENT = {"event-id": "evt_14296935520105", "event-key": "1", "event-params": {"account": "1"}}
INSTANCE = "X-Sandbox-Instance"
TIMEOUT = 10.0


@dataclass
class Deployment:
    url: str
    process: subprocess.Popen[str]
    instances: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (url, pid)
    lines: queue.Queue[str] = field(default_factory=queue.Queue)

    def wait_for(self, pattern: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise AssertionError(f"scaleout.py exited ({self.process.returncode})") from None
                continue
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s")


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    if shutil.which("haproxy") is None and not os.access("/usr/sbin/haproxy", os.X_OK):
        pytest.fail("haproxy is not installed (make test installs it: apt-get install haproxy)")
    port, ports = free_port(), [free_port() for _ in range(3)]
    command = [sys.executable, "deploy/scaleout.py", "--port", str(port), "--memory"]
    process = subprocess.Popen(
        [*command, "--instance-ports", ",".join(map(str, ports))],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deployment = Deployment(f"http://127.0.0.1:{port}", process)

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            deployment.lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    try:
        while True:
            line = deployment.wait_for(r"^(instance i\d+: |ready: )")
            if line.startswith("ready: "):
                break
            name, url, pid = re.fullmatch(r"instance (i\d+): (\S+) \(pid (\d+)\)", line).groups()  # type: ignore[union-attr]
            deployment.instances[name] = (url, int(pid))
        assert sorted(deployment.instances) == ["i1", "i2", "i3"]
        yield deployment
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def by_key(key: str) -> dict[str, str]:
    return {"X-Sandbox-Credential": key}


def create(url: str, key: str, name: str) -> requests.Response:
    body = {
        "name": name,
        "categoryId": "Others",
        "priority": 0,
        "notifications": [{"emailId": "ops@example.com"}],
        "alertsettings": [{"alertType": "N0002"}],
    }
    return requests.post(f"{url}{CAMPAIGNS}", json=body, headers=bearer(key), timeout=TIMEOUT)


@pytest.fixture(scope="module")
def placed(deployment: Deployment) -> dict[str, list[tuple[str, str]]]:
    """Two keys per instance, each with a campaign created through the proxy: instance -> [(key, campaign id)]."""
    found: dict[str, list[tuple[str, str]]] = {name: [] for name in deployment.instances}
    for n in range(200):  # the hash is fixed for fixed keys and names; 200 is far more than needed
        key = f"scaleout-key-{n:04d}"
        answer = create(deployment.url, key, f"campaign of {key}")
        assert answer.status_code == 200, answer.text
        where = answer.headers[INSTANCE]
        if len(found[where]) < 2:
            found[where].append((key, answer.json()["id"]))
        if all(len(keys) == 2 for keys in found.values()):
            return found
    raise AssertionError(f"200 keys did not reach every instance twice: {found}")


def test_a_keys_vendor_and_control_calls_reach_one_instance(deployment: Deployment, placed: Any) -> None:
    url = deployment.url
    for instance, keys in placed.items():
        for key, campaign in keys:
            calls = [
                requests.get(f"{url}{CAMPAIGNS}/{campaign}", headers=bearer(key), timeout=TIMEOUT),
                requests.post(f"{url}{EVENTS}", json=EVENT, headers=bearer(key), timeout=TIMEOUT),
                requests.get(f"{url}/_sandbox/clock", headers=by_key(key), timeout=TIMEOUT),
                requests.post(f"{url}/_sandbox/clock/advance", json={"seconds": 0}, headers=by_key(key), timeout=10),
                requests.get(f"{url}/_sandbox/scenarios/active", headers=by_key(key), timeout=TIMEOUT),
                requests.get(f"{url}/_sandbox/requests", headers=by_key(key), timeout=TIMEOUT),
                requests.get(f"{url}/_sandbox/clock", params={"credential": key}, timeout=TIMEOUT),
            ]
            for call in calls:
                assert call.status_code == 200, (call.request.method, call.request.url, call.text)
                assert call.headers[INSTANCE] == instance, (call.request.method, call.request.url)
            assert calls[2].json()["tenant"] == auto_tenant_name(key)
            # the journal, scoped by the header, is the key's own: its create, the get and the event so far
            journal = calls[5].json()
            assert {entry["tenant"] for entry in journal["requests"]} == {auto_tenant_name(key)}
            assert [e["operation"] for e in journal["requests"]][:3] == [
                "create_campaign",
                "get_campaign",
                "trigger_event",
            ]
            # the campaign is on that instance and on no other
            for name, (direct, _) in deployment.instances.items():
                there = requests.get(f"{direct}{CAMPAIGNS}/{campaign}", headers=bearer(key), timeout=TIMEOUT)
                assert there.status_code == (200 if name == instance else 404), (name, instance, there.text)


def test_no_tenant_sees_another_tenants_data(deployment: Deployment, placed: Any) -> None:
    url = deployment.url
    everyone = [pair for keys in placed.values() for pair in keys]
    for key, _ in everyone:
        listed = requests.get(f"{url}{CAMPAIGNS}", headers=bearer(key), timeout=TIMEOUT)
        assert listed.status_code == 200
        ids = {c["id"] for c in listed.json()} if isinstance(listed.json(), list) else set()
        for other, their_campaign in everyone:
            if other == key:
                continue
            assert their_campaign not in ids
            peek = requests.get(f"{url}{CAMPAIGNS}/{their_campaign}", headers=bearer(key), timeout=TIMEOUT)
            assert peek.status_code == 404, (key, other, peek.text)


def test_clock_scenarios_and_reset_act_on_one_tenant_of_an_instance(deployment: Deployment, placed: Any) -> None:
    url = deployment.url
    (key, campaign), (neighbour, theirs) = placed["i2"]  # two tenants on the same instance
    advanced = requests.post(f"{url}/_sandbox/clock/advance", json={"seconds": 86400}, headers=by_key(key), timeout=10)
    assert advanced.json()["offset_seconds"] == 86400
    assert requests.get(f"{url}/_sandbox/clock", headers=by_key(neighbour), timeout=10).json()["offset_seconds"] == 0

    activated = requests.post(f"{url}/_sandbox/scenarios/webex-bad-gateway/activate", headers=by_key(key), timeout=10)
    assert activated.status_code == 200 and activated.headers[INSTANCE] == "i2"
    assert requests.post(f"{url}{EVENTS}", json=EVENT, headers=bearer(key), timeout=10).status_code == 502
    assert requests.post(f"{url}{EVENTS}", json=EVENT, headers=bearer(neighbour), timeout=10).status_code == 200
    requests.delete(f"{url}/_sandbox/scenarios/active", headers=by_key(key), timeout=10)
    assert requests.post(f"{url}{EVENTS}", json=EVENT, headers=bearer(key), timeout=10).status_code == 200

    reset = requests.post(f"{url}/_sandbox/reset", headers=by_key(key), timeout=TIMEOUT)
    assert reset.status_code == 200 and reset.headers[INSTANCE] == "i2"
    assert reset.json()["reset"] == auto_tenant_name(key)
    assert requests.get(f"{url}{CAMPAIGNS}/{campaign}", headers=bearer(key), timeout=10).status_code == 404
    assert requests.get(f"{url}{CAMPAIGNS}/{theirs}", headers=bearer(neighbour), timeout=10).status_code == 200
    assert create(url, key, f"campaign of {key}").status_code == 200  # recreated: the later tests find it again
    placed["i2"][0] = (key, create(url, key, f"again {key}").json()["id"])


def test_the_pytest_plugins_handle_acts_on_its_keys_instance(deployment: Deployment, placed: Any) -> None:
    """``SandboxControl`` (the ``sandbox`` fixture) pointed at the proxy: every helper reaches the key's instance."""
    url = deployment.url
    for instance, keys in placed.items():
        key = keys[1][0]
        control = SandboxControl(url, http_transport(url), key=key)
        scenario = {
            "name": f"scaleout-{instance}-failing-events",
            "rules": [{"match": {"vendor": "webex", "operation": "trigger_event"}, "respond": {"status": 503}}],
        }
        control.define(scenario)  # a catalogue entry of the instance the key routes to
        assert control.activate(scenario["name"]) == [scenario["name"]]
        assert requests.post(f"{url}{EVENTS}", json=EVENT, headers=bearer(key), timeout=10).status_code == 503
        control.deactivate()
        assert control.advance(300)["offset_seconds"] >= 300
        clock = requests.get(f"{url}/_sandbox/clock", headers=by_key(key), timeout=TIMEOUT)
        assert clock.headers[INSTANCE] == instance and clock.json()["offset_seconds"] >= 300
        assert {entry["tenant"] for entry in control.journal()} == {auto_tenant_name(key)}


def test_losing_one_instance_affects_only_its_tenants(deployment: Deployment, placed: Any) -> None:
    url = deployment.url
    first = placed["i1"][0][0]
    offset = requests.post(f"{url}/_sandbox/clock/advance", json={"seconds": 60}, headers=by_key(first), timeout=10)
    assert offset.status_code == 200
    before = {
        key: requests.get(f"{url}{CAMPAIGNS}/{campaign}", headers=bearer(key), timeout=TIMEOUT).json()
        for keys in placed.values()
        for key, campaign in keys
    }

    _, pid = deployment.instances["i3"]
    os.killpg(pid, signal.SIGKILL)  # the instance and its granian worker: a crash, nothing written out
    deployment.wait_for(r"^instance i3 exited")

    def read(pair: tuple[str, str]) -> requests.Response:
        key, campaign = pair
        return requests.get(f"{url}{CAMPAIGNS}/{campaign}", headers=bearer(key), timeout=TIMEOUT)

    with ThreadPoolExecutor(8) as pool:  # HAProxy tries a dead instance twice, a second apart: in parallel
        answers = {pair: pool.submit(read, pair) for keys in placed.values() for pair in keys}
        clock_i3 = pool.submit(requests.get, f"{url}/_sandbox/clock", headers=by_key(placed["i3"][0][0]), timeout=10)
    assert clock_i3.result().status_code == 503
    for instance, keys in placed.items():
        for key, campaign in keys:
            answer = answers[(key, campaign)].result()
            if instance == "i3":
                assert answer.status_code == 503, answer.text  # not served elsewhere with an empty tenant
            else:
                assert answer.status_code == 200, answer.text
                assert answer.headers[INSTANCE] == instance
                assert answer.json() == before[key]
    clock = requests.get(f"{url}/_sandbox/clock", headers=by_key(first), timeout=TIMEOUT)
    assert clock.json()["offset_seconds"] >= 60
