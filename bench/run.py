"""Benchmarks the sandbox against its performance targets (bench/README.md) and prints PASS/FAIL per figure."""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import platform
import random
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"

DEMO_KEY = "demo-webex-api-key-0001"
CAMPAIGNS = "/webex/v1/campaigns"
EVENTS = "/webex/campaignapi/resources/v3/events"
CAMPAIGN_TABLE = "webex.campaigns/demo"
NAME_SLOT = "{n}"  # where a wrk body template gets its per-request unique part
CAMPAIGN_BODY = (
    '{"name":"bench-' + NAME_SLOT + '","categoryId":"Others","priority":0,'
    '"notifications":[{"emailId":"ops@example.com"}],"alertsettings":[{"alertType":"N0002"}]}'
)
# Infobip: names need not be unique there, but referenceId must, so the per-request slot goes in referenceId
# (a name allows only [A-Za-z0-9_ ]). The rest is seed 001's request sample.
INFOBIP_KEY = "demo-infobip-api-key-0001"
INFOBIP_CAMPAIGNS = "/infobip/number-registration/1/campaigns"
INFOBIP_CAMPAIGN_BODY = (
    '{"referenceId":"bench-' + NAME_SLOT + '","type":"TEN_DIGIT_LONG_CODE","name":"Example Promo",'
    '"numbers":["41785473249"],"brandId":"a0c63335-f841-4d43-9ef8-e0765a233f29",'
    '"confirmationMessage":"Example promotional-marketing. Msg&data rates may apply. '
    'Reply HELP for help, STOP to cancel.",'
    '"customerCarePhone":"41785473249","customerCareEmail":"examples@example.com",'
    '"exampleMessages":["Come in today and get 10% OFF today!"],'
    '"helpMessage":"Example promotional-marketing: Help at textsupport@example.com or 18889997777.",'
    '"lowVolume":false,"messageTypes":["SMS","MMS"],'
    '"programSummary":"A mix of promotional and informational messaging.",'
    '"stopMessage":"Example promotional-marketing: You have been unsubscribed, no more messages will be sent.",'
    '"useCases":["PROMOTIONAL_MARKETING","EDUCATION"],'
    '"optIns":{"keyword":{"callToAction":"Text MESSAGE to subscribe","keywords":["MESSAGE"]}},'
    '"termsAndConditionsUrl":"https://www.example.com/terms-of-service/",'
    '"ageGated":true,"directLending":false,"embeddedLink":true,"embeddedPhone":false}'
)
EVENT_BODY = (
    '{"event-id":"evt_14296935520105","event-key":"44839382928","event-params":{"account":"123","firstname":"joe"}}'
)

TARGET_START_S = 0.3
TARGET_CREATE_RPS = 2000.0
TARGET_EVENTS_RPS = 2500.0
TARGET_SCALING_RATIO = 1.5
TARGET_IDLE_RSS_MB = 80.0


class BenchError(Exception):
    """A failure that makes the run invalid (as opposed to a missed target)."""


# -- the server under test ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def default_server_cmd() -> str:
    return f"{shlex.quote(str(Path(sys.executable).with_name('campaign-sandbox')))} serve --memory --port {{port}}"


