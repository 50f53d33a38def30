"""Start time (issue 16): what the first answers need is all a fresh server imports; the rest comes when used.

Each check runs in a fresh interpreter, since this one has long imported everything.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_architecture import DEFERRED

from sandbox.server import _starting

ROOT = Path(__file__).resolve().parent.parent

BUILD = """
import base64, json, sys
from sandbox.app import create_app
from sandbox.config import Config

DEFERRED = json.loads(sys.argv[1])
app = create_app(Config(memory=True))
client = app.test_client()
WEBEX = {"Authorization": "Bearer demo-webex-api-key-0001"}


def imported():
    return sorted(name for name in DEFERRED if name in sys.modules)


def campaign(name, **more):
    body = {"name": name, "categoryId": "Others", "priority": 0, "notifications": [{"emailId": "ops@example.com"}],
            "alertsettings": [{"alertType": "N0002"}], **more}
    return client.post("/webex/v1/campaigns", json=body, headers=WEBEX)
"""

FIRST_ANSWERS = """
answers = [
    client.get("/_sandbox/health").status_code,
    campaign("first").status_code,
    client.post("/webex/campaignapi/resources/v3/events", headers=WEBEX, json={
        "event-id": "evt_14296935520105", "event-key": "k1", "event-params": {"account": "1"}}).status_code,
    client.get("/_sandbox/docs/swagger-ui/swagger-ui.css").status_code,
]
print(json.dumps({"answers": answers, "imported": imported(), "swagger_ui": "swagger_ui" in sys.modules,
                  "ctypes.util": "ctypes.util" in sys.modules}))
"""

# A 1x1 PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQI12P4z8AAAAMBAQAY3Y2wAAAAAElFTkSuQmCC"

USES = {
    "a webex logo is checked": f"""
before = imported()
created = campaign("with a logo", imageName="logo.png", imageContent="{PNG}")
refused = campaign("not a logo", imageName="logo.png", imageContent=base64.b64encode(b"no image").decode())
read = client.get("/webex/v1/campaigns/" + created.get_json()["id"], headers=WEBEX)
shown = client.get(read.get_json()["imageUri"])
result = [created.status_code, refused.status_code, shown.status_code, shown.mimetype]
""",
    "an OpenAPI document is built": """
before = imported()
answer = client.get("/_sandbox/openapi/webex.json")
result = [answer.status_code, sorted(answer.get_json())[:2], "/v1/campaigns" in answer.get_json()["paths"]]
""",
    "a webhook is delivered": """
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

got = []

class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        got.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.handle_request, daemon=True).start()
outbox = app.extensions["sandbox"].outbox
before = imported()
delivery = outbox.enqueue("t1", "webex", "s1", f"http://127.0.0.1:{server.server_port}/hook", '{"n": 1}',
                          {"Content-Type": "application/json"}, "test", "e1", "2026-01-01T00:00:00Z")
outbox.deliver_due()
result = [outbox.get("t1", delivery)["status"], outbox.get("t1", delivery)["attempts"][0]["status_code"], got]
server.server_close()
""",
}
EXPECTED = {
    "a webex logo is checked": ([200, 400, 200, "image/png"], {"PIL.Image"}),
    "an OpenAPI document is built": ([200, ["components", "info"], True], {"apispec", "apispec.ext.marshmallow"}),
    "a webhook is delivered": (["delivered", 204, ['{"n": 1}']], {"urllib3"}),
}


def run(script: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", BUILD + script, json.dumps(sorted(DEFERRED))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_the_first_answers_import_none_of_the_deferred_modules() -> None:
    """Health, a vendor create, an event and Swagger UI's files: none of them waits for a deferred import."""
    found = run(FIRST_ANSWERS)
    assert found["answers"] == [200, 200, 200, 200]
    assert found["imported"] == []
    assert found["swagger_ui"] is False  # its files are served; its Python side is never imported
    assert found["ctypes.util"] is False  # malloc_trim is found without running `ldconfig -p`


@pytest.mark.parametrize("use", sorted(USES))
def test_a_deferred_module_is_imported_when_first_needed_and_works(use: str) -> None:
    found = run(USES[use] + 'print(json.dumps({"before": before, "result": result, "after": imported()}))')
    answers, modules = EXPECTED[use]
    assert found["before"] == []
    assert found["result"] == answers
    assert set(found["after"]) == modules  # this use imports its own modules, and no other deferred one


def test_every_deferred_module_has_a_use_shown_here() -> None:
    assert set().union(*(modules for _, modules in EXPECTED.values())) == set(DEFERRED)


def test_start_up_runs_no_collection_and_then_freezes_what_it_built() -> None:
    assert gc.isenabled()
    try:
        collections = sum(generation["collections"] for generation in gc.get_stats())
        with _starting():
            assert not gc.isenabled()
            kept = [[index] for index in range(100_000)]  # what would have set off collections
        assert gc.isenabled()
        assert sum(generation["collections"] for generation in gc.get_stats()) == collections
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        with _starting():
            pass
        assert not gc.isenabled()  # a process that had the collector off keeps it off
    finally:
        gc.enable()
        gc.unfreeze()
