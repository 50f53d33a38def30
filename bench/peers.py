"""The sandbox beside its peers in one run: Prism, WireMock and moto on the same machine, each figure as a ratio.

Installs the peers where missing (npm: @stoplight/prism-cli 5 and wiremock 3, whose package ships the standalone
jar, run on this machine's Java; PyPI: moto[server] in a venv of its own) under .tools/peers, then measures, one
system at a time, with wrk as bench/run.py does (2 threads; 16 connections, or 1 for the latency):

- Webex create campaign and the Event API at 16 connections: the sandbox (validation, store, journal), Prism
  mocking the sandbox's own OpenAPI document (validating the request, stateless), WireMock with a templated stub
  per operation (warmed up first), and moto's EventBridge PutEvents for an emulator of the same kind;
- p50 latency of a create at 1 connection; start to first answer (median of --starts);
- the sandbox's create throughput with 1 and 2 instances behind HAProxy (deploy/), keys spread over tenants.

Prints the table and the acceptance ratios of issue 16 with PASS/FAIL; writes bench/results/peers.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import run  # bench/run.py: wrk and its script

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools" / "peers"
PRISM = TOOLS / "node_modules" / ".bin" / "prism"
MOTO_VENV = TOOLS / "moto-venv"
MOTO = MOTO_VENV / "bin" / "moto_server"
RESULTS = ROOT / "bench" / "results" / "peers.json"
NPM_PACKAGES = ("@stoplight/prism-cli@5", "wiremock@3")

KEY = f"Bearer {run.DEMO_KEY}"
# Two templated stubs, answering what the sandbox answers (a new id, the name sent; a new transaction id).
WIREMOCK_STUBS = [
    {
        "request": {
            "method": "POST",
            "urlPath": "/webex/v1/campaigns",
            "bodyPatterns": [{"matchesJsonPath": "$.name"}],
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": '{"id":"{{randomValue length=14 type=\'NUMERIC\'}}","name":"{{jsonPath request.body \'$.name\'}}",'
            '"message":"Campaign created successfully."}',
            "transformers": ["response-template"],
        },
    },
    {
        "request": {"method": "POST", "urlPath": "/webex/campaignapi/resources/v3/events"},
        "response": {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": '{"transaction-id":"{{randomValue type=\'UUID\'}}"}',
            "transformers": ["response-template"],
        },
    },
]
# EventBridge PutEvents as an AWS SDK sends it; moto reads the region from the credential scope, checks no signature.
MOTO_EVENTS = ("/", '{"Entries":[{"Source":"bench","DetailType":"event","Detail":"{\\"account\\":\\"123\\"}"}]}')
MOTO_HEADERS = {"X-Amz-Target": "AWSEvents.PutEvents", "content-type": "application/x-amz-json-1.1"}
MOTO_AUTH = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/events/aws4_request, SignedHeaders=host, Signature=0"
)


# -- installing the peers ----------------------------------------------------------------------------------
def ensure_peers() -> None:
    if not PRISM.exists() or not list((TOOLS / "node_modules" / "wiremock" / "build").glob("*.jar")):
        print(f"== installing {', '.join(NPM_PACKAGES)} (npm) into {TOOLS}", flush=True)
        command = ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(TOOLS), *NPM_PACKAGES]
        subprocess.run(command, check=True)
    if not MOTO.exists():
        print(f"== installing moto[server] (PyPI) into {MOTO_VENV}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(MOTO_VENV)], check=True)
        subprocess.run([str(MOTO_VENV / "bin" / "pip"), "install", "--quiet", "moto[server]"], check=True)
    if shutil.which("java") is None:
        raise run.BenchError("java is not installed (WireMock runs on it): apt-get install -y openjdk-17-jre-headless")


def wiremock_jar() -> Path | None:
    return next(iter((TOOLS / "node_modules" / "wiremock" / "build").glob("*.jar")), None)


# -- one system under test ---------------------------------------------------------------------------------
class Process:
    """A server in a session of its own, ready once ``probe`` gets any HTTP answer (or the status it wants)."""

    def __init__(self, command: list[str], port: int, probe: str, want: int | None = None, **popen: Any) -> None:
        self.port, self.probe, self.want = port, probe, want
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, **popen
        )

    def wait_ready(self, timeout: float = 60.0) -> float:
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise run.BenchError(f"{self.process.args} exited with status {self.process.returncode}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1.0)
            try:
                connection.request("GET", self.probe)
                status = connection.getresponse().status
                if self.want is None or status == self.want:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.002)
        raise run.BenchError(f"{self.process.args} did not answer GET {self.probe} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(10)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@dataclass
class System:
    name: str
    command: Any  # (port) -> list[str]
    probe: str
    want: int | None
    create: tuple[str, str, str] | None  # path, body template, Authorization
    events: tuple[str, str, str] | None
    headers: dict[str, str] | None = None
    setup: Any = None  # (port) -> None, once it answers

    def start(self) -> Process:
        port = run.free_port()
        return Process(self.command(port), port, self.probe, self.want, cwd=ROOT)


def systems(openapi: Path, wiremock_root: Path) -> list[System]:
    sandbox_bin = Path(sys.executable).with_name("campaign-sandbox")
    jar = wiremock_jar()
    assert jar is not None
    return [
        System(
            "campaign-sandbox",
            lambda port: [str(sandbox_bin), "serve", "--memory", "--port", str(port)],
            "/_sandbox/health",
            200,
            (run.CAMPAIGNS, run.CAMPAIGN_BODY, KEY),
            (run.EVENTS, run.EVENT_BODY, KEY),
        ),
        System(
            "Prism 5 (validating, stateless)",
            lambda port: [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(openapi)],
            "/v1/campaigns",
            None,
            ("/v1/campaigns", run.CAMPAIGN_BODY, KEY),
            ("/campaignapi/resources/v3/events", run.EVENT_BODY, KEY),
        ),
        System(
            "WireMock 3 templated stub (warm)",
            lambda port: [
                "java",
                "-jar",
                str(jar),
                "--port",
                str(port),
                "--bind-address",
                "127.0.0.1",
                "--root-dir",
                str(wiremock_root),
                "--disable-banner",
                "--max-request-journal-entries",  # bounded as the sandbox's journal is (an unbounded one slows)
                "5000",
            ],
            "/__admin/health",
            200,
            (run.CAMPAIGNS, run.CAMPAIGN_BODY, KEY),
            (run.EVENTS, run.EVENT_BODY, KEY),
        ),
        System(
            "moto server (EventBridge)",
            lambda port: [str(MOTO), "-H", "127.0.0.1", "-p", str(port)],
            "/moto-api/",
            None,
            None,
            (MOTO_EVENTS[0], MOTO_EVENTS[1], MOTO_AUTH),
            headers=MOTO_HEADERS,
        ),
    ]


def wrk_post(
    port: int, load: tuple[str, str, str], tag: str, seconds: float, connections: int, extra: dict[str, str] | None
) -> run.WrkResult:
    path, body, authorization = load
    url = f"http://127.0.0.1:{port}{path}"
    return run.run_wrk(run.ensure_wrk(), url, body, tag, seconds, authorization, connections, headers=extra)


def checked(result: run.WrkResult, what: str) -> run.WrkResult:
    if result.failures():
        raise run.BenchError(f"{what}: {result.failures()}")
    return result


def measure(system: System, args: argparse.Namespace) -> dict[str, Any]:
    """Start times (median of --starts), then on one server: throughput at 16 connections, p50 at 1."""
    starts = []
    for _ in range(args.starts):
        process = system.start()
        try:
            starts.append(process.wait_ready())
        finally:
            process.stop()
    figures: dict[str, Any] = {"start_s": statistics.median(starts), "starts_s": [round(s, 3) for s in starts]}
    process = system.start()
    try:
        process.wait_ready()
        warm = args.warmup * (5 if "WireMock" in system.name else 1)  # the JIT's warm-up
        for key, load in (("create", system.create), ("events", system.events)):
            if load is None:
                continue
            checked(wrk_post(process.port, load, f"{key}-w", warm, 16, system.headers), f"{system.name} {key}")
            result = checked(
                wrk_post(process.port, load, key, args.duration, 16, system.headers), f"{system.name} {key}"
            )
            figures[key] = result.per_second
            print(f"   {system.name}: {key} {result.per_second:,.0f}/s p50 {result.p50_ms} ms", flush=True)
        load = system.create or system.events
        assert load is not None
        one = checked(wrk_post(process.port, load, "one", args.duration / 2, 1, system.headers), system.name)
        figures["p50_1conn_us"] = round(one.p50_ms * 1000, 1)
    finally:
        process.stop()
    print(f"   {system.name}: {json.dumps(figures)}", flush=True)
    return figures


# -- scale-out ---------------------------------------------------------------------------------------------
def measure_scaled(instances: int, args: argparse.Namespace) -> float:
    """Create throughput through HAProxy with ``instances`` instances, 64 keys (tenants) taking turns."""
    port = run.free_port()
    ports = ",".join(str(run.free_port()) for _ in range(instances))
    launcher = subprocess.Popen(
        [sys.executable, "deploy/scaleout.py", "--port", str(port), "--instance-ports", ports, "--memory"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    ready = threading.Event()

    def read() -> None:
        assert launcher.stdout is not None
        for line in launcher.stdout:
            if line.startswith("ready: "):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(60):
            raise run.BenchError(f"deploy/scaleout.py with {instances} instances was not ready within 60 s")
        keys = tuple(f"Bearer bench-scale-key-{n:03d}" for n in range(64))
        url = f"http://127.0.0.1:{port}{run.CAMPAIGNS}"
        wrk = run.ensure_wrk()
        for tag, seconds in (("scale-w", args.warmup), ("scale", args.duration)):
            result = run.run_wrk(wrk, url, run.CAMPAIGN_BODY, f"{tag}{instances}", seconds, KEY, 16, keys)
            checked(result, f"{instances} instances")
        print(f"   {instances} instance(s) behind HAProxy: create {result.per_second:,.0f}/s", flush=True)
        return result.per_second
    finally:
        launcher.send_signal(signal.SIGTERM)
        try:
            launcher.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()


# -- report ------------------------------------------------------------------------------------------------
def verdicts(found: dict[str, dict[str, Any]]) -> list[tuple[str, float, str, bool]]:
    mine, prism, wiremock, moto = (found[s] for s in ("sandbox", "prism", "wiremock", "moto"))
    return [
        ("create vs Prism", mine["create"] / prism["create"], ">= 1.5", mine["create"] >= 1.5 * prism["create"]),
        ("events vs Prism", mine["events"] / prism["events"], ">= 1.5", mine["events"] >= 1.5 * prism["events"]),
        (
            "create vs WireMock",
            mine["create"] / wiremock["create"],
            ">= 0.5",
            mine["create"] >= 0.5 * wiremock["create"],
        ),
        (
            "events vs WireMock",
            mine["events"] / wiremock["events"],
            ">= 0.5",
            mine["events"] >= 0.5 * wiremock["events"],
        ),
        (
            "p50 at 1 connection vs Prism",
            mine["p50_1conn_us"] / prism["p50_1conn_us"],
            "<= 0.5",
            mine["p50_1conn_us"] <= 0.5 * prism["p50_1conn_us"],
        ),
        (
            "start to first answer vs moto",
            mine["start_s"] / moto["start_s"],
            "<= 1.0",
            mine["start_s"] <= moto["start_s"],
        ),
    ]


def print_report(found: dict[str, dict[str, Any]], names: dict[str, str], scaled: dict[int, float]) -> int:
    def cell(figures: dict[str, Any], key: str, form: str) -> str:
        return form.format(figures[key]) if key in figures else "-"

    columns = (
        "system",
        "create, 16 connections",
        "Event API, 16 connections",
        "p50 at 1 connection",
        "start to first answer",
    )
    print("\n| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|")
    for key, figures in found.items():
        print(
            f"| {names[key]} | {cell(figures, 'create', '{:,.0f} req/s')} | {cell(figures, 'events', '{:,.0f} req/s')}"
            f" | {cell(figures, 'p50_1conn_us', '{:,.0f} µs')} | {figures['start_s'] * 1000:,.0f} ms |"
        )
    if scaled:
        print("\nScale-out (create, 16 connections, 64 keys, through HAProxy on this machine):")
        for instances, per_second in scaled.items():
            print(f"  {instances} instance{'s' if instances > 1 else ''}: {per_second:,.0f} req/s")
    print("\n| acceptance (issue 16) | ratio | target | verdict |\n|---|---|---|---|")
    failed = 0
    for name, ratio, target, passed in verdicts(found):
        failed += not passed
        print(f"| {name} | {ratio:.2f} | {target} | {'PASS' if passed else 'FAIL'} |")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up (WireMock: 5 times this)")
    parser.add_argument("--starts", type=int, default=5, help="starts timed per system (the median is shown)")
    parser.add_argument("--no-scale", action="store_true", help="skip the 1- and 2-instance runs behind HAProxy")
    args = parser.parse_args(argv)
    ensure_peers()
    found: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="sandbox-peers-") as folder:
        openapi = Path(folder) / "webex.json"
        fetch_openapi(openapi)
        wiremock_root = Path(folder) / "wiremock"
        (wiremock_root / "mappings").mkdir(parents=True)
        (wiremock_root / "mappings" / "stubs.json").write_text(json.dumps({"mappings": WIREMOCK_STUBS}))
        for key, system in zip(("sandbox", "prism", "wiremock", "moto"), systems(openapi, wiremock_root), strict=True):
            print(f"== {system.name}", flush=True)
            names[key] = system.name
            found[key] = measure(system, args)
    scaled = {} if args.no_scale else {n: measure_scaled(n, args) for n in (1, 2)}
    failed = print_report(found, names, scaled)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"systems": found, "scale_out": scaled, "revision": run.git_revision()}, indent=2))
    print(f"\n{6 - failed} PASS, {failed} FAIL; results in {RESULTS}")
    return 0


def fetch_openapi(target: Path) -> None:
    """The sandbox's own Webex document (what Prism mocks), as GET /_sandbox/openapi/webex.json serves it."""
    process = Process(
        [
            str(Path(sys.executable).with_name("campaign-sandbox")),
            "serve",
            "--memory",
            "--port",
            str(port := run.free_port()),
        ],
        port,
        "/_sandbox/health",
        200,
        cwd=ROOT,
    )
    try:
        process.wait_ready()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/_sandbox/openapi/webex.json")
        document = json.loads(connection.getresponse().read())
        document["servers"] = [{"url": "/"}]  # Prism serves the paths at its root
        target.write_text(json.dumps(document))
    finally:
        process.stop()


if __name__ == "__main__":
    sys.exit(main())