class Server:
    """One ``campaign-sandbox serve`` process (granian parent + forked worker) in a session of its own."""

    def __init__(self, command_template: str) -> None:
        self.port = free_port()
        self.command = shlex.split(command_template.format(port=self.port))
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                self.command, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
            )
        except OSError as failure:
            self._log.close()
            raise BenchError(f"cannot run `{shlex.join(self.command)}`: {failure}") from None

    def wait_ready(self, timeout: float = 10.0, poll: float = 0.002) -> float:
        """Seconds from launch to the first 200 answer to ``GET /_sandbox/health``."""
        deadline = self.started + timeout
        accepted_but_silent = False
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"the server exited with status {self.process.returncode}:\n{self.log_tail()}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1.0)
            try:
                connection.request("GET", "/_sandbox/health")
                if connection.getresponse().status == 200:
                    return time.perf_counter() - self.started
            except TimeoutError:
                accepted_but_silent = True
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(poll)
        why = "accepted connections but never answered" if accepted_but_silent else "never accepted a connection"
        hint = "\n(see 'If the server never answers' in bench/README.md)" if accepted_but_silent else ""
        raise BenchError(
            f"`{shlex.join(self.command)}` {why} GET /_sandbox/health within {timeout:.0f} s.\n{self.log_tail()}{hint}"
        )

    def pids(self) -> list[int]:
        """The server process and its descendants (granian's worker)."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            ppid = int(text.rpartition(")")[2].split()[1])
            children.setdefault(ppid, []).append(int(stat.parent.name))
        found, pending = [], [self.process.pid]
        while pending:
            pid = pending.pop()
            found.append(pid)
            pending.extend(children.get(pid, []))
        return found

    def memory(self) -> dict[str, Any]:
        """VmRSS of each process, their sum, and the sum of their PSS (which counts shared pages once)."""
        processes = []
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            processes.append(
                {"pid": pid, "rss_mb": _proc_field_mb(status, "VmRSS:"), "pss_mb": _proc_field_mb(rollup, "Pss:")}
            )
        return {
            "processes": processes,
            "rss_sum_mb": round(sum(p["rss_mb"] for p in processes), 1),
            "pss_sum_mb": round(sum(p["pss_mb"] for p in processes), 1),
        }

    def log_tail(self, lines: int = 15) -> str:
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").splitlines()[-lines:]
        return "server output (last lines):\n  " + "\n  ".join(text)

    def stop(self, timeout: float = 5.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)
        with suppress(ProcessLookupError):  # whatever of its session is left (a worker that did not stop)
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._log.close()


def _proc_field_mb(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


@contextmanager
def running_server(command_template: str) -> Iterator[Server]:
    server = Server(command_template)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


# -- 1. start time -----------------------------------------------------------------------------------------
def measure_start(command_template: str, runs: int) -> dict[str, Any]:
    seconds = []
    for _ in range(runs):
        server = Server(command_template)
        try:
            seconds.append(server.wait_ready())
        finally:
            server.stop()
    return {"runs_s": [round(s, 4) for s in seconds], "median_s": statistics.median(seconds), "max_s": max(seconds)}


# -- 2, 3. HTTP throughput with wrk ------------------------------------------------------------------------
def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed and this is not root: install it with `sudo apt-get install -y wrk`")
    print("wrk is not installed: apt-get install -y wrk", flush=True)
    if _apt("install", "-y", "wrk") != 0:  # perhaps the package lists are missing or stale
        _apt("update")
        _apt("install", "-y", "wrk")
    found = shutil.which("wrk")
    if not found:
        raise BenchError("`apt-get install -y wrk` did not install wrk")
    return found


def _apt(*args: str) -> int:
    return subprocess.run(
        ["apt-get", *args], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=False
    ).returncode


def _lua_string(text: str) -> str:
    return f"[==[{text}]==]"


def wrk_script(
    method: str, headers: dict[str, str], body_template: str, tag: str, authorizations: tuple[str, ...] = ()
) -> str:
    """A wrk Lua script: a body per request, a non-2xx count per thread, one JSON summary line in done().

    Where the body template has ``{n}``, each request gets ``<tag>-<thread>-<counter>`` there, so that
    campaign names never repeat across threads, requests or runs against the same server.
    ``authorizations``, if given, take turns as the Authorization header (many tenants, for bench/peers.py's
    scale-out runs, where a proxy routes by key).
    """
    prefix, slot, suffix = body_template.partition(NAME_SLOT)
    lua_headers = ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items())
    body = "prefix .. tag .. '-' .. id .. '-' .. sent .. suffix" if slot else "prefix"
    turns = ", ".join(_lua_string(a) for a in authorizations)
    rotate = '  headers["authorization"] = turns[(sent + id) % #turns + 1]\n' if authorizations else ""
    return f"""-- generated by bench/run.py
