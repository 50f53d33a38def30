"""Fuzzing from the OpenAPI documents (schemathesis) and the Postman collections (newman), on a live sandbox."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from live_helpers import HTTP_TIMEOUT, ServerProcess

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
NEWMAN = ROOT / ".tools" / "node_modules" / ".bin" / "newman"  # `make test` installs it (npm)
DEMO = {
    "infobip": "App demo-infobip-api-key-0001",
    "webex": "Bearer demo-webex-api-key-0001",
    "zexa": "Bearer demo-zexa-api-key-0001",
    "dailystory": "Bearer demo-dailystory-token-0001",
}
# The checks of the issue: documented status codes, conforming bodies and content types; schema-invalid
# input refused; and no server error where the vendor documents none. Webex documents 500 for malformed
# input (code 1001) and missing event fields (1002), and Infobip answers its documented 501 for what the
# sandbox does not emulate, so that one check is off for those two; their 5xx must still carry the
# vendor's documented error body (response_schema_conformance). Left off everywhere, and why, in
# docs/fidelity.md: ignored_auth (any well-formed key gets a tenant of its own, on purpose) and
# positive_data_acceptance (rules a JSON Schema cannot state, such as "imageContent when imageName").
# Beyond the issue, every other check schemathesis has: documented headers, a 401 without credentials, 405
# with an Allow header for a method a path does not take, what a create made can be read and, once deleted,
# no longer (except DailyStory's, which go to the trash and are still read there), no one else's records.
CHECKS = ",".join(
    [
        "status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection",
        "response_headers_conformance,missing_required_header,unsupported_method,allow_header_conformance",
        "ensure_resource_availability,object_level_authorization",
    ]
)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    running = ServerProcess("--seed", "7", cwd=ROOT)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("vendor", sorted(DEMO))
def test_schemathesis_finds_nothing(server: ServerProcess, vendor: str) -> None:
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is not installed (pip install -e '.[dev]')"
    checks = CHECKS if vendor in ("webex", "infobip") else f"not_a_server_error,{CHECKS}"
    checks += "" if vendor == "dailystory" else ",use_after_free"
    command = [
        st, "run", f"{server.url}/_sandbox/openapi/{vendor}.json",
        "--phases", "examples,fuzzing,stateful",
        "--max-examples", "15",
        "--generation-deterministic",  # the same cases on every run
        "--checks", checks,
        "--header", f"Authorization: {DEMO[vendor]}",
        "--request-timeout", "5",
        "--no-color",
    ]  # fmt: skip
    server.printed()  # what earlier tests left
    run = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    # Each phase ran and passed (a phase left out or skipped is still named in the summary).
    for phase in ("Examples", "Fuzzing", "Stateful"):
        assert re.search(rf"✅ +{phase}\b", run.stdout), run.stdout[-3000:]
    assert re.search(r"Scenarios: +[1-9]", run.stdout), run.stdout[-3000:]
    # A crash is rendered as the vendor's documented 500, which passes where not_a_server_error is off: the
    # server's own log must show none.
    crashes = [line for line in server.printed() if "Traceback" in line or "Exception on" in line]
    assert not crashes, crashes


@pytest.mark.parametrize("vendor", sorted(DEMO))
def test_newman_runs_the_postman_collection_green(server: ServerProcess, vendor: str, tmp_path: Path) -> None:
    if not NEWMAN.exists():
        pytest.fail("newman is missing: `make test` installs it (npm install --prefix .tools newman)")
    # From the fixtures, as on a fresh sandbox: the fuzzing before may have deleted what a collection's examples
    # name (the seeded Infobip brand its campaign example belongs to).
    assert requests.post(f"{server.url}/_sandbox/reset", json={}, timeout=HTTP_TIMEOUT).status_code == 200
    made = requests.get(f"{server.url}/_sandbox/postman/{vendor}.json", timeout=HTTP_TIMEOUT)
    assert made.status_code == 200
    path = tmp_path / f"{vendor}.postman_collection.json"
    path.write_text(json.dumps(made.json()), encoding="utf-8")
    report = tmp_path / "report.json"
    run = subprocess.run(
        [str(NEWMAN), "run", str(path), "--reporters", "cli,json", "--reporter-json-export", str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    stats = json.loads(report.read_text(encoding="utf-8"))["run"]["stats"]
    assert stats["requests"]["total"] == len(made.json()["item"]) and stats["requests"]["failed"] == 0
    assert stats["assertions"]["failed"] == 0 and stats["assertions"]["total"] >= len(made.json()["item"])