local threads = {{}}
local method, tag = {_lua_string(method)}, {_lua_string(tag)}
local prefix, suffix = {_lua_string(prefix)}, {_lua_string(suffix)}
local headers = {{{lua_headers}}}
local turns = {{{turns}}}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  sent, non2xx, first_error = 0, 0, ""
end

function request()
  sent = sent + 1
{rotate}  return wrk.format(method, nil, headers, {body})
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_error == "" then
      first_error = status .. " " .. (string.gsub(string.sub(body or "", 1, 300), "%s+", " "))
    end
  end
end

function done(summary, latency, requests)
  local non2xx_total, first = 0, ""
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
    if first == "" then first = thread:get("first_error") or "" end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {{"requests":%d,"duration_us":%d,"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f,"max_us":%.1f,' ..
    '"non2xx":%d,"socket_errors":{{"connect":%d,"read":%d,"write":%d,"timeout":%d}}}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, non2xx_total, e.connect, e.read, e.write, e.timeout))
  io.write("BENCH_FIRST_ERROR " .. first .. "\\n")
end
"""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    socket_errors: dict[str, int]
    first_error: str = ""
    warmup_requests: int = 0
    warmup_non2xx: int = 0

    def failures(self) -> str | None:
        """What went wrong in the warm-up or the run, if anything did."""
        if not (self.non2xx or self.warmup_non2xx or any(self.socket_errors.values())):
            return None
        return (
            f"{self.non2xx} non-2xx responses ({self.warmup_non2xx} in the warm-up), socket errors "
            f"{self.socket_errors}; first non-2xx: {self.first_error or '-'}"
        )


def run_wrk(
    wrk: str,
    url: str,
    body_template: str,
    tag: str,
    seconds: float,
    authorization: str = f"Bearer {DEMO_KEY}",
    connections: int = 16,
    authorizations: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
) -> WrkResult:
    """wrk with 2 threads (1 for a single connection) and ``connections`` connections; ``headers`` add to the
    JSON content type and the Authorization header."""
    headers = {"authorization": authorization, "content-type": "application/json", **(headers or {})}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script("POST", headers, body_template, tag, authorizations))
    try:
        threads = min(2, connections)
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "5s",
            "-s",
            script.name,
        ]
        command.append(url)
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    finally:
        Path(script.name).unlink()
    summary = next((line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or summary is None:
        raise BenchError(f"wrk failed (status {done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(summary.removeprefix("BENCH_JSON "))
    first_error = next((line for line in done.stdout.splitlines() if line.startswith("BENCH_FIRST_ERROR")), "")
    elapsed = data["duration_us"] / 1e6
    return WrkResult(
        requests=data["requests"],
        seconds=round(elapsed, 2),
        per_second=round(data["requests"] / elapsed, 1),
        p50_ms=round(data["p50_us"] / 1000, 3),
        p90_ms=round(data["p90_us"] / 1000, 3),
        p99_ms=round(data["p99_us"] / 1000, 3),
        max_ms=round(data["max_us"] / 1000, 2),
        non2xx=data["non2xx"],
        socket_errors=data["socket_errors"],
        first_error=first_error.removeprefix("BENCH_FIRST_ERROR").strip(),
    )


def measure_http(
    server: Server,
    wrk: str,
    path: str,
    body: str,
    label: str,
    seconds: float,
    warmup: float,
    authorization: str = f"Bearer {DEMO_KEY}",
) -> WrkResult:
    """A warm-up run, then the measured one; non-2xx answers are counted, not raised (see WrkResult.failures)."""
    url = f"http://127.0.0.1:{server.port}{path}"
    warm = run_wrk(wrk, url, body, f"{label}-warm", warmup, authorization)
    result = run_wrk(wrk, url, body, label, seconds, authorization)
    result.warmup_requests, result.warmup_non2xx = warm.requests, warm.non2xx
    result.first_error = result.first_error or warm.first_error
    return result


# -- 4. store scaling --------------------------------------------------------------------------------------
def campaign_record(i: int) -> dict[str, Any]:
    """A record of the shape WebexBackend.create_campaign stores."""
    campaign_id = str(17_000_000_000_000 + i * 10)
    return {
        "id": campaign_id,
        "name": f"bench-{i}",
        "refernceid": None,
        "imageName": None,
        "imageUri": None,
        "categoryId": "Others",
        "priority": 0,
        "businessStakeHolder": None,
        "notifications": [
            {"emailId": "ops@example.com", "description": "", "status": 1, "excepitonAlert": 0, "defaultUser": 0}
        ],
        "alertsettings": [{"alertType": "N0002"}],
        "channels": [],
        "createdOn": "2026-01-01 00:00:00",
        "createdBy": "bench",
        "deploymentsCount": 0,
    }


@dataclass
class Timings:
    samples_ns: list[int] = field(default_factory=list)

    def time(self, call: Callable[[], Any]) -> Any:
        start = time.perf_counter_ns()
        result = call()
        self.samples_ns.append(time.perf_counter_ns() - start)
        return result

    def p50_us(self) -> float:
        return round(statistics.median(self.samples_ns) / 1000, 2)

    def p99_us(self) -> float:
        ordered = sorted(self.samples_ns)
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000, 2)


def scaling(at_small: dict[str, Timings], at_large: dict[str, Timings]) -> dict[str, dict[str, float]]:
    out = {}
    for name, small in at_small.items():
        large = at_large[name]
        out[name] = {
            "small_p50_us": small.p50_us(),
            "large_p50_us": large.p50_us(),
            "small_p99_us": small.p99_us(),
            "large_p99_us": large.p99_us(),
            "ratio": round(large.p50_us() / small.p50_us(), 2),
        }
    return out


def measure_store(sizes: tuple[int, int], n: int) -> dict[str, dict[str, float]]:
    """Store (memory) insert and get-by-id p50 at two table sizes."""
    from sandbox.core.store import Store

    store = Store()
    rng = random.Random(1)
    filled = 0
    results = []
    for size in sizes:
        while filled < size:
            store.insert(CAMPAIGN_TABLE, campaign_record(filled)["id"], campaign_record(filled))
            filled += 1
        keys = [campaign_record(rng.randrange(size))["id"] for _ in range(n)]
        records = [campaign_record(filled + i) for i in range(n)]
        gc.collect()
        inserts, gets = Timings(), Timings()
        for record in records:
            inserts.time(lambda record=record: store.insert(CAMPAIGN_TABLE, record["id"], record))
        filled += n
        for key in keys:
            if gets.time(lambda key=key: store.get(CAMPAIGN_TABLE, key)) is None:
                raise BenchError(f"Store.get lost campaign {key}")
        results.append({"insert": inserts, "get": gets})
    return scaling(*results)


def measure_tinydb_stock(sizes: tuple[int, int], n: int) -> dict[str, dict[str, float]]:
    """TinyDB's default table (MemoryStorage) insert p50 at two sizes, for contrast: it rebuilds on each write."""
    from tinydb import TinyDB
    from tinydb.storages import MemoryStorage

    db = TinyDB(storage=MemoryStorage)
    filled = 0
    results = []
    for size in sizes:
        db.insert_multiple(campaign_record(i) for i in range(filled, size))  # one rebuild for the whole batch
        filled = size
        records = [campaign_record(filled + i) for i in range(n)]
        gc.collect()
        inserts = Timings()
        for record in records:
            inserts.time(lambda record=record: db.insert(record))
        filled += n
        results.append({"insert": inserts})
    return scaling(*results)


def measure_app(sizes: tuple[int, int], n: int) -> dict[str, Any]:
    """POST create and GET by id through the Flask test client, with the table pre-filled via WebexBackend."""
    from sandbox.app import create_app
    from sandbox.config import Config
    from sandbox.vendors.webex.models import WebexBackend
    from sandbox.vendors.webex.routes import CAMPAIGN

    app = create_app(Config(memory=True))
    client = app.test_client()
    headers = {"authorization": f"Bearer {DEMO_KEY}", "content-type": "application/json"}
    names = iter(range(10**9))
    rng = random.Random(2)

    def body() -> dict[str, Any]:
        return json.loads(CAMPAIGN_BODY.replace(NAME_SLOT, f"app-{next(names)}"))

    def post() -> str:
        response = client.post(CAMPAIGNS, data=json.dumps(body()), headers=headers)
        if response.status_code != 200:
            raise BenchError(f"POST {CAMPAIGNS} answered {response.status_code}: {response.get_data(as_text=True)}")
        return str(response.get_json()["id"])

    def get(campaign_id: str) -> None:
        response = client.get(f"{CAMPAIGNS}/{campaign_id}", headers=headers)
        if response.status_code != 200:
            raise BenchError(f"GET {CAMPAIGNS}/{campaign_id} answered {response.status_code}")

    ids = [post() for _ in range(100)]  # warm-up: lazy imports, first-request setup
    for campaign_id in ids:
        get(campaign_id)
    sandbox = app.extensions["sandbox"]
    demo = sandbox.credentials.get("webex", DEMO_KEY)
    assert demo is not None, "the demo key is a fixture"
    backend = WebexBackend(sandbox.tenant(demo.tenant, demo))  # the demo key's tenant, as its requests see it
    results = []
    prefill_seconds = 0.0
    for size in sizes:
        started = time.perf_counter()
        while len(ids) < size:
            ids.append(backend.create_campaign(CAMPAIGN.load(body()))["id"])
        prefill_seconds += time.perf_counter() - started
        sample = [rng.choice(ids) for _ in range(n)]
        gc.collect()
        creates, gets = Timings(), Timings()
        created = [creates.time(post) for _ in range(n)]
        for campaign_id in sample:
            gets.time(lambda campaign_id=campaign_id: get(campaign_id))
        ids.extend(created)
        results.append({"create": creates, "get": gets})
    return {**scaling(*results), "prefill_us_per_campaign": round(prefill_seconds / (sizes[1] - 100) * 1e6, 1)}


# -- report ------------------------------------------------------------------------------------------------
@dataclass
class Check:
    name: str
    value: str
    target: str
    passed: bool | None  # None: a figure without a target (context)

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "-"}[self.passed]


def checks_for(results: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if start := results.get("start"):
        checks.append(
            Check(
                "start to first answer, median",
                f"{start['median_s']:.3f} s",
                f"<= {TARGET_START_S} s",
                start["median_s"] <= TARGET_START_S,
            )
        )
        checks.append(Check("start to first answer, max", f"{start['max_s']:.3f} s", "", None))
    for key, label, unit, target in (
        ("create", "create campaign", "req/s", TARGET_CREATE_RPS),
        ("infobip_create", "Infobip create campaign", "req/s", TARGET_CREATE_RPS),
        ("events", "event API", "events/s", TARGET_EVENTS_RPS),
        ("create_threads1", "create campaign at --threads 1", "req/s", TARGET_CREATE_RPS),
        ("events_threads1", "event API at --threads 1", "events/s", TARGET_EVENTS_RPS),
    ):
        if run := results.get(key):
            checks.append(
                Check(
                    f"{label} throughput",
                    f"{run['per_second']:,.0f} {unit}",
                    f">= {target:,.0f}",
                    run["per_second"] >= target,
                )
            )
            checks.append(Check(f"{label} latency p50 / p99", f"{run['p50_ms']} / {run['p99_ms']} ms", "", None))
            non2xx = run["non2xx"] + run["warmup_non2xx"]
            checks.append(Check(f"{label} non-2xx responses", str(non2xx), "0 (else error)", non2xx == 0))
    for key, label in (("store", "Store"), ("app", "app (test client)")):
        for op, figures in (results.get(key) or {}).items():
            if isinstance(figures, dict):
                checks.append(
                    Check(
                        f"{label} {op} p50 1k -> 100k",
                        f"{figures['small_p50_us']} -> {figures['large_p50_us']} us (x{figures['ratio']})",
                        f"<= x{TARGET_SCALING_RATIO}",
                        figures["ratio"] <= TARGET_SCALING_RATIO,
                    )
                )
    if stock := results.get("tinydb_stock"):
        figures = stock["insert"]
        checks.append(
            Check(
                "TinyDB stock table insert p50 1k -> 10k",
                f"{figures['small_p50_us']} -> {figures['large_p50_us']} us (x{figures['ratio']})",
                "contrast",
                None,
            )
        )
    if memory := results.get("rss_idle"):
        checks.append(
            Check(
                "idle memory after start, RSS parent + worker",
                rss_figure(memory),
                f"<= {TARGET_IDLE_RSS_MB:.0f} MB",
                memory["rss_sum_mb"] <= TARGET_IDLE_RSS_MB,
            )
        )
        checks.append(Check("idle memory after start, PSS parent + worker", f"{memory['pss_sum_mb']:.0f} MB", "", None))
    if memory := results.get("rss_after_load"):
        checks.append(Check(f"memory after the load runs, RSS ({memory['holds']})", rss_figure(memory), "", None))
    return checks


def rss_figure(memory: dict[str, Any]) -> str:
    per_process = " + ".join(f"{process['rss_mb']:.0f}" for process in memory["processes"])
    return f"{memory['rss_sum_mb']:.0f} MB ({per_process})"


def holds(results: dict[str, Any]) -> str:
    """What the server stores after the load runs: every campaign created, and at most 10k events."""
    campaigns = sum(
        results.get(run, {}).get(key, 0)
        for run in ("create", "infobip_create")
        for key in ("requests", "warmup_requests")
    )
    events = min(10_000, sum(results.get("events", {}).get(key, 0) for key in ("requests", "warmup_requests")))
    return f"{campaigns / 1000:.1f}k campaigns, {events / 1000:.1f}k events"


def print_table(checks: list[Check]) -> None:
    widths = [
        max(
            len(row[i])
            for row in [("figure", "value", "target", "")] + [(c.name, c.value, c.target, "") for c in checks]
        )
        for i in range(3)
    ]
    print()
    print(f"{'figure':<{widths[0]}}  {'value':>{widths[1]}}  {'target':<{widths[2]}}  verdict")
    print("-" * (sum(widths) + 15))
    for check in checks:
        print(f"{check.name:<{widths[0]}}  {check.value:>{widths[1]}}  {check.target:<{widths[2]}}  {check.verdict}")


def git_revision() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    return done.stdout.strip() or "unknown"


# -- main --------------------------------------------------------------------------------------------------
Section = Callable[[str, str, Callable[[], Any]], None]


def http_runs(args: argparse.Namespace, wrk: str, results: dict[str, Any], section: Section) -> None:
    """Sections 2, 2b, 3 and 5 against one server: memory at rest, three wrk loads, memory at rest again."""
    print("== starting the server for the HTTP runs", flush=True)
    with running_server(args.server_cmd) as server:
        time.sleep(0.5)
        results["rss_idle"] = server.memory()
        for title, key, path, body, authorization in (
            ("2. create campaign (wrk)", "create", CAMPAIGNS, CAMPAIGN_BODY, f"Bearer {DEMO_KEY}"),
            (
                "2b. Infobip create campaign (wrk)",
                "infobip_create",
                INFOBIP_CAMPAIGNS,
                INFOBIP_CAMPAIGN_BODY,
                f"App {INFOBIP_KEY}",
            ),
            ("3. event API (wrk)", "events", EVENTS, EVENT_BODY, f"Bearer {DEMO_KEY}"),
        ):
            section(
                title,
                key,
                lambda path=path, body=body, key=key, authorization=authorization: asdict(
                    measure_http(server, wrk, path, body, key, args.duration, args.warmup, authorization)
                ),
            )
        time.sleep(1.0)
        results["rss_after_load"] = {**server.memory(), "holds": holds(results)}
        print(f"== 5. memory at rest: after start {results['rss_idle']}", flush=True)
        print(f"   after the load runs {results['rss_after_load']}", flush=True)
    # The default 32 request threads leave room for scenario delays; one thread shows what that room costs.
    with running_server(f"{args.server_cmd} --threads 1") as server:
        for title, key, path, body in (
            ("2c. create campaign, --threads 1 (wrk)", "create_threads1", CAMPAIGNS, CAMPAIGN_BODY),
            ("3c. event API, --threads 1 (wrk)", "events_threads1", EVENTS, EVENT_BODY),
        ):
            section(
                title,
                key,
                lambda path=path, body=body, key=key: asdict(
                    measure_http(server, wrk, path, body, key, args.duration, args.warmup, f"Bearer {DEMO_KEY}")
                ),
            )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--peers" in argv:  # the sandbox beside Prism, WireMock and moto instead (bench/peers.py imports this module)
        import peers

        return peers.main([arg for arg in argv if arg != "--peers"])
    parser = argparse.ArgumentParser(description=__doc__, epilog="--peers: bench/peers.py's comparison instead")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each measured wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of the wrk warm-up before each run")
    parser.add_argument("--starts", type=int, default=5, help="server starts to time")
    parser.add_argument("--server-cmd", default=default_server_cmd(), help="server command; {port} is replaced")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    results: dict[str, Any] = {
        "meta": {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "revision": git_revision(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "server_cmd": args.server_cmd,
            "wrk": "2 threads, 16 connections",
        }
    }
    errors: list[str] = []

    def section(title: str, key: str, work: Callable[[], Any]) -> None:
        print(f"== {title}", flush=True)
        started = time.perf_counter()
        try:
            results[key] = work()
        except BenchError as failure:
            errors.append(f"{title}: {failure}")
            print(f"   ERROR: {failure}", flush=True)
        else:
            print(f"   {json.dumps(results[key])}  ({time.perf_counter() - started:.1f} s)", flush=True)

    try:
        wrk = ensure_wrk()
    except BenchError as failure:
        errors.append(str(failure))
        wrk = ""

    section(
        f"1. start to first answer ({args.starts} starts)", "start", lambda: measure_start(args.server_cmd, args.starts)
    )
    if "start" in results and wrk:
        try:
            http_runs(args, wrk, results, section)
        except BenchError as failure:
            errors.append(f"HTTP runs: {failure}")
            print(f"   ERROR: {failure}", flush=True)
        for key in ("create", "infobip_create", "events", "create_threads1", "events_threads1"):
            if key in results and (failure := WrkResult(**results[key]).failures()):
                errors.append(f"{key}: {failure}")
    else:
        print("== skipping the HTTP runs (no server or no wrk)", flush=True)

    section("4a. Store insert/get p50 at 1k and 100k", "store", lambda: measure_store((1_000, 100_000), 2_000))
    section(
        "4b. TinyDB stock table insert p50 at 1k and 10k",
        "tinydb_stock",
        lambda: measure_tinydb_stock((1_000, 10_000), 200),
    )
    section("4c. app create/get p50 at 1k and 100k (test client)", "app", lambda: measure_app((1_000, 100_000), 2_000))

    checks = checks_for(results)
    print_table(checks)
    results["checks"] = [{**asdict(check), "verdict": check.verdict} for check in checks]
    results["errors"] = errors
    results["meta"]["seconds"] = round(time.perf_counter() - began, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"\n{sum(c.passed is True for c in checks)} PASS, {sum(c.passed is False for c in checks)} FAIL; "
        f"results in {args.output} ({results['meta']['seconds']} s)"
    )
    if errors:
        print("\nERRORS (the run is not valid):", file=sys.stderr)
        for error in errors:
            print(f"  - {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
